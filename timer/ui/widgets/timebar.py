"""A one-line progress bar for a stretch of time, with a caption such as `1:20 left in session`."""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.reactive import reactive
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

    def __init__(self, label: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(TimeBar.label, label)

    def validate_fraction(self, fraction: float) -> float:
        # Quantise to the bar's own cells so it repaints only when a cell would change, not every poll.
        cells = max(self.content_size.width, 1) if self.is_mounted else 400
        return round(min(max(fraction, 0.0), 1.0) * cells) / cells

    def render(self) -> Content:
        width = self.content_size.width
        left = f"{self.label} " if self.label else ""
        right = f" {self.caption}" if self.caption else ""
        room = width - len(left) - len(right)
        if room < 4:
            return Content(f"{left}{right}".strip()[:width])
        done = round(self.fraction * room)
        return Content.assemble(
            left,
            ("━" * done, self.get_visual_style("timebar--done")),
            ("━" * (room - done), self.get_visual_style("timebar--todo")),
            right,
        )
