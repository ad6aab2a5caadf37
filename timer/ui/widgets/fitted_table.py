"""A DataTable whose name column is cut with `…` to fit the table's width, so every number column shows."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from timer.text import clip, fit_columns, text_width

LEAST_NAME = 8
"""A name is never cut below this many cells (`Bulgari…`): below that it says nothing."""


class FittedTable(DataTable[Any]):
    """The overview's and the summary's table: one column of names gives up cells, numbers never do.

    Names are kept whole and cut again whenever the table's width or another column's width changes (the
    summary's reps grow to `32 (+2)` when the previous session is read). Cutting is by terminal cells
    (`timer.text`), in the text's logical order: a right-to-left name is neither reversed nor cut early.
    """

    def __init__(self, *, name_column: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.name_column = ColumnKey(name_column)
        """The key of the column whose cells are cut to fit."""
        self._names: dict[RowKey, str] = {}
        self._name_width: int | None = None

    def add_row(
        self, *cells: Any, height: int | None = 1, key: str | None = None, label: Any = None
    ) -> RowKey:
        """Add a row; its cell in the name column is kept whole and shown cut to the current width."""
        index = list(self.columns).index(self.name_column)
        name = cells[index]
        full = name.plain if isinstance(name, Text) else str(name)
        if self._name_width is not None:
            cells = (*cells[:index], Text(clip(full, self._name_width)), *cells[index + 1 :])
        row_key = super().add_row(*cells, height=height, key=key, label=label)
        self._names[row_key] = full
        return row_key

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: Any,
        *,
        update_width: bool = False,
    ) -> None:
        """Update a cell; a wider number column takes its cells from the names."""
        super().update_cell(row_key, column_key, value, update_width=update_width)
        if update_width:
            self.refit()

    def on_resize(self, _: events.Resize) -> None:
        self.refit()

    def refit(self) -> None:
        """Cut the names to what the other columns leave of the table's width (nothing before layout)."""
        room = self.scrollable_content_region.width
        if room <= 0 or self.name_column not in self.columns:
            return
        pad = 2 * self.cell_padding
        keys = list(self.columns)
        name_at = keys.index(self.name_column)
        # Widths measured here from the cells, not read from the table: it measures them lazily (when idle),
        # so a column just widened by update_cell would not count yet.
        widths = [
            max([text_width(self.columns[key].label.plain), *map(_width, self.get_column(key))])
            for key in keys
        ]
        widths[name_at] = max(
            [text_width(self.columns[self.name_column].label.plain), *map(text_width, self._names.values())]
        )
        fitted = fit_columns(widths, room - pad, shrink=(name_at,), gap=pad, least=LEAST_NAME)
        width = fitted[name_at]
        # Fitted, the table needs no horizontal scrollbar: hiding it also drops the empty row it left below
        # the table (the height is `auto`). Too narrow even with the names cut (40 columns), it scrolls.
        self.styles.overflow_x = "hidden" if sum(fitted) + pad * len(fitted) <= room else "auto"
        if width == self._name_width:
            return
        self._name_width = width
        for row_key, name in self._names.items():
            super().update_cell(row_key, self.name_column, Text(clip(name, width)), update_width=True)


def _width(cell: object) -> int:
    """Cells a table cell takes: a Text's plain text, or the text of anything else."""
    return text_width(cell.plain if isinstance(cell, Text) else str(cell))
