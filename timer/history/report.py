"""The history as text: the sessions table, reps per station as sparklines, and the previous session
for the summary's comparison. No Textual here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from timer.durations import format_duration
from timer.e1rm import convert
from timer.replog import LoggedSession, SetKey
from timer.text import clean_text, fit_width, text_width

TABLE_LIMIT = 20
SPARK_WIDTH = 20
SPARKS = "▁▂▃▄▅▆▇█"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def sessions_table(sessions: Sequence[LoggedSession], *, limit: int | None = TABLE_LIMIT) -> str:
    """The latest `limit` sessions (all if None), oldest at the top so the newest is next to the prompt."""
    shown = list(sessions[-limit:]) if limit else list(sessions)
    headers = ["Date", "Circuit", "Athlete", "Status", "Time", "Sets", "Reps", "Volume"]
    rows = [
        [
            _local(s.started_at),
            clean_text(s.circuit or "?"),
            clean_text(s.athlete or ""),
            s.status,
            format_duration(s.duration_s),
            f"{s.set_count}/{s.planned_sets}" if s.planned_sets else str(s.set_count),
            str(s.reps),
            _volume_text(s),
        ]
        for s in shown
    ]
    widths = [min(28, max(text_width(h), *(text_width(r[i]) for r in rows))) for i, h in enumerate(headers)]
    right = {4, 5, 6, 7}  # numbers line up on the right
    lines = []
    title = f"Sessions: {len(shown)}" + (
        f" latest of {len(sessions)} (--all shows every one)" if len(shown) < len(sessions) else ""
    )
    lines.append(title)
    for row in [headers, *rows]:
        cells = [fit_width(cell, widths[i], right=i in right) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _volume_text(s: LoggedSession) -> str:
    unit = s.unit or "kg"
    total = sum(convert(x.volume, x.unit or unit, unit) for x in s.sets.values())
    return f"{round(total):,} {unit}".replace(",", " ") if total else "-"


def _local(when: datetime | None) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when else "?"


# ---------------------------------------------------------------- trends


def trends(sessions: Sequence[LoggedSession], *, width: int = SPARK_WIDTH) -> str:
    """Per circuit and athlete: reps per station over completed sessions, as a sparkline and first → last."""
    groups: dict[tuple[str, str], list[LoggedSession]] = {}
    for s in sessions:
        if s.status == "completed":
            groups.setdefault((s.circuit or "?", s.athlete or ""), []).append(s)
    if not groups:
        return ""
    blocks = ["Reps per station in completed sessions (oldest → newest):"]
    for (circuit, athlete), runs in sorted(
        groups.items(), key=lambda g: g[1][-1].started_at or _EPOCH, reverse=True
    ):
        runs = runs[-width:]
        who = f" · {clean_text(athlete)}" if athlete else ""
        blocks.append(f"{clean_text(circuit)}{who} ({len(runs)} sessions)")
        names: dict[int, str] = {}
        for s in runs:
            for logged in s.sets.values():
                names[logged.station] = logged.station_name or logged.exercise or f"station {logged.station}"
        for station in sorted(names):
            values = [station_reps(s, station) for s in runs]
            counted = [v for v in values if v is not None]
            if not counted:
                trend = "no reps counted"
            elif len(counted) == 1:
                trend = f"{sparkline(values)}  {counted[0]}"
            else:
                change = counted[-1] - counted[0]
                trend = f"{sparkline(values)}  {counted[0]} → {counted[-1]} ({change:+d})"
            blocks.append(f"  {station:>2} {fit_width(clean_text(names[station]), 24)}  {trend}")
    return "\n".join(blocks)


def station_reps(session: LoggedSession, station: int) -> int | None:
    """Reps at `station` over every round and set of a session; None when none were counted there."""
    counted = [s.reps for s in session.sets.values() if s.station == station and s.reps is not None]
    return sum(counted) if counted else None


def sparkline(values: Sequence[float | None]) -> str:
    """`▁▃▅█`-style bars scaled between the lowest and highest value; `·` where there is no value."""
    numbers = [v for v in values if v is not None]
    if not numbers:
        return ""
    low, high = min(numbers), max(numbers)
    top = len(SPARKS) - 1
    out = []
    for v in values:
        if v is None:
            out.append("·")
        elif high == low:
            out.append(SPARKS[top // 2])
        else:
            out.append(SPARKS[round((v - low) / (high - low) * top)])
    return "".join(out)


# ---------------------------------------------------------------- comparing with last time


def previous_session(
    sessions: Sequence[LoggedSession], circuit: str, *, athlete: str | None = None, exclude: str | None = None
) -> dict[SetKey, int | None] | None:
    """Per-set reps of the latest completed session of `circuit` (not `exclude`, the current one).

    For the summary's "reps up/down"; `athlete` narrows a shared log. None when there is no such session.
    """
    for s in reversed(sessions):
        if s.id == exclude or s.status != "completed" or s.circuit != circuit:
            continue
        if athlete is not None and s.athlete != athlete:
            continue
        return s.reps_by_set()
    return None
