"""Durations as coaches write them ("2:30", "90s", "2m30s", "3 min", 150) and as the screen shows them."""

from __future__ import annotations

import math
import re
from decimal import Decimal

_HINT = "use M:SS, like 2:30, or seconds, like 90s"
# The spellings coaches write: "90s", "90S", "150 sec", "3 min", "3min", "2m 30s", "2.5 min", "1h5m".
# The same pieces make the JSON Schema's pattern (`DURATION_PATTERN`), so schema and parser agree.
_NUMBER = r"([0-9]+(?:\.[0-9]+)?)"
_HOURS = r"(?:hours|hour|hrs|hr|h)"
_MINUTES = r"(?:minutes|minute|mins|min|m)"
_SECONDS = r"(?:seconds|second|secs|sec|s)"
_WITH_UNITS = rf"(?:{_NUMBER} *{_HOURS})? *(?:{_NUMBER} *{_MINUTES})? *(?:{_NUMBER} *{_SECONDS})?"
_CLOCK = r"[0-9]+:[0-5][0-9](?::[0-5][0-9])?"
_UNITS = re.compile(rf"^{_WITH_UNITS}$", re.IGNORECASE)


def _pattern() -> str:
    """The JSON Schema pattern: a clock time, a plain number, or amounts with units (at least one digit)."""
    plain = re.sub(r"\((?!\?)", "(?:", _WITH_UNITS)
    plain = re.sub(r"[a-z]", lambda m: f"[{m.group(0)}{m.group(0).upper()}]", plain)
    return rf"^ *(?:{_CLOCK}|[0-9]+|(?=[^0-9]*[0-9]){plain}) *$"


DURATION_PATTERN = _pattern()


def parse_duration(value: object) -> int:
    """Return whole seconds for a duration written as text or as a number.

    Accepted: `"M:SS"`, `"H:MM:SS"`, `"90s"`, `"2m"`, `"2m30s"`, `"2m 30s"`, `"1h5m"`, `"3 min"`,
    `"150 sec"`, `"2.5 min"` (a fraction must come to whole seconds), a plain whole number of seconds
    (`150` or `"150"`), in any case. Raises ValueError with a message for the coach.
    """
    if isinstance(value, bool):
        raise ValueError(f"{'true' if value else 'false'} is not a duration ({_HINT})")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{value} is negative: a duration must be 0 or more seconds")
        return value
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            raise ValueError(f"{value} is not a whole number of seconds ({_HINT})")
        if value < 0:
            raise ValueError(f"{value:g} is negative: a duration must be 0 or more seconds")
        return int(value)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a duration ({_HINT})")
    text = value.strip(" ")
    shown = value if len(value) <= 40 else value[:37] + "..."
    if text.startswith("-"):
        raise ValueError(f'"{shown}" is negative: a duration must be 0 or more seconds')
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    if ":" in text:
        fields = text.split(":")
        if 2 <= len(fields) <= 3 and all(f.isascii() and f.isdigit() and len(f) <= 6 for f in fields):
            numbers = [int(f) for f in fields]
            if all(n < 60 for n in numbers[1:]) and all(len(f) == 2 for f in fields[1:]):
                seconds = 0
                for n in numbers:
                    seconds = seconds * 60 + n
                return seconds
        raise ValueError(f'"{shown}" is not a duration ({_HINT})')
    match = _UNITS.match(text) if len(text) <= 30 else None
    if match and any(match.groups()):
        h, m, s = (Decimal(g) if g else Decimal(0) for g in match.groups())
        exact = h * 3600 + m * 60 + s  # Decimal: "0.1 min" is exactly 6 s, not 6.000000000000001
        if exact != exact.to_integral_value():
            raise ValueError(f'"{shown}" is {exact.normalize():f} s; a duration is whole seconds ({_HINT})')
        return int(exact)
    raise ValueError(f'"{shown}" is not a duration ({_HINT})')


def format_duration(seconds: float) -> str:
    """`M:SS`, or `H:MM:SS` from an hour up; fractions are rounded up (a countdown never shows 0:00 early)."""
    total = max(0, math.ceil(round(seconds, 6)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


LAST_MINUTES_S = 600
"""In the last 10 minutes the session's time left counts seconds."""


def session_left(seconds: float) -> str:
    """The session's time left as an athlete reads it at a glance.

    `M:SS left` in the last 10 minutes (rounded up, like the countdown); before that whole minutes rounded
    up (`12 min left` while 11:00–12:00 remain, so "3 min" never shows with more than 3:00 to go); from an
    hour up `H:MM h left`, also rounded up to the minute.
    """
    seconds = max(round(seconds, 6), 0.0)
    if seconds <= LAST_MINUTES_S:
        return f"{format_duration(seconds)} left"
    minutes = math.ceil(seconds / 60)
    if minutes <= 60:
        return f"{minutes} min left"
    return f"{minutes // 60}:{minutes % 60:02d} h left"
