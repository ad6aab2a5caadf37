"""The overview before a session: what the circuit is, each station's load and time, the total."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer

from timer.durations import format_duration
from timer.loads import DEFAULT_MARK
from timer.plan import Plan, StationRow
from timer.replog.resume import Resume
from timer.ui.messages import StartSession
from timer.ui.widgets.field import Field
from timer.ui.widgets.fitted_table import FittedTable


class OverviewScreen(Screen[None]):
    """Circuit name, notes, athlete, stations and total; Enter starts."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start", priority=True),
        Binding("escape", "back", "Back", show=False),
        Binding("q", "app.quit", "Quit"),
        Binding("question_mark", "app.help", "Help"),
    ]

    def __init__(
        self, plan: Plan, path: Path | None, *, can_go_back: bool = False, resume: Resume | None = None
    ) -> None:
        super().__init__()
        self.plan = plan
        self.path = path
        self.can_go_back = can_go_back
        self.resume = resume
        self._started = False

    def compose(self) -> ComposeResult:
        plan = self.plan
        with VerticalScroll(id="overview-body"):
            yield Field(plan.name, id="overview-name")
            if plan.program is not None:
                line = f"{plan.program.name} · {plan.program.session.line}"
                yield Field(line, id="overview-program")
            if self.resume is not None:
                yield Field(self.resume.text, id="overview-resume")
            if plan.athlete:
                yield Field(f"Athlete: {plan.athlete}", id="overview-athlete")
            if plan.notes:
                yield Field(plan.notes.strip(), id="overview-notes")
            yield FittedTable(
                name_column="exercise", id="overview-table", cursor_type="none", zebra_stripes=True
            )
        total = (
            f"Total {format_duration(plan.total_s)} · {plan.rounds} round{'s' if plan.rounds != 1 else ''}"
        )
        round_rest = next((p.duration_s for p in plan.phases if p.kind == "round_rest"), None)
        if round_rest:
            total += f" · {format_duration(round_rest)} between rounds"
        if self.resume is not None:
            left = format_duration(self.resume.plan.total_s)
            yield Field(f"{total} · {left} left · Enter to resume", id="overview-total")
        else:
            yield Field(f"{total} · Enter to start", id="overview-total")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(FittedTable)
        table.can_focus = False
        table.add_column("#")
        table.add_column("Exercise", key="exercise")
        table.add_columns("Load", "Work", "Rest", "Sets")
        complexes = {p.station: p.station_name for p in self.plan.phases if p.parts_in_set}
        shown_header: set[int] = set()
        for row in self.plan.station_rows:
            station = row.station
            if row.part and station not in shown_header:
                shown_header.add(station)
                parts_s = sum(r.work_s for r in self.plan.station_rows if r.station == station)
                table.add_row(
                    str(station),
                    Text(complexes.get(station) or "Complex"),
                    "",
                    format_duration(parts_s),
                    format_duration(row.rest_s),
                    str(row.sets),
                )
            table.add_row(
                "" if row.part else str(station),
                Text(f"  └ {row.exercise}" if row.part else row.exercise),
                _load_cell(row),
                format_duration(row.work_s),
                "" if row.part else format_duration(row.rest_s),
                "" if row.part else str(row.sets),
            )

    def action_start(self) -> None:
        # Once only: a second Enter before the run screen is up would start (and log) a second session.
        if not self._started:
            self._started = True
            self.post_message(StartSession(self.plan, self.path, self.resume))

    def action_back(self) -> None:
        if self.can_go_back:
            self.dismiss()


def _load_cell(row: StationRow) -> Text:
    """The load as text; a load from the circuit's e1RM (the profile lacks the lift) says so in colour."""
    text = Text(row.load or "—")
    if row.default_e1rm:
        text.highlight_words([DEFAULT_MARK], style="bold yellow")
    return text
