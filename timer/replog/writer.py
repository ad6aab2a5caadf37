"""The rep log: one crash-safe JSON Lines file holding every session. The writer.

The format is documented for coaches in docs/log-format.md. The rules that shape the writer:
- append only, one record per line, each line written, flushed and fsynced (before the call returns, or
  with `background=True` by the log's own thread, `timer.replog.background`, so a hung disk never
  freezes the countdown), so after kill -9 or a power cut the file holds every set that ended before it;
  a record counts as saved only once fsynced;
- a failing write (disk full, USB stick pulled) never stops the timer: the record stays in memory,
  is retried with every new record, and can be saved to another file at the summary;
- the log is checked before a session starts, and a file that is not ours, or is from a newer version,
  is never written to.

No Textual here.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from timer import __version__
from timer.errors import LogError
from timer.replog.background import DRAIN_S, WriterThread
from timer.replog.lines import FORMAT_VERSION, SetKey, reason, set_key
from timer.replog.lock import SessionLock
from timer.replog.paths import _check_writable, check_writable
from timer.text import printable_path

if TYPE_CHECKING:
    from timer.plan import Phase, Plan
    from timer.replog.resume import ResumePoint


EndedBy = Literal["time", "skip", "abort"]


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_session_id(when: datetime) -> str:
    """Readable and unique enough to merge a squad's logs: `20250302T180405Z-3fa2c1`."""
    return f"{when.astimezone(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def logged_reps(reps: int | None, counted: bool) -> int | None:
    """Reps as logged: exactly what was tapped or typed; null when the set was not counted.

    Nothing the athlete did not enter is ever written: an untouched set is `null` (with `counted: false`),
    never 0 and never its target.
    """
    return reps if counted else None


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
        background: write on a thread of the log's own (the app's sessions); otherwise on the caller's.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        clock_start: float,
        session_id: str | None = None,
        wall: Callable[[], datetime] = utc_now,
        sync: bool = True,
        background: bool = False,
    ) -> None:
        self.path = Path(path)
        self.clock_start = clock_start
        self.session_id = session_id or new_session_id(wall())
        self.pending: list[dict[str, Any]] = []
        """Records not yet safely on disk, oldest first: in flight, or kept after a failed write (retried
        with every new record)."""
        self.last_error: str | None = None
        """The latest write failure in words for the athlete (kept after a recovery; see `failed`)."""
        self.written = 0
        self._wall = wall
        self._sync = sync
        self._fd: int | None = None
        self._checked = False
        self._recheck = False  # a write failed: check the path again before the next
        self._identity: tuple[int, int] | None = None  # (device, inode) of the log file first opened
        self.orphaned = False
        """The log file was deleted, replaced or unmounted: nothing more goes to that path this session;
        every record of the session waits in `pending` for the rescue file."""
        self._first_offset: int | None = None  # where this session's lines begin in the file it opened
        self._offset = 0.0  # a resumed session's time keeps counting from where it stopped
        self._reps: dict[SetKey, int | None] = {}
        self._finished: set[SetKey] = set()  # sets ended by time or skip: an abort never replaces them
        self._start_record: dict[str, Any] | None = None
        self._open_set: tuple[Phase, float] | None = None  # the work phase under way, from `handle`
        # `_lock` guards `pending` and is never held across disk I/O (a rescue must not wait on a hung fsync);
        # `_io_lock` lets one thread at a time write the file (the UI thread, a worker, the writer thread).
        self._lock = threading.Lock()
        self._io_lock = threading.Lock()
        self._failing = False  # the latest write failed (cleared by one that succeeds)
        self._now = 0.0  # the latest clock time a record was made at
        self._handed: dict[int, float] = {}  # id(record) -> when it was handed over (for "saving…")
        self._thread = (
            WriterThread(self._write_pending, self._thread_failed, name="circuit-timer log writer")
            if background
            else None
        )
        self.session_lock: SessionLock | None = None
        """Held from `start` to a written `end`: `run --resume` refuses a session whose writer is alive."""

    @property
    def failed(self) -> bool:
        """True while records are only in memory after a failed write: show `last_error` as a warning."""
        return self._failing and bool(self.pending)

    @property
    def waiting_since(self) -> float | None:
        """The clock time the oldest record not yet on disk was made at, while no write has failed (the
        disk is slow, or the writer thread has not got to it yet); None when everything is saved."""
        with self._lock:
            if self._failing or not self.pending:
                return None
            return self._handed.get(id(self.pending[0]))

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
        if plan.program is not None:  # a session of a program: which one, and where in the block
            fields.update(plan.program.log_fields())
        if resume is not None:
            self.session_id = resume.session
        self.session_lock = SessionLock(self.path, self.session_id)
        # False only if another process took it since `run --resume` checked: rare, and the lock is advisory,
        # so the session goes on rather than stop an athlete mid-circuit.
        self.session_lock.acquire()
        if resume is None:
            record = self._record("session_start", now, **fields)
            self._start_record = record
            return self._emit(record)
        self.session_id = resume.session
        self._offset = resume.last_t
        self._reps = dict(resume.reps)
        self._finished = set(resume.done)
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
        counted: bool | None = None,
        active_s: float | None = None,
        paused_s: float = 0.0,
    ) -> bool:
        """Write `set` for a work phase (one per part). Times are the engine's session times.

        `counted` says whether `reps` was tapped or typed (None: when `reps` is not None); an uncounted
        set is logged with `reps: null`. `active_s` is the work time without pauses (default: the whole
        span less `paused_s`).
        `ended_by="abort"` records a set cut short by quitting: its reps are kept, and a resume does it again;
        but a redo of a finished set cut short this way leaves the finished set (and its reps) standing.
        """
        if counted is None:
            counted = reps is not None
        value = logged_reps(reps, counted)
        if active_s is None:
            active_s = max(0.0, ended_t - started_t - paused_s)
        key = set_key(phase)
        # The reader's rule: a redo cut short by quitting does not replace a finished set, so its reps
        # (with any correction) stay in the end record's total, as they do in `history`.
        if ended_by != "abort":
            self._finished.add(key)
            self._reps[key] = value
        elif key not in self._finished:
            self._reps[key] = value
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
                e1rm_source=phase.e1rm_source,
                target_s=phase.duration_s,
                started_t=self._shift(started_t),
                ended_t=self._shift(ended_t),
                reps=value,
                target_reps=phase.target_reps,
                ended_by=ended_by,
                counted=value is not None,
                active_s=round(active_s, 3),
                paused_s=round(paused_s, 3),
                parts=phase.parts_in_set,
            )
        )

    def set_update(self, phase: Phase, reps: int | None, now: float) -> bool:
        """Write `set_update`: a correction of a set's reps (readers take the latest)."""
        self._reps[set_key(phase)] = reps
        return self._emit(self._record("set_update", now, **_place(phase), reps=reps))

    def extend(self, now: float, phase: Phase, seconds: float, duration_s: float) -> bool:
        """Write `extend`: a rest (or get-ready) lengthened by `seconds`, now `duration_s` long."""
        return self._emit(
            self._record(
                "extend", now, phase=phase.index, kind=phase.kind, seconds=seconds, duration_s=duration_s
            )
        )

    def session_rpe(self, now: float, rpe: int, minutes: float) -> bool:
        """Write `session_rpe`: how hard the session was (CR-10, 0-10) and Foster's load, RPE x minutes.

        Asked on the summary, so it comes after `session_end` (the file is opened again for it).
        """
        minutes = round(minutes, 1)
        return self._emit(
            self._record("session_rpe", now, rpe=rpe, minutes=minutes, load=round(rpe * minutes))
        )

    def rep(self, now: float, count: int | None = None) -> bool:
        """Write `rep` for a tap; `count` is the set's tally after it (lower after an undo)."""
        return self._emit(self._record("rep", now) | ({"n": count} if count is not None else {}))

    def pause(self, now: float) -> bool:
        return self._emit(self._record("pause", now))

    def stopped(self, session_t: float, gap_s: float) -> bool:
        """Write `pause` with `reason: "stopped"`: the process did not run for `gap_s` seconds from session
        time `session_t` (SIGSTOP, a suspended laptop), and the session paused where the gap began."""
        record = self._record("pause", self.clock_start + session_t, reason="stopped", gap_s=round(gap_s, 3))
        return self._emit(record)

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
        paused_s: float | None = None,
    ) -> bool:
        """Write `session_end`; totals default to the time now and the reps logged so far (resume included).

        `paused_s`: the time paused in this run (the record leaves it out when unknown). Call it once; it
        closes the file (a later correction or `session_rpe` opens it again).
        """
        total = self._shift(total_s) if total_s is not None else self._t(now)
        if total_reps is None:
            total_reps = sum(r for r in self._reps.values() if r is not None)
        extra = {"paused_s": round(paused_s, 3)} if paused_s is not None else {}
        # Once it is written the file is closed and the session lock released (see `_flush`).
        return self._emit(
            self._record("session_end", now, status=status, total_s=total, total_reps=total_reps, **extra)
        )

    def abort(
        self,
        now: float,
        *,
        reps: int = 0,
        counted: bool | None = None,
        active_s: float | None = None,
        paused_s: float | None = None,
    ) -> bool:
        """Quit mid-session (`q`, SIGTERM, SIGHUP): log the set under way with its reps so far, then the end.

        Knows the set under way from the engine events passed to `handle`. Such a set is logged with
        `ended_by: "abort"`, so a resume does it again. `counted` (default: reps > 0) and `active_s` (the
        set's work time without pauses; default: all of it) come from the engine; `paused_s` is the
        session's time paused, for the end record.
        """
        if self._open_set is not None:
            phase, started_t = self._open_set
            ended_t = now - self.clock_start
            active = min(ended_t - started_t, active_s) if active_s is not None else ended_t - started_t
            self.set_ended(
                phase,
                started_t=started_t,
                ended_t=ended_t,
                reps=reps,
                now=now,
                ended_by="abort",
                counted=reps > 0 if counted is None else counted,
                active_s=max(0.0, active),
                paused_s=max(0.0, ended_t - started_t - active),
            )
        return self.end("aborted", now=now, paused_s=paused_s)

    def handle(self, event: object, now: float) -> bool:
        """Log an engine event from `Session.state(now).events`; events the log does not need are ignored."""
        from timer.session import PhaseChanged, RestExtended, SessionFinished, SetEnded, Stopped

        if isinstance(event, Stopped):
            return self.stopped(event.t, event.gap_s)
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
                counted=event.counted,
                active_s=event.active_s,
                paused_s=event.paused_s,
            )
        if isinstance(event, RestExtended):
            return self.extend(now, event.phase, event.seconds, event.duration_s)
        if (
            isinstance(event, PhaseChanged)
            and event.previous is not None
            and event.reason in ("skip", "back")
        ):
            return (self.skip if event.reason == "skip" else self.back)(now, event.previous, event.phase)
        if isinstance(event, SessionFinished):
            self._open_set = None
            return self.end("completed", now=now, total_s=event.t, paused_s=event.paused_s)
        return True

    # -- failures

    def retry(self) -> bool:
        """Try the pending records again; True when nothing is pending (with a writer thread: nothing known
        to have failed, the try happens on the thread)."""
        if self._thread is not None and self._thread.alive:
            self._thread.wake()
            return not self.failed
        return self._write_pending()

    def flush(self, timeout: float = DRAIN_S) -> bool:
        """Wait (at most `timeout` seconds) for the records in flight; True when every record is on disk."""
        if self._thread is not None:
            self._thread.flush(timeout)
        return not self.pending

    def save_pending_to(self, path: str | os.PathLike[str]) -> None:
        """Append the records the log could not take to another file (raises LogError if that fails too).

        The session's start record goes first when it is not among them, so the file reads on its own;
        `history --log main --log other` merges the two (same session id).
        """
        target = Path(path)
        existed = os.path.lexists(target)
        try:
            self._save_to(target)
        except LogError:
            # A rescue that failed leaves nothing behind: the open below creates the file before writing.
            with contextlib.suppress(OSError):
                if not existed and target.stat().st_size == 0:
                    target.unlink()
            raise

    def _save_to(self, target: Path) -> None:
        _check_writable(target, False, "choose another file")
        # Every record not known to be on disk, those in flight on a hung disk included (if the disk answers
        # later they are in both files; read together they are one session). Not under `_io_lock`: the
        # writer thread may be stuck in an fsync.
        with self._lock:
            saving = list(self.pending)
        records = list(saving)
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
                f"Could not save the session to {printable_path(target)} either: {reason(error)}. "
                "Try another place."
            ) from None
        self._drop(saving)

    def close(self, timeout: float = DRAIN_S) -> bool:
        """Let the writer thread finish (at most `timeout` seconds), end it, and close the file.

        True when every record is on disk; otherwise they are still in `pending` for the rescue. A thread
        stuck in fsync is left behind (a daemon: it cannot keep the process alive) with the file open.
        """
        if self._thread is not None and not self._thread.stop(timeout):
            return False
        with self._io_lock:
            self._close_file()
        return not self.pending

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
        self._now = max(self._now, now)
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
        """Hand `record` over: written now, or woken on the writer thread. True unless a write is failing."""
        with self._lock:
            self.pending.append(record)
            self._handed[id(record)] = self._now
        if self._thread is not None and self._thread.alive:
            self._thread.wake()
            return not self._failing
        return self._write_pending()  # no thread, or it was stopped by `close`: write here

    def _write_pending(self) -> bool:
        """Write what is pending now (the writer thread's job, or the caller's without one)."""
        with self._io_lock:
            with self._lock:
                batch = list(self.pending)
            return self._flush(batch)

    def _drop(self, saved: list[dict[str, Any]]) -> None:
        """`saved` is on disk (in the log or the rescue file): it leaves `pending`, whatever came after."""
        ids = {id(record) for record in saved}
        with self._lock:
            self.pending[:] = [record for record in self.pending if id(record) not in ids]
            for key in ids:
                self._handed.pop(key, None)

    def _thread_failed(self, error: BaseException) -> None:
        """An unexpected error on the writer thread: the records stay pending for the rescue, and it shows."""
        where = printable_path(self.path)
        self.last_error = f"Could not write to the rep log {where}: {error!r}. Every record is kept."
        self._failing = True

    def _flush(self, batch: list[dict[str, Any]]) -> bool:
        """Write `batch` (every pending record, oldest first) in one write and one fsync.

        A record leaves `pending` only once fsynced. If the failure came after some bytes landed, the retry
        writes them again: the reader takes the latest set record and ignores repeated taps.
        """
        if not batch:
            return True
        if self.orphaned:
            return False
        try:
            if self._fd is None:
                self._fd = self._open()
            self._check_identity(self._fd)
            if self._recheck:  # after a failed write: the checks made before the session, and a new line
                check_writable(self.path)
                _start_new_line(self._fd, self._sync)
                self._recheck = False
            _append(self._fd, b"".join(map(encode, batch)), self._sync)
        except _Orphaned:
            # What went to the vanished file is gone from the path: the rescue file gets the whole session,
            # read back from the file still open (a deleted file lives on while open; not kept in memory,
            # so a long session stays small).
            back = self._read_back()
            with self._lock:
                self.pending[:0] = back
            self._close_file()
            self.orphaned = True
            where = printable_path(self.path)
            self.last_error = f"{LOG_MOVED} ({where}). Every record of this session is kept."
            self._failing = True
            return False
        except (OSError, LogError) as error:
            # The file stays open: should it vanish before the next try, this session's records are read
            # back from it for the rescue. The next try re-runs the checks and starts a new line after any
            # torn bytes.
            self._recheck = True
            self.last_error = (
                str(error)
                if isinstance(error, LogError)
                else f"Could not write to the rep log {printable_path(self.path)}: {reason(error)}. "
                "Every record is kept "
                "and written as soon as the disk takes it; at the end you can save it to another file."
            )
            self._failing = True
            return False
        self.written += len(batch)
        self._drop(batch)
        self._failing = False
        if any(record["type"] == "session_end" for record in batch):
            # The end is written: close the file (a correction or the RPE opens it again) and let go of the
            # session, so `run --resume` may continue it.
            self._close_file()
            if self.session_lock is not None:
                self.session_lock.release()
        return True

    def _close_file(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            # Closing a file on a vanished disk may fail: the records' fate was decided by fsync, not close.
            with contextlib.suppress(OSError):
                os.close(fd)

    def _read_back(self) -> list[dict[str, Any]]:
        """This session's records already written to the open (now orphaned) file; [] if unreadable."""
        if self._fd is None or self._first_offset is None:
            return []
        try:
            size = os.fstat(self._fd).st_size
            data = os.pread(self._fd, max(0, size - self._first_offset), self._first_offset)
        except OSError:  # an unmounted disk: those records are gone with it
            return []
        records = []
        for line in data.split(b"\n"):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("session") == self.session_id:
                records.append(record)
        return records

    def _check_identity(self, fd: int) -> None:
        """Raise _Orphaned unless the open file is still the file at the path (same device and inode, still
        linked): a deleted folder, a file replaced or swapped for a symlink, an unmounted disk."""
        opened = os.fstat(fd)
        if self._identity is None:
            self._identity = (opened.st_dev, opened.st_ino)
        try:
            there = os.stat(self.path, follow_symlinks=False)
        except OSError:
            raise _Orphaned from None
        same = (there.st_dev, there.st_ino) == self._identity == (opened.st_dev, opened.st_ino)
        if not same or opened.st_nlink == 0:
            raise _Orphaned

    def _open(self) -> int:
        if not self._checked:
            check_writable(self.path)  # never append to another program's file or a newer-format log
            self._checked = True
        # Never through a symlink swapped in for the log (O_NOFOLLOW); `_check_identity` then compares the
        # file opened with the one the session began with.
        flags = os.O_RDWR | os.O_APPEND | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(self.path, flags | (os.O_CREAT if self._identity is None else 0), 0o644)
        except OSError as error:
            if self._identity is not None and error.errno in (errno.ELOOP, errno.ENOENT):
                raise _Orphaned from None  # a symlink now, or gone
            raise
        try:
            self._check_identity(fd)
            _start_new_line(fd, self._sync)
            if self._first_offset is None:
                self._first_offset = os.fstat(fd).st_size
        except (OSError, _Orphaned):
            os.close(fd)
            raise
        return fd


class _Orphaned(Exception):
    """The log at the path is no longer the file this session writes to."""


LOG_MOVED = "log moved or deleted — records kept, will ask where to save"
"""The warning when the log vanished mid-session (the summary then offers the rescue file)."""


def _start_new_line(fd: int, sync: bool) -> None:
    """Add a newline if the file's last byte is not one (a crash or a failed write tore the last line)."""
    size = os.fstat(fd).st_size
    if size and os.pread(fd, 1, size - 1) != b"\n":
        _append(fd, b"\n", sync)


def _place(phase: Phase) -> dict[str, Any]:
    return {"round": phase.round, "station": phase.station, "set": phase.set, "part": phase.part}


def _jump(phase: Phase, to: Phase | None) -> dict[str, Any]:
    return {"phase": phase.index, "kind": phase.kind, **_place(phase), "to_phase": to.index if to else None}
