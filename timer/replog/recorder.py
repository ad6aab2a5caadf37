"""Between the session runner and the rep log: opens the log at session start and passes records on.

No Textual here. Without a log (tests, `make_app(log=None)`) every call does nothing. The log itself
never raises on a failed write; this class only notices new failures so the screen can warn once. A log it
opens itself writes on its own thread (`timer.replog.background`): calls here return at once, and
`saving_since` / `problem` say what the disk has not taken yet.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Protocol

from timer.plan import Phase, Plan
from timer.replog import background
from timer.replog.resume import Resume, ResumePoint, original_phase
from timer.session import Event, PhaseChanged, RestExtended, SessionFinished, SetEnded


class RepLog(Protocol):
    """What the recorder needs of a log: `timer.replog.SessionLog`, or a test's stand-in.

    Stand-ins may leave out the attributes read with `getattr` below (`session_id`, `pending`, `last_error`).
    """

    @property
    def path(self) -> Path: ...
    @property
    def failed(self) -> bool:
        """True while some records are only in memory."""
        ...

    def start(
        self,
        plan: Plan,
        *,
        now: float,
        circuit_path: str | os.PathLike[str] | None = None,
        circuit_sha256: str | None = None,
        resume: ResumePoint | None = None,
    ) -> bool: ...
    def handle(self, event: object, now: float) -> bool: ...
    def rep(self, now: float, count: int | None = None) -> bool: ...
    def pause(self, now: float) -> bool: ...
    def resume(self, now: float) -> bool: ...
    def set_update(self, phase: Phase, reps: int | None, now: float) -> bool: ...
    def abort(
        self,
        now: float,
        *,
        reps: int = 0,
        counted: bool | None = None,
        active_s: float | None = None,
        paused_s: float | None = None,
    ) -> bool: ...
    def session_rpe(self, now: float, rpe: int, minutes: float) -> bool: ...
    def retry(self) -> bool: ...
    def save_pending_to(self, path: str | os.PathLike[str]) -> None: ...


def file_sha256(path: Path | None) -> str | None:
    """The circuit file's SHA-256 (the log uses it to find a session to resume); None if unreadable."""
    if path is None:
        return None
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class Recorder:
    """Forwards what happens in a session to a `timer.replog.SessionLog`, if there is one."""

    def __init__(
        self, log: RepLog | None = None, log_path: Path | None = None, resume: Resume | None = None
    ) -> None:
        self.log = log
        self._log_path = log_path
        self._resume = resume
        self._told: str | None = None
        self.ended = False
        """True once `session_end` was handed to the log (completed or aborted)."""
        self.discarded = False
        """True once the athlete chose to quit without saving the unsaved records (no rescue file then)."""

    @property
    def path(self) -> Path | None:
        path = getattr(self.log, "path", None) if self.log is not None else None
        return path if isinstance(path, Path) else None

    @property
    def session_id(self) -> str | None:
        value = getattr(self.log, "session_id", None) if self.log is not None else None
        return value if isinstance(value, str) else None

    def start(self, plan: Plan, now: float, circuit_path: Path | None) -> None:
        """Open the log (now = the engine's start) and write the session's first record.

        When resuming, the log gets the full timeline and the resume point: `session_resume`, same id.
        """
        if self.log is None and self._log_path is not None:
            from timer.replog import SessionLog

            self.log = SessionLog(self._log_path, clock_start=now, background=True)
        if self.log is None:
            return
        sha = file_sha256(circuit_path)
        if self._resume is not None:
            self.log.start(
                self._resume.full,
                now=now,
                circuit_path=circuit_path,
                circuit_sha256=sha,
                resume=self._resume.point,
            )
        else:
            self.log.start(plan, now=now, circuit_path=circuit_path, circuit_sha256=sha)

    def event(self, event: Event, now: float) -> None:
        if self.log is None:
            return
        if self._resume is not None:  # name the phases as the full timeline does
            if isinstance(event, PhaseChanged):
                previous = original_phase(self._resume, event.previous) if event.previous else None
                event = replace(event, phase=original_phase(self._resume, event.phase), previous=previous)
            elif isinstance(event, (SetEnded, RestExtended)):
                event = replace(event, phase=original_phase(self._resume, event.phase))
        self.log.handle(event, now)
        if isinstance(event, SessionFinished):
            self.ended = True

    def rep(self, now: float, count: int) -> None:
        if self.log is not None:
            self.log.rep(now, count)

    def pause(self, now: float, paused: bool) -> None:
        if self.log is not None:
            (self.log.pause if paused else self.log.resume)(now)

    def set_update(self, phase: Phase, reps: int | None, now: float) -> None:
        if self.log is not None:
            self.log.set_update(original_phase(self._resume, phase), reps, now)

    def abort(
        self,
        now: float,
        reps: int,
        *,
        counted: bool | None = None,
        active_s: float | None = None,
        paused_s: float | None = None,
    ) -> None:
        """Quit mid-session: the log writes the set under way (it knows it from the events) with `reps`
        (when `counted`) and its `active_s`, then `session_end` aborted with the time paused."""
        if self.log is None or self.ended:
            return
        self.ended = True
        self.log.abort(now, reps=reps, counted=counted, active_s=active_s, paused_s=paused_s)

    def session_rpe(self, now: float, rpe: int, minutes: float) -> None:
        """The athlete's session RPE from the summary (after the end record)."""
        if self.log is not None:
            self.log.session_rpe(now, rpe, minutes)

    @property
    def problem(self) -> str | None:
        """The log's current write failure, if records are only in memory."""
        if self.log is None or not getattr(self.log, "failed", False):
            return None
        error = getattr(self.log, "last_error", None)
        return error if isinstance(error, str) and error else "the rep log cannot be written"

    @property
    def unsaved(self) -> int:
        """How many records are only in memory (0 when the log has them all)."""
        if self.problem is None:
            return 0
        pending = getattr(self.log, "pending", None)
        return len(pending) if isinstance(pending, list) else 1

    @property
    def waiting(self) -> int:
        """How many records are not on disk yet: in flight to a slow disk, or kept after a failure."""
        pending = getattr(self.log, "pending", None) if self.log is not None else None
        return len(pending) if isinstance(pending, list) else 0

    @property
    def saving_since(self) -> float | None:
        """The clock time the oldest record still in flight was made (no failure known); None: all saved."""
        since = getattr(self.log, "waiting_since", None) if self.log is not None else None
        return since if isinstance(since, (int, float)) else None

    def flush(self, timeout: float | None = None) -> bool:
        """Wait at most `timeout` seconds (`background.DRAIN_S`) for the records in flight; True when the log
        holds them all."""
        flush = getattr(self.log, "flush", None) if self.log is not None else None
        return bool(flush(_drain(timeout))) if callable(flush) else self.waiting == 0

    def close(self, timeout: float | None = None) -> None:
        """The end of the app (or of `--plain`): let the log's writer thread finish and join it.

        Call `rescue_unsaved` first when nobody can be asked: what the disk did not take by then is lost
        to the process's exit otherwise.
        """
        close = getattr(self.log, "close", None) if self.log is not None else None
        if callable(close):
            close(_drain(timeout))

    def retry(self) -> None:
        """Try the log again (the disk may have room now)."""
        if self.log is not None and self.problem is not None:
            self.log.retry()

    def save_unsaved_to(self, path: str | os.PathLike[str]) -> None:
        """Save the records the log could not take to `path` (LogError with a message if that fails too)."""
        if self.log is not None:
            self.log.save_pending_to(path)
        self._told = None

    def new_problem(self) -> str | None:
        """The failure to tell the athlete about, once per distinct message."""
        problem = self.problem
        if problem is None or problem == self._told:
            return None
        self._told = problem
        return problem


