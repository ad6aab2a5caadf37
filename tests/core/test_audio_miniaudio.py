"""The miniaudio player: chosen after simpleaudio, imported lazily, a 10 ms device per cue closed after it.

A stand-in miniaudio module records every device and lets the test play the device's callbacks, so what
the player hands over and when it closes are checked exactly; the real library on the real ALSA path is
tested in test_audio.py and tests/e2e/test_cue_timing.py.
"""

from __future__ import annotations

import subprocess
import sys
import types
from collections.abc import Generator
from typing import Any

import pytest

from tests.alsa_capture.support import REPO
from tests.needs import need_module
from timer import audio
from timer.audio import MiniaudioPlayer, choose_player
from timer.audio.mini import PERIOD_MS, TAIL_PERIODS
from timer.cues import Cue
from timer.resources import sound_file
from timer.sounds import RATE

PERIOD_FRAMES = RATE * PERIOD_MS // 1000


def tone(kind: str) -> bytes:
    return audio.read_frames(sound_file(f"{kind}.wav"))


def fake_miniaudio(*, device: bool = True) -> types.ModuleType:
    """A stand-in for miniaudio: `devices` lists every PlaybackDevice opened; none opens without a device."""
    module = types.ModuleType("miniaudio")

    class MiniaudioError(Exception):
        pass

    class SampleFormat:
        SIGNED16 = "s16"

    class PlaybackDevice:
        def __init__(self, **config: Any) -> None:
            if not device:
                raise MiniaudioError("failed to init device", -401)
            self.config = config
            self.generator: Generator[bytes, int, None] | None = None
            self.running = False
            self.closed = False
            self.played = b""
            module.devices.append(self)

        def start(self, generator: Generator[bytes, int, None]) -> None:
            self.generator, self.running = generator, True

        def pull(self) -> bool:
            """One period's callback, as the device's thread makes it; False once the sound has ended."""
            if self.generator is None:
                return False
            try:
                self.played += self.generator.send(PERIOD_FRAMES)
            except StopIteration:
                self.generator = None
                return False
            return True

        def close(self) -> None:
            self.running, self.closed = False, True

    module.MiniaudioError = MiniaudioError
    module.SampleFormat = SampleFormat
    module.PlaybackDevice = PlaybackDevice
    module.devices = []
    return module


@pytest.fixture
def ma(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = fake_miniaudio()
    monkeypatch.setitem(sys.modules, "simpleaudio", None)  # the simpleaudio extra is not installed
    monkeypatch.setitem(sys.modules, "miniaudio", module)
    return module


def play_out(module: types.ModuleType, index: int) -> bytes:
    """Run device `index`'s callbacks until its sound ends; what it handed to the device."""
    device = module.devices[index]
    for _ in range(100_000):
        if not device.pull():
            break
    return device.played


def test_miniaudio_is_chosen_when_simpleaudio_is_missing(ma: types.ModuleType) -> None:
    player = choose_player()
    assert isinstance(player, MiniaudioPlayer)
    assert (player.name, player.problem) == ("sound: miniaudio", None)
    probe = ma.devices[0]  # opened at start, so a missing device is known before the first cue
    # Mono 16-bit at the sounds' rate, and a 10 ms period: the default 200 ms makes cues 0.4-0.8 s late.
    assert probe.config["nchannels"] == 1 and probe.config["sample_rate"] == RATE
    assert probe.config["output_format"] == "s16" and probe.config["buffersize_msec"] == 10
    assert player.wait_done(timeout=0.2) is False  # the probe plays until its device has called back
    silence = play_out(ma, 0)
    assert silence and silence == bytes(len(silence))
    assert player.wait_done(timeout=5) and probe.closed
    player.close()


def test_each_cue_plays_on_its_own_device_which_is_closed_when_the_sound_is_out(ma: types.ModuleType) -> None:
    """Nothing is left calling back into Python between cues (an open device costs 1-1.6% of a core)."""
    player = choose_player(probe=False)
    player.play(Cue("go", 0.0))
    assert player.wait_done(timeout=0.2) is False  # open, waiting for the device to ask for frames
    played = play_out(ma, 0)
    silence_after = bytes(2 * PERIOD_FRAMES * TAIL_PERIODS)
    assert played[: len(tone("go"))] == tone("go")
    assert played[len(tone("go")) :] == silence_after[: len(played) - len(tone("go"))]
    assert len(played) - len(tone("go")) >= len(silence_after)  # the tail: the last period is out first
    assert player.wait_done(timeout=5)
    player.play(Cue("count", 1.0))
    player.play(Cue("final", 2.0))
    for index in (1, 2):
        while not ma.devices[index:]:  # opened by the worker thread
            player.wait_done(timeout=0.01)
        play_out(ma, index)
    assert player.wait_done(timeout=5)
    assert [d.closed for d in ma.devices] == [True, True, True]
    assert [d.played[: len(tone(k))] for d, k in zip(ma.devices, ["go", "count", "final"], strict=True)] == [
        tone("go"),
        tone("count"),
        tone("final"),
    ]
    player.close()


def test_mute_closes_the_device_of_a_sound_still_playing(ma: types.ModuleType) -> None:
    player = choose_player(probe=False)
    player.play(Cue("final", 0.0))
    while not ma.devices:
        player.wait_done(timeout=0.01)
    ma.devices[0].pull()  # one period out, the rest still to come
    player.set_muted(True)
    assert player.wait_done(timeout=5)
    assert ma.devices[0].closed
    player.play(Cue("go", 1.0))  # muted: nothing opens
    player.close()
    assert len(ma.devices) == 1


def test_no_device_is_reported_once_and_the_bell_takes_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "simpleaudio", None)
    monkeypatch.setitem(sys.modules, "miniaudio", fake_miniaudio(device=False))
    rings: list[str] = []
    player = choose_player(bell=lambda: rings.append("ding"))
    assert player.name == "sound: bell (no audio device)"
    assert player.problem == "No audio device found; cues are visual plus the terminal bell."
    assert player.problem_detail == "('failed to init device', -401)"  # type: ignore[attr-defined]
    for kind in ("count", "go", "final"):
        player.play(Cue(kind, 0.0))
    assert rings == ["ding"] * 3
    player.close()


def test_simpleaudio_is_preferred_and_miniaudio_then_never_imported() -> None:
    """simpleaudio starts a sound in ~2 ms (miniaudio ~11 ms); `import miniaudio` alone costs ~90 ms."""
    need_module("simpleaudio", "simpleaudio")
    need_module("miniaudio", "audio")
    code = (
        "import sys\n"
        "from timer.audio import choose_player\n"
        "player = choose_player(probe=False)\n"
        "print(player.name, 'miniaudio' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["sound:", "simpleaudio", "False"], done.stderr
