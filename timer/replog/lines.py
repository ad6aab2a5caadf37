"""One line of the rep log: what it is (our record, damage, another program's JSON), and opening a log safely.

Shared by the reader and the writer's checks. No Textual, no pydantic.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from timer.errors import LogError
from timer.text import printable_path

if TYPE_CHECKING:
    from timer.plan import Phase


FORMAT_VERSION = 1
SetKey = tuple[int, int, int, int | None]
"""Where a set sits in the timeline: (round, station, set, part); part is None for a plain station."""
Status = Literal["completed", "aborted", "unfinished"]

MAX_LINE_BYTES = 1 << 20
"""A line longer than this (1 MiB) is no record of ours (ours are well under 1 KiB): it is skipped with a
warning without ever being held in memory whole, so a log that is one multi-GB line cannot exhaust memory."""


MAX_NUMBER = 1e9
"""No number in a record of ours is larger than this (a billion seconds is 31 years; no load, rep count or
round comes near). A line holding NaN, Infinity, 1e308 or a larger number is a bad value: reported and
skipped, so no sum, rounding or CSV cell downstream ever meets one."""

FIRST_YEAR, LAST_YEAR = 1970, 9998
"""An `at` date outside these years counts as unknown (shown as `?`): converting year 1 or 9999 to local
time overflows, and no session of ours took place then. The record itself is kept."""


_decode = json.JSONDecoder().decode


def classify(line: bytes) -> dict[str, Any] | Literal["garbage", "foreign"]:
    """One line as our record (any version), or why it is not one: damaged, or another program's JSON."""
    try:
        record = _decode(line.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError included; `[[[[…` a thousand deep recurses
        return "garbage"
    if (
        type(record) is not dict
        or type(record.get("v")) is not int
        or type(record.get("type")) is not str
        or type(record.get("session")) is not str
    ):
        return "foreign"
    return record


def parse(line: bytes) -> dict[str, Any] | None:
    """One line as our record, or None."""
    record = classify(line)
    return record if isinstance(record, dict) else None


def reason(error: OSError) -> str:
    """An OS error in words for a message: "no space left on device"."""
    return (error.strerror or str(error)).lower()


def open_regular(path: Path) -> IO[bytes]:
    """Open a log for reading, regular files only: a FIFO would block forever and `/dev/zero` never ends.

    Opens without blocking and checks the open file itself, so a path swapped after a check cannot slip
    through. Raises OSError (a folder: EISDIR) or LogError (a device or a pipe).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        if not stat.S_ISREG(mode):
            raise LogError(
                f"The rep log {printable_path(path)} is not a regular file (a device or a pipe); "
                "nothing was read. Give the log file itself with --log."
            )
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _skip_long_line(f: IO[bytes]) -> bool:
    """Move past the rest of an over-long line, 64 KiB at a time; False when the file ends first."""
    while chunk := f.read(1 << 16):
        cut = chunk.find(b"\n")
        if cut >= 0:
            f.seek(cut + 1 - len(chunk), os.SEEK_CUR)
            return True
    return False


def set_key(phase: Phase) -> SetKey:
    """The (round, station, set, part) of a work phase."""
    assert phase.round is not None and phase.station is not None and phase.set is not None
    return (phase.round, phase.station, phase.set, phase.part)
