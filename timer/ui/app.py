"""The app and its one factory, shared by the command line and the tests.

The app only wires: it builds the shared context (clock, player, log) and moves between screens when
they ask. Screens coordinate; widgets display.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import App
from textual.binding import Binding, BindingType
from textual.filter import LineFilter
from textual.screen import Screen

from timer.audio import NullPlayer, Player
from timer.clock import Clock, monotonic
from timer.palette import ColourMode, css_variables
from timer.plan import Plan
from timer.replog import ResumePoint
from timer.replog.recorder import RepLog, rescue_unsaved
from timer.replog.resume import prepare_resume
from timer.session import STOP_GAP_S
from timer.ui import signals
from timer.ui.ascii import AsciiFilter
from timer.ui.context import RunContext
from timer.ui.driver import driver_class
from timer.ui.messages import CircuitChosen, OpenHistory, SessionDone, StartSession
from timer.ui.screens.confirm import ConfirmQuit
from timer.ui.screens.help import HelpScreen
from timer.ui.screens.history import HistoryScreen
from timer.ui.screens.overview import OverviewScreen
from timer.ui.screens.picker import PickerScreen
from timer.ui.screens.run import RunScreen
from timer.ui.screens.summary import SummaryScreen


class CircuitApp(App[int]):
    """circuit-timer's terminal UI: picker → overview → run → summary."""

    CSS_PATH = "app.tcss"
    TITLE = "circuit-timer"
    ENABLE_COMMAND_PALETTE = False
    # Textual's Ctrl+Q quits at once and its Ctrl+C only hints: during a session both ask first instead,
    # so no key ends a session without its `aborted` record. Ctrl+Z pauses, then suspends.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "interrupt", "Quit", show=False, priority=True, system=True),
        Binding("ctrl+c", "interrupt", show=False, system=True),
        Binding("ctrl+z", "suspend", show=False, system=True),
    ]

    def __init__(self, plan: Plan | None, ctx: RunContext, *, cwd: Path | None = None) -> None:
        # On a 16-colour terminal (and with NO_COLOR) colours are named ANSI colours, passed through as
        # such: the terminal's theme decides them, and timer/palette.py chose them for that.
        self.ctx = ctx  # before Textual's __init__: it reads the style sheet's variables
        self._ascii_filter = AsciiFilter()
        named = ctx.colours != "truecolor"
        super().__init__(driver_class=driver_class(), ansi_color=True if named else None)
        self.plan = plan
        self.cwd = cwd

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, plus ASCII-only output when the locale is not UTF-8 (`timer.ui.ascii`)."""
        filters = super().get_line_filters()
        return [*filters, self._ascii_filter] if self.ctx.ascii else filters

    def get_css_variables(self) -> dict[str, str]:
        """Textual's variables plus the phase colours for this terminal (`$work-band`, ...)."""
        return {**super().get_css_variables(), **css_variables(self.ctx.colours)}

    def on_mount(self) -> None:
        if self.ctx.colours != "truecolor":
            self.theme = "ansi-dark"
        signals.install(self, headless=self.is_headless)
        if self.plan is None:
            self.push_screen(PickerScreen(self.cwd, logs=self.log_paths()))
            return
        resume = prepare_resume(self.ctx.resume, self.plan) if self.ctx.resume else None
        self.push_screen(OverviewScreen(self.plan, self.ctx.circuit_path, resume=resume))

    @on(CircuitChosen)
    def _open_overview(self, message: CircuitChosen) -> None:
        self.ctx.circuit_path = message.path
        self.push_screen(OverviewScreen(message.plan, message.path, can_go_back=True))

    @on(StartSession)
    def _start(self, message: StartSession) -> None:
        self.ctx.circuit_path = message.path
        self.switch_screen(RunScreen(message.plan, self.ctx, resume=message.resume))

    @on(SessionDone)
    def _summary(self, message: SessionDone) -> None:
        while isinstance(self.screen, (ConfirmQuit, HelpScreen)):
            self.pop_screen()
        self.switch_screen(SummaryScreen(message.tally, self.ctx.recorder, clock=self.ctx.clock))

    @on(OpenHistory)
    def _history(self) -> None:
        self.push_screen(HistoryScreen(self.log_paths()))

    def log_paths(self) -> list[Path]:
        """The log the history screen reads: the one sessions are written to."""
        path = self.ctx.log_path or (self.ctx.log.path if self.ctx.log is not None else None)
        return [Path(path)] if isinstance(path, (str, Path)) else []

    # --- interruptions: keys and signals (see timer.ui.signals) ----------------------------------------

    def running_session(self) -> RunScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, RunScreen) and s.running), None)

    def action_interrupt(self) -> None:
        """Ctrl+C, Ctrl+Q, SIGINT: during a session, ask (asked already: stop and log); otherwise quit.

        The session or summary is looked for anywhere in the stack: the `?` help may be on top of it.
        """
        run = self.running_session()
        summary = next((s for s in reversed(self.screen_stack) if isinstance(s, SummaryScreen)), None)
        if isinstance(self.screen, ConfirmQuit):
            self.screen.action_interrupt()
        elif run is not None:
            self._close_help_over(run)
            run.action_quit()
        elif summary is not None:
            self._close_help_over(summary)
            summary.action_quit()
        else:
            self.exit(0)

    def _close_help_over(self, screen: Screen[Any]) -> None:
        while self.screen is not screen and isinstance(self.screen, HelpScreen):
            self.pop_screen()

    def action_suspend(self) -> None:
        """Ctrl+Z: pause the session, then suspend like a shell job (`fg` comes back, still paused)."""
        self.before_suspend()
        self.action_suspend_process()

    def before_suspend(self) -> None:
        run = self.running_session()
        if run is not None:
            run.pause_for_suspend()

    def after_suspend(self) -> None:
        run = self.running_session()
        if run is not None:
            run.after_suspend()

    def end_by_signal(self, signum: int) -> None:
        """SIGTERM or SIGHUP: log the session as aborted, save what the log could not take, and exit."""
        run = self.running_session()
        if run is not None:
            run.stop()
        note = rescue_unsaved(self.ctx.recorder)
        self.exit(return_code=128 + signum, message=note)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(ascii=self.ctx.ascii))
            self.sync()  # the countdown shows in the help at once

    def sync(self) -> None:
        """Poll the engine now, and have the summary look at the log again (tests call this after moving a
        fake clock or letting the log's writer thread finish)."""
        for screen in self.screen_stack:
            if isinstance(screen, RunScreen):
                screen.poll()
            elif isinstance(screen, SummaryScreen):
                screen.show_log_state()

    def on_unmount(self) -> None:
        self.ctx.player.close()
        self._rescue_on_exit()

    def _rescue_on_exit(self) -> None:
        """The safety net under every way out (a key, `app.quit`, a crash in a handler): records the log
        could not take, or still in flight after a short wait, go to the rescue file, unless the athlete said
        "quit anyway" at the summary.

        Runs after the screens are gone, so a session stopped by the unmount has written its end.
        """
        recorder = self.ctx.recorder
        if recorder is None:
            return
        if not recorder.discarded:
            note = rescue_unsaved(recorder)  # waits (briefly) for the records in flight first
            if note:  # shown on the terminal after exit, like end_by_signal's note
                self.exit(self.return_value, self.return_code or 0, note)
        recorder.close()  # the log's writer thread ends and is joined


