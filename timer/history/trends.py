"""What the history screen and the summary show, computed from the rep log. No Textual here.

- Per circuit: for each station, reps and volume per completed session (oldest → newest), as sparklines.
- The pace inside each set of the latest session: reps per segment of the set, from the `rep` records.
- For the summary: each set's reps against the previous completed session of the same circuit.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from timer.history.report import previous_session, sparkline
from timer.records import SessionResult, format_volume
from timer.replog import LoggedSession, LoggedSet, SetKey, read_log, read_taps
from timer.text import clean_text

MAX_SESSIONS = 20
"""Sessions per sparkline: the latest ones (a terminal line holds only so many)."""
SEGMENTS_S = (5, 10, 15, 30, 60, 120)
"""Segment lengths the pace may use: the shortest giving at most MAX_SEGMENTS per set."""
MAX_SEGMENTS = 6
BARS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class StationTrend:
    """One station over a circuit's completed sessions."""

    station: int
    name: str
    reps: tuple[int | None, ...]
    """Reps at the station in each session (every round and set); None where none were counted."""
    volume: tuple[float | None, ...]
    """Load × reps at the station per session; None where there was no load or no count."""

    @property
    def has_volume(self) -> bool:
        return any(v for v in self.volume)


@dataclass(frozen=True)
class SetPace:
    """How the reps of one set were spread over its time."""

    key: SetKey
    exercise: str
    segment_s: int
    counts: tuple[int, ...]
    """Reps in each segment of `segment_s` seconds (the last one may be shorter)."""


@dataclass(frozen=True)
class CircuitHistory:
    """Everything the history screen shows for one circuit (and athlete)."""

    circuit: str
    athlete: str | None
    sessions: int
    """Sessions logged, every status."""
    completed: int
    """Completed sessions in the trends (the latest MAX_SESSIONS at most)."""
    stations: tuple[StationTrend, ...]
    latest: LoggedSession
    pace: tuple[SetPace, ...]
    """The latest session's sets that have taps."""
    latest_result: SessionResult | None = None
    """The latest session's sets as every view counts them (done, cut short, not counted)."""


def load_history(paths: Sequence[str | os.PathLike[str]]) -> list[CircuitHistory]:
    """Read the logs and build every circuit's history, the most recently run circuit first.

    Slow on a big log (about a second per 100 000 sets): call it from a worker.
    """
    present = [p for p in paths if os.path.exists(p)]
    if not present:
        return []
    sessions, _problems = read_log(present)
    groups: dict[tuple[str, str], list[LoggedSession]] = {}
    for s in sessions:
        if s.sets:
            groups.setdefault((s.circuit or "?", s.athlete or ""), []).append(s)
    out = []
    for (circuit, athlete), runs in groups.items():
        latest = runs[-1]
        taps = read_taps(present, latest.id)
        out.append(circuit_history(circuit, athlete or None, runs, taps))
    out.sort(key=lambda h: h.latest.started_at.timestamp() if h.latest.started_at else 0.0, reverse=True)
    return out


def circuit_history(
    circuit: str, athlete: str | None, runs: Sequence[LoggedSession], taps: Sequence[tuple[float, int | None]]
) -> CircuitHistory:
    """One circuit's trends over its completed `runs` and the pace of the latest run from its `taps`."""
    done = [s for s in runs if s.status == "completed"][-MAX_SESSIONS:]
    names: dict[int, str] = {}
    for s in done:
        for logged in s.sets.values():
            names[logged.station] = logged.station_name or logged.exercise or f"station {logged.station}"
    stations = tuple(
        StationTrend(
            station,
            clean_text(names[station]),
            tuple(_station_reps(s, station) for s in done),
            tuple(_station_volume(s, station) for s in done),
        )
        for station in sorted(names)
    )
    latest = runs[-1]
    pace = tuple(p for p in (set_pace(logged, taps) for logged in latest.sets.values()) if p is not None)
    return CircuitHistory(
        circuit=clean_text(circuit),
        athlete=clean_text(athlete) or None,
        sessions=len(runs),
        completed=len(done),
        stations=stations,
        latest=latest,
        pace=pace,
        latest_result=latest.result(),
    )


