"""`run --resume`: the plan left to do, the overview's notice, the same session id in the log, the CLI's
refusal when there is nothing to resume, and kill -9 of the real command followed by `--resume`."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.conftest import circuit_text
from tests.e2e.test_signals import PtyRun, of_type, read_records, wait_until
from tests.ui.uihelp import in_session, started
from timer.cli import main
from timer.clock import FakeClock
from timer.plan import load_plan
from timer.replog import find_resumable, read_log
from timer.replog.recorder import file_sha256
from timer.replog.resume import prepare_resume
from timer.ui.app import CircuitApp, make_app
from timer.ui.screens.overview import OverviewScreen
from timer.ui.screens.run import RunScreen
from timer.ui.screens.summary import SummaryScreen

# phases: 0 prepare 0-5 · 1 Squat 5-25 · 2 rest 25-35 · 3 Complex p1 35-45 · 4 p2 45-55 · 5 rest 55-65
#         6 Lunge 65-85
THREE = circuit_text("resume")


@pytest.fixture
def circuit(write_toml) -> Path:
    return write_toml(THREE)


@pytest.fixture
def plan(circuit: Path):
    return load_plan(str(circuit), None)


def first_run(plan, circuit: Path, log: Path, clock: FakeClock) -> CircuitApp:
    return make_app(plan, clock=clock, voice=False, log_path=log, circuit_path=circuit)


async def quit_in_complex_part_two(app: CircuitApp, clock: FakeClock) -> None:
    """Squat done with 3 reps, complex part 1 done, quit during part 2 with 1 rep."""
    async with in_session(app) as pilot:
        for at, taps in ((6, 3), (40, 2), (47, 1)):
            clock.set(1000 + at)
            app.sync()
            await pilot.pause()
            await pilot.press(*["space"] * taps)
        await pilot.press("q", "y")
        await pilot.pause()


# --- the plan left to do ----------------------------------------------------------------------------------


async def test_prepare_resume_keeps_get_ready_and_restarts_a_complex(plan, circuit, tmp_path) -> None:
    log = tmp_path / "log.jsonl"
    clock = FakeClock()
    await quit_in_complex_part_two(first_run(plan, circuit, log, clock), clock)
    point = find_resumable(log, sha256=file_sha256(circuit))
    assert point is not None
    resume = prepare_resume(point, plan)
    assert resume is not None
    kinds = [(p.kind, p.exercise) for p in resume.plan.phases]
    assert kinds == [
        ("prepare", None),
        ("work", "Step-ups"),  # part 1 again: a complex is done as a whole
        ("work", "Split squat"),
        ("rest", None),
        ("work", "Lunge"),
    ]
    assert [p.index for p in resume.plan.phases] == list(range(5))
    assert resume.plan.phases[1].start_s == 5 and resume.plan.total_s == 5 + 20 + 10 + 20
    assert resume.origin == (0, 3, 4, 5, 6)
    assert resume.earlier == (1, 3)  # the squat set and its reps
    assert resume.text.startswith("Resuming the session") and '"Complex"' in resume.text


def test_nothing_left_gives_none(plan) -> None:
    from timer.replog import ResumePoint, set_key

    every = frozenset(set_key(p) for p in plan.phases if p.is_work)
    point = ResumePoint("s", plan.name, None, None, None, "aborted", 80.0, every, {})
    assert prepare_resume(point, plan) is None


# --- through the app --------------------------------------------------------------------------------------


async def test_resume_shows_where_and_continues_the_same_session(plan, circuit, tmp_path) -> None:
    log = tmp_path / "log.jsonl"
    clock = FakeClock()
    await quit_in_complex_part_two(first_run(plan, circuit, log, clock), clock)
    first_id = read_records(log)[0]["session"]

    point = find_resumable(log, sha256=file_sha256(circuit))
    clock = FakeClock(5000.0)
    app = make_app(plan, clock=clock, voice=False, log_path=log, circuit_path=circuit, resume=point)
    async with started(app) as pilot:
        assert isinstance(app.screen, OverviewScreen)
        text = "\n".join(s.text for s in app.screen._compositor.render_strips())
        assert "Resuming the session" in text and "1 of 3 sets done" in text
        assert "Enter to resume" in text
        await pilot.press("enter")
        await pilot.pause()
        run = app.screen
        assert isinstance(run, RunScreen)
        assert run.last_state.phase.kind == "prepare"
        clock.advance(6)
        app.sync()
        await pilot.pause()
        assert run.last_state.phase.exercise == "Step-ups"
        await pilot.press("space", "space", "n")  # part 1 with 2 reps, skipped to part 2
        clock.advance(60)
        app.sync()
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Resumed: 1 set and 3 reps before the break" in "\n".join(
            s.text for s in app.screen._compositor.render_strips()
        )

    records = read_records(log)
    assert {r["session"] for r in records} == {first_id}
    [resumed] = of_type(records, "session_resume")
    assert (resumed["from_round"], resumed["from_station"], resumed["from_set"], resumed["from_part"]) == (
        1, 2, 1, 1,
    )  # fmt: skip
    [skip] = of_type(records, "skip")
    assert (skip["phase"], skip["to_phase"]) == (3, 4)  # indexes of the full timeline
    assert resumed["t"] >= 47.0 and skip["t"] > resumed["t"]  # the session clock goes on
    sessions, problems = read_log(log)
    assert not problems
    [session] = sessions
    assert session.status == "completed"
    assert [(k, s.ended_by) for k, s in session.sets.items()] == [
        ((1, 1, 1, None), "time"),
        ((1, 2, 1, 1), "skip"),
        ((1, 2, 1, 2), "time"),
        ((1, 3, 1, None), "time"),
    ]
    assert session.sets[(1, 1, 1, None)].reps == 3 and session.sets[(1, 2, 1, 1)].reps == 2


# --- the command line: nothing to resume -----------------------------------------------------------------


def test_resume_with_nothing_logged_exits_1_before_the_ui(circuit, tmp_path, capsys) -> None:
    code = main(["run", str(circuit), "--log", str(tmp_path / "log.jsonl"), "--resume"])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("Nothing to resume:") and '"Resume test"' in err and "without --resume" in err


async def test_resume_after_a_completed_session_exits_1(plan, circuit, tmp_path, capsys) -> None:
    log = tmp_path / "log.jsonl"
    clock = FakeClock()
    app = first_run(plan, circuit, log, clock)
    async with in_session(app) as pilot:
        clock.advance(100)
        app.sync()
        await pilot.pause()
    assert read_records(log)[-1]["status"] == "completed"
    assert main(["run", str(circuit), "--log", str(log), "--resume"]) == 1
    assert "was completed" in capsys.readouterr().err


async def test_resume_of_an_edited_file_says_why(plan, circuit, tmp_path, capsys) -> None:
    log = tmp_path / "log.jsonl"
    clock = FakeClock()
    await quit_in_complex_part_two(first_run(plan, circuit, log, clock), clock)
    circuit.write_text(THREE.replace('work = "20s"', 'work = "25s"', 1), encoding="utf-8")
    assert main(["run", str(circuit), "--log", str(log), "--resume"]) == 1
    assert "the file has changed since" in capsys.readouterr().err


# --- kill -9 of the real command, then --resume -----------------------------------------------------------

QUICK = circuit_text("resume-quick")


def test_kill_9_mid_set_then_resume(tmp_path: Path) -> None:
    circuit = tmp_path / "kill.toml"
    circuit.write_text(QUICK, encoding="utf-8")
    log = tmp_path / "log.jsonl"
    args = ["run", str(circuit), "--log", str(log), "--mute", "--no-voice"]

    first = PtyRun(args, tmp_path, log)
    try:
        first.start_session()
        wait_until(lambda: of_type(first.records(), "set"), "the first set to end")
        first.tap_into_work(2)  # taps in the second set, which has not ended
        first.proc.send_signal(signal.SIGKILL)
        first.wait_exit()
    finally:
        first.kill()
    before = read_records(log)
    assert [s["exercise"] for s in of_type(before, "set")] == ["Wall sit"]
    assert not of_type(before, "session_end")  # killed: no end record

    second = PtyRun([*args, "--resume"], tmp_path, log)
    try:
        wait_until(lambda: b"Resuming the session" in second.output, "the resume notice on the overview")
        assert b"station 2" in second.output
        second.start_session()
        taps = second.tap_into_work(3)
        second.send(b"n")  # skip the rest of Calf raises
        wait_until(lambda: of_type(second.records(), "session_end"), "the session to finish")
        wait_until(lambda: b"Summary" in second.output, "the summary on screen")
        second.send(b"q")  # at the summary q quits at once
        assert second.wait_exit() == 0
    finally:
        second.kill()

    records = read_records(log)
    assert {r["session"] for r in records} == {before[0]["session"]}
    assert records[-1]["status"] == "completed"
    sessions, _ = read_log(log)
    [session] = sessions
    assert [(s.exercise, s.ended_by, s.reps) for s in session.sets.values()] == [
        ("Wall sit", "time", None),
        ("Calf raises", "skip", taps),
        ("Plank", "time", None),
    ]
