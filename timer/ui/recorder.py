"""Between the run screen and the rep log: opens the log at session start and passes records on.

No Textual here. Without a log (tests, `make_app(log=None)`) every call does nothing. The log itself
never raises on a failed write; this class only notices new failures so the screen can warn once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from timer.plan import Phase, Plan
from timer.session import Event


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

    def __init__(self, log: Any | None = None, log_path: Path | None = None) -> None:
        self.log = log
        self._log_path = log_path
        self._told: str | None = None

    @property
    def path(self) -> Path | None:
        return getattr(self.log, "path", None) if self.log is not None else None

    def start(self, plan: Plan, now: float, circuit_path: Path | None) -> None:
        """Open the log (now = the engine's start) and write the session's first record."""
        if self.log is None and self._log_path is not None:
            from timer.replog import SessionLog

            self.log = SessionLog(self._log_path, clock_start=now)
        if self.log is not None:
            self.log.start(plan, now=now, circuit_path=circuit_path, circuit_sha256=file_sha256(circuit_path))

    def event(self, event: Event, now: float) -> None:
        if self.log is not None:
            self.log.handle(event, now)

    def rep(self, now: float, count: int) -> None:
        if self.log is not None:
            self.log.rep(now, count)

    def pause(self, now: float, paused: bool) -> None:
        if self.log is not None:
            (self.log.pause if paused else self.log.resume)(now)

    def set_update(self, phase: Phase, reps: int, now: float) -> None:
        if self.log is not None:
            self.log.set_update(phase, reps, now)

    def abort(self, now: float, t: float, current: Phase, phase_started_t: float, reps: int) -> None:
        """Quit mid-session: a work set cut short keeps its reps, then `session_end` says aborted."""
        if self.log is None:
            return
        if current.is_work:
            self.log.set_ended(
                current, started_t=phase_started_t, ended_t=t, reps=reps, now=now, ended_by="abort"
            )
        self.log.end("aborted", now=now)

    @property
    def problem(self) -> str | None:
        """The log's current write failure, if records are only in memory."""
        if self.log is None or not getattr(self.log, "failed", False):
            return None
        return getattr(self.log, "last_error", None) or "the rep log cannot be written"

    def new_problem(self) -> str | None:
        """The failure to tell the athlete about, once per distinct message."""
        problem = self.problem
        if problem is None or problem == self._told:
            return None
        self._told = problem
        return problem