def default_rescue_path(today: date | None = None) -> Path:
    """Where records the log could not take are offered to go: `~/circuit-timer-rescue-<date>.jsonl`.

    Another day's file is another name; the same day appends (sessions keep their ids, so
    `history --log log.jsonl --log rescue.jsonl` reads them together).
    """
    return Path.home() / f"circuit-timer-rescue-{(today or date.today()).isoformat()}.jsonl"


def _drain(timeout: float | None) -> float:
    """How long an exit waits for the disk (read when called: tests shorten it)."""
    return background.DRAIN_S if timeout is None else timeout


def rescue_unsaved(recorder: Recorder | None, timeout: float | None = None) -> str | None:
    """With no one to ask (exit, SIGTERM, SIGHUP): wait up to `timeout` for the records in flight, then save
    what the log has not taken to the default rescue file.

    Returns what happened, for the terminal after exit; None when there was nothing to save.
    """
    if recorder is None:
        return None
    timeout = _drain(timeout)
    recorder.flush(timeout)
    if recorder.problem is None and recorder.waiting == 0:
        return None
    from timer.errors import CircuitTimerError

    why = (
        "The rep log could not be written"
        if recorder.problem is not None
        else f"The rep log's disk did not take the last records within {timeout:g} s"
    )
    target = default_rescue_path()
    try:
        recorder.save_unsaved_to(target)
    except (CircuitTimerError, OSError) as error:
        return f"{why} and saving elsewhere failed too: {error}"
    return f"{why}; this session's records were saved to {target}"
