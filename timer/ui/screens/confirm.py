"""Asks before a session is stopped: `q` is easy to hit by accident with a sweaty hand."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmQuit(ModalScreen[bool]):
    """`y` stops the session; `n` or Escape goes back to it (the timer keeps running underneath)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, stop"),
        Binding("n,escape", "answer(False)", "No, keep going"),
        # A modal screen hides the app's bindings, so the second Ctrl+C (or SIGINT) is answered here.
        Binding("ctrl+c", "interrupt", show=False),
    ]

    def __init__(
        self,
        title: str = "Stop this session?",
        body: str = "Sets already done stay in the log.",
        keys: str = "y = stop   ·   n / Esc = keep going",
        *,
        ctrl_c_confirms: bool = True,
    ) -> None:
        """`ctrl_c_confirms`: a second Ctrl+C means yes (stopping a session loses nothing: it is logged)."""
        super().__init__()
        self.title_text, self.body, self.keys = title, body, keys
        self.ctrl_c_confirms = ctrl_c_confirms
        self.by_interrupt = False
        """True when a second Ctrl+C answered (leave at once) rather than `y`."""

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.title_text, id="confirm-title", markup=False)
            yield Static(self.body, id="confirm-body", markup=False)
            yield Static(self.keys, id="confirm-keys", markup=False)

    def action_answer(self, stop: bool) -> None:
        self.dismiss(stop)

    def action_interrupt(self) -> None:
        if self.ctrl_c_confirms:
            self.by_interrupt = True
            self.dismiss(True)
