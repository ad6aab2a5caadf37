"""The rep log: writer and reader round trips, damaged files, a full disk, path checks, resume, kill -9."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timer import replog
from timer.circuit import load_circuit
from timer.errors import LogError
from timer.plan import Plan, build_plan
from timer.replog import SessionLog, check_writable, find_resumable, read_log, read_taps
from timer.replog import reader as logreader
from timer.replog import writer as replog_writer
from timer.resources import bundled_circuits
from timer.session import PhaseChanged, SessionFinished, SetEnded

REPO = Path(__file__).resolve().parents[2]
SAMPLE_LINES = [
    b'{"v":1,"type":"session_start","session":"s","t":0,"at":"2025-03-01T17:00:00Z","circuit":"C"}\n',
    b'{"v": 1, "type": "set", "session": "s", "t": 5, "round": 1, "station": 1, "set": 1, "reps": 3}\n',
    b'{"v":1,"type":"set_update","session":"s","t":6,"round":1,"station":1,"set":1,"reps":4}\n',
    b'{"v": 1, "type": "rep", "session": "s", "t": 4, "n": 1}\n',
    b'{"v": 1, "type": "session_end", "session": "s", "t": 9, "status": "aborted"}\n',
    b'{"v": 1, "type": "set", "session": "s", "t": "x", "round": 1.5}\n',
    b'{"v": 2, "type": "set", "session": "s", "t": 1}\n',
    b'{"v": 1, "type": "session_start", "session": "s", "t": 0, "at": "yesterday", "athlete": "\\ud800"}\n',
    b"\n",
]


class Wall:
    """A wall clock for `at` that moves only when told to."""

    def __init__(self, start: datetime = datetime(2025, 3, 1, 17, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def plan() -> Plan:
    """Runner A: 2 rounds of 4 stations, station 2 a complex of two parts (10 work phases)."""
    path = next(p for p in bundled_circuits() if p.name == "runner-strength-endurance.toml")
    return build_plan(load_circuit(path))


def work(plan: Plan):
    return [p for p in plan.phases if p.is_work]


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run_session(
    path: Path,
    plan: Plan,
    *,
    sets: int | None = None,
    status: str | None = "completed",
    athlete: str = "Ann",
    wall: Wall | None = None,
    bonus: int = 0,
) -> SessionLog:
    """Log a session the way the UI will: start, each set as it ends, then the end record."""
    log = SessionLog(path, clock_start=500.0, wall=wall or Wall())
    log.start(plan, now=500.0, circuit_path="runner.toml", circuit_sha256="c" * 64, athlete=athlete)
    for phase in work(plan)[:sets]:
        log.set_ended(
            phase,
            started_t=phase.start_s,
            ended_t=phase.end_s,
            reps=(phase.target_reps or 20) + bonus,
            now=500.0 + phase.end_s,
        )
    if status:
        log.end(status, now=500.0 + plan.total_s)  # type: ignore[arg-type]
    return log


# ---------------------------------------------------------------- round trips


def test_round_trip_keeps_every_record_and_field(tmp_path: Path, plan: Plan) -> None:
    path, wall = tmp_path / "log.jsonl", Wall()
    phases = work(plan)
    log = SessionLog(path, clock_start=100.0, wall=wall)
    log.start(plan, now=100.0, circuit_path="c.toml", circuit_sha256="ab" * 32, athlete="Ann")
    wall.advance(10.0004)
    log.rep(110.0004, count=1)
    log.pause(120.0)
    log.resume(125.5)
    log.set_ended(phases[0], started_t=10.0, ended_t=190.25, reps=57, now=290.25)
    log.set_update(phases[0], 59, now=300.0)
    log.skip(301.0, plan.phases[2], plan.phases[3])
    log.end("completed", now=100.0 + plan.total_s)
    assert not log.failed and log.written == 8

    records = lines(path)
    assert [r["type"] for r in records] == [
        "session_start",
        "rep",
        "pause",
        "resume",
        "set",
        "set_update",
        "skip",
        "session_end",
    ]
    for r in records:
        assert r["v"] == 1 and r["session"] == log.session_id and isinstance(r["t"], float)
    assert records[0]["at"] == "2025-03-01T17:00:00.000Z"
    assert records[1]["t"] == 10.0 and records[1]["at"] == "2025-03-01T17:00:10.000Z"  # ms precision
    assert records[1]["n"] == 1
    assert records[0] | {"session": "", "t": 0, "at": ""} == {
        "v": 1,
        "type": "session_start",
        "session": "",
        "t": 0,
        "at": "",
        "circuit": plan.name,
        "circuit_path": "c.toml",
        "circuit_sha256": "ab" * 32,
        "athlete": "Ann",
        "planned_s": plan.total_s,
        "sets": 8,
        "unit": "kg",
        "app": "circuit-timer 0.1.0",
    }
    assert records[4]["round"] == 1 and records[4]["part"] is None and records[4]["load"] == 35.0
    assert records[4]["e1rm_source"] == "circuit"  # which e1RM the load came from (None for no e1RM)
    assert records[-1]["total_reps"] == 59  # the correction counts

    (s,), problems = read_log(path)
    assert problems == []
    assert (s.id, s.circuit, s.athlete, s.status, s.circuit_sha256) == (
        log.session_id,
        plan.name,
        "Ann",
        "completed",
        "ab" * 32,
    )
    assert s.started_at == datetime(2025, 3, 1, 17, 0, tzinfo=UTC)
    (logged,) = s.sets.values()
    assert (logged.key, logged.reps, logged.exercise, logged.actual_s) == (
        (1, 1, 1, None),
        59,
        "Quarter squat",
        180.25,
    )
    assert (s.pauses, s.skips, s.reps, s.set_count, s.total_s) == (1, 1, 59, 1, plan.total_s)
    assert s.volume == 35.0 * 59


def test_every_set_of_a_complex_is_logged_per_part(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "log.jsonl"
    run_session(path, plan)
    (s,), _ = read_log(path)
    assert list(s.sets)[:4] == [(1, 1, 1, None), (1, 2, 1, 1), (1, 2, 1, 2), (1, 3, 1, None)]
    assert len(s.sets) == 10 and s.set_count == 8
    assert (
        s.sets[(1, 2, 1, 2)].exercise == "Split squat"
        and s.sets[(1, 2, 1, 2)].station_name == "Step-up complex"
    )


@pytest.mark.parametrize(
    ("reps", "counted", "logged"),
    [(0, False, None), (0, True, 0), (12, True, 12), (None, False, None), (18, False, None)],
)
def test_reps_are_logged_only_when_counted(reps, counted, logged) -> None:
    assert replog.logged_reps(reps, counted) == logged


@pytest.mark.parametrize("target", [None, 18])
def test_untapped_set_is_logged_as_null_and_not_counted_whatever_its_target(
    tmp_path: Path, plan: Plan, target: int | None
) -> None:
    path = tmp_path / "log.jsonl"
    phase = replace(work(plan)[0], target_reps=target)
    log = SessionLog(path, clock_start=0.0, wall=Wall())
    log.set_ended(phase, started_t=0, ended_t=180, reps=0, counted=False, now=180)
    record = lines(path)[0]
    assert (record["reps"], record["counted"], record["target_reps"]) == (None, False, target)


def test_engine_events_are_logged_through_handle(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "log.jsonl"
    first, rest, second = plan.phases[1], plan.phases[2], plan.phases[3]
    log = SessionLog(path, clock_start=0.0, wall=Wall())
    log.start(plan, now=0.0)
    log.handle(PhaseChanged(phase=first, previous=plan.phases[0], reason="time", t=10.0), 10.0)  # not logged
    log.handle(
        SetEnded(phase=first, started_t=10.0, ended_t=100.0, reps=30, skipped=True, counted=True), 100.0
    )
    log.handle(PhaseChanged(phase=rest, previous=first, reason="skip", t=100.0), 100.0)
    log.handle(PhaseChanged(phase=first, previous=second, reason="back", t=120.0), 120.0)
    log.handle(SessionFinished(t=200.0), 200.5)
    records = lines(path)
    assert [r["type"] for r in records] == ["session_start", "set", "skip", "back", "session_end"]
    assert records[1]["ended_by"] == "skip"
    assert (records[2]["phase"], records[2]["to_phase"]) == (first.index, rest.index)
    assert records[-1] | {"at": ""} == {
        "v": 1,
        "type": "session_end",
        "session": log.session_id,
        "t": 200.5,
        "at": "",
        "status": "completed",
        "total_s": 200.0,
        "total_reps": 30,
        "paused_s": 0.0,
    }


def test_abort_logs_the_set_under_way_and_resume_does_it_again(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "log.jsonl"
    prepare, first, rest, second = plan.phases[:4]
    log = SessionLog(path, clock_start=50.0, wall=Wall())
    log.start(plan, now=50.0, circuit_sha256="a" * 64)
    log.handle(PhaseChanged(phase=first, previous=prepare, reason="time", t=10.0), 60.0)
    log.handle(
        SetEnded(phase=first, started_t=10.0, ended_t=190.0, reps=58, skipped=False, counted=True), 240.0
    )
    log.handle(PhaseChanged(phase=rest, previous=first, reason="time", t=190.0), 240.0)
    log.handle(PhaseChanged(phase=second, previous=rest, reason="time", t=280.0), 330.0)
    assert log.abort(50.0 + 301.5, reps=7)  # q pressed 21.5 s into the Step-ups
    records = lines(path)
    assert [r["type"] for r in records] == ["session_start", "set", "set", "session_end"]
    assert records[2] | {"at": ""} == records[2] | {
        "at": "",
        "round": 1,
        "station": 2,
        "part": 1,
        "started_t": 280.0,
        "ended_t": 301.5,
        "reps": 7,
        "ended_by": "abort",
    }
    assert records[3]["status"] == "aborted" and records[3]["total_reps"] == 65
    point = find_resumable(path, sha256="a" * 64)
    assert point is not None and point.first_phase(plan) == second


def test_an_aborted_redo_does_not_change_the_total_reps_of_a_finished_set(tmp_path: Path, plan: Plan) -> None:
    """Finish a set, correct it to 20, go back into it, tap once, quit: the end record said 1 rep in all
    (the abort's tally had replaced the finished set's), while the reader and `history` said 20."""
    path = tmp_path / "log.jsonl"
    prepare, first, rest, second = plan.phases[:4]
    log = SessionLog(path, clock_start=0.0, wall=Wall())
    log.start(plan, now=0.0)
    log.handle(PhaseChanged(phase=first, previous=prepare, reason="time", t=10.0), 10.0)
    log.handle(
        SetEnded(phase=first, started_t=10.0, ended_t=190.0, reps=12, skipped=False, counted=True), 190.0
    )
    log.handle(PhaseChanged(phase=rest, previous=first, reason="time", t=190.0), 190.0)
    log.set_update(first, 20, now=195.0)
    log.handle(PhaseChanged(phase=first, previous=rest, reason="back", t=196.0), 196.0)
    log.rep(198.0, count=1)
    assert log.abort(200.0, reps=1)
    records = lines(path)
    assert [r.get("ended_by") for r in records if r["type"] == "set"] == ["time", "abort"]
    (session,), problems = read_log(path)
    assert problems == []
    assert records[-1]["total_reps"] == session.total_reps == session.reps == 20
    # A resume of that session starts after the finished set, and its end counts the set once.
    point = find_resumable(path, name=plan.name)
    assert point is not None and point.first_phase(plan) == second
    log = SessionLog(path, clock_start=0.0, wall=Wall())
    log.start(plan, now=0.0, resume=point)
    log.handle(PhaseChanged(phase=first, previous=second, reason="back", t=1.0), 1.0)
    log.abort(5.0, reps=3)  # went back into the finished set again, and quit again
    sessions, _ = read_log(path)
    assert lines(path)[-1]["total_reps"] == sessions[-1].total_reps == sessions[-1].reps == 20
    # A set aborted, then aborted again on a later try, counts the later tally.
    log = SessionLog(path, clock_start=0.0, wall=Wall())
    log.start(plan, now=0.0)
    log.handle(PhaseChanged(phase=first, previous=prepare, reason="time", t=10.0), 10.0)
    log.set_ended(first, started_t=10.0, ended_t=20.0, reps=4, now=20.0, ended_by="abort")
    log.abort(30.0, reps=6)
    sessions, _ = read_log(path)
    assert lines(path)[-1]["total_reps"] == sessions[-1].reps == 6


def test_abort_during_a_rest_writes_only_the_end(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "log.jsonl"
    first, rest = plan.phases[1:3]
    log = SessionLog(path, clock_start=0.0, wall=Wall())
    log.handle(
        SetEnded(phase=first, started_t=10.0, ended_t=190.0, reps=58, skipped=False, counted=True), 190.0
    )
    log.handle(PhaseChanged(phase=rest, previous=first, reason="time", t=190.0), 190.0)
    log.abort(200.0, reps=58)
    assert [r["type"] for r in lines(path)] == ["set", "session_end"]


def test_a_set_done_again_replaces_the_earlier_record(tmp_path: Path, plan: Plan) -> None:
    path, phase = tmp_path / "log.jsonl", work(plan)[0]
    log = SessionLog(path, clock_start=0.0, wall=Wall())
    log.set_ended(phase, started_t=10, ended_t=40, reps=9, now=40)
    log.back(41, plan.phases[2], phase)
    log.set_ended(phase, started_t=41, ended_t=221, reps=58, now=221)
    (s,), _ = read_log(path)
    assert s.sets[(1, 1, 1, None)].reps == 58 and s.backs == 1


def test_taps_are_read_for_one_session(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "log.jsonl"
    mine = SessionLog(path, clock_start=0.0, wall=Wall())
    other = SessionLog(path, clock_start=0.0, wall=Wall())
    for n in (1, 2, 3):
        mine.rep(10.0 + n, count=n)
        other.rep(20.0 + n, count=n)
    mine.rep(14.5, count=2)  # an undo shows as a lower tally
    assert read_taps(path, mine.session_id) == [(11.0, 1), (12.0, 2), (13.0, 3), (14.5, 2)]
    sessions, _ = read_log(path, taps=True)
    assert {s.id: len(s.taps) for s in sessions} == {mine.session_id: 4, other.session_id: 3}


# ---------------------------------------------------------------- damaged logs


def test_torn_last_line_is_skipped_with_a_warning(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "log.jsonl"
    run_session(path, plan, sets=3, status=None)
    with open(path, "ab") as f:
        f.write(b'{"v": 1, "type": "set", "session": "x", "t": 3')  # power cut mid-write
    (s,), problems = read_log(path)
    assert len(s.sets) == 3 and s.status == "unfinished"
    assert [str(p) for p in problems] == [
        f"{path}: line 5: the last line is incomplete "
        "(the app or the computer stopped while writing it); skipped"
    ]


def test_a_complete_record_without_its_newline_still_counts_as_torn(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "log.jsonl"
    run_session(path, plan, sets=2, status=None)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    (s,), problems = read_log(path)
    assert len(s.sets) == 1 and "line 3" in str(problems[0])


def test_writer_starts_a_new_line_after_a_torn_tail(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "log.jsonl"
    run_session(path, plan, sets=2, status=None)
    with open(path, "ab") as f:
        f.write(b'{"v": 1, "type": "rep", "sess')
    run_session(path, plan, athlete="Ben")
    sessions, problems = read_log(path)
    assert [(s.athlete, len(s.sets), s.status) for s in sessions] == [
        ("Ann", 2, "unfinished"),
        ("Ben", 10, "completed"),
    ]
    assert [str(p) for p in problems] == [
        f"{path}: line 4: not a readable record (damaged, or not JSON); skipped, the rest is kept"
    ]
    assert path.read_bytes().endswith(b"\n")


def test_garbage_in_the_middle_is_reported_by_line_and_the_rest_kept(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "log.jsonl"
    run_session(path, plan, sets=2, status=None)  # lines 1-3
    good = path.read_bytes()
    with open(path, "ab") as f:
        f.write(b"\x00\x00\x00garbage\xff\n")  # 4
        f.write(b'{"level": "info", "msg": "another program"}\n')  # 5
        f.write(b'{"v": 2, "type": "set", "session": "s2", "t": 1}\n')  # 6
        f.write(b"\n")  # 7: blank lines are fine
        f.write(b'{"v": 1, "type": "teleport", "session": "s1", "t": 1}\n')  # 8
        f.write(
            b'{"v": 1, "type": "set", "session": "s1", "t": 1, "round": "one", "station": 1, "set": 1}\n'
        )  # 9
        f.write(b"[1, 2, 3]\n")  # 10
        f.write(b"not json { at all\n")  # 11
    ben = tmp_path / "ben.jsonl"  # (the writer itself refuses a log with version 2 lines)
    run_session(ben, plan, athlete="Ben")
    with open(path, "ab") as f:
        f.write(ben.read_bytes())  # lines 12-
    sessions, problems = read_log(path)
    assert [(s.athlete, len(s.sets)) for s in sessions] == [("Ann", 2), ("Ben", 10)]
    assert path.read_bytes().startswith(good)
    shown = {p.where: p.message for p in problems}
    assert shown == {
        "lines 4, 11": "not a readable record (damaged, or not JSON); skipped, the rest is kept",
        "lines 5, 10": "not a circuit-timer record (another program's data?); skipped",
        "line 6": "written by a newer circuit-timer (log format version 2 or later); skipped. "
        "Update circuit-timer to read these lines",
        "line 8": 'unknown record type "teleport"; skipped',
        "line 9": "a record with values of the wrong kind or out of range; skipped",
    }


def test_many_bad_lines_are_summarised(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"junk\n" * 12)
    sessions, (problem,) = read_log(path)
    assert sessions == [] and problem.where == "lines 1, 2, 3, 4, 5 and 7 more"


def test_hostile_text_in_a_log_comes_back_printable(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    record = {
        "v": 1,
        "type": "session_start",
        "session": "s",
        "t": 0.0,
        "at": "2025-03-01T17:00:00.000Z",
        "circuit": "A\ud800B",
        "athlete": True,
    }
    path.write_text(json.dumps(record) + "\n", encoding="ascii")  # a lone surrogate, spelled \ud800
    sessions, problems = read_log(path)
    assert sessions == [] and problems[0].where == "line 1"  # athlete=true is not text
    path.write_text(json.dumps(record | {"athlete": None}) + "\n", encoding="ascii")
    (s,), problems = read_log(path)
    assert problems == [] and s.circuit == "A?B"
    s.circuit.encode("utf-8")


def test_unreadable_log_is_a_log_error(tmp_path: Path) -> None:
    with pytest.raises(LogError, match=f"Cannot read the rep log {tmp_path}: is a directory"):
        read_log(tmp_path)


# ---------------------------------------------------------------- a failing disk


def test_disk_full_keeps_records_in_memory_and_writes_them_in_order_later(
    tmp_path: Path, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, phases = tmp_path / "log.jsonl", work(plan)
    real_append = replog_writer._append
    disk_full = False

    def append(fd: int, data: bytes, sync: bool) -> None:
        if disk_full:
            real_append(fd, data[: len(data) // 2], sync)  # part of it lands, as on a real full disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_append(fd, data, sync)

    monkeypatch.setattr(replog_writer, "_append", append)
    log = SessionLog(path, clock_start=0.0, wall=Wall())
    assert log.start(plan, now=0.0, athlete="Ann")
    assert log.set_ended(phases[0], started_t=10, ended_t=190, reps=60, now=190)
    disk_full = True
    assert not log.set_ended(phases[1], started_t=280, ended_t=370, reps=36, now=370)  # no exception
    assert not log.rep(380, count=1)
    assert not log.set_ended(phases[2], started_t=370, ended_t=460, reps=30, now=460)
    assert log.failed and [r["type"] for r in log.pending] == ["set", "rep", "set"]
    assert log.last_error == (
        f"Could not write to the rep log {path}: no space left on device. Every record is kept and written "
        "as soon as the disk takes it; at the end you can save it to another file."
    )
    disk_full = False
    assert log.set_ended(phases[3], started_t=550, ended_t=670, reps=80, now=670)  # retried first, in order
    assert not log.failed and log.pending == []
    assert log.end("completed", now=1990)

    (s,), problems = read_log(path)
    assert [k for k in s.sets] == [(1, 1, 1, None), (1, 2, 1, 1), (1, 2, 1, 2), (1, 3, 1, None)]
    assert s.reps == 60 + 36 + 30 + 80 and s.status == "completed"
    good = [r for r in (json.loads(x) for x in path.read_text().splitlines() if x.endswith("}"))]
    assert [r["type"] for r in good][-5:] == ["set", "rep", "set", "set", "session_end"]
    assert [p.message for p in problems] == [
        logreader._MESSAGES["garbage"]
    ]  # the torn half-lines, not lost data


def test_pending_records_can_be_saved_elsewhere_and_merged(
    tmp_path: Path, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    main, spare = tmp_path / "log.jsonl", tmp_path / "spare.jsonl"
    log = run_session(main, plan, sets=4, status=None)

    def full(fd: int, data: bytes, sync: bool) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(replog_writer, "_append", full)
        for phase in work(plan)[4:]:
            log.set_ended(phase, started_t=phase.start_s, ended_t=phase.end_s, reps=20, now=phase.end_s)
        log.end("completed", now=plan.total_s)
        assert log.failed and len(log.pending) == 7
        with pytest.raises(LogError, match=r"Could not save the session to .* either"):
            log.save_pending_to(spare)
    log.save_pending_to(spare)
    assert not log.failed
    (alone,), _ = read_log(spare)  # the spare file reads on its own (it starts with the start record)
    assert alone.circuit == plan.name and len(alone.sets) == 6
    (merged,), problems = read_log([main, spare])
    assert problems == [] and len(merged.sets) == 10 and merged.status == "completed"


def test_a_retried_write_that_repeats_lines_does_not_double_count(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "log.jsonl"
    log = run_session(path, plan, status=None)
    log.rep(2000.0, count=1)
    text = path.read_text()
    path.write_text(text + text)  # every line twice, as if each fsync had failed after its bytes landed
    (s,), problems = read_log(path, taps=True)
    assert problems == [] and len(s.sets) == 10 and s.reps == sum(log._reps.values()) and len(s.taps) == 1


# ---------------------------------------------------------------- checking the path first


def test_check_writable_accepts_a_new_or_existing_log(tmp_path: Path, plan: Plan) -> None:
    new = tmp_path / "new.jsonl"
    check_writable(new)
    assert not new.exists()  # a check creates nothing: the first record does
    run_session(new, plan)
    before = new.read_bytes()
    check_writable(new)
    assert new.read_bytes() == before
    torn = tmp_path / "torn.jsonl"
    torn.write_bytes(b'{"v": 1, "type": "sess')  # a crash during the very first record
    check_writable(torn)


def written(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def under_a_file(path: Path) -> Path:
    return written(path, "")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda d: d / "missing" / "log.jsonl",
            r"the folder .*missing does not exist\. Create it, or give another",
        ),
        (lambda d: d, r"is a folder; give a file inside it, such as .*log\.jsonl"),
        (lambda d: under_a_file(d / "x") / "log.jsonl", r"x is a file, not a folder"),
        (lambda d: Path("/dev/null"), r"is not a regular file \(a device or a pipe\)"),
        (lambda d: written(d / "n.txt", "my notes\n"), r"does not look like a circuit-timer"),
    ],
    ids=["folder missing", "path is a folder", "parent is a file", "device", "another program's file"],
)
def test_check_writable_refuses_with_a_plain_message(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path)
    with pytest.raises(LogError, match=message):
        check_writable(path)
    assert not (tmp_path / "missing").exists()


def test_a_log_from_a_newer_version_is_refused_and_never_written(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "log.jsonl"
    run_session(path, plan, sets=1)
    with open(path, "ab") as f:
        f.write(
            b'{"v": 2, "type": "session_start", "session": "new", "t": 0, "at": "2026-01-01T00:00:00.000Z"}\n'
        )
    before = path.read_bytes()
    with pytest.raises(LogError, match=r"written by a newer circuit-timer \(log format version 2\).*Update"):
        check_writable(path)
    log = run_session(path, plan)  # even if the UI forgot to check first
    assert log.failed and "newer circuit-timer" in (log.last_error or "")
    assert path.read_bytes() == before


def test_prepare_log_path_prefers_flag_then_env_then_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("CIRCUIT_TIMER_LOG", raising=False)
    assert replog.prepare_log_path() == tmp_path / "data" / "circuit-timer" / "log.jsonl"  # folder created
    monkeypatch.setenv("CIRCUIT_TIMER_LOG", str(tmp_path / "env.jsonl"))
    assert replog.default_log_path() == tmp_path / "env.jsonl"
    assert replog.prepare_log_path() == tmp_path / "env.jsonl"
    assert replog.prepare_log_path(str(tmp_path / "flag.jsonl")) == tmp_path / "flag.jsonl"
    with pytest.raises(LogError, match="does not exist"):
        replog.prepare_log_path(
            str(tmp_path / "typo" / "log.jsonl")
        )  # a folder the user named is not created


# ---------------------------------------------------------------- resume


def test_find_resumable_after_quitting_mid_set(tmp_path: Path, plan: Plan) -> None:
    path, phases = tmp_path / "log.jsonl", work(plan)
    log = run_session(path, plan, sets=3, status=None)  # station 1 and both parts of station 2
    log.set_ended(phases[3], started_t=550, ended_t=600, reps=33, now=1100, ended_by="abort")
    log.end("aborted", now=1100.25)

    point = find_resumable(path, sha256="c" * 64)
    assert point is not None and point.session == log.session_id and point.status == "aborted"
    assert point.done == {(1, 1, 1, None), (1, 2, 1, 1), (1, 2, 1, 2)}  # the cut set is done again
    assert point.first_phase(plan) == phases[3] and point.last_t == 600.25
    assert (
        '2 of 8 sets done, 1 cut short; next is round 1, station 3 "Standing calf raise", set 1'
        in point.describe(plan)
    )
    assert find_resumable(path, name=plan.name) == point
    assert find_resumable(path, name=plan.name, athlete="Ben") is None
    assert find_resumable(path, sha256="other") is None


def test_resume_continues_the_same_session_and_time(tmp_path: Path, plan: Plan) -> None:
    path, phases = tmp_path / "log.jsonl", work(plan)
    first = run_session(path, plan, sets=2, status="aborted")  # part 1 of the complex done, part 2 not
    point = find_resumable(path, sha256="c" * 64)
    assert point is not None and point.first_phase(plan) == phases[1]  # a complex restarts at part 1

    log = SessionLog(path, clock_start=9000.0, wall=Wall())
    log.start(plan, now=9000.0, circuit_sha256="c" * 64, athlete="Ann", resume=point)
    for phase in phases[1:]:  # the engine's own times start at 0 again
        log.set_ended(
            phase,
            started_t=phase.start_s - 280,
            ended_t=phase.end_s - 280,
            reps=25,
            now=9000 + phase.end_s - 280,
        )
    log.end("completed", now=9000 + plan.total_s - 280)

    resume_record = lines(path)[-11]
    assert resume_record["type"] == "session_resume" and resume_record["session"] == first.session_id
    assert resume_record["t"] == point.last_t
    assert (resume_record["from_round"], resume_record["from_station"], resume_record["from_part"]) == (
        1,
        2,
        1,
    )
    assert lines(path)[-1]["total_reps"] == 60 + 9 * 25
    (s,), problems = read_log(path)
    assert problems == [] and s.status == "completed" and s.resumes == 1 and len(s.sets) == 10
    assert s.sets[(1, 2, 1, 1)].started_t == point.last_t + 0  # times go on from where it stopped
    assert find_resumable(path, sha256="c" * 64) is None


def test_only_the_latest_session_of_a_circuit_is_resumable(tmp_path: Path, plan: Plan) -> None:
    path, wall = tmp_path / "log.jsonl", Wall()
    run_session(path, plan, sets=2, status="aborted", wall=wall)
    wall.advance(86400)
    run_session(path, plan, wall=wall)
    assert find_resumable(path, sha256="c" * 64) is None
    assert find_resumable(tmp_path / "absent.jsonl", sha256="c" * 64) is None


CRASHING_WRITER = textwrap.dedent(
    """
    import sys
    from timer.circuit import load_circuit
    from timer.plan import build_plan
    from timer.replog import SessionLog

    plan = build_plan(load_circuit(sys.argv[2]))
    work = [p for p in plan.phases if p.is_work]
    log = SessionLog(sys.argv[1], clock_start=0.0)
    log.start(plan, now=0.0, circuit_sha256="k" * 64)
    for phase in work[:3]:
        log.set_ended(phase, started_t=phase.start_s, ended_t=phase.end_s, reps=21, now=phase.end_s)
    log.rep(work[3].start_s + 1.0, count=1)  # now "in" the fourth set
    print("in set 4", flush=True)
    sys.stdin.read()  # wait here until killed
    """
)


def test_kill_9_mid_set_keeps_every_set_that_ended(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "log.jsonl"
    circuit = next(p for p in bundled_circuits() if p.name == "runner-strength-endurance.toml")
    child = subprocess.Popen(
        [sys.executable, "-c", CRASHING_WRITER, str(path), str(circuit)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=REPO,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == b"in set 4\n"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    (s,), problems = read_log(path)
    assert problems == [] and s.status == "unfinished" and len(s.sets) == 3
    assert [x.reps for x in s.sets.values()] == [21, 21, 21]
    point = find_resumable(path, sha256="k" * 64)
    assert point is not None and point.first_phase(plan) == work(plan)[3]
    assert point.last_t == work(plan)[3].start_s + 1.0  # the tap after the last set: time resumes after it


def test_the_log_modules_import_neither_textual_nor_pydantic() -> None:
    """Reading a big log and the history start fast: no validation library, no UI (enumerated by pkgutil)."""
    import pkgutil

    import timer.history
    import timer.replog

    names = [
        m.name
        for package in (timer.replog, timer.history)
        for m in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
        if m.name != "timer.replog.recorder"  # between the engine and the writer: it needs the plan's models
    ]
    assert "timer.replog.reader" in names and "timer.history.trends" in names
    code = f"import importlib, sys; [importlib.import_module(n) for n in {names!r}]; " + (
        "print(sorted({'textual', 'pydantic'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------- open-ended inputs


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunks=st.lists(st.binary(max_size=80) | st.sampled_from(SAMPLE_LINES), max_size=12))
def test_reader_survives_any_bytes(tmp_path: Path, chunks: list[bytes]) -> None:
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(b"".join(chunks))
    sessions, problems = read_log(path)  # never raises on content
    for s in sessions:
        for text in (s.circuit, s.athlete, *(x.exercise for x in s.sets.values())):
            (text or "").encode("utf-8")  # everything read can be printed or written to a CSV
    assert all(p.file == str(path) for p in problems)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(athlete=st.text(max_size=30), reps=st.integers(min_value=0, max_value=10_000))
def test_any_athlete_name_round_trips(tmp_path: Path, plan: Plan, athlete: str, reps: int) -> None:
    path = tmp_path / "names.jsonl"
    path.unlink(missing_ok=True)
    log = SessionLog(path, clock_start=0.0, wall=Wall())
    log.start(plan, now=0.0, athlete=athlete)
    log.set_ended(work(plan)[0], started_t=10, ended_t=190, reps=reps, now=190)
    assert not log.failed
    (s,), problems = read_log(path)
    assert problems == [] and s.sets[(1, 1, 1, None)].reps == reps
    assert s.athlete == athlete.encode("utf-8", "replace").decode("utf-8")  # lone surrogates become "?"


def test_resume_reads_the_end_of_a_long_log_not_all_of_it(
    tmp_path: Path, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run --resume` must not take longer as the log grows (issue 17): with the interrupted session at the
    end of a log of a thousand sessions, it reads about the last MiB, not the file."""
    path = tmp_path / "log.jsonl"
    one = run_session(tmp_path / "one.jsonl", plan, athlete="Old")
    text = (tmp_path / "one.jsonl").read_bytes()
    with open(path, "wb") as f:
        for day in range(1000):  # the same completed session under a thousand ids
            f.write(text.replace(one.session_id.encode(), b"old-%04d" % day))
    assert path.stat().st_size > 3 << 20
    interrupted = run_session(path, plan, sets=3, status="aborted")
    read = 0
    real_open = logreader.open_regular

    def counting(p: Path):
        nonlocal read
        f = real_open(p)
        original = f.read

        def counted(n: int = -1) -> bytes:
            nonlocal read
            data = original(n)
            read += len(data)
            return data

        f.read = counted  # type: ignore[method-assign]
        return f

    monkeypatch.setattr(logreader, "open_regular", counting)
    point = find_resumable(path, sha256="c" * 64)
    assert point is not None and point.session == interrupted.session_id
    assert len(point.done) == 3
    assert read <= (1 << 20) + 64 * 1024, read
    read = 0
    assert find_resumable(path, sha256="c" * 64, athlete="Old") is None  # completed, a few KiB back
    assert read <= (1 << 20) + 64 * 1024, read


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pieces=st.lists(st.sampled_from([b"N", b"xx", b"\n", b"abcdefgh" * 3, b"N\n", b"\n\n"]), max_size=60),
    block=st.integers(1, 40),
)
def test_reading_backwards_finds_each_whole_line_with_the_needle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pieces: list[bytes], block: int
) -> None:
    """`run --resume` reads the log from its end in blocks: every complete line holding the needle, last
    first, with its offset; never a torn last line or a line over the limit, whatever the block size."""
    monkeypatch.setattr(logreader, "MAX_LINE_BYTES", 30)
    data = b"".join(pieces)
    path = tmp_path / "log.jsonl"
    path.write_bytes(data)
    expected, offset = [], 0
    for line in data.splitlines(keepends=True):
        if line.endswith(b"\n") and b"N" in line and len(line) <= 30:
            expected.append((offset, line))
        offset += len(line)
    assert list(logreader._lines_backwards(path, b"N", block_size=block)) == expected[::-1]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pieces=st.lists(st.sampled_from([b"N", b"M", b"xx", b"\n", b"abcdefgh" * 3, b"N\n", b"\n\n"]), max_size=60),
    block=st.integers(1, 90),
    skip_lines=st.integers(0, 5),
)
def test_reading_forwards_finds_each_whole_line_with_a_needle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pieces: list[bytes], block: int, skip_lines: int
) -> None:
    """`read_taps`, a resumed session and a program's sessions search the log forwards in blocks: every
    complete line holding one of the needles, in file order, from a given line on; never a torn last line
    or a line over the limit, whatever the block size."""
    monkeypatch.setattr(logreader, "MAX_LINE_BYTES", 30)
    data = b"".join(pieces)
    path = tmp_path / "log.jsonl"
    path.write_bytes(data)
    lines = data.splitlines(keepends=True)
    start = sum(len(line) for line in lines[:skip_lines])
    expected = [
        line
        for line in lines[skip_lines:]
        if line.endswith(b"\n") and (b"N" in line or b"M" in line) and len(line) <= 30
    ]
    found = logreader._lines_containing(path, (b"N", b"M"), block_size=block, start=start)
    assert list(found) == expected
