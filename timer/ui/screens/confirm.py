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
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static("Stop this session?", id="confirm-title")
            yield Static("Sets already done stay in the log.", id="confirm-body")
            yield Static("y = stop   ·   n / Esc = keep going", id="confirm-keys")

    def action_answer(self, stop: bool) -> None:
        self.dismiss(stop)
