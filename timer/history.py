"""`circuit-timer history`: the sessions table, reps trends per station, and the CSV export.

Reads logs with `timer.replog.read_log`; prints plain text (no Textual), so it works in a pipe and loads fast.
"""

from __future__ import annotations

import argparse
import csv
import os
import stat
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from timer.durations import format_duration
from timer.e1rm import convert
from timer.errors import LogError
from timer.logreader import control_character, printable_path
from timer.replog import LoggedSession, SetKey, default_log_path, read_log

TABLE_LIMIT = 20
SPARK_WIDTH = 20
SPARKS = "▁▂▃▄▅▆▇█"
CSV_COLUMNS = (
    "date", "session", "circuit", "athlete", "round", "station", "set", "part", "exercise",
    "load", "unit", "pct_e1rm", "target_s", "actual_s", "reps", "target_reps",
)  # fmt: skip
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------- the command


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
    """Sessions of `circuit` (its name or file name, any case) and `athlete` (any case); None keeps all."""
    out = []
    for s in sessions:
        if circuit and not _same(circuit, s.circuit) and not _same(circuit, _file_stem(s.circuit_path)):
            continue
        if athlete and not _same(athlete, s.athlete):
            continue
        out.append(s)
    return out


def _same(wanted: str, value: str | None) -> bool:
    return value is not None and wanted.strip().casefold() == value.strip().casefold()


def _file_stem(path: str | None) -> str | None:
    return Path(path).stem if path else None


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


# ---------------------------------------------------------------- the table


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


# ---------------------------------------------------------------- CSV


def csv_safe(value: Any) -> Any:
    """Prefix text a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) with `'`."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_rows(sessions: Iterable[LoggedSession]) -> Iterator[list[Any]]:
    """One row per logged set (a complex gives one row per part), in CSV_COLUMNS order, already made safe."""
    for s in sessions:
        date = s.started_at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if s.started_at else ""
        same = [csv_safe(_cell(v)) for v in (date, s.id, s.circuit, s.athlete)]
        for x in s.sets.values():
            actual = x.actual_s
            yield [
                *same, x.round, x.station, x.set, _cell(x.part), csv_safe(_cell(x.exercise)), _cell(x.load),
                csv_safe(_cell(x.unit)), _cell(x.pct_e1rm), _cell(x.target_s),
                "" if actual is None else _cell(round(actual, 1)), _cell(x.reps), _cell(x.target_reps),
            ]  # fmt: skip


def write_csv(sessions: Iterable[LoggedSession], out: TextIO) -> int:
    """Write the header and one row per set to `out`; returns the number of rows."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in csv_rows(sessions):
        writer.writerow(row)
        count += 1
    return count


def export_csv(sessions: Iterable[LoggedSession], target: str | os.PathLike[str]) -> int:
    """Write the CSV to a file (written beside it, then renamed: never half-written), or stdout for `-`."""
    if str(target) == "-":
        return write_csv(sessions, sys.stdout)
    path = Path(target).expanduser()
    shown = printable_path(path)
    bad = control_character(path)
    if bad:
        raise LogError(f"Cannot write the CSV to {shown}: the name contains a control character ({bad}).")
    try:
        # The file is written beside its final place and renamed over it: through a symbolic link that means
        # beside the link's target (renaming over the link would replace the link itself).
        path = Path(os.path.realpath(path))
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise LogError(
            f"Cannot write the CSV to {shown}: {(error.strerror or str(error)).lower()}."
        ) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise LogError(
            f"Cannot write the CSV to {shown}: it is a folder; give a file name such as "
            f"{printable_path(path / 'sets.csv')}."
        )
    if info is not None and not stat.S_ISREG(info.st_mode):
        # Renaming over a pipe or a device (/dev/null, as root even /dev/full) would replace it with a file.
        raise LogError(
            f"Cannot write the CSV to {shown}: it is a device or a pipe, not a file; give a file name, "
            "or - to print the CSV."
        )
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        # mkstemp makes the file private (0600); a CSV export is an ordinary file: keep the mode of the file
        # it replaces, or give a new one the usual mode for new files.
        os.fchmod(fd, stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            count = write_csv(sessions, f)
        os.replace(tmp, path)
    except OSError as error:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        reason = (error.strerror or str(error)).lower()
        raise LogError(
            f"Cannot write the CSV to {shown}: {reason}. Check the folder, or choose another file."
        ) from None
    return count


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _cell(value: Any) -> Any:
    """Empty for null, 35 rather than 35.0; anything else as it is."""
    if value is None:
        return ""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


# ---------------------------------------------------------------- text that came from a file


def clean_text(text: str | None) -> str:
    """Log text made safe for a terminal: control and bidi characters (escape sequences) become `�`."""
    if not text:
        return ""
    return "".join(
        "\ufffd" if unicodedata.category(ch) in ("Cc", "Cf") and ch != "\u200d" else ch for ch in text
    )


def text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def fit_width(text: str, width: int, *, right: bool = False) -> str:
    """Pad or cut `text` to `width` terminal columns (wide characters count twice)."""
    if text_width(text) > width:
        cut = ""
        for ch in text:
            if text_width(cut + ch) > width - 1:
                break
            cut += ch
        text = cut + "…"
    pad = " " * (width - text_width(text))
    return pad + text if right else text + pad


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
