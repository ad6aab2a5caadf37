"""Synthesise the cue sounds: one small WAV per cue kind, told apart by pitch and length.

`python -m timer.sounds [--out DIR]` (re)writes `sounds/*.wav`. Only the standard library is used and the
output is deterministic (same bytes every run), so a test can check that the committed files are what this
script makes.

Design: every sound is built from short notes (a fundamental plus a little third harmonic, which carries
better over gym music than a pure sine and keeps the zero-crossing rate equal to the fundamental), with
raised-cosine fades so notes start and stop without clicks, then scaled to a peak of -1 dBFS.
"""

from __future__ import annotations

import argparse
import io
import math
import sys
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

RATE = 44_100
"""Samples per second of every cue sound (and of rendered voice phrases)."""

PEAK_DBFS = -1.0
"""Loud but never clipped: every sound is scaled so its largest sample sits here."""

FADE_S = 0.005
"""Fade-in/out per note; long enough to avoid clicks, short enough to keep the attack crisp."""

THIRD_HARMONIC = 0.25
"""Amplitude of the third harmonic relative to the fundamental (below 1/3 keeps the wave's zero crossings)."""


@dataclass(frozen=True)
class Note:
    """One piece of a sound: a chord of `freqs` lasting `seconds` (an empty chord is a rest)."""

    freqs: tuple[float, ...]
    seconds: float
    decay: float = 0.0
    """Exponential decay rate (1/s): 0 keeps the level flat (a beep), larger values ring like a bell."""


# Pitches (Hz) used below, named so the table reads like music.
C5, D5, E5, G5, A5, C6, D6, E6 = 523.25, 587.33, 659.26, 783.99, 880.0, 1046.50, 1174.66, 1318.51

SOUNDS: dict[str, tuple[Note, ...]] = {
    # Countdown 3-2-1: a short mid beep.
    "count": (Note((A5,), 0.12),),
    # Work starts: higher and longer than a count beep, so "3, 2, 1, GO" rises.
    "go": (Note((E6,), 0.45),),
    # Work ends: a falling two-tone, lower than the count beep.
    "stop": (Note((E5,), 0.18), Note((C5 / 1.5,), 0.30)),
    # Middle of a long set: two quick high pips.
    "halfway": (Note((C6,), 0.08), Note((), 0.06), Note((C6,), 0.08)),
    # 10 seconds left in a rest: a rising two-tone (the mirror of "stop").
    "rest10": (Note((D5,), 0.15), Note((A5,), 0.15)),
    # Next movement of a complex: one bright note that rings out.
    "part": (Note((D6,), 0.26, decay=6.0),),
    # End of a round: a long, low, ringing tone.
    "round_end": (Note((C5,), 0.90, decay=2.5),),
    # End of the circuit: a rising arpeggio resolving on a held chord; the longest sound.
    "final": (
        Note((C5,), 0.16),
        Note((E5,), 0.16),
        Note((G5,), 0.16),
        Note((C5, E5, G5, C6), 1.10, decay=1.5),
    ),
    # Metronome: a very short click that dies away at once (soft because it is so brief).
    "tick": (Note((2 * C6,), 0.025, decay=150.0),),
}
"""Every cue kind that has a tone ("announce" is voice only)."""


def _note_samples(note: Note) -> list[float]:
    """Samples of one note in [-1, 1] (not yet scaled), faded in and out."""
    count = round(note.seconds * RATE)
    if not note.freqs:
        return [0.0] * count
    fade = min(round(FADE_S * RATE), count // 2)
    out = []
    for i in range(count):
        t = i / RATE
        value = 0.0
        for freq in note.freqs:
            phase = 2 * math.pi * freq * t
            value += math.sin(phase) + THIRD_HARMONIC * math.sin(3 * phase)
        value /= len(note.freqs)
        if note.decay:
            value *= math.exp(-note.decay * t)
        # Raised-cosine ramps at both ends.
        if i < fade:
            value *= 0.5 - 0.5 * math.cos(math.pi * i / fade)
        elif i >= count - fade:
            value *= 0.5 - 0.5 * math.cos(math.pi * (count - 1 - i) / fade)
        out.append(value)
    return out


def synthesize(kind: str) -> bytes:
    """The 16-bit little-endian mono frames of one cue sound, peak at PEAK_DBFS."""
    samples: list[float] = []
    for note in SOUNDS[kind]:
        samples.extend(_note_samples(note))
    peak = max(abs(s) for s in samples)
    scale = 32767 * 10 ** (PEAK_DBFS / 20) / peak
    frames = array("h", (round(s * scale) for s in samples))
    if sys.byteorder == "big":
        frames.byteswap()  # WAV data is little-endian
    return frames.tobytes()


def wav_bytes(frames: bytes) -> bytes:
    """A complete WAV file (16-bit PCM mono, RATE) holding `frames`."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)
    return buffer.getvalue()


def default_folder() -> Path:
    """The repository's `sounds/` folder (beside the `timer` package in a source checkout)."""
    return Path(__file__).resolve().parent.parent / "sounds"


def write_all(folder: Path) -> list[Path]:
    """Write `<kind>.wav` for every kind in SOUNDS into `folder`; return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in SOUNDS:
        path = folder / f"{kind}.wav"
        path.write_bytes(wav_bytes(synthesize(kind)))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: regenerate the cue sounds."""
    parser = argparse.ArgumentParser(prog="python -m timer.sounds", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=default_folder(), help="folder to write (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    for path in write_all(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
