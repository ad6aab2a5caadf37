"""The live session on screen: draws what `timer.runner.SessionRunner` says, flashes cues, takes the keys.

Timing: after each poll one one-shot timer is set for the runner's `next_delay` (the next displayed-second
change or cue); keys poll at once. Nothing here counts ticks or keeps time of its own: the engine does, and
the runner plays the cues and writes the log.
"""

from __future__ import annotations

import asyncio
import gc
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from timer.durations import format_duration, session_left
from timer.layout import COMPACT_HEIGHT, layout_rows
from timer.plan import Phase, Plan
from timer.replog.recorder import Recorder
from timer.replog.resume import Resume
from timer.runner import SessionRunner, can_speak
from timer.session import CueDue, PhaseChanged, Session, State
from timer.ui.context import RunContext
from timer.ui.driver import QuietLinuxDriver
from timer.ui.messages import SessionDone
from timer.ui.screens.confirm import ConfirmQuit
from timer.ui.screens.help import HelpScreen
from timer.ui.widgets.banner import PhaseBanner
from timer.ui.widgets.bigdigits import BigDigits, BigText
from timer.ui.widgets.keybar import KeyBar
from timer.ui.widgets.line import Line
from timer.ui.widgets.rep_entry import RepEntry
from timer.ui.widgets.timebar import TimeBar

WHOLE_SCREEN_CUES = {"go", "stop", "final", "halfway", "rest10"}
"""Cues that flash the whole screen (the others light only the banner)."""
BRIEF_CUES = {"halfway", "rest10"}
"""Whole-screen flashes that stay short whatever `--flash` says: a glance, not a phase change."""
BRIEF_FLASH_S = 0.3
FLASH_BACKGROUND = Color.parse("#e8e8e8")
"""The screen's colour during a whole-screen flash (the countdown turns black on it: see app.tcss)."""
SILENT_FLASH_CUES = {"tick", "announce"}
"""Cues that flash nothing (a metronome flashing every second would drown the others)."""
ALERT_S = 3
STATUS_S = 4.0
"""A status note (sound on start, mute, metronome) fades after this many seconds."""
PROBLEM_S = 10.0
"""A problem told in the status line (no sound device) stays this long."""

