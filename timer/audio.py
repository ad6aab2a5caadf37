"""Play cue sounds without blocking the UI or writing to the terminal; the backend is chosen once at start.

Backends, best first (see `choose_player`):
1. simpleaudio with preloaded WaveObjects (play() returns in about a millisecond, the sound plays on
   simpleaudio's own thread);
2. a system player in a subprocess (paplay, pw-play, aplay on Linux; afplay on macOS; winsound on Windows),
   spawned by a worker thread with every stream sent to /dev/null;
3. the terminal bell, a callable injected by the UI (visual flashes are the UI's job).

Textual draws its frames on stderr, so nothing here may write to the terminal: ALSA's C-level error lines
are silenced at the source (`silence_alsa`), subprocess output goes to DEVNULL, and failures are recorded
once in `player.problem` (plain words for the athlete; the technical reason in `player.problem_detail`)
for the UI to show instead of being raised or printed.

With no working device both real backends say so in `name` ("sound: bell (no audio device)") and hand
each cue to their fallback (the bell, or nothing), so the visual flashes carry on alone or with the bell.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, runtime_checkable

from timer.clock import Clock
from timer.cues import Cue
from timer.resources import sound_file
from timer.sounds import RATE, SOUNDS, wav_bytes

VOICE_GAP_S = 0.12
"""Silence between a cue's tone and its spoken phrase, so the word does not blur into the beep."""


@runtime_checkable
class Player(Protocol):
    """What the UI calls. Every method returns at once, never raises and never writes to the terminal."""

    @property
    def name(self) -> str:
        """Status-bar text, e.g. "sound: simpleaudio" or "sound: off (no audio device)"."""
        ...

    @property
    def problem(self) -> str | None:
        """Set once when playback failed (e.g. no audio device); the UI shows it once."""
        ...

    @property
    def muted(self) -> bool: ...

    def set_muted(self, muted: bool) -> None:
        """Mute silences everything (including a phrase being spoken)."""
        ...

    def play(self, cue: Cue) -> None:
        """Start the cue's sound (and its phrase, when a voice file was added) and return at once."""
        ...

    def add_voices(self, voices: Mapping[str, Path]) -> None:
        """Use these rendered phrase files (from `timer.voice.render_phrases`); safe from a worker thread."""
        ...

    def close(self) -> None: ...


# --------------------------------------------------------------------------------------------- ALSA

_alsa_handler: Any = None
"""The no-op error handler, kept for the life of the process: libasound calls it from C at any time."""

alsa_messages_suppressed = 0
"""How many ALSA error lines the handler swallowed (for diagnostics; the lines themselves are dropped)."""


def _ignore_alsa_error(filename: bytes, line: int, function: bytes, err: int, fmt: bytes) -> None:
    # The message would be "ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM default" on top of the
    # UI. The failure itself still reaches us as an exception from simpleaudio, which records it.
    global alsa_messages_suppressed
    alsa_messages_suppressed += 1


def silence_alsa() -> bool:
    """Install a do-nothing ALSA error handler (once) so libasound never prints to fd 2.

    Returns False where libasound is missing (macOS, Windows, Linux without ALSA): nothing to silence.
    """
    global _alsa_handler
    if _alsa_handler is not None:
        return True
    try:
        lib = ctypes.CDLL("libasound.so.2")
    except OSError:
        found = ctypes.util.find_library("asound")
        if found is None:
            return False
        try:
            lib = ctypes.CDLL(found)
        except OSError:
            return False
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    handler = handler_type(_ignore_alsa_error)
    lib.snd_lib_error_set_handler.argtypes = [handler_type]
    lib.snd_lib_error_set_handler.restype = ctypes.c_int
    if lib.snd_lib_error_set_handler(handler) != 0:
        return False
    _alsa_handler = handler
    return True


# --------------------------------------------------------------------------------------------- sounds


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


class _CuePlayer:
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


# --------------------------------------------------------------------------------------------- simpleaudio


class SimpleaudioPlayer(_CuePlayer):
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
        silence_alsa()  # before the first ALSA call, which is simpleaudio's first play()
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
        return _no_device_name(self._fallback) if self._failed else "sound: simpleaudio"

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
            self._report(f"No audio device found; {_what_is_left(self._fallback)}.", detail=str(error))
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


# --------------------------------------------------------------------------------------------- files


@dataclass(eq=False)
class _Job:
    sound: Sound
    until: float
    """When the sound should be over (for winsound, which has no process to ask)."""
    cancelled: bool = False
    handled: bool = False
    """The worker has been through it (spawned it, or skipped it as cancelled)."""
    process: Any = None


