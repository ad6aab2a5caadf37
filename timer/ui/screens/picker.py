"""The picker shown by a bare `circuit-timer`: programs first ("Today: ..."), then every circuit with its
total time; `a` chooses the athlete profile, remembered for this folder and shown in the status line.

The files are read by a worker, never before the first frame: the list shows at once, each file as
"loading…" until it is read, and a file that takes longer than its budget (`timer.catalog.FILE_BUDGET_S`)
is listed as too slow to read while the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from timer import athletes, catalog
from timer.catalog import Entry, Sessions, candidate_files, in_order, load_entry, load_within
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


def _loading(path: Path | None) -> Content:
    """A file not read yet (or, before the folder is listed, the whole list)."""
    return Content.assemble((printable(path.name) if path else "circuits", "bold"), ("  loading…", "dim"))


@dataclass
class FilesFound(Message):
    """The worker listed the candidate files (each is shown as loading until read)."""

    generation: int
    files: list[tuple[Path, str]]


@dataclass
class EntryLoaded(Message):
    """The worker read file number `index` (None: not a circuit, not listed)."""

    generation: int
    index: int
    entry: Entry | None


@dataclass
class AllLoaded(Message):
    """The worker read every file."""

    generation: int


class PickerScreen(Screen[None]):
    """Choose a program's session or a circuit; Enter opens its overview; `a` changes the athlete."""

    BINDINGS: ClassVar[list[BindingType]] = [
        ("a", "athlete", "Athlete"),
        ("h", "history", "History"),
        ("q", "app.quit", "Quit"),
        ("question_mark", "app.help", "Help"),
    ]

    def __init__(
        self, cwd: Path | None = None, logs: list[Path] | None = None, *, budget_s: float | None = None
    ) -> None:
        super().__init__()
        self.cwd = cwd or Path.cwd()
        self.logs = logs or []
        self.budget_s = budget_s if budget_s is not None else catalog.FILE_BUDGET_S
        """How long one file may take to read before it is listed as too slow."""
        self.profiles = athletes.profile_files(self.cwd)
        self.profile: Path | None = athletes.initial_choice(self.cwd)
        self.athlete: Athlete | None = None
        self.note = ""
        """Why the chosen profile cannot be used, or the choice not remembered (shown in the status line)."""
        self._load_athlete()
        self.entries: list[Entry] = []
        """The files read so far, in the list's order (programs first); all once `reading` is False."""
        self.reading = True
        self._generation = 0  # a new reading (another athlete) makes the messages of the last one stale
        self._found: list[tuple[Path, str]] | None = None
        self._loaded: dict[int, Entry | None] = {}

    def compose(self) -> ComposeResult:
        yield Static("Choose a program's session or a circuit", id="picker-title")
        yield OptionList(Option(_loading(None), disabled=True), id="picker-list", markup=False)
        yield Static("↑↓ choose · Enter: overview · a: athlete · h: history · q: quit", id="picker-hint")
        yield Static(self._status(), id="picker-athlete", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._read_files()

    def _read_files(self) -> None:
        """Start reading the files (again: another athlete changes every plan)."""
        self._generation += 1
        self.reading, self._found, self._loaded = True, None, {}
        self._reader(self._generation, self.athlete, str(self.profile or ""))

    @work(thread=True, exclusive=True, group="catalog", exit_on_error=False)
    def _reader(self, generation: int, athlete: Athlete | None, label: str) -> None:
        """The worker: lists the files, then reads each within its budget, posting each as it is read."""
        found = candidate_files(self.cwd)
        self.post_message(FilesFound(generation, found))
        sessions = Sessions(self.logs)
        for index, (path, source) in enumerate(found):
            if generation != self._generation:
                return  # another athlete was chosen: a new worker reads them again
            try:
                read = partial(load_entry, path, source, self.cwd, athlete, label, sessions)
                entry = load_within(self.budget_s, path, source, read)
            except Exception as error:  # a bug reading one file must not leave the list loading forever
                entry = Entry(path, source, error=f"cannot be read: {error}")
            self.post_message(EntryLoaded(generation, index, entry))
        self.post_message(AllLoaded(generation))

    @on(FilesFound)
    def _files_found(self, message: FilesFound) -> None:
        if message.generation == self._generation:
            self._found = message.files
            self._show()

    @on(EntryLoaded)
    def _entry_loaded(self, message: EntryLoaded) -> None:
        if message.generation == self._generation:
            self._loaded[message.index] = message.entry
            self._show()

    @on(AllLoaded)
    def _all_loaded(self, message: AllLoaded) -> None:
        if message.generation == self._generation:
            self.reading = False
            self._show()

    def _show(self) -> None:
        """The list as far as it is read: the files read (programs first), then those still loading."""
        self.entries = in_order([entry for entry in self._loaded.values() if entry is not None])
        options = [Option(_prompt(e), id=str(i), disabled=e.plan is None) for i, e in enumerate(self.entries)]
        if self._found is None:
            options.append(Option(_loading(None), disabled=True))
        else:
            options += [
                Option(_loading(path), disabled=True)
                for index, (path, _source) in enumerate(self._found)
                if index not in self._loaded
            ]
        listed = self.query_one("#picker-list", OptionList)
        highlighted = listed.highlighted
        listed.clear_options()
        listed.add_options(options)
        if self.entries:  # stay on the same line as the list fills in
            listed.highlighted = min(highlighted or 0, len(options) - 1)

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
        self._read_files()
        self.query_one("#picker-athlete", Static).update(self._status())

    def action_history(self) -> None:
        self.post_message(OpenHistory())
