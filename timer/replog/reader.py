"""Reading the rep log: sessions from one or more files, tolerant of damage.

Keeps whatever can be read and says, with line numbers, what it skipped (a torn last line, damaged lines,
other programs' lines, lines from a newer format version). Each line is decoded and checked once, into the
typed record of timer.replog.records (msgspec); this module only keeps the books per session.
No Textual, no pydantic.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import msgspec

from timer.errors import LogError, Problem
from timer.records import Counts, Part, SessionResult, count_sets, group_sets
from timer.replog.lines import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_LINE_BYTES,
    SetKey,
    Status,
    _skip_long_line,
    open_regular,
    reason,
)
from timer.replog.records import (
    TYPES,
    Back,
    End,
    Extend,
    Pause,
    Record,
    Rep,
    Resume,
    Resumed,
    SessionRpe,
    SetRecord,
    SetUpdate,
    Skip,
    Start,
    decode,
)
from timer.text import printable_path

# ---------------------------------------------------------------- sessions


class LoggedSet(msgspec.Struct, gc=False):
    """One `set` record, with any later `set_update` applied to `reps`.

    A msgspec struct rather than a dataclass: built four times faster (a log of years has 100 000), and
    untracked by the cyclic GC (it holds only numbers and text).
    """

    round: int
    station: int
    set: int
    part: int | None
    exercise: str | None
    station_name: str | None
    load: float | None
    unit: str | None
    pct_e1rm: float | None
    target_s: float | None
    started_t: float | None
    ended_t: float | None
    reps: int | None
    target_reps: int | None
    ended_by: str
    t: float
    """When the record was written (session time): the latest record for a place wins."""
    counted: bool = False
    """Whether `reps` was tapped or typed (a log before `counted` existed: whether `reps` is not null)."""
    logged_active_s: float | None = None
    """`active_s` as logged (work time without pauses); None in logs written before it existed."""
    paused_s: float | None = None
    parts: int = 0
    """How many parts the set has (0: a plain station, or a log from before the field)."""

    @property
    def key(self) -> SetKey:
        return (self.round, self.station, self.set, self.part)

    @property
    def actual_s(self) -> float | None:
        """The set's whole span, `ended_t - started_t` (pauses included)."""
        if self.started_t is None or self.ended_t is None:
            return None
        return round(self.ended_t - self.started_t, 3)

    @property
    def active_s(self) -> float | None:
        """Work time without pauses: as logged, or the whole span for logs that predate `active_s`."""
        return self.logged_active_s if self.logged_active_s is not None else self.actual_s

    @property
    def volume(self) -> float:
        """Load times reps (0 for bodyweight or uncounted sets)."""
        return self.load * self.reps if self.load is not None and self.reps is not None else 0.0


