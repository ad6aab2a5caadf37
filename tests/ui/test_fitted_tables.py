"""The overview's and the summary's tables fit the terminal: long names are cut with `…`, every number
column stays in view, wide characters count two cells and right-to-left names keep their logical order."""

from __future__ import annotations

import pytest

from tests.conftest import CIRCUITS
from timer.audio import RecordingPlayer
from timer.clock import FakeClock
from timer.plan import load_plan
from timer.replog import set_key
from timer.text import text_width
from timer.ui.app import CircuitApp, make_app
from timer.ui.screens.summary import SummaryScreen
from timer.ui.widgets.fitted_table import FittedTable

from .uihelp import at, press, screen_text, started

LONG = "Rear-foot-elevated Bulgarian split squat, 2 s pause at depth"
HEBREW = "סקוואט בולגרי עם הפסקה בתחתית התנועה"
SIZES = [pytest.param((100, 30), id="100x30"), pytest.param((60, 20), id="60x20")]


def make(clock: FakeClock) -> CircuitApp:
    plan = load_plan(str(CIRCUITS / "long-names.toml"), None)
    return make_app(plan, clock=clock, player=RecordingPlayer(), log=None, voice=False, flash_s=0)


def table_rows(app: CircuitApp) -> list[str]:
    """The table's lines as drawn on the screen (wide characters once, as the text they are)."""
    table = app.screen.query_one(FittedTable)
    lines = screen_text(app).splitlines()
    top = table.region.y
    return lines[top : top + table.region.height]


def fits(table: FittedTable) -> bool:
    """Every column within the table's width: nothing scrolled out of view to the right."""
    return table.virtual_size.width <= table.scrollable_content_region.width


@pytest.mark.parametrize("size", SIZES)
async def test_overview_keeps_load_work_rest_and_sets_with_a_60_character_name(size, clock) -> None:
    async with started(make(clock), size) as pilot:
        table = pilot.app.screen.query_one(FittedTable)
        assert fits(table)
        rows = table_rows(pilot.app)
        assert rows[0].split()[-4:] == ["Load", "Work", "Rest", "Sets"]
        first = next(row for row in rows if "Rear-foot" in row)
        assert "…" in first and first.split()[-8:] == ["35", "kg", "·", "30%", "e1RM", "2:00", "1:00", "1"]
        if size == (100, 30):
            assert next(row for row in rows if "Goblet" in row).split()[-3:] == ["16", "kg", "0:45"]


@pytest.mark.parametrize("size", SIZES)
async def test_summary_keeps_load_reps_and_time_also_when_the_comparison_widens_reps(size, clock) -> None:
    async with started(make(clock), size) as pilot:
        await press(pilot, "enter")
        await at(pilot, clock, 20)
        await press(pilot, *["space"] * 12)
        for _ in range(9):
            await at(pilot, clock, 120)
        screen = pilot.app.screen
        assert isinstance(screen, SummaryScreen)
        table = screen.query_one(FittedTable)
        assert fits(table)
        first = next(row for row in table_rows(pilot.app) if "R1 S1 #1 " in row)
        assert ("…" in first) == (size == (60, 20)) and first.split()[-4:] == ["35", "kg", "12", "2:00"]
        # Last time's reps arrive: `12 (+2)` widens the reps column, and the names give up the cells.
        screen.show_comparison({set_key(line.phase): 10 for line in screen.tally.sets})
        # Its line makes the body scroll: a scrollbar narrows the table, whose resize cuts the names again.
        await pilot.pause()
        await pilot.pause()
        assert fits(table)
        first = next(row for row in table_rows(pilot.app) if "R1 S1 #1 " in row)
        assert first.split()[-5:] == ["35", "kg", "12", "(+2)", "2:00"]


@pytest.mark.parametrize("size", SIZES)
async def test_names_are_measured_in_cells_and_kept_in_logical_order(size, clock) -> None:
    async with started(make(clock), size) as pilot:
        table = pilot.app.screen.query_one(FittedTable)
        width = table.columns[table.name_column].content_width
        shown = [str(row[1]) for row in (table.get_row_at(i) for i in range(table.row_count))]
        assert all(text_width(name) <= width for name in shown)
        goblet, hebrew = shown[2:4]  # the complex's two parts, under its own row
        if size == (100, 30):  # room for all of it: nothing cut, nothing reversed
            assert goblet.endswith("深蹲 🏃 Goblet squat to a box, slow down") and hebrew.endswith(HEBREW)
        else:  # cut at the logical end, by cells (深蹲 and 🏃 are two each)
            for name, full in ((goblet, "深蹲 🏃 Goblet squat to a box, slow down"), (hebrew, HEBREW)):
                kept = name.removeprefix("  └ ").removesuffix("…")
                assert name.endswith("…") and full.startswith(kept) and text_width(name) == width
