"""The second choice: the platform's own player in a subprocess (or winsound on Windows).

`system_player` finds the command (paplay, pw-play, aplay on Linux and other Unixes; afplay on macOS);
`FilePlayer` plays WAV files with it from a worker thread, every stream sent to /dev/null, so play() never
waits and nothing reaches the terminal.
"""

from __future__ import annotations

import hashlib
import importlib
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timer.audio.base import CuePlayer, Sound
from timer.audio.basic import no_device_name, what_is_left
from timer.clock import Clock
from timer.cues import Cue
from timer.sounds import wav_bytes

if TYPE_CHECKING:
    from timer.audio import Player

SYSTEM_PLAYERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "linux": (("paplay",), ("pw-play",), ("aplay", "-q")),
    "darwin": (("afplay",),),
}
"""Command-line players by platform, best first (argv before the file name)."""


def system_player(platform: str = sys.platform) -> tuple[str, list[str] | None] | None:
    """(backend name, argv prefix) of the first system player found; argv None means winsound."""
    if platform == "win32":
        return ("winsound", None)
    family = "darwin" if platform == "darwin" else "linux"  # other Unixes: try the Linux players
    for argv in SYSTEM_PLAYERS[family]:
        found = shutil.which(argv[0])
        if found is not None:
            return (argv[0], [found, *argv[1:]])
    return None


@dataclass(eq=False)
class _Job:
    sound: Sound
    until: float
    """When the sound should be over (for winsound, which has no process to ask)."""
    cancelled: bool = False
    handled: bool = False
    """The worker has been through it (spawned it, or skipped it as cancelled)."""
    process: subprocess.Popen[bytes] | None = None


class FilePlayer(CuePlayer):
    """Plays WAV files with a command or winsound; a worker thread spawns them so play() never waits.

    A player that exits with an error (usually: no audio device) is reported once; from then on each cue
    also goes to `fallback` (the bell) and `name` says there is no device, while the player is still tried
    for every cue: when one plays again (a device came back), the fallback stops.
    """

    def __init__(
        self,
        backend: str,
        command: list[str] | None,
        *,
        fallback: Player | None = None,
        sounds_dir: Path | None = None,
        voice: bool = True,
        clock: Clock = time.monotonic,
    ) -> None:
        """`command` is argv without the file (e.g. ["aplay", "-q"]); None means winsound."""
        super().__init__(sounds_dir=sounds_dir, voice=voice)
        self._clock = clock
        self.backend = backend
        self._command = command
        self._fallback = fallback
        self._failing = False
        """The last player that finished exited with an error (set and cleared by the worker thread)."""
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._idle = threading.Condition()
        self._pending = 0
        self._live: list[_Job] = []
        """Jobs queued or playing: what mute and close must stop."""
        self._launching = threading.Lock()  # so a phrase cancelled while being spawned is still stopped
        self._tmp: Path | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="cue-player", daemon=True)
        self._thread.start()

    @property
    def name(self) -> str:
        return no_device_name(self._fallback) if self._failing else f"sound: {self.backend}"

    def set_muted(self, muted: bool) -> None:
        super().set_muted(muted)
        if self._fallback is not None:
            self._fallback.set_muted(muted)

    def play(self, cue: Cue) -> None:
        super().play(cue)  # tried even while failing: the device may come back
        if self._failing and self._fallback is not None:
            self._fallback.play(cue)

    def _start(self, sound: Sound) -> _Job:
        job = _Job(sound, until=self._clock() + sound.seconds)
        with self._idle:
            self._pending += 1
        self._live.append(job)
        self._jobs.put(job)
        return job

    def _stop(self, handle: _Job) -> None:
        with self._launching:
            handle.cancelled = True
            if handle.process is not None:
                handle.process.terminate()
            elif self._command is None and not self._closed:
                self._winsound_stop()

    def _is_playing(self, handle: _Job) -> bool:
        if handle.cancelled:
            return False
        if handle.process is not None:
            return handle.process.poll() is None
        return self._clock() < handle.until  # not spawned yet, or winsound

    def _stop_all(self) -> None:
        for job in list(self._live):
            self._stop(job)
        if self._command is None and not self._closed:
            self._winsound_stop()

    def _work(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=1.0)
            except queue.Empty:
                self._reap()
                continue
            if job is None:
                break
            try:
                path = self._file_for(job.sound)
                with self._launching:
                    if not job.cancelled:
                        job.process = self._launch(path)
            except Exception as error:  # e.g. the player vanished or the temp folder is not writable
                self._report(f"{self.backend} could not play a sound: {error}")
            finally:
                job.handled = True
                self._reap()
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _reap(self) -> None:
        """Collect finished players (no zombies) and note the first failure."""
        for job in list(self._live):
            if job.process is None:
                if job.handled and (job.cancelled or self._clock() >= job.until):
                    self._live.remove(job)
                continue
            code = job.process.poll()
            if code is None:
                continue
            self._live.remove(job)
            if job.cancelled:
                continue
            self._failing = code != 0
            if code != 0:
                left = what_is_left(self._fallback)
                self._report(
                    f"{self.backend} could not play a sound (no audio device?); {left}.",
                    detail=f"{self.backend} exited with code {code}",
                )

    def _file_for(self, sound: Sound) -> Path:
        if sound.path is not None:
            return sound.path
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="circuit-timer-cues-"))
        # Named by content, so a phrase re-rendered with other settings never plays a stale file.
        path = self._tmp / f"{hashlib.sha256(sound.frames).hexdigest()[:16]}.wav"
        if not path.exists():
            path.write_bytes(wav_bytes(sound.frames))
        return path

    def _launch(self, path: Path) -> Any:
        if self._command is None:
            _winsound_play(path)
            return None
        return subprocess.Popen(
            [*self._command, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # the player's complaints must not land on the UI
            close_fds=True,
            start_new_session=sys.platform != "win32",  # keep it away from the terminal's signals
        )

    def _winsound_stop(self) -> None:
        _winsound_play(None)

    def wait_done(self, timeout: float = 10.0) -> bool:
        """Block until queued sounds were started and their processes ended (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        with self._idle:
            if not self._idle.wait_for(lambda: self._pending == 0, timeout):
                return False
        for process in [job.process for job in self._live if job.process is not None]:
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                return False
        self._reap()
        return True

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._fallback is not None:
            self._fallback.close()
        self._stop_all()
        self._jobs.put(None)
        self._thread.join(timeout=1.0)
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)


def _winsound_play(path: Path | None) -> None:
    """Windows' own player (the only platform without a player command); None stops what is playing.

    Imported here, so the module loads everywhere. Through `import_module`, typed Any: typeshed declares
    winsound's functions for Windows only, and the tests drive a stand-in on every platform.
    """
    winsound: Any = importlib.import_module("winsound")
    if path is None:
        winsound.PlaySound(None, 0)
    else:
        # ASYNC returns at once; NODEFAULT: no system "ding" if the file is unreadable.
        winsound.PlaySound(str(path), winsound.SND_FILENAME | winsound.SND_ASYNC | winsound.SND_NODEFAULT)
