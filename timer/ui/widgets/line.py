"""One row of plain text, cut with … when too long: the run screen's place, exercise, load and status."""

from __future__ import annotations

from rich.segment import Segment
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from timer.text import fit


class Line(Widget):
    """A `Field` for a single row, drawn through the line API from a kept `Strip`.

    The run screen repaints every widget on a whole-screen flash; drawn this way a row costs a fraction of
    Textual's general text layout, which a row of a fixed height does not need.
    """

    DEFAULT_CSS = """
    Line {
        width: 1fr;
        height: 1;
    }
    """

    text: reactive[str] = reactive("")
    """The text shown, exactly as given (never markup: names come from circuit files)."""

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(Line.text, text)
        self._strip: tuple[tuple[str, int], Strip] | None = None

    def notify_style_update(self) -> None:
        """Textual's hook for a change of style (colour, flash, theme): draw the row again."""
        super().notify_style_update()
        self._strip = None

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        style = self.visual_style.rich_style
        if y != 0:
            return Strip.blank(width, style)
        key = (self.text, width)
        if self._strip is None or self._strip[0] != key:
            self._strip = (key, Strip([Segment(fit(self.text, width), style)], width))
        return self._strip[1]


"""C0 and C1 control characters (ESC among them), removed: a terminal would act on them."""
