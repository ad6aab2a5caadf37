"""The history as text: the sessions table, reps per station as sparklines, and the previous session
for the summary's comparison. No Textual here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from timer.records import format_time, format_volume, round_volume
from timer.replog import LoggedSession, SetKey
from timer.text import clean_text, fit_width, table_lines

TABLE_LIMIT = 20
WEEKS_LIMIT = 12
"""Calendar weeks the weekly table shows without --all."""
SPARK_WIDTH = 20
SPARKS = "▁▂▃▄▅▆▇█"
NOT_COUNTED = "—"
"""A session where nothing was counted (at a station): never 0, never the target."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def sessions_table(
    sessions: Sequence[LoggedSession],
    *,
    limit: int | None = TABLE_LIMIT,
    unit: str | None = None,
    width: int | None = None,
) -> str:
    """The latest `limit` sessions (all if None), oldest at the top so the newest is next to the prompt.

    Sets are counted by `timer.records` (done/planned, and those cut short); volume is in `unit` (None:
    each session's own unit; `volume_unit` picks one for a mixed squad). With a `width` (the terminal's),
    the circuit and athlete names are cut with `…` so that every number column stays on the line.
    """
    shown = list(sessions[-limit:]) if limit else list(sessions)
    headers = ["Date", "Circuit", "Athlete", "Status", "Time", "Sets", "Cut short", "Reps", "Not counted",
               "Volume", "RPE", "sRPE"]  # fmt: skip
    rows = []
    for s in shown:
        result = s.result()
        shown_unit = unit or s.unit or "kg"
        volume = result.volume(shown_unit)
        rows.append(
            [
                _local(s.started_at),
                clean_text(s.circuit or "?"),
                clean_text(s.athlete or ""),
                s.status,
                format_time(s.duration_s),
                result.done_text(),
                str(result.cut_short) if result.cut_short else "",
                str(result.reps),
                str(result.not_counted) if result.not_counted else "",
                f"{format_volume(volume)} {shown_unit}" if volume else "-",
                "" if s.rpe is None else str(s.rpe),
                "" if s.rpe_load is None else format_volume(s.rpe_load),
            ]
        )
    lines = [
        f"Sessions: {len(shown)}"
        + (f" latest of {len(sessions)} (--all shows every one)" if len(shown) < len(sessions) else "")
    ]
    lines.extend(_table(headers, rows, first_number=4, names=(1, 2), width=width))
    return "\n".join(lines)


def _table(
    headers: list[str], rows: list[list[str]], *, first_number: int, names: tuple[int, ...], width: int | None
) -> list[str]:
    """Aligned lines: text columns on the left, numbers (from `first_number` on) on the right; no column
    wider than 28 cells, and the `names` columns cut further to fit `width`."""
    right = range(first_number, len(headers))
    return table_lines(headers, rows, right=right, shrink=names, width=width, cap=28)


def volume_unit(sessions: Sequence[LoggedSession], wanted: str | None = None) -> str | None:
    """The one unit to show volume in: `wanted` (`--units`), else kg when a squad mixes kg and lb, else
    None (each session in its own unit, which is then the same for all)."""
    if wanted:
        return wanted
    units = {s.unit for s in sessions if s.unit}
    return "kg" if len(units) > 1 else None


def weekly_table(
    sessions: Sequence[LoggedSession],
    *,
    unit: str | None = None,
    limit: int | None = WEEKS_LIMIT,
    width: int | None = None,
) -> str:
    """Per athlete and ISO week (Monday first, local time): sessions, sets done/planned, reps, volume and
    sRPE load (the sum of the sessions' RPE × minutes; sessions without an RPE are counted apart).

    Only the latest `limit` calendar weeks (all if None), like the sessions table: a coach plans from the
    last weeks, and years of a squad's logs would print thousands of rows (and count every set of them).
    """
    by_week: dict[tuple[str, date], list[LoggedSession]] = {}
    names: dict[str | None, str] = {}  # a squad has a few athletes and thousands of sessions
    for s in sessions:
        if s.started_at is None:
            continue
        local = s.started_at.astimezone()
        monday = (local - timedelta(days=local.weekday())).date()
        who = names.get(s.athlete)
        if who is None:
            who = names[s.athlete] = clean_text(s.athlete or "") or "-"
        by_week.setdefault((who, monday), []).append(s)
    mondays = sorted({monday for _, monday in by_week})
    kept = set(mondays[-limit:]) if limit else set(mondays)
    weeks_left_out = len(kept) < len(mondays)
    weeks = {(who, _week_label(monday)): runs for (who, monday), runs in by_week.items() if monday in kept}
    if not weeks:
        return ""
    headers = ["Athlete", "Week", "Sessions", "Sets", "Cut short", "Reps", "Volume", "sRPE", "No RPE"]
    rows: list[list[str]] = []
    for (athlete, week), runs in sorted(weeks.items()):
        shown_unit = unit or runs[-1].unit or "kg"
        counts = [s.counts(shown_unit) for s in runs]  # not `result()`: a squad's weeks have 5 000 sessions
        done = sum(c.done for c in counts)
        planned = sum(s.planned_sets or 0 for s in runs)
        cut = sum(c.cut_short for c in counts)
        loads = [s.rpe_load for s in runs if s.rpe_load is not None]
        volume = round_volume(sum(c.volume for c in counts))
        rows.append(
            [
                athlete,
                week,
                str(len(runs)),
                f"{done}/{planned}" if planned else str(done),
                str(cut) if cut else "",
                str(sum(c.reps for c in counts)),
                f"{format_volume(volume)} {shown_unit}" if volume else "-",
                format_volume(sum(loads)) if loads else "-",
                str(len(runs) - len(loads)) if len(loads) < len(runs) else "",
            ]
        )
    return "\n".join(
        [
            "Per week (sRPE = session RPE × minutes, Foster):"
            + (
                f" the latest {len(kept)} of {len(mondays)} weeks (--all shows every one)"
                if weeks_left_out
                else ""
            ),
            *_table(headers, rows, first_number=2, names=(0,), width=width),
        ]
    )


def _week_label(monday: date) -> str:
    """`2025-W10 (from 03 Mar)`: the ISO week and its Monday."""
    year, number, _ = monday.isocalendar()
    return f"{year}-W{number:02d} (from {monday:%d %b})"


def _local(when: datetime | None) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when else "?"


def plural(n: int, word: str, words: str | None = None) -> str:
    """`1 session`, `2 sessions` (`words` for an irregular plural)."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


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
        blocks.append(f"{clean_text(circuit)}{who} ({plural(len(runs), 'session')})")
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
    """`▁▃▅█`-style bars scaled between the lowest and highest value; `—` where nothing was counted."""
    numbers = [v for v in values if v is not None]
    if not numbers:
        return ""
    low, high = min(numbers), max(numbers)
    top = len(SPARKS) - 1
    out = []
    for v in values:
        if v is None:
            out.append(NOT_COUNTED)
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
