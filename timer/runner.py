"""A session under way, without a screen: polls the engine, plays cues, writes the log, keeps the reps.

The run screen (`timer.ui.screens.run`) draws what `poll` returns and turns keys into the actions below;
everything here is plain Python, driven by an injected clock, and tested without Textual
(tests/core/test_runner.py).

Timing: the screen calls `poll(now)` once when the session starts, on every key, and when `next_delay`
says the engine has something due (the next displayed-second change or cue). Cues are played before any
log record is handed over, and the log writes on its own thread: neither a cue nor the countdown waits for
a record's fsync (`status_text` says `saving the log…` when one waits over `SAVING_S`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from timer.audio import BellPlayer, Player
from timer.clock import Clock
from timer.cues import phase_cues
from timer.plan import Phase, Plan
from timer.records import format_pause
from timer.replog.recorder import Recorder
from timer.replog.resume import Resume
from timer.session import (
    REST_KINDS,
    CueDue,
    PhaseChanged,
    Session,
    SessionFinished,
    SetEnded,
    State,
    Stopped,
)
from timer.tally import SetLine, Tally, under_way

PHASE_WORDS = {
    "prepare": "GET READY",
    "work": "WORK",
    "rest": "REST",
    "round_rest": "ROUND REST",
    "finished": "DONE",
}
"""What each phase is called on screen (in large letters and on the place line) and in `--plain`."""

EXTEND_S = 15
"""What `+` adds to a rest."""
MAX_WAKE_S = 1.0
"""Poll at least this often, whatever the engine says (cheap, and keeps the status line honest)."""
WAKE_SLACK_S = 0.0001
"""Wake a hair after the boundary, never before it (asyncio timers are never early; this covers rounding)."""
MIN_DELAY_S = 0.001
SAVING_S = 1.0
"""A record not on disk after this long (a slow or hung disk) shows `saving the log…` in the status line."""


@dataclass(frozen=True)
class RepOffer:
    """A finished set's reps offered for correction during the rest that follows it."""

    phase_index: int
    exercise: str
    shown: int | None
    """The value that stands when the rest ends: tapped or typed (None: not counted, nothing to save).
    Never the target: a set nobody counted stays "not counted" unless the athlete types."""
    target: int | None
    parts: bool = False
    """The set is a complex: Tab moves the offer to its other parts."""


@dataclass(frozen=True)
class Problem:
    """Something to tell the athlete once; the timer goes on either way."""

    about: str
    """`sound` or `log`."""
    text: str


