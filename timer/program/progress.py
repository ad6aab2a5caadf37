"""Where an athlete is in a program, from the rep log(s): each session's status and the next one.

A session counts as done only when the log holds a `completed` session of that program (by name, so an
edited program keeps its history) with that session number, for that athlete. Missed calendar days skip
nothing: the next session is the first one in order not done. No Textual here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from timer.plan import ProgramPlace, ProgramSession
from timer.program.expand import LoadedProgram
from timer.replog import index
from timer.replog.reader import LoggedSession, read_log

Status = Literal["done", "aborted", "next", "todo"]


@dataclass(frozen=True)
class SessionStatus:
    """One program session as the log shows it."""

    session: ProgramSession
    status: Status
    logged: LoggedSession | None = None
    """The completed run (or, when none, the latest interrupted one)."""

    @property
    def date(self) -> datetime | None:
        return self.logged.started_at if self.logged is not None else None


def program_sessions(
    logged: Iterable[LoggedSession], program: str, athlete: str | None
) -> dict[int, list[LoggedSession]]:
    """The logged runs of each session number of `program` for `athlete` (None: runs without a profile)."""
    runs: dict[int, list[LoggedSession]] = {}
    for s in logged:
        if s.program == program and s.program_session is not None and s.athlete == athlete:
            runs.setdefault(s.program_session, []).append(s)
    return runs


def statuses(
    loaded: LoadedProgram, logged: Iterable[LoggedSession], athlete: str | None
) -> list[SessionStatus]:
    """Every session of the program with its status; the first one not done is `next`."""
    runs = program_sessions(logged, loaded.program.name, athlete)
    out: list[SessionStatus] = []
    next_found = False
    for session in loaded.sessions:
        tries = runs.get(session.number, [])
        completed = [s for s in tries if s.status == "completed"]
        if completed:
            out.append(SessionStatus(session, "done", completed[-1]))
            continue
        latest = tries[-1] if tries else None
        if not next_found:
            next_found = True
            out.append(SessionStatus(session, "next", latest))
        elif latest is not None:
            out.append(SessionStatus(session, "aborted", latest))
        else:
            out.append(SessionStatus(session, "todo"))
    return out


def next_session(
    loaded: LoadedProgram, logged: Iterable[LoggedSession], athlete: str | None
) -> ProgramSession | None:
    """The first session in order not completed by `athlete`; None when the whole block is done."""
    done = {
        n
        for n, tries in program_sessions(logged, loaded.program.name, athlete).items()
        if any(s.status == "completed" for s in tries)
    }
    return next((s for s in loaded.sessions if s.number not in done), None)


def program_runs(paths: Iterable[str | os.PathLike[str]]) -> list[LoggedSession]:
    """Every program's sessions in the logs that exist, with their status (a new athlete has no log yet:
    nothing is done), oldest first; without their sets (`with_sets` adds them).

    `run PROGRAM`, the picker's "today", the summary's next session and `circuit-timer program` all ask
    this. With one log (the usual case) the program index beside it answers, so start-up does not grow
    with the log (timer.replog.index); with several, every line of them is read.
    """
    existing = [Path(p) for p in paths if Path(p).exists()]
    if len(existing) == 1:
        return index.program_runs(existing[0])
    return [s for s in read_log(existing)[0] if s.program is not None] if existing else []


def with_sets(paths: Iterable[str | os.PathLike[str]], runs: Iterable[LoggedSession]) -> list[LoggedSession]:
    """Some of `program_runs`' sessions read in full (sets, corrections, RPE), for the block's view."""
    existing = [Path(p) for p in paths if Path(p).exists()]
    runs = list(runs)
    ids = {s.id for s in runs}
    if len(existing) == 1:
        return index.with_sets(existing[0], runs)
    return [s for s in read_log(existing)[0] if s.id in ids] if existing and ids else []


def what_next(place: ProgramPlace, logs: Iterable[str | os.PathLike[str]], athlete: str | None) -> str:
    """The summary's line after a program session: the athlete's next session, read again from the log."""
    from timer.errors import CircuitTimerError
    from timer.program.expand import load_program

    try:
        loaded = load_program(place.path)
        upcoming = next_session(loaded, program_runs(logs), athlete)
    except CircuitTimerError as exc:  # the program was edited into a broken file meanwhile
        first = str(exc).splitlines()[0]
        return f"Next session unknown: {first}"
    if upcoming is None:
        return f"Block done: every session of {loaded.program.name} is logged."
    if upcoming.number == place.session.number:
        return f"Next time: this session again ({upcoming.line}); run --resume continues it"
    return f"Next: {upcoming.line} ({upcoming.circuit})"