class FilePlayer(_CuePlayer):
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
        return _no_device_name(self._fallback) if self._failing else f"sound: {self.backend}"

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

    def _stop(self, handle: Any) -> None:
        with self._launching:
            handle.cancelled = True
            if handle.process is not None:
                handle.process.terminate()
            elif self._command is None and not self._closed:
                self._winsound_stop()

    def _is_playing(self, handle: Any) -> bool:
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
                left = _what_is_left(self._fallback)
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
            import winsound  # Windows only; imported here so the module loads everywhere

            # ASYNC returns at once; NODEFAULT: no system "ding" if the file is unreadable.
            winsound.PlaySound(str(path), winsound.SND_FILENAME | winsound.SND_ASYNC | winsound.SND_NODEFAULT)
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
        import winsound

        winsound.PlaySound(None, 0)

    def wait_done(self, timeout: float = 10.0) -> bool:
        """Block until queued sounds were started and their processes ended (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        with self._idle:
            if not self._idle.wait_for(lambda: self._pending == 0, timeout):
                return False
        for job in [job for job in self._live if job.process is not None]:
            try:
                job.process.wait(max(0.0, deadline - time.monotonic()))
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


# --------------------------------------------------------------------------------------------- simple players


class BellPlayer:
    """The terminal bell (the UI's `app.bell`) for every cue that has a tone; the last resort with sound."""

    def __init__(self, bell: Callable[[], None], name: str = "sound: bell") -> None:
        self._bell = bell
        self._name = name
        self._muted = False
        self._problem: str | None = None

    @property
    def name(self) -> str:
        return self._name

    @property
    def problem(self) -> str | None:
        return self._problem

    @property
    def muted(self) -> bool:
        return self._muted

    def set_muted(self, muted: bool) -> None:
        self._muted = muted

    def _report(self, message: str) -> None:
        if self._problem is None:
            self._problem = message

    def play(self, cue: Cue) -> None:
        if self._muted or cue.kind == "announce":
            return
        try:
            self._bell()
        except Exception as error:  # the bell is the UI's callable; keep its failure, never raise
            self._report(f"Terminal bell failed: {error}")

    def add_voices(self, voices: Mapping[str, Path]) -> None:
        """A bell cannot speak."""

    def close(self) -> None:
        """Nothing to release."""


class NullPlayer(BellPlayer):
    """No sound at all (no player, no bell): the UI's flashes are the only cues."""

    def __init__(self, name: str = "sound: off") -> None:
        super().__init__(lambda: None, name)


@dataclass
class RecordingPlayer:
    """For tests: remembers every cue it was asked to play while not muted."""

    name: str = "sound: recording"
    problem: str | None = None
    played: list[Cue] = field(default_factory=list)
    voices: dict[str, Path] = field(default_factory=dict)
    closed: bool = False
    _muted: bool = field(default=False, init=False, repr=False)

    @property
    def muted(self) -> bool:
        return self._muted

    def set_muted(self, muted: bool) -> None:
        self._muted = muted

    def play(self, cue: Cue) -> None:
        if not self._muted:
            self.played.append(cue)

    def add_voices(self, voices: Mapping[str, Path]) -> None:
        self.voices.update(voices)

    def close(self) -> None:
        self.closed = True


def _no_device_name(fallback: Player | None) -> str:
    """Status-bar text once the device failed: what plays instead, e.g. "sound: bell (no audio device)"."""
    return f"{fallback.name if fallback is not None else 'sound: off'} (no audio device)"


def _what_is_left(fallback: Player | None) -> str:
    bell = isinstance(fallback, BellPlayer) and not isinstance(fallback, NullPlayer)
    return "cues are visual plus the terminal bell" if bell else "cues are visual only"


# --------------------------------------------------------------------------------------------- choosing

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


def _import_simpleaudio() -> tuple[ModuleType | None, str | None]:
    """The simpleaudio module, or None with the reason when it is broken (absent is normal: no reason)."""
    try:
        import simpleaudio
    except ImportError:
        return None, None
    except OSError as error:  # installed but its libasound is missing
        return None, f"simpleaudio could not load ({error}); using another player."
    return simpleaudio, None


def choose_player(
    *,
    mute: bool = False,
    voice: bool = True,
    bell: Callable[[], None] | None = None,
    sounds_dir: Path | None = None,
    clock: Clock = time.monotonic,
    probe: bool = True,
    platform: str = sys.platform,
) -> Player:
    """Pick the best working backend once, at start: simpleaudio, a system player, the bell, or nothing.

    Args:
        mute: start muted (`--mute`); `set_muted(False)` brings the sound back.
        voice: play rendered phrases for cues that carry `say` (False for `--no-voice`).
        bell: the UI's terminal bell (e.g. `app.bell`), used when nothing can play a WAV.
        sounds_dir: folder of `<kind>.wav` (default: the bundled sounds).
        probe: open the audio device once at start so a missing device is reported before the first cue.
        clock: monotonic seconds, for the file players' "is the phrase still playing" estimate.
        platform: `sys.platform` (a parameter for tests).
    """
    fallback: Player = BellPlayer(bell) if bell is not None else NullPlayer()
    simpleaudio, broken = _import_simpleaudio()
    player: Player
    if simpleaudio is not None:
        player = SimpleaudioPlayer(
            simpleaudio, fallback=fallback, probe=probe, sounds_dir=sounds_dir, voice=voice
        )
    elif (found := system_player(platform)) is not None:
        player = FilePlayer(
            found[0], found[1], fallback=fallback, sounds_dir=sounds_dir, voice=voice, clock=clock
        )
    elif bell is not None:
        player = fallback
    else:
        player = NullPlayer("sound: off (no player found)")
    if broken is not None and isinstance(player, _CuePlayer | BellPlayer):
        player._report(broken)
    player.set_muted(mute)
    return player
