"""The rep log reader as it was before issue 17 (json plus hand-written checks), kept as the reference for
the parity test (tests/core/test_reader_parity.py): the new reader must read every log as this one does,
except where this one was wrong (issue 14: a nested line crashed it, a torn fragment before a tap was
skipped silently). Not used by the app. Its `classify` is copied here from timer/replog/lines.py as it was.

Reading the rep log: sessions from one or more files, tolerant of damage.

Keeps whatever can be read and says, with line numbers, what it skipped (a torn last line, damaged lines,
other programs' lines, lines from a newer format version). Fast enough for a log of 100 000 sets: one
`json` decode per line, no models per record, and the taps of counted sets skipped on their prefix.
No Textual, no pydantic.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from timer.errors import LogError, Problem
from timer.replog.lines import (
    FIRST_YEAR,
    FORMAT_VERSION,
    LAST_YEAR,
    MAX_LINE_BYTES,
    MAX_NUMBER,
    SetKey,
    Status,
    _skip_long_line,
    open_regular,
    reason,
)
from timer.text import printable_path

REP_PREFIX = b'{"v": 1, "type": "rep", '
_decode = json.JSONDecoder().decode


def classify(line: bytes) -> dict[str, Any] | str:
    """One line as our record (any version), or why it is not one: damaged, or another program's JSON."""
    try:
        record = _decode(line.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError included
        return "garbage"
    if (
        type(record) is not dict
        or type(record.get("v")) is not int
        or type(record.get("type")) is not str
        or type(record.get("session")) is not str
    ):
        return "foreign"
    return record


# ---------------------------------------------------------------- sessions


@dataclass(slots=True)
class LoggedSet:
    """One `set` record, with any later `set_update` applied to `reps`."""

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

    @property
    def key(self) -> SetKey:
        return (self.round, self.station, self.set, self.part)

    @property
    def actual_s(self) -> float | None:
        if self.started_t is None or self.ended_t is None:
            return None
        return round(self.ended_t - self.started_t, 3)

    @property
    def volume(self) -> float:
        """Load times reps (0 for bodyweight or uncounted sets)."""
        return self.load * self.reps if self.load is not None and self.reps is not None else 0.0


@dataclass
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
    program_session: int | None = None
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
    _updates: dict[SetKey, tuple[float, int | None]] = field(default_factory=dict, repr=False)
    _marks: list[tuple[float, int, str]] = field(default_factory=list, repr=False)

    @property
    def reps(self) -> int:
        return sum(s.reps for s in self.sets.values() if s.reps is not None)

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


def read_log(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *, taps: bool = False
) -> tuple[list[LoggedSession], list[Problem]]:
    """Read one or more logs into sessions (oldest first) and the problems found, worded for people.

    Skips and reports a torn last line, damaged lines (by line number), other programs' lines, and lines
    from a newer format version; everything else is kept. Sessions found in several files are merged.
    Raises LogError when a file cannot be read at all. `taps=True` also collects `rep` records (slower).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    sessions: dict[str, LoggedSession] = {}
    problems: list[Problem] = []
    order = 0
    # Reading builds many small long-lived objects and no cycles: the cyclic GC would only rescan them.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        for raw_path in paths:
            order = _read_file(Path(raw_path), sessions, problems, order, taps)
    finally:
        if gc_was_on:
            gc.enable()
    # A session id seen only in records that carry nothing to show (a lone pause or tap) is left out.
    result = [_finish(s) for s in sessions.values() if s.circuit is not None or s.sets or s._marks or s.taps]
    result.sort(key=lambda s: s.started_at or datetime.min.replace(tzinfo=UTC))
    return result, problems


def _read_file(
    path: Path, sessions: dict[str, LoggedSession], problems: list[Problem], order: int, taps: bool
) -> int:
    """Add one file's records to `sessions` and its problems to `problems`; returns the record counter."""
    # Most lines of a counted session are taps. Without `taps` they are skipped on their prefix alone, and the
    # loop keeps no line count: problems note the byte offset, turned into line numbers only if any occur.
    skip_taps = not taps
    issues: dict[str, list[int]] = {}
    line = b""
    try:
        with open_regular(path) as f:
            for line in iter(partial(f.readline, MAX_LINE_BYTES), b""):
                if (
                    skip_taps and line.startswith(REP_PREFIX) and line[-2] == 0x7D
                ):  # ends in `}` + newline (cheaper than endswith)
                    continue  # a whole tap; a torn one falls through to be reported
                if not line.endswith(b"\n"):
                    if len(line) < MAX_LINE_BYTES:
                        break  # a torn last line: reported below
                    issues.setdefault("long", []).append(f.tell() - len(line))
                    line = b""
                    if _skip_long_line(f):
                        continue
                    break
                record = classify(line)
                if type(record) is str:
                    if line.strip():
                        issues.setdefault(record, []).append(f.tell() - len(line))
                    continue
                if record["v"] > FORMAT_VERSION or record["v"] < 1:
                    issues.setdefault("newer" if record["v"] > 1 else "foreign", []).append(
                        f.tell() - len(line)
                    )
                    continue
                handler = _HANDLERS.get(record["type"])
                try:
                    if handler is None:
                        raise LookupError(record["type"])
                    t = _number(record["t"])
                    if t is None:
                        raise ValueError("no time")
                    sid = record["session"]
                    session = sessions.get(sid)
                    if session is None:
                        session = sessions[sid] = LoggedSession(id=sid, source=path)
                    order += 1
                    handler(session, record, t, order, taps)
                except LookupError:
                    kind = "values" if handler else f"type:{record['type'][:40]}"
                    issues.setdefault(kind, []).append(f.tell() - len(line))
                    continue
                except (TypeError, ValueError):
                    issues.setdefault("values", []).append(f.tell() - len(line))
                    continue
                if t > session.last_t:
                    session.last_t = t
            if line and not line.endswith(b"\n"):
                issues["torn"] = [f.tell() - len(line)]
    except OSError as error:
        raise LogError(
            f"Cannot read the rep log {printable_path(path)}: {reason(error)}. "
            "Check the path and its permissions."
        ) from None
    if issues:
        problems.extend(_problems(path, _line_numbers(path, issues)))
    return order


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
                record = classify(line)
                if type(record) is not dict or record["type"] != "rep" or record["session"] != session:
                    continue
                try:
                    t, n = _number(record["t"]), _opt_int(record.get("n"))
                except (KeyError, ValueError):
                    continue  # read_log reports bad records; the pace just leaves them out
                if t is not None and (not taps or taps[-1] != (t, n)):  # a retried write can repeat a line
                    taps.append((t, n))
        except OSError as error:
            raise LogError(f"Cannot read the rep log {printable_path(path)}: {reason(error)}.") from None
    taps.sort(key=lambda tap: tap[0])
    return taps


def _lines_containing(path: Path, needle: bytes, block_size: int = 1 << 24) -> Iterable[bytes]:
    """Complete lines (ending in a newline, at most MAX_LINE_BYTES long) of `path` that contain `needle`."""
    rest = b""
    skipping = False  # inside a line already known to be too long
    with open_regular(path) as f:
        while block := f.read(block_size):
            if skipping:
                cut = block.find(b"\n")
                if cut < 0:
                    continue
                block, skipping = block[cut + 1 :], False
            chunk = rest + block
            cut = chunk.rfind(b"\n") + 1
            chunk, rest = chunk[:cut], chunk[cut:]
            if len(rest) > MAX_LINE_BYTES:  # a line without end in sight: never hold it whole
                rest, skipping = b"", True
            found = chunk.find(needle)
            while found >= 0:
                start = chunk.rfind(b"\n", 0, found) + 1
                end = chunk.find(b"\n", found) + 1
                if end - start <= MAX_LINE_BYTES:
                    yield chunk[start:end]
                found = chunk.find(needle, end)


def _line_numbers(path: Path, issues: dict[str, list[int]]) -> dict[str, list[int]]:
    """Turn the byte offsets of problem lines into 1-based line numbers (one more pass, only when needed)."""
    wanted = sorted({offset for offsets in issues.values() for offset in offsets})
    numbers: dict[int, int] = {}
    seen_lines = position = 0
    with open_regular(path) as f:
        for offset in wanted:
            while position < offset:  # in slices: a problem at the end of a 1 GB log must not load it all
                block = f.read(min(offset - position, 1 << 20))
                if not block:
                    break
                seen_lines += block.count(b"\n")
                position += len(block)
            numbers[offset] = seen_lines + 1
    return {kind: [numbers[o] for o in offsets] for kind, offsets in issues.items()}


_MESSAGES = {
    "torn": "the last line is incomplete (the app or the computer stopped while writing it); skipped",
    "garbage": "not a readable record (damaged, or not JSON); skipped, the rest is kept",
    "foreign": "not a circuit-timer record (another program's data?); skipped",
    "newer": "written by a newer circuit-timer (log format version 2 or later); skipped. "
    "Update circuit-timer to read these lines",
    "values": "a record with values of the wrong kind or out of range; skipped",
    "long": "a line longer than 1 MiB (no record is); skipped without reading it",
}


def _problems(path: Path, issues: dict[str, list[int]]) -> list[Problem]:
    out = []
    for kind, lines in issues.items():
        shown = ", ".join(map(str, lines[:5])) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
        where = f"line {shown}" if len(lines) == 1 else f"lines {shown}"
        if kind.startswith("type:"):
            message = f'unknown record type "{printable_path(kind[5:])}"; skipped'
        else:
            message = _MESSAGES[kind]
        out.append(Problem(printable_path(path), where, message))
    return out


# The checks below run for every record of a 100 000-set log, hence exact type tests rather than isinstance
# (which would also let `true` pass as the number 1).


def _number(value: Any) -> float | None:
    # `-MAX_NUMBER <= value <= MAX_NUMBER` is also False for NaN, and rules out Infinity and 1e308.
    if value is None or ((type(value) is float or type(value) is int) and -MAX_NUMBER <= value <= MAX_NUMBER):
        return value
    raise ValueError("not a number, or not a usable one")


def _int(value: Any) -> int:
    if type(value) is not int or not -MAX_NUMBER <= value <= MAX_NUMBER:
        raise ValueError("not a whole number, or not a usable one")
    return value


def _opt_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _text(value: Any) -> str | None:
    if value is None or (type(value) is str and value.isascii()):
        return value
    if type(value) is not str:
        raise ValueError("not text")
    # JSON can spell lone surrogates (\\ud800) that no file or terminal can encode: replace them.
    return value.encode("utf-8", "replace").decode("utf-8")


def _key(r: dict[str, Any]) -> SetKey:
    return (_int(r["round"]), _int(r["station"]), _int(r["set"]), _opt_int(r.get("part")))


def _on_start(s: LoggedSession, r: dict[str, Any], t: float, order: int, taps: bool) -> None:
    get = r.get
    facts = (
        _text(get("circuit")),
        _text(get("circuit_path")),
        _text(get("circuit_sha256")),
        _text(get("athlete")),
        _number(get("planned_s")),
        _opt_int(get("sets")),
    )  # checked before anything changes, so a bad record leaves no trace
    program = (_text(get("program")), _opt_int(get("program_session")))
    if s.circuit is None:  # the first start record wins; a resume repeats the same facts
        s.circuit, s.circuit_path, s.circuit_sha256, s.athlete, s.planned_s, s.planned_sets = facts
        s.program, s.program_session = program
    if r["type"] == "session_resume":
        s.resumes += 1
    s._marks.append((t, order, "start"))
    at = _when(get("at"))
    if at is not None and (s.started_at is None or r["type"] == "session_start"):
        s.started_at = at  # the start record's time, else the earliest record seen


def _on_set(s: LoggedSession, r: dict[str, Any], t: float, order: int, taps: bool) -> None:
    get = r.get
    key = _key(r)
    logged = LoggedSet(
        *key,
        _text(get("exercise")),
        _text(get("station_name")),
        _number(get("load")),
        _text(get("unit")),
        _number(get("pct_e1rm")),
        _number(get("target_s")),
        _number(get("started_t")),
        _number(get("ended_t")),
        _opt_int(get("reps")),
        _opt_int(get("target_reps")),
        _text(get("ended_by")) or "time",
        t,
    )
    old = s.sets.get(key)
    # A set done again (back, resume) replaces the earlier one, but a redo cut short by quitting does not
    # replace a set that was finished: the athlete went back into it, then stopped; the finished set stands
    # (as it does in the engine and on the summary), and a resume does not ask for it again.
    redo_abandoned = logged.ended_by == "abort" and old is not None and old.ended_by != "abort"
    if old is None or (t >= old.t and not redo_abandoned):
        s.sets[key] = logged
    if s.started_at is None:
        s.started_at = _when(r.get("at"))


def _on_update(s: LoggedSession, r: dict[str, Any], t: float, order: int, taps: bool) -> None:
    key, reps = _key(r), _opt_int(r.get("reps"))
    old = s._updates.get(key)
    if old is None or t >= old[0]:
        s._updates[key] = (t, reps)


def _on_rep(s: LoggedSession, r: dict[str, Any], t: float, order: int, taps: bool) -> None:
    if taps:
        tap = (t, _opt_int(r.get("n")))
        if not s.taps or s.taps[-1] != tap:  # a retried write can repeat a line
            s.taps.append(tap)


def _on_end(s: LoggedSession, r: dict[str, Any], t: float, order: int, taps: bool) -> None:
    status = r.get("status")
    if status not in ("completed", "aborted"):
        raise ValueError("unknown status")
    total_s, total_reps = _number(r.get("total_s")), _opt_int(r.get("total_reps"))
    s._marks.append((t, order, status))
    s.total_s, s.total_reps = total_s, total_reps


def _on_count(s: LoggedSession, r: dict[str, Any], t: float, order: int, taps: bool) -> None:
    attr = {"pause": "pauses", "skip": "skips", "back": "backs"}.get(r["type"])
    if attr:
        setattr(s, attr, getattr(s, attr) + 1)


_HANDLERS: dict[str, Callable[[LoggedSession, dict[str, Any], float, int, bool], None]] = {
    "session_start": _on_start,
    "session_resume": _on_start,
    "set": _on_set,
    "set_update": _on_update,
    "rep": _on_rep,
    "pause": _on_count,
    "resume": _on_count,
    "skip": _on_count,
    "back": _on_count,
    "session_end": _on_end,
}


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


def _finish(s: LoggedSession) -> LoggedSession:
    """Apply corrections, put sets in timeline order, and decide the status from the last start/end."""
    for key, (t, reps) in s._updates.items():
        logged = s.sets.get(key)
        if logged is not None and t >= logged.t:
            logged.reps = reps
    s.sets = dict(sorted(s.sets.items(), key=lambda item: (*item[0][:3], item[0][3] or 0)))
    if s._marks:
        last = max(s._marks)[2]
        s.status = "unfinished" if last == "start" else last  # type: ignore[assignment]
    return s