@dataclass(slots=True)
class LoggedSession:
    """Everything the log says about one session id (possibly across several files and a resume)."""

    id: str
    source: Path
    """The first file the session was found in."""
    circuit: str | None = None
    circuit_path: str | None = None
    circuit_sha256: str | None = None
    athlete: str | None = None
    program: str | None = None
    """The program's name when the session was one of a program's (docs/log-format.md)."""
    program_session: int | None = None
    """Its number k in the program (1…N)."""
    planned_s: float | None = None
    planned_sets: int | None = None
    started_at: datetime | None = None
    status: Status = "unfinished"
    """`completed`, `aborted`, or `unfinished`: no end record after the last start (killed, power cut)."""
    total_s: float | None = None
    total_reps: int | None = None
    """As the end record says; `reps` recounts from the sets (with corrections)."""
    last_t: float = 0.0
    """The latest session time in any record: where a resume continues."""
    sets: dict[SetKey, LoggedSet] = field(default_factory=dict)
    """In timeline order once read."""
    taps: list[tuple[float, int | None]] = field(default_factory=list)
    """(t, tally) of each `rep` record; only filled by `read_log(..., taps=True)`."""
    pauses: int = 0
    skips: int = 0
    backs: int = 0
    resumes: int = 0
    extends: int = 0
    paused_s: float | None = None
    """Time paused, as the end record says (None in logs before it existed, or with no end)."""
    rpe: int | None = None
    """Session RPE (0-10) from the latest `session_rpe` record; None when not given."""
    rpe_minutes: float | None = None
    """The minutes the RPE was multiplied by (the session's time without pauses)."""
    rpe_load: float | None = None
    """Foster's session load, RPE x minutes, as logged."""
    _updates: dict[SetKey, tuple[float, int | None]] | None = field(default=None, repr=False)
    """Corrections by place (made when the first comes: most sessions have none)."""
    _last: tuple[float, int, str] | None = field(default=None, repr=False)
    """The latest start or end mark (session time, record order, what): it decides the status."""
    _unordered: bool = field(default=False, repr=False)
    """Whether a set came before one earlier in the timeline (then `_finish` sorts; a log rarely needs it)."""

    @property
    def reps(self) -> int:
        return sum(s.reps for s in self.sets.values() if s.reps is not None)

    def result(self) -> SessionResult:
        """The sets as every view counts them (`timer.records`): done, cut short, not counted."""
        parts = [
            (
                key,
                s.station_name or s.exercise or f"station {s.station}",
                Part(s.part, s.exercise, s.ended_by, s.active_s or 0.0, s.reps, s.load, s.unit),
            )
            for key, s in self.sets.items()
        ]
        planned_parts = {key[:3]: s.parts for key, s in self.sets.items() if s.parts}
        sets = group_sets(parts, planned_parts, in_order=True)
        return SessionResult(sets, self.planned_sets, self.status == "completed")

    def counts(self, unit: str | None = None) -> Counts:
        """Sets done and cut short, reps and volume (in `unit`) as `result()` counts them, several times
        faster: for tables that add up thousands of sessions."""
        return count_sets(self.sets.values(), unit)

    @property
    def volume(self) -> float:
        return sum(s.volume for s in self.sets.values())

    @property
    def set_count(self) -> int:
        """Sets done: a complex's parts count once."""
        return len({key[:3] for key in self.sets})

    @property
    def duration_s(self) -> float:
        return self.total_s if self.total_s is not None else self.last_t

    @property
    def unit(self) -> str | None:
        return next((s.unit for s in self.sets.values() if s.unit), None)

    def completed_keys(self) -> frozenset[SetKey]:
        """Places whose set ended by time or skip (a set cut short by quitting is done again on resume)."""
        return frozenset(k for k, s in self.sets.items() if s.ended_by != "abort")

    def reps_by_set(self) -> dict[SetKey, int | None]:
        return {k: s.reps for k, s in self.sets.items()}

    def _mark(self, mark: tuple[float, int, str]) -> None:
        if self._last is None or mark > self._last:
            self._last = mark


MAX_HELD = 200_000_000
"""About how many bytes of sessions, sets and taps one reading keeps (a squad of 20 athletes over three
years, 270 000 sets, takes about 100 MB). Past it, further sessions, sets and taps are skipped and reported,
so no log, however hostile (millions of session ids, endless names), can exhaust memory (issue 14 #5)."""
SESSION_COST, SET_COST, UPDATE_COST, TAP_COST = 700, 350, 150, 100
"""What each kept thing costs in memory, about (measured with tracemalloc on the benchmark's logs)."""
SHOWN = 5
"""Line numbers listed per kind of problem; the rest are counted ("and 9 more")."""
MAX_SHARED = 20_000
"""Distinct texts and places shared (a real log has a few hundred); past this, each record keeps its own."""
MAX_TYPE_KINDS = 10
"""Unknown record types named one by one; more are reported together."""


def _spend(books: _Books, cost: int) -> None:
    """Take `cost` bytes from the reading's budget, or refuse the record (before it changed anything)."""
    if cost > books.left:
        raise _OverCap("cap")
    books.left -= cost


