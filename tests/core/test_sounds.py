"""The committed cue sounds: format, loudness, distinctness, and that the generator remakes them exactly."""

from __future__ import annotations

import itertools
import math
import sys
import wave
from array import array
from pathlib import Path
from typing import get_args

import pytest

from timer import sounds
from timer.cues import CueKind
from timer.resources import sound_file

REPO = Path(__file__).resolve().parents[2]
KINDS = [kind for kind in get_args(CueKind) if kind != "announce"]  # "announce" is voice only


def samples(path: Path) -> array:
    with wave.open(str(path), "rb") as wav:
        data = array("h", wav.readframes(wav.getnframes()))
    if sys.byteorder == "big":
        data.byteswap()
    return data


def seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def start_pitch(path: Path) -> float:
    """Pitch of the sound's first 20 ms, from zero crossings (the third harmonic adds none)."""
    data = samples(path)[: sounds.RATE // 50]
    crossings = sum(1 for a, b in itertools.pairwise(data) if (a < 0) != (b < 0))
    return crossings / 2 / (len(data) / sounds.RATE)


def test_every_cue_kind_with_a_tone_has_a_sound() -> None:
    assert sorted(sounds.SOUNDS) == sorted(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_format_is_16_bit_mono_44k(kind: str) -> None:
    with wave.open(str(sound_file(f"{kind}.wav")), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 44_100)
        assert wav.getcomptype() == "NONE"
        assert wav.getnframes() > 0


@pytest.mark.parametrize("kind", KINDS)
def test_loud_but_not_clipped_and_faded(kind: str) -> None:
    data = samples(sound_file(f"{kind}.wav"))
    peak = max(abs(s) for s in data)
    peak_dbfs = 20 * math.log10(peak / 32768)
    assert -3.0 < peak_dbfs < 0.0
    assert 32767 not in data and -32768 not in data  # no clipped samples
    # Short fades: the first and last samples are near silence, so no click at either end.
    assert abs(data[0]) < 0.01 * 32768 and abs(data[-1]) < 0.01 * 32768


def test_kinds_differ_in_pitch_or_length() -> None:
    files = {kind: sound_file(f"{kind}.wav") for kind in KINDS}
    shape = {kind: (seconds(path), start_pitch(path)) for kind, path in files.items()}
    for a, b in itertools.combinations(KINDS, 2):
        (len_a, pitch_a), (len_b, pitch_b) = shape[a], shape[b]
        other_length = abs(len_a - len_b) >= 0.02
        other_pitch = abs(pitch_a - pitch_b) / min(pitch_a, pitch_b) >= 0.1
        assert other_length or other_pitch, (a, b)


def test_the_designed_contrasts_hold() -> None:
    length = {kind: seconds(sound_file(f"{kind}.wav")) for kind in KINDS}
    pitch = {kind: start_pitch(sound_file(f"{kind}.wav")) for kind in KINDS}
    assert max(length, key=length.__getitem__) == "final"
    assert min(length, key=length.__getitem__) == "tick"
    assert length["tick"] < 0.05
    assert pitch["go"] > pitch["count"] and length["go"] > length["count"]  # "3, 2, 1, GO" rises
    assert pitch["stop"] < pitch["count"]
    assert length["round_end"] > max(length["count"], length["go"], length["stop"])
    assert pitch["count"] == pytest.approx(880, rel=0.06)


def test_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    written = sounds.write_all(tmp_path)
    assert {p.name for p in written} == {f"{kind}.wav" for kind in KINDS}
    for path in written:
        assert path.read_bytes() == (REPO / "sounds" / path.name).read_bytes(), (
            f"{path.name} differs from what `python -m timer.sounds` makes: regenerate and commit"
        )


def test_command_line_writes_to_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sounds.main(["--out", str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"{k}.wav" for k in KINDS)
    assert "go.wav" in capsys.readouterr().out
