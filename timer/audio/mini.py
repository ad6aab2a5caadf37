"""A player that installs from a wheel: miniaudio (no compiler, no system package; it loads libasound itself).

Preferred after simpleaudio (which starts a sound in ~2 ms against miniaudio's ~11 ms, but needs gcc and
the ALSA headers to install). What the measurements in FIELD-NOTES decided here:
- `import miniaudio` costs ~90 ms, so it is imported only when this player is chosen (`import_miniaudio`).
- Each cue opens its own device with a 10 ms period and closes it when the sound has left the buffer: a
  device kept open calls into Python every period (1–1.6% of a core, twice the app's steady CPU), and
  miniaudio's default 200 ms period makes cues 0.4–0.8 s late.
- Opening a device takes 4–7 ms, so a worker thread opens and closes them and play() returns at once.
- ALSA's error lines are silenced before the first device opens; `MiniaudioError` at opening means "no
  audio device": reported once, and every later cue goes to the fallback (the bell, or nothing).
- The start-up probe opens the device once with 10 ms of silence: a missing device shows in the status bar
  from the start, and PulseAudio's slow first start (~1.9 s measured) is spent before the first cue.
"""

from __future__ import annotations

import importlib.util
import queue
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from timer.audio import alsa
from timer.audio.base import CuePlayer, Sound
from timer.audio.basic import no_device_name, what_is_left
from timer.cues import Cue
from timer.sounds import RATE

if TYPE_CHECKING:
    from pathlib import Path

    from timer.audio import Player

PERIOD_MS = 10
"""The device's period: how much sound one callback hands over (miniaudio's default of 200 ms is late)."""

TAIL_PERIODS = 3
"""Periods of silence fed after a sound before its device closes: the last real period has then left
the device's buffer (miniaudio keeps 3 periods), so closing never cuts the end of a tone."""

SAMPLE_BYTES = 2  # 16-bit mono


def miniaudio_installed() -> bool:
    """Whether miniaudio can be found, without importing it (the child process imports it)."""
    try:
        return importlib.util.find_spec("miniaudio") is not None
    except (ImportError, ValueError):  # ValueError: a stand-in module without a spec (tests)
        return False


def import_miniaudio() -> tuple[ModuleType | None, str | None]:
    """The miniaudio module, or None with the reason when it is broken (absent is normal: no reason)."""
    try:
        import miniaudio
    except ImportError:
        return None, None
    except OSError as error:  # installed, but its native part cannot load
        return None, f"miniaudio could not load ({error}); using another player."
    return miniaudio, None


@dataclass(eq=False)
class _Playback:
    """One sound on its own device: queued, then playing, then closed."""

    sound: Sound
    device: Any = None
    cancelled: bool = False
    finished: threading.Event = field(default_factory=threading.Event)
    """Set when the device is closed (or the sound was never opened): nothing of it calls back any more."""
    fed: threading.Event = field(default_factory=threading.Event)
    """Set by the device's callback once the sound and its silent tail were handed over."""


