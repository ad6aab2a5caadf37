"""Issue 14, item 9: log records are written and fsynced on the log's own thread, so a slow or hung disk
never freezes the countdown, and nothing ended is lost.

The disk is `tests.conftest.HungDisk`: writes to the log wait on an event (at most 5 s) until the test lets
them through. The session runs on a fake clock; the test never sleeps.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from tests.conftest import HungDisk
from timer.audio import RecordingPlayer
from timer.clock import FakeClock
from timer.plan import Plan
from timer.replog import SessionLog, read_log
from timer.replog.recorder import Recorder, default_rescue_path, rescue_unsaved
from timer.runner import SessionRunner

WRITER = "circuit-timer log writer"
START = 1000.0
"""The fake clock's time at the session's start (FakeClock's default)."""


def writers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == WRITER]


def kinds(path: Path) -> list[str]:
    return [json.loads(line)["type"] for line in path.read_text(encoding="utf-8").splitlines()]


def session_on_a_hung_disk(
    plan: Plan, clock: FakeClock, log: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[SessionRunner, HungDisk]:
    """A session started on a disk that hangs on its very first write (the session's start record)."""
    disk = HungDisk(monkeypatch, log)
    runner = SessionRunner(plan, clock, RecordingPlayer(), Recorder(log_path=log))
    runner.start(clock())
    assert disk.waiting.wait(5)  # the writer thread is stuck in the first write
    return runner, disk


def run_the_first_set(runner: SessionRunner, clock: FakeClock) -> list[str]:
    """short.toml: 3 taps in the Squat set (5-25 s), then into the rest; what the countdown showed."""
    shown = []
    for t in (1, 2, 6, 7, 8, 9, 12, 20, 26, 30):
        clock.set(START + t)
        state = runner.poll(clock())
        shown.append(f"{state.phase.kind} {state.shown_remaining}")
        if t in (7, 8, 9):
            assert runner.add_rep()
    return shown


def test_a_hung_disk_never_holds_up_the_countdown_and_every_record_arrives_in_order(
    short_plan: Plan, clock: FakeClock, log_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner, disk = session_on_a_hung_disk(short_plan, clock, log_path, monkeypatch)
    shown = run_the_first_set(runner, clock)
    # Every poll and tap returned while the first write was still stuck: the countdown moved on.
    assert not disk.timed_out
    assert shown == [
        "prepare 4",
        "prepare 3",
        "work 19",
        "work 18",
        "work 17",
        "work 16",
        "work 13",
        "work 5",
        "rest 9",
        "rest 5",
    ]
    assert runner.last_state is not None
    # Nothing is called saved before its fsync, and a record waiting over a second is said.
    assert runner.recorder.problem is None and runner.recorder.waiting == 5  # start, 3 taps, the set
    assert runner.status_text(runner.last_state) == "saving the log…"
    assert log_path.read_bytes() == b""
    disk.answer()
    assert runner.recorder.flush()
    assert runner.status_text(runner.last_state) == ""
    assert kinds(log_path) == ["session_start", "rep", "rep", "rep", "set"]
    [session], problems = read_log(log_path)
    assert not problems and [s.reps for s in session.sets.values()] == [3]
    runner.stop()
    runner.recorder.close()
    assert kinds(log_path) == ["session_start", "rep", "rep", "rep", "set", "session_end"]
    assert not writers()  # one thread per session, joined at the end


def test_saving_is_said_only_after_a_second(
    short_plan: Plan, clock: FakeClock, log_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner, disk = session_on_a_hung_disk(short_plan, clock, log_path, monkeypatch)
    clock.set(START + 0.9)
    assert runner.status_text(runner.poll(clock())) == ""
    clock.set(START + 1.0)
    assert runner.status_text(runner.poll(clock())) == "saving the log…"
    disk.answer()
    runner.recorder.close()


def test_records_still_in_flight_at_exit_go_to_the_rescue_file(
    short_plan: Plan, clock: FakeClock, log_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk never answers in time: the exit waits (here 0.1 s), then everything not on disk goes to the
    rescue file, in order. When the disk answers later the records are in both files, read as one."""
    runner, disk = session_on_a_hung_disk(short_plan, clock, log_path, monkeypatch)
    run_the_first_set(runner, clock)
    runner.stop()  # q during the rest: the end record joins the queue
    note = rescue_unsaved(runner.recorder, timeout=0.1)
    rescue = default_rescue_path()
    assert note == (
        "The rep log's disk did not take the last records within 0.1 s; "
        f"this session's records were saved to {rescue}"
    )
    expected = ["session_start", "rep", "rep", "rep", "set", "session_end"]
    assert kinds(rescue) == expected
    [saved], problems = read_log(rescue)
    assert not problems and saved.status == "aborted" and saved.reps == 3
    assert runner.recorder.waiting == 0
    disk.answer()  # the stuck write finishes after all
    runner.recorder.close()
    assert not writers()
    [both], problems = read_log([log_path, rescue])
    assert not problems and both.status == "aborted" and both.reps == 3


def test_a_slow_disk_that_answers_before_the_exit_leaves_no_rescue_file(
    short_plan: Plan, clock: FakeClock, log_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner, disk = session_on_a_hung_disk(short_plan, clock, log_path, monkeypatch)
    run_the_first_set(runner, clock)
    runner.stop()
    disk.answer()  # the write under way goes through while the exit waits for it
    assert rescue_unsaved(runner.recorder) is None
    assert not default_rescue_path().exists()
    runner.recorder.close()
    assert kinds(log_path) == ["session_start", "rep", "rep", "rep", "set", "session_end"]


def test_a_record_made_after_the_close_is_written_on_the_callers_thread(
    short_plan: Plan, log_path: Path
) -> None:
    """A closed log's thread is gone: a late record (an RPE typed as the app closes) is not left waiting."""
    log = SessionLog(log_path, clock_start=0.0, background=True)
    log.start(short_plan, now=0.0)
    assert log.close() and not writers()
    assert log.session_rpe(10.0, 7, 1.0)
    assert kinds(log_path) == ["session_start", "session_rpe"]
