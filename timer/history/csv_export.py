"""The history as CSV: one row per set, spreadsheet-safe cells, written atomically. No Textual here."""

from __future__ import annotations

import csv
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from timer.errors import LogError
from timer.replog import LoggedSession
from timer.text import control_character, printable_path

CSV_COLUMNS = (
    "date", "session", "circuit", "athlete", "round", "station", "set", "part", "exercise",
    "load", "unit", "pct_e1rm", "target_s", "actual_s", "reps", "target_reps",
)  # fmt: skip
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
