"""The one home of "safe for the terminal" and cell-width helpers (timer/text.py)."""

from __future__ import annotations

import pytest

from timer.text import clip, fit_columns, fit_width, table_lines, text_width


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


def test_fit_columns_cuts_only_the_names_widest_first() -> None:
    # A 60-cell name, a 20-cell name and three number columns in 60 cells: the long name goes first, then both.
    assert fit_columns([60, 20, 5, 5, 5], 60, shrink=(0, 1)) == [18, 19, 5, 5, 5]
    assert fit_columns([60, 5], 80, shrink=(0,)) == [60, 5]  # room enough: nothing cut
    # Not even the least name width fits: the names stop at `least` and the numbers keep every cell.
    assert fit_columns([60, 30, 30], 40, shrink=(0,), least=6) == [6, 30, 30]


def test_table_lines_measure_wide_characters_by_cells() -> None:
    rows = [["深蹲", "40 kg"], ["🏃 Run", "bw"], ["Squat", "35 kg"]]
    lines = table_lines(["exercise", "load"], rows)
    loads = [
        text_width(line[: line.index(load)]) for line, load in zip(lines[1:], ["40", "bw", "35"], strict=True)
    ]
    assert loads == [10, 10, 10]  # every load starts in the same cell


def test_table_lines_cut_names_to_the_width_and_keep_the_numbers() -> None:
    name = "Rear-foot-elevated Bulgarian split squat with a pause at de"  # 60 cells with the ending below
    rows = [[name + "p", "35 kg", "2:00"], ["深蹲", "40 kg", "1:00"]]
    lines = table_lines(["exercise", "load", "time"], rows, right=(2,), shrink=(0,), width=40)
    assert all(text_width(line) <= 40 for line in lines)
    assert lines[1].endswith("…  35 kg  2:00") and lines[2].endswith("  40 kg  1:00")


def test_table_lines_put_two_word_headers_on_two_lines_when_names_alone_cannot_make_room() -> None:
    headers = ["Circuit", "Cut short", "Not counted"]
    rows = [["A long circuit name", "1", "2"]]
    assert table_lines(headers, rows, right=(1, 2), shrink=(0,), width=22) == [
        "          Cut      Not",
        "Circu…  short  counted",
        "A lon…      1        2",
    ]
    assert (
        table_lines(headers, rows, right=(1, 2), shrink=(0,), width=60)[0]
        == "Circuit              Cut short  Not counted"
    )


@pytest.mark.parametrize(
    "name",
    [
        "סקוואט בולגרי",  # Hebrew
        "שְׁכִיבוֹת סְמִיכָה עַל הַבֶּרֶךְ",  # Hebrew with vowel points: 33 characters, 20 cells
        "سكوات أمامي بالبار",  # Arabic
        "اسکات\u200cهای جلو با هالتر",  # noqa: RUF001 (Persian, with a zero-width non-joiner)
    ],
)
def test_a_right_to_left_name_keeps_its_logical_order_and_every_character_that_fits(name: str) -> None:
    lines = table_lines(["exercise", "time"], [[name, "0:45"]], right=(1,), shrink=(0,), width=60)
    assert lines[1].startswith(name)  # not reversed (the terminal orders it), not cut while it fits
    cut = table_lines(["exercise", "time"], [[name, "0:45"]], right=(1,), shrink=(0,), width=16)[1]
    kept = cut.split("…")[0]
    assert name.startswith(kept) and text_width(kept) == 16 - len("  0:45") - 1  # cut at its logical end
