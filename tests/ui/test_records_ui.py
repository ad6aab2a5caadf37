"""Honest records on screen: corrections of any set on the summary, the session RPE, the summary after
quitting, Tab between a complex's parts in the rest, and taps while paused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CIRCUITS
from timer.audio import RecordingPlayer
from timer.clock import FakeClock
from timer.plan import load_plan
from timer.ui.app import CircuitApp, make_app
from timer.ui.screens.run import RunScreen
from timer.ui.screens.summary import SummaryScreen
from timer.ui.widgets.rep_entry import RepEntry

from .uihelp import at, in_session, press, screen_text, started


@pytest.fixture
def app(clock: FakeClock, tmp_path: Path) -> CircuitApp:
    plan = load_plan(str(CIRCUITS / "records.toml"))
    return make_app(plan, clock=clock, player=RecordingPlayer(), voice=False, log_path=tmp_path / "log.jsonl")


def records(tmp_path: Path, kind: str) -> list[dict[str, Any]]:
    lines = (tmp_path / "log.jsonl").read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if r["type"] == kind]


async def to_summary(pilot: Any, clock: FakeClock) -> SummaryScreen:
    await pilot.pause()
    await pilot.press("enter")
    await at(pilot, clock, 10)
    await pilot.press(*["space"] * 9)  # Squat: 9 reps; the complex: nothing tapped
    await at(pilot, clock, 100)
    screen = pilot.app.screen
    assert isinstance(screen, SummaryScreen)
    return screen


async def test_any_set_can_be_corrected_on_the_summary_even_the_last_part_of_a_complex(
    app: CircuitApp, clock: FakeClock, tmp_path: Path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        summary = await to_summary(pilot, clock)
        assert "1 set not counted" in screen_text(app) and "9 reps" in screen_text(app)
        await pilot.press("enter")  # no RPE: digits now correct sets
        await pilot.press("j", "j", "1", "4")  # row 3: Split squat, the last set of the session
        assert "14▏ Enter saves" in screen_text(app)
        await pilot.press("enter")
        await pilot.press("k", "8", "enter")  # row 2: Step-ups
        await pilot.press("up", "down", "down", "up", "backspace")  # moving drops nothing saved
        text = screen_text(app)
        assert "31 reps" in text and "volume 320 kg" in text and "not counted" not in text
        assert [line.reps for line in summary.tally.sets] == [9, 8, 14]
        await press(pilot, "q")
    updates = records(tmp_path, "set_update")
    assert [(u["station"], u["part"], u["reps"]) for u in updates] == [(2, 2, 14), (2, 1, 8)]
    assert records(tmp_path, "session_rpe") == []  # skipped: nothing invented


@pytest.mark.parametrize(("keys", "rpe"), [(["7"], 7), (["1", "0"], 10), (["1", "enter"], 1), (["0"], 0)])
async def test_the_session_rpe_takes_one_key_or_1_then_0(
    app: CircuitApp, clock: FakeClock, tmp_path: Path, keys: list[str], rpe: int
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        summary = await to_summary(pilot, clock)
        assert "How hard was this session? 0–10" in screen_text(app)
        await pilot.press(*keys)
        assert summary.rpe == rpe and not summary.asking_rpe
        minutes = summary.rpe_minutes
        assert minutes == 1.1  # 65 s, no pauses
        assert f"Session RPE {rpe} · load {round(rpe * minutes)}" in screen_text(app)
        await pilot.press("3", "enter")  # now digits correct the first set
        await press(pilot, "q")
    (logged,) = records(tmp_path, "session_rpe")
    assert (logged["rpe"], logged["minutes"], logged["load"]) == (rpe, 1.1, round(rpe * 1.1))
    assert records(tmp_path, "set_update")[-1]["reps"] == 3


async def test_quitting_shows_the_summary_of_what_was_done(
    app: CircuitApp, clock: FakeClock, tmp_path: Path
) -> None:
    async with in_session(app) as pilot:
        await at(pilot, clock, 10)
        await pilot.press("space", "space", "space")
        await at(pilot, clock, 30)  # Step-ups under way
        await press(pilot, "q", "y")
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        text = screen_text(app)
        assert "Step-ups" in text and "— cut short" in text and "1/2 sets done, 1 cut short" in text
        await pilot.press("enter", "j", "6", "enter")  # the set cut short can be corrected too
        await press(pilot, "q")
        assert not app.is_running
    (cut,) = [s for s in records(tmp_path, "set") if s["ended_by"] == "abort"]
    assert (cut["exercise"], cut["reps"], cut["counted"], cut["active_s"]) == ("Step-ups", None, False, 5.0)
    assert records(tmp_path, "set_update")[-1] | {"t": 0, "at": ""} == records(tmp_path, "set_update")[-1] | {
        "t": 0, "at": "", "station": 2, "part": 1, "reps": 6,
    }  # fmt: skip


async def test_ctrl_c_twice_still_leaves_at_once_with_everything_logged(
    app: CircuitApp, clock: FakeClock, tmp_path: Path
) -> None:
    async with in_session(app) as pilot:
        await at(pilot, clock, 10)
        await press(pilot, "space", "ctrl+c", "ctrl+c")
        assert not app.is_running
    (end,) = records(tmp_path, "session_end")
    assert end["status"] == "aborted" and records(tmp_path, "set")[-1]["reps"] == 1


async def test_tab_moves_the_rest_entry_between_the_parts_of_a_complex(
    clock: FakeClock, tmp_path: Path
) -> None:
    plan = load_plan(str(CIRCUITS / "complex-first.toml"))
    app = make_app(plan, clock=clock, player=RecordingPlayer(), voice=False, log_path=tmp_path / "log.jsonl")
    async with in_session(app) as pilot:
        await at(pilot, clock, 10)
        await pilot.press("space", "space")  # Step-ups: 2; Split squat: none
        await at(pilot, clock, 30)  # the rest after the complex
        screen = app.screen
        assert isinstance(screen, RunScreen)
        text = screen_text(app)
        assert "Split squat reps: not counted — type to enter" in text and "Tab: next part" in text
        await pilot.press("5", "tab")  # 5 split squats stand; on to the step-ups
        assert "Step-ups reps: 2" in screen_text(app)
        await pilot.press("3", "enter", "tab")
        assert screen.query_one(RepEntry).count == 5  # back to the split squats, as saved
        await at(pilot, clock, 100)
    updates = records(tmp_path, "set_update")
    assert [(u["part"], u["reps"]) for u in updates] == [(2, 5), (1, 3)]


async def test_a_tap_while_paused_is_ignored_and_the_screen_says_paused(
    app: CircuitApp, clock: FakeClock, tmp_path: Path
) -> None:
    async with started(app, (100, 30), notifications=True) as pilot:
        await pilot.press("enter")
        await at(pilot, clock, 10)
        await press(pilot, "space", "p", "space", "space")
        screen = app.screen
        assert isinstance(screen, RunScreen) and screen.last_state is not None
        assert screen.last_state.reps == 1
        assert any("Paused: taps are not counted" in str(n.message) for n in app._notifications)
        assert "PAUSED" in screen_text(app).upper()
    assert len(records(tmp_path, "rep")) == 1
