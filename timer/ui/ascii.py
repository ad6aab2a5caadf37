"""ASCII-only output for a terminal whose locale is not UTF-8: a line filter over everything drawn.

The widgets already draw with `#` and `-` in ASCII mode; this filter is the guarantee for the rest (Textual's
own borders and scrollbars, toasts, names from files): every character becomes ASCII in the same cells
(`timer.text.to_ascii`), so no byte above 0x7F reaches the terminal.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from timer.text import to_ascii


class AsciiFilter(LineFilter):
    """Replace every non-ASCII character of a rendered line by an ASCII one of the same width."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [Segment(to_ascii(text), style, control) for text, style, control in segments]