def make_app(
    plan: Plan | None,
    *,
    clock: Clock | None = None,
    player: Player | None = None,
    sound: bool = False,
    log: RepLog | None = None,
    log_path: Path | None = None,
    circuit_path: Path | None = None,
    mute: bool = False,
    voice: bool = True,
    metronome: bool = False,
    cwd: Path | None = None,
    flash_s: float = 0.3,
    resume: ResumePoint | None = None,
    ascii: bool = False,
    colours: ColourMode = "truecolor",
    detect_stops: bool | None = None,
) -> CircuitApp:
    """Build the app. `plan` None opens the picker; otherwise the overview of that plan.

    Args:
        clock: monotonic seconds; tests pass a `FakeClock`.
        player: plays cues (a `timer.audio.Player`). When None: with `sound`, the best backend is chosen
            (`timer.audio.choose_player`, the terminal bell as last resort); without, nothing plays and
            the flashes are the only cues.
        log: a ready `timer.replog.SessionLog` (or a test double). log_path: open a SessionLog there when
            the session starts. Neither: no log is kept.
        circuit_path: the circuit file (logged with its SHA-256).
        mute: start muted. voice: render spoken announcements when a speech tool exists.
        metronome: start with metronome ticks on.
        cwd: where the picker looks for `circuits/` and `*.toml` (default: the current folder).
        flash_s: how long a cue flash lasts (0: no flashes).
        ascii: draw with ASCII only (a locale that is not UTF-8; see `timer.terminal`).
        colours: `truecolor`, `16` (named ANSI colours) or `none` (NO_COLOR: inverse video).
        resume: an interrupted session of `plan` to continue (from `timer.replog.find_resumable`); the
            overview says where it resumes, and the log keeps the same session id.
        detect_stops: pause the session when the process did not run for STOP_GAP_S (SIGSTOP, a suspended
            laptop). None: on with the real clock, off with an injected one (tests move a fake clock by
            minutes on purpose; the tests of this behaviour turn it on).
    """
    if detect_stops is None:
        detect_stops = clock is None
    ctx = RunContext(
        clock=clock or monotonic,
        player=player if player is not None else NullPlayer(),
        log=log,
        log_path=log_path,
        circuit_path=circuit_path,
        metronome=metronome,
        voice=voice and (player is not None or sound),
        flash_s=flash_s,
        resume=resume,
        ascii=ascii,
        colours=colours,
        stop_gap_s=STOP_GAP_S if detect_stops else None,
    )
    app = CircuitApp(plan, ctx, cwd=cwd)
    if player is None and sound:
        from timer.audio import choose_player

        ctx.player = choose_player(mute=mute, voice=voice, bell=app.bell)
    elif mute:
        ctx.player.set_muted(True)
    return app
