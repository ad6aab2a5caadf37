"""Text from files and logs made safe for a terminal, and measured in terminal cells.

One place for every "safe to print" rule: names and values from a circuit file, file names, log text.
Cell widths come from Rich (a dependency of Textual, but not Textual itself), so CJK characters and emoji
count as two cells everywhere. No Textual here.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Collection, Sequence

from rich.cells import cell_len, set_cell_size

_CONTROL = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)])


def printable(text: str) -> str:
    """Escape what a terminal would act on or hide (control, format and separator characters) as `\\uXXXX`:
    file names and values from files, safe to print on one line."""
    return "".join(ch if ch.isprintable() or ch == " " else f"\\u{ord(ch):04x}" for ch in text)


def printable_path(path: str | os.PathLike[str]) -> str:
    """A path as it can be printed on one line (see `printable`)."""
    return printable(os.fspath(path))


def control_character(path: str | os.PathLike[str]) -> str | None:
    """The first control character in a path (`U+000A`), or None: such a name is almost surely a slip."""
    bad = next((ch for ch in os.fspath(path) if ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0), None)
    return None if bad is None else f"U+{ord(bad):04X}"


def clean_text(text: str | None) -> str:
    """Log text made safe for a terminal: control and bidi characters (escape sequences) become `�`."""
    if not text:
        return ""
    return "".join(
        "\ufffd" if unicodedata.category(ch) in ("Cc", "Cf") and ch != "\u200d" else ch for ch in text
    )


def text_width(text: str) -> int:
    """Terminal cells `text` takes (wide characters count twice)."""
    return cell_len(text)


def fit_width(text: str, width: int, *, right: bool = False) -> str:
    """Pad or cut `text` to `width` terminal cells, cut with a final `…`; `right` pads on the left."""
    if cell_len(text) > width:
        text = set_cell_size(text, max(width - 1, 0)) + "…" if width > 0 else ""
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


def clip(text: str, cells: int) -> str:
    """`text` cut to `cells` terminal cells (wide characters count twice), ending in `…` when cut.

    Unlike `fit_width`, a short text is not padded."""
    if cell_len(text) <= cells:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > cells - 1:
            break
        out += ch
    return out + "…"


def fit_columns(
    widths: Sequence[int], room: int, *, shrink: Collection[int], gap: int = 2, least: int = 6
) -> list[int]:
    """Column widths that fit `room` cells with `gap` cells between columns.

    Only the `shrink` columns (names) give up cells, the widest first and none below `least` (or its own
    width when narrower): number columns keep every cell, so a long name is cut, never a load or a time.
    Still too wide at that point, the widths are as narrow as they may be and the line overflows.
    """
    out = list(widths)
    over = sum(out) + gap * max(len(out) - 1, 0) - room
    while over > 0:
        # One cell at a time from the widest name: two long names end up cut to the same width.
        candidates = [i for i in shrink if out[i] > min(least, widths[i])]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: out[i])
        out[widest] -= 1
        over -= 1
    return out


def table_lines(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Collection[int] = (),
    shrink: Collection[int] = (),
    width: int | None = None,
    cap: int | None = None,
) -> list[str]:
    """Aligned lines of a plain-text table, measured in terminal cells (wide characters count twice).

    `right` columns (numbers, times) are right-aligned; `cap` limits every column's width; with a `width`
    (the terminal's), the `shrink` columns are cut with `…` until the lines fit (see `fit_columns`), and
    if they still do not, headers of two words go on two lines (`Cut` over `short`) to narrow their column.
    Text keeps its logical order: a right-to-left name is cut at its logical end, and the terminal shows it.
    """
    header_rows = [list(headers)]
    widths = _fitted_widths(header_rows, rows, shrink, width, cap)
    if width is not None and _line_width(widths) > width and any(" " in h for h in headers):
        header_rows = [[h.partition(" ")[0] if " " in h else "" for h in headers]]
        header_rows.append([h.partition(" ")[2] or h for h in headers])
        widths = _fitted_widths(header_rows, rows, shrink, width, cap)
    return [
        "  ".join(fit_width(cell, widths[i], right=i in right) for i, cell in enumerate(row)).rstrip()
        for row in [*header_rows, *rows]
    ]


def _fitted_widths(
    header_rows: Sequence[Sequence[str]],
    rows: Sequence[Sequence[str]],
    shrink: Collection[int],
    width: int | None,
    cap: int | None,
) -> list[int]:
    widths = [max(text_width(r[i]) for r in [*header_rows, *rows]) for i in range(len(header_rows[0]))]
    if cap is not None:
        widths = [min(cap, w) for w in widths]
    return widths if width is None else fit_columns(widths, width, shrink=shrink)


def _line_width(widths: Sequence[int], gap: int = 2) -> int:
    return sum(widths) + gap * max(len(widths) - 1, 0)


def fit(text: str, width: int) -> str:
    """`text` (control characters removed) in exactly `width` cells: padded, or cut with a final `…`."""
    return fit_width(text.translate(_CONTROL), width)


_ASCII = {
    **dict.fromkeys("█▀▄▌▐■", "#"),
    **dict.fromkeys("━─═╌┄", "-"),
    **dict.fromkeys("│┃▏║", "|"),
    **dict.fromkeys("┌┐└┘├┤┬┴┼╭╮╯╰", "+"),
    **dict.fromkeys("\u2014\u2013\u2212\u2010", "-"),  # dashes and the minus sign
    **dict.fromkeys("▁▂▃▅▆▇", "_"),  # sparklines (▄ is a pixel of the large digits: #)
    "·": ".",
    "…": ".",
    "×": "x",
    "⏎": "<",
    "✓": "v",
    "\u2018": "'",  # curly quotes
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\ufffd": "?",
}
"""What the app's own drawing characters become on an ASCII terminal (one cell each, as they were)."""


def to_ascii(text: str) -> str:
    """`text` in ASCII only, each character in as many cells as it took: a terminal whose locale is not UTF-8.

    Drawing characters get a look-alike (`█` → `#`, `━` → `-`, `·` → `.`), accented letters lose the accent
    (`é` → `e`), anything else becomes `?` (`??` for a wide character), so the layout does not move.
    """
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        cells = cell_len(ch)
        if cells == 0:
            continue  # combining marks and zero-width characters take no cell
        plain = _ASCII.get(ch) or unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
        out.append(plain[:1] if cells == 1 and plain else "?" * cells)
    return "".join(out)
