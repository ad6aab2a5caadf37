"""`circuit-timer history`: reads the logs, filters the sessions, and prints the table, the trends or a CSV.

Plain text (no Textual), so it works in a pipe and loads fast.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from timer.errors import LogError
from timer.history.csv_export import export_csv
from timer.history.report import (
    TABLE_LIMIT,
    WEEKS_LIMIT,
    plural,
    sessions_table,
    trends,
    volume_unit,
    weekly_table,
)
from timer.replog import LoggedSession, default_log_path, read_log
from timer.terminal import output_width
from timer.text import clean_text, printable_path


def command(args: argparse.Namespace) -> int:
    """Run `history` with the CLI's parsed flags; returns the exit code.

    Flags: log, circuit, athlete, since, until (dates), all, units, csv (with format, excel), fit.
    """
    paths = [Path(p).expanduser() for p in (args.log or [])] or [default_log_path()]
    since, until = getattr(args, "since", None), getattr(args, "until", None)
    if since and until and since > until:
        print(f"--since {since} is after --until {until}: no day is in between.", file=sys.stderr)
        return 2
    present = [p for p in paths if _exists(p)]
    missing = [p for p in paths if p not in present]
    if present and missing:
        for path in missing:
            print(f"note: {printable_path(path)} does not exist; reading the other logs", file=sys.stderr)
    try:
        sessions, problems = read_log(present)
        # What was read lives until the command ends and holds no cycles: moved out of the cyclic GC's
        # sight, the tables' counting is not slowed by collections rescanning it (0.9 -> 0.7 s, a squad).
        gc.freeze()
    except LogError as error:
        print(error, file=sys.stderr)
        return 1
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if not sessions:
        print(f"No sessions logged yet in {', '.join(map(printable_path, paths))}")
        return 0
    chosen = filter_sessions(sessions, circuit=args.circuit, athlete=args.athlete, since=since, until=until)
    if not chosen:
        print(_nothing_matches(sessions, args.circuit, args.athlete, since, until))
        return 0
    unit = volume_unit(chosen, getattr(args, "units", None))
    if getattr(args, "fit", None):
        return _fit(chosen, args.fit)
    if args.csv:
        fmt = getattr(args, "format", "ours") or "ours"
        try:
            rows = export_csv(chosen, args.csv, fmt=fmt, excel=getattr(args, "excel", False), unit=unit)
        except LogError as error:
            print(error, file=sys.stderr)
            return 1
        if args.csv != "-":
            where = printable_path(args.csv)
            print(f"Wrote {plural(rows, 'set')} from {plural(len(chosen), 'session')} to {where}")
        return 0
    width = output_width()
    print(sessions_table(chosen, limit=None if args.all else TABLE_LIMIT, unit=unit, width=width))
    week_text = weekly_table(chosen, unit=unit, limit=None if args.all else WEEKS_LIMIT, width=width)
    if week_text:
        print()
        print(week_text)
    trend_text = trends(chosen)
    if trend_text:
        print()
        print(trend_text)
    return 0


def _fit(sessions: list[LoggedSession], folder: str) -> int:
    from timer.history.fit_export import export_fit

    try:
        written, left_out = export_fit(sessions, folder)
    except LogError as error:
        print(error, file=sys.stderr)
        return 1
    note = f" ({plural(left_out, 'session')} not completed, left out)" if left_out else ""
    print(f"Wrote {plural(len(written), 'FIT activity', 'FIT activities')} to {printable_path(folder)}{note}")
    return 0


def _exists(path: Path) -> bool:
    """Whether the path names something; a name too long for the system (an OSError) does not exist
    either, and `read_log` explains any other trouble when it reads."""
    try:
        return path.exists()
    except OSError:
        return False


def filter_sessions(
    sessions: Iterable[LoggedSession],
    *,
    circuit: str | None = None,
    athlete: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[LoggedSession]:
    """Sessions of `circuit` (its name, or its file name with or without `.toml`, any case) and `athlete`
    (any case) that started on a local day from `since` to `until` (both included); None keeps all. A
    session without a start time is left out by any date filter (its day is unknown)."""
    out = []
    for s in sessions:
        if (
            circuit
            and not _same(circuit, s.circuit)
            and not _same(_file_stem(circuit) or circuit, _file_stem(s.circuit_path))
        ):
            continue
        if athlete and not _same(athlete, s.athlete):
            continue
        if since or until:
            day = s.started_at.astimezone().date() if s.started_at else None
            if day is None or (since and day < since) or (until and day > until):
                continue
        out.append(s)
    return out


def _same(wanted: str, value: str | None) -> bool:
    return value is not None and wanted.strip().casefold() == value.strip().casefold()


def _file_stem(path: str | None) -> str | None:
    """`week1` for `week1`, `week1.toml` or `circuits/week1.toml`: the file name as a coach types it."""
    if not path:
        return None
    name = Path(path).name
    return name[: -len(".toml")] if name.lower().endswith(".toml") else name


def _nothing_matches(
    sessions: list[LoggedSession],
    circuit: str | None,
    athlete: str | None,
    since: date | None = None,
    until: date | None = None,
) -> str:
    days = f"from {since or 'the start'} to {until or 'today'}" if since or until else ""
    what = " and ".join(
        part
        for part in (
            f'circuit "{circuit}"' if circuit else "",
            f'athlete "{athlete}"' if athlete else "",
            days,
        )
        if part
    )
    circuits = sorted({clean_text(s.circuit or "?") for s in sessions})
    athletes = sorted({clean_text(s.athlete) for s in sessions if s.athlete})
    lines = [f"No sessions of {what} in the log.", f"Circuits logged: {', '.join(circuits)}"]
    if athletes:
        lines.append(f"Athletes logged: {', '.join(athletes)}")
    return "\n".join(lines)
