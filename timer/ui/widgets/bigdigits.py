"""The countdown in block digits that grow and shrink with the space the layout gives them.

It draws through Textual's line API (`render_line`) from lines it keeps until the text, the size or the
colour changes: the countdown repaints every second for an hour, so each repaint should cost next to nothing.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from timer.text import fit, text_width
from timer.ui.widgets.bigfont import render_big, render_words


class BigDigits(Widget):
    """Shows `text` (digits, `:` and `-`) as large as its own size allows, centred."""

    DEFAULT_CSS = """
    BigDigits {
        width: 1fr;
        height: 1fr;
        text-style: bold;
    }
    """

    text: reactive[str] = reactive("", repaint=False)
    """What to show, e.g. `2:30`. A change repaints only the cells that differ (see `watch_text`)."""

    def __init__(
        self, text: str = "", *, ascii: bool = False, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(BigDigits.text, text)
        self.ascii = ascii
        """Draw with `#` (the locale is not UTF-8)."""
        self._strips: tuple[tuple[str, int, int], list[Strip]] | None = None

    def notify_style_update(self) -> None:
        """Textual's hook for a change of style (colour, flash, theme): draw the lines again."""
        super().notify_style_update()
        self._strips = None

    def watch_text(self) -> None:
        """Repaint the box around the cells that changed: from 2:37 to 2:36 that is one digit, not 13 rows."""
        if not self.is_mounted:
            return
        before = self._strips
        strips = self._centred_strips()
        if before is None or before[0][1:] != tuple(self.content_size):
            self.refresh()  # new size or style: everything
            return
        changed = _changed_box([s.text for s in before[1]], [s.text for s in strips])
        if changed is not None:
            self.refresh(changed)

    def render_line(self, y: int) -> Strip:
        strips = self._centred_strips()
        if 0 <= y < len(strips):
            return strips[y]
        return Strip.blank(self.content_size.width, self.visual_style.rich_style)

    def lines(self) -> list[str]:
        """The text of every row as drawn now (what the terminal shows in this widget)."""
        return [strip.text for strip in self._centred_strips()]

    def draw(self, text: str, width: int, height: int) -> list[str]:
        """The rows of `text` drawn to fit `width` × `height` (before centring)."""
        return render_big(text, width, height, ascii=self.ascii)

    def _centred_strips(self) -> list[Strip]:
        width, height = self.content_size
        key = (self.text, width, height)
        if self._strips is None or self._strips[0] != key:
            drawn = self.draw(self.text, width, height)
            self._strips = (key, _centre(drawn, width, height, self.visual_style.rich_style))
        return self._strips[1]


def _changed_box(old: list[str], new: list[str]) -> Region | None:
    """The smallest region holding every cell that differs between two drawings of the same size."""
    rows = [y for y, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    if not rows:
        return None
    left = min(_first_difference(old[y], new[y]) for y in rows)
    right = max(len(old[y]) - _first_difference(old[y][::-1], new[y][::-1]) for y in rows)
    return Region(left, rows[0], right - left, rows[-1] - rows[0] + 1)


def _first_difference(a: str, b: str) -> int:
    return next(x for x, (p, q) in enumerate(zip(a, b, strict=True)) if p != q)


def _centre(drawn: list[str], width: int, height: int, style: Style) -> list[Strip]:
    """`drawn` in the middle of `width` × `height` cells, every row one segment in `style`."""
    drawn_width = max(map(text_width, drawn), default=0)
    left = max(width - drawn_width, 0) // 2
    top = max(height - len(drawn), 0) // 2
    rows = [""] * top + drawn + [""] * max(height - top - len(drawn), 0)
    return [Strip([Segment(fit(" " * left + row, width), style)], width) for row in rows[:height]]


class BigText(BigDigits):
    """Words (the phase, the exercise, the load) in large capitals when they fit, else one plain line.

    The plain line keeps the text as written (CJK, emoji, mixed case) and is cut with `…`.
    """

    DEFAULT_CSS = """
    BigText {
        width: 1fr;
        height: 3;
        text-style: bold;
    }
    """

    def draw(self, text: str, width: int, height: int) -> list[str]:
        return render_words(text, width, height, ascii=self.ascii) or [fit(text, width).rstrip()]
