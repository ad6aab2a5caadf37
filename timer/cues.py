"""The cue schedule: which sound (and flash) is due when, computed from the timeline, not improvised by the UI.

CONTRACT (written first so the engine, UI and audio work can proceed in parallel):
- `Cue(kind, at, priority, say)` with `at` = seconds from the start of its phase.
- `phase_cues(phase, duration_s, next_phase, plan, *, metronome) -> list[Cue]`: every cue of one phase,
  collisions already resolved (within COLLISION_S the more important cue wins), sorted by `at`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CueKind = Literal[
    "count",      # one beep of the 3-2-1 countdown before work starts and before it ends
    "go",         # work starts
    "stop",       # work ends
    "halfway",    # middle of a work set of 60 s or more
    "rest10",     # 10 seconds left in a rest
    "part",       # the next movement of a complex starts
    "round_end",  # a round is done (longer tone)
    "final",      # the circuit is done
    "tick",       # metronome at the station's cadence
    "announce",   # spoken phrase only ("Next: Step-ups, 20 kilos", "Round 2 of 3")
]

COLLISION_S = 0.3
PRIORITY: dict[str, int] = {
    "final": 100,
    "go": 90,
    "stop": 85,
    "round_end": 80,
    "part": 70,
    "count": 60,
    "halfway": 50,
    "rest10": 45,
    "announce": 40,
    "tick": 10,
}
"""Higher wins when two cues fall within COLLISION_S of each other."""


@dataclass(frozen=True)
class Cue:
    kind: CueKind
    at: float
    """Seconds from the start of the phase it belongs to."""
    say: str | None = None
    """A phrase to speak with (or instead of) the tone, when voice is on."""

    @property
    def priority(self) -> int:
        return PRIORITY[self.kind]