class SessionRunner:
    """One session: the engine, the cue player and the rep log, kept in step.

    Args:
        plan: the timeline to run (when resuming: only what is left of it).
        clock: monotonic seconds; actions read it, `poll` is given `now` by its caller.
        player: plays every cue the engine hands out.
        recorder: passes what happens on to the rep log (a `Recorder` without a log does nothing).
        metronome: start with the metronome on.
        resume: the interrupted session this one continues (its earlier sets count in the tally).
        stop_gap_s: a gap this long between polls while running pauses the session (`timer.session.Stopped`);
            None turns that off (tests that move a fake clock by minutes).
    """

    def __init__(
        self,
        plan: Plan,
        clock: Clock,
        player: Player,
        recorder: Recorder,
        *,
        metronome: bool = False,
        resume: Resume | None = None,
        stop_gap_s: float | None = None,
    ) -> None:
        self.plan = plan
        self.clock = clock
        self.player = player
        self.recorder = recorder
        self.resume = resume
        self.session = Session(plan, metronome=metronome, stop_gap_s=stop_gap_s)
        self.last_state: State | None = None
        """What the latest `poll` returned."""
        self.done = False
        """The session has ended (finished or stopped): no more polls, cues or records."""
        self.offer: RepOffer | None = None
        """During a rest: the set just finished, offered for correction (None otherwise)."""
        self.paused_by_suspend = False
        """The pause came from Ctrl+Z, not from `p` (the status line says how to go on)."""
        self._logged_reps: dict[int, int | None] = {}  # each set's reps as logged (None: not counted)
        self.cut: SetLine | None = None
        """The set under way when the session was stopped (the summary lists it as cut short)."""
        self.stopped_s: float | None = None
        """The pause came from a stopped process (seconds it did not run), until `p`."""
        self._told_sound: str | None = None
        self._sets_per_station = {row.station: row.sets for row in plan.station_rows}

    # --- the poll -------------------------------------------------------------------------------------

    def start(self, now: float, circuit_path: Path | None = None) -> None:
        """Start the engine at `now` and write the log's first record."""
        self.session.start(now)
        self.recorder.start(self.plan, now, circuit_path)

    def poll(self, now: float) -> State:
        """Ask the engine what now: play the cues due, then keep the reps and the log in step with the events.

        The returned state's events are for the screen's own reactions (flashes, the rep entry).
        """
        state = self.session.state(now)
        self.last_state = state
        if self.done:
            return state
        # Sound first: a cue must not wait for a log record's fsync or a restyle.
        for event in state.events:
            if isinstance(event, CueDue):
                self.player.play(event.cue)
        for event in state.events:
            if isinstance(event, SetEnded):
                self._logged_reps[event.phase.index] = event.reps if event.counted else None
            elif isinstance(event, PhaseChanged):
                if event.previous is not None and event.previous.kind in REST_KINDS:
                    self._commit_offer(now)  # the rest is over: the value shown stands
                self.offer = self._offer_for(event.phase)
            elif isinstance(event, SessionFinished):
                self._commit_offer(now)
                self.done = True
            elif isinstance(event, Stopped):
                self.stopped_s = event.gap_s
            self.recorder.event(event, now)
        return state

    def next_delay(self, poll_began: float) -> float:
        """Seconds until the next poll, counted from when the last one began (a slow poll must not make the
        next one late), a hair after the engine's next change and at most `MAX_WAKE_S` away."""
        wake_in = self.last_state.wake_in if self.last_state is not None else MAX_WAKE_S
        return max(MIN_DELAY_S, poll_began + min(wake_in, MAX_WAKE_S) + WAKE_SLACK_S - self.clock())

    def _offer_for(self, phase: Phase) -> RepOffer | None:
        """A rest after a finished set offers that set's reps; anything else offers nothing."""
        if phase.kind not in REST_KINDS or phase.index == 0:
            return None
        before = self.plan.phases[phase.index - 1]
        done = {s.phase.index: s for s in self.session.completed_sets}
        if not before.is_work or before.index not in done:
            return None
        return self._offer_of(done[before.index].phase.index)

    def _offer_of(self, phase_index: int) -> RepOffer | None:
        finished = next((s for s in self.session.completed_sets if s.phase.index == phase_index), None)
        if finished is None:
            return None
        phase = finished.phase
        shown = finished.reps if finished.counted else None
        return RepOffer(phase.index, phase.exercise or "", shown, phase.target_reps, parts=bool(phase.part))

    def next_part(self) -> bool:
        """Tab during the rest after a complex: offer its next finished part (round and round).

        What was typed for the part being left stands, as it would at the rest's end. False when the offer
        is not a complex's part.
        """
        offer = self.offer
        if offer is None or not offer.parts:
            return False
        current = self.plan.phases[offer.phase_index]
        done = {s.phase.index for s in self.session.completed_sets}
        place = (current.round, current.station, current.set)
        siblings = [
            p.index for p in self.plan.phases if p.index in done and (p.round, p.station, p.set) == place
        ]
        if len(siblings) < 2:
            return True
        self._commit_offer(self.clock())
        self.offer = self._offer_of(siblings[(siblings.index(current.index) + 1) % len(siblings)])
        return True

    def _commit_offer(self, now: float) -> None:
        offer, self.offer = self.offer, None
        if offer is not None and offer.shown is not None:
            self._save(offer.phase_index, offer.shown, now)

    # --- reps -----------------------------------------------------------------------------------------

    def edit_offer(self, shown: int | None) -> None:
        """The athlete is typing a correction: `shown` stands when the rest ends (unless typed again)."""
        if self.offer is not None:
            self.offer = replace(self.offer, shown=shown)

    def save_reps(self, phase_index: int, reps: int) -> None:
        """The athlete typed `reps` for a finished set and pressed Enter."""
        if self.offer is not None and self.offer.phase_index == phase_index:
            self.offer = replace(self.offer, shown=reps)
        self._save(phase_index, reps, self.clock())

    def _save(self, phase_index: int, reps: int, now: float) -> None:
        self.session.set_reps(phase_index, reps)
        if phase_index not in self._logged_reps or self._logged_reps[phase_index] != reps:
            self._logged_reps[phase_index] = reps
            self.recorder.set_update(self.plan.phases[phase_index], reps, now)

    def add_rep(self) -> bool:
        """A tap during work (False, and nothing logged, outside work or while paused)."""
        now = self.clock()
        if not self.session.add_rep(now):
            return False
        self.recorder.rep(now, self.session.reps_for(self.session.phase_index))
        return True

    def undo_rep(self) -> bool:
        now = self.clock()
        if not self.session.undo_rep(now):
            return False
        self.recorder.rep(now, self.session.reps_for(self.session.phase_index))
        return True

    # --- the other keys -------------------------------------------------------------------------------

    def toggle_pause(self) -> bool:
        """Pause or go on (False before the start and after the end)."""
        if self.session.status not in ("running", "paused"):
            return False
        now = self.clock()
        self.session.toggle_pause(now)
        self.paused_by_suspend = False
        self.stopped_s = None
        self.recorder.pause(now, self.session.paused)
        return True

    def pause_for_suspend(self) -> bool:
        """Ctrl+Z: pause (and log it) before the process stops; True when it paused."""
        if self.done or self.session.status != "running":
            return False
        self.toggle_pause()
        self.paused_by_suspend = True
        return True

    def skip(self) -> None:
        self.session.skip(self.clock())  # the log hears of it through the PhaseChanged event

    def back(self) -> None:
        self.session.back(self.clock())

    def extend(self) -> bool:
        """+15 s to a rest (False outside one)."""
        return self.session.extend_rest(self.clock(), EXTEND_S)

    def toggle_metronome(self) -> None:
        self.session.set_metronome(not self.session.metronome)

    def toggle_mute(self) -> None:
        self.player.set_muted(not self.player.muted)

    # --- the end --------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """A session is under way: stopping now needs an `aborted` record."""
        return self.session.started and not self.done

    def stop(self, *, commit_offer: bool = True) -> State:
        """End the session here (quit, SIGTERM, SIGHUP, the app closing): the set under way and `aborted`.

        Safe to call more than once; returns the state at the stop. `commit_offer` False keeps a correction
        that was never accepted out of the log (the app closing under the athlete's hands).
        """
        now = self.clock()
        if self.done:
            return self.session.state(now)
        if commit_offer:
            self._commit_offer(now)
        self.offer = None
        state = self.session.state(now)
        for event in state.events:  # whatever fell due while the question was on screen
            self.recorder.event(event, now)
        self.done = True
        if state.status != "finished":
            index = state.phase.index
            self.cut = under_way(self.session, state)
            self.recorder.abort(
                now,
                self.session.reps_for(index),
                counted=self.session.counted(index),
                active_s=state.elapsed,
                paused_s=state.paused_s,
            )
        return state

    def tally(self, state: State) -> Tally:
        """What the summary shows: the engine's sets with the reps tapped or typed, and a set cut short."""
        return Tally.from_session(
            self.session,
            # A session that ran out ended at its last phase's end, however late the poll noticed it.
            total_s=self.session.finished_t if self.session.finished_t is not None else state.t,
            paused_s=state.paused_s,
            cut=self.cut,
            log_path=self.recorder.path,
            log_problem=self.recorder.problem,
            session_id=self.recorder.session_id,
            earlier=self.resume.earlier if self.resume else (0, 0),
        )

    # --- what the screen shows ------------------------------------------------------------------------

    def problems(self) -> list[Problem]:
        """Sound that stopped working or a log that cannot be written: each distinct one once."""
        told: list[Problem] = []
        sound = self.player.problem
        if sound and sound != self._told_sound:
            self._told_sound = sound
            told.append(Problem("sound", sound))
        log_problem = self.recorder.new_problem()
        if log_problem:
            told.append(Problem("log", log_problem))
        return told

    def place_text(self, phase: Phase, upcoming: Phase | None, *, paused: bool = False) -> str:
        """`WORK · Set 2/3 · Round 1/2`: the phase word, then set and round of the work now (during a
        rest: of the work next).

        The phase word is here as text too, not only in large letters: a screen reader or a search of the
        terminal's output finds it (the benchmark times phase changes by it).
        """
        word = PHASE_WORDS.get(phase.kind, phase.kind.upper())
        if paused:
            word = f"PAUSED ({word}, p goes on)"
        target = phase if phase.is_work else upcoming
        if target is None or target.round is None:
            return word
        sets = self._sets_per_station.get(target.station or 0, 1)
        text = f"Set {target.set}/{sets} · Round {target.round}/{self.plan.rounds}"
        return f"{word} · {text}" if phase.is_work else f"{word} · next: {text}"

    def place_more(self, phase: Phase, upcoming: Phase | None) -> str:
        """` · Station 1/4 · part 1/2`: what follows the time left on the place line (cut first)."""
        target = phase if phase.is_work else upcoming
        if target is None or target.round is None:
            return f" · {self.plan.program.session.line}" if self.plan.program is not None else ""
        text = f" · Station {target.station}/{self.plan.stations}" if self.plan.stations > 1 else ""
        if target.part:
            text += f" · part {target.part}/{target.parts_in_set}"
        if self.plan.program is not None:  # a program's session: `Week 3/7 · Conversion · Session 2/2`
            text += f" · {self.plan.program.session.line}"
        return text

    def status_text(self, state: State) -> str:
        """What is wrong or unusual right now (empty most of the time): the log's trouble, pauses."""
        parts = []
        if self.recorder.problem:
            parts.append("log NOT saved (retrying)")
        else:
            # The log writes on its own thread: a record waiting on a slow disk is said after a second (never
            # called saved before its fsync); the countdown goes on either way.
            since = self.recorder.saving_since
            if since is not None and self.clock() - since >= SAVING_S:
                parts.append("saving the log…")
        if self.paused_by_suspend and state.status == "paused":
            parts.append("paused while suspended: p goes on")
        if self.stopped_s is not None and state.status == "paused":
            parts.append(f"paused: the timer did not run for {format_pause(self.stopped_s)}; p goes on")
        if state.status == "paused" and state.paused_s >= 1:
            parts.append(f"paused {format_pause(state.paused_s)}")
        return " · ".join(parts)

    def render_voices(self) -> None:
        """Make the spoken phrases and give them to the player (slow: the screen runs it in a thread)."""
        from timer.voice import render_phrases

        voices = render_phrases(spoken_phrases(self.plan))
        if voices:
            self.player.add_voices(voices)


def can_speak(player: Player) -> bool:
    """False for players that cannot play sound files (the bell, nothing): no phrases are made for them."""
    return not isinstance(player, BellPlayer)


def spoken_phrases(plan: Plan) -> list[str]:
    """Every phrase the cue schedule may speak in this plan (rendered ahead in a worker)."""
    phrases: list[str] = []
    for phase in plan.phases:
        following = plan.phases[phase.index + 1] if phase.index + 1 < len(plan.phases) else None
        for cue in phase_cues(phase, phase.duration_s, following, plan, metronome=False):
            if cue.say:
                phrases.append(cue.say)
    return list(dict.fromkeys(phrases))
