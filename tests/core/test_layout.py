"""The run screen's rows at each terminal size: what gives way first (timer/layout.py, README "Small terminals")."""

from __future__ import annotations

import pytest

from timer.layout import layout_rows

ALWAYS = ("banner", "what", "load", "countdown")


@pytest.mark.parametrize(
    ("height", "hidden"),
    [
        (30, set()),
        (25, {"detail"}),  # 1. the detail line, below 26 rows
        (23, {"detail", "session-bar"}),  # 2. the session bar, below 24
        (17, {"detail", "session-bar", "phase-bar"}),  # 4. the phase bar, below 18
        (15, {"detail", "session-bar", "phase-bar", "next", "rep-count"}),  # 5., 6. below 16
        (12, {"detail", "session-bar", "phase-bar", "next", "rep-count"}),
    ],
)
def test_rows_give_way_in_the_documented_order(height: int, hidden: set[str]) -> None:
    rows = layout_rows(100, height)
    assert {name for name, n in rows.items() if n == 0} == hidden
    assert all(rows[name] > 0 for name in ALWAYS)  # the phase, the countdown, the exercise, the load


@pytest.mark.parametrize(("height", "big"), [(30, 3), (44, 3), (45, 6), (69, 6), (70, 9)])
def test_large_words_grow_with_the_terminal(height: int, big: int) -> None:
    rows = layout_rows(200, height)
    assert rows["banner"] == rows["what"] == rows["load"] == big


@pytest.mark.parametrize("height", [12, 13, 14, 20, 23, 24, 30, 44])
def test_the_rows_fill_the_terminal_and_the_digits_get_the_rest(height: int) -> None:
    rows = layout_rows(100, height)
    fixed = 4  # place line, reps row, status line, keys
    used = sum(n for name, n in rows.items() if name != "rep-count") + fixed
    assert used == height or rows["countdown"] == 3  # the digits never drop below 3 rows
    assert rows["banner"] == rows["what"] == (1 if height < 24 else 3)  # 3. one row each below 24
    assert rows["load"] == (1 if height < 14 else 3)  # 7. one bold row below 14
