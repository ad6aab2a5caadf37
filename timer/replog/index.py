"""The program index: a small file beside the log so that a program's next session is found without
reading the whole log (`run PROGRAM`, the picker's "today", `circuit-timer program`). No Textual here.

The index is never the source of truth. It holds copies of the log's lines that decide a program
session's status (its `session_start`/`session_resume`, `session_end`, `session_rpe` and `set_update`
lines), each with its byte offset, for the log's first `size` bytes; the lines written after them are
searched on every look-up and the index is brought up to date. It is rebuilt from the whole log when it
is missing, unreadable, of another version, or when the log is not the file it was made from: another
file (device and inode), shorter than `size`, different first or last 64 KiB of those bytes, or any
copied line not found at its offset. So a log rotated, replaced, truncated or edited gets a new index,
and a damaged or hostile index can never add a line the log does not hold. Writing it is best effort: a
folder where no file can be made only means the next look-up searches the whole log again.

The format is in docs/log-format.md ("The program index").
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import msgspec

from timer.errors import LogError
from timer.replog.lines import MAX_LINE_BYTES, open_regular, reason
from timer.replog.reader import LoggedSession, _lines_containing, replay
from timer.replog.records import End, SessionRpe, SetUpdate, Start, decode
from timer.text import printable_path

INDEX_VERSION = 1
CHECK_BYTES = 1 << 16
"""How much of the start and of the end of the indexed bytes is compared by its SHA-256."""
MAX_INDEX_BYTES = 64 << 20
"""A larger index is not read (a real one of years of programs is a few MB): it is rebuilt instead."""
BLOCK = 1 << 22
NEEDLES = (b'"session_', b'"set_update"')
"""The record types the index keeps (`session_start`, `_resume`, `_end`, `_rpe`, `set_update`) as the writer
spells them: only lines holding one are decoded (two searches of the bytes, not five)."""


class Index(msgspec.Struct, forbid_unknown_fields=True):
    """The index file's one JSON object."""

    index: str
    """Always "circuit-timer program index": says what the file is to someone who opens it."""
    v: int
    """INDEX_VERSION; any other is rebuilt."""
    dev: int
    ino: int
    """The log's device and inode when the index was made: another file at the path means a new index."""
    size: int
    """The log's bytes covered: up to the end of its last complete line then."""
    head: str
    tail: str
    """SHA-256 (hex) of the first and the last CHECK_BYTES of those bytes (all of them when fewer)."""
    lines: list[tuple[int, str]]
    """(byte offset, line without its newline), in file order: every kept line of a program's session."""


def index_path(log: str | os.PathLike[str]) -> Path:
    """`.log.jsonl.index.json` beside the log (hidden, as the session locks are)."""
    log = Path(log)
    return log.parent / f".{log.name}.index.json"


def program_runs(log: str | os.PathLike[str]) -> list[LoggedSession]:
    """The sessions of every program in one log, oldest first, as `read_log` reads them but without their
    sets, taps or counts: who, which program and session, when, and the status (`last_t` only from the
    lines kept). Reads the index and the lines after it. Raises LogError when the log cannot be read.
    """
    log = Path(log)
    with _readable(log):
        lines = _indexed_lines(log)
    runs = replay([(log, (line for _, line in lines))])
    undated = [s for s in runs if s.started_at is None]
    if undated:  # a start line without a readable date: the full read dates it by its first set
        full = {s.id: s for s in with_sets(log, undated)}
        runs = [full.get(s.id, s) if s.started_at is None else s for s in runs]
        first: dict[str, int] = {}  # as `replay` orders a tie: by the first line of each session
        for offset, line in lines:
            record = decode(line)
            if not isinstance(record, str):
                first.setdefault(record.session, offset)
        oldest = datetime.min.replace(tzinfo=UTC)
        runs.sort(key=lambda s: (s.started_at or oldest, first.get(s.id, 0)))
    return runs


@contextlib.contextmanager
def _readable(log: Path) -> Iterator[None]:
    """OSError as `read_log` words it."""
    try:
        yield
    except OSError as error:
        raise LogError(f"Cannot read the rep log {printable_path(log)}: {reason(error)}.") from None


def with_sets(log: str | os.PathLike[str], sessions: Iterable[LoggedSession]) -> list[LoggedSession]:
    """The same sessions of one log read in full (sets, corrections, RPE, counts), from the first of their
    start lines on: the lines holding their ids, found by a byte search (the block's view reads the weeks
    since the block began, not the years before)."""
    log = Path(log)
    wanted = {s.id for s in sessions}
    if not wanted:
        return []
    with _readable(log):
        begin = None
        for offset, line in _indexed_lines(log):
            record = decode(line)
            if not isinstance(record, str) and record.session in wanted:
                begin = offset
                break
        if begin is None:
            return []
        needles = tuple(msgspec.json.encode(sid) for sid in sorted(wanted))  # as the writer spells ids
        lines = list(_lines_containing(log, needles, start=begin))
    return [s for s in replay([(log, lines)]) if s.id in wanted]


def _indexed_lines(log: Path) -> list[tuple[int, bytes]]:
    """(offset, line with its newline) of every kept line of the log: from the index where it still
    holds, then from the bytes after it; the index is brought up to date when that found more."""
    with open_regular(log) as f:
        st = os.fstat(f.fileno())
        index = _valid_index(log, f, st)
        if index is None:
            start, lines = 0, []
        else:
            start = index.size
            lines = [(offset, text.encode("utf-8") + b"\n") for offset, text in index.lines]
        known = set()
        for _, line in lines:
            record = decode(line)
            if not isinstance(record, str):
                known.add(record.session)
        found, end = _scan(f, start, known)
    lines.extend(found)
    if index is None or end != start:
        _write_index(log, st, end, lines)
    return lines


