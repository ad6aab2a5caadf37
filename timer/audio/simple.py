"""The first choice: simpleaudio with preloaded WaveObjects (play() returns in about a millisecond).

The sound plays on simpleaudio's own thread. ALSA's error lines are silenced before the first play(); with
no device the player reports it once and hands every later cue to its fallback (the bell, or nothing).
"""

from __future__ import annotations

import time
from types import ModuleType
from typing import TYPE_CHECKING, Any

from timer.audio import alsa
from timer.audio.base import CuePlayer, Sound
from timer.audio.basic import no_device_name, what_is_left
from timer.cues import Cue
from timer.sounds import RATE, SOUNDS

if TYPE_CHECKING:
    from pathlib import Path

    from timer.audio import Player


def import_simpleaudio() -> tuple[ModuleType | None, str | None]:
    """The simpleaudio module, or None with the reason when it is broken (absent is normal: no reason)."""
    try:
        import simpleaudio
    except ImportError:
        return None, None
    except OSError as error:  # installed but its libasound is missing
        return None, f"simpleaudio could not load ({error}); using another player."
    return simpleaudio, None


class SimpleaudioPlayer(CuePlayer):
    """simpleaudio with preloaded WaveObjects; on a device error reports once, then defers to `fallback`."""

    backend = "simpleaudio"

    def __init__(
        self,
        simpleaudio: ModuleType,
        *,
        fallback: Player | None = None,
        probe: bool = True,
        sounds_dir: Path | None = None,
        voice: bool = True,
    ) -> None:
        super().__init__(sounds_dir=sounds_dir, voice=voice)
        alsa.silence_alsa()  # before the first ALSA call, which is simpleaudio's first play()
        self._sa = simpleaudio
        native = getattr(simpleaudio, "_simpleaudio", simpleaudio)
        self._device_error: type[BaseException] = getattr(native, "SimpleaudioError", OSError)
        self._fallback = fallback
        self._failed = False
        self._objects = {kind: self._wave_object(t.frames) for kind, t in self._tones.items()}
        self._playing: list[Any] = []
        if probe:
            # Open the device once with 10 ms of silence, so "no audio device" shows in the status bar from
            # the start instead of at the first cue.
            self._start(Sound("probe", bytes(2 * RATE // 100), spoken=False))

    def _wave_object(self, frames: bytes) -> Any:
        return self._sa.WaveObject(frames, 1, 2, RATE)

    def _voices_changed(self) -> None:
        self._objects = {key: obj for key, obj in self._objects.items() if key in SOUNDS}

    @property
    def name(self) -> str:
        return no_device_name(self._fallback) if self._failed else "sound: simpleaudio"

    def set_muted(self, muted: bool) -> None:
        super().set_muted(muted)
        if self._fallback is not None:
            self._fallback.set_muted(muted)

    def play(self, cue: Cue) -> None:
        if not self._failed:
            super().play(cue)
        # Also covers the cue whose play() just found there is no device.
        if self._failed and self._fallback is not None:
            self._fallback.play(cue)

    def _start(self, sound: Sound) -> Any:
        if self._failed:
            return None
        wave_object = self._objects.get(sound.key)
        if wave_object is None:
            wave_object = self._objects[sound.key] = self._wave_object(sound.frames)
        try:
            play_object = wave_object.play()
        except self._device_error as error:
            self._failed = True
            self._report(f"No audio device found; {what_is_left(self._fallback)}.", detail=str(error))
            return None
        self._playing = [p for p in self._playing if p.is_playing()] + [play_object]
        return play_object

    def _stop(self, handle: Any) -> None:
        if handle is not None:
            handle.stop()

    def _is_playing(self, handle: Any) -> bool:
        return handle is not None and bool(handle.is_playing())

    def _stop_all(self) -> None:
        for play_object in self._playing:
            play_object.stop()

    def wait_done(self, timeout: float = 10.0) -> bool:
        """Block until every sound started so far has finished (tests, shutdown); False on timeout."""
        deadline = time.monotonic() + timeout
        while any(p.is_playing() for p in self._playing):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True

    def close(self) -> None:
        self._stop_all()
        if self._fallback is not None:
            self._fallback.close()
