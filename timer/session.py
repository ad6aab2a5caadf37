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

How time is kept: the engine never counts ticks. It tracks "running time" a = t - time paused, and the
running time at which the current phase began; the phase ends at that moment plus the phase's length.
Every call first brings the machine up to `now`, walking through every phase boundary passed since the
previous call with its exact time, so a late call (a blocked event loop) loses nothing: each
PhaseChanged / SetEnded / SessionFinished is emitted once, in order, with the time it really happened.
A `now` earlier than one already seen is treated as that one (time never runs backwards here).

Cues: the current phase's cues come from `timer.cues.phase_cues` when the phase is entered (again when
its length or the metronome changes). A cue is emitted once its running time has come, never while
paused (one due during a pause plays on resume), and is dropped when it is found more than STALE_S
late (running time), since a beep seconds after the moment only confuses. Skip drops the rest of the
phase's cues (end tone included); back re-arms them.

Events due at the same moment come in this order: the ending phase's end cue ("stop"), SetEnded,
PhaseChanged, the new phase's cues at 0 ("go"); SessionFinished comes last of all.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, replace
from typing import Literal

from timer.cues import Cue, phase_cues
from timer.plan import Phase, Plan

Status = Literal["ready", "running", "paused", "finished"]

STALE_S = 1.0
"""A cue found more than this late (running time) is dropped instead of played."""
BACK_AGAIN_S = 2.0
"""`back` within this long of a phase's start goes to the previous phase instead of restarting."""
REST_KINDS = ("prepare", "rest", "round_rest")
"""Phases `extend_rest` may lengthen."""
IDLE_WAKE_S = 3600.0
"""`wake_in` before start and after the end: nothing changes until a key is pressed."""
PAUSED_WAKE_S = 1.0
"""`wake_in` while paused: nothing moves, but a screen showing the pause's length can tick once a second."""
MIN_WAKE_S = 0.001
"""`wake_in` is never less than this, so a UI waking a hair early does not spin."""
STOP_GAP_S = 2.0
"""With stop detection on, a gap this long between two calls while running means the process was stopped."""
_EPS = 1e-6


@dataclass(frozen=True)
class PhaseChanged:
    """The current phase changed: by time running out, or by skip / back (restarting a phase counts)."""

    phase: Phase
    previous: Phase | None
    reason: Literal["start", "time", "skip", "back"]
    t: float
    """Session time of the change."""


@dataclass(frozen=True)
class SetEnded:
    """A work phase ended (by time or skip). One per work phase, parts included.

    Going back into a finished work phase and doing it again ends it again: the later SetEnded replaces
    the earlier one (as it does in `Session.completed_sets`).
    """

    phase: Phase
    started_t: float
    ended_t: float
    reps: int
    """Reps tapped during the phase (or set later with `Session.set_reps`, in `completed_sets`)."""
    skipped: bool
    counted: bool = False
    """Whether the athlete tapped (or undid) a rep in the set, or typed its count: only then is `reps` a
    count. A set nobody counted is "not counted", never 0 and never its target."""
    active_s: float = 0.0
    """Work time done: `ended_t - started_t` less the time paused inside the set."""
    paused_s: float = 0.0
    """Time paused inside the set."""


@dataclass(frozen=True)
class RestExtended:
    """A rest (or get-ready) lengthened with `+`: by `seconds`, to `duration_s` in all."""

    phase: Phase
    seconds: float
    duration_s: float
    t: float


@dataclass(frozen=True)
class CueDue:
    """A cue whose planned time has come."""

    cue: Cue
    planned_t: float
    """Session time the cue was due (the player may compare with `t` to drop late cues)."""


@dataclass(frozen=True)
class SessionFinished:
    t: float
    paused_s: float = 0.0
    """Time spent paused in the whole session."""


