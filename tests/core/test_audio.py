"""Playback: backend order, mute, voices, no-device handling, and the real simpleaudio path recorded by ALSA.

Fakes stand in for simpleaudio, `shutil.which` and `subprocess.Popen` in the unit tests; the last tests run
the real backend in a subprocess with ALSA's `file` plugin recording what is played (no sound card needed).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import types
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.alsa_capture.support import (
    CAPTURE,
    REPO,
    assert_holds,
    capture_setup,
    hidden_for,
    recordings,
    require_backend,
    require_simpleaudio,
    run_script,
)
from tests.needs import missing
from timer import audio
from timer.audio import BellPlayer, FilePlayer, NullPlayer, Player, RecordingPlayer, choose_player, system
from timer.cues import Cue
from timer.resources import sound_file
from timer.sounds import RATE, wav_bytes

GAP = bytes(2 * round(audio.VOICE_GAP_S * RATE))


def tone(kind: str) -> bytes:
    return audio.read_frames(sound_file(f"{kind}.wav"))


# --------------------------------------------------------------------------------------------- fakes


class FakePlayObject:
    def __init__(self, frames: bytes) -> None:
        self.frames = frames
        self.playing = True
        self.stopped = False

    def is_playing(self) -> bool:
        return self.playing

    def stop(self) -> None:
        self.stopped = True
        self.playing = False


def fake_simpleaudio(*, device: bool = True) -> types.ModuleType:
    """A stand-in simpleaudio module; without a device, play() raises its SimpleaudioError."""
    module = types.ModuleType("simpleaudio")
    native = types.ModuleType("simpleaudio._simpleaudio")

    class SimpleaudioError(Exception):
        pass

    native.SimpleaudioError = SimpleaudioError
    module._simpleaudio = native
    module.plays = []  # every FakePlayObject, in order
    module.opens = 0  # every attempt to open the device

    class WaveObject:
        def __init__(self, frames: bytes, channels: int, width: int, rate: int) -> None:
            assert (channels, width, rate) == (1, 2, RATE)
            self.frames = frames

        def play(self) -> FakePlayObject:
            module.opens += 1
            if not device:
                raise SimpleaudioError("Error opening PCM device. -- CODE: -2")
            played = FakePlayObject(self.frames)
            module.plays.append(played)
            return played

    module.WaveObject = WaveObject
    return module


class FakePopen:
    calls: ClassVar[list[tuple[list[str], dict[str, Any]]]] = []
    exit_code = 0

    def __init__(self, argv: list[str], **kwargs: Any) -> None:
        FakePopen.calls.append((argv, kwargs))
        self.returncode: int | None = FakePopen.exit_code
        self.terminated = False

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        return self.returncode

    def terminate(self) -> None:
        self.terminated = True
        self.returncode = -15


@pytest.fixture
def sa(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = fake_simpleaudio()
    monkeypatch.setitem(sys.modules, "simpleaudio", module)
    return module


@pytest.fixture
def no_audio_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither extra installed: the system players come next."""
    for module in ("simpleaudio", "miniaudio"):
        monkeypatch.setitem(sys.modules, module, None)  # makes `import <module>` raise ImportError


@pytest.fixture
def popen(monkeypatch: pytest.MonkeyPatch) -> type[FakePopen]:
    FakePopen.calls = []
    FakePopen.exit_code = 0
    monkeypatch.setattr(system.subprocess, "Popen", FakePopen)
    return FakePopen