class MiniaudioPlayer(CuePlayer):
    """miniaudio, one short-lived device per sound, opened and closed by a worker thread."""

    backend = "miniaudio"

    def __init__(
        self,
        miniaudio: ModuleType,
        *,
        fallback: Player | None = None,
        probe: bool = True,
        sounds_dir: Path | None = None,
        voice: bool = True,
    ) -> None:
        super().__init__(sounds_dir=sounds_dir, voice=voice)
        alsa.silence_alsa()  # before the first device opens: libasound must never print over the UI
        self._ma = miniaudio
        self._fallback = fallback
        self._failed = False
        self._closed = False
        self._live: list[_Playback] = []
        """Sounds queued or playing: what mute and close must stop (touched by both threads: copied first)."""
        self._jobs: queue.SimpleQueue[_Playback | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name="cue-player-miniaudio", daemon=True)
        if probe:
            # Opened here, not on the worker, so a missing device is known before the UI's first frame.
            silence = Sound("probe", bytes(SAMPLE_BYTES * RATE * PERIOD_MS // 1000), spoken=False)
            playback = _Playback(silence)
            if self._open(playback):
                self._live.append(playback)
                self._jobs.put(playback)
        self._thread.start()

    @property
    def name(self) -> str:
        return no_device_name(self._fallback) if self._failed else "sound: miniaudio"

    def set_muted(self, muted: bool) -> None:
        super().set_muted(muted)
        if self._fallback is not None:
            self._fallback.set_muted(muted)

    def play(self, cue: Cue) -> None:
        if not self._failed:
            super().play(cue)
        if self._failed and self._fallback is not None:
            self._fallback.play(cue)

    def _start(self, sound: Sound) -> _Playback | None:
        if self._failed or self._closed:
            return None
        playback = _Playback(sound)
        self._live = [p for p in self._live if not p.finished.is_set()] + [playback]
        self._jobs.put(playback)
        return playback

    def _stop(self, handle: Any) -> None:
        if handle is not None:
            handle.cancelled = True  # the worker closes it (closing waits for the device's thread)
            self._jobs.put(handle)

    def _is_playing(self, handle: Any) -> bool:
        return handle is not None and not handle.cancelled and not handle.finished.is_set()

    def _stop_all(self) -> None:
        for playback in list(self._live):
            self._stop(playback)

    # The worker thread.
    def _open(self, playback: _Playback) -> bool:
        """Open a device for `playback`; False (and the fallback from now on) when there is none."""
        try:
            playback.device = self._ma.PlaybackDevice(
                output_format=self._ma.SampleFormat.SIGNED16,
                nchannels=1,
                sample_rate=RATE,
                buffersize_msec=PERIOD_MS,
                app_name="circuit-timer",
            )
        except self._ma.MiniaudioError as error:
            self._failed = True
            playback.finished.set()
            self._report(f"No audio device found; {what_is_left(self._fallback)}.", detail=str(error))
            return False
        return True

    def _feed(self, playback: _Playback) -> Generator[bytes, int, None]:
        """The device's callback: the sound in the sizes asked for, then `TAIL_PERIODS` of silence."""
        frames = playback.sound.frames
        asked = yield b""
        position = 0
        while position < len(frames):
            chunk = frames[position : position + asked * SAMPLE_BYTES]
            position += len(chunk)
            asked = yield chunk
        for _ in range(TAIL_PERIODS):
            asked = yield bytes(asked * SAMPLE_BYTES)
        playback.fed.set()
        self._jobs.put(playback)  # wake the worker to close it

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                break
            try:
                if job.cancelled or job.fed.is_set():
                    self._close(job)
                elif job.finished.is_set() or (job.device is not None and job.device.running):
                    continue
                elif job.device is None and (self._failed or not self._open(job)):
                    job.finished.set()
                else:  # opened here, or the probe opened in __init__
                    feed = self._feed(job)
                    next(feed)
                    job.device.start(feed)
            except Exception as error:  # a cue must never crash the session; record why it was silent
                self._report(f"Sound failed: {error}", detail=repr(error))
                self._close(job)

    def _close(self, playback: _Playback) -> None:
        device, playback.device = playback.device, None
        if device is not None:
            device.close()
        playback.finished.set()

    def wait_done(self, timeout: float = 10.0) -> bool:
        """Block until every sound so far has played and its device is closed (tests); False on timeout."""
        deadline = time.monotonic() + timeout
        for playback in list(self._live):
            if not playback.finished.wait(max(0.0, deadline - time.monotonic())):
                return False
        return True

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stop_all()
        self._jobs.put(None)
        self._thread.join(timeout=1.0)
        for playback in list(self._live):  # anything the worker did not reach
            self._close(playback)
        if self._fallback is not None:
            self._fallback.close()
