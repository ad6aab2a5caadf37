"""What a set is, when it is done, and how times and volume are rounded: the one definition every view uses.

The summary (from the engine), `history`, the history screen, `run --resume` and the CSV all count sets
through `group_sets` (a logged session through `LoggedSession.result()`), so they cannot disagree
(tests/core/test_records.py checks the five against a corpus of logs). The rules, as documented in
docs/log-format.md:

- A **set** is one timed work phase of a station; the parts of a complex together make one set.
- A set is **done** when its work ran to its end (`ended_by: time`; for a complex, every part did);
  **cut short** when it was skipped or ended by quitting part-way (its active seconds still count);
  **not started** when the log has no record of it.
- A set is **not counted** when some part of it has no reps the athlete tapped or typed.
- A session is **completed** only when it reached its end (`session_end` `completed`).
- Times are shown as `M:SS` rounded to the nearest second (halves up), except pause lengths, which round
  down like a stopwatch (`format_pause`); volume (load × reps) is rounded
  once, to 0.1, and shown without a trailing `.0`.

No Textual here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, NamedTuple, Protocol

from timer.e1rm import convert

SetStatus = Literal["done", "cut short"]
PlaceKey = tuple[int, int, int]
"""(round, station, set): where a set sits; its parts share it."""


class Part(NamedTuple):
    """One work phase as recorded: a plain station's set, or one part of a complex.

    A named tuple: `history` builds one per logged set, and a tuple is built several times faster than a
    frozen dataclass (issue 17's 100 000-set row)."""

    part: int | None
    exercise: str | None
    ended_by: str
    """`time`, `skip` or `abort`."""
    active_s: float
    reps: int | None
    """Tapped or typed; None when not counted."""
    load: float | None = None
    unit: str | None = None

    @property
    def counted(self) -> bool:
        return self.reps is not None

    @property
    def volume(self) -> float:
        """Load × reps (0 for bodyweight, no load, or not counted)."""
        return part_volume(self.load, self.reps, self.unit, None)


def set_status(ran_out: bool, parts: int, parts_planned: int) -> SetStatus:
    """A set is done when every part ran to its end (`ran_out`) and none of its planned parts is missing."""
    return "done" if ran_out and (parts_planned == 0 or parts >= parts_planned) else "cut short"


def part_volume(load: float | None, reps: int | None, part_unit: str | None, unit: str | None) -> float:
    """Load × reps (0 for bodyweight, no load, or not counted), in `unit` (None: as logged; a part logged
    without a unit is in kg)."""
    volume = load * reps if load is not None and reps is not None else 0.0
    return convert(volume, part_unit or unit or "kg", unit) if unit else volume


@dataclass(frozen=True)
class SetResult:
    """One set (a complex's parts together), with its status."""

    place: PlaceKey
    name: str
    parts: tuple[Part, ...]
    parts_planned: int = 0
    """How many parts the set has (0: a plain station, or unknown in an old log)."""

    @cached_property
    def status(self) -> SetStatus:
        """Worked out once per set: every view asks for it, some several times."""
        ran_out = all(p.ended_by == "time" for p in self.parts)
        return set_status(ran_out, len(self.parts), self.parts_planned)

    @property
    def counted(self) -> bool:
        """True when every part's reps were tapped or typed."""
        return all(p.counted for p in self.parts)

    @property
    def reps(self) -> int | None:
        """Reps of the counted parts; None when no part was counted."""
        counted = [p.reps for p in self.parts if p.reps is not None]
        return sum(counted) if counted else None

    @property
    def active_s(self) -> float:
        return sum(p.active_s for p in self.parts)

    def volume(self, unit: str | None = None) -> float:
        """Load × reps over the parts, converted to `unit` when given."""
        return sum(part_volume(p.load, p.reps, p.unit, unit) for p in self.parts)


@dataclass(frozen=True)
class SessionResult:
    """A session's sets and the counts every view shows."""

    sets: tuple[SetResult, ...]
    planned: int | None
    """Sets planned (a complex counts once); None when the log does not say."""
    completed: bool
    """The session reached its end."""

    @property
    def done(self) -> int:
        return sum(s.status == "done" for s in self.sets)

    @property
    def cut_short(self) -> int:
        return sum(s.status == "cut short" for s in self.sets)

    @property
    def not_started(self) -> int:
        return max(0, self.planned - len(self.sets)) if self.planned is not None else 0

    @property
    def not_counted(self) -> int:
        """Sets with a part whose reps nobody tapped or typed."""
        return sum(not s.counted for s in self.sets)

    @property
    def reps(self) -> int:
        return sum(s.reps or 0 for s in self.sets)

    @property
    def active_s(self) -> float:
        return sum(s.active_s for s in self.sets)

    def volume(self, unit: str | None = None) -> float:
        """Load × reps of every set, rounded once (see `round_volume`); in `unit` when given."""
        return round_volume(sum(s.volume(unit) for s in self.sets))

    def done_text(self) -> str:
        """`done/planned` (`7/12`), or just the sets done when the plan is unknown."""
        return f"{self.done}/{self.planned}" if self.planned else str(self.done)

    def sets_text(self) -> str:
        """`7/12 sets done, 2 cut short`: the same words on the summary and in the weekly table."""
        return f"{self.done_text()} sets done" + (f", {self.cut_short} cut short" if self.cut_short else "")


def group_sets(
    parts: Iterable[tuple[tuple[int, int, int, int | None], str, Part]],
    parts_planned: dict[PlaceKey, int] | None = None,
    *,
    in_order: bool = False,
) -> tuple[SetResult, ...]:
    """Gather parts into sets, in timeline order: `parts` holds ((round, station, set, part), name, Part).

    `in_order`: the parts already come in timeline order (a logged session's sets do), so no sort.
    """
    grouped: dict[PlaceKey, tuple[str, list[Part]]] = {}
    ordered = parts if in_order else sorted(parts, key=lambda item: (*item[0][:3], item[0][3] or 0))
    for key, name, part in ordered:
        grouped.setdefault(key[:3], (name, []))[1].append(part)
    planned = parts_planned or {}
    return tuple(
        SetResult(place, name, tuple(found), planned.get(place, 0))
        for place, (name, found) in grouped.items()
    )


class LoggedPart(Protocol):
    """A logged set record as `count_sets` reads it (timer.replog's `LoggedSet`)."""

    @property
    def round(self) -> int: ...
    @property
    def station(self) -> int: ...
    @property
    def set(self) -> int: ...
    @property
    def ended_by(self) -> str: ...
    @property
    def reps(self) -> int | None: ...
    @property
    def load(self) -> float | None: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def parts(self) -> int: ...


class Counts(NamedTuple):
    """A session's sets done and cut short, reps and volume: what `SessionResult` says of them."""

    done: int
    cut_short: int
    reps: int
    volume: float
    """Rounded once, as `SessionResult.volume`."""


def count_sets(parts: Iterable[LoggedPart], unit: str | None = None) -> Counts:
    """The counts `group_sets` and `SessionResult` give a logged session's parts (in timeline order),
    without building a `Part` and a `SetResult` for each: the weekly table counts every session of its
    weeks (a squad's 12 weeks: 5 000 sessions, 120 000 sets), and those objects were most of its time.

    The same rules (`set_status`, `part_volume`), and the same sums in the same order, so the same floats;
    tests/core/test_records.py checks it against `result()` on a corpus.
    """
    places: dict[PlaceKey, list[Any]] = {}  # place: [every part ran out, parts, parts planned, volumes]
    reps = 0
    for p in parts:
        place = (p.round, p.station, p.set)
        found = places.get(place)
        if found is None:
            found = places[place] = [True, 0, 0, []]
        if p.ended_by != "time":
            found[0] = False
        found[1] += 1
        if p.parts:
            found[2] = p.parts  # the last part that says wins, as in `LoggedSession.result`
        count = p.reps
        if count is not None:
            reps += count
        found[3].append(part_volume(p.load, count, p.unit, unit))
    done = 0
    volumes = []
    for ran_out, found_parts, planned, part_volumes in places.values():
        if set_status(ran_out, found_parts, planned) == "done":
            done += 1
        volumes.append(sum(part_volumes))
    return Counts(done, len(places) - done, reps, round_volume(sum(volumes)))


# ---------------------------------------------------------------- rounding, once


def round_seconds(seconds: float) -> int:
    """Whole seconds, halves up (2:55.5 shows 2:56 everywhere). The countdown rounds up on its own."""
    return max(0, math.floor(round(seconds, 6) + 0.5))


def format_time(seconds: float) -> str:
    """`M:SS` (or `H:MM:SS` from an hour up) of a time that was spent, rounded by `round_seconds`."""
    total = round_seconds(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_pause(seconds: float) -> str:
    """A pause's length as a stopwatch shows it: whole seconds rounded *down* (23.9 s is `0:23`).

    A pause counts up while it lasts; rounding it to the nearest second showed `paused 0:24` after 23.5 s,
    a second that had not passed yet (issue 16). Everything else spent keeps `format_time`'s halves-up rule.
    """
    return format_time(math.floor(round(max(0.0, seconds), 6)))


def round_volume(volume: float) -> float:
    """Volume to 0.1 (of kg or lb), halves up: the one rounding every screen, table and file uses."""
    return math.floor(volume * 10 + 0.5 + 1e-9) / 10


def format_volume(volume: float) -> str:
    """`212.5`, `212`, `1 280` (thin grouping for thousands): `round_volume` as text."""
    value = round_volume(volume)
    whole = value.is_integer()
    text = f"{value:,.0f}" if whole else f"{value:,.1f}"
    return text.replace(",", " ")


def srpe_minutes(active_s: float) -> float:
    """The minutes sRPE multiplies: active time (pauses left out), to 0.1 min."""
    return round(active_s / 60, 1)
