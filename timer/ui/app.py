"""The app and its one factory, shared by the command line and the tests.

The app only wires: it builds the shared context (clock, player, log) and moves between screens when
they ask. Screens coordinate; widgets display.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import App

from timer.audio import NullPlayer, Player
from timer.clock import Clock, monotonic
from timer.plan import Plan
from timer.ui.context import RunContext
from timer.ui.messages import CircuitChosen, SessionDone, StartSession
from timer.ui.screens.help import HelpScreen
from timer.ui.screens.overview import OverviewScreen
from timer.ui.screens.picker import PickerScreen
from timer.ui.screens.run import RunScreen
from timer.ui.screens.summary import SummaryScreen


class CircuitApp(App[int]):
    """circuit-timer's terminal UI: picker → overview → run → summary."""

    CSS_PATH = "app.tcss"
    TITLE = "circuit-timer"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, plan: Plan | None, ctx: RunContext, *, cwd: Path | None = None) -> None:
        super().__init__()
        self.plan = plan
        self.ctx = ctx
        self.cwd = cwd

    def on_mount(self) -> None:
        if self.plan is None:
            self.push_screen(PickerScreen(self.cwd))
        else:
            self.push_screen(OverviewScreen(self.plan, self.ctx.circuit_path))

    @on(CircuitChosen)
    def _open_overview(self, message: CircuitChosen) -> None:
        self.ctx.circuit_path = message.path
        self.push_screen(OverviewScreen(message.plan, message.path, can_go_back=True))

    @on(StartSession)
    def _start(self, message: StartSession) -> None:
        self.ctx.circuit_path = message.path
        self.switch_screen(RunScreen(message.plan, self.ctx))

    @on(SessionDone)
    def _summary(self, message: SessionDone) -> None:
        self.switch_screen(SummaryScreen(message.tally))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def sync(self) -> None:
        """Poll the engine now (tests call this after moving a fake clock)."""
        for screen in self.screen_stack:
            if isinstance(screen, RunScreen):
                screen.poll()

    def on_unmount(self) -> None:
        self.ctx.player.close()


def make_app(
    plan: Plan | None,
    *,
    clock: Clock | None = None,
    player: Player | None = None,
    sound: bool = False,
    log: Any | None = None,
    log_path: Path | None = None,
    circuit_path: Path | None = None,
    mute: bool = False,
    voice: bool = True,
    metronome: bool = False,
    cwd: Path | None = None,
    flash_s: float = 0.3,
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
        flash_s: how long a cue flash lasts.
    """
    ctx = RunContext(
        clock=clock or monotonic,
        player=player if player is not None else NullPlayer(),
        log=log,
        log_path=log_path,
        circuit_path=circuit_path,
        metronome=metronome,
        voice=voice and (player is not None or sound),
        flash_s=flash_s,
    )
    app = CircuitApp(plan, ctx, cwd=cwd)
    if player is None and sound:
        from timer.audio import choose_player

        ctx.player = choose_player(mute=mute, voice=voice, bell=app.bell)
    elif mute:
        ctx.player.set_muted(True)
    return app
