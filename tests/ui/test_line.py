"""The run screen's one-row text: always exactly as wide as its room, cut with … and never with markup."""

from __future__ import annotations

from rich.cells import cell_len

from timer.ui.widgets.line import fit


def test_short_text_is_padded_to_the_width() -> None:
    assert fit("Squat", 8) == "Squat   "


def test_long_text_is_cut_with_an_ellipsis_in_the_last_cell() -> None:
    assert fit("Bulgarian split squat", 10) == "Bulgarian…"


def test_wide_characters_never_overflow_the_room() -> None:
    for width in range(0, 12):
        out = fit("深蹲 and 深蹲", width)
        assert cell_len(out) == width, (width, out)


def test_control_characters_and_markup_are_not_passed_to_the_terminal() -> None:
    assert "\x1b" not in fit("Squat\x1b[2J", 20)
    assert fit("[b]Squat[/b]", 12) == "[b]Squat[/b]"  # shown literally, not as markup


def test_no_room_gives_nothing() -> None:
    assert fit("Squat", 0) == ""
