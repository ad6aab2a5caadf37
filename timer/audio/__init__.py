"""Play cue sounds without blocking the UI or writing to the terminal; the backend is chosen once at start.

Backends, best first (see `choose_player`):
1. simpleaudio with preloaded WaveObjects (play() returns in about a millisecond, the sound plays on
   simpleaudio's own thread; the `simpleaudio` extra, which needs gcc and the ALSA headers to install);
2. miniaudio (the `audio` extra, a wheel: no compiler), one short-lived device per cue opened by a worker
   thread (sound reaches the mix ~11 ms after play(), against simpleaudio's ~2 ms), in a child process of
   its own (`child`) so that its Python never holds the UI's interpreter lock;
3. a system player in a subprocess (paplay, pw-play, aplay on Linux; afplay on macOS; winsound on Windows),
   spawned by a worker thread with every stream sent to /dev/null;
4. the terminal bell, a callable injected by the UI (visual flashes are the UI's job).

Textual draws its frames on stderr, so nothing here may write to the terminal: ALSA's C-level error lines
are silenced at the source (`silence_alsa`), subprocess output goes to DEVNULL, and failures are recorded
once in `player.problem` (plain words for the athlete; the technical reason in `player.problem_detail`)
for the UI to show instead of being raised or printed.

With no working device both real backends say so in `name` ("sound: bell (no audio device)") and hand
each cue to their fallback (the bell, or nothing), so the visual flashes carry on alone or with the bell.

Where things are: this module holds the `Player` protocol and `choose_player`, and re-exports the rest;
`base` the rules shared by the real backends (tone + phrase, mute, not talking over a phrase); `simple`
the simpleaudio player; `mini` the miniaudio player; `child` the process that plays it apart from the UI;
`system` the subprocess players per platform; `basic` the bell, off and recording players; `alsa` the
silencing of libasound. To replace something in
a test, patch the module that reads it (e.g. `timer.audio.system.SYSTEM_PLAYERS`,
`timer.audio.alsa.silence_alsa`): rebinding the re-exported name here changes nothing the backends see.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from timer.audio import alsa
from timer.audio.alsa import silence_alsa
from timer.audio.base import VOICE_GAP_S, CuePlayer, Sound, read_frames
from timer.audio.basic import BellPlayer, NullPlayer, RecordingPlayer
from timer.audio.child import ChildPlayer
from timer.audio.mini import MiniaudioPlayer, import_miniaudio, miniaudio_installed
from timer.audio.simple import SimpleaudioPlayer, import_simpleaudio
from timer.audio.system import SYSTEM_PLAYERS, FilePlayer, system_player
from timer.clock import Clock
from timer.cues import Cue

__all__ = [
    "SYSTEM_PLAYERS",
    "VOICE_GAP_S",
    "BellPlayer",
    "ChildPlayer",
    "FilePlayer",
    "MiniaudioPlayer",
    "NullPlayer",
    "Player",
    "RecordingPlayer",
    "SimpleaudioPlayer",
    "Sound",
    "alsa_messages_suppressed",
    "choose_player",
    "read_frames",
    "silence_alsa",
    "system_player",
]


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


def __getattr__(name: str) -> Any:
    # A live counter in `alsa`: a plain re-export would be a copy frozen at import time.
    if name == "alsa_messages_suppressed":
        return alsa.alsa_messages_suppressed
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def choose_player(
    *,
    mute: bool = False,
    voice: bool = True,
    bell: Callable[[], None] | None = None,
    sounds_dir: Path | None = None,
    clock: Clock = time.monotonic,
    probe: bool = True,
    platform: str = sys.platform,
    own_process: bool | None = None,
) -> Player:
    """Pick the best working backend once, at start: simpleaudio, miniaudio, a system player, the bell, none.

    Args:
        mute: start muted (`--mute`); `set_muted(False)` brings the sound back.
        voice: play rendered phrases for cues that carry `say` (False for `--no-voice`).
        bell: the UI's terminal bell (e.g. `app.bell`), used when nothing can play a WAV.
        sounds_dir: folder of `<kind>.wav` (default: the bundled sounds).
        probe: open the audio device once at start so a missing device is reported before the first cue.
        clock: monotonic seconds, for the file players' "is the phrase still playing" estimate.
        platform: `sys.platform` (a parameter for tests).
        own_process: play miniaudio from a child process (`timer.audio.child`), so its Python never holds
            the UI's interpreter lock. None: everywhere but Windows (whose pipes cannot be made
            non-blocking before Python 3.12). False: in this process (tests with a stand-in module).
    """
    fallback: Player = BellPlayer(bell) if bell is not None else NullPlayer()
    simpleaudio, broken = import_simpleaudio()
    if own_process is None:
        own_process = platform != "win32"
    in_child = simpleaudio is None and own_process and miniaudio_installed()
    miniaudio = None
    if simpleaudio is None and not in_child:  # imported only when it will be used: the import costs ~90 ms
        miniaudio, broken_miniaudio = import_miniaudio()
        broken = broken or broken_miniaudio

    def file_player() -> Player | None:
        """The platform's player command, if it has one (also what replaces a miniaudio that cannot load)."""
        found = system_player(platform)
        if found is None:
            return None
        return FilePlayer(*found, fallback=fallback, sounds_dir=sounds_dir, voice=voice, clock=clock)

    player: Player
    if simpleaudio is not None:
        player = SimpleaudioPlayer(
            simpleaudio, fallback=fallback, probe=probe, sounds_dir=sounds_dir, voice=voice
        )
    elif in_child:
        player = ChildPlayer(
            fallback=fallback, probe=probe, sounds_dir=sounds_dir, voice=voice, instead=file_player
        )
    elif miniaudio is not None:
        player = MiniaudioPlayer(
            miniaudio, fallback=fallback, probe=probe, sounds_dir=sounds_dir, voice=voice
        )
    elif (system := file_player()) is not None:
        player = system
    elif bell is not None:
        player = fallback
    else:
        player = NullPlayer("sound: off (no player found)")
    if broken is not None and isinstance(player, CuePlayer | BellPlayer | ChildPlayer):
        player._report(broken)
    player.set_muted(mute)
    return player
