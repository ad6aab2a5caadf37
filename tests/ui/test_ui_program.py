"""A program's session in the app, end to end with the fake clock: the week line on the overview and the run
screen, the program fields of `session_start`, the summary saying what comes next, and `program --json`
after it; `run --resume` of a program session after the program was edited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PROGRAM_KEYS, circuit_text
from timer.cli import find_resume_point, load_any_plan, main
from timer.clock import FakeClock
from timer.errors import LogError
from timer.replog import SessionLog
from timer.ui.app import make_app
from timer.ui.screens.run import RunScreen
from timer.ui.screens.summary import SummaryScreen
from timer.ui.widgets.field import Field
from timer.ui.widgets.line import Line

from .uihelp import at, screen_text, started

SHORT = circuit_text("program-short")

PROGRAM = """
name = "Mini block"
[[phase]]
name = "Base"
weeks = 2
sessions = ["short.toml", "short.toml"]
load_add = [0, 5]
[[phase]]
name = "Conversion"
weeks = 1
sessions = ["short.toml"]
work_add = "10s"
deload = [1]
"""


@pytest.fixture
def program(write_toml) -> Path:
    write_toml(SHORT, "short.toml")
    return write_toml(PROGRAM, "mini.toml")


async def test_a_program_session_end_to_end(program: Path, tmp_path: Path, capsys) -> None:
    log = tmp_path / "log.jsonl"
    plan = load_any_plan(str(program), None, None, None, [str(log)])
    assert plan.program is not None and plan.program.session.number == 1
    clock = FakeClock()
    app = make_app(plan, clock=clock, voice=False, log_path=log, circuit_path=program.parent / "short.toml")
    async with started(app) as pilot:
        assert "Mini block · Week 1/3 · Base · Session 1/2" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        await at(pilot, clock, 6)
        assert isinstance(app.screen, RunScreen)
        # the week line ends the bold place line (the status line only says what just changed)
        assert app.screen.query_one("#place", Line).text.endswith(" · Week 1/3 · Base · Session 1/2")
        await pilot.press("space", "space")
        await at(pilot, clock, 80)
        assert isinstance(app.screen, SummaryScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (
            app.screen.query_one("#summary-next", Field).text
            == "Next: Week 1/3 · Base · Session 2/2 (short.toml)"
        )
    start = json.loads(log.read_text().splitlines()[0])
    assert start["type"] == "session_start"
    assert {k: start[k] for k in PROGRAM_KEYS} == {
        "program": "Mini block",
        "program_session": 1,
        "phase": "Base",
        "phase_index": 1,
        "week": 1,
        "week_in_phase": 1,
        "session_in_week": 1,
        "deload": False,
    }
    assert start["circuit"] == "Short" and start["circuit_path"].endswith("short.toml")
    capsys.readouterr()
    assert main(["program", str(program), "--log", str(log), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [s["status"] for s in out["sessions"]] == ["done", "next", "todo", "todo", "todo"]
    assert out["next"]["program_session"] == 2


def abort_session(log: Path, plan, circuit: Path) -> None:
    """An interrupted run of `plan`: the first set done, then quit."""
    from timer.replog.recorder import file_sha256

    session = SessionLog(log, clock_start=0.0)
    session.start(plan, now=0.0, circuit_path=circuit, circuit_sha256=file_sha256(circuit))
    first = next(p for p in plan.phases if p.is_work)
    session.set_ended(first, started_t=first.start_s, ended_t=first.end_s, reps=20, now=first.end_s)
    session.end("aborted", now=first.end_s + 1)


def test_resume_survives_an_edit_to_a_later_phase_but_not_to_todays_circuit(
    program: Path, tmp_path: Path
) -> None:
    log = tmp_path / "log.jsonl"
    circuit = program.parent / "short.toml"
    plan = load_any_plan(str(program), None, None, None, [str(log)])
    abort_session(log, plan, circuit)
    # the coach changes the conversion phase: today's session is still the same, and resumable
    program.write_text(PROGRAM.replace('work_add = "10s"', 'work_add = "20s"'))
    again = load_any_plan(str(program), None, None, None, [str(log)])
    assert again.program is not None and again.program.session.number == 1  # an abort is not done
    point = find_resume_point(again, circuit, log, None)
    assert len(point.done) == 1
    # editing today's circuit does break it, and says so
    circuit.write_text(SHORT.replace('work = "30s"\nrest', 'work = "40s"\nrest'))
    edited = load_any_plan(str(program), None, None, None, [str(log)])
    with pytest.raises(LogError, match=r"short\.toml was edited since the interrupted run of session 1"):
        find_resume_point(edited, circuit, log, None)


def test_resume_of_a_session_never_started_says_so(program: Path, tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    plan = load_any_plan(str(program), None, 2, 1, [str(log)])
    with pytest.raises(LogError, match=r"Nothing to resume: session 3 \(Week 2/3 · Base · Session 1/2\)"):
        find_resume_point(plan, program.parent / "short.toml", log, None)
