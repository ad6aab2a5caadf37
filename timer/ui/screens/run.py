"""The live session on screen: draws what `timer.runner.SessionRunner` says, flashes cues, takes the keys.

Timing: after each poll one one-shot timer is set for the runner's `next_delay` (the next displayed-second
change or cue); keys poll at once. Nothing here counts ticks or keeps time of its own: the engine does, and
the runner plays the cues and writes the log.
"""

from __future__ import annotations

import gc
import math
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from timer.durations import format_duration
from timer.plan import Phase, Plan
from timer.replog.recorder import Recorder
from timer.replog.resume import Resume
from timer.runner import SessionRunner, can_speak
from timer.session import CueDue, PhaseChanged, Session, State
from timer.ui.context import RunContext
from timer.ui.messages import SessionDone
from timer.ui.screens.confirm import ConfirmQuit
from timer.ui.widgets.banner import PhaseBanner
from timer.ui.widgets.bigdigits import BigDigits
from timer.ui.widgets.keybar import KeyBar
from timer.ui.widgets.line import Line
from timer.ui.widgets.rep_entry import RepEntry
from timer.ui.widgets.timebar import TimeBar

WHOLE_SCREEN_CUES = {"go", "stop", "final"}
FLASH_BACKGROUND = Color.parse("#e8e8e8")
"""The screen's colour during a whole-screen flash (the countdown turns black on it: see app.tcss)."""
SILENT_FLASH_CUES = {"tick", "announce"}
"""Cues that flash nothing (a metronome flashing every second would drown the others)."""
ALERT_S = 3
COMPACT_HEIGHT = 24
TINY_HEIGHT = 16