def _scan(f: IO[bytes], start: int, known: set[str]) -> tuple[list[tuple[int, bytes]], int]:
    """The kept lines from byte `start` (a line's start) to the end of the last complete line, and where
    that is. A line is kept when it is a start or resume naming a program, or a start, resume, end, RPE or
    correction of a session kept already (`known`, which grows). Lines longer than MAX_LINE_BYTES are
    skipped as `read_log` skips them."""
    found: list[tuple[int, bytes]] = []
    f.seek(start)
    position = start  # the file offset of data[0]
    carry = b""  # the unended line the block before left
    skipping = False  # inside a line already known to be too long
    end = start
    while block := f.read(BLOCK):
        data = carry + block if carry else block
        last = data.rfind(b"\n") + 1
        if not last:  # no line ends here
            if not skipping:
                carry = data
                if len(carry) > MAX_LINE_BYTES:
                    carry, skipping = b"", True
            position += len(data) - len(carry)
            continue
        first = 0
        if skipping:
            first, skipping = data.find(b"\n") + 1, False
        for begin, stop in _candidate_lines(data, first, last):
            record = decode(data[begin:stop])
            if isinstance(record, str):
                continue
            sid = record.session
            names_program = isinstance(record, Start) and record.program is not None
            if names_program or (sid in known and isinstance(record, (Start, End, SessionRpe, SetUpdate))):
                known.add(sid)
                found.append((position + begin, data[begin:stop]))
        end = position + last
        carry = data[last:]
        position += last
        if len(carry) > MAX_LINE_BYTES:
            position += len(carry)
            carry, skipping = b"", True
    return found, end


def _candidate_lines(data: bytes, first: int, last: int) -> list[tuple[int, int]]:
    """(begin, end) of each complete line in data[first:last] holding one of NEEDLES, in order; lines too
    long to be a record are left out."""
    spans = set()
    for needle in NEEDLES:
        found = data.find(needle, first, last)
        while found >= 0:
            begin = data.rfind(b"\n", first, found) + 1 or first
            stop = data.find(b"\n", found, last) + 1
            if stop - begin <= MAX_LINE_BYTES:
                spans.add((begin, stop))
            found = data.find(needle, stop, last)
    return sorted(spans)


def _digest(f: IO[bytes], begin: int, size: int) -> str:
    return hashlib.sha256(os.pread(f.fileno(), size, begin)).hexdigest()


def _ends(f: IO[bytes], size: int) -> tuple[str, str]:
    """The SHA-256 of the first and last CHECK_BYTES of the log's first `size` bytes."""
    n = min(size, CHECK_BYTES)
    return _digest(f, 0, n), _digest(f, size - n, n)


def _valid_index(log: Path, f: IO[bytes], st: os.stat_result) -> Index | None:
    """The index of `log` if it is still true of the open log `f`; None when missing or not to be trusted."""
    try:
        with open_regular(index_path(log)) as g:
            data = g.read(MAX_INDEX_BYTES + 1)
        if len(data) > MAX_INDEX_BYTES:
            return None
        index = msgspec.json.decode(data, type=Index)
    except (OSError, LogError, msgspec.DecodeError):  # LogError: a device or a pipe at the index's name
        return None
    if (
        index.index != "circuit-timer program index"
        or index.v != INDEX_VERSION
        or (index.dev, index.ino) != (st.st_dev, st.st_ino)
        or not 0 <= index.size <= st.st_size
        or _ends(f, index.size) != (index.head, index.tail)
    ):
        return None
    fd, after = f.fileno(), 0
    for offset, text in index.lines:  # every copied line must be in the log, where the index says
        line = text.encode("utf-8", "surrogatepass") + b"\n"
        if offset < after or offset + len(line) > index.size:
            return None
        if offset:  # the newline before it too: the start of a line, not a part of one
            line = b"\n" + line
        if os.pread(fd, len(line), offset - 1 if offset else 0) != line:
            return None
        after = offset + len(line) - (offset > 0)
    return index


def _write_index(log: Path, st: os.stat_result, size: int, lines: list[tuple[int, bytes]]) -> None:
    """Write the index for the log's first `size` bytes, atomically (a new file renamed over the old), with
    the log's own permissions (it copies the log's lines). Best effort: any failure leaves no file."""
    target = index_path(log)
    temp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        with open_regular(log) as f:
            if (os.fstat(f.fileno()).st_dev, os.fstat(f.fileno()).st_ino) != (st.st_dev, st.st_ino):
                return  # the log was replaced meanwhile: the next look-up makes its index
            head, tail = _ends(f, size)
        index = Index(
            "circuit-timer program index",
            INDEX_VERSION,
            st.st_dev,
            st.st_ino,
            size,
            head,
            tail,
            [(offset, line[:-1].decode("utf-8")) for offset, line in lines],
        )
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()  # left by a process of the same id that died before renaming it
        fd = os.open(temp, flags, st.st_mode & 0o666)
        with os.fdopen(fd, "wb") as out:
            out.write(msgspec.json.encode(index))
        os.replace(temp, target)
    except (OSError, LogError, UnicodeDecodeError):  # a read-only folder, a full disk: only a shortcut
        with contextlib.suppress(OSError):
            temp.unlink()
