"""`history --fit DIR`: FIT activities written with Garmin's SDK, read back with Garmin's own Decoder and with
an independent reader (fitdecode), which must both find every set, rep, weight, duration and the start."""

from __future__ import annotations

import argparse
import builtins
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import fitdecode
import pytest
from garmin_fit_sdk import Decoder, Stream

from timer.history.command import command
from timer.history.fit_export import INSTALL_HINT, export_fit, fit_name
from timer.replog import read_log

from .test_records import PLAN, WALL, Run


def args(log: Path, **more: Any) -> argparse.Namespace:
    options = {"since": None, "until": None, "units": None, "format": "ours", "excel": False, "fit": None}
    return argparse.Namespace(
        log=[str(log)], circuit=None, athlete=None, all=False, csv=None, **(options | more)
    )


def a_session(path: Path) -> None:
    """A: 12 taps then a 20 s pause; the complex with 6 step-ups, split squats not counted; C: 8 taps."""
    run = Run(path)
    run.at(20)
    run.tap(12)
    run.pause()
    run.at(40)
    run.pause()
    run.at(90)  # part 1 (70 + 20 paused = 90..115)
    run.tap(6)
    run.at(160)  # C (150..195)
    run.tap(8)
    run.finish()
    assert run.log.session_rpe(run.clock(), 6, 3.6)


def garmin_messages(data: bytes) -> dict[str, list[dict[str, Any]]]:
    checker = Decoder(Stream.from_byte_array(bytearray(data)))
    assert checker.is_fit() and checker.check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    return messages


def fitdecode_sets(path: Path) -> list[dict[str, Any]]:
    """Every `set` message as a dict, read by fitdecode with its CRC check on (the default)."""
    out = []
    with fitdecode.FitReader(str(path), check_crc=fitdecode.CrcCheck.ENABLED) as fit:
        for frame in fit:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "set":
                out.append({f.name: f.value for f in frame.fields})
    return out


def test_a_completed_session_decodes_cleanly_with_garmins_decoder_and_fitdecode(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    a_session(log)
    folder = tmp_path / "fit"
    folder.mkdir()
    assert command(args(log, fit=str(folder))) == 0
    (path,) = folder.iterdir()
    (session,), _ = read_log(log)
    assert path.name == fit_name(session)

    messages = garmin_messages(path.read_bytes())
    (sport,) = messages["sport_mesgs"]
    (fit_session,) = messages["session_mesgs"]
    assert (sport["sport"], sport["sub_sport"]) == ("training", "strength_training")
    assert (fit_session["sport"], fit_session["sub_sport"]) == ("training", "strength_training")
    assert fit_session["start_time"] == WALL
    assert fit_session["total_elapsed_time"] == pytest.approx(195.0)
    assert fit_session["total_timer_time"] == pytest.approx(175.0)  # the 20 s pause left out
    assert messages["file_id_mesgs"][0]["type"] == "activity"

    sets = messages["set_mesgs"]
    active = [s for s in sets if s["set_type"] == "active"]
    rests = [s for s in sets if s["set_type"] == "rest"]
    assert [s.get("repetitions") for s in active] == [12, 6, None, 8]  # split squats: not counted
    assert [s["duration"] for s in active] == pytest.approx([45.0, 25.0, 20.0, 45.0])
    assert [s.get("weight") for s in active] == pytest.approx([20.0, None, 12.5, None])
    assert [s["duration"] for s in rests] == pytest.approx([15.0, 15.0])
    assert active[0]["start_time"] == WALL + timedelta(seconds=10)
    assert active[3]["start_time"] == WALL + timedelta(seconds=150)

    independent = fitdecode_sets(path)
    assert [s["set_type"] for s in independent] == [s["set_type"] for s in sets]
    assert [s.get("repetitions") for s in independent if s["set_type"] == "active"] == [12, 6, None, 8]
    assert [s["duration"] for s in independent if s["set_type"] == "active"] == pytest.approx(
        [45.0, 25.0, 20.0, 45.0]
    )
    assert independent[0]["start_time"] == WALL + timedelta(seconds=10)


def test_pounds_are_written_as_kilograms(tmp_path: Path) -> None:
    from dataclasses import replace

    log = tmp_path / "log.jsonl"
    plan = replace(PLAN, phases=tuple(replace(p, unit="lb") for p in PLAN.phases), unit="lb")
    run = Run(log, plan)
    run.at(20)
    run.tap(5)
    run.finish()
    (session,), _ = read_log(log)
    written, left_out = export_fit([session], tmp_path)
    assert left_out == 0
    first = next(
        s for s in garmin_messages(written[0].read_bytes())["set_mesgs"] if s["set_type"] == "active"
    )
    assert first["weight"] == pytest.approx(20 / 2.20462, abs=0.01)


def test_sessions_that_did_not_reach_their_end_are_left_out(tmp_path: Path, capsys: Any) -> None:
    log = tmp_path / "log.jsonl"
    run = Run(log)
    run.at(100)
    run.quit()
    a_session(log)
    folder = tmp_path / "fit"
    folder.mkdir()
    assert command(args(log, fit=str(folder))) == 0
    assert (
        capsys.readouterr().out == f"Wrote 1 FIT activity to {folder} (1 session not completed, left out)\n"
    )
    assert len(list(folder.iterdir())) == 1


def test_a_missing_folder_is_a_clear_error(tmp_path: Path, capsys: Any) -> None:
    log = tmp_path / "log.jsonl"
    a_session(log)
    assert command(args(log, fit=str(tmp_path / "nope"))) == 1
    err = capsys.readouterr().err
    assert "is not an existing folder" in err and "Traceback" not in err


def test_without_the_fit_extra_it_names_the_extra_to_install(
    tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "log.jsonl"
    a_session(log)
    real_import = builtins.__import__

    def no_fit_sdk(name: str, *rest: Any, **kw: Any) -> Any:
        if name.startswith("garmin_fit_sdk"):
            raise ImportError(name)
        return real_import(name, *rest, **kw)

    monkeypatch.setattr(builtins, "__import__", no_fit_sdk)
    assert command(args(log, fit=str(tmp_path))) == 1
    assert capsys.readouterr().err.strip() == INSTALL_HINT
    assert not list(tmp_path.glob("*.fit"))


def test_a_session_id_from_a_log_cannot_escape_the_folder() -> None:
    class Fake:
        id = "../../etc/passwd"
        started_at = datetime(2025, 3, 3, tzinfo=UTC)

    assert fit_name(Fake()) == "______etc_passwd.fit"  # type: ignore[arg-type]
