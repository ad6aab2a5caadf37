"""Block digits for the countdown, drawn from small bitmap fonts and scaled to the space available.

No Textual here: `render_big(text, width, height)` returns plain lines, so the fitting rules are easy to test.
Pixels are drawn with half-block characters (`▀ ▄ █`): a terminal cell is about twice as tall as it is
wide, so two pixel rows per cell make square pixels and let the digits grow in half-row steps. In ASCII
mode (a terminal whose locale is not UTF-8) a pixel is `#` and each cell row holds one pixel row.
Words (the phase, the exercise, the load) use a 5×5 capital font; text it cannot draw (CJK, emoji) is left
to the caller to show as a plain line.
"""

from __future__ import annotations

import functools
import math
import unicodedata
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


def _font(name: str, rows: str, height: int | None = None) -> Font:
    """Parse a font table: glyph names on one line, then the rows of every glyph side by side.

    A table of `height`-row glyphs may come in several blocks of names and rows, one under the other.
    """
    lines = [line for line in rows.strip("\n").splitlines() if line.strip()]
    block = (height or len(lines) - 1) + 1
    glyphs: dict[str, tuple[str, ...]] = {}
    for start in range(0, len(lines), block):
        names = lines[start].split()
        columns = [line.split() for line in lines[start + 1 : start + block]]
        glyphs |= {name: tuple(row[i] for row in columns) for i, name in enumerate(names)}
    glyphs = {(" " if k == "sp" else k): v for k, v in glyphs.items()}
    return Font(name, block - 1, glyphs)


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

FONT_5X5 = _font(
    "5x5",
    """
    A     B     C     D     E     F     G     H     I   J     K     L     M
    .###. ####. .#### ####. ##### ##### .#### #...# ### ..### #...# #.... #...#
    #...# #...# #.... #...# #.... #.... #.... #...# .#. ...#. #..#. #.... ##.##
    ##### ####. #.... #...# ####. ####. #.### ##### .#. ...#. ###.. #.... #.#.#
    #...# #...# #.... #...# #.... #.... #...# #...# .#. #..#. #..#. #.... #...#
    #...# ####. .#### ####. ##### #.... .###. #...# ### .##.. #...# ##### #...#
    N     O     P     Q     R     S     T     U     V     W     X     Y     Z
    #...# .###. ####. .###. ####. .#### ##### #...# #...# #...# #...# #...# #####
    ##..# #...# #...# #...# #...# #.... ..#.. #...# #...# #...# .#.#. .#.#. ...#.
    #.#.# #...# ####. #.#.# ####. .###. ..#.. #...# #...# #.#.# ..#.. ..#.. ..#..
    #..## #...# #.... #..#. #..#. ....# ..#.. #...# .#.#. ##.## .#.#. ..#.. .#...
    #...# .###. #.... .##.# #...# ####. ..#.. .###. ..#.. #...# #...# ..#.. #####
    0     1   2     3     4     5     6     7     8     9     sp  .  ,  -   /     %
    .###. .#. ####. ####. #...# ##### .###. ##### .###. .###. ... . .. ... ....# ##..#
    #...# ##. ....# ....# #...# #.... #.... ....# #...# #...# ... . .. ... ...#. ##.#.
    #...# .#. .###. .###. ##### ####. ####. ...#. .###. .#### ... . .. ### ..#.. ..#..
    #...# .#. #.... ....# ....# ....# #...# ..#.. #...# ....# ... . .# ... .#... .#.##
    .###. ### ##### ####. ....# ####. .###. ..#.. .###. .###. ... # #. ... #.... #..##
    :  '  (  )  +   &     ·  ×   !  ?
    .  #  .# #. ... .##.. .  ... #  ###.
    #  #  #. .# .#. #..#. .  #.# #  ...#
    .  .  #. .# ### .##.# #  .#. #  .##.
    #  .  #. .# .#. #..#. .  #.# .  ....
    .  .  .# #. ... .##.# .  ... #  .#..
    """,
    height=5,
)

FONTS = (FONT_5X7, FONT_3X5)
_FONTS_BY_NAME = {font.name: font for font in (*FONTS, FONT_5X5)}
_HALF = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}
MAX_SCALE = 40