class _OverCap(Exception):
    """A record that would take the reading past one of its caps; `args[0]` is the kind of problem."""


@dataclass(slots=True)
class _Books:
    """What one reading keeps across files: the sessions, and what is left of its caps."""

    taps: bool
    left: int
    """Bytes of the budget not yet spent."""
    sessions: dict[str, LoggedSession] = field(default_factory=dict)
    order: int = 0
    shared: dict[Any, Any] = field(default_factory=dict)
    """One copy of each text and set place: a log repeats the same few names and places thousands of
    times, and each decoded line brings its own copies (this halves the memory of a large log)."""

    def texts(self, *values: str | None) -> tuple[str | None, ...]:
        """The shared copy of each text, the budget paying for the ones not kept before; all or none."""
        shared, out, cost = self.shared, [], 0
        room = len(shared) < MAX_SHARED
        for value in values:
            if value is not None:
                kept = shared.setdefault(value, value) if room else value
                if kept is value:  # new: it costs its size (4 bytes a character at worst)
                    cost += 49 + (len(value) if value.isascii() else 4 * len(value))
                value = kept
            out.append(value)
        if cost:
            _spend(self, cost)
        return tuple(out)


def read_log(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *, taps: bool = False
) -> tuple[list[LoggedSession], list[Problem]]:
    """Read one or more logs into sessions (oldest first) and the problems found, worded for people.

    Skips and reports a torn last line, damaged lines (by line number), other programs' lines, and lines
    from a newer format version; everything else is kept. Sessions found in several files are merged.
    Streams each file line by line; what it keeps is capped (MAX_HELD bytes, about), so memory
    is bounded whatever the file. Raises LogError when a file cannot be read at all. `taps=True` also
    collects `rep` records.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    books = _Books(taps=taps, left=MAX_HELD)
    problems: list[Problem] = []
    # Reading builds many small long-lived objects and no cycles: the cyclic GC would only rescan them.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        for raw_path in paths:
            _read_file(Path(raw_path), books, problems)
    finally:
        if gc_was_on:
            gc.enable()
    return _sessions(books), problems


def _sessions(books: _Books) -> list[LoggedSession]:
    """The sessions kept, finished and oldest first."""
    # A session id seen only in records that carry nothing to show (a lone pause or tap) is left out.
    result = [
        _finish(s) for s in books.sessions.values() if s.circuit is not None or s.sets or s._last or s.taps
    ]
    result.sort(key=lambda s: s.started_at or datetime.min.replace(tzinfo=UTC))
    return result


def _keep(books: _Books, path: Path, record: Record) -> None:
    """One checked record into its session's books (the session made when its id first comes); raises
    _OverCap, before anything changed, past the reading's caps."""
    sid = record.session
    session = books.sessions.get(sid)
    if session is None:
        _spend(books, SESSION_COST + 49 + len(sid))
        session = books.sessions[sid] = LoggedSession(id=sid, source=path)
    books.order += 1
    t = record.t
    _HANDLERS[type(record)](session, record, t, books)
    if t > session.last_t:
        session.last_t = t


def _read_file(path: Path, books: _Books, problems: list[Problem]) -> None:
    """Add one file's records to `books` and its problems to `problems`."""
    # The loop keeps no line count: problems note the byte offset, turned into line numbers only if any occur.
    issues: dict[str, list[int]] = {}
    line = b""
    try:
        with open_regular(path) as f:
            for line in iter(partial(f.readline, MAX_LINE_BYTES), b""):
                if line[-1] != 0x0A:  # no newline: torn, or longer than any record
                    if len(line) < MAX_LINE_BYTES:
                        break  # a torn last line: reported below
                    _note(issues, "long", f.tell() - len(line))
                    line = b""
                    if _skip_long_line(f):
                        continue
                    break
                record = decode(line)
                if isinstance(record, str):
                    if line.strip():  # a blank line is no problem
                        _note(issues, record, f.tell() - len(line))
                    continue
                try:
                    _keep(books, path, record)
                except _OverCap as over:
                    _note(issues, over.args[0], f.tell() - len(line))
            if line and line[-1] != 0x0A:
                _note(issues, "torn", f.tell() - len(line))
    except OSError as error:
        raise LogError(
            f"Cannot read the rep log {printable_path(path)}: {reason(error)}. "
            "Check the path and its permissions."
        ) from None
    if issues:
        problems.extend(_problems(path, issues))


