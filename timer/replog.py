"""The rep log: one crash-safe JSON Lines file holding every session (writer, reader, path, resume).

The format is documented for coaches in docs/log-format.md. The rules that shape this module:
- append only, one record per line, each line written, flushed and fsynced before the call returns, so
  after kill -9 or a power cut the file holds every set that ended before it;
- a failing write (disk full, USB stick pulled) never stops the timer: the record stays in memory,
  is retried with every new record, and can be saved to another file at the summary;
- the reader keeps whatever can be read and says, with line numbers, what it skipped.

No Textual here: the CLI, the UI and the benchmark share this module.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import secrets
import stat
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import platformdirs

from timer import __version__
from timer.errors import LogError, Problem

if TYPE_CHECKING:  # the reader must not import the circuit models (pydantic): `history` starts faster
    from timer.plan import Phase, Plan

FORMAT_VERSION = 1
ENV_VAR = "CIRCUIT_TIMER_LOG"
LOG_NAME = "log.jsonl"

SetKey = tuple[int, int, int, int | None]
"""Where a set sits in the timeline: (round, station, set, part); part is None for a plain station."""
EndedBy = Literal["time", "skip", "abort"]
Status = Literal["completed", "aborted", "unfinished"]

_PEEK = 64 * 1024
# Our own rep lines start like this (keys are written in a fixed order); the reader skips them without
# parsing when taps are not wanted, which keeps a log full of taps fast to summarise.
_REP_PREFIX = b'{"v": 1, "type": "rep", '


# ---------------------------------------------------------------- where the log lives


def default_log_path() -> Path:
    """`$CIRCUIT_TIMER_LOG` if set, else `log.jsonl` in the user data folder of circuit-timer."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path("circuit-timer") / LOG_NAME


def prepare_log_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the log path (`--log` > `$CIRCUIT_TIMER_LOG` > default) and check it before a session.

    Creates the user data folder on first use, but never a folder the user named (a typo there should be
    an error, not a new folder). Raises LogError with a message for the athlete.
    """
    if cli_value:
        path = Path(cli_value).expanduser()
        check_writable(path)
        return path
    path = default_log_path()
    check_writable(path, create_folder=not os.environ.get(ENV_VAR))
    return path


def check_writable(path: str | os.PathLike[str], *, create_folder: bool = False) -> None:
    """Raise LogError unless records can be appended to `path`; creates the file (empty) if missing.

    Refuses a folder, a device or pipe, a file another program wrote, and a log from a newer version of
    circuit-timer (which is never written to, so it cannot be damaged).
    """
    path = Path(path)
    other = "give another file with --log"
    if create_folder:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LogError(
                f"Cannot create the folder {path.parent} for the rep log: {_reason(error)}."
            ) from None
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        blocker = next((p for p in path.parents if p.is_file()), path.parent)
        raise LogError(
            f"Cannot write the rep log {path}: {blocker} is a file, not a folder; {other}."
        ) from None
    except OSError as error:
        raise LogError(f"Cannot use the rep log {path}: {_reason(error)}; {other}.") from None
    if info is None:
        if not path.parent.is_dir():
            raise LogError(
                f"Cannot write the rep log {path}: the folder {path.parent} does not exist. "
                f"Create it, or {other}."
            )
    elif stat.S_ISDIR(info.st_mode):
        raise LogError(f"The rep log {path} is a folder; give a file inside it, such as {path / LOG_NAME}.")
    elif not stat.S_ISREG(info.st_mode):
        raise LogError(f"The rep log {path} is not a regular file (a device or a pipe); {other}.")
    else:
        _check_contents(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        os.close(fd)
    except OSError as error:
        raise LogError(
            f"Cannot write the rep log {path}: {_reason(error)}. Check the folder's permissions, or {other}."
        ) from None


def _check_contents(path: Path) -> None:
    """Look at the first record and the last 64 KiB: is this our log, in a version we may append to?"""
    try:
        with open(path, "rb") as f:
            head = f.read(_PEEK)
            size = f.seek(0, os.SEEK_END)
            f.seek(max(0, size - _PEEK))
            tail = f.read(_PEEK)
    except OSError as error:
        raise LogError(f"Cannot read the rep log {path}: {_reason(error)}.") from None
    lines = [line for line in head.split(b"\n")[:-1] if line.strip()]  # complete, non-blank lines
    if not lines:
        if size > _PEEK:  # 64 KiB without a line break is no log of ours
            raise LogError(_foreign_message(path))
        return  # empty, or a single torn line from a crash: the writer starts a new line after it
    # Ours if any record in the first 64 KiB is (the very first line may be torn by a crash).
    head_records = [r for r in map(_parse, lines) if r is not None]
    if not head_records:
        raise LogError(_foreign_message(path))
    tail_lines = tail.split(b"\n")[:-1]
    if size > _PEEK:
        tail_lines = tail_lines[1:]  # the first piece of the tail is probably the end of a longer line
    # A newer version appends after older records, so the head and the last few lines tell.
    for record in [*head_records, *(r for r in map(_parse, tail_lines[-3:]) if r is not None)]:
        if record["v"] > FORMAT_VERSION:
            raise LogError(
                f"The rep log {path} was written by a newer circuit-timer (log format version "
                f"{record['v']}); this version writes version {FORMAT_VERSION} and will not add to it. "
                "Update circuit-timer, or give another file with --log."
            )


def _foreign_message(path: Path) -> str:
    return (
        f"{path} does not look like a circuit-timer rep log (none of its first lines is one of our records). "
        "Nothing was written to it; give another file with --log."
    )


_decode = json.JSONDecoder().decode


def _classify(line: bytes) -> dict[str, Any] | Literal["garbage", "foreign"]:
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


def _parse(line: bytes) -> dict[str, Any] | None:
    record = _classify(line)
    return record if isinstance(record, dict) else None


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


# ---------------------------------------------------------------- writing


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_session_id(when: datetime) -> str:
    """Readable and unique enough to merge a squad's logs: `20250302T180405Z-3fa2c1`."""
    return f"{when.astimezone(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def set_key(phase: Phase) -> SetKey:
    """The (round, station, set, part) of a work phase."""
    assert phase.round is not None and phase.station is not None and phase.set is not None
    return (phase.round, phase.station, phase.set, phase.part)


