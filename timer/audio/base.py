"""What the real backends share: loading tones and voices, composing tone + phrase, mute, and problems.

`CuePlayer` holds the rules (never talk over a phrase, report only the first problem, never raise from
play()); a backend (`simple.SimpleaudioPlayer`, `system.FilePlayer`) only starts, stops and polls sounds.
"""

from __future__ import annotations

import wave
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from timer.cues import Cue
from timer.resources import sound_file
from timer.sounds import RATE, SOUNDS

VOICE_GAP_S = 0.12
"""Silence between a cue's tone and its spoken phrase, so the word does not blur into the beep."""


def read_frames(path: Path) -> bytes:
    """The frames of a 16-bit mono RATE WAV file; ValueError for any other format (we never resample here)."""
    with wave.open(str(path), "rb") as wav:
        shape = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate())
        if shape != (1, 2, RATE):
            raise ValueError(
                f"{path.name} is {shape[0]} ch, {8 * shape[1]} bit, {shape[2]} Hz; want mono 16-bit {RATE} Hz"
            )
        return wav.readframes(wav.getnframes())


@dataclass(frozen=True)
class Sound:
    """What one cue plays: a tone, a phrase, or a tone then a phrase."""

    key: str
    """Cache key: the kind for a bare tone, "kind|phrase" with a voice."""
    frames: bytes
    spoken: bool
    path: Path | None = None
    """The bundled WAV file for a bare tone (file-based backends play it directly)."""

    @property
    def seconds(self) -> float:
        return len(self.frames) / 2 / RATE


@dataclass
class _Speech:
    priority: int
    handle: Any


class CuePlayer:
    """Shared rules for the real backends: tones, voices, mute, problems, and not talking over a phrase."""

    backend = "?"

    def __init__(self, *, sounds_dir: Path | None = None, voice: bool = True) -> None:
        self._muted = False
        self._problem: str | None = None
        self.problem_detail: str | None = None
        """The technical reason behind `problem` (an exception's text, an exit code), for diagnostics."""
        self._voice = voice
        self._voices: dict[str, bytes] = {}
        self._composed: dict[str, Sound] = {}
        self._speech: _Speech | None = None
        self._tones: dict[str, Sound] = {}
        for kind in SOUNDS:
            path = sounds_dir / f"{kind}.wav" if sounds_dir else sound_file(f"{kind}.wav")
            try:
                self._tones[kind] = Sound(kind, read_frames(path), spoken=False, path=path)
            except (OSError, EOFError, ValueError, wave.Error) as error:
                self._report(f"Cue sound {kind!r} could not be loaded: {error}")

    @property
    def name(self) -> str:
        return f"sound: {self.backend}"

    @property
    def problem(self) -> str | None:
        return self._problem

    def _report(self, message: str, detail: str | None = None) -> None:
        # Only the first problem is kept: the UI shows it once and later ones are usually its echo.
        if self._problem is None:
            self._problem = message
            self.problem_detail = detail

    @property
    def muted(self) -> bool:
        return self._muted

    def set_muted(self, muted: bool) -> None:
        self._muted = muted
        if muted:
            try:
                self._stop_all()
            except Exception as error:  # stopping is best effort; keep the reason
                self._report(f"Could not stop sounds: {error}")

    def add_voices(self, voices: Mapping[str, Path]) -> None:
        if not self._voice:
            return
        loaded = {}
        for phrase, path in voices.items():
            try:
                loaded[phrase] = read_frames(path)
            except (OSError, EOFError, ValueError, wave.Error) as error:
                self._report(f"Voice file for {phrase!r} could not be loaded: {error}")
        # Replace the dicts in one assignment each: play() on the UI thread may read them at any moment.
        self._voices = {**self._voices, **loaded}
        self._composed = {}
        self._voices_changed()

    def sound_for(self, cue: Cue) -> Sound | None:
        """What `cue` plays: its tone, then its phrase when voice is on and the phrase was rendered."""
        tone = self._tones.get(cue.kind)  # None for "announce" (voice only)
        frames = self._voices.get(cue.say) if (self._voice and cue.say) else None
        if frames is None:
            return tone
        key = f"{cue.kind}|{cue.say}"
        sound = self._composed.get(key)
        if sound is None:
            # Tone first (the signal the athlete knows), then the words; one buffer, so nothing can cut in.
            if tone is not None:
                frames = tone.frames + bytes(2 * round(VOICE_GAP_S * RATE)) + frames
            sound = self._composed[key] = Sound(key, frames, spoken=True)
        return sound

    def play(self, cue: Cue) -> None:
        if self._muted:
            return
        try:
            sound = self.sound_for(cue)
            if sound is None:
                return
            speech = self._speech
            if speech is not None and self._is_playing(speech.handle):
                # A phrase is being spoken: less important cues (ticks, another announcement) are dropped
                # rather than laid over the words; a more important one plays, and if it speaks too, the
                # old phrase stops so two voices never overlap.
                if cue.priority <= speech.priority:
                    return
                if sound.spoken:
                    self._stop(speech.handle)
            handle = self._start(sound)
            if sound.spoken:
                self._speech = _Speech(cue.priority, handle)
        except Exception as error:  # a cue must never crash the session; record why it was silent
            self._report(f"Sound failed: {error}")

    # Backend hooks.
    def _voices_changed(self) -> None:
        """Forget anything cached for tone+phrase sounds (a phrase may have a new file)."""

    def _start(self, sound: Sound) -> Any:
        raise NotImplementedError

    def _stop(self, handle: Any) -> None:
        raise NotImplementedError

    def _is_playing(self, handle: Any) -> bool:
        raise NotImplementedError

    def _stop_all(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self._stop_all()