def which_only(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    monkeypatch.setattr(system.shutil, "which", lambda name: f"/usr/bin/{name}" if name in names else None)


def voice_file(tmp_path: Path, name: str, frames: bytes) -> Path:
    path = tmp_path / f"{name}.wav"
    path.write_bytes(wav_bytes(frames))
    return path


# --------------------------------------------------------------------------------------------- choice


def test_simpleaudio_comes_first(sa: types.ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    which_only(monkeypatch, "paplay", "aplay")
    player = choose_player()
    assert player.name == "sound: simpleaudio"
    assert player.problem is None
    assert sa.opens == 1 and sa.plays[0].frames == bytes(len(sa.plays[0].frames))  # the silent probe
    player.play(Cue("go", 0.0))
    assert sa.plays[-1].frames == tone("go")


@pytest.mark.usefixtures("no_audio_library")
@pytest.mark.parametrize(
    ("found", "backend", "argv"),
    [
        (("paplay", "pw-play", "aplay"), "paplay", ["/usr/bin/paplay"]),
        (("pw-play", "aplay"), "pw-play", ["/usr/bin/pw-play"]),
        (("aplay",), "aplay", ["/usr/bin/aplay", "-q"]),
    ],
)
def test_without_simpleaudio_a_system_player_runs_silently_in_a_subprocess(
    monkeypatch: pytest.MonkeyPatch,
    popen: type[FakePopen],
    found: tuple[str, ...],
    backend: str,
    argv: list[str],
) -> None:
    which_only(monkeypatch, *found)
    player = choose_player(platform="linux")
    try:
        assert player.name == f"sound: {backend}"
        player.play(Cue("go", 0.0))
        assert isinstance(player, FilePlayer) and player.wait_done(timeout=5)
        [(called, kwargs)] = popen.calls
        assert called == [*argv, str(sound_file("go.wav"))]
        for stream in ("stdin", "stdout", "stderr"):
            assert kwargs[stream] is subprocess.DEVNULL
        assert player.problem is None
    finally:
        player.close()


@pytest.mark.parametrize(
    ("platform", "found", "expected"),
    [
        ("darwin", ("afplay", "aplay"), ("afplay", ["/usr/bin/afplay"])),
        ("darwin", ("aplay", "paplay"), None),  # Linux players are not looked for on macOS
        ("linux", ("afplay", "aplay"), ("aplay", ["/usr/bin/aplay", "-q"])),
        ("linux", ("paplay", "pw-play", "aplay"), ("paplay", ["/usr/bin/paplay"])),
        ("linux", ("afplay",), None),
        ("freebsd14", ("pw-play",), ("pw-play", ["/usr/bin/pw-play"])),  # other Unixes: the Linux list
        ("win32", (), ("winsound", None)),  # the standard library, nothing to find
    ],
)
def test_system_players_by_platform(
    monkeypatch: pytest.MonkeyPatch, platform: str, found: tuple[str, ...], expected: tuple | None
) -> None:
    which_only(monkeypatch, *found)
    assert audio.system_player(platform) == expected


@pytest.mark.usefixtures("no_audio_library")
def test_on_macos_afplay_plays_the_file(monkeypatch: pytest.MonkeyPatch, popen: type[FakePopen]) -> None:
    which_only(monkeypatch, "afplay")
    player = choose_player(platform="darwin")
    assert player.name == "sound: afplay"
    player.play(Cue("stop", 0.0))
    assert isinstance(player, FilePlayer) and player.wait_done(timeout=5)
    [(argv, kwargs)] = popen.calls
    assert argv == ["/usr/bin/afplay", str(sound_file("stop.wav"))]
    assert all(kwargs[s] is subprocess.DEVNULL for s in ("stdin", "stdout", "stderr"))
    assert kwargs["start_new_session"] is True
    player.close()


@pytest.fixture
def fake_winsound(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str | None, int]]:
    """A stand-in `winsound` module recording its PlaySound calls."""
    calls: list[tuple[str | None, int]] = []
    module = types.ModuleType("winsound")
    module.SND_FILENAME, module.SND_ASYNC, module.SND_NODEFAULT = 0x20000, 0x1, 0x2
    module.PlaySound = lambda sound, flags: calls.append((sound, flags))
    monkeypatch.setitem(sys.modules, "winsound", module)
    return calls


@pytest.mark.usefixtures("no_audio_library")
def test_on_windows_winsound_plays_asynchronously(
    monkeypatch: pytest.MonkeyPatch, popen: type[FakePopen], fake_winsound: list[tuple[str | None, int]]
) -> None:
    which_only(monkeypatch, "aplay")  # even if found, Windows uses winsound
    player = choose_player(platform="win32")
    assert player.name == "sound: winsound"
    player.play(Cue("go", 0.0))
    assert isinstance(player, FilePlayer) and player.wait_done(timeout=5)
    assert fake_winsound == [(str(sound_file("go.wav")), 0x20000 | 0x1 | 0x2)]  # ASYNC: returns at once
    assert popen.calls == []
    player.set_muted(True)
    assert fake_winsound[-1] == (None, 0)  # stops whatever winsound is playing
    player.close()


@pytest.mark.usefixtures("no_audio_library")
def test_the_whole_chain_simpleaudio_then_a_system_player_then_the_bell_then_off(
    monkeypatch: pytest.MonkeyPatch, popen: type[FakePopen]
) -> None:
    def bell() -> None:
        pass

    which_only(monkeypatch, "aplay")
    chosen = choose_player(bell=bell, platform="linux")
    assert chosen.name == "sound: aplay"
    chosen.close()
    which_only(monkeypatch)
    assert choose_player(bell=bell, platform="linux").name == "sound: bell"
    assert choose_player(platform="linux").name == "sound: off (no player found)"
    monkeypatch.setitem(sys.modules, "simpleaudio", fake_simpleaudio())
    assert choose_player(bell=bell, platform="linux").name == "sound: simpleaudio"


def test_a_broken_simpleaudio_is_reported_and_a_system_player_used(
    monkeypatch: pytest.MonkeyPatch, popen: type[FakePopen]
) -> None:
    """Installed but its libasound is gone: an OSError at import, said once, then the next backend."""

    class BrokenSimpleaudio:
        @staticmethod
        def find_spec(name: str, path: Any = None, target: Any = None) -> None:
            if name == "simpleaudio":
                raise OSError("libasound.so.2: cannot open shared object file")

    monkeypatch.delitem(sys.modules, "simpleaudio", raising=False)
    monkeypatch.setitem(sys.modules, "miniaudio", None)  # so the next backend is a system player
    monkeypatch.setattr(sys, "meta_path", [BrokenSimpleaudio(), *sys.meta_path])
    which_only(monkeypatch, "aplay")
    player = choose_player(platform="linux")
    assert player.name == "sound: aplay"
    assert player.problem is not None and player.problem.startswith("simpleaudio could not load")
    player.close()


@pytest.mark.usefixtures("no_audio_library")
def test_nothing_to_play_with_falls_back_to_the_bell(monkeypatch: pytest.MonkeyPatch) -> None:
    which_only(monkeypatch)
    rings: list[str] = []
    player = choose_player(bell=lambda: rings.append("ding"), platform="linux")
    assert player.name == "sound: bell"
    player.play(Cue("go", 0.0))
    player.play(Cue("announce", 0.0, say="Round 2 of 3"))  # a bell cannot speak
    assert rings == ["ding"]
    assert choose_player(platform="linux").name == "sound: off (no player found)"


def test_every_player_fits_the_protocol(sa: types.ModuleType, popen: type[FakePopen]) -> None:
    file_player = FilePlayer("aplay", ["aplay"])
    players = [choose_player(), file_player, BellPlayer(lambda: None), NullPlayer(), RecordingPlayer()]
    for player in players:
        assert isinstance(player, Player)
    file_player.close()


# --------------------------------------------------------------------------------------------- mute


def test_mute_silences_everything_until_unmuted(sa: types.ModuleType) -> None:
    player = choose_player(mute=True)
    assert player.muted
    player.play(Cue("final", 0.0))
    assert len(sa.plays) == 1  # only the probe
    player.set_muted(False)
    player.play(Cue("final", 0.0))
    assert sa.plays[-1].frames == tone("final")


def test_muting_stops_a_sound_that_is_playing(sa: types.ModuleType) -> None:
    player = choose_player()
    player.play(Cue("final", 0.0))
    player.set_muted(True)
    assert sa.plays[-1].stopped


@pytest.mark.usefixtures("no_audio_library")
def test_mute_applies_to_the_bell_and_subprocess_players(
    monkeypatch: pytest.MonkeyPatch, popen: type[FakePopen]
) -> None:
    rings: list[str] = []
    bell = BellPlayer(lambda: rings.append("ding"))
    bell.set_muted(True)
    bell.play(Cue("go", 0.0))
    assert rings == []
    which_only(monkeypatch, "aplay")
    player = choose_player(mute=True, platform="linux")
    player.play(Cue("go", 0.0))
    assert isinstance(player, FilePlayer) and player.wait_done(timeout=5)
    assert popen.calls == []
    player.close()


def test_recording_player_records_unless_muted() -> None:
    player = RecordingPlayer()
    player.play(Cue("go", 0.0))
    player.set_muted(True)
    player.play(Cue("stop", 30.0))
    player.close()
    assert player.played == [Cue("go", 0.0)] and player.closed


# --------------------------------------------------------------------------------------------- no device


def test_no_device_is_reported_once_and_the_bell_takes_over(monkeypatch: pytest.MonkeyPatch) -> None:
    module = fake_simpleaudio(device=False)
    monkeypatch.setitem(sys.modules, "simpleaudio", module)
    rings: list[str] = []
    player = choose_player(bell=lambda: rings.append("ding"))
    assert player.problem is not None and player.problem.startswith("No audio device")
    assert player.name == "sound: bell (no audio device)"
    first_problem = player.problem
    for kind in ("count", "go", "stop", "final"):
        player.play(Cue(kind, 0.0))  # no exception
    assert rings == ["ding"] * 4
    assert player.problem == first_problem
    assert module.opens == 1  # the device is not tried again for every cue


def test_no_device_found_at_the_first_cue_without_a_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    module = fake_simpleaudio(device=False)
    monkeypatch.setitem(sys.modules, "simpleaudio", module)
    player = choose_player(probe=False)
    assert player.problem is None and player.name == "sound: simpleaudio"
    player.play(Cue("go", 0.0))
    player.play(Cue("stop", 0.0))
    assert player.name == "sound: off (no audio device)"
    assert player.problem is not None and "visual only" in player.problem
    assert module.opens == 1


def test_an_unexpected_backend_error_is_recorded_not_raised(sa: types.ModuleType) -> None:
    player = choose_player(probe=False)

    def broken() -> None:
        raise RuntimeError("boom")

    sa.WaveObject.play = lambda self: broken()
    player.play(Cue("go", 0.0))
    assert player.problem == "Sound failed: boom"


def test_a_failing_system_player_is_reported_once_and_the_bell_takes_over_until_it_plays_again(
    no_audio_library: None, monkeypatch: pytest.MonkeyPatch, popen: type[FakePopen]
) -> None:
    which_only(monkeypatch, "aplay")
    popen.exit_code = 1  # what aplay does without a device
    rings: list[str] = []
    player = choose_player(bell=lambda: rings.append("ding"), platform="linux")
    assert isinstance(player, FilePlayer) and player.name == "sound: aplay"
    player.play(Cue("count", 0.0))
    assert player.wait_done(timeout=5)
    # Known only once aplay has exited: the first cue was silent, the next ones ring the bell too.
    assert player.name == "sound: bell (no audio device)"
    assert player.problem == (
        "aplay could not play a sound (no audio device?); cues are visual plus the terminal bell."
    )
    assert player.problem_detail == "aplay exited with code 1"
    first_problem = player.problem
    player.play(Cue("go", 0.0))
    assert player.wait_done(timeout=5)
    assert rings == ["ding"] and player.problem == first_problem
    assert len(popen.calls) == 2  # still tried: the device may come back
    popen.exit_code = 0  # ... and here it is
    player.play(Cue("stop", 0.0))
    assert player.wait_done(timeout=5)
    assert player.name == "sound: aplay"
    player.play(Cue("final", 0.0))
    assert player.wait_done(timeout=5)
    assert rings == ["ding", "ding"]  # the bell rang for "stop" (still failing then), not for "final"
    player.close()


@pytest.mark.usefixtures("no_audio_library")
def test_a_failing_system_player_without_a_bell_leaves_the_flashes(
    monkeypatch: pytest.MonkeyPatch, popen: type[FakePopen]
) -> None:
    which_only(monkeypatch, "pw-play")
    popen.exit_code = 1
    player = choose_player(platform="linux")
    player.play(Cue("go", 0.0))
    assert isinstance(player, FilePlayer) and player.wait_done(timeout=5)
    assert player.name == "sound: off (no audio device)"
    assert player.problem is not None and player.problem.endswith("cues are visual only.")
    player.close()


@pytest.mark.usefixtures("no_audio_library")
def test_a_stopped_phrase_is_not_a_failure(
    monkeypatch: pytest.MonkeyPatch, popen: type[FakePopen], tmp_path: Path
) -> None:
    """Mute terminates a speaking player (exit -15): that is no reason to say the device is gone."""
    which_only(monkeypatch, "aplay")
    popen.exit_code = None
    player = choose_player(platform="linux")
    assert isinstance(player, FilePlayer)
    player.add_voices({"Halfway": voice_file(tmp_path, "halfway", b"\x10\x00" * 500)})
    player.play(Cue("halfway", 0.0, say="Halfway"))
    assert player.wait_done(timeout=5)
    player.set_muted(True)
    assert player.wait_done(timeout=5)
    assert player.problem is None and player.name == "sound: aplay"
    player.close()


@pytest.mark.usefixtures("no_audio_library")
def test_a_slow_player_start_never_blocks_play(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spawning a process can take a while on a loaded machine: play() queues it and returns at once."""
    which_only(monkeypatch, "aplay")
    release = threading.Event()
    spawned: list[list[str]] = []

    class SlowPopen(FakePopen):
        def __init__(self, argv: list[str], **kwargs: Any) -> None:
            assert release.wait(5), "the test never released the player"
            spawned.append(argv)
            super().__init__(argv, **kwargs)

    FakePopen.calls = []
    FakePopen.exit_code = 0
    monkeypatch.setattr(system.subprocess, "Popen", SlowPopen)
    player = choose_player(platform="linux")
    assert isinstance(player, FilePlayer)
    for kind in ("count", "count", "go"):
        player.play(Cue(kind, 0.0))  # would hang here if play() spawned the process itself
    assert spawned == []
    release.set()
    assert player.wait_done(timeout=5)
    assert [Path(argv[-1]).name for argv in spawned] == ["count.wav", "count.wav", "go.wav"]
    player.close()


def test_a_failing_bell_is_recorded() -> None:
    def bell() -> None:
        raise OSError("terminal gone")

    player = BellPlayer(bell)
    player.play(Cue("go", 0.0))
    assert player.problem == "Terminal bell failed: terminal gone"


def test_a_missing_sound_file_is_a_problem_not_a_crash(sa: types.ModuleType, tmp_path: Path) -> None:
    player = choose_player(sounds_dir=tmp_path, probe=False)
    assert player.problem is not None and "could not be loaded" in player.problem
    player.play(Cue("go", 0.0))
    assert sa.plays == []


# --------------------------------------------------------------------------------------------- voices


def test_a_cue_with_a_phrase_plays_its_tone_then_the_words(sa: types.ModuleType, tmp_path: Path) -> None:
    words = b"\x10\x00" * 500
    player = choose_player(probe=False)
    player.add_voices({"Next: Step-ups, 20 kilos": voice_file(tmp_path, "next", words)})
    player.play(Cue("rest10", 0.0, say="Next: Step-ups, 20 kilos"))
    assert sa.plays[-1].frames == tone("rest10") + GAP + words
    sa.plays[-1].playing = False  # done speaking (else the lower-priority announcement would be dropped)
    player.play(Cue("announce", 0.0, say="Next: Step-ups, 20 kilos"))  # announce: the words alone
    assert sa.plays[-1].frames == words


def test_without_a_rendered_phrase_or_with_voice_off_only_the_tone_plays(
    sa: types.ModuleType, tmp_path: Path
) -> None:
    player = choose_player(probe=False)
    player.play(Cue("halfway", 0.0, say="Halfway"))  # not rendered (yet)
    player.play(Cue("announce", 0.0, say="Round 2 of 3"))  # nothing to play
    assert [p.frames for p in sa.plays] == [tone("halfway")]
    quiet = choose_player(probe=False, voice=False)
    quiet.add_voices({"Halfway": voice_file(tmp_path, "halfway", b"\x01\x00" * 10)})
    quiet.play(Cue("halfway", 0.0, say="Halfway"))
    assert sa.plays[-1].frames == tone("halfway")


def test_a_bad_voice_file_is_a_problem_and_the_tone_still_plays(sa: types.ModuleType, tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not a wav")
    player = choose_player(probe=False)
    player.add_voices({"Halfway": bad})
    assert player.problem is not None and "Halfway" in player.problem
    player.play(Cue("halfway", 0.0, say="Halfway"))
    assert sa.plays[-1].frames == tone("halfway")


def test_a_phrase_is_not_talked_over_by_less_important_cues(sa: types.ModuleType, tmp_path: Path) -> None:
    player = choose_player(probe=False)
    player.add_voices({"Halfway": voice_file(tmp_path, "halfway", b"\x10\x00" * 500)})
    player.play(Cue("halfway", 30.0, say="Halfway"))
    phrase = sa.plays[-1]
    player.play(Cue("tick", 30.1))  # dropped: lower priority while the phrase plays
    player.play(Cue("announce", 30.2, say="Halfway"))  # dropped: lower priority
    assert sa.plays[-1] is phrase
    player.play(Cue("go", 30.3))  # more important: plays, over the phrase
    assert sa.plays[-1].frames == tone("go") and not phrase.stopped
    phrase.playing = False  # the phrase has ended
    player.play(Cue("tick", 31.0))
    assert sa.plays[-1].frames == tone("tick")


def test_a_more_important_phrase_replaces_the_one_playing(sa: types.ModuleType, tmp_path: Path) -> None:
    player = choose_player(probe=False)
    player.add_voices(
        {
            "Next: Rows": voice_file(tmp_path, "next", b"\x10\x00" * 500),
            "Round 2 of 3": voice_file(tmp_path, "round", b"\x20\x00" * 500),
        }
    )
    player.play(Cue("announce", 0.0, say="Next: Rows"))
    first = sa.plays[-1]
    player.play(Cue("round_end", 0.1, say="Round 2 of 3"))
    assert first.stopped  # two voices never overlap
    assert sa.plays[-1].frames.endswith(b"\x20\x00" * 500)


@pytest.mark.usefixtures("no_audio_library")
def test_a_subprocess_player_writes_tone_and_phrase_to_one_file(
    monkeypatch: pytest.MonkeyPatch, popen: type[FakePopen], tmp_path: Path
) -> None:
    which_only(monkeypatch, "aplay")
    words = b"\x10\x00" * 500
    player = choose_player(platform="linux")
    assert isinstance(player, FilePlayer)
    player.add_voices({"Halfway": voice_file(tmp_path, "halfway", words)})
    player.play(Cue("halfway", 0.0, say="Halfway"))
    assert player.wait_done(timeout=5)
    [(argv, _kwargs)] = popen.calls
    played = Path(argv[-1])
    assert audio.read_frames(played) == tone("halfway") + GAP + words
    player.close()
    assert not played.exists()  # the temporary folder is removed


def test_voices_added_again_replace_the_old_ones(sa: types.ModuleType, tmp_path: Path) -> None:
    player = choose_player(probe=False)
    player.add_voices({"Halfway": voice_file(tmp_path, "one", b"\x01\x00" * 100)})
    player.play(Cue("announce", 0.0, say="Halfway"))
    sa.plays[-1].playing = False
    player.add_voices({"Halfway": voice_file(tmp_path, "two", b"\x02\x00" * 100)})
    player.play(Cue("announce", 0.0, say="Halfway"))
    assert sa.plays[-1].frames == b"\x02\x00" * 100


@pytest.mark.usefixtures("no_audio_library")
def test_a_subprocess_player_also_keeps_ticks_off_a_phrase(
    monkeypatch: pytest.MonkeyPatch, popen: type[FakePopen], tmp_path: Path
) -> None:
    which_only(monkeypatch, "aplay")
    popen.exit_code = None  # the player processes keep running until the test says otherwise
    player = choose_player(platform="linux")
    assert isinstance(player, FilePlayer)
    player.add_voices({"Round 2 of 3": voice_file(tmp_path, "round", b"\x10\x00" * 500)})
    player.play(Cue("announce", 1.0, say="Round 2 of 3"))
    assert player.wait_done(timeout=5)
    player.play(Cue("tick", 1.5))
    assert player.wait_done(timeout=5)
    assert len(popen.calls) == 1  # the tick was dropped while the phrase plays
    player.set_muted(True)  # mute stops the phrase's process
    assert player.wait_done(timeout=5)
    player.set_muted(False)
    player.play(Cue("tick", 2.0))
    assert player.wait_done(timeout=5)
    assert [Path(argv[-1]).name for argv, _ in popen.calls] == [Path(popen.calls[0][0][-1]).name, "tick.wav"]
    player.close()


# --------------------------------------------------------------------------------------------- ALSA


@pytest.fixture
def capture(tmp_path: Path) -> tuple[Path, Path]:
    """(ALSA config that records every opening of the default device, folder of recordings)."""
    return capture_setup(tmp_path)


PADDING_S = {"simpleaudio": 0.1, "miniaudio": None}
"""Silence allowed after each recorded sound (see `assert_holds`)."""


@pytest.mark.parametrize("backend", ["simpleaudio", "miniaudio"])
def test_real_playback_is_recorded_by_alsa(capture: tuple[Path, Path], backend: str) -> None:
    require_backend(backend)
    conf, out = capture
    kinds = ["count", "go", "halfway", "stop", "rest10", "part", "round_end", "tick", "final"]
    spec = {"cues": [[k, None] for k in kinds], "without": hidden_for(backend)}
    result = run_script("play_cues.py", conf, spec, {"CUE_CAPTURE_DIR": str(out)})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["name"], report["problem"]) == (f"sound: {backend}", None)
    # Nothing is left running between cues: once each sound has played, the process has the threads it had
    # after the probe (an open miniaudio device would keep its thread, calling into Python every 10 ms).
    threads = report["threads"]
    assert None not in threads.values(), threads  # counted, not unreadable
    assert threads["after_cues"] == threads["after_probe"], threads
    assert result.stderr == ""
    # play() returns at once (a loose bound: CI machines are slow; it is about a millisecond here).
    assert max(report["play_seconds"]) < 0.05
    recorded = recordings(out, 1 + len(kinds))
    assert len(recorded) == 1 + len(kinds)  # the start-up probe, then one opening per cue
    probe, *cues = recorded
    assert probe == bytes(len(probe))  # the probe is silence
    for kind, data in zip(kinds, cues, strict=True):
        assert_holds(data, tone(kind), kind, padding_s=PADDING_S[backend])


@pytest.mark.parametrize("backend", ["simpleaudio", "miniaudio"])
def test_real_playback_of_spoken_cues(capture: tuple[Path, Path], tmp_path: Path, backend: str) -> None:
    require_backend(backend)
    from timer.voice import render_phrases, voice_available

    if not voice_available():
        missing("no speech tool for spoken cues (apt-get install espeak-ng)")
    conf, out = capture
    voices = render_phrases(["Halfway", "Round 2 of 3"], tmp_path / "voice")
    assert set(voices) == {"Halfway", "Round 2 of 3"}
    spec = {
        "cues": [["halfway", "Halfway"], ["announce", "Round 2 of 3"], ["tick", None]],
        "voices": {phrase: str(path) for phrase, path in voices.items()},
        "without": hidden_for(backend),
    }
    result = run_script("play_cues.py", conf, spec, {"CUE_CAPTURE_DIR": str(out)})
    assert result.returncode == 0 and result.stderr == "", result.stderr
    _probe, halfway, announce, tick = recordings(out, 4)
    pad = PADDING_S[backend]
    halfway_sound = tone("halfway") + GAP + audio.read_frames(voices["Halfway"])
    assert_holds(halfway, halfway_sound, "halfway + phrase", padding_s=pad)
    assert_holds(announce, audio.read_frames(voices["Round 2 of 3"]), "announcement", padding_s=pad)
    assert_holds(tick, tone("tick"), "tick after the phrase ended", padding_s=pad)


@pytest.mark.parametrize("backend", ["simpleaudio", "miniaudio"])
def test_no_device_writes_nothing_to_stderr(backend: str) -> None:
    require_backend(backend)
    conf = CAPTURE / "no_device.conf"
    spec = {"cues": [["go", None], ["count", None], ["final", None]], "without": hidden_for(backend)}
    result = run_script("play_cues.py", conf, spec, {})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["name"] == "sound: off (no audio device)"
    assert report["problem"].startswith("No audio device")
    assert result.stderr == ""  # ALSA's "ALSA lib ... Unknown PCM" lines are silenced at the source


def test_real_playback_through_aplay_without_the_audio_libraries(capture: tuple[Path, Path]) -> None:
    """The next fallback on the same real path: aplay in a subprocess, recorded by ALSA, silent on stderr."""
    require_backend("aplay")
    conf, out = capture
    kinds = ["count", "go", "final"]
    spec = {"cues": [[k, None] for k in kinds], "without": hidden_for("aplay")}
    result = run_script("play_cues.py", conf, spec, {"CUE_CAPTURE_DIR": str(out)})
    assert result.returncode == 0 and result.stderr == "", result.stderr
    report = json.loads(result.stdout)
    assert (report["name"], report["problem"]) == ("sound: aplay", None)
    assert max(report["play_seconds"]) < 0.05  # play() only queues the file for the worker thread
    recorded = recordings(out, len(kinds))
    assert len(recorded) == len(kinds)  # no probe: a subprocess player opens the device per sound
    for kind, data in zip(kinds, recorded, strict=True):
        assert_holds(data, tone(kind), f"{kind} through aplay")


def test_aplay_without_a_device_says_so_and_writes_nothing_to_stderr() -> None:
    require_backend("aplay")
    spec = {"cues": [["go", None], ["count", None], ["final", None]], "without": hidden_for("aplay")}
    result = run_script("play_cues.py", CAPTURE / "no_device.conf", spec, {})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["name"] == "sound: off (no audio device)"  # the script gives no bell
    assert report["problem"] == "aplay could not play a sound (no audio device?); cues are visual only."
    assert result.stderr == ""  # aplay's complaints went to /dev/null


def test_the_no_device_setup_really_makes_alsa_complain() -> None:
    """Control for the test above: without our handler, the same setup prints ALSA errors on stderr."""
    require_simpleaudio()
    code = (
        "import simpleaudio as sa\n"
        "try:\n"
        "    sa.WaveObject(bytes(4), 1, 2, 44100).play()\n"
        "except sa._simpleaudio.SimpleaudioError as error:\n"
        "    print(error)\n"
    )
    env = {**os.environ, "ALSA_CONFIG_PATH": f"/usr/share/alsa/alsa.conf:{CAPTURE / 'no_device.conf'}"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert "ALSA lib" in result.stderr


def test_silence_alsa_is_idempotent() -> None:
    first = audio.silence_alsa()
    assert audio.silence_alsa() == first
    if sys.platform.startswith("linux") and shutil.which("aplay"):
        assert first  # libasound is there, so the handler must be installed


def test_sound_modules_do_not_import_textual() -> None:
    """The audio layer is headless: the UI imports it, never the other way round."""
    code = "import sys, timer.audio, timer.voice, timer.sounds; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
