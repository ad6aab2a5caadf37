"""The rep counter: live taps during work, then a typed correction during the rest that follows.

It never takes focus: the run screen hands it digits, backspace and Enter, so the other keys
(`space`, `p`, `n`, `b`, ...) keep working while the athlete types.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from timer.text import clip

MAX_DIGITS = 4
NAME_CELLS = 16
"""The set name in the entry line is cut to this many cells: the count stays in view on a narrow screen."""


class RepEntry(Widget):
    """`Reps: 12` — live during work; editable (digits, backspace, Enter) during the following rest."""

    DEFAULT_CSS = """
    RepEntry {
        width: 1fr;
        height: 1;
        text-style: bold;
    }
    RepEntry.-editing { color: $warning; }
    RepEntry.-saved { color: $success; }
    """

    @dataclass
    class Entered(Message):
        """The athlete typed a rep count for a finished set and pressed Enter."""

        phase_index: int
        reps: int

    mode: reactive[str] = reactive("off")
    """`off` (nothing to count), `live` (work: taps count) or `entry` (rest: correct the last set)."""
    count: reactive[int | None] = reactive(None)
    """The value shown: live taps, or the finished set's reps (None when unknown)."""
    buffer: reactive[str] = reactive("")
    """Digits typed so far; empty when not editing."""
    saved: reactive[bool] = reactive(False)
    """The shown count has been saved with Enter."""
    target: reactive[int | None] = reactive(None)
    """Target reps of the set, shown beside the count."""

    big_count: reactive[bool] = reactive(True)
    """The screen shows the count in large digits: the live line then does not repeat it."""

    def __init__(self, *, ascii: bool = False, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.ascii = ascii
        """Only ASCII characters (the locale is not UTF-8)."""
        self.phase_index: int | None = None
        """Which work phase an entry corrects."""
        self.set_name = ""
        """The exercise of that phase, named in the entry so it is clear which set is corrected."""
        self.part_hint = ""
        """`   Tab: next part` when the set just ended is a complex (each part is corrected on its own)."""

    # -- driven by the screen ------------------------------------------------------------------------

    def show_live(self, count: int, target: int | None) -> None:
        """During work: the taps so far."""
        self.phase_index = None
        self.part_hint = ""
        self.mode, self.count, self.target, self.buffer, self.saved = "live", count, target, "", False

    def begin_entry(
        self, phase_index: int, name: str, shown: int | None, target: int | None, *, parts: bool = False
    ) -> None:
        """A work phase ended: offer its count for correction (`parts`: Tab moves to its other parts)."""
        self.phase_index = phase_index
        self.set_name = name
        self.part_hint = "   Tab: next part" if parts else ""
        self.mode, self.count, self.target, self.buffer, self.saved = "entry", shown, target, "", False

    def show_off(self) -> None:
        self.phase_index = None
        self.part_hint = ""
        self.mode, self.count, self.target, self.buffer, self.saved = "off", None, None, "", False

    @property
    def shown(self) -> int | None:
        """The value on screen: the typed digits if any, else the count."""
        return int(self.buffer) if self.buffer else self.count

    def feed(self, key: str) -> bool:
        """Take a digit, `backspace` or `enter` while in entry mode; True when the key was used."""
        if self.mode != "entry" or self.phase_index is None:
            return False
        if key.isdigit() and len(key) == 1:
            if len(self.buffer) < MAX_DIGITS:
                self.buffer = (self.buffer + key).lstrip("0") or "0"
            self.saved = False
            return True
        if key == "backspace":
            self.buffer = self.buffer[:-1]
            return True
        if key == "enter":
            value = self.shown
            if value is not None:
                self.count, self.buffer, self.saved = value, "", True
                self.post_message(self.Entered(self.phase_index, value))
            return True
        return False

    # -- display --------------------------------------------------------------------------------------

    def _refresh_classes(self) -> None:
        self.set_class(bool(self.buffer), "-editing")
        self.set_class(self.saved and not self.buffer, "-saved")

    def watch_buffer(self) -> None:
        self._refresh_classes()

    def watch_saved(self) -> None:
        self._refresh_classes()

    def render(self) -> Content:
        if self.mode == "off":
            return Content("")
        target = f" / {self.target}" if self.target is not None else ""
        if self.mode == "live":
            # The large digits show the count; this row says it only when they are not shown.
            return Content("" if self.big_count else f"Reps: {self.count or 0}{target}")
        label = f"{clip(self.set_name, NAME_CELLS)} reps" if self.set_name else "Reps"
        if self.buffer:
            return Content(f"{label}: {self.buffer}{'|' if self.ascii else '▏'}{target}   Enter saves")
        if self.count is None:
            dash = "-" if self.ascii else "—"
            return Content(f"{label}: not counted {dash} type to enter{target}{self.part_hint}")
        hint = ("saved" if self.ascii else "saved ✓") if self.saved else "type to correct"
        return Content(f"{label}: {self.count}{target}   {hint}{self.part_hint}")