def logged_reps(tapped: int | None, target_reps: int | None) -> int | None:
    """Reps as logged: what was tapped, but null when nothing was tapped and the set had no target.

    A timed set nobody counted is "not counted", not "zero reps"; a set with a rep target that ended
    without a tap is logged as 0 so the coach sees it.
    """
    if tapped is None or (tapped == 0 and target_reps is None):
        return None
    return tapped


def encode(record: dict[str, Any]) -> bytes:
    """One record as a line of UTF-8 JSON ending in a newline (names stay readable: no \\u escapes)."""
    try:
        return (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (a non-UTF-8 name from the command line) cannot be UTF-8; escaped it is valid JSON.
        return (json.dumps(record, default=str) + "\n").encode("ascii")


def _append(fd: int, data: bytes, sync: bool) -> None:
    """Write all of `data` at the end of the file and fsync it (flush alone is not durable).

    The one place bytes reach the disk: tests replace it to simulate a full disk.
    """
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    if sync:
        os.fsync(fd)


class SessionLog:
    """Appends one session's records to the log; never raises on a failed write (see `failed`).

    Args:
        path: the log file (check it first with `prepare_log_path` / `check_writable`).
        clock_start: the monotonic time the session started (the engine's `start(now)`); `t` = now - it.
        session_id: a new id if None; `start(..., resume=point)` continues the resumed session's id.
        wall: the wall clock (UTC datetimes) for `at`; tests pass a fake.
        sync: fsync each record. Only the synthetic-log generator turns this off.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        clock_start: float,
        session_id: str | None = None,
        wall: Callable[[], datetime] = utc_now,
        sync: bool = True,
    ) -> None:
        self.path = Path(path)
        self.clock_start = clock_start
        self.session_id = session_id or new_session_id(wall())
        self.pending: list[dict[str, Any]] = []
        """Records not yet safely on disk, oldest first (retried with every new record)."""
        self.last_error: str | None = None
        """The latest write failure in words for the athlete (kept after a recovery; see `failed`)."""
        self.written = 0
        self._wall = wall
        self._sync = sync
        self._fd: int | None = None
        self._checked = False
        self._offset = 0.0  # a resumed session's time keeps counting from where it stopped
        self._reps: dict[SetKey, int | None] = {}
        self._start_record: dict[str, Any] | None = None
        self._open_set: tuple[Phase, float] | None = None  # the work phase under way, from `handle`
        self._lock = threading.Lock()  # the UI may write from a worker thread; records keep their order

    @property
    def failed(self) -> bool:
        """True while some records are only in memory: show `last_error` as a warning."""
        return bool(self.pending)

    # -- the records

    def start(
        self,
        plan: Plan,
        *,
        now: float,
        circuit_path: str | os.PathLike[str] | None = None,
        circuit_sha256: str | None = None,
        athlete: str | None = None,
        resume: ResumePoint | None = None,
    ) -> bool:
        """Write `session_start`, or `session_resume` when continuing `resume` (same id, time goes on)."""
        fields: dict[str, Any] = {
            "circuit": plan.name,
            "circuit_path": str(circuit_path) if circuit_path is not None else None,
            "circuit_sha256": circuit_sha256,
            "athlete": athlete if athlete is not None else plan.athlete,
            "planned_s": plan.total_s,
            "sets": len({set_key(p)[:3] for p in plan.phases if p.is_work}),
            "unit": plan.unit,
            "app": f"circuit-timer {__version__}",
        }
        if resume is None:
            record = self._record("session_start", now, **fields)
            self._start_record = record
            return self._emit(record)
        self.session_id = resume.session
        self._offset = resume.last_t
        self._reps = dict(resume.reps)
        first = resume.first_phase(plan)
        where = {k: getattr(first, k) if first else None for k in ("round", "station", "set", "part")}
        record = self._record("session_resume", now, **fields, **{f"from_{k}": v for k, v in where.items()})
        self._start_record = record
        return self._emit(record)

    def set_ended(
        self,
        phase: Phase,
        *,
        started_t: float,
        ended_t: float,
        reps: int | None,
        now: float,
        ended_by: EndedBy = "time",
    ) -> bool:
        """Write `set` for a work phase (one per part). Times are the engine's session times.

        `ended_by="abort"` records a set cut short by quitting: its reps are kept, and a resume does it again.
        """
        value = logged_reps(reps, phase.target_reps)
        self._reps[set_key(phase)] = value
        return self._emit(
            self._record(
                "set",
                now,
                **_place(phase),
                exercise=phase.exercise,
                station_name=phase.station_name,
                load=phase.load,
                unit=phase.unit,
                pct_e1rm=phase.pct_e1rm,
                target_s=phase.duration_s,
                started_t=self._shift(started_t),
                ended_t=self._shift(ended_t),
                reps=value,
                target_reps=phase.target_reps,
                ended_by=ended_by,
            )
        )

    def set_update(self, phase: Phase, reps: int | None, now: float) -> bool:
        """Write `set_update`: a correction of a set's reps (readers take the latest)."""
        self._reps[set_key(phase)] = reps
        return self._emit(self._record("set_update", now, **_place(phase), reps=reps))

    def rep(self, now: float, count: int | None = None) -> bool:
        """Write `rep` for a tap; `count` is the set's tally after it (lower after an undo)."""
        return self._emit(self._record("rep", now) | ({"n": count} if count is not None else {}))

    def pause(self, now: float) -> bool:
        return self._emit(self._record("pause", now))

    def resume(self, now: float) -> bool:
        """The end of a pause (not to be confused with `start(..., resume=...)`)."""
        return self._emit(self._record("resume", now))

    def skip(self, now: float, phase: Phase, to: Phase | None = None) -> bool:
        """Write `skip`: `phase` is the one left early, `to` the one that started."""
        return self._emit(self._record("skip", now, **_jump(phase, to)))

    def back(self, now: float, phase: Phase, to: Phase | None = None) -> bool:
        """Write `back`: `phase` is the one left, `to` the earlier one that started again."""
        return self._emit(self._record("back", now, **_jump(phase, to)))

    def end(
        self,
        status: Literal["completed", "aborted"],
        *,
        now: float,
        total_s: float | None = None,
        total_reps: int | None = None,
    ) -> bool:
        """Write `session_end`; totals default to the time now and the reps logged so far (resume included).

        Call it once; it closes the file.
        """
        total = self._shift(total_s) if total_s is not None else self._t(now)
        if total_reps is None:
            total_reps = sum(r for r in self._reps.values() if r is not None)
        ok = self._emit(self._record("session_end", now, status=status, total_s=total, total_reps=total_reps))
        if ok:
            self.close()
        return ok

    def abort(self, now: float, *, reps: int = 0) -> bool:
        """Quit mid-session (`q`, SIGTERM, SIGHUP): log the set under way with its reps so far, then the end.

        Knows the set under way from the engine events passed to `handle`. Such a set is logged with
        `ended_by: "abort"`, so a resume does it again.
        """
        if self._open_set is not None:
            phase, started_t = self._open_set
            self.set_ended(
                phase,
                started_t=started_t,
                ended_t=now - self.clock_start,
                reps=reps,
                now=now,
                ended_by="abort",
            )
        return self.end("aborted", now=now)

    def handle(self, event: object, now: float) -> bool:
        """Log an engine event from `Session.state(now).events`; events the log does not need are ignored."""
        from timer.session import PhaseChanged, SessionFinished, SetEnded

        if isinstance(event, PhaseChanged):  # remember the work set under way, for `abort`
            self._open_set = (event.phase, event.t) if event.phase.is_work else None
        if isinstance(event, SetEnded):
            if self._open_set is not None and self._open_set[0].index == event.phase.index:
                self._open_set = None
            return self.set_ended(
                event.phase,
                started_t=event.started_t,
                ended_t=event.ended_t,
                reps=event.reps,
                now=now,
                ended_by="skip" if event.skipped else "time",
            )
        if (
            isinstance(event, PhaseChanged)
            and event.previous is not None
            and event.reason in ("skip", "back")
        ):
            return (self.skip if event.reason == "skip" else self.back)(now, event.previous, event.phase)
        if isinstance(event, SessionFinished):
            self._open_set = None
            return self.end("completed", now=now, total_s=event.t)
        return True

    # -- failures

    def retry(self) -> bool:
        """Try the pending records again (e.g. from a timer in the UI); True when nothing is pending."""
        with self._lock:
            return self._flush()

    def save_pending_to(self, path: str | os.PathLike[str]) -> None:
        """Append the records the log could not take to another file (raises LogError if that fails too).

        The session's start record goes first when it is not among them, so the file reads on its own;
        `history --log main --log other` merges the two (same session id).
        """
        target = Path(path)
        check_writable(target)
        with self._lock:
            records = list(self.pending)
            if self._start_record is not None and self._start_record not in records:
                records.insert(0, self._start_record)
            try:
                fd = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
                try:
                    _start_new_line(fd, self._sync)
                    _append(fd, b"".join(map(encode, records)), self._sync)
                finally:
                    os.close(fd)
            except OSError as error:
                raise LogError(
                    f"Could not save the session to {target} either: {_reason(error)}. Try another place."
                ) from None
            self.pending.clear()

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            # Closing a file on a vanished disk may fail: the records' fate was decided by fsync, not close.
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> SessionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals

    def _t(self, now: float) -> float:
        return round(now - self.clock_start + self._offset, 3)

    def _shift(self, session_t: float) -> float:
        return round(session_t + self._offset, 3)

    def _record(self, record_type: str, now: float, /, **fields: Any) -> dict[str, Any]:
        at = self._wall().astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        head = {
            "v": FORMAT_VERSION,
            "type": record_type,
            "session": self.session_id,
            "t": self._t(now),
            "at": at,
        }
        return head | fields

    def _emit(self, record: dict[str, Any]) -> bool:
        with self._lock:
            self.pending.append(record)
            return self._flush()

    def _flush(self) -> bool:
        """Write every pending record, oldest first, in one write and one fsync.

        A record leaves `pending` only once fsynced. If the failure came after some bytes landed, the retry
        writes them again: the reader takes the latest set record and ignores repeated taps.
        """
        if not self.pending:
            return True
        try:
            if self._fd is None:
                self._fd = self._open()
            _append(self._fd, b"".join(map(encode, self.pending)), self._sync)
        except (OSError, LogError) as error:
            self.close()  # reopen next time, which also starts a new line after any torn bytes
            self.last_error = (
                str(error)
                if isinstance(error, LogError)
                else f"Could not write to the rep log {self.path}: {_reason(error)}. Every record is kept "
                "and written as soon as the disk takes it; at the end you can save it to another file."
            )
            return False
        self.written += len(self.pending)
        self.pending.clear()
        return True

    def _open(self) -> int:
        if not self._checked:
            check_writable(self.path)  # never append to another program's file or a newer-format log
            self._checked = True
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            _start_new_line(fd, self._sync)
        except OSError:
            os.close(fd)
            raise
        return fd


def _start_new_line(fd: int, sync: bool) -> None:
    """Add a newline if the file's last byte is not one (a crash or a failed write tore the last line)."""
    size = os.fstat(fd).st_size
    if size and os.pread(fd, 1, size - 1) != b"\n":
        _append(fd, b"\n", sync)


def _place(phase: Phase) -> dict[str, Any]:
    return {"round": phase.round, "station": phase.station, "set": phase.set, "part": phase.part}


def _jump(phase: Phase, to: Phase | None) -> dict[str, Any]:
    return {"phase": phase.index, "kind": phase.kind, **_place(phase), "to_phase": to.index if to else None}


# ---------------------------------------------------------------- reading


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
    skip = b"\x00" if taps else _REP_PREFIX  # b"\x00" skips nothing: taps are parsed
    issues: dict[str, list[int]] = {}
    line = b""
    try:
        with open(path, "rb") as f:
            for line in f:
                if (
                    line.startswith(skip) and line[-2] == 0x7D
                ):  # ends in `}` + newline (cheaper than endswith)
                    continue  # a whole tap; a torn one falls through to be reported
                if not line.endswith(b"\n"):
                    break  # a torn last line: reported below
                record = _classify(line)
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
            f"Cannot read the rep log {path}: {_reason(error)}. Check the path and its permissions."
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
                record = _classify(line)
                if type(record) is not dict or record["type"] != "rep" or record["session"] != session:
                    continue
                try:
                    t, n = _number(record["t"]), _opt_int(record.get("n"))
                except (KeyError, ValueError):
                    continue  # read_log reports bad records; the pace just leaves them out
                if t is not None and (not taps or taps[-1] != (t, n)):  # a retried write can repeat a line
                    taps.append((t, n))
        except OSError as error:
            raise LogError(f"Cannot read the rep log {path}: {_reason(error)}.") from None
    taps.sort(key=lambda tap: tap[0])
    return taps


def _lines_containing(path: Path, needle: bytes, block_size: int = 1 << 24) -> Iterable[bytes]:
    """Complete lines (ending in a newline) of `path` that contain `needle`."""
    rest = b""
    with open(path, "rb") as f:
        while block := f.read(block_size):
            chunk = rest + block
            cut = chunk.rfind(b"\n") + 1
            chunk, rest = chunk[:cut], chunk[cut:]
            found = chunk.find(needle)
            while found >= 0:
                start = chunk.rfind(b"\n", 0, found) + 1
                end = chunk.find(b"\n", found) + 1
                yield chunk[start:end]
                found = chunk.find(needle, end)


def _line_numbers(path: Path, issues: dict[str, list[int]]) -> dict[str, list[int]]:
    """Turn the byte offsets of problem lines into 1-based line numbers (one more pass, only when needed)."""
    wanted = sorted({offset for offsets in issues.values() for offset in offsets})
    numbers: dict[int, int] = {}
    seen_lines = position = 0
    with open(path, "rb") as f:
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
    "values": "a record with values of the wrong kind; skipped",
}