@dataclass(frozen=True)
class Stopped:
    """The clock jumped while running (SIGSTOP, a suspended laptop or VM): the session paused at `t`.

    It stays paused until `resume`, like Ctrl+Z; nothing that fell due in the gap happened.
    """

    t: float
    """Session time the gap began (the last call before it)."""
    gap_s: float
    """How long the gap was."""


Event = PhaseChanged | SetEnded | CueDue | SessionFinished | RestExtended | Stopped


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
    """Seconds until something visible changes or a cue is due: when the UI should ask again.

    Running: the next whole-second change of `shown_remaining`, the next cue or the phase end, whichever
    comes first. Paused: PAUSED_WAKE_S. Ready or finished: IDLE_WAKE_S."""
    events: tuple[Event, ...]
    metronome: bool = False
    """Whether metronome ticks are scheduled."""
    total_duration: float = 0.0
    """The whole session's length now (pauses excluded, rest extensions included), for the session bar."""

    @property
    def shown_remaining(self) -> int:
        """The countdown as displayed: whole seconds, rounded up (so 0.2 s left shows 1)."""
        return max(0, math.ceil(self.remaining - _EPS))


class Session:
    """A run through a plan. See the module docstring for the contract and how time is kept.

    Handy for the UI and the summary: `plan`, `status`, `started`, `phase_index`, `phase`,
    `reps_for(i)`, `completed_sets`, `skips`, `pauses`, `finished_t`, `metronome`.
    """

    def __init__(self, plan: Plan, *, metronome: bool = False, stop_gap_s: float | None = None) -> None:
        """`stop_gap_s`: treat a gap this long between calls while running as a stop (None: never).

        The UI asks at least once a second while running, so a longer gap is not a late poll but a process
        that did not run (SIGSTOP/SIGCONT, a suspended laptop or VM): counting it as running time jumped the
        timer forward, logged a set long after it ended and credited keys pressed meanwhile to the next set.
        Tests that move a fake clock by minutes leave it off.
        """
        if not plan.phases:
            raise ValueError("a session needs a plan with at least one phase")
        self.plan = plan
        self.metronome = metronome
        self.stop_gap_s = stop_gap_s
        self.status: Status = "ready"
        self.finished_t: float | None = None
        """Session time the last phase ended (or was skipped), once finished."""
        self.skips: list[Skip] = []
        """Every skip, in order: which phase and how much of it was left."""
        self.pauses: list[Pause] = []
        """Every finished pause, in order (the one going on is in `State.paused_s` only)."""
        self._durations = [float(p.duration_s) for p in plan.phases]
        self._index = 0
        self._start_now = 0.0
        self._last_now = 0.0
        self._paused_total = 0.0
        self._pause_began: float | None = None
        self._pause_t = 0.0
        self._pause_reason = "key"
        self._phase_start_a = 0.0  # running time at which the current phase began
        self._phase_start_t = 0.0  # session time at which the current phase began
        self._cues: list[Cue] = []  # current phase's cues not yet played, by time
        self._cues_done_upto = -1.0  # phase-relative time up to which cues have been handled
        self._backed_into: int | None = None  # the phase the last `back` restarted, until another change
        self._reps: dict[int, int] = {}
        self._counted: set[int] = set()  # work phases whose reps were tapped or typed (this attempt)
        self._sets: dict[int, SetEnded] = {}
        self._events: list[Event] = []

    # --- what the UI reads ---------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self.status != "ready"

    @property
    def paused(self) -> bool:
        return self.status == "paused"

    @property
    def phase_index(self) -> int:
        return self._index

    @property
    def phase(self) -> Phase:
        return self.plan.phases[self._index]

    def reps_for(self, phase_index: int) -> int:
        """Reps recorded for a work phase (tapped, or corrected with `set_reps`); 0 when none."""
        return self._reps.get(phase_index, 0)

    def counted(self, phase_index: int) -> bool:
        """Whether a work phase's reps were tapped or typed (else its reps are "not counted")."""
        return phase_index in self._counted

    @property
    def completed_sets(self) -> list[SetEnded]:
        """Every work phase done or skipped so far, in timeline order, with reps (corrections included)."""
        return [self._sets[i] for i in sorted(self._sets)]

    def state(self, now: float) -> State:
        """The session at `now`, with the events due since the previous call (each handed out once)."""
        now = self._advance(now)
        events, self._events = tuple(self._events), []
        a = self._running(now)
        i = self._index
        duration = self._durations[i]
        if self.status == "ready":
            elapsed = 0.0
        elif self.status == "finished":
            elapsed = duration
        else:
            elapsed = min(duration, a - self._phase_start_a)
        remaining = duration - elapsed
        later = sum(self._durations[i + 1 :]) if self.status != "finished" else 0.0
        return State(
            status=self.status,
            phase=self.plan.phases[i],
            phase_duration=duration,
            elapsed=elapsed,
            remaining=remaining,
            next_phase=self.plan.phases[i + 1] if i + 1 < len(self.plan.phases) else None,
            total_remaining=remaining + later,
            t=self._t(now),
            reps=self._shown_reps(),
            paused_s=self._paused_now(now),
            wake_in=self._wake_in(elapsed, remaining),
            events=events,
            metronome=self.metronome,
            total_duration=sum(self._durations),
        )

    def preview(self, now: float) -> State:
        """The state `state(now)` would return, without changing this session (no event is handed out).

        For drawing a moment ahead of time (the run screen prepares a phase change's frame before it is
        due): a twin with its own copies of everything `_advance` changes is brought up to `now` instead.
        Its events are dropped with it; the real ones come from `state()` at the moment.
        """
        twin = copy.copy(self)
        twin.skips, twin.pauses, twin._durations = list(self.skips), list(self.pauses), list(self._durations)
        twin._cues, twin._events = list(self._cues), []
        twin._reps, twin._counted, twin._sets = dict(self._reps), set(self._counted), dict(self._sets)
        return replace(twin.state(now), events=())

    # --- commands ------------------------------------------------------------------------------------

    def start(self, now: float) -> None:
        """Begin the first phase at `now` (does nothing once started)."""
        if self.status != "ready":
            return
        self._start_now = self._last_now = now
        self.status = "running"
        self._enter(0, 0.0, 0.0, "start", previous=None)

    def pause(self, now: float) -> None:
        now = self._advance(now)
        if self.status == "running":
            self.status = "paused"
            self._pause_began, self._pause_t, self._pause_reason = now, self._t(now), "key"

    def resume(self, now: float) -> None:
        now = self._advance(now)
        if self.status == "paused" and self._pause_began is not None:
            seconds = now - self._pause_began
            self._paused_total += seconds
            self.pauses.append(Pause(self.phase, self._pause_t, seconds, self._pause_reason))
            self._pause_began = None
            self.status = "running"

    def toggle_pause(self, now: float) -> None:
        if self.status == "paused":
            self.resume(now)
        else:
            self.pause(now)

    def skip(self, now: float) -> None:
        """Go to the start of the next phase; skipping the last phase finishes the session."""
        now = self._advance(now)
        if self.status not in ("running", "paused"):
            return
        a, t = self._running(now), self._t(now)
        phase = self.phase
        self.skips.append(Skip(phase, t, self._durations[self._index] - (a - self._phase_start_a)))
        if phase.is_work:
            self._end_set(t, skipped=True)
        if self._index + 1 == len(self.plan.phases):
            self._finish(t)
        else:
            self._enter(self._index + 1, a, t, "skip", previous=phase)

    def back(self, now: float) -> None:
        """Restart the current phase; pressed again within BACK_AGAIN_S, go to the previous phase instead.

        Only a second press goes further back: a single `b` just after a phase changed by itself restarts
        the new phase, so an athlete never lands in the set they have just finished by accident.
        """
        now = self._advance(now)
        if self.status not in ("running", "paused"):
            return
        a, t = self._running(now), self._t(now)
        again = self._backed_into == self._index and a - self._phase_start_a < BACK_AGAIN_S
        target = self._index - 1 if again and self._index > 0 else self._index
        self._enter(target, a, t, "back", previous=self.phase)
        self._backed_into = target

    def extend_rest(self, now: float, seconds: float) -> bool:
        """Lengthen the current prepare/rest/round-rest phase by `seconds` (later ones shift); else False."""
        now = self._advance(now)
        if self.status not in ("running", "paused") or self.phase.kind not in REST_KINDS or seconds <= 0:
            return False
        self._durations[self._index] += seconds
        self._load_cues()  # the end cues (rest10, 3-2-1) move with the new end
        self._events.append(RestExtended(self.phase, seconds, self._durations[self._index], self._t(now)))
        return True

    def add_rep(self, now: float) -> bool:
        """Count one rep in the current work phase; False (nothing counted) outside work or while paused.

        A tap while paused is ignored: the set's time is stopped, so no rep can belong to it.
        """
        self._advance(now)
        if self.status != "running" or not self.phase.is_work:
            return False
        self._reps[self._index] = self._reps.get(self._index, 0) + 1
        self._counted.add(self._index)
        return True

    def undo_rep(self, now: float) -> bool:
        """Take back one rep in the current work phase; False outside work, while paused, or at 0."""
        self._advance(now)
        if self.status != "running" or not self.phase.is_work:
            return False
        if self._reps.get(self._index, 0) == 0:
            return False
        self._reps[self._index] -= 1
        return True

    def set_reps(self, phase_index: int, reps: int) -> None:
        """Correct the reps of a work phase (the rest screen's entry); updates `completed_sets` too.

        No event is emitted: whoever takes the correction (the UI) passes it on to the log.
        """
        if not 0 <= phase_index < len(self.plan.phases) or not self.plan.phases[phase_index].is_work:
            raise ValueError(f"phase {phase_index} is not a work phase")
        if reps < 0:
            raise ValueError(f"reps cannot be negative ({reps})")
        # A correction that arrives while the same set is being done again (`b` from its rest) belongs to
        # the finished record; the redo counts from 0 on its own.
        redoing = phase_index == self._index and self.status in ("running", "paused")
        if not redoing:
            self._reps[phase_index] = reps
            self._counted.add(phase_index)
        if phase_index in self._sets:
            self._sets[phase_index] = replace(self._sets[phase_index], reps=reps, counted=True)

    def set_metronome(self, on: bool) -> None:
        """Turn metronome ticks on or off from the next tick on."""
        if on != self.metronome:
            self.metronome = on
            if self.status in ("running", "paused"):
                self._load_cues()

    # --- the machinery -------------------------------------------------------------------------------

    def _t(self, now: float) -> float:
        return now - self._start_now if self.started else 0.0

    def _paused_now(self, now: float) -> float:
        ongoing = now - self._pause_began if self._pause_began is not None else 0.0
        return self._paused_total + ongoing

    def _running(self, now: float) -> float:
        """Running time at `now`: session time minus time paused."""
        return self._t(now) - self._paused_now(now)

    def _advance(self, now: float) -> float:
        """Bring the machine up to `now`: play due cues, cross every phase end passed. Returns `now` used."""
        now = max(now, self._last_now)
        began, self._last_now = self._last_now, now
        if self.status != "running":
            return now
        if self.stop_gap_s is not None and now - began > self.stop_gap_s:
            # The previous call brought the machine up to `began`: pause there, and let nothing of the gap
            # count (no phase ends, no cues, no taps credited to a later set).
            self.status = "paused"
            self._pause_began, self._pause_t, self._pause_reason = began, self._t(began), "stopped"
            self._events.append(Stopped(self._t(began), now - began))
            return now
        a = self._running(now)
        while self.status == "running":
            end = self._phase_start_a + self._durations[self._index]
            self._play_cues(min(a, end) - self._phase_start_a, a)
            if a < end:
                break
            t_end = end + self._paused_total  # no pause can start inside this stretch: pause() advances first
            phase = self.phase
            if phase.is_work:
                self._end_set(t_end, skipped=False)
            if self._index + 1 == len(self.plan.phases):
                self._finish(t_end)
            else:
                self._enter(self._index + 1, end, t_end, "time", previous=phase)
        return now

    def _play_cues(self, upto: float, a: float) -> None:
        """Emit the current phase's cues due by phase time `upto`, dropping those staler than STALE_S."""
        while self._cues and self._cues[0].at <= upto + _EPS:
            cue = self._cues.pop(0)
            due_a = self._phase_start_a + cue.at
            if a - due_a <= STALE_S:
                self._events.append(CueDue(cue, due_a + self._paused_total))
        self._cues_done_upto = upto

    def _enter(self, index: int, a: float, t: float, reason: str, *, previous: Phase | None) -> None:
        self._index = index
        self._backed_into = None  # `back` sets it again after entering
        self._phase_start_a, self._phase_start_t = a, t
        if self.phase.is_work:
            self._reps[index] = 0  # a set done again is counted again
            self._counted.discard(index)
        self._cues_done_upto = -1.0
        self._load_cues()
        self._events.append(PhaseChanged(self.phase, previous, reason, t))  # type: ignore[arg-type]
        if self.status == "running" and reason != "time":
            self._play_cues(0.0, a)  # "go" sounds at once after start/skip/back; _advance plays the rest

    def _load_cues(self) -> None:
        i = self._index
        nxt = self.plan.phases[i + 1] if i + 1 < len(self.plan.phases) else None
        cues = phase_cues(self.phase, self._durations[i], nxt, self.plan, metronome=self.metronome)
        self._cues = [c for c in cues if c.at > self._cues_done_upto + _EPS]

    def _end_set(self, t: float, *, skipped: bool) -> None:
        i = self._index
        # Work done = running time since the phase began, capped at its length (time runs out at the end).
        active = min(self._durations[i], self._running(self._last_now) - self._phase_start_a)
        if not skipped:
            active = self._durations[i]
        active = max(0.0, active)
        paused = max(0.0, (t - self._phase_start_t) - active)
        record = SetEnded(
            self.phase, self._phase_start_t, t, self._reps.get(i, 0), skipped, i in self._counted,
            round(active, 3), round(paused, 3),
        )  # fmt: skip
        self._sets[i] = record
        self._events.append(record)

    def _finish(self, t: float) -> None:
        self.status = "finished"
        self.finished_t = t
        self._cues = []
        if self._pause_began is not None:  # skipped the last phase while paused
            self._paused_total += self._last_now - self._pause_began
            seconds = self._last_now - self._pause_began
            self.pauses.append(Pause(self.phase, self._pause_t, seconds, self._pause_reason))
            self._pause_began = None
        self._events.append(SessionFinished(t, round(self._paused_total, 3)))

    def _shown_reps(self) -> int:
        for p in reversed(self.plan.phases[: self._index + 1]):
            if p.is_work:
                return self._reps.get(p.index, 0)
        return 0

    def _wake_in(self, elapsed: float, remaining: float) -> float:
        if self.status == "paused":
            return PAUSED_WAKE_S
        if self.status != "running":
            return IDLE_WAKE_S
        shown = math.ceil(remaining - _EPS)
        wait = remaining - (shown - 1) if shown >= 1 else remaining
        if self._cues:
            wait = min(wait, self._cues[0].at - elapsed)
        return max(MIN_WAKE_S, wait)


@dataclass(frozen=True)
class Skip:
    """A phase cut short with `skip`, for the summary."""

    phase: Phase
    t: float
    """Session time of the skip."""
    remaining_s: float
    """How much of the phase was left."""


@dataclass(frozen=True)
class Pause:
    """One pause, for the summary."""

    phase: Phase
    t: float
    """Session time the pause began."""
    seconds: float
    reason: str = "key"
    """`key` (p, Ctrl+Z) or `stopped` (the process did not run: see `Stopped`)."""
