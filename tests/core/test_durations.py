"""Every duration form a coach may write, and how the screen shows durations."""

from __future__ import annotations

import pytest

from timer.durations import format_duration, parse_duration, session_left


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("3:00", 180),
        ("0:10", 10),
        ("2:30", 150),
        ("1:05:00", 3900),
        ("0:00:45", 45),
        ("90s", 90),
        ("2m", 120),
        ("2m30s", 150),
        ("1h5m", 3900),
        ("1h", 3600),
        (" 2m 30s ", 150),
        ("150", 150),
        (150, 150),
        (150.0, 150),
        (0, 0),
        ("0:00", 0),
        # the spellings coaches write
        ("3 min", 180),
        ("3min", 180),
        ("3 MIN", 180),
        ("3 minutes", 180),
        ("150 sec", 150),
        ("150 s", 150),
        ("150 seconds", 150),
        ("2m 30s", 150),
        ("2 min 30 sec", 150),
        ("90S", 90),
        ("2M30S", 150),
        ("2.5 min", 150),
        ("0.5m", 30),
        ("0.1 min", 6),
        ("1.5h", 5400),
        ("1 hour", 3600),
    ],
)
def test_parses_every_form(text: object, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2:75", "is not a duration (use M:SS, like 2:30"),
        ("2:5", "is not a duration"),
        ("1:60:00", "is not a duration"),
        ("abc", "is not a duration"),
        ("", "is not a duration"),
        ("2x", "is not a duration"),
        ("-30", "negative"),
        (-5, "negative"),
        (-5.0, "negative"),
        (1.5, "not a whole number"),
        (float("inf"), "not a whole number"),
        (float("nan"), "not a whole number"),
        (True, "is not a duration"),
        ([1, 2], "is not a duration"),
        ("9" * 500, "is not a duration"),
        ("2.51 min", '"2.51 min" is 150.6 s; a duration is whole seconds'),
        ("1.5s", "is 1.5 s; a duration is whole seconds"),
        ("1 50", "is not a duration"),
        ("min", "is not a duration"),
        ("3 mins 2", "is not a duration"),
        (
            "\u0663:\u0660\u0660",
            "is not a duration",
        ),  # Arabic-Indic digits: not what a coach typed on purpose
    ],
)
def test_rejects_bad_durations_with_a_hint(value: object, words: str) -> None:
    with pytest.raises(ValueError, match=None) as info:
        parse_duration(value)
    assert words in str(info.value)
    assert len(str(info.value)) < 120  # a huge input is shortened, not echoed whole


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0:00"),
        (9, "0:09"),
        (60, "1:00"),
        (150, "2:30"),
        (3599, "59:59"),
        (3600, "1:00:00"),
        (3661, "1:01:01"),
        (0.2, "0:01"),
        (59.0000001, "0:59"),
        (-3, "0:00"),
    ],
)
def test_formats_with_seconds_rounded_up(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (3 * 3600, "3:00 h left"),
        (3600 + 0.5, "1:01 h left"),  # an hour and a bit: minutes rounded up
        (3600, "60 min left"),
        (3600 - 61, "59 min left"),
        (2 * 3600 - 1, "2:00 h left"),
        (601, "11 min left"),
        (180 + 1, "3:01 left"),  # the last 10 minutes count seconds: never "3 min" with 3:01 to go
        (600, "10:00 left"),
        (129, "2:09 left"),
        (42.2, "0:43 left"),  # like the countdown: rounded up
        (0, "0:00 left"),
    ],
)
def test_session_left_reads_right(seconds: float, text: str) -> None:
    assert session_left(seconds) == text