class RunScreen(Screen[None]):
    """Phase banner, big countdown, what to do, reps, progress; the keys drive the engine."""

    # Order = importance: the key bar cuts the last ones off on a narrow terminal (all are in `?` help).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "rep", "+1 rep"),
        Binding("p", "pause", "pause"),
        Binding("n", "skip", "skip"),
        Binding("b", "back", "back"),
        Binding("plus,equals_sign", "extend", "+15 s", key_display="+"),
        Binding("q", "quit", "quit"),
        Binding("question_mark", "app.help", "help", key_display="?"),
        Binding("minus", "undo_rep", "undo"),
        Binding("m", "mute", "mute"),
        Binding("t", "metronome", "metronome"),
    ]

    def __init__(self, plan: Plan, ctx: RunContext, *, resume: Resume | None = None) -> None:
        super().__init__()
        self.plan = resume.plan if resume is not None else plan
        """The timeline the engine runs (when resuming: only what is left of it)."""
        self.ctx = ctx
        self.recorder = Recorder(ctx.log, ctx.log_path, resume)
        ctx.recorder = self.recorder
        self.runner = SessionRunner(
            self.plan, ctx.clock, ctx.player, self.recorder, metronome=ctx.metronome, resume=resume
        )
        self._wake: Timer | None = None
        self._unflash: Timer | None = None
        self._flash_ends_t = 0.0
        """Session time the latest whole-screen flash ends (the summary waits for the `final` one)."""
        self._scene: tuple[int, int | None, str] | None = None
        """Phase, next phase and status last shown by `_show_phase`."""
        # The widgets, kept at hand: `_show` runs every second and a query walks the DOM.
        self._place_line = Line(id="place")
        self._banner = PhaseBanner(id="banner")
        self._countdown = BigDigits(id="countdown")
        self._exercise = Line(id="exercise")
        self._load = Line(id="load")
        self._cues = Line(id="cues")
        self._entry = RepEntry(id="reps")
        self._rep_count = BigDigits(id="rep-count")
        self._phase_bar = TimeBar("phase  ", id="phase-bar")
        self._session_bar = TimeBar("session", id="session-bar")
        self._status = Line(id="status")

    @property
    def session(self) -> Session:
        """The engine (tests read it)."""
        return self.runner.session

    @property
    def last_state(self) -> State | None:
        """What the latest poll showed."""
        return self.runner.last_state

    def compose(self) -> ComposeResult:
        yield self._place_line
        yield self._banner
        yield self._countdown
        with Horizontal(id="details"):
            with Vertical(id="info"):
                yield self._exercise
                yield self._load
                yield self._cues
                yield self._entry
            yield self._rep_count
        yield self._phase_bar
        yield self._session_bar
        yield self._status
        yield KeyBar()

    def on_mount(self) -> None:
        self._fit(self.size.height)
        _settle_garbage_collector()
        self.runner.start(self.ctx.clock(), self.ctx.circuit_path)
        if self.ctx.voice and can_speak(self.ctx.player):
            # Spoken phrases are optional: a failure is told once (see _voices_failed), never fatal.
            self.run_worker(
                self.runner.render_voices,
                thread=True,
                exclusive=True,
                group="voices",
                name="voices",
                exit_on_error=False,
            )
        self.poll()

    @on(Worker.StateChanged)
    def _voices_failed(self, event: Worker.StateChanged) -> None:
        if event.worker.name == "voices" and event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                f"Spoken cues are off for this session: {error or 'rendering failed'}. The tones still play.",
                title="Voice",
                severity="warning",
                timeout=6,
                markup=False,
            )

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.height)

    def _fit(self, height: int) -> None:
        """Give the digits more room on small terminals: fold the banner and hide extras."""
        self.set_class(height < COMPACT_HEIGHT, "-compact")
        self.set_class(height < TINY_HEIGHT, "-tiny")

    # --- the poll -------------------------------------------------------------------------------------

    def poll(self) -> None:
        """Ask the runner what now (it plays the cues and logs), show it, and sleep until the next change."""
        if self._wake is not None:
            self._wake.stop()
            self._wake = None
        runner = self.runner
        if runner.done:
            return
        now = self.ctx.clock()
        state = runner.poll(now)
        for event in state.events:
            if isinstance(event, CueDue):
                self._cue(event)
        if any(isinstance(event, PhaseChanged) for event in state.events):
            self._show_offer(state)
        self._tell_problems()
        if runner.done:
            self._finished(state)
            return
        self._show(state)
        self._wake = self.set_timer(runner.next_delay(now), self.poll, name="engine-poll")

    def _cue(self, event: CueDue) -> None:
        """The visual half of a cue (the runner has already played its sound)."""
        if event.cue.kind not in SILENT_FLASH_CUES:
            whole = event.cue.kind in WHOLE_SCREEN_CUES
            self.flash(whole=whole)
            if whole:
                self._flash_ends_t = event.planned_t + self.ctx.flash_s

    def _show_offer(self, state: State) -> None:
        """A new phase: a rest offers the finished set's reps for correction; work shows the live taps."""
        offer = self.runner.offer
        if offer is not None:
            self._entry.begin_entry(
                offer.phase_index, offer.exercise, offer.shown, offer.target, parts=offer.parts
            )
        elif not state.phase.is_work:
            self._entry.show_off()

    def _finished(self, state: State) -> None:
        """The session is over: the summary comes once the `final` flash has been seen.

        A poll that comes after the flash would have ended (a fake clock moved far, a late wake) goes
        straight on, so tests that jump past the end need no real-time wait.
        """
        self._entry.show_off()
        self._countdown.set_class(self.screen_lit, "-flash")  # the final flash (no _show after the end)
        done = SessionDone(self.runner.tally(state))
        flash_left = self._flash_ends_t - state.t
        if self.ctx.flash_s > 0 and flash_left > 0:
            self.set_timer(flash_left, lambda: self.post_message(done), name="final-flash")
        else:
            self.post_message(done)

    # --- reps -----------------------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """Digits, backspace and Enter go to the rep entry during a rest (it never takes focus); Tab moves
        it between the parts of a complex just done."""
        if self._entry.feed(event.key):
            event.stop()
            event.prevent_default()
            self.runner.edit_offer(self._entry.shown)  # what stands if the rest ends before Enter
            self._show_rep_count()
        elif event.key == "tab" and self.runner.next_part():
            event.stop()
            event.prevent_default()
            if self.last_state is not None:
                self._show_offer(self.last_state)
            self._show_rep_count()

    @on(RepEntry.Entered)
    def _reps_entered(self, event: RepEntry.Entered) -> None:
        self.runner.save_reps(event.phase_index, event.reps)

    # --- showing the state ----------------------------------------------------------------------------

    def _show(self, state: State) -> None:
        """Show the state. Runs every second: what only changes with the phase is set only then."""
        phase = state.phase
        running = state.status == "running"
        wanted = {f"-{kind}": kind == phase.kind for kind in ("prepare", "work", "rest", "round_rest")}
        wanted["-paused"] = state.status == "paused"
        wanted["-alert"] = running and 0 < state.shown_remaining <= ALERT_S
        wanted["-flash"] = self.screen_lit
        _set_classes(self._countdown, wanted)  # one restyle for the phase, the alert and a flash
        self._countdown.text = format_duration(state.shown_remaining)

        scene = (phase.index, state.next_phase.index if state.next_phase else None, state.status)
        if scene != self._scene:
            self._scene = scene
            self._show_phase(state)
        if phase.is_work:
            self._entry.show_live(state.reps, phase.target_reps)
        self._show_rep_count()

        self._phase_bar.fraction = state.elapsed / state.phase_duration if state.phase_duration else 1.0
        total = state.total_duration or 1.0
        self._session_bar.fraction = 1 - state.total_remaining / total
        # The big digits already count the phase's seconds; the session's caption counts whole minutes so
        # that a far-away row is not repainted every second (the repaint covers everything between).
        self._session_bar.caption = _session_left(state.total_remaining)
        self._status.text = self.runner.status_text(state)

    def _show_phase(self, state: State) -> None:
        """The banner and the rows about what to do: they change with the phase (or pause), not the second."""
        phase = state.phase
        self._banner.kind = phase.kind
        self._banner.paused = state.status == "paused"
        self._banner.detail = f"part {phase.part}/{phase.parts_in_set}" if phase.part else ""
        self._place_line.text = self.runner.place_text(phase, state.next_phase)
        shown = phase if phase.is_work else state.next_phase
        prefix = "" if phase.is_work else "Next: "
        self._exercise.text = f"{prefix}{shown.exercise}" if shown and shown.exercise else ""
        self._load.text = _load_line(shown) if shown else ""
        self._cues.text = " · ".join(shown.cues) if shown and phase.is_work else ""

    def _show_rep_count(self) -> None:
        """The rep count again in block digits, for a glance from across the room."""
        entry = self._entry
        shown = entry.shown if entry.mode != "off" else None
        self._rep_count.text = "" if shown is None else str(shown)
        self._rep_count.set_class(entry.mode == "entry", "-entry")

    def _tell_problems(self) -> None:
        """Say once when sound stops working or the log cannot be written; the timer goes on either way."""
        for problem in self.runner.problems():
            if problem.about == "sound":
                self.notify(problem.text, title="Sound", severity="warning", timeout=4, markup=False)
            else:
                self.notify(problem.text, title="Rep log", severity="error", timeout=15, markup=False)

    def flash(self, *, whole: bool) -> None:
        """Light up the banner (or the whole screen) for a moment so a glance from afar catches the cue.

        A flash time of 0 turns flashes off (snapshot tests use that: a real-time timer ends a flash).
        """
        if self.ctx.flash_s <= 0:
            return
        self._banner.flash = True
        self._light_screen(whole)
        if self._unflash is not None:
            self._unflash.stop()
        self._unflash = self.set_timer(self.ctx.flash_s, self._end_flash, name="unflash")

    def _end_flash(self) -> None:
        self._banner.flash = False
        self._light_screen(False)
        self._countdown.set_class(False, "-flash")

    @property
    def screen_lit(self) -> bool:
        """True while a whole-screen flash (go, stop, final) is showing."""
        return self.styles.inline.has_rule("background")

    def _light_screen(self, lit: bool) -> None:
        """Turn the whole-screen flash on or off.

        An inline background on the screen, not a CSS class: a class on the screen would re-match the style
        sheet for every widget (~8 ms), and this lands in the same frame as a phase change. Widgets keep the
        background they inherit in a cache, which `notify_style_update` (Textual's hook for that) clears.
        """
        if lit != self.screen_lit:
            self.styles.background = FLASH_BACKGROUND if lit else None  # repaints every widget
            for node in self.walk_children():
                node.notify_style_update()

    # --- keys -----------------------------------------------------------------------------------------

    def action_rep(self) -> None:
        if self.session.paused:
            self.notify("Paused: taps are not counted. p goes on.", title="paused", timeout=2)
            return
        if self.runner.add_rep():
            self.poll()

    def action_undo_rep(self) -> None:
        if self.runner.undo_rep():
            self.poll()

    def action_pause(self) -> None:
        if self.runner.toggle_pause():
            self.poll()

    def pause_for_suspend(self) -> None:
        """Ctrl+Z / SIGTSTP: pause (and log it) before the process stops; `p` goes on after `fg`."""
        self.runner.pause_for_suspend()

    def after_suspend(self) -> None:
        """Back from `fg`: say why the timer is paused."""
        if self.runner.paused_by_suspend and self.session.paused:
            self.notify(
                "Paused while circuit-timer was suspended. Press p to go on.", title="Paused", timeout=8
            )
            self.poll()

    def action_skip(self) -> None:
        self.runner.skip()
        self.poll()

    def action_back(self) -> None:
        self.runner.back()
        self.poll()

    def action_extend(self) -> None:
        if self.runner.extend():
            self.poll()
        else:
            self.notify("+15 s works during a rest", timeout=2)

    def action_mute(self) -> None:
        self.runner.toggle_mute()
        self.poll()

    def action_metronome(self) -> None:
        self.runner.toggle_metronome()
        self.poll()

    def action_quit(self) -> None:
        confirm = ConfirmQuit()

        def decided(quit_now: bool | None) -> None:
            if quit_now:
                self.abort(leave=confirm.by_interrupt)

        self.app.push_screen(confirm, decided)

    @property
    def running(self) -> bool:
        """A session is under way: stopping now needs an `aborted` record."""
        return self.runner.running

    def abort(self, *, leave: bool = False) -> None:
        """Stop the session on the athlete's word: the log says so, then the summary of what was done.

        `leave` (a second Ctrl+C): exit at once instead, unless the log could not take every record (disk
        full): then the summary comes anyway, to save them elsewhere.
        """
        state = self.stop()
        if leave and self.recorder.problem is None:
            self.app.exit(0)
            return
        self.post_message(SessionDone(self.runner.tally(state)))

    def stop(self, *, commit_entry: bool = True) -> State:
        """End the session here (quit, SIGTERM, SIGHUP, the app closing); safe to call more than once.

        `commit_entry` False when the widgets are already gone (the screen is being unmounted).
        """
        if self._wake is not None:
            self._wake.stop()
        state = self.runner.stop(commit_offer=commit_entry)
        if commit_entry:
            self._entry.show_off()
        return state

    def on_unmount(self) -> None:
        """However the app ends (Ctrl+Q, a crash in a handler), a session under way is logged as aborted."""
        if self.running:
            self.stop(commit_entry=False)
        gc.unfreeze()  # what was frozen for the session can be collected again


def _set_classes(widget: Widget, wanted: dict[str, bool]) -> None:
    """Set several classes on one widget, then restyle it once (only when one changed)."""
    changed = False
    for name, wanted_on in wanted.items():
        if widget.has_class(name) != wanted_on:
            widget.set_class(wanted_on, name, update=False)
            changed = True
    if changed:
        widget.update_node_styles()


def _settle_garbage_collector() -> None:
    """Before the clock starts: collect, then freeze what is left (Textual, the plan, the widgets).

    A full collection walks every object the process has; measured here, one took up to 40 ms, long enough
    to make a phase change visibly late if it fell on one. Frozen objects are skipped by later collections,
    so those only walk what the session itself makes. `on_unmount` unfreezes them.
    """
    gc.collect()
    gc.freeze()


def _load_line(phase: Phase) -> str:
    """`30 kg · 30% e1RM · 24/min · target 18 reps` (whatever of it applies)."""
    bits = [phase.load_text()] if phase.load_text() else []
    if phase.cadence:
        bits.append(f"{phase.cadence:g}/min")
    if phase.target_reps:
        bits.append(f"target {phase.target_reps} reps")
    return " · ".join(bits)


def _session_left(seconds: float) -> str:
    """`33 min left` while over a minute remains, then `0:42 left`."""
    if seconds > 60:
        return f"{math.ceil(seconds / 60 - 1e-9)} min left"
    return f"{format_duration(seconds)} left"