def _problems(path: Path, issues: dict[str, list[int]]) -> list[Problem]:
    out = []
    for kind, lines in issues.items():
        shown = ", ".join(map(str, lines[:5])) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
        where = f"line {shown}" if len(lines) == 1 else f"lines {shown}"
        if kind.startswith("type:"):
            message = f'unknown record type "{kind[5:]}"; skipped'
        else:
            message = _MESSAGES[kind]
        out.append(Problem(str(path), where, message))
    return out


# The checks below run for every record of a 100 000-set log, hence exact type tests rather than isinstance
# (which would also let `true` pass as the number 1).


def _number(value: Any) -> float | None:
    if value is None or type(value) is float or type(value) is int:
        return value
    raise ValueError("not a number")


def _int(value: Any) -> int:
    if type(value) is not int:
        raise ValueError("not a whole number")
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
    if s.circuit is None:  # the first start record wins; a resume repeats the same facts
        s.circuit, s.circuit_path, s.circuit_sha256, s.athlete, s.planned_s, s.planned_sets = facts
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
    if old is None or t >= old.t:  # a set done again (back, resume) replaces the earlier one
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
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


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


# ---------------------------------------------------------------- resuming


@dataclass(frozen=True)
class ResumePoint:
    """An interrupted session that `run --resume` can continue with the same id."""

    session: str
    circuit: str | None
    circuit_sha256: str | None
    athlete: str | None
    started_at: datetime | None
    status: Status
    last_t: float
    """The session time the interrupted run reached; the resumed run's times continue from it."""
    done: frozenset[SetKey]
    reps: dict[SetKey, int | None]

    def first_phase(self, plan: Plan) -> Phase | None:
        """The first work phase of the first set not completed (part 1 of a complex); None if all are done."""
        first_of_set: dict[tuple[int, int, int], Phase] = {}
        for phase in plan.phases:
            if not phase.is_work:
                continue
            key = set_key(phase)
            first_of_set.setdefault(key[:3], phase)
            if key not in self.done:
                return first_of_set[key[:3]]
        return None

    def describe(self, plan: Plan) -> str:
        """What the athlete sees before resuming."""
        parts: dict[tuple[int, int, int], list[bool]] = {}
        for phase in plan.phases:
            if phase.is_work:
                parts.setdefault(set_key(phase)[:3], []).append(set_key(phase) in self.done)
        total, done = len(parts), sum(all(flags) for flags in parts.values())
        first = self.first_phase(plan)
        when = f" of {self.started_at.astimezone():%a %d %b %H:%M}" if self.started_at else ""
        if first is None:
            return f"Every set of the session{when} is logged; there is nothing left to resume."
        return (
            f"Resuming the session{when}: {done} of {total} sets done; next is round {first.round}, "
            f'station {first.station} "{first.station_name}", set {first.set}.'
        )


