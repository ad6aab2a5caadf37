"""A session in line mode: the runner polled on the input's wake-ups, each event said as a line, each typed
line a command.

No escape codes: every line goes through `timer.text.printable` (and `to_ascii` when the locale is not
UTF-8). The loop waits on its input (`LineSource`) with the runner's `next_delay` as the timeout.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol, TextIO

from timer.audio import Player
from timer.clock import Clock
from timer.cues import Cue
from timer.durations import format_duration
from timer.plan import Phase, Plan
from timer.records import format_pause, format_time, srpe_minutes
from timer.replog.recorder import Recorder, rescue_unsaved
from timer.replog.resume import Resume
from timer.runner import PHASE_WORDS, SAVING_S, SessionRunner
from timer.session import CueDue, PhaseChanged, RestExtended, SessionFinished, SetEnded, State, Stopped
from timer.text import printable, to_ascii

COMMANDS = (
    "Type a command and press Enter:",
    "  Enter alone  +1 rep (during work)      -  undo a rep",
    "  a number     this set's reps: during work, what the set is logged with when it ends;"
    " during a rest, a correction of the set just done",
    "  p  pause / go on    n  skip to the next phase    b  back to the start of this phase",
    "  +  15 s more rest    m  mute / unmute    t  metronome on / off",
    "  >  the next part of a complex (during the rest after it)",
    "  q  stop the session (the set under way is logged as cut short)    ?  these commands again",
    "End of input (Ctrl+D, or the end of a pipe) changes nothing: the session runs on. Ctrl+C stops it.",
)
"""Printed once at the start (and again on `?`); the README's athletes' section lists the same."""

CUE_WORDS = {
    "count": "beep",
    "go": "go",
    "stop": "stop",
    "halfway": "halfway",
    "rest10": "10 seconds left",
    "part": "next part",
    "round_end": "round done",
    "final": "finished",
    "tick": "tick",
    "announce": "",
}
"""Each cue as words (a spoken phrase follows in quotes)."""

COUNTDOWN_EVERY_S = 10
LAST_S = 3
MAX_REPS = 9999
"""A typed number above this is a slip (the full UI's rep entry takes 4 digits)."""


class LineSource(Protocol):
    """Where commands come from: `wait` returns the complete lines that arrived within `timeout` seconds."""

    ended: bool
    """The input has ended (EOF): no more lines will come, and `wait` just waits."""

    def wait(self, timeout: float | None) -> list[str]:
        """Lines typed by now, waiting up to `timeout` seconds (None: until a line or the end) for one."""
        ...


class OutputGone(Exception):
    """The output was closed (the reader of a pipe left, the terminal went away): stop, logged as aborted."""


class Interrupted(Exception):
    """SIGTERM or SIGHUP during the session: stop it as `q` would, then exit with 128 + the signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@dataclass
class PlainOptions:
    """What `run --plain` was asked for besides the plan."""

    circuit_path: Path | None = None
    resume: Resume | None = None
    ascii: bool = False
    """The locale is not UTF-8: write ASCII only."""
    stop_gap_s: float | None = None
    """Pause when the process did not run this long (`timer.session.Stopped`); None: off."""
    voice: bool = False
    """Render the spoken phrases in a thread, as the run screen does."""
    suspend: Callable[[], None] | None = None
    """Stop this process for Ctrl+Z (default: SIGSTOP to itself; tests pass a stand-in)."""


class PlainSession:
    """One session in line mode: the runner, the printed lines, the commands."""

    def __init__(
        self,
        plan: Plan,
        *,
        clock: Clock,
        player: Player,
        recorder: Recorder,
        out: TextIO,
        lines: LineSource,
        options: PlainOptions | None = None,
    ) -> None:
        self.options = options or PlainOptions()
        resume = self.options.resume
        self.plan = resume.plan if resume is not None else plan
        self.clock = clock
        self.player = player
        self.recorder = recorder
        self.out = out
        self.lines = lines
        self.runner = SessionRunner(
            self.plan, clock, player, recorder, resume=resume, stop_gap_s=self.options.stop_gap_s
        )
        self._told: set[int] = set()  # countdown marks said in this phase
        self._typed: dict[int, int] = {}  # work phase -> reps typed during it, saved when it ends
        self._voice_error: str | None = None
        self._eof_told = False
        self._saving_told = False
        self.output_gone = False
        """Writing a line failed: the output is gone; nothing more is written (see `OutputGone`)."""
        self.suspend_asked = False
        """Ctrl+Z (SIGTSTP) came: pause, then stop the process, at the loop's next turn (set by a handler)."""

    # --- the whole session ----------------------------------------------------------------------------

    def run(self) -> int:
        """Run the session to its end (or `q`, Ctrl+C, SIGTERM, SIGHUP); returns the exit code."""
        code = 0
        try:
            self.intro()
            self.runner.start(self.clock(), self.options.circuit_path)
            self._start_voices()
            self._loop()
        except OutputGone:  # nobody can see the timer any more: end the session honestly, as SIGHUP does
            code = 1
            self._stop("the output was closed")
        except KeyboardInterrupt:
            code = 130
            self._stop("Ctrl+C")
        except Interrupted as signal_ended:
            code = 128 + signal_ended.signum
            self._stop(signal.Signals(signal_ended.signum).name)
        try:
            self.summary()
            if code == 0:
                self.ask_rpe()
        except (KeyboardInterrupt, Interrupted, OutputGone):
            pass  # the summary is a courtesy; the log is what matters
        note = rescue_unsaved(self.recorder)  # waits briefly for records in flight, then saves what is left
        if note:
            with contextlib.suppress(OutputGone):
                self.say(note)
        self.recorder.close()  # the log's writer thread ends and is joined
        return code

    def intro(self) -> None:
        plan = self.plan
        resume = self.options.resume
        name = resume.full.summary_line() if resume is not None else plan.summary_line()
        self.say(f"circuit-timer (line mode): {name}")
        if plan.program is not None:
            self.say(f"{plan.program.name} · {plan.program.session.line}")
        if plan.athlete:
            self.say(f"Athlete: {plan.athlete}")
        if resume is not None:
            self.say(resume.text)
            self.say(f"{format_duration(plan.total_s)} left")
        self.say(self.player.name + (" (muted)" if self.player.muted else ""))
        for line in COMMANDS:
            self.say(line)

    def _loop(self) -> None:
        runner = self.runner
        began = self.clock()
        self.poll(began)
        while not runner.done:
            typed = self.lines.wait(runner.next_delay(began))
            began = self.clock()
            self.poll(began)  # what fell due before the line came is logged first, as on screen
            for line in typed:
                if runner.done:
                    break
                self.command(line)
            if self.lines.ended and not self._eof_told:
                self._eof_told = True
                self.say("(input ended: the session runs on; Ctrl+C stops it)")
            if self.suspend_asked:
                self._suspend()

    def _suspend(self) -> None:
        """Ctrl+Z: pause (logged) before the process stops, as on the run screen; after `fg` still paused."""
        self.suspend_asked = False
        if self.runner.done:
            return
        if self.runner.pause_for_suspend():
            self.say("PAUSED: suspended (fg brings it back; p goes on)")
        (self.options.suspend or _stop_this_process)()
        if self.runner.paused_by_suspend and self.runner.session.paused:
            self.say("back: still paused; p goes on")

    # --- commands -------------------------------------------------------------------------------------

    def command(self, line: str) -> None:
        """One line of input, then a poll (as a key on the run screen is followed by one)."""
        text = line.strip()
        runner = self.runner
        if text == "":
            self._tap(runner.add_rep)
        elif text == "-":
            self._tap(runner.undo_rep)
        elif text.isdigit():
            self._typed_reps(int(text))
        elif text.lower() == "p":
            if runner.toggle_pause():
                state = runner.poll(self.clock())
                self._paused_line(state)
                self.show(state)
        elif text.lower() == "n":
            runner.skip()
        elif text.lower() == "b":
            runner.back()
        elif text == "+":
            if not runner.extend():
                self.say("+ adds 15 s during a rest")
        elif text == ">":
            if runner.next_part():
                self._offer_line()
            else:
                self.say("> moves to the next part of a complex, during the rest after it")
        elif text.lower() == "m":
            runner.toggle_mute()
            self.say(self.player.name + (" (muted)" if self.player.muted else ""))
        elif text.lower() == "t":
            runner.toggle_metronome()
            on = runner.session.metronome
            phase = runner.session.phase
            cadence = "" if not on or not phase.is_work or phase.cadence else " · no cadence for this station"
            self.say(f"metronome {'on' if on else 'off'}{cadence}")
        elif text.lower() == "q":
            self._stop("q")
            return
        elif text in ("?", "h", "help"):
            for help_line in COMMANDS:
                self.say(help_line)
        else:
            self.say(f"not a command: {text[:40]!r} (? lists them)")
        if not runner.done:
            self.poll(self.clock())

    def _tap(self, action: Callable[[], bool]) -> None:
        """Enter alone or `-`: as space and `-` on the run screen (ignored, and said, while paused)."""
        if self.runner.session.paused:
            self.say("paused: reps are not counted (p goes on)")
            return
        if not action():
            phase = self.runner.session.phase
            if not phase.is_work:
                self.say("reps count during work (a number corrects the set just done)")
            return
        index = self.runner.session.phase_index
        self._typed.pop(index, None)  # a tap after a typed number: the taps count again
        self.say(f"reps {self._reps_text(index)}")

    def _typed_reps(self, reps: int) -> None:
        """A number: during work, the set's reps when it ends; in a rest, a correction of the set done."""
        runner = self.runner
        if reps > MAX_REPS:
            self.say(f"{reps} reps? Type at most {MAX_REPS}.")
            return
        offer = runner.offer
        phase = runner.session.phase
        if offer is not None:
            runner.save_reps(offer.phase_index, reps)
            self.say(f"{_name(offer.exercise)}: {reps} reps saved")
        elif phase.is_work and runner.session.status in ("running", "paused"):
            self._typed[phase.index] = reps
            self.say(f"{_name(phase.exercise)}: {reps} reps (typed; logged when the set ends)")
        else:
            self.say("a number gives a set's reps: during the set, or in the rest after it")

    def _stop(self, how: str) -> None:
        """End the session here: the set under way goes to the log cut short, then `aborted`."""
        runner = self.runner
        if runner.done:
            return
        state = runner.stop()
        index = state.phase.index
        typed = self._typed.pop(index, None)
        if typed is not None and runner.cut is not None:
            # Typed during the set being cut: logged after its record, as a correction on the summary is.
            self.recorder.set_update(state.phase, typed, self.clock())
            runner.cut = replace(runner.cut, reps=typed)
        self.say(f"STOPPED ({how})" + (": the set under way is logged as cut short" if runner.cut else ""))

    # --- what is printed ------------------------------------------------------------------------------

    def poll(self, now: float) -> State:
        state = self.runner.poll(now)
        self.show(state)
        return state

    def show(self, state: State) -> None:
        """The lines for what happened since the last poll: cues, set ends, phases, the countdown, trouble."""
        beeped = False
        for event in state.events:
            if isinstance(event, CueDue):
                if event.cue.kind == "count":
                    beeped = True
                else:
                    self.say(_cue_text(event.cue))
            elif isinstance(event, SetEnded):
                self._set_ended(event)
            elif isinstance(event, PhaseChanged):
                self._told = set()
                self._phase_line(event.phase, state)
                if self.runner.offer is not None:
                    self._offer_line()
            elif isinstance(event, RestExtended):
                self._told = {mark for mark in self._told if mark < event.duration_s - state.elapsed}
                self.say(f"+{event.seconds:g} s: {format_duration(state.remaining)} left")
            elif isinstance(event, Stopped):
                self.say(
                    f"PAUSED: the timer did not run for {format_pause(event.gap_s)} "
                    "(stopped or suspended); p goes on"
                )
            elif isinstance(event, SessionFinished):
                self.say("DONE")
        self._countdown(state, beeped)
        for problem in self.runner.problems():
            # The players' words are written for the screen's flashes; here the lines are the cues.
            self.say(f"{problem.about}: {problem.text.replace('cues are visual', 'cues are these lines')}")
        self._saving_line()
        if self._voice_error is not None:
            self.say(f"Spoken cues are off for this session: {self._voice_error}. The tones still play.")
            self._voice_error = None

    def _saving_line(self) -> None:
        """A record the disk has not taken after `SAVING_S` (a slow, hung disk): said once, and when it is."""
        since = self.recorder.saving_since
        slow = since is not None and self.clock() - since >= SAVING_S
        if slow and not self._saving_told:
            self._saving_told = True
            self.say("saving the log… (the disk is slow; the timer goes on)")
        elif self._saving_told and self.recorder.waiting == 0 and not self.recorder.problem:
            self._saving_told = False
            self.say("log saved")

    def _countdown(self, state: State, beeped: bool) -> None:
        """`0:20 left` every 10 s of a phase, and `3`, `2`, `1` (with the beep) at its end."""
        if state.status != "running":
            if beeped:
                self.say("beep")
            return
        shown = state.shown_remaining
        mark = 0 < shown < state.phase_duration and (shown % COUNTDOWN_EVERY_S == 0 or shown <= LAST_S)
        if mark and shown not in self._told:
            self._told.add(shown)
            text = str(shown) if shown <= LAST_S else f"{format_duration(shown)} left"
            self.say(text + (" · beep" if beeped else ""))
        elif beeped:
            self.say("beep")

    def _phase_line(self, phase: Phase, state: State) -> None:
        """`WORK 0:30 · Squat · 30 kg · 30% e1RM · Set 1/2 · Round 1/1 · target 12 reps`.

        `phase` is the one entered, which a late poll may already have left (then it has its planned length).
        """
        runner = self.runner
        current = state.phase.index == phase.index
        phases = self.plan.phases
        upcoming = phases[phase.index + 1] if phase.index + 1 < len(phases) else None
        word = PHASE_WORDS.get(phase.kind, phase.kind.upper())
        duration = state.phase_duration if current else phase.duration_s
        bits = [f"{word} {format_duration(duration)}"]
        shown = phase if phase.is_work else _next_work(self.plan, phase)
        if shown is not None:
            load = shown.load_text()
            what = _name(shown.exercise) + (f" · {load}" if load else "")
            bits.append(what if phase.is_work else f"next: {what}")
        place = runner.place_text(phase, upcoming).split(" · ", 1)
        if len(place) > 1:
            bits.append(place[1].removeprefix("next: ") + runner.place_more(phase, upcoming))
        if phase.is_work:
            if phase.cadence:
                bits.append(f"{phase.cadence:g}/min")
            if phase.target_reps:
                bits.append(f"target {phase.target_reps} reps")
            bits += phase.cues
        self.say(" · ".join(bits))

    def _set_ended(self, event: SetEnded) -> None:
        """`Squat: 12 reps` (or `not counted`) as a set ends; a number typed during it is saved now."""
        index = event.phase.index
        typed = self._typed.pop(index, None)
        if typed is not None:
            self.runner.save_reps(index, typed)
        how = " · cut short" if event.skipped else ""
        self.say(f"{_name(event.phase.exercise)}: {self._reps_text(index, done=True)}{how}")

    def _reps_text(self, index: int, *, done: bool = False) -> str:
        session = self.runner.session
        finished = next((s for s in session.completed_sets if s.phase.index == index), None) if done else None
        if finished is not None:
            return f"{finished.reps} reps" if finished.counted else "not counted"
        target = self.plan.phases[index].target_reps
        return f"{session.reps_for(index)}" + (f" / {target}" if target else "")

    def _offer_line(self) -> None:
        offer = self.runner.offer
        if offer is None:
            return
        now = "not counted" if offer.shown is None else f"{offer.shown} reps"
        part = " (> for its other parts)" if offer.parts else ""
        self.say(f"{_name(offer.exercise)}: {now}; type a number and Enter to correct it{part}")

    def _paused_line(self, state: State) -> None:
        if state.status == "paused":
            word = PHASE_WORDS.get(state.phase.kind, state.phase.kind.upper())
            self.say(f"PAUSED ({word}, {format_duration(state.shown_remaining)} left; p goes on)")
        else:
            last = self.runner.session.pauses[-1].seconds if self.runner.session.pauses else 0.0
            self.say(f"going on after {format_pause(last)} paused")

    def say(self, text: str) -> None:
        """One line, safe for any terminal: no control characters, ASCII when the locale wants it."""
        if self.output_gone:
            return
        lines = [printable(part) for part in text.split("\n")]
        safe = "\n".join(to_ascii(line) if self.options.ascii else line for line in lines)
        try:
            self.out.write(safe + "\n")
            self.out.flush()
        except (OSError, ValueError) as error:  # a closed pipe or terminal; ValueError: a closed stream
            self.output_gone = True
            raise OutputGone from error

    # --- the end --------------------------------------------------------------------------------------

    def summary(self) -> None:
        runner = self.runner
        tally = runner.tally(runner.last_state or runner.session.state(self.clock()))
        self.say(f"Summary · {tally.plan.name}")
        for line in tally.sets:
            phase = line.phase
            where = f"R{phase.round} S{phase.station} #{phase.set}" + (f".{phase.part}" if phase.part else "")
            reps = "not counted" if line.reps is None else f"{line.reps} reps"
            load = phase.load_text().split(" · ", 1)[0]
            cut = " · cut short" if line.how != "time" else ""
            time_s = format_time(line.seconds)
            self.say(f"{where} · {_name(phase.exercise)} · {load or 'no load'} · {reps} · {time_s}{cut}")
        self.say(tally.totals_text())
        self.say(tally.breaks_text())
        if tally.plan.program is not None:
            self.say(tally.plan.program.session.line)
            if tally.log_path is not None:
                from timer.program.progress import what_next

                self.say(what_next(tally.plan.program, [tally.log_path], tally.plan.athlete))
        self.recorder.flush()  # the log writes on its own thread: "written" only once the disk has it all
        problem = self.recorder.problem or tally.log_problem
        if problem:
            self.say(f"Log problem: {problem}")
        elif self.recorder.waiting:
            self.say(f"Saving to {tally.log_path}… (the disk is slow; the records wait in memory)")
        elif tally.log_path:
            self.say(f"Log written to {tally.log_path}")
        else:
            self.say("No log kept for this session")

    def ask_rpe(self) -> None:
        """The session RPE, as the summary screen asks it: 0–10, Enter (or the end of input) skips."""
        if self.lines.ended or self.recorder.log is None or self.output_gone:
            return
        self.say("How hard was this session? Type 0-10 and Enter (Enter alone skips)")
        while not self.lines.ended:
            typed = self.lines.wait(None)
            if self.suspend_asked:  # Ctrl+Z at the question: nothing to pause, just suspend
                self.suspend_asked = False
                (self.options.suspend or _stop_this_process)()
            for line in typed:
                text = line.strip()
                if text.isdigit() and 0 <= int(text) <= 10:
                    tally = self.runner.tally(
                        self.runner.last_state or self.runner.session.state(self.clock())
                    )
                    minutes = srpe_minutes(max(0.0, tally.total_s - tally.paused_s))
                    self.recorder.session_rpe(self.clock(), int(text), minutes)
                    self.say(
                        f"Session RPE {text} · load {round(int(text) * minutes)} (RPE × {minutes:g} min)"
                    )
                    return
                if text in ("", "q"):
                    self.say("Session RPE not given")
                    return
                self.say("RPE is a whole number from 0 to 10 (Enter alone skips)")

    def _start_voices(self) -> None:
        """Spoken phrases are made in a thread, as the run screen's worker does; a failure is told once."""
        from timer.runner import can_speak

        if not self.options.voice or not can_speak(self.player):
            return

        def render() -> None:
            try:
                self.runner.render_voices()
            except Exception as error:  # optional: told once on the next poll, never fatal
                self._voice_error = str(error) or "rendering failed"

        threading.Thread(target=render, name="voices", daemon=True).start()


def _stop_this_process() -> None:
    os.kill(os.getpid(), signal.SIGSTOP)  # here until SIGCONT (`fg`)


def _cue_text(cue: Cue) -> str:
    words = CUE_WORDS.get(cue.kind, cue.kind)
    said = f'"{cue.say}"' if cue.say else ""
    return "cue: " + " · ".join(bit for bit in (words, said) if bit)


def _next_work(plan: Plan, phase: Phase) -> Phase | None:
    return next((p for p in plan.phases[phase.index + 1 :] if p.is_work), None)


def _name(text: str | None) -> str:
    return text or "this set"
