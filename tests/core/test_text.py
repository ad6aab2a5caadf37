"""The one home of "safe for the terminal" and cell-width helpers (timer/text.py)."""

from __future__ import annotations

import pytest

from timer.text import clip, fit_width, text_width


@pytest.mark.parametrize(
    ("text", "cells", "expected"),
    [
        ("Squat", 16, "Squat"),  # fits: unchanged, not padded
        ("Bulgarian split squat", 16, "Bulgarian split…"),
        ("深蹲深蹲深蹲深蹲深蹲", 7, "深蹲深…"),  # wide characters count twice: never over the budget
    ],
)
def test_clip_cuts_to_cells_with_an_ellipsis(text: str, cells: int, expected: str) -> None:
    assert clip(text, cells) == expected
    assert text_width(clip(text, cells)) <= cells


def test_fit_width_pads_where_clip_does_not() -> None:
    assert fit_width("Squat", 8) == "Squat   " and clip("Squat", 8) == "Squat"
