"""Spoken phrases: rendered once into the cache in the players' format, reused; absent tools mean none."""

from __future__ import annotations

import subprocess
import sys
import wave
from array import array
from pathlib import Path

import pytest

from tests.needs import missing
from timer import voice
from timer.sounds import RATE, wav_bytes
from timer.voice import VoiceSettings, render_phrases, voice_available


def needs_espeak() -> None:
    if voice.speech_tool() is None:
        missing("no speech tool: espeak-ng is not installed (apt-get install espeak-ng)")


def test_a_phrase_renders_once_then_comes_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_espeak()
    cache = tmp_path / "voice"
    first = render_phrases(["Next: Step-ups, 20 kilos"], cache)
    path = first["Next: Step-ups, 20 kilos"]
    assert path.parent == cache and path.suffix == ".wav"
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
        seconds = wav.getnframes() / RATE
        data = array("h", wav.readframes(wav.getnframes()))
    if sys.byteorder == "big":
        data.byteswap()
    assert 0.5 < seconds < 5
    assert 29_000 < max(abs(s) for s in data) < 32_767  # normalised to -1 dBFS, like the beeps
    assert [p.name for p in cache.iterdir()] == [path.name]  # no temporary files left behind

    def no_synthesiser(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cached phrase was rendered again")

    monkeypatch.setattr(voice.subprocess, "run", no_synthesiser)
    assert render_phrases(["Next: Step-ups, 20 kilos"], cache) == first


def test_the_cache_key_covers_phrase_and_settings(tmp_path: Path) -> None:
    slow, fast = VoiceSettings(words_per_minute=140), VoiceSettings(words_per_minute=180)
    one = voice.phrase_file("Halfway", tmp_path, slow, "/usr/bin/espeak-ng")
    assert one == voice.phrase_file("Halfway", tmp_path, slow, "/usr/local/bin/espeak-ng")
    assert one != voice.phrase_file("Halfway", tmp_path, fast, "/usr/bin/espeak-ng")
    assert one != voice.phrase_file("Round 2 of 3", tmp_path, slow, "/usr/bin/espeak-ng")


def test_duplicates_and_blank_phrases_are_skipped(tmp_path: Path) -> None:
    needs_espeak()
    rendered = render_phrases(["Halfway", "Halfway", "  ", ""], tmp_path)
    assert list(rendered) == ["Halfway"]
    assert len(list(tmp_path.glob("*.wav"))) == 1


def test_a_phrase_that_looks_like_an_option_is_spoken_not_parsed(tmp_path: Path) -> None:
    needs_espeak()
    assert list(render_phrases(["-v xx --help"], tmp_path)) == ["-v xx --help"]


def test_without_a_speech_tool_there_are_no_phrases_and_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(voice.shutil, "which", lambda name: None)
    monkeypatch.setattr(voice, "wheel_speech_installed", lambda: False)  # nor the `speech` extra
    assert not voice_available()
    problems: list[str] = []
    assert render_phrases(["Halfway", "Round 2 of 3"], tmp_path / "voice", problems=problems) == {}
    assert problems == []
    assert not (tmp_path / "voice").exists()


def test_a_failing_synthesiser_is_a_recorded_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(voice.shutil, "which", lambda name: f"/usr/bin/{name}")

    def failing(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        return subprocess.CompletedProcess(argv, 1, b"", b"espeak-ng: voice 'xx' not found\n")

    monkeypatch.setattr(voice.subprocess, "run", failing)
    problems: list[str] = []
    assert render_phrases(["Halfway"], tmp_path, problems=problems) == {}
    assert problems == ["Could not speak 'Halfway': espeak-ng exited with 1: espeak-ng: voice 'xx' not found"]
    assert list(tmp_path.iterdir()) == []  # the temporary render folder is gone


def test_macos_prefers_say(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(voice.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert voice.speech_tool("darwin") == "/usr/bin/say"
    assert voice.speech_tool("linux") == "/usr/bin/espeak-ng"


def test_normalise_resamples_downmixes_trims_and_sets_the_peak(tmp_path: Path) -> None:
    # 22,050 Hz stereo with silence either side, as a synthesiser might write it.
    rate = RATE // 2
    body = [int(8000 * ((i % 50) / 25 - 1)) for i in range(rate // 2)]
    frames = array("h", [0] * 2 * rate + [s for s in body for _ in (0, 1)] + [0] * 2 * rate)
    source = tmp_path / "raw.wav"
    with wave.open(str(source), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames.tobytes())
    result = array("h", voice.normalise(source))
    assert abs(len(result) / RATE - 0.5) < 0.05  # 0.5 s of sound; the two seconds of silence trimmed
    assert max(abs(s) for s in result) == round(32767 * 10 ** (-1 / 20))
    assert len(wav_bytes(result.tobytes())) > 0


def test_silence_from_the_synthesiser_is_rejected(tmp_path: Path) -> None:
    source = tmp_path / "silent.wav"
    source.write_bytes(wav_bytes(bytes(2000)))
    with pytest.raises(ValueError, match="silence"):
        voice.normalise(source)


def test_default_cache_dir_is_the_user_cache() -> None:
    path = voice.default_cache_dir()
    assert path.name == "voice" and "circuit-timer" in str(path)
