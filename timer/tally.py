"""What happened in a session, gathered from the engine for the summary screen.

Plain data, no Textual: the run screen builds it when the session ends, the summary screen shows it,
tests read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from timer.e1rm import convert
from timer.plan import Phase, Plan
from timer.session import Pause, Session, Skip


@dataclass(frozen=True)
class SetLine:
    """One finished work phase (each part of a complex counts as one)."""

    phase: Phase
    reps: int | None
    """Reps done: tapped or corrected; None when nothing was tapped or typed."""
    skipped: bool
    seconds: float
    """How long the set actually ran."""

    @property
    def volume(self) -> float:
        """Load × reps in the plan's units (0 for plain bodyweight or unknown reps; the added weight of
        "bw + 10 kg"). An absolute load written in the other unit is converted, not rounded."""
        if self.phase.load is None or self.reps is None:
            return 0.0
        return convert(self.phase.load, self.phase.unit, self.phase.display_unit) * self.reps


@dataclass(frozen=True)
class Tally:
    """Every set with its reps, totals, and what was paused or skipped."""

    plan: Plan
    sets: tuple[SetLine, ...]
    skips: tuple[Skip, ...]
    pauses: tuple[Pause, ...]
    paused_s: float
    total_s: float
    """Session time from start to end, pauses included."""
    completed: bool
    log_path: Path | None = None
    log_problem: str | None = None
    session_id: str | None = None
    """The log's id for this session (the summary leaves it out when comparing with earlier ones)."""
    earlier_sets: int = 0
    """A resumed session: sets done before the interruption (in the log, not in `sets`)."""
    earlier_reps: int = 0

    @classmethod
    def from_session(
        cls,
        session: Session,
        *,
        total_s: float,
        paused_s: float,
        confirmed: Iterable[int] = (),
        log_path: Path | None = None,
        log_problem: str | None = None,
        session_id: str | None = None,
        earlier: tuple[int, int] = (0, 0),
    ) -> Tally:
        """Read the engine's record; `confirmed` holds the sets whose reps the athlete typed or accepted.

        `earlier`: (sets, reps) done before the interruption of a resumed session.
        """
        sure = set(confirmed)
        lines = tuple(
            SetLine(
                s.phase,
                s.reps if (s.reps or s.phase.index in sure) else None,
                s.skipped,
                s.ended_t - s.started_t,
            )
            for s in session.completed_sets
        )
        return cls(
            plan=session.plan,
            sets=lines,
            skips=tuple(session.skips),
            pauses=tuple(session.pauses),
            paused_s=paused_s,
            total_s=total_s,
            completed=session.status == "finished",
            log_path=log_path,
            log_problem=log_problem,
            session_id=session_id,
            earlier_sets=earlier[0],
            earlier_reps=earlier[1],
        )

    @property
    def total_reps(self) -> int:
        return sum(s.reps or 0 for s in self.sets)

    @property
    def volume(self) -> float:
        return sum(s.volume for s in self.sets)
