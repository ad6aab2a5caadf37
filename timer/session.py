"""The live session engine: a pure state machine over a plan's timeline, driven by an injected clock.

No Textual, no I/O, no sleeping (a test guards this). The UI calls the methods below with `now` taken
from its clock and renders what `state(now)` returns; the cue player and the log writer react to the
events that `state()` hands out once each.

CONTRACT (written first so the UI, cue and log work can proceed in parallel; keep signatures stable):
- Session(plan, *, metronome=False)
- start(now), pause(now), resume(now), toggle_pause(now), skip(now), back(now), extend_rest(now, seconds),
  add_rep(now) -> bool, undo_rep(now) -> bool, set_reps(phase_index, reps), set_metronome(on)
- state(now) -> State (includes the events due since the previous state() call)
Times: `now` is monotonic seconds; "session time" `t` = now - start (pauses included), as logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from timer.cues import Cue
from timer.plan import Phase, Plan

Status = Literal["ready", "running", "paused", "finished"]


@dataclass(frozen=True)
class PhaseChanged:
    """The current phase changed: by time running out, or by skip / back."""

    phase: Phase
    previous: Phase | None
    reason: Literal["start", "time", "skip", "back"]
    t: float
    """Session time of the change."""


@dataclass(frozen=True)
class SetEnded:
    """A work phase ended (by time or skip). One per work phase, parts included."""

    phase: Phase
    started_t: float
    ended_t: float
    reps: int
    """Reps tapped during the phase."""
    skipped: bool


@dataclass(frozen=True)
class CueDue:
    """A cue whose planned time has come."""

    cue: Cue
    planned_t: float
    """Session time the cue was due (the player may compare with `t` to drop late cues)."""


@dataclass(frozen=True)
class SessionFinished:
    t: float


Event = PhaseChanged | SetEnded | CueDue | SessionFinished


@dataclass(frozen=True)
class State:
    """A snapshot of the session for rendering."""

    status: Status
    phase: Phase
    phase_duration: float
    """The phase's length now (a rest extended with `+` is longer than planned)."""
    elapsed: float
    """Seconds done in the current phase (pauses excluded)."""
    remaining: float
    """Seconds left in the current phase."""
    next_phase: Phase | None
    total_remaining: float
    """Seconds left in the whole session (pauses excluded)."""
    t: float
    """Session time (since start, pauses included)."""
    reps: int
    """Reps tapped in the current (or, during a rest, the last) work phase."""
    paused_s: float
    """Total time spent paused so far."""
    wake_in: float
    """Seconds until something visible changes or a cue is due: when the UI should ask again."""
    events: tuple[Event, ...]


class Session:
    """A run through a plan. See the module docstring for the contract."""

    def __init__(self, plan: Plan, *, metronome: bool = False) -> None:
        raise NotImplementedError
