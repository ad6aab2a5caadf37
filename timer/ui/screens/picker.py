"""The picker shown by a bare `circuit-timer`: programs first ("Today: ..."), then every circuit with its
total time; `a` chooses the athlete profile, remembered for this folder and shown in the status line."""

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

from timer import athletes
from timer.catalog import Entry, load_entries
from timer.circuit import Athlete, load_athlete
from timer.durations import format_duration
from timer.errors import InputError
from timer.text import printable
from timer.ui.messages import CircuitChosen, OpenHistory


def _prompt(entry: Entry) -> Content:
    """One line per circuit: name and total time, or the file and its problem (shown literally)."""
    if entry.plan is not None and entry.plan.program is not None:
        place = entry.plan.program
        session = place.session
        where = "bundled" if entry.source == "bundled" else printable(str(entry.path))
        return Content.assemble(
            ("Today: ", "bold"),
            (f"{place.name} — week {session.week}, session {session.session_in_week}", "bold"),
            f"  {format_duration(entry.plan.total_s)}",
            (
                f"  {entry.plan.name} · {session.phase}{' · deload' if session.deload else ''} · {where}",
                "dim",
            ),
        )
    if entry.program is not None:
        return Content.assemble(
            (entry.program, "bold"),
            ("  program: ", "dim"),
            (entry.error or "", "dim" if entry.plan else "red"),
        )
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
    """Choose a program's session or a circuit; Enter opens its overview; `a` changes the athlete."""

    BINDINGS: ClassVar[list[BindingType]] = [
        ("a", "athlete", "Athlete"),
        ("h", "history", "History"),
        ("q", "app.quit", "Quit"),
        ("question_mark", "app.help", "Help"),
    ]

    def __init__(self, cwd: Path | None = None, logs: list[Path] | None = None) -> None:
        super().__init__()
        self.cwd = cwd or Path.cwd()
        self.logs = logs or []
        self.profiles = athletes.profile_files(self.cwd)
        self.profile: Path | None = athletes.initial_choice(self.cwd)
        self.athlete: Athlete | None = None
        self.note = ""
        """Why the chosen profile cannot be used, or the choice not remembered (shown in the status line)."""
        self._load_athlete()
        self.entries = load_entries(self.cwd, self.athlete, str(self.profile or ""), self.logs)

    def compose(self) -> ComposeResult:
        yield Static("Choose a program's session or a circuit", id="picker-title")
        yield OptionList(*self._options(), id="picker-list", markup=False)
        yield Static("↑↓ choose · Enter: overview · a: athlete · h: history · q: quit", id="picker-hint")
        yield Static(self._status(), id="picker-athlete", markup=False)
        yield Footer()

    def _options(self) -> list[Option]:
        return [Option(_prompt(e), id=str(i), disabled=e.plan is None) for i, e in enumerate(self.entries)]

    def _load_athlete(self) -> None:
        self.athlete, self.note = None, ""
        if self.profile is None:
            return
        try:
            self.athlete = load_athlete(self.profile)
        except InputError as exc:
            self.note = f"{printable(self.profile.name)} cannot be used: {exc.problems[0].message}"

    def _status(self) -> str:
        if self.athlete is not None:
            text = f"Athlete: {self.athlete.name} ({printable(str(self.profile))})"
        else:
            text = "Athlete: none (each circuit's own e1RM values)"
        if self.note:
            text += f" · {self.note}"
        return printable(text)

    @on(OptionList.OptionSelected, "#picker-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        entry = self.entries[int(event.option.id or 0)]
        if entry.plan is not None:
            self.post_message(CircuitChosen(entry.plan, entry.circuit_path))

    def action_athlete(self) -> None:
        """The next profile on offer (after the last: none), remembered for this folder."""
        choices: list[Path | None] = [None, *self.profiles]
        keys = [p.resolve() if p is not None else None for p in choices]
        current = self.profile.resolve() if self.profile is not None else None
        index = keys.index(current) if current in keys else 0
        self.profile = choices[(index + 1) % len(choices)]
        self._load_athlete()
        problem = athletes.remember(self.cwd, self.profile)
        if problem:
            self.note = (self.note + " · " if self.note else "") + problem
        self.entries = load_entries(self.cwd, self.athlete, str(self.profile or ""), self.logs)
        options = self.query_one("#picker-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(self._options())
        options.highlighted = highlighted if highlighted is not None else 0  # stay on the same line
        self.query_one("#picker-athlete", Static).update(self._status())

    def action_history(self) -> None:
        self.post_message(OpenHistory())
