"""The cue schedule: which sound (and flash) is due when, computed from the timeline, not made up by the UI.

CONTRACT (written first so the engine, UI and audio work can proceed in parallel):
- `Cue(kind, at, priority, say)` with `at` = seconds from the start of its phase.
- `phase_cues(phase, duration_s, next_phase, plan, *, metronome) -> list[Cue]`: every cue of one phase,
  collisions already resolved (within COLLISION_S the more important cue wins), sorted by `at`.

The rules, per phase (D = the phase's length now, so an extended rest moves its end cues):
- work: "go" at 0 (or "part" at 0 for the second and later movements of a complex); "count" at D-3, D-2,
  D-1; at D exactly one end tone: "final" after the circuit's last set, "round_end" after a round's last
  set when more rounds follow, "stop" when a rest follows, nothing when another work phase follows (its
  own "go"/"part" marks the change); "halfway" (say "Halfway") at the midpoint of sets of 60 s or more,
  a complex counting as one set (the cue sits in whichever part holds the midpoint; right on a part change
  it loses to "part"); "tick" every 60/cadence seconds from 0 when the metronome is on and the movement
  has a cadence.
- prepare / rest / round_rest before a work phase: "count" at D-3, D-2, D-1 (the 3-2-1 before work belongs
  to the phase before it), and what comes next, said "Next: Step-ups, 20 kilos":
  - D >= REST10_MIN_REST_S (13 s): "rest10" at D-10, a tone that means what it says (10 seconds left),
    at least 3 s after the phase began (the stop tone has rung out) and 7 s before the countdown.
  - shorter phases get no "rest10" tone (less than 10 s is left, and near the start it would be heard as
    part of the stop tone or the 3-2-1): the phrase alone is an "announce" at ANNOUNCE_AT_S, only when
    NEXT_ROOM_S are left for it before the countdown (D >= 7 s); else nothing is said (the screen shows it).
- The phase right after a round's last set (usually the round rest) says "Round 2 of 3" ("announce") at
  ANNOUNCE_AT_S, after the round_end tone has rung out. In a phase shorter than REST10_MIN_REST_S that
  announcement takes the place of the "Next" one (two phrases at once would talk over each other).

Collision rule: two cues closer than COLLISION_S never both play. Cues are taken by PRIORITY (highest
first, then earliest) and a cue is kept only if no cue already kept lies within COLLISION_S of it. This is
applied to the phase's own cues together with the neighbouring phases' cues that lie within COLLISION_S of
its edges (at their planned lengths), so a "go" at the start of one phase silences a tick or a count at the
very end of the phase before, and each phase's list already holds only the survivors: the engine merely
plays them in order.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import Literal

from timer.e1rm import format_weight
from timer.plan import Phase, Plan

CueKind = Literal[
    "count",  # one beep of the 3-2-1 countdown before work starts and before it ends
    "go",  # work starts
    "stop",  # work ends
    "halfway",  # middle of a work set of 60 s or more
    "rest10",  # 10 seconds left in a rest
    "part",  # the next movement of a complex starts
    "round_end",  # a round is done (longer tone)
    "final",  # the circuit is done
    "tick",  # metronome at the station's cadence
    "announce",  # spoken phrase only ("Next: Step-ups, 20 kilos", "Round 2 of 3")
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

HALFWAY_MIN_SET_S = 60
"""Sets at least this long (all parts of a complex together) get a "halfway" cue."""
REST10_BEFORE_S = 10
"""The "rest10" cue comes this long before the end of a rest."""
COUNTDOWN_S = 3
"""The 3-2-1 beeps take the last this many seconds of a phase."""
REST10_MIN_REST_S = REST10_BEFORE_S + COUNTDOWN_S
"""Only rests at least this long get a "rest10" tone: it then lands 3 s or more after the rest began."""
ANNOUNCE_AT_S = 1.0
"""Phrases at a phase's start ("Round 2 of 3", a short rest's "Next: ...") come this long in, after the
round_end / stop tone has rung out."""
NEXT_ROOM_S = 3.0
"""A short rest says "Next: ..." only when this long is left between ANNOUNCE_AT_S and the countdown
(a typical phrase takes 1.5-3 s at the default speaking rate)."""
_EPS = 1e-9


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


def phase_cues(
    phase: Phase, duration_s: float, next_phase: Phase | None, plan: Plan, *, metronome: bool = False
) -> list[Cue]:
    """Every cue of `phase` when it lasts `duration_s`, collisions resolved (see the module docstring).

    `at` runs from 0 to `duration_s` inclusive: a cue at `duration_s` (an end tone) plays as the phase ends.
    """
    own = _raw_cues(phase, duration_s, next_phase, plan, metronome)
    neighbours: list[Cue] = []
    if phase.index > 0:
        prev = plan.phases[phase.index - 1]
        tail = _raw_cues(prev, prev.duration_s, phase, plan, metronome)
        edge = prev.duration_s - COLLISION_S
        neighbours += [replace(c, at=c.at - prev.duration_s) for c in tail if c.at >= edge]
    if next_phase is not None:
        after = _phase_after(plan, next_phase)
        head = _raw_cues(next_phase, next_phase.duration_s, after, plan, metronome)
        neighbours += [replace(c, at=c.at + duration_s) for c in head if c.at <= COLLISION_S]
    kept = _resolve([(c, True) for c in own] + [(c, False) for c in neighbours])
    return sorted((c for c, mine in kept if mine), key=lambda c: c.at)


def resolve_collisions(cues: list[Cue]) -> list[Cue]:
    """The cues that survive the collision rule among themselves, sorted by time."""
    return sorted((c for c, _ in _resolve([(c, True) for c in cues])), key=lambda c: c.at)


def load_words(phase: Phase) -> str:
    """The load as it is spoken: "20 kilos", "45 pounds", "bodyweight", "bodyweight plus 10 kilos", or
    empty for none. An absolute load is said as written (a 16 kg bell is "16 kilos" to everyone)."""
    if phase.bodyweight and phase.load is None:
        return "bodyweight"
    if phase.load is None:
        return ""
    word = "kilo" if phase.unit == "kg" else "pound"
    weight = f"{format_weight(phase.load)} {word}{'' if phase.load == 1 else 's'}"
    return f"bodyweight plus {weight}" if phase.bodyweight else weight


def next_phrase(phase: Phase) -> str:
    """What the rest announces about the coming work: "Next: Step-ups, 20 kilos"."""
    words = load_words(phase)
    return f"Next: {phase.exercise}" + (f", {words}" if words else "")


# --- the raw schedule of one phase, before collisions -------------------------------------------------------


def _raw_cues(
    phase: Phase, duration_s: float, next_phase: Phase | None, plan: Plan, metronome: bool
) -> list[Cue]:
    d = float(duration_s)
    cues: list[Cue] = []
    if phase.is_work:
        first_of_set = phase.part is None or phase.part == 1
        cues.append(Cue("go" if first_of_set else "part", 0.0))
        cues += _countdown(d)
        end = _work_end_kind(phase, next_phase, plan)
        if end is not None:
            cues.append(Cue(end, d))
        half = _halfway_at(phase, plan)
        if half is not None:
            cues.append(Cue("halfway", half, "Halfway"))
        if metronome and phase.cadence:
            step = 60.0 / phase.cadence
            n = 0
            while n * step < d - _EPS:
                cues.append(Cue("tick", round(n * step, 6)))
                n += 1
    round_phrase = _round_phrase(phase, plan)
    if round_phrase is not None:
        cues.append(Cue("announce", min(d, ANNOUNCE_AT_S), round_phrase))
    if not phase.is_work and next_phase is not None and next_phase.is_work:
        cues += _countdown(d)
        if d >= REST10_MIN_REST_S - _EPS:
            cues.append(Cue("rest10", d - REST10_BEFORE_S, next_phrase(next_phase)))
        elif round_phrase is None and d - COUNTDOWN_S - ANNOUNCE_AT_S >= NEXT_ROOM_S - _EPS:
            cues.append(Cue("announce", ANNOUNCE_AT_S, next_phrase(next_phase)))
    return cues


def _round_phrase(phase: Phase, plan: Plan) -> str | None:
    """The phrase "Round 2 of 3" for the phase right after a round's last set, else None."""
    if phase.index == 0:
        return None
    prev = plan.phases[phase.index - 1]
    if not (prev.is_work and _work_end_kind(prev, phase, plan) == "round_end"):
        return None
    assert prev.round is not None
    return f"Round {prev.round + 1} of {plan.rounds}"


