"""`circuit-timer history`: reads the logs, filters the sessions, and prints the table, the trends or a CSV.

Plain text (no Textual), so it works in a pipe and loads fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from timer.errors import LogError
from timer.history.csv_export import export_csv
from timer.history.report import TABLE_LIMIT, sessions_table, trends
from timer.replog import LoggedSession, default_log_path, read_log
from timer.text import clean_text, printable_path


def command(args: argparse.Namespace) -> int:
    """Run `history` with the CLI's parsed flags (log, circuit, athlete, all, csv); returns the exit code."""
    paths = [Path(p).expanduser() for p in (args.log or [])] or [default_log_path()]
    present = [p for p in paths if _exists(p)]
    missing = [p for p in paths if p not in present]
    if present and missing:
        for path in missing:
            print(f"note: {printable_path(path)} does not exist; reading the other logs", file=sys.stderr)
    try:
        sessions, problems = read_log(present)
    except LogError as error:
        print(error, file=sys.stderr)
        return 1
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if not sessions:
        print(f"No sessions logged yet in {', '.join(map(printable_path, paths))}")
        return 0
    chosen = filter_sessions(sessions, circuit=args.circuit, athlete=args.athlete)
    if not chosen:
        print(_nothing_matches(sessions, args.circuit, args.athlete))
        return 0
    if args.csv:
        try:
            rows = export_csv(chosen, args.csv)
        except LogError as error:
            print(error, file=sys.stderr)
            return 1
        if args.csv != "-":
            print(f"Wrote {rows} sets from {len(chosen)} sessions to {printable_path(args.csv)}")
        return 0
    print(sessions_table(chosen, limit=None if args.all else TABLE_LIMIT))
    trend_text = trends(chosen)
    if trend_text:
        print()
        print(trend_text)
    return 0


def _exists(path: Path) -> bool:
    """Whether the path names something; a name too long for the system (an OSError) does not exist
    either, and `read_log` explains any other trouble when it reads."""
    try:
        return path.exists()
    except OSError:
        return False


def filter_sessions(
    sessions: Iterable[LoggedSession], *, circuit: str | None = None, athlete: str | None = None
) -> list[LoggedSession]:
    """Sessions of `circuit` (its name, or its file name with or without `.toml`, any case) and `athlete`
    (any case); None keeps all."""
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


def _nothing_matches(sessions: list[LoggedSession], circuit: str | None, athlete: str | None) -> str:
    what = " and ".join(
        part
        for part in (f'circuit "{circuit}"' if circuit else "", f'athlete "{athlete}"' if athlete else "")
        if part
    )
    circuits = sorted({clean_text(s.circuit or "?") for s in sessions})
    athletes = sorted({clean_text(s.athlete) for s in sessions if s.athlete})
    lines = [f"No sessions of {what} in the log.", f"Circuits logged: {', '.join(circuits)}"]
    if athletes:
        lines.append(f"Athletes logged: {', '.join(athletes)}")
    return "\n".join(lines)
