"""Spoken announcements: render short phrases to WAV with espeak-ng (or `say` on macOS), cached on disk.

Without the espeak-ng command, the `speech` extra's wheel (espeakng-loader) brings the same engine and its
voices: `timer.speak` runs it in a subprocess with the command's options, so nothing else changes.

`render_phrases` is slow (a speech synthesiser per new phrase), so the UI runs it in a background worker at
session start and hands the result to `Player.add_voices`. Without a speech tool the result is empty and
the cues stay beeps, silently: spoken phrases are a bonus, never a requirement.

Every cached file is normalised to what the players expect (16-bit PCM mono, 44.1 kHz like the cue sounds,
leading/trailing silence trimmed, peak at -1 dBFS so a phrase is as loud as a beep), so a tone and a phrase
can be joined into one buffer without resampling at play time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from array import array
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from platformdirs import user_cache_path

from timer.sounds import PEAK_DBFS, RATE, wav_bytes

FORMAT_VERSION = 1
"""Part of every cache key: bump it when the normalisation below changes, so old files are not reused."""

RENDER_TIMEOUT_S = 20.0
"""A synthesiser that hangs must not hold the worker forever."""


@dataclass(frozen=True)
class VoiceSettings:
    """How phrases are spoken; every field is part of the cache key."""

    espeak_voice: str = "en"
    """espeak-ng voice (language) name, see `espeak-ng --voices`."""
    say_voice: str | None = None
    """macOS `say -v` voice; None for the system default."""
    words_per_minute: int = 165
    """A little slower than espeak's default (175) so a phrase stays clear over gym music."""


WHEEL_TOOL = "espeakng-loader"
"""`speech_tool`'s answer when only the `speech` extra speaks: espeak-ng's engine from a wheel."""


def wheel_speech_installed() -> bool:
    """The `speech` extra is installed (looked up, not imported: the app never loads it itself)."""
    try:
        return importlib.util.find_spec("espeakng_loader") is not None
    except (ImportError, ValueError):
        return False


def speech_tool(platform: str = sys.platform) -> str | None:
    """The speech synthesiser to use: espeak-ng (or espeak) or macOS `say` (full path), else the wheel's."""
    names = ("say", "espeak-ng", "espeak") if platform == "darwin" else ("espeak-ng", "espeak")
    for name in names:
        found = shutil.which(name)
        if found is not None:
            return found
    return WHEEL_TOOL if wheel_speech_installed() else None


def voice_available() -> bool:
    """True when phrases can be spoken (a speech tool is installed)."""
    return speech_tool() is not None


def default_cache_dir() -> Path:
    """Where rendered phrases are kept between sessions, e.g. ~/.cache/circuit-timer/voice."""
    return user_cache_path("circuit-timer") / "voice"


def _command(tool: str, settings: VoiceSettings, out: Path) -> list[str]:
    """argv that reads the phrase on stdin (so a phrase starting with "-" is never taken as an option)."""
    if tool == WHEEL_TOOL:
        # The command's options, spoken by the wheel's library in a subprocess of this Python.
        return [
            sys.executable,
            "-m",
            "timer.speak",
            "-v",
            settings.espeak_voice,
            "-s",
            str(settings.words_per_minute),
            "-w",
            str(out),
        ]
    if Path(tool).name == "say":
        voice = ["-v", settings.say_voice] if settings.say_voice else []
        return [
            tool,
            *voice,
            "-r",
            str(settings.words_per_minute),
            "-o",
            str(out),
            "--file-format=WAVE",
            f"--data-format=LEI16@{RATE}",
            "-f",
            "-",
        ]
    # -b 1: the input is UTF-8 (exercise names like "Hüftheben").
    return [
        tool,
        "-v",
        settings.espeak_voice,
        "-s",
        str(settings.words_per_minute),
        "-b",
        "1",
        "-w",
        str(out),
        "--stdin",
    ]