def _countdown(d: float) -> list[Cue]:
    return [Cue("count", d - k) for k in range(COUNTDOWN_S, 0, -1) if d - k >= 0]


def _phase_after(plan: Plan, phase: Phase) -> Phase | None:
    i = phase.index + 1
    return plan.phases[i] if i < len(plan.phases) else None


def _next_work(plan: Plan, phase: Phase) -> Phase | None:
    return next((p for p in plan.phases[phase.index + 1 :] if p.is_work), None)


def _work_end_kind(phase: Phase, next_phase: Phase | None, plan: Plan) -> CueKind | None:
    """The one tone at the end of a work phase (None when the next work phase's own start cue marks it)."""
    coming = _next_work(plan, phase)
    if coming is None:
        return "final"
    if coming.round != phase.round:
        return "round_end"
    if next_phase is not None and next_phase.is_work:
        return None
    return "stop"


def _same_set(a: Phase, b: Phase) -> bool:
    return a.is_work and b.is_work and (a.round, a.station, a.set) == (b.round, b.station, b.set)


def _halfway_at(phase: Phase, plan: Plan) -> float | None:
    """Where the set's midpoint falls inside `phase` (seconds from its start), or None."""
    first = last = phase.index
    if phase.part is not None:  # a complex: the set is all its parts, which sit next to each other
        while first > 0 and _same_set(plan.phases[first - 1], phase):
            first -= 1
        while last + 1 < len(plan.phases) and _same_set(plan.phases[last + 1], phase):
            last += 1
    start, end = plan.phases[first].start_s, plan.phases[last].end_s
    if end - start < HALFWAY_MIN_SET_S:
        return None
    middle = (start + end) / 2
    if phase.start_s <= middle < phase.end_s:
        return middle - phase.start_s
    return None


def _resolve(tagged: list[tuple[Cue, bool]]) -> list[tuple[Cue, bool]]:
    """Keep cues by priority (then time); drop any within COLLISION_S of one already kept."""
    kept: list[tuple[Cue, bool]] = []
    times: list[float] = []  # sorted times of the kept cues
    for cue, mine in sorted(tagged, key=lambda cm: (-cm[0].priority, cm[0].at)):
        i = bisect.bisect_left(times, cue.at)
        near = [times[j] for j in (i - 1, i) if 0 <= j < len(times)]
        if any(abs(cue.at - t) < COLLISION_S - _EPS for t in near):
            continue
        times.insert(i, cue.at)
        kept.append((cue, mine))
    return kept
