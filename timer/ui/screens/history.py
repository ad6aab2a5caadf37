"""The history screen (`h` on the picker): per circuit, reps and volume per station over the sessions,
and the pace of reps inside each set of the latest session. Escape goes back.

The log is read by a thread worker (a big log takes a second); the screen only shows what it returns.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from timer.errors import CircuitTimerError
from timer.history.trends import CircuitHistory, bars, load_history, trend_line
from timer.text import fit_width
from timer.ui.widgets.field import Field

NAME_WIDTH = 22


class HistoryScreen(Screen[None]):
    """Trends of every circuit in the log, the most recently run first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("q", "app.quit", "Quit"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths
        self.histories: list[CircuitHistory] | None = None
        """What the worker found (None until it is done)."""

    def compose(self) -> ComposeResult:
        yield Field("History", id="history-title")
        with VerticalScroll(id="history-body"):
            yield Field("Reading the log…", id="history-status")
        yield Field("Esc: back · q: quit", id="history-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.run_worker(lambda: load_history(self.paths), thread=True, exit_on_error=False, name="history")

    @on(Worker.StateChanged)
    def _loaded(self, event: Worker.StateChanged) -> None:
        status = self.query_one("#history-status", Field)
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            status.text = (
                str(error) if isinstance(error, CircuitTimerError) else f"Cannot read the log: {error}"
            )
            return
        if event.state != WorkerState.SUCCESS:
            return
        self.histories = event.worker.result
        if not self.histories:
            where = ", ".join(map(str, self.paths)) or "no log"
            status.text = f"No sessions logged yet ({where})."
            return
        status.display = False
        body = self.query_one("#history-body", VerticalScroll)
        body.mount_all(Static(render_history(h), classes="history-circuit") for h in self.histories)

    def action_back(self) -> None:
        self.dismiss()


def render_history(h: CircuitHistory) -> Text:
    """One circuit's block, as literal text (names come from files: never markup)."""
    text = Text()
    text.append(h.circuit, style="bold")
    if h.athlete:
        text.append(f" · {h.athlete}")
    latest = h.latest.started_at.astimezone().strftime("%a %d %b %Y %H:%M") if h.latest.started_at else "?"
    result = h.latest_result
    counts = f", {result.sets_text()}" if result is not None else ""
    if result is not None and result.not_counted:
        counts += f", {_count(result.not_counted, 'set')} not counted"
    text.append(f"  {_count(h.sessions, 'session')}, latest {latest} ({h.latest.status}{counts})\n", "dim")
    if h.completed:
        text.append(f"Reps per station, {_count(h.completed, 'completed session')} (oldest → newest)\n")
        unit = h.latest.unit or "kg"
        for st in h.stations:
            text.append(f"  {st.station:>2} {fit_width(st.name, NAME_WIDTH)}  reps   {trend_line(st.reps)}\n")
            if st.has_volume:
                volume = trend_line(st.volume)
                text.append(f"     {'':{NAME_WIDTH}}  {unit:<5}  {volume}\n", "dim")
    else:
        text.append("No completed session yet: trends start with the first one.\n", "dim")
    if h.pace:
        text.append("Pace in the latest session (reps per segment of the set)\n")
        for p in h.pace:
            r, s, n, part = p.key
            where = f"R{r} S{s} #{n}" + (f".{part}" if part else "")
            counts = " ".join(str(c) for c in p.counts)
            text.append(
                f"  {where:<10} {fit_width(p.exercise, NAME_WIDTH)}  per {p.segment_s:>2} s  "
                f"{bars(p.counts)}  {counts} = {sum(p.counts)}\n"
            )
    elif h.latest.sets:
        text.append("No reps tapped in the latest session, so no pace to show.\n", "dim")
    return text


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
