"""Block digits for the countdown, drawn from small bitmap fonts and scaled to the space available.

No Textual here: `render_big(text, width, height)` returns plain lines, so the fitting rules are easy to test.
Pixels are drawn with half-block characters (`▀ ▄ █`): a terminal cell is about twice as tall as it is
wide, so two pixel rows per cell make square pixels and let the digits grow in half-row steps.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Font:
    """A bitmap font: every glyph has `height` rows of '#' (ink) and '.' (paper)."""

    name: str
    height: int
    glyphs: dict[str, tuple[str, ...]]

    def glyph(self, char: str) -> tuple[str, ...]:
        return self.glyphs.get(char, self.glyphs[" "])

    def pixel_width(self, text: str) -> int:
        """Width in pixels of `text`, with one blank pixel column between glyphs."""
        if not text:
            return 0
        return sum(len(self.glyph(c)[0]) for c in text) + len(text) - 1


def _font(name: str, rows: str) -> Font:
    """Parse a font table: glyph names on the first line, then the rows of every glyph side by side."""
    lines = [line for line in rows.strip("\n").splitlines() if line.strip()]
    names = lines[0].split()
    columns = [line.split() for line in lines[1:]]
    glyphs = {name: tuple(row[i] for row in columns) for i, name in enumerate(names)}
    glyphs = {(" " if k == "sp" else k): v for k, v in glyphs.items()}
    return Font(name, len(columns), glyphs)


FONT_5X7 = _font(
    "5x7",
    """
    0     1     2     3     4     5     6     7     8     9     :  -     sp
    .###. ..#.. .###. ####. ...#. ##### ..##. ##### .###. .###. .  ..... .....
    #...# .##.. #...# ....# ..##. #.... .#... ....# #...# #...# .  ..... .....
    #...# #.#.. ....# ....# .#.#. ####. #.... ...#. #...# #...# #  ..... .....
    #...# ..#.. ...#. .###. #..#. ....# ####. ..#.. .###. .#### .  ##### .....
    #...# ..#.. ..#.. ....# ##### ....# #...# .#... #...# ....# #  ..... .....
    #...# ..#.. .#... ....# ...#. #...# #...# .#... #...# ...#. .  ..... .....
    .###. ##### ##### ####. ...#. .###. .###. .#... .###. .##.. .  ..... .....
    """,
)

FONT_3X5 = _font(
    "3x5",
    """
    0   1   2   3   4   5   6   7   8   9   :  -   sp
    ### .#. ### ### #.# ### ### ### ### ### .  ... ...
    #.# ##. ..# ..# #.# #.. #.. ..# #.# #.# #  ... ...
    #.# .#. ### .## ### ### ### ..# ### ### .  ### ...
    #.# .#. #.. ..# ..# ..# #.# ..# #.# ..# #  ... ...
    ### ### ### ### ..# ### ### ..# ### ### .  ... ...
    """,
)

FONTS = (FONT_5X7, FONT_3X5)
_FONTS_BY_NAME = {font.name: font for font in FONTS}
_HALF = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def fit_scale(text: str, width: int, height: int, font: Font) -> int:
    """The largest whole pixel size at which `text` fits `width` × `height` cells (0 when it does not)."""
    pixels = font.pixel_width(text)
    if pixels == 0 or width <= 0 or height <= 0:
        return 0
    by_width = width // pixels
    by_height = (2 * height) // font.height  # two pixel rows per cell row
    return max(0, min(by_width, by_height))


def draw(text: str, font: Font, scale: int) -> list[str]:
    """`text` drawn in `font` with every pixel `scale` cells wide and `scale` half-rows tall."""
    glyphs = [_drawn_glyph(font.name, char, scale) for char in text]
    gap = " " * scale  # one blank pixel column between glyphs
    return [gap.join(rows) for rows in zip(*glyphs, strict=True)]


@functools.lru_cache(maxsize=128)
def _drawn_glyph(font_name: str, char: str, scale: int) -> tuple[str, ...]:
    """One glyph drawn at `scale` (kept: a countdown draws the same dozen glyphs every second)."""
    bitmap = _FONTS_BY_NAME[font_name].glyph(char)
    rows = [[c == "#" for c in line for _ in range(scale)] for line in bitmap for _ in range(scale)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    return tuple(
        "".join(_HALF[top, bottom] for top, bottom in zip(rows[i], rows[i + 1], strict=True))
        for i in range(0, len(rows), 2)
    )


def render_big(text: str, width: int, height: int) -> list[str]:
    """`text` as large as fits in `width` × `height` cells: 5×7 digits, then 3×5, then plain text."""
    for font in FONTS:
        scale = fit_scale(text, width, height, font)
        if scale:
            return draw(text, font, scale)
    return [text[: max(width, 0)]]