def _note(issues: dict[str, list[int]], kind: str, offset: int) -> None:
    """Count a problem line of `kind`; keep the offsets of the first few (each: [count, offset, ...])."""
    noted = issues.get(kind)
    if noted is None:
        if kind.startswith("type:") and sum(k.startswith("type:") for k in issues) >= MAX_TYPE_KINDS:
            return _note(issues, "types", offset)
        issues[kind] = [1, offset]
    else:
        noted[0] += 1
        if len(noted) <= SHOWN:
            noted.append(offset)
    return None


def read_taps(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], session: str
) -> list[tuple[float, int | None]]:
    """(t, tally) of every tap of one session, for the pace inside its sets.

    Searches the bytes for the session id and parses only those lines, so a 1 GB log takes a second or less.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    needle = json.dumps(session).encode("utf-8")
    taps: list[tuple[float, int | None]] = []
    for path in paths:
        try:
            for line in _lines_containing(Path(path), needle):
                record = decode(line)
                if type(record) is not Rep or record.session != session:
                    continue  # read_log reports bad records; the pace just leaves them out
                tap = (record.t, record.n)
                if not taps or taps[-1] != tap:  # a retried write can repeat a line
                    if len(taps) >= MAX_HELD // TAP_COST:
                        break  # a hostile log's millions: the pace of what came first
                    taps.append(tap)
        except OSError as error:
            raise LogError(f"Cannot read the rep log {printable_path(path)}: {reason(error)}.") from None
    taps.sort(key=lambda tap: tap[0])
    return taps


def _lines_containing(
    path: Path, needle: bytes | tuple[bytes, ...], block_size: int = 1 << 22, start: int = 0
) -> Iterable[bytes]:
    """Complete lines (ending in a newline, at most MAX_LINE_BYTES long) of `path` that contain `needle`
    (or any of several), in file order, from the line starting at byte `start`.

    Searches each block where it lies (no copies of it): a 100 MB log in about a tenth of a second.
    """
    needles = needle if isinstance(needle, tuple) else (needle,)
    with open_regular(path) as f:
        f.seek(start)
        head = b""  # the beginning of a line that the block before did not end
        skipping = False  # inside a line already known to be too long
        while block := f.read(block_size):
            first = block.find(b"\n")
            if first < 0:  # no line ends in this block
                if not skipping:
                    head += block
                    if len(head) > MAX_LINE_BYTES:  # never hold an over-long line whole
                        head, skipping = b"", True
                continue
            if skipping:
                skipping = False
            else:
                line = head + block[: first + 1]
                if len(line) <= MAX_LINE_BYTES and any(one in line for one in needles):
                    yield line
            last = block.rfind(b"\n") + 1
            spans = set()
            for one in needles:
                found = block.find(one, first + 1, last)
                while found >= 0:
                    begin = block.rfind(b"\n", first, found) + 1
                    end = block.find(b"\n", found, last) + 1
                    if end - begin <= MAX_LINE_BYTES:
                        spans.add((begin, end))
                    found = block.find(one, end, last)
            for begin, end in sorted(spans):
                yield block[begin:end]
            head = block[last:]
            if len(head) > MAX_LINE_BYTES:
                head, skipping = b"", True


def latest_start(
    path: str | os.PathLike[str], needle: bytes, match: Callable[[Start], bool]
) -> LoggedSession | None:
    """The session of the last `session_start` record in `path` that contains `needle` and passes `match`,
    with all its records (taps included) from that line on; None when there is none.

    Reads from the end of the file, and then only the lines holding that session's id: the time it takes
    grows with how far back that session started, not with the log (`run --resume` of the session just
    interrupted reads a few KiB of a 1 GB log). A record of the session written before its start line,
    or spelling its id with JSON escapes, is not seen (the writer never writes either).
    """
    path = Path(path)
    try:
        for offset, line in _lines_backwards(path, needle):
            record = decode(line)
            if type(record) is Start and match(record):
                return _read_session(path, record.session, offset)
    except OSError as error:
        raise LogError(f"Cannot read the rep log {printable_path(path)}: {reason(error)}.") from None
    return None


def replay(files: Iterable[tuple[Path, Iterable[bytes]]]) -> list[LoggedSession]:
    """Sessions from chosen lines of each file (in file order), kept by the same books as `read_log`, taps
    left out; oldest first.

    For questions that need only some lines, found without decoding every line: the program index
    (timer.replog.index) hands on the start, end, RPE and correction lines of programs' sessions, or every
    line of a few sessions. Lines that do not decode are left out: damage is `read_log`'s to report.
    """
    books = _Books(taps=False, left=MAX_HELD)
    for path, lines in files:
        for line in lines:
            record = decode(line)
            if isinstance(record, str):
                continue
            with contextlib.suppress(_OverCap):
                _keep(books, path, record)
    return _sessions(books)


def _read_session(path: Path, sid: str, offset: int) -> LoggedSession:
    """One session's records from byte `offset` on, kept by the same books as `read_log` (taps included)."""
    books = _Books(taps=True, left=MAX_HELD)
    session = books.sessions[sid] = LoggedSession(id=sid, source=path)
    for line in _lines_containing(path, json.dumps(sid).encode("utf-8"), start=offset):
        record = decode(line)
        if isinstance(record, str) or record.session != sid:
            continue  # damage is read_log's to report
        books.order += 1
        t = record.t
        try:
            _HANDLERS[type(record)](session, record, t, books)
        except _OverCap:
            continue
        if t > session.last_t:
            session.last_t = t
    return _finish(session)