def _station_reps(session: LoggedSession, station: int) -> int | None:
    counted = [s.reps for s in session.sets.values() if s.station == station and s.reps is not None]
    return sum(counted) if counted else None


def _station_volume(session: LoggedSession, station: int) -> float | None:
    total = sum(s.volume for s in session.sets.values() if s.station == station)
    return total or None


def segment_length(duration_s: float) -> int:
    """The segment for a set of `duration_s`: the shortest of SEGMENTS_S giving at most MAX_SEGMENTS."""
    return next((s for s in SEGMENTS_S if duration_s / s <= MAX_SEGMENTS), SEGMENTS_S[-1])


def set_pace(logged: LoggedSet, taps: Iterable[tuple[float, int | None]]) -> SetPace | None:
    """Reps per segment of one set, from the taps inside its time; None without taps or times.

    A tap's `n` is the set's tally after it, so an undo counts back; a tap without `n` counts one.
    """
    start, end = logged.started_t, logged.ended_t
    if start is None or end is None or end <= start:
        return None
    segment = segment_length(end - start)
    counts = [0] * max(1, math.ceil((end - start) / segment - 1e-9))
    tally = 0
    seen = False
    for t, n in taps:
        if not start <= t <= end:
            continue
        seen = True
        i = min(int((t - start) // segment), len(counts) - 1)
        change = 1 if n is None else n - tally
        tally = tally + 1 if n is None else n
        counts[i] += change
    if not seen:
        return None
    # An undo in a later segment takes back a rep counted earlier: carry it back, so no segment shows a
    # negative count and the counts add up to the set's final tally (8 taps and an undo show 7).
    for i in range(len(counts) - 1, 0, -1):
        if counts[i] < 0:
            counts[i - 1] += counts[i]
            counts[i] = 0
    return SetPace(logged.key, clean_text(logged.exercise or ""), segment, tuple(max(0, c) for c in counts))


def bars(values: Sequence[int]) -> str:
    """Bars from zero to the largest value (a pace of 5, 5, 5 is three tall bars, not three middling ones)."""
    top = max(values, default=0)
    if top <= 0:
        return BARS[0] * len(values)
    return "".join(BARS[round(v / top * (len(BARS) - 1))] for v in values)


def trend_line(values: Sequence[float | None]) -> str:
    """`▁▃▅█  20 → 26 (+6)`: the sparkline and the first and last counted values."""
    counted = [v for v in values if v is not None]
    if not counted:
        return "none counted"
    line = sparkline(values)
    first, last = counted[0], counted[-1]
    if len(counted) == 1:
        return f"{line}  {_number(last)}"
    return f"{line}  {_number(first)} → {_number(last)} ({_signed(last - first)})"


def _number(value: float) -> str:
    """Reps, or volume rounded once as everywhere else (`timer.records.format_volume`): 1 280.5, 212."""
    return format_volume(value) if value >= 0 else f"-{format_volume(-value)}"


def _signed(value: float) -> str:
    text = _number(abs(value))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else "=")


# ---------------------------------------------------------------- the summary's comparison


def previous_reps(
    paths: Sequence[str | os.PathLike[str]], circuit: str, *, athlete: str | None, exclude: str | None
) -> dict[SetKey, int | None] | None:
    """Per-set reps of the latest completed earlier session of `circuit`; None when there is none."""
    present = [p for p in paths if os.path.exists(p)]
    if not present:
        return None
    sessions, _problems = read_log(present)
    return previous_session(sessions, circuit, athlete=athlete, exclude=exclude)


def compare(reps: int | None, before: int | None) -> str:
    """The summary's reps cell: `32 (+2)`, `30 (−1)`, `30 (=)`; just the reps when either is unknown."""
    if reps is None:
        return "—"
    if before is None:
        return str(reps)
    return f"{reps} ({_signed(reps - before)})"
