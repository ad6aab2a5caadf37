"""The `?` overlay: every key and what it does."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

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
    """Keys at a glance; any of ?, Esc or q closes it. The session keeps running underneath."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,escape,q", "close", "Close"),
        Binding("ctrl+c", "app.interrupt", show=False),  # a modal hides the app's own Ctrl+C
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static("Keys", id="help-title")
            width = max(len(k) for k, _ in KEYS)
            yield Static("\n".join(f"{k:>{width}}  {what}" for k, what in KEYS), id="help-keys", markup=False)
            yield Static("? / Esc closes", id="help-hint")

    def action_close(self) -> None:
        self.dismiss()
