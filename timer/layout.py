"""How the run screen shares its rows out at a terminal size, and what gives way first on a small one.

Plain arithmetic, no Textual: the run screen (`timer.ui.screens.run`) applies it, the README documents the
order, and tests/ui check the screens it makes.
"""

from __future__ import annotations

COMPACT_HEIGHT = 24
"""Below this many rows the banner and the exercise are one row each (and the digits lose their top pad)."""


def layout_rows(width: int, height: int) -> dict[str, int]:
    """The rows each part of the run screen gets at a terminal size (0: hidden); the digits get the rest.

    Always shown: the phase word, the countdown, the exercise, the load (never cut: the name is cut
    first), the place line (set, round, time left), the reps row, the status line and the keys. What gives
    way as the terminal shrinks, first to last — the order the README documents:
    1. the detail line (% e1RM, cadence, target, the coach's cues) below 26 rows;
    2. the session bar (its time left stays in the place line) below 24 rows;
    3. the large phase word and the large exercise become one row each, below 24 rows;
    4. the phase bar below 18 rows;
    5. the "Next:" line below 16 rows;
    6. the large rep count (the reps row then says the count) below 16 rows;
    7. the large load becomes one bold row below 14 rows.
    Large words grow with the terminal: 3 rows each up to 44 rows, then 6 (5 and a blank) up to 69, then 9.
    """
    del width  # the widgets fit their own width (large letters fall back to a plain line)
    big = 3 if height < 45 else 6 if height < 70 else 9
    rows = {
        "banner": big if height >= COMPACT_HEIGHT else 1,
        "what": big if height >= COMPACT_HEIGHT else 1,
        "load": big if height >= 14 else 1,
        "rep-count": 1 if height >= 16 else 0,
        "detail": 1 if height >= 26 else 0,
        "next": 1 if height >= 16 else 0,
        "phase-bar": 1 if height >= 18 else 0,
        "session-bar": 1 if height >= COMPACT_HEIGHT else 0,
    }
    fixed = 4  # place line, reps row, status line, keys
    rows["countdown"] = max(height - fixed - sum(v for k, v in rows.items() if k != "rep-count"), 3)
    return rows
