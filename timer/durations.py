"""Durations as coaches write them ("2:30", "90s", "2m30s", 150) and as the screen shows them."""

from __future__ import annotations

import math
import re

_HINT = "use M:SS, like 2:30, or seconds, like 90s"
_UNITS = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def parse_duration(value: object) -> int:
    """Return whole seconds for a duration written as text or as a number.

    Accepted: `"M:SS"`, `"H:MM:SS"`, `"90s"`, `"2m"`, `"2m30s"`, `"1h5m"`, a plain whole number of
    seconds (`150` or `"150"`). Raises ValueError with a message for the coach.
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
    text = value.strip().lower().replace(" ", "")
    shown = value if len(value) <= 40 else value[:37] + "..."
    if text.startswith("-"):
        raise ValueError(f'"{shown}" is negative: a duration must be 0 or more seconds')
    if text.isdigit() and len(text) <= 9:
        return int(text)
    if ":" in text:
        fields = text.split(":")
        if 2 <= len(fields) <= 3 and all(f.isdigit() and len(f) <= 6 for f in fields):
            numbers = [int(f) for f in fields]
            if all(n < 60 for n in numbers[1:]) and all(len(f) == 2 for f in fields[1:]):
                seconds = 0
                for n in numbers:
                    seconds = seconds * 60 + n
                return seconds
        raise ValueError(f'"{shown}" is not a duration ({_HINT})')
    match = _UNITS.match(text) if len(text) <= 20 else None
    if match and any(match.groups()):
        h, m, s = (int(g) if g else 0 for g in match.groups())
        return h * 3600 + m * 60 + s
    raise ValueError(f'"{shown}" is not a duration ({_HINT})')


def format_duration(seconds: float) -> str:
    """`M:SS`, or `H:MM:SS` from an hour up; fractions are rounded up (a countdown never shows 0:00 early)."""
    total = max(0, math.ceil(round(seconds, 6)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
