"""The keys of a screen on one line, drawn like Textual's Footer but as a single widget."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget


class KeyBar(Widget):
    """` space +1 rep  p pause  n skip …`: the screen's shown bindings, cut before the first that won't fit.

    When they do not all fit, the keys lose their padding (`space +1 rep p pause …`), as the Footer does.

    Textual's Footer is one widget per key. The run screen repaints everything on a whole-screen flash, and
    those eleven widgets were 40% of that frame (3.6 ms of 8.7), so the run screen draws its keys as one
    line instead. List bindings in order of importance: a narrow terminal shows the first ones (`?` lists
    them all). A click on a key presses it, as on the Footer.
    """

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        width: 1fr;
        height: 1;
        background: $footer-background;
    }
    KeyBar > .keybar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .keybar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key", "keybar--description"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spans: list[tuple[int, int, str]] = []
        self._keys: list[tuple[str, str, str]] | None = None
        self._strip: tuple[tuple[int, Style, Style], Strip] | None = None
        """The line as last drawn, kept while the width and colours stay the same (a flash repaints all)."""
        """Where each key was drawn: (first cell, cell after the last, key), for clicks."""

    def keys(self) -> list[tuple[str, str, str]]:
        """(key, how it is shown, description) of every binding the screen shows, once per action.

        Read once: gathering a screen's active bindings is most of the cost of drawing this line, and the
        screens that use it do not change their keys.
        """
        if self._keys is None:
            self._keys = self._read_keys()
        return self._keys

    def _read_keys(self) -> list[tuple[str, str, str]]:
        entries: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            entries.append((key, self.app.get_key_display(binding), binding.description))
        return entries

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        cache_key = (width, key_style, description_style)
        if self._strip is None or self._strip[0] != cache_key:
            self._strip = (cache_key, self._draw(width, key_style, description_style))
        return self._strip[1]

    def _draw(self, width: int, key_style: Style, description_style: Style) -> Strip:
        keys = self.keys()
        roomy = [(f" {shown} ", f"{description} ", key) for key, shown, description in keys]
        compact = [(shown, f" {description} ", key) for key, shown, description in keys]
        layout = roomy if _cells(roomy) <= width else compact  # like the Footer's compact mode
        segments: list[Segment] = []
        spans: list[tuple[int, int, str]] = []
        x = 0
        for key_text, description_text, key in layout:
            cells = cell_len(key_text) + cell_len(description_text)
            if x + cells > width:
                break
            segments += [Segment(key_text, key_style), Segment(description_text, description_style)]
            spans.append((x, x + cells, key))
            x += cells
        self._spans = spans
        return Strip(segments, x).extend_cell_length(width, self.visual_style.rich_style)

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return


def _cells(layout: list[tuple[str, str, str]]) -> int:
    return sum(cell_len(key_text) + cell_len(description_text) for key_text, description_text, _ in layout)
