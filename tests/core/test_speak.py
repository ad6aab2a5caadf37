"""Spoken cues from a wheel: with no espeak-ng command, the `speech` extra's engine speaks the phrases.

The real library from `espeakng-loader` renders in a subprocess (`python -m timer.speak`), like the command.
"""

from __future__ import annotations

import subprocess
import sys
import wave
from array import array
from pathlib import Path

import pytest

from tests.needs import need_module
from timer import voice
from timer.sounds import RATE


@pytest.fixture
def wheel_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No speech command on PATH; the `speech` extra installed (a skip, or a failure on CI, without it)."""
    need_module("espeakng_loader", "speech")
    monkeypatch.setattr(voice.shutil, "which", lambda name: None)


def loudness(path: Path) -> tuple[float, int]:
    """(seconds, peak sample) of a 16-bit mono WAV at the players' rate."""
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
        data = array("h", wav.readframes(wav.getnframes()))
    if sys.byteorder == "big":
        data.byteswap()
    return len(data) / RATE, max(abs(s) for s in data)


@pytest.mark.usefixtures("wheel_only")
def test_without_the_command_the_wheel_speaks_the_phrases(tmp_path: Path) -> None:
    assert voice.speech_tool() == voice.WHEEL_TOOL and voice.voice_available()
    problems: list[str] = []
    rendered = voice.render_phrases(["Halfway", "Next: Step-ups, 20 kilos"], tmp_path, problems=problems)
    assert problems == []
    short, _ = loudness(rendered["Halfway"])
    long, peak = loudness(rendered["Next: Step-ups, 20 kilos"])
    assert 0.2 < short < long < 5.0  # trimmed speech, the longer phrase longer
    assert peak > 20_000  # normalised like a beep (-1 dBFS), so it was not silence
    # Cached under the wheel's own key: a later render reuses the file, and the command's files stay apart.
    assert voice.render_phrases(["Halfway"], tmp_path) == {"Halfway": rendered["Halfway"]}
    assert rendered["Halfway"] == voice.phrase_file(
        "Halfway", tmp_path, voice.VoiceSettings(), voice.WHEEL_TOOL
    )
    assert rendered["Halfway"] != voice.phrase_file("Halfway", tmp_path, voice.VoiceSettings(), "espeak-ng")


@pytest.mark.usefixtures("wheel_only")
def test_an_unknown_voice_is_a_problem_in_words_not_a_crash(tmp_path: Path) -> None:
    problems: list[str] = []
    settings = voice.VoiceSettings(espeak_voice="no-such-voice")
    assert voice.render_phrases(["Halfway"], tmp_path, settings=settings, problems=problems) == {}
    assert problems == [
        "Could not speak 'Halfway': espeakng-loader exited with 1: "
        "speech from the wheel failed: espeak-ng has no voice 'no-such-voice'"
    ]


def test_the_speech_command_comes_before_the_wheel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(voice.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(voice, "wheel_speech_installed", lambda: True)
    assert voice.speech_tool("linux") == "/usr/bin/espeak-ng"
    monkeypatch.setattr(voice.shutil, "which", lambda name: None)
    assert voice.speech_tool("linux") == voice.WHEEL_TOOL
    monkeypatch.setattr(voice, "wheel_speech_installed", lambda: False)
    assert voice.speech_tool("linux") is None


def test_the_stand_in_reads_the_phrase_on_stdin_like_the_command(tmp_path: Path) -> None:
    """A phrase that starts with "-" is words, never an option (as with `espeak-ng --stdin`)."""
    need_module("espeakng_loader", "speech")
    out = tmp_path / "spoken.wav"
    done = subprocess.run(
        [sys.executable, "-m", "timer.speak", "-v", "en", "-s", "165", "-w", str(out)],
        input=b"-v halfway",
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    with wave.open(str(out), "rb") as wav:
        assert wav.getnframes() > wav.getframerate() // 5  # some speech, not an empty file
