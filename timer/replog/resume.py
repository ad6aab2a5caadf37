"""Continuing an interrupted session: the point in the log (`find_resumable`), and the part of the
timeline still to do (`prepare_resume`).

`run --resume` hands the app a `Resume`. The engine runs a shortened plan: the circuit's get-ready phase
(if it has one), then every phase from the first set not completed. Each phase keeps its
round/station/set/part, so the log's records name the same places as the first run; the `origin` list maps
the shortened plan's phase indexes back to the full timeline for `skip`/`back` records. No Textual here.
"""

from __future__ import annotations

import enum
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from timer.replog.lines import SetKey, Status, set_key
from timer.replog.reader import LoggedSession, latest_start, read_log, read_taps
from timer.replog.records import Start
from timer.text import clean_text

if TYPE_CHECKING:
    from timer.plan import Phase, Plan


class Anyone(enum.Enum):
    ANYONE = "anyone"


ANYONE = Anyone.ANYONE
"""`find_resumable(athlete=ANYONE)`: a session of any athlete (`run --resume` always names one, or None)."""


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
    """Places not to do again: their set ended by time or skip (a set cut short by quitting is redone)."""
    reps: dict[SetKey, int | None]
    sets_done: int | None = None
    """Sets done as every view counts them (`timer.records`); None: counted from `done` and the plan."""
    sets_cut_short: int = 0

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
        total = len(parts)
        done = self.sets_done if self.sets_done is not None else sum(all(f) for f in parts.values())
        cut = f", {self.sets_cut_short} cut short" if self.sets_cut_short else ""
        first = self.first_phase(plan)
        # Whose session, and from when: a shared log holds several athletes' sessions of one circuit.
        started = self.started_at
        when = f" of {started.astimezone():%a %d %b %Y %H:%M}" if started else " of unknown date"
        whose = f"{clean_text(self.athlete)}'s session" if self.athlete else "the session"
        without = "" if self.athlete else " (no athlete)"
        if first is None:
            return f"Every set of {whose}{when}{without} is logged; there is nothing left to resume."
        return (
            f"Resuming {whose}{when}{without}: {done} of {total} sets done{cut}; "
            f"next is round {first.round}, "
            f'station {first.station} "{first.station_name}", set {first.set}.'
        )


def find_resumable(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    sha256: str | None = None,
    name: str | None = None,
    athlete: str | Anyone | None = ANYONE,
    program: tuple[str, int] | None = None,
) -> ResumePoint | None:
    """The latest session of a circuit if it was aborted or cut off; None when it was completed or absent.

    Matches the circuit by its file's SHA-256 when given, else by name; `athlete` narrows a shared log to
    one athlete's sessions (None: sessions logged without an athlete; ANYONE, the default: any).
    Only the latest session counts: once a later run of the circuit completed, an old abort is history.
    With one log and a SHA-256 or a program (`run --resume`) it reads from the end, only what it needs; a
    session whose `session_start` line is damaged is then not offered.
    `program` = (program name, session number) matches a program's session instead, so an edit to another
    week of the program does not hide it (the caller compares the circuit's SHA-256).
    """
    if not sha256 and not name and not program:
        raise ValueError("find_resumable needs the circuit's sha256 or name")
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    paths = [p for p in paths if Path(p).exists()]

    def wanted(s: LoggedSession | Start) -> bool:
        if program is not None:
            same = (s.program, s.program_session) == program
        else:
            same = s.circuit_sha256 == sha256 if sha256 else s.circuit == name
        return same and (athlete is ANYONE or s.athlete == athlete)

    # What every start line of a wanted session holds, spelt as the writer spells it (names unescaped).
    needle = json.dumps(program[0], ensure_ascii=False) if program else json.dumps(sha256) if sha256 else None
    if needle and len(paths) == 1:
        # One log, as `run --resume` has: read it from the end, and only the lines of the session found
        # (start-up must not grow with the log). The latest start line of the circuit is its latest session.
        s = latest_start(paths[0], needle.encode("utf-8"), wanted)
        last_t = s.last_t if s else 0.0  # its taps included: the resumed clock starts after the last one
    else:
        matching = [s for s in read_log(paths)[0] if wanted(s)]
        s = matching[-1] if matching else None
        last_t = s.last_t if s else 0.0
        # Taps after the last set (a kill mid-set) are later still; the resumed clock must start after them.
        taps = read_taps(paths, s.id) if s else []
        if taps:
            last_t = max(last_t, taps[-1][0])
    if s is None or s.status == "completed":
        return None
    result = s.result()
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
        sets_done=result.done,
        sets_cut_short=result.cut_short,
    )


@dataclass(frozen=True)
class Resume:
    """A resume ready to run: the point in the log, the full plan, and the plan the engine runs."""

    point: ResumePoint
    full: Plan
    """The circuit's whole timeline (the log's `session_resume` describes the session with it)."""
    plan: Plan
    """What is left: get ready, then the first set not completed and everything after it."""
    origin: tuple[int, ...]
    """For each phase of `plan`, the index of the same phase in `full`."""
    start: Phase
    """The first phase done again: part 1 of the first set not completed (every set before it is done)."""

    @property
    def earlier(self) -> tuple[int, int]:
        """Sets (a complex counts once) and reps done before the interruption, for the summary."""
        before = [p for p in self.full.phases[: self.start.index] if p.is_work]
        sets = len({set_key(p)[:3] for p in before})
        reps = sum(self.point.reps.get(set_key(p)) or 0 for p in before)
        return sets, reps

    @property
    def text(self) -> str:
        """What the overview shows before Enter."""
        return self.point.describe(self.full)


def prepare_resume(point: ResumePoint, full: Plan) -> Resume | None:
    """The remaining plan for `point`; None when every set is already logged (nothing to resume)."""
    first = point.first_phase(full)
    if first is None:
        return None
    kept: list[Phase] = [p for p in full.phases[:1] if p.kind == "prepare"]
    kept.extend(full.phases[first.index :])
    phases: list[Phase] = []
    clock = 0
    for i, phase in enumerate(kept):
        phases.append(replace(phase, index=i, start_s=clock))
        clock += phase.duration_s
    plan = replace(full, phases=tuple(phases))
    return Resume(point=point, full=full, plan=plan, origin=tuple(p.index for p in kept), start=first)


def original_phase(resume: Resume | None, phase: Phase) -> Phase:
    """The full timeline's phase for a phase of the resumed plan (the phase itself when not resuming)."""
    if resume is None or phase.index >= len(resume.origin):
        return phase
    return resume.full.phases[resume.origin[phase.index]]
