"""Issue 14, item 8: a stopped clock is a pause.

A process stopped (SIGSTOP, a frozen VM, a suspended laptop) and continued jumped the timer forward: the set
under way was logged long after it ended, taps pressed while stopped went to the next set, and the summary
said "No pauses". With stop detection on, a gap between polls longer than 2 s while running pauses the
session where the gap began (logged as `pause` with `reason: "stopped"` and the gap), until `p`.
"""

from __future__ import annotations

import json
from pathlib import Path

from timer.audio import RecordingPlayer
from timer.clock import FakeClock
from timer.plan import Plan
from timer.replog import SessionLog, read_log
from timer.replog.recorder import Recorder
from timer.runner import SessionRunner
from timer.session import STOP_GAP_S, Session, Stopped

START = 1000.0


def running(plan: Plan, clock: FakeClock, log: Path) -> SessionRunner:
    runner = SessionRunner(
        plan, clock, RecordingPlayer(), Recorder(SessionLog(log, clock_start=START)), stop_gap_s=STOP_GAP_S
    )
    runner.start(START)
    return runner


def every_second_until(runner: SessionRunner, clock: FakeClock, t: float) -> None:
    """Poll as the screen does while running (at least once a second) up to session time `t`."""
    while clock() < START + t:
        clock.advance(min(1.0, START + t - clock()))
        runner.poll(clock())


def records(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_a_stopped_process_pauses_where_it_stopped_and_logs_why(short_plan: Plan, tmp_path: Path) -> None:
    """short_plan: prepare 0-5, Squat 5-25, rest 25-35, Step-ups 35-55. Stopped at 20 s for 30 s."""
    log, clock = tmp_path / "log.jsonl", FakeClock(START)
    runner = running(short_plan, clock, log)
    every_second_until(runner, clock, 20)
    runner.add_rep()
    clock.advance(30)  # SIGSTOP ... SIGCONT: the squat's end (25 s) and the rest fall in the gap
    for _ in range(3):  # keys pressed while stopped arrive when the process runs again
        runner.add_rep()
    state = runner.poll(clock())
    assert state.status == "paused" and state.phase.exercise == "Squat"
    assert state.remaining == 5.0  # the set goes on from where it stopped
    # Keys that came in the gap count for no set: the session is paused (taps while paused are ignored),
    # and above all nothing goes to the Step-ups, where the clock would have been.
    assert runner.session.reps_for(1) == 1 and runner.session.reps_for(3) == 0
    assert not runner.session.completed_sets  # the squat did not end in the gap
    assert "the timer did not run for 0:30; p goes on" in runner.status_text(state)
    pause = next(r for r in records(log) if r["type"] == "pause")
    assert (pause["t"], pause["reason"], pause["gap_s"]) == (20.0, "stopped", 30.0)

    clock.advance(1)  # the athlete reads the screen, then presses p
    runner.toggle_pause()
    every_second_until(runner, clock, 60)
    [squat] = [r for r in records(log) if r["type"] == "set" and r["exercise"] == "Squat"]
    assert (squat["started_t"], squat["ended_t"], squat["reps"]) == (5.0, 56.0, 1)  # 31 s paused
    assert [(p.t, p.seconds, p.reason) for p in runner.session.pauses] == [(20.0, 31.0, "stopped")]
    assert [r["type"] for r in records(log)].count("resume") == 1
    [session] = read_log(log)[0]
    assert session.sets[(1, 1, 1, None)].reps == 1


def test_a_gap_while_paused_or_short_gaps_change_nothing(short_plan: Plan) -> None:
    session = Session(short_plan, stop_gap_s=STOP_GAP_S)
    session.start(0.0)
    assert not any(isinstance(e, Stopped) for e in session.state(1.9).events)
    assert session.state(3.8).status == "running"  # 1.9 s apart: a late poll, not a stop
    session.pause(4.0)
    assert session.state(60.0).status == "paused"  # a long pause is no stop
    session.resume(61.0)
    assert session.state(61.5).status == "running"
    assert [p.reason for p in session.pauses] == ["key"]


def test_without_stop_detection_a_jump_is_time_that_passed(short_plan: Plan) -> None:
    """Tests move a fake clock by minutes on purpose; the engine's default keeps that working."""
    session = Session(short_plan)
    session.start(0.0)
    assert session.state(60.0).status == "finished"


def test_the_app_detects_stops_with_the_real_clock_only(short_plan: Plan) -> None:
    from timer.ui.app import make_app

    plan = short_plan
    assert make_app(plan).ctx.stop_gap_s == STOP_GAP_S
    assert make_app(plan, clock=FakeClock()).ctx.stop_gap_s is None
    assert make_app(plan, clock=FakeClock(), detect_stops=True).ctx.stop_gap_s == STOP_GAP_S