def find_resumable(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    sha256: str | None = None,
    name: str | None = None,
    athlete: str | None = None,
) -> ResumePoint | None:
    """The latest session of a circuit if it was aborted or cut off; None when it was completed or absent.

    Matches the circuit by its file's SHA-256 when given, else by name; `athlete` narrows a shared log.
    Only the latest session counts: once a later run of the circuit completed, an old abort is history.
    """
    if not sha256 and not name:
        raise ValueError("find_resumable needs the circuit's sha256 or name")
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    sessions, _ = read_log([p for p in paths if Path(p).exists()])
    matching = [
        s
        for s in sessions
        if (s.circuit_sha256 == sha256 if sha256 else s.circuit == name)
        and (athlete is None or s.athlete == athlete)
    ]
    if not matching or matching[-1].status == "completed":
        return None
    s = matching[-1]
    # Taps after the last set (a kill mid-set) are later still; the resumed clock must start after them.
    taps = read_taps([p for p in paths if Path(p).exists()], s.id)
    last_t = max(s.last_t, taps[-1][0] if taps else 0.0)
    return ResumePoint(
        session=s.id,
        circuit=s.circuit,
        circuit_sha256=s.circuit_sha256,
        athlete=s.athlete,
        started_at=s.started_at,
        status=s.status,
        last_t=last_t,
        done=s.completed_keys(),
        reps=s.reps_by_set(),
    )