APPROACH_S = 0.005
"""The last stretch of a wait, waited for on its own (see `RunScreen._sleep_until_next_change`)."""
PREPARE_S = 0.05
"""How long before a phase change its frame is drawn, to be held and written at the moment (`_prepare`)."""


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
            self.plan,
            ctx.clock,
            ctx.player,
            self.recorder,
            metronome=ctx.metronome,
            resume=resume,
            stop_gap_s=ctx.stop_gap_s,
        )
        self._wake: asyncio.TimerHandle | None = None
        """The next poll, at a moment on the event loop's clock (see `_sleep_until_next_change`)."""
        self._wake_at = 0.0
        """When (the loop's clock) the next poll is due."""
        self._previewed = False
        """A preview was shown since the last poll (see `_prepare`)."""
        self._frames: QuietLinuxDriver | None = None
        """The driver, when it can hold a frame until its moment (ours, in a terminal; see `_prepare`)."""
        self._unflash: Timer | None = None
        self._lit = False
        """A whole-screen flash is showing."""
        self._plain: list[Widget] | None = None
        self._flash_ends_t = 0.0
        """Session time the latest whole-screen flash ends (the summary waits for the `final` one)."""
        self._scene: tuple[int, int | None, str] | None = None
        """Phase, next phase and status last shown by `_show_phase`."""
        self._note: tuple[str, float] = ("", 0.0)
        """What the status line says, and the session clock time it fades."""
        self._big_reps = True
        self._place_text = ""
        """The place line before the time left (set with the phase; the time is added every poll)."""
        self._place_more = ""
        """The place line after the time left: station and part."""
        """The rep count is drawn large (not on a small terminal: then the reps row says it)."""
        # The widgets, kept at hand: `_show` runs every second and a query walks the DOM.
        ascii = ctx.ascii
        self._banner = PhaseBanner(id="banner", ascii=ascii)
        self._countdown = BigDigits(id="countdown", ascii=ascii)
        self._what = BigText(id="what", ascii=ascii)
        self._load = BigText(id="load", ascii=ascii)
        self._rep_count = BigDigits(id="rep-count", ascii=ascii)
        self._place_line = Line(id="place")
        self._detail = Line(id="detail")
        self._next = Line(id="next")
        self._entry = RepEntry(id="reps", ascii=ascii)
        self._phase_bar = TimeBar("phase  ", id="phase-bar", ascii=ascii)
        self._session_bar = TimeBar("session", id="session-bar", ascii=ascii)
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
        yield self._banner
        yield self._countdown
        yield self._what
        with Horizontal(id="load-row"):
            yield self._load
            yield self._rep_count
        yield self._place_line
        yield self._detail
        yield self._next
        yield self._entry
        yield self._phase_bar
        yield self._session_bar
        yield self._status
        yield KeyBar()

    def on_mount(self) -> None:
        driver = getattr(self.app, "_driver", None)  # private: Textual has no public handle on its driver
        self._frames = driver if isinstance(driver, QuietLinuxDriver) else None
        self._fit(self.size.width, self.size.height)
        _settle_garbage_collector()
        self.runner.start(self.ctx.clock(), self.ctx.circuit_path)
        self.say(self._sound_state())  # what the athlete hears, told once at the start
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
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        """Share the rows out: the digits get what the other rows leave (see `layout_rows`)."""
        rows = layout_rows(width, height)
        self._big_reps = rows["rep-count"] > 0
        for widget in (
            self._banner,
            self._what,
            self._load,
            self._rep_count,
            self._detail,
            self._next,
            self._phase_bar,
            self._session_bar,
        ):
            name = widget.id or ""
            shown = rows[name] > 0
            widget.display = shown
            if shown and name != "rep-count":
                widget.styles.height = rows[name]
        self.query_one("#load-row").styles.height = rows["load"]
        self._rep_count.styles.height = rows["load"]
        self.set_class(height < COMPACT_HEIGHT, "-compact")
        if self.last_state is not None:
            self._show_rep_count()

    # --- the poll -------------------------------------------------------------------------------------

    def poll(self) -> None:
        """Ask the runner what now (it plays the cues and logs), show it, and sleep until the next change."""
        self._cancel_wake()
        runner = self.runner
        if runner.done:
            return
        now = self.ctx.clock()
        state = runner.poll(now)
        for event in state.events:
            if isinstance(event, CueDue):
                self._cue(event)
        if any(isinstance(event, PhaseChanged) for event in state.events) or self._previewed:
            # After a preview the offer is shown again even without a change: a key that polled before the
            # moment left the rest under way, and the preview had shown the coming work's live count.
            self._show_offer(state)
        self._previewed = False
        self._tell_problems()
        if runner.done:
            self._finished(state)
            return
        self._show(state)
        self._sleep_until_next_change(now)

    def _sleep_until_next_change(self, poll_began: float) -> None:
        """Poll again a hair after the engine's next change, as a moment on the event loop's clock.

        Not `set_timer`: a Textual timer starts counting when its task first runs, after the frame this poll
        changed has been drawn. And in two steps: Linux lets a wait of about a second end up to 1 ms late
        (`epoll_wait`'s slack is 0.1% of the timeout) and asyncio rounds the timeout up to the next ms, so
        a wake measured 1.8 ms late (median); the last `APPROACH_S` are waited for on their own.
        """
        loop = asyncio.get_running_loop()
        delay = self.runner.next_delay(poll_began)
        when = self._wake_at = loop.time() + delay
        state = self.runner.last_state
        phase_ends = (
            state is not None
            and state.status == "running"
            and state.next_phase is not None
            and state.remaining <= state.wake_in + 1e-6
        )
        if phase_ends and self._frames is not None and when - loop.time() > PREPARE_S + APPROACH_S:
            then = self.ctx.clock() + delay
            self._wake = loop.call_at(when - PREPARE_S, self._woken_to_prepare, when, then)
        elif when - loop.time() > APPROACH_S:
            self._wake = loop.call_at(when - APPROACH_S, self._approach, when)
        else:
            self._wake = loop.call_at(when, self._woken)

    def _approach(self, when: float) -> None:
        self._wake = asyncio.get_running_loop().call_at(when, self._woken)

    def _woken(self) -> None:
        self._wake = None
        self._release()  # a frame prepared for this moment goes out now, before the poll's work
        self.call_later(self.poll)  # through the screen's messages, so an error in it is Textual's to show

    def _woken_to_prepare(self, when: float, then: float) -> None:
        self._wake = None
        self.call_later(self._prepare, when, then)

    def _prepare(self, when: float, then: float) -> None:
        """Draw the next phase `PREPARE_S` ahead of its moment, and have the terminal get it at the moment.

        A phase change redraws the whole screen, which takes about 8 ms here, and more on a busy machine,
        so drawn at the moment it reached the terminal 10–25 ms late. Drawn ahead, from the engine's
        `preview` of that moment (nothing is played, logged or handed out early), its bytes are held by the
        driver and written when `_woken` comes at `when`. The poll then does the moment's real work (cues,
        log, flashes, the rep entry) and finds the screen already showing the new phase. A key pressed in
        between polls at once, which lets the held frame out early and then draws the present state over it.
        """
        if self._frames is None or self.runner.done or self._wake is not None or self._wake_at != when:
            return  # a poll came first (a key) and planned its own wake
        self._frames.hold(until=when)
        self._previewed = True
        self._show(self.runner.session.preview(then))
        loop = asyncio.get_running_loop()
        self._wake = loop.call_at(max(loop.time(), when - APPROACH_S), self._approach, when)

    def _release(self) -> None:
        if self._frames is not None:
            self._frames.release()

    def _cancel_wake(self) -> None:
        if self._wake is not None:
            self._wake.cancel()
            self._wake = None
        self._release()  # a poll before the moment (a key): what was prepared goes out, the present follows

    def _cue(self, event: CueDue) -> None:
        """The visual half of a cue (poll has already played its sound)."""
        kind = event.cue.kind
        if kind == "tick":
            # The metronome's visual beat: the rep count turns over on every tick (no timer to undo it).
            self._rep_count.toggle_class("-beat")
        elif kind not in SILENT_FLASH_CUES:
            whole = kind in WHOLE_SCREEN_CUES
            seconds = min(self.ctx.flash_s, BRIEF_FLASH_S) if kind in BRIEF_CUES else self.ctx.flash_s
            self.flash(whole=whole, seconds=seconds)
            if whole:
                self._flash_ends_t = event.planned_t + seconds

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
        overlay = self.app.screen
        if isinstance(overlay, HelpScreen):  # the help keeps the countdown in view
            overlay.show_clock(self._countdown.text, wanted)

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
        # The big digits already count the phase's seconds; the time left in the session counts minutes
        # until the last ten, so that the row is not repainted every second for most of a session.
        left = session_left(state.total_remaining)
        self._place_line.text = f"{self._place_text} · {left}{self._place_more}"
        self._status.text = self._status_text(state)

    def _show_phase(self, state: State) -> None:
        """The banner and the rows about what to do: they change with the phase (or pause), not the second.

        During work: the exercise and its load now, and a smaller line with what comes next. During a rest:
        the exercise and load of the next set, since that is what to get ready for.
        """
        phase = state.phase
        self._banner.kind = phase.kind
        self._banner.paused = state.status == "paused"
        self._place_text = self.runner.place_text(phase, state.next_phase, paused=state.status == "paused")
        self._place_more = self.runner.place_more(phase, state.next_phase)
        shown = phase if phase.is_work else state.next_phase
        self._what.text = shown.exercise or "" if shown else ""
        self._load.text = big_load(shown) if shown else ""
        self._detail.text = _detail_line(shown, with_cues=phase.is_work) if shown else ""
        upcoming = state.next_phase
        while upcoming is not None and not upcoming.is_work:
            following = upcoming.index + 1
            upcoming = self.plan.phases[following] if following < len(self.plan.phases) else None
        if phase.is_work and upcoming is not None and upcoming.exercise:
            load = upcoming.load_text()
            self._next.text = f"Next: {upcoming.exercise}" + (f" · {load}" if load else "")
        else:
            self._next.text = ""

    def _show_rep_count(self) -> None:
        """The rep count in block digits, for a glance from across the room (the reps row says the rest)."""
        entry = self._entry
        shown = entry.shown if entry.mode != "off" else None
        self._rep_count.text = "" if shown is None else str(shown)
        self._rep_count.set_class(entry.mode == "entry", "-entry")
        entry.big_count = self._big_reps

    def say(self, note: str, seconds: float = STATUS_S) -> None:
        """Show `note` in the status line until it fades after `seconds` (of the session clock)."""
        self._note = (note, self.ctx.clock() + seconds)
        if self.last_state is not None:
            self._status.text = self._status_text(self.last_state)

    def _status_text(self, state: State) -> str:
        """Only what changed (a fading note) and what is wrong right now; empty most of the time."""
        note, until = self._note
        parts = [note] if note and self.ctx.clock() < until else []
        trouble = self.runner.status_text(state)
        return " · ".join([*parts, trouble] if trouble else parts)

    def _sound_state(self) -> str:
        player = self.ctx.player
        return player.name + (" (muted)" if player.muted else "")  # the name says `sound: ...`

    def _tell_problems(self) -> None:
        """Say once when sound stops working or the log cannot be written; the timer goes on either way.

        Sound problems go to the status line (a toast at every start covered the bars); a log that cannot
        be written is worth a toast (shown at the top, away from the bars and prompts).
        """
        for problem in self.runner.problems():
            if problem.about == "sound":  # what plays now, then why
                self.say(f"{self._sound_state()} · {problem.text}", PROBLEM_S)
            else:
                self.notify(problem.text, title="Rep log", severity="error", timeout=15, markup=False)

    def flash(self, *, whole: bool, seconds: float | None = None) -> None:
        """Light up the banner (or the whole screen) for a moment so a glance from afar catches the cue.

        A flash time of 0 turns flashes off (`--flash off`; snapshot tests use that too: a real-time timer
        ends a flash).
        """
        seconds = self.ctx.flash_s if seconds is None else seconds
        if seconds <= 0:
            return
        self._banner.flash = True
        self._light_screen(whole)
        if self._unflash is not None:
            self._unflash.stop()
        self._unflash = self.set_timer(seconds, self._end_flash, name="unflash")

    def _end_flash(self) -> None:
        self._banner.flash = False
        self._light_screen(False)
        self._countdown.set_class(False, "-flash")

    @property
    def screen_lit(self) -> bool:
        """True while a whole-screen flash (go, stop, final) is showing."""
        return self._lit

    def _light_screen(self, lit: bool) -> None:
        """Turn the whole-screen flash on or off.

        An inline background on each row that has none of its own (the banner, the countdown and the keys
        have theirs), not on the screen and not a CSS class. A class on the screen re-matches the style sheet
        for every widget (~8 ms). A background on the screen repaints the screen, which Textual does at
        once, and then every widget again when their own repaints arrive: two whole frames for one flash,
        the second ~5 ms of work while the first is being written. Each row repainting itself makes one.
        Widgets keep the background they inherit in a cache, which `notify_style_update` (Textual's hook for
        that) clears.
        """
        if lit == self._lit:
            return
        self._lit = lit
        for row in self._plain_rows():
            row.styles.background = FLASH_BACKGROUND if lit else None
        for node in self.walk_children():
            node.notify_style_update()

    def _plain_rows(self) -> list[Widget]:
        """The rows without a background of their own (they show the screen's): what a flash lights."""
        if self._plain is None:
            self._plain = [row for row in self.children if row.styles.background.a == 0]
        return self._plain

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
            self.say("+15 s works during a rest")

    def action_mute(self) -> None:
        self.runner.toggle_mute()
        self.say(self._sound_state() + (" · the flashes stay" if self.ctx.player.muted else ""))
        self.poll()

    def action_metronome(self) -> None:
        self.runner.toggle_metronome()
        on = self.session.metronome
        phase = self.last_state.phase if self.last_state else None
        if on and phase is not None and phase.is_work and not phase.cadence:
            self.say("metronome on · no cadence for this station")
        else:
            self.say(f"metronome {'on' if on else 'off'}")
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
        self._cancel_wake()
        state = self.runner.stop(commit_offer=commit_entry)
        if commit_entry:
            self._entry.show_off()
        return state

    def on_unmount(self) -> None:
        """However the app ends (Ctrl+Q, a crash in a handler), a session under way is logged as aborted."""
        self._cancel_wake()
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


def big_load(phase: Phase) -> str:
    """The load as the large line shows it: `35 kg`, `bw + 10 kg`, `16 kg (35.3 lb)`, `bodyweight`.

    The percentage (and where its e1RM came from) goes to the detail line.
    """
    return phase.load_text().split(" · ", 1)[0]


def _detail_line(phase: Phase, *, with_cues: bool) -> str:
    """`30% e1RM · 20/min · target 40 reps · Tall posture` (whatever of it applies)."""
    bits = [phase.load_text().split(" · ", 1)[1]] if " · " in phase.load_text() else []
    if phase.cadence:
        bits.append(f"{phase.cadence:g}/min")
    if phase.target_reps:
        bits.append(f"target {phase.target_reps} reps")
    if with_cues:
        bits += phase.cues
    return " · ".join(bits)
