"""A one-line progress bar for a stretch of time, with a caption such as `1:20 left in session`."""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget


class TimeBar(Widget):
    """`label ███████░░░░░ caption`: how much of a phase (or the session) is done."""

    DEFAULT_CSS = """
    TimeBar {
        width: 1fr;
        height: 1;
    }
    TimeBar > .timebar--done { color: $accent; }
    TimeBar > .timebar--todo { color: $foreground 25%; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"timebar--done", "timebar--todo"}

    label: reactive[str] = reactive("")
    """Short name on the left, e.g. `phase`."""
    fraction: reactive[float] = reactive(0.0)
    """Share done, 0 to 1."""
    caption: reactive[str] = reactive("")
    """Text on the right, e.g. `0:32 left`."""

    def __init__(
        self, label: str = "", *, ascii: bool = False, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(TimeBar.label, label)
        self.ascii = ascii
        """Draw the bar with `#` and `-` (the locale is not UTF-8)."""
        self._strip: tuple[tuple[object, ...], Strip] | None = None
        """The bar as last drawn, kept while nothing it shows has changed (drawn through the line API)."""

    def validate_fraction(self, fraction: float) -> float:
        # Quantise to the bar's own cells so it repaints only when a cell would change, not every poll.
        cells = max(self.content_size.width, 1) if self.is_mounted else 400
        return round(min(max(fraction, 0.0), 1.0) * cells) / cells

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        base = self.visual_style.rich_style
        if y != 0:
            return Strip.blank(width, base)
        done_style = self.get_component_rich_style("timebar--done")
        todo_style = self.get_component_rich_style("timebar--todo")
        key = (width, self.label, self.fraction, self.caption, base, done_style, todo_style)
        if self._strip is None or self._strip[0] != key:
            self._strip = (key, self._draw(width, base, done_style, todo_style))
        return self._strip[1]

    def _draw(self, width: int, base: Style, done_style: Style, todo_style: Style) -> Strip:
        left = f"{self.label} " if self.label else ""
        right = f" {self.caption}" if self.caption else ""
        room = width - len(left) - len(right)
        if room < 4:
            return Strip([Segment(f"{left}{right}".strip()[:width], base)]).extend_cell_length(width, base)
        done = round(self.fraction * room)
        done_mark, todo_mark = ("#", "-") if self.ascii else ("━", "─")  # apart without colour too
        segments = [
            Segment(left, base),
            Segment(done_mark * done, done_style),
            Segment(todo_mark * (room - done), todo_style),
            Segment(right, base),
        ]
        return Strip(segments).extend_cell_length(width, base)
