"""What happened in a session, gathered from the engine for the summary screen.

Plain data, no Textual: the run screen builds it when the session ends, the summary screen shows it,
tests read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from timer.e1rm import convert
from timer.plan import Phase, Plan
from timer.records import Part, SessionResult, format_pause, format_time, format_volume, group_sets
from timer.session import Pause, Session, Skip, State


def _place(phase: Phase) -> tuple[int, int, int, int | None]:
    """(round, station, set, part) of a work phase: where the log puts it."""
    return (phase.round or 0, phase.station or 0, phase.set or 0, phase.part)


@dataclass(frozen=True)
class SetLine:
    """One finished work phase (each part of a complex is one line; `Tally.result` groups them)."""

    phase: Phase
    reps: int | None
    """Reps done: tapped or typed; None when nothing was (not counted)."""
    skipped: bool
    seconds: float
    """Work time done, pauses left out (`active_s` in the log)."""
    ended_by: str = ""
    """`time`, `skip` or `abort` (default: from `skipped`)."""

    @property
    def how(self) -> str:
        return self.ended_by or ("skip" if self.skipped else "time")

    @property
    def part(self) -> Part:
        p = self.phase
        return Part(p.part, p.exercise, self.how, self.seconds, self.reps, p.load, p.unit)

    @property
    def volume(self) -> float:
        """Load × reps in the plan's units (0 for plain bodyweight or unknown reps; the added weight of
        "bw + 10 kg"). An absolute load written in the other unit is converted, not rounded."""
        if self.phase.load is None or self.reps is None:
            return 0.0
        return convert(self.phase.load, self.phase.unit, self.phase.display_unit) * self.reps


def under_way(session: Session, state: State) -> SetLine | None:
    """The work set under way when a session is quit (`ended_by: abort`), as the summary lists it."""
    if state.status == "finished" or not state.phase.is_work:
        return None
    index = state.phase.index
    reps = session.reps_for(index) if session.counted(index) else None
    return SetLine(state.phase, reps, True, state.elapsed, "abort")


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
        cut: SetLine | None = None,
        log_path: Path | None = None,
        log_problem: str | None = None,
        session_id: str | None = None,
        earlier: tuple[int, int] = (0, 0),
    ) -> Tally:
        """Read the engine's record: reps only where the athlete tapped or typed them.

        `cut`: the set under way when the session was quit (ended by `abort`), if any.
        `earlier`: (sets, reps) done before the interruption of a resumed session.
        """
        lines = tuple(
            SetLine(s.phase, s.reps if s.counted else None, s.skipped, s.active_s)
            for s in session.completed_sets
        ) + ((cut,) if cut is not None else ())
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
    def planned(self) -> int:
        """Sets in the timeline run (a complex counts once), plus those done before a resume."""
        return len({_place(p)[:3] for p in self.plan.phases if p.is_work}) + self.earlier_sets

    @property
    def result(self) -> SessionResult:
        """The sets as every view counts them (`timer.records`): done, cut short, not counted."""
        parts = [(_place(s.phase), s.phase.station_name or "", s.part) for s in self.sets]
        planned_parts = {_place(s.phase)[:3]: s.phase.parts_in_set for s in self.sets}
        return SessionResult(group_sets(parts, planned_parts), self.planned, self.completed)

    @property
    def total_reps(self) -> int:
        return sum(s.reps or 0 for s in self.sets)

    @property
    def volume(self) -> float:
        return self.result.volume()

    @property
    def active_s(self) -> float:
        return sum(s.seconds for s in self.sets)

    # --- as text (the summary screen and `run --plain` say the same) -----------------------------------

    def totals_text(self) -> str:
        """`Time 2:36 · 1/2 sets done, 1 cut short · 1 set not counted · 12 reps · volume 360 kg`, and for a
        resumed session a second line with what was done before the break."""
        result = self.result
        unit = self.plan.unit
        volume = result.volume(unit)
        bits = [f"Time {format_time(self.total_s)}", result.sets_text()]
        if result.not_counted:
            bits.append(f"{_count(result.not_counted, 'set')} not counted")
        bits.append(f"{self.total_reps} reps")
        if volume:
            bits.append(f"volume {format_volume(volume)} {unit}")
        text = " · ".join(bits)
        if self.earlier_sets:
            text += (
                f"\nResumed: {_count(self.earlier_sets, 'set')} and {self.earlier_reps} reps before the break"
            )
        return text

    def breaks_text(self) -> str:
        """`Paused 1× for 0:07 · skipped 1: rest (0:04 left)`: pauses (lengths as the floor), skips."""
        bits = [
            f"Paused {len(self.pauses)}× for {format_pause(self.paused_s)}" if self.pauses else "No pauses"
        ]
        if self.skips:
            names = {"prepare": "get ready", "work": "work", "rest": "rest", "round_rest": "round rest"}
            listed = ", ".join(
                f"{names[s.phase.kind]}"
                + (f" {s.phase.exercise}" if s.phase.is_work else "")
                + f" ({format_time(s.remaining_s)} left)"
                for s in self.skips
            )
            bits.append(f"skipped {len(self.skips)}: {listed}")
        else:
            bits.append("nothing skipped")
        return " · ".join(bits)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