def _lines_backwards(path: Path, needle: bytes, block_size: int = 1 << 20) -> Iterable[tuple[int, bytes]]:
    """(offset, line) of each complete line of `path` holding `needle`, the last first; lines longer than
    MAX_LINE_BYTES are never held whole."""
    with open_regular(path) as f:
        position = f.seek(0, os.SEEK_END)
        head = b""  # the first, partial line of the block read before (later in the file)
        while position > 0:
            size = min(block_size, position)
            position -= size
            f.seek(position)
            chunk = f.read(size) + head
            cut = chunk.find(b"\n") + 1 if position else 0
            if position and not cut:  # no line starts in this block: one long line
                head = chunk if len(chunk) <= MAX_LINE_BYTES else b""  # an over-long line: dropped, unended
                continue
            head, body = chunk[:cut], chunk[cut:]
            found = body.rfind(needle)
            while found >= 0:
                start = body.rfind(b"\n", 0, found) + 1
                end = body.find(b"\n", found) + 1
                if end and end - start <= MAX_LINE_BYTES:  # a torn last line has no end: no record
                    yield position + cut + start, body[start:end]
                found = body.rfind(needle, 0, start)


def _line_numbers(path: Path, offsets: Iterable[int]) -> dict[int, int]:
    """The 1-based line number at each byte offset (one more pass, only when a file has problems)."""
    numbers: dict[int, int] = {}
    seen_lines = position = 0
    with open_regular(path) as f:
        for offset in sorted(set(offsets)):
            while position < offset:  # in slices: a problem at the end of a 1 GB log must not load it all
                block = f.read(min(offset - position, 1 << 20))
                if not block:
                    break
                seen_lines += block.count(b"\n")
                position += len(block)
            numbers[offset] = seen_lines + 1
    return numbers


