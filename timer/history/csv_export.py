"""The history as CSV: one row per set (ours), or Strong's import columns; spreadsheet-safe cells, written
atomically. No Textual here.

A UTF-8 byte-order mark is written only with `--excel`: Excel (Windows) reads a CSV without one in the
legacy code page and garbles names like "Kniebeuge mit Gewichtsweste – Åsa"; with one, Python's csv
module, pandas and most importers take the mark for part of the first column's name ("\ufeffdate").
"""

from __future__ import annotations

import csv
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from timer.e1rm import convert
from timer.errors import LogError
from timer.records import round_seconds
from timer.replog import LoggedSession
from timer.text import clean_text, control_character, printable_path

CSV_COLUMNS = (
    "date", "session", "circuit", "athlete", "round", "station", "set", "part", "exercise",
    "load", "unit", "pct_e1rm", "target_s", "actual_s", "reps", "target_reps",
    "status", "ended_by", "set_status", "counted", "active_s", "paused_s", "rpe", "srpe_load",
)  # fmt: skip
"""Our columns: the first 16 as before, new ones added at the end so existing sheets keep their places."""
STRONG_COLUMNS = (
    "Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight", "Reps", "Distance",
    "Seconds", "Notes", "Workout Notes", "RPE",
)  # fmt: skip
"""Strong's export columns, which other workout loggers import."""
NOT_COUNTED = "—"
"""A set nobody counted: never 0, never the target."""
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Prefix text a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) with `'`."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_rows(sessions: Iterable[LoggedSession]) -> Iterator[list[Any]]:
    """One row per logged set (a complex gives one row per part), in CSV_COLUMNS order, already made safe.

    `set_status` is the set's (the whole complex's) status by `timer.records`: done or cut short.
    """
    for s in sessions:
        date = s.started_at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if s.started_at else ""
        same = [csv_safe(_cell(v)) for v in (date, s.id, s.circuit, s.athlete)]
        status = {r.place: r.status for r in s.result().sets}
        for x in s.sets.values():
            actual, active = x.actual_s, x.active_s
            yield [
                *same, x.round, x.station, x.set, _cell(x.part), csv_safe(_cell(x.exercise)), _cell(x.load),
                csv_safe(_cell(x.unit)), _cell(x.pct_e1rm), _cell(x.target_s),
                "" if actual is None else _cell(round(actual, 1)),
                NOT_COUNTED if x.reps is None else x.reps, _cell(x.target_reps),
                s.status, csv_safe(x.ended_by), status[x.key[:3]], "true" if x.counted else "false",
                "" if active is None else _cell(round(active, 1)),
                "" if x.paused_s is None else _cell(round(x.paused_s, 1)),
                _cell(s.rpe), _cell(s.rpe_load),
            ]  # fmt: skip


def strong_rows(sessions: Iterable[LoggedSession], unit: str | None = None) -> Iterator[list[Any]]:
    """Strong's columns: one row per set (each part of a complex), `Set Order` counting per exercise.

    Weight is in the set's unit (or `unit`); Seconds is the active time; a set nobody counted has an empty
    Reps cell and says so in Notes. The session RPE goes in the workout notes (Strong's RPE is per set).
    """
    for s in sessions:
        date = s.started_at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if s.started_at else ""
        notes = [f"circuit-timer, {s.status}"]
        if s.rpe is not None:
            notes.append(f"session RPE {s.rpe}" + (f", sRPE load {s.rpe_load:g}" if s.rpe_load else ""))
        workout_notes = "; ".join(notes)
        minutes = round_seconds(s.duration_s) // 60
        duration = f"{minutes // 60}h {minutes % 60}m" if minutes >= 60 else f"{minutes}m"
        order: dict[str, int] = {}
        for x in s.sets.values():
            name = x.exercise or x.station_name or f"station {x.station}"
            order[name] = order.get(name, 0) + 1
            weight = convert(x.load, x.unit or "kg", unit) if x.load is not None and unit else x.load
            set_notes = [] if x.counted else ["reps not counted"]
            if x.ended_by != "time":
                set_notes.append("cut short")
            active = x.active_s
            yield [
                date, csv_safe(clean_text(s.circuit or "")), duration, csv_safe(clean_text(name)),
                order[name],
                "" if weight is None else _cell(round(weight, 2)), "" if x.reps is None else x.reps, "",
                "" if active is None else round_seconds(active), "; ".join(set_notes), workout_notes, "",
            ]  # fmt: skip


def write_csv(
    sessions: Iterable[LoggedSession], out: TextIO, *, fmt: str = "ours", unit: str | None = None
) -> int:
    """Write the header and one row per set to `out` (`fmt`: "ours" or "strong"); returns the row count."""
    writer = csv.writer(out)
    writer.writerow(STRONG_COLUMNS if fmt == "strong" else CSV_COLUMNS)
    count = 0
    for row in strong_rows(sessions, unit) if fmt == "strong" else csv_rows(sessions):
        writer.writerow(row)
        count += 1
    return count


def export_csv(
    sessions: Iterable[LoggedSession],
    target: str | os.PathLike[str],
    *,
    fmt: str = "ours",
    excel: bool = False,
    unit: str | None = None,
) -> int:
    """Write the CSV to a file (written beside it, then renamed: never half-written), or stdout for `-`.

    `excel`: start the file with a UTF-8 byte-order mark (see the module docstring for why only then).
    """
    if str(target) == "-":
        return write_csv(sessions, sys.stdout, fmt=fmt, unit=unit)
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
        with os.fdopen(fd, "w", encoding="utf-8-sig" if excel else "utf-8", newline="") as f:
            count = write_csv(sessions, f, fmt=fmt, unit=unit)
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
