"""The circuit picker shown by a bare `circuit-timer`: every circuit found, with its total time."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from timer.catalog import Entry, load_entries
from timer.durations import format_duration
from timer.text import printable
from timer.ui.messages import CircuitChosen, OpenHistory


def _prompt(entry: Entry) -> Content:
    """One line per circuit: name and total time, or the file and its problem (shown literally)."""
    if entry.plan is not None:
        # A file name is not checked like the file's contents: escape what a terminal would act on (ESC...).
        where = "bundled" if entry.source == "bundled" else printable(str(entry.path))
        shape = f"{_count(entry.plan.rounds, 'round')} × {_count(entry.plan.stations, 'station')}"
        return Content.assemble(
            (entry.plan.name, "bold"),
            f"  {format_duration(entry.plan.total_s)}",
            (
                f"  {shape} · {where}",
                "dim",
            ),
        )
    return Content.assemble(
        (printable(entry.path.name), "bold"), ("  cannot be used: ", "dim"), (entry.error or "", "red")
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class PickerScreen(Screen[None]):
    """Choose a circuit; Enter opens its overview."""

    BINDINGS: ClassVar[list[BindingType]] = [
        ("h", "history", "History"),
        ("q", "app.quit", "Quit"),
        ("question_mark", "app.help", "Help"),
    ]

    def __init__(self, cwd: Path | None = None) -> None:
        super().__init__()
        self.entries = load_entries(cwd)

    def compose(self) -> ComposeResult:
        yield Static("Choose a circuit", id="picker-title")
        yield OptionList(
            *[Option(_prompt(e), id=str(i), disabled=e.plan is None) for i, e in enumerate(self.entries)],
            id="picker-list",
            markup=False,
        )
        yield Static("↑↓ choose · Enter: overview · h: history · q: quit", id="picker-hint")
        yield Footer()

    @on(OptionList.OptionSelected, "#picker-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        entry = self.entries[int(event.option.id or 0)]
        if entry.plan is not None:
            self.post_message(CircuitChosen(entry.plan, entry.path))

    def action_history(self) -> None:
        self.post_message(OpenHistory())
