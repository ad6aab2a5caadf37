"""The summary after the last phase: each set, totals, what was paused or skipped, where the log is."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer

from timer import e1rm
from timer.durations import format_duration
from timer.plan import Phase
from timer.ui.tally import Tally
from timer.ui.widgets.field import Field


class SummaryScreen(Screen[None]):
    """Title "Summary"; `q` quits at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]

    def __init__(self, tally: Tally) -> None:
        super().__init__()
        self.tally = tally

    def compose(self) -> ComposeResult:
        t = self.tally
        unit = t.plan.unit
        yield Field(f"Summary · {t.plan.name}", id="summary-title")
        with VerticalScroll(id="summary-body"):
            yield DataTable(id="summary-table", cursor_type="none", zebra_stripes=True)
            volume = f" · volume {e1rm.format_weight(round(t.volume, 1))} {unit}" if t.volume else ""
            yield Field(
                f"Time {format_duration(t.total_s)} · {len(t.sets)} sets · {t.total_reps} reps{volume}",
                id="summary-totals",
            )
            yield Field(self._interruptions(), id="summary-breaks")
            yield Field(self._log_line(), id="summary-log")
        yield Field("q to quit", id="summary-hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.can_focus = False
        table.add_columns("Set", "Exercise", "Load", "Reps", "Time")
        for line in self.tally.sets:
            phase = line.phase
            where = f"R{phase.round} S{phase.station} #{phase.set}" + (f".{phase.part}" if phase.part else "")
            reps = "—" if line.reps is None else str(line.reps)
            if line.skipped:
                reps += " skipped"
            table.add_row(
                where,
                Text(phase.exercise or ""),
                _short_load(phase),
                reps,
                format_duration(line.seconds),
            )

    def _interruptions(self) -> str:
        t = self.tally
        bits = []
        if t.pauses:
            bits.append(f"Paused {len(t.pauses)}× for {format_duration(t.paused_s)}")
        else:
            bits.append("No pauses")
        if t.skips:
            names = {"prepare": "get ready", "work": "work", "rest": "rest", "round_rest": "round rest"}
            listed = ", ".join(
                f"{names[s.phase.kind]}"
                + (f" {s.phase.exercise}" if s.phase.is_work else "")
                + f" ({format_duration(s.remaining_s)} left)"
                for s in t.skips
            )
            bits.append(f"skipped {len(t.skips)}: {listed}")
        else:
            bits.append("nothing skipped")
        return " · ".join(bits)

    def _log_line(self) -> str:
        t = self.tally
        if t.log_problem:
            return f"Log problem: {t.log_problem}"
        if t.log_path:
            return f"Log written to {t.log_path}"
        return "No log kept for this session"


def _short_load(phase: Phase) -> str:
    """`35 kg`, `bw` or `—`: the summary's narrow load column."""
    if phase.bodyweight:
        return "bw"
    if phase.load is None:
        return "—"
    return f"{e1rm.format_weight(phase.load)} {phase.unit}"
