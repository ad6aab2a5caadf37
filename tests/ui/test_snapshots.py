"""Snapshots of the screens people look at, at 100×30 (a laptop across the room), 60×20 and 200×60.

The clock is a frozen FakeClock, flashes are off, and the log is a stand-in with a fixed path, so every
run draws the same picture. Update with `pytest tests/ui/test_snapshots.py --snapshot-update` and look at
the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.conftest import circuit_text
from timer.audio import RecordingPlayer
from timer.clock import FakeClock
from timer.plan import load_plan
from timer.program import load_program
from timer.ui.app import CircuitApp, make_app

CIRCUIT = circuit_text("snapshots")

SIZES = [pytest.param((100, 30), id="100x30"), pytest.param((60, 20), id="60x20")]
RUN_SIZES = [*SIZES, pytest.param((200, 60), id="200x60")]
"""The run screen also at 200×60: a laptop screen where everything should grow."""


class FixedLog:
    """A log stand-in that takes every record and lives at a path that does not change between runs."""

    path = Path("/home/athlete/.local/share/circuit-timer/log.jsonl")
    failed = False

    def __getattr__(self, name: str) -> Callable[..., bool]:
        return lambda *args, **kwargs: True


@pytest.fixture
def make(write_toml) -> Callable[..., tuple[CircuitApp, FakeClock]]:
    def build(circuit: str = CIRCUIT, **options: Any) -> tuple[CircuitApp, FakeClock]:
        clock = FakeClock()
        plan = load_plan(str(write_toml(circuit)), None)
        app = make_app(
            plan, clock=clock, player=RecordingPlayer(), log=FixedLog(), voice=False, flash_s=0, **options
        )
        return app, clock

    return build


def steps(clock: FakeClock, *script: Any) -> Callable[[Pilot], Awaitable[None]]:
    """A run_before that plays `script`: numbers move the clock, strings are key presses."""

    async def run(pilot: Pilot) -> None:
        assert isinstance(pilot.app, CircuitApp)
        await pilot.pause()
        for item in script:
            if isinstance(item, (int, float)):
                clock.advance(item)
                pilot.app.sync()
            else:
                await pilot.press(item)
            await pilot.pause()

    return run


@pytest.mark.parametrize("size", SIZES)
def test_overview(snap_compare, make, size) -> None:
    app, clock = make()
    assert snap_compare(app, terminal_size=size, run_before=steps(clock))


WORK = ["enter", 83.5, *["space"] * 14]
"""10 s get ready, then 1:13.5 into the first set, 14 reps tapped."""
REST = ["enter", 20, *["space"] * 30, 112.5, "3", "8"]
"""Into the rest after the first set, typing 38 as its reps."""


@pytest.mark.parametrize("size", RUN_SIZES)
def test_work(snap_compare, make, size) -> None:
    app, clock = make()
    assert snap_compare(app, terminal_size=size, run_before=steps(clock, *WORK))


@pytest.mark.parametrize("size", RUN_SIZES)
def test_rest_with_rep_entry(snap_compare, make, size) -> None:
    app, clock = make()
    assert snap_compare(app, terminal_size=size, run_before=steps(clock, *REST))


@pytest.mark.parametrize("size", RUN_SIZES)
def test_last_three_seconds(snap_compare, make, size) -> None:
    app, clock = make()
    script = ["enter", 127.5, *["space"] * 9]  # 2.5 s left of the first set: the alert look
    assert snap_compare(app, terminal_size=size, run_before=steps(clock, *script))


@pytest.mark.parametrize("size", RUN_SIZES)
def test_paused(snap_compare, make, size) -> None:
    app, clock = make()
    script = ["enter", 200.5, "space", "p", 42]  # paused 10.5 s into Step-ups, for 42 s
    assert snap_compare(app, terminal_size=size, run_before=steps(clock, *script))


@pytest.mark.parametrize("size", RUN_SIZES)
def test_quit_prompt(snap_compare, make, size) -> None:
    app, clock = make()
    assert snap_compare(app, terminal_size=size, run_before=steps(clock, *WORK, "q"))


@pytest.mark.parametrize("size", RUN_SIZES)
def test_help(snap_compare, make, size) -> None:
    app, clock = make()
    assert snap_compare(app, terminal_size=size, run_before=steps(clock, *WORK, "question_mark"))


class TestWithoutTruecolour:
    """Work and rest as a 16-colour terminal and NO_COLOR show them (timer/palette.py)."""

    @pytest.mark.parametrize("script", [WORK, REST], ids=["work", "rest"])
    def test_sixteen_colours(self, snap_compare, make, script) -> None:
        app, clock = make(colours="16")
        assert snap_compare(app, terminal_size=(100, 30), run_before=steps(clock, *script))

    @pytest.mark.parametrize("script", [WORK, REST], ids=["work", "rest"])
    def test_no_color(self, snap_compare, make, script, monkeypatch) -> None:
        monkeypatch.setenv("NO_COLOR", "1")  # Textual reads it when the app is made
        app, clock = make(colours="none")
        assert snap_compare(app, terminal_size=(100, 30), run_before=steps(clock, *script))


@pytest.mark.parametrize("size", SIZES)
def test_summary(snap_compare, make, size) -> None:
    app, clock = make()
    # 30 taps, corrected to 32 in the rest; a 30 s pause; the Step-ups part skipped; the rest left to run
    script = ["enter", 20, *["space"] * 30, 111, "3", "2", "enter", "p", 30, "p", 60, "n", *[120] * 7]
    assert snap_compare(app, terminal_size=size, run_before=steps(clock, *script))


LONG_NAMES = circuit_text("long-names")
"""A 60-character name, 深蹲 and 🏃 (two cells each) and a Hebrew name: the tables cut names, not numbers."""


@pytest.mark.parametrize("size", SIZES)
def test_overview_with_long_and_wide_names(snap_compare, make, size) -> None:
    app, clock = make(LONG_NAMES)
    assert snap_compare(app, terminal_size=size, run_before=steps(clock))


@pytest.mark.parametrize("size", SIZES)
def test_summary_with_long_and_wide_names(snap_compare, make, size) -> None:
    app, clock = make(LONG_NAMES)
    # 12 reps tapped in the first set, the rest left to run out; the RPE question still open
    script = ["enter", 20, *["space"] * 12, *[120] * 9]
    assert snap_compare(app, terminal_size=size, run_before=steps(clock, *script))


def test_overview_marks_a_load_from_the_circuits_e1rm(snap_compare, write_toml) -> None:
    """Ann lifts in pounds and her profile lacks the quarter squat: its load comes from the circuit's e1RM
    and says so; the vest on the split squat is shown as written, with pounds in brackets."""
    clock = FakeClock()
    circuit = write_toml(CIRCUIT.replace('load = "bw"', 'load = "bw + 10 kg"'))
    profile = write_toml('name = "Ann"\nunits = "lb"\n[e1rm]\nsplit_squat = 90\n', "ann.toml")
    plan = load_plan(str(circuit), str(profile))
    assert plan.phases[1].load_text() == "80 lb · 30% e1RM (circuit's e1RM)"
    app = make_app(plan, clock=clock, player=RecordingPlayer(), log=FixedLog(), voice=False, flash_s=0)
    assert snap_compare(app, terminal_size=(100, 30), run_before=steps(clock))


PROGRAM = """
name = "Snapshot block"
[[phase]]
name = "Anatomical adaptation"
weeks = 2
sessions = ["circuit.toml"]
[[phase]]
name = "Conversion"
weeks = 4
sessions = ["circuit.toml", "circuit.toml"]
load_add = 2.5
deload = [4]
"""


@pytest.mark.parametrize("size", SIZES)
def test_program_week_line(snap_compare, write_toml, size) -> None:
    """A program's session: the week line on the run screen (the end of the place line), in a deload week."""
    write_toml(CIRCUIT)
    loaded = load_program(write_toml(PROGRAM, "block.toml"))
    clock = FakeClock()
    plan = loaded.plan(loaded.session(6, 2))
    app = make_app(plan, clock=clock, player=RecordingPlayer(), log=FixedLog(), voice=False, flash_s=0)
    assert snap_compare(app, terminal_size=size, run_before=steps(clock, "enter", 83.5))
