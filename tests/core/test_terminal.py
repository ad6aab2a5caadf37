"""What the environment says about the terminal: ASCII or UTF-8, how many colours, full screen or not."""

from __future__ import annotations

import pytest

from timer.terminal import colour_mode, detect, locale_is_utf8, output_width, refusal


@pytest.mark.parametrize(
    ("env", "utf8_mode", "utf8"),
    [
        ({"LANG": "en_GB.UTF-8"}, False, True),
        ({"LANG": "C"}, False, False),
        ({}, False, False),  # no locale at all: the C locale
        ({"LANG": "C", "LC_CTYPE": "C.UTF-8"}, True, False),  # Python coerced the C locale (PEP 538)
        ({"LANG": "C", "LC_CTYPE": "C.UTF-8"}, False, True),  # the user asked for C.UTF-8 themselves
        ({"LC_ALL": "POSIX", "LANG": "en_US.utf8"}, False, False),  # LC_ALL wins
        ({"LANG": "de_DE.ISO-8859-1"}, False, False),
    ],
)
def test_the_locale_decides_ascii_drawing(env: dict[str, str], utf8_mode: bool, utf8: bool) -> None:
    assert locale_is_utf8(env, utf8_mode) is utf8
    assert detect({"TERM": "xterm", **env}, utf8_mode=utf8_mode).ascii_only is not utf8


@pytest.mark.parametrize(
    ("env", "mode"),
    [
        ({"TERM": "xterm-256color"}, "truecolor"),
        ({"TERM": "xterm", "COLORTERM": "truecolor"}, "truecolor"),
        ({"TERM": "xterm"}, "16"),
        ({"TERM": "linux"}, "16"),
        ({"TERM": "xterm-256color", "NO_COLOR": "1"}, "none"),
        ({"TERM": "xterm-256color", "TEXTUAL_COLOR_SYSTEM": "standard"}, "16"),
    ],
)
def test_colour_mode(env: dict[str, str], mode: str) -> None:
    assert colour_mode(env) == mode


def test_a_dumb_terminal_is_refused_with_the_way_out() -> None:
    dumb = detect({"TERM": "dumb", "LANG": "C.UTF-8"})
    assert dumb.dumb
    message = refusal(dumb, is_tty=True)
    assert message is not None and "TERM=dumb" in message and "--plain" in message
    unset = refusal(detect({"LANG": "C.UTF-8"}), is_tty=True)
    assert unset is not None and "TERM is not set" in unset and "--plain" in unset
    assert refusal(detect({"TERM": "xterm", "LANG": "C.UTF-8"}), is_tty=True) is None
    assert (
        refusal(detect({"TERM": "xterm"}), is_tty=False)
        == "circuit-timer needs a terminal (use --plain for a line mode)"
    )


def test_to_ascii_keeps_every_cell() -> None:
    from rich.cells import cell_len

    from timer.text import to_ascii

    drawn = "█▀▄ ━─ · … × ⏎ ✓ é 深蹲 🏃 ▏ — Ü"
    ascii = to_ascii(drawn)
    assert ascii.isascii()
    assert cell_len(ascii) == cell_len(drawn)  # nothing on the screen moves
    assert ascii == "### -- . . x < v e ???? ?? | - U"
    assert to_ascii("Round 1/2") == "Round 1/2"


@pytest.mark.parametrize(
    ("columns", "width"),
    [
        ("72", 72),
        ("", None),  # unset, and the output is not a terminal (a test's capture): nothing is cut
        ("0", None),  # a width of no cells means nothing
        ("-5", None),
        ("wide", None),  # not a number: ignored, not an error
    ],
)
def test_printed_tables_fit_columns_when_it_is_a_number(columns: str, width: int | None) -> None:
    assert output_width(env={"COLUMNS": columns} if columns else {}) == width
