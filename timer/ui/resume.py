"""Continuing an interrupted session: the part of the timeline still to do, and where it came from.

`run --resume` hands the app a `ResumePoint` (from the rep log). The engine runs a shortened plan: the
circuit's get-ready phase (if it has one), then every phase from the first set not completed. Each phase
keeps its round/station/set/part, so the log's records name the same places as the first run; the
`origin` list maps the shortened plan's phase indexes back to the full timeline for `skip`/`back`
records. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from timer.logreader import ResumePoint, set_key
from timer.plan import Phase, Plan


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