def rows_needed(font: Font, scale: int, *, ascii: bool = False) -> int:
    """Cell rows that one line of `font` takes at `scale`."""
    if ascii:
        return font.height * max(1, scale // 2)
    return math.ceil(font.height * scale / 2)


def fit_scale(text: str, width: int, height: int, font: Font, *, ascii: bool = False) -> int:
    """The largest whole pixel size at which `text` fits `width` × `height` cells (0 when it does not)."""
    pixels = font.pixel_width(text)
    if pixels == 0 or width <= 0 or height <= 0:
        return 0
    for scale in range(min(width // pixels, MAX_SCALE), 0, -1):
        if rows_needed(font, scale, ascii=ascii) <= height:
            return scale
    return 0


def draw(text: str, font: Font, scale: int, *, ascii: bool = False) -> list[str]:
    """`text` drawn in `font` with every pixel `scale` cells wide (and `scale` half-rows tall)."""
    glyphs = [_drawn_glyph(font.name, char, scale, ascii) for char in text]
    gap = " " * scale  # one blank pixel column between glyphs
    return [gap.join(rows) for rows in zip(*glyphs, strict=True)]


@functools.lru_cache(maxsize=512)
def _drawn_glyph(font_name: str, char: str, scale: int, ascii: bool) -> tuple[str, ...]:
    """One glyph drawn at `scale` (kept: a countdown draws the same dozen glyphs every second)."""
    bitmap = _FONTS_BY_NAME[font_name].glyph(char)
    if ascii:
        tall = max(1, scale // 2)
        return tuple(
            "".join("#" if c == "#" else " " for c in line for _ in range(scale))
            for line in bitmap
            for _ in range(tall)
        )
    rows = [[c == "#" for c in line for _ in range(scale)] for line in bitmap for _ in range(scale)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    return tuple(
        "".join(_HALF[top, bottom] for top, bottom in zip(rows[i], rows[i + 1], strict=True))
        for i in range(0, len(rows), 2)
    )


def render_big(text: str, width: int, height: int, *, ascii: bool = False) -> list[str]:
    """`text` as large as fits in `width` × `height` cells: 5×7 digits, then 3×5, then plain text."""
    for font in FONTS:
        scale = fit_scale(text, width, height, font, ascii=ascii)
        if scale:
            return draw(text, font, scale, ascii=ascii)
    return [text[: max(width, 0)]]


def drawable(text: str) -> str | None:
    """`text` as the word font draws it (capitals, accents dropped), or None if it has a glyph it lacks."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    glyphs = FONT_5X5.glyphs
    return plain if plain.strip() and all(ch in glyphs for ch in plain) else None


def render_words(text: str, width: int, height: int, *, ascii: bool = False, max_lines: int = 2) -> list[str]:
    """`text` in large capitals, on up to `max_lines` lines, as large as fits; [] when it cannot be drawn.

    The caller shows the text as a plain line instead (too long, too little room, or characters the font
    lacks). Lines break between words; a blank row separates them in half-block mode by the glyphs' own
    empty bottom half-row.
    """
    plain = drawable(text)
    if plain is None:
        return []
    words = plain.split()
    best: tuple[int, list[str]] | None = None
    for count in range(1, min(max_lines, len(words)) + 1):
        lines = _balanced(words, count)
        scale = min(fit_scale(line, width, height // count, FONT_5X5, ascii=ascii) for line in lines)
        if scale and (best is None or scale > best[0]):
            best = (scale, lines)
    if best is None:
        return []
    scale, lines = best
    drawn: list[str] = []
    for line in lines:
        drawn += draw(line, FONT_5X5, scale, ascii=ascii)
    return drawn


def _balanced(words: list[str], count: int) -> list[str]:
    """`words` in `count` lines of about equal length (the widest line decides the scale)."""
    if count == 1:
        return [" ".join(words)]
    best: list[str] | None = None
    for cut in range(1, len(words)):
        lines = [" ".join(words[:cut]), *_balanced(words[cut:], count - 1)]
        if best is None or max(map(len, lines)) < max(map(len, best)):
            best = lines
    return best or [" ".join(words)]