_MESSAGES = {
    "torn": "the last line is incomplete (the app or the computer stopped while writing it); skipped",
    "garbage": "not a readable record (damaged, or not JSON); skipped, the rest is kept",
    "foreign": "not a circuit-timer record (another program's data?); skipped",
    "newer": "written by a newer circuit-timer (log format version 2 or later); skipped. "
    "Update circuit-timer to read these lines",
    "values": "a record with values of the wrong kind or out of range; skipped",
    "long": "a line longer than 1 MiB (no record is); skipped without reading it",
    "types": "more unknown record types; skipped",
    "cap": "more than one reading keeps in memory (about {held} MB of sessions, sets and taps); skipped. "
    "Read fewer logs at a time",
}


def _problems(path: Path, issues: dict[str, list[int]]) -> list[Problem]:
    """One problem per kind: its first line numbers, and how many more lines were skipped."""
    numbers = _line_numbers(path, (o for noted in issues.values() for o in noted[1:]))
    out = []
    for kind, (count, *offsets) in issues.items():
        shown = ", ".join(str(numbers[o]) for o in offsets)
        if count > len(offsets):
            shown += f" and {count - len(offsets)} more"
        where = f"line {shown}" if count == 1 else f"lines {shown}"
        if kind.startswith("type:"):
            message = f'unknown record type "{printable_path(kind[5:])}"; skipped'
        else:
            message = _MESSAGES[kind].format(held=MAX_HELD // 10**6)
        out.append(Problem(printable_path(path), where, message))
    return out


# The handlers get records already checked by their types (timer.replog.records); they only keep books.


def _on_start(s: LoggedSession, r: Start, t: float, books: _Books) -> None:
    if s.circuit is None:  # the first start record wins; a resume repeats the same facts
        facts = (r.circuit, r.circuit_path, r.circuit_sha256, r.athlete)
        kept = books.shared.get(facts)
        if kept is None:  # one look-up for the four, as for a set's texts
            kept = books.texts(*facts)
            if len(books.shared) < MAX_SHARED:
                books.shared[kept] = kept
        s.circuit, s.circuit_path, s.circuit_sha256, s.athlete = kept
        s.planned_s, s.planned_sets = r.planned_s, r.sets
        s.program, s.program_session = r.program, r.program_session
    resumed = type(r) is Resumed
    if resumed:
        s.resumes += 1
    s._mark((t, books.order, "start"))
    at = _when(r.at)
    if at is not None and (s.started_at is None or not resumed):
        s.started_at = at  # the start record's time, else the earliest record seen


def _on_set(s: LoggedSession, r: SetRecord, t: float, books: _Books) -> None:
    key = (r.round, r.station, r.set, r.part)
    sets = s.sets
    old = sets.get(key)
    shared = books.shared
    if old is None:
        if books.left < SET_COST:
            raise _OverCap("cap")
        books.left -= SET_COST
        if len(shared) < MAX_SHARED:
            key = shared.setdefault(key, key)
        if sets and not s._unordered and _rank(key) < _rank(next(reversed(sets))):
            s._unordered = True
    # The four texts of a set repeat together (the same station in every session): one look-up for all.
    texts = (r.exercise, r.station_name, r.unit, r.ended_by)
    kept = shared.get(texts)
    if kept is None:
        kept = books.texts(*texts)
        if len(shared) < MAX_SHARED:
            shared[kept] = kept
    reps = r.reps
    logged = LoggedSet(
        *key,
        kept[0],
        kept[1],
        r.load,
        kept[2],
        r.pct_e1rm,
        r.target_s,
        r.started_t,
        r.ended_t,
        reps,
        r.target_reps,
        kept[3] or "time",
        t,
        reps is not None and r.counted is not False,  # counted None (an older log): whether reps were given
        r.active_s,
        r.paused_s,
        r.parts or 0,
    )
    # A set done again (back, resume) replaces the earlier one, but a redo cut short by quitting does not
    # replace a set that was finished: the athlete went back into it, then stopped; the finished set stands
    # (as it does in the engine and on the summary), and a resume does not ask for it again.
    if old is None or (t >= old.t and not (logged.ended_by == "abort" and old.ended_by != "abort")):
        sets[key] = logged
    if s.started_at is None:
        s.started_at = _when(r.at)


def _on_update(s: LoggedSession, r: SetUpdate, t: float, books: _Books) -> None:
    key = (r.round, r.station, r.set, r.part)
    if s._updates is None:
        s._updates = {}
    old = s._updates.get(key)
    if old is None:
        _spend(books, UPDATE_COST)
    if old is None or t >= old[0]:
        s._updates[key] = (t, r.reps)


def _on_rep(s: LoggedSession, r: Rep, t: float, books: _Books) -> None:
    if books.taps:
        tap = (t, r.n)
        if not s.taps or s.taps[-1] != tap:  # a retried write can repeat a line
            _spend(books, TAP_COST)
            s.taps.append(tap)


def _on_end(s: LoggedSession, r: End, t: float, books: _Books) -> None:
    s._mark((t, books.order, r.status))
    s.total_s, s.total_reps = r.total_s, r.total_reps
    if r.paused_s is not None:
        s.paused_s = r.paused_s


def _on_extend(s: LoggedSession, r: Record, t: float, books: _Books) -> None:
    s.extends += 1


def _on_rpe(s: LoggedSession, r: SessionRpe, t: float, books: _Books) -> None:
    s.rpe, s.rpe_minutes, s.rpe_load = r.rpe, r.minutes, r.load


def _on_pause(s: LoggedSession, r: Record, t: float, books: _Books) -> None:
    s.pauses += 1


def _on_skip(s: LoggedSession, r: Record, t: float, books: _Books) -> None:
    s.skips += 1


def _on_back(s: LoggedSession, r: Record, t: float, books: _Books) -> None:
    s.backs += 1


def _on_nothing(s: LoggedSession, r: Record, t: float, books: _Books) -> None:
    """`resume` (after a pause): only its time counts."""


_HANDLERS: dict[type[Record], Callable[[LoggedSession, Any, float, _Books], None]] = {
    Start: _on_start,
    Resumed: _on_start,
    SetRecord: _on_set,
    SetUpdate: _on_update,
    Rep: _on_rep,
    Pause: _on_pause,
    Resume: _on_nothing,
    Skip: _on_skip,
    Back: _on_back,
    End: _on_end,
    Extend: _on_extend,
    SessionRpe: _on_rpe,
}
assert set(_HANDLERS) == set(TYPES.values()), "every record type needs a handler"


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
        if not FIRST_YEAR <= when.year <= LAST_YEAR:
            return None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        # In range in UTC too (an offset moves the day), so `.astimezone()` to any local zone works.
        if not FIRST_YEAR <= when.astimezone(UTC).year <= LAST_YEAR:
            return None
    except (ValueError, OverflowError):
        return None
    return when


def _rank(key: SetKey) -> tuple[int, int, int, int]:
    """Where a set place comes in the timeline (a plain station's part, None, before a complex's 1)."""
    return (key[0], key[1], key[2], key[3] or 0)


def _finish(s: LoggedSession) -> LoggedSession:
    """Apply corrections, put sets in timeline order, and decide the status from the last start/end."""
    for key, (t, reps) in (s._updates or {}).items():
        logged = s.sets.get(key)
        if logged is not None and t >= logged.t:
            logged.reps = reps
            logged.counted = reps is not None
    if s._unordered:
        s.sets = dict(sorted(s.sets.items(), key=lambda item: _rank(item[0])))
    if s._last is not None:
        last = s._last[2]
        s.status = "unfinished" if last == "start" else last  # type: ignore[assignment]
    return s
