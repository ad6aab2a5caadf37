"""The `?` overlay: every key and what it does."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from timer.ui.widgets.bigdigits import BigDigits

KEYS = (
    ("space", "+1 rep (only during work)"),
    ("-", "undo a rep"),
    ("0-9 ⏎", "during a rest: correct the last set's reps"),
    ("p", "pause / resume"),
    ("n", "skip to the next phase"),
    ("b", "back to the start of this phase (again: previous phase)"),
    ("+", "add 15 s to this rest"),
    ("m", "mute / unmute sound (flashes stay)"),
    ("t", "metronome on / off"),
    ("q", "quit (asks first during a session)"),
    ("Ctrl+C", "like q; again while asked: stop (logged as aborted)"),
    ("Ctrl+Z", "pause and suspend to the shell; after fg, p goes on"),
    ("⏎", "start (on the overview)"),
    ("?", "this help"),
)


class HelpScreen(ModalScreen[None]):
    """Keys at a glance; any of ?, Esc or q closes it. The session keeps running underneath.

    The countdown stays in view: the run screen shows it, smaller, at the top of the help (`show_clock`);
    the list scrolls on a short terminal and the line saying how to close it is always on screen.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,escape,q", "close", "Close"),
        Binding("ctrl+c", "app.interrupt", show=False),  # a modal hides the app's own Ctrl+C
    ]

    def __init__(self, *, ascii: bool = False) -> None:
        super().__init__()
        self.clock = BigDigits(id="help-clock", ascii=ascii)
        """The session's countdown, kept in view while the help is open (see RunScreen._show)."""
        self.ascii = ascii

    def compose(self) -> ComposeResult:
        yield self.clock
        with Vertical(id="help-box"):
            yield Static("Keys", id="help-title")
            width = max(len(k) for k, _ in KEYS)
            rows = "\n".join(f"{k:>{width}}  {what}" for k, what in KEYS)
            if self.ascii:
                rows = rows.replace("⏎", "Enter")
            with VerticalScroll(id="help-scroll"):
                yield Static(rows, id="help-keys", markup=False)
            yield Static("? / Esc closes", id="help-hint")

    def show_clock(self, text: str, classes: dict[str, bool]) -> None:
        """The run screen's countdown, its phase and alert classes (only while a session runs)."""
        self.clock.display = True
        for name, on in classes.items():
            self.clock.set_class(on, name)
        self.clock.text = text

    def action_close(self) -> None:
        self.dismiss()