def phrase_file(phrase: str, cache_dir: Path, settings: VoiceSettings, tool: str) -> Path:
    """The cache file for `phrase`: named by a hash of the phrase, the tool and the settings."""
    key = json.dumps(
        {"phrase": phrase, "tool": Path(tool).name, "settings": asdict(settings), "format": FORMAT_VERSION},
        sort_keys=True,
    )
    return cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.wav"


def normalise(source: Path) -> bytes:
    """16-bit mono RATE frames of a synthesiser's WAV: downmixed, resampled, trimmed, peak at PEAK_DBFS."""
    with wave.open(str(source), "rb") as wav:
        channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
        raw = wav.readframes(wav.getnframes())
    if width != 2:
        raise ValueError(f"expected 16-bit samples, got {8 * width}-bit")
    data = array("h", raw)
    if sys.byteorder == "big":
        data.byteswap()
    mono = [sum(data[i : i + channels]) / channels for i in range(0, len(data), channels)]
    if rate != RATE and mono:
        # Linear interpolation is plenty for speech (espeak-ng writes 22,050 Hz: an exact doubling).
        step = rate / RATE
        count = int(len(mono) / step)
        last = len(mono) - 1
        resampled = []
        for n in range(count):
            pos = n * step
            i = int(pos)
            frac = pos - i
            resampled.append(mono[i] + (mono[min(i + 1, last)] - mono[i]) * frac)
        mono = resampled
    peak = max((abs(s) for s in mono), default=0.0)
    if peak == 0:
        raise ValueError("the synthesiser produced silence")
    # Trim quiet lead-in and tail (espeak adds some) so the phrase follows its tone without a gap,
    # keeping 20 ms either side so the first consonant is not clipped.
    quiet = peak * 0.02
    loud = [i for i, s in enumerate(mono) if abs(s) > quiet]
    margin = RATE // 50
    mono = mono[max(0, loud[0] - margin) : loud[-1] + margin + 1]
    scale = 32767 * 10 ** (PEAK_DBFS / 20) / peak
    frames = array("h", (round(s * scale) for s in mono))
    if sys.byteorder == "big":
        frames.byteswap()
    return frames.tobytes()


def render_phrase(phrase: str, cache_dir: Path, settings: VoiceSettings, tool: str) -> Path:
    """Render one phrase into the cache (or reuse it); raises OSError, ValueError or SubprocessError."""
    target = phrase_file(phrase, cache_dir, settings, tool)
    if target.exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".render-") as work:
        spoken = Path(work) / "spoken.wav"
        result = subprocess.run(
            _command(tool, settings, spoken),
            input=phrase.encode("utf-8"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,  # kept for the problem message, never shown on the terminal
            timeout=RENDER_TIMEOUT_S,
            check=False,
        )
        if result.returncode != 0:
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise subprocess.SubprocessError(
                f"{Path(tool).name} exited with {result.returncode}" + (f": {detail[-1]}" if detail else "")
            )
        finished = Path(work) / "finished.wav"
        finished.write_bytes(wav_bytes(normalise(spoken)))
        # Atomic: another session rendering the same phrase, or a crash, never leaves half a file.
        os.replace(finished, target)
    return target


def render_phrases(
    phrases: Iterable[str],
    cache_dir: Path | None = None,
    *,
    settings: VoiceSettings | None = None,
    problems: list[str] | None = None,
) -> dict[str, Path]:
    """Render each distinct phrase to a WAV in `cache_dir` (reusing earlier renders); {phrase: file}.

    Meant for a background worker at session start. With no speech tool the result is empty (beeps only,
    silently). A phrase that fails is left out and the reason appended to `problems`, if given.
    """
    tool = speech_tool()
    if tool is None:
        return {}
    cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
    settings = settings if settings is not None else VoiceSettings()
    rendered: dict[str, Path] = {}
    for phrase in dict.fromkeys(phrases):
        if not phrase.strip():
            continue
        try:
            rendered[phrase] = render_phrase(phrase, cache_dir, settings, tool)
        except (OSError, ValueError, EOFError, wave.Error, subprocess.SubprocessError) as error:
            if problems is not None:
                problems.append(f"Could not speak {phrase!r}: {error}")
    return rendered
