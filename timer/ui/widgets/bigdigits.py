"""The countdown in block digits that grow and shrink with the space the layout gives them."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from timer.ui.widgets.bigfont import render_big


class BigDigits(Widget):
    """Shows `text` (digits, `:` and `-`) as large as its own size allows."""

    DEFAULT_CSS = """
    BigDigits {
        width: 1fr;
        height: 1fr;
        content-align: center middle;
        text-style: bold;
    }
    """

    text: reactive[str] = reactive("")
    """What to show, e.g. `2:30`."""

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(BigDigits.text, text)

    def render(self) -> Content:
        size = self.content_size
        return Content("\n".join(render_big(self.text, size.width, size.height)))
