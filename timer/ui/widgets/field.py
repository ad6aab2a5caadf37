"""A one-value text widget that shows its text literally and repaints only when the text changes."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget


class Field(Widget):
    """Plain text (never markup: names come from circuit files) that refreshes only on change."""

    DEFAULT_CSS = """
    Field {
        width: 1fr;
        height: auto;
    }
    """

    text: reactive[str] = reactive("")
    """The text shown, exactly as given."""

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(Field.text, text)

    def watch_text(self) -> None:
        # A new layout only when the height follows the text: a fixed-height line (the run screen's) just
        # repaints, which spares a layout of the whole screen on every phase change.
        height = self.styles.height
        if height is None or height.is_auto:
            self.refresh(layout=True)

    def render(self) -> Content:
        return Content(self.text)
