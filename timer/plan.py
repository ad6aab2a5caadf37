"""A circuit expanded into its timeline: every phase with its start, length, load and place.

The same timeline feeds `circuit-timer plan`, the live session engine, the cue schedule and the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from timer import e1rm
from timer.circuit import (
    Athlete,
    Circuit,
    Load,
    Station,
    load_athlete,
    load_circuit,
    resolved_increment,
)
from timer.durations import format_duration
from timer.errors import InputError, Problem
from timer.text import printable

PhaseKind = Literal["prepare", "work", "rest", "round_rest"]
LONG_CIRCUIT_S = 2 * 3600
MAX_WORK_PHASES = 2000
"""Timed sets (each part of a complex counts) in one session, all rounds together. Every limit of the file
format allows 50 rounds × 100 stations × 20 sets × 20 parts = 2 million: gigabytes from a 100 KB file."""
MIN_E1RM = 1.0
"""An e1RM below this (kg or lb) is a typo, and percentages of it overflow: such a plan is refused."""
RANGES_HINT = (
    "outside the strength-endurance ranges: 20–40% for 2–4 min, or Verkhoshansky's 40–60% for 80–150 s"
)


@dataclass(frozen=True)
class Phase:
    """One stretch of the timeline: get ready, a work set (or one part of it), or a rest."""

    index: int
    kind: PhaseKind
    start_s: int
    duration_s: int
    round: int | None = None
    station: int | None = None
    set: int | None = None
    part: int | None = None
    exercise: str | None = None
    """For work: the movement done (the part's name inside a complex)."""
    station_name: str | None = None
    load: float | None = None
    """Rounded load in `unit`; None for bodyweight or when there is no load."""
    unit: str = "kg"
    pct_e1rm: float | None = None
    bodyweight: bool = False
    cadence: float | None = None
    target_reps: int | None = None
    cues: tuple[str, ...] = ()
    parts_in_set: int = 0
    """How many parts the set has (0 for a plain station)."""

    @property
    def end_s(self) -> int:
        return self.start_s + self.duration_s

    @property
    def is_work(self) -> bool:
        return self.kind == "work"

    def load_text(self) -> str:
        """How the load reads on screen: `30 kg · 30% e1RM`, `bodyweight`, or empty."""
        return describe_load(self.load, self.unit, self.pct_e1rm, bodyweight=self.bodyweight)

    def to_json(self) -> dict[str, Any]:
        """The phase as `plan --json` prints it."""
        return {
            "kind": self.kind,
            "start_s": self.start_s,
            "duration_s": self.duration_s,
            "round": self.round,
            "station": self.station,
            "set": self.set,
            "part": self.part,
            "exercise": self.exercise,
            "load": self.load,
            "unit": self.unit,
            "pct_e1rm": self.pct_e1rm,
        }


@dataclass(frozen=True)
class StationRow:
    """One station (or one part of a complex) as the overview lists it."""

    station: int
    """The station's number, from 1."""
    part: bool
    """True for a part of a complex (the station's own row is drawn from its parts)."""
    exercise: str
    load: str
    """The load in words (`30 kg · 30% e1RM`, `bodyweight`), empty when the file gives none."""
    work_s: int
    """One set's work (a part's own work for a part)."""
    rest_s: int
    sets: int


@dataclass(frozen=True)
class Plan:
    """A resolved circuit: the timeline plus what the overview and `check` show."""

    name: str
    notes: str | None
    unit: str
    rounds: int
    stations: int
    phases: tuple[Phase, ...]
    athlete: str | None = None
    warnings: tuple[str, ...] = ()
    station_rows: tuple[StationRow, ...] = field(default=())
    """One row per station (and part) for the overview: exercise, load text, work, rest, sets."""

    @property
    def total_s(self) -> int:
        return self.phases[-1].end_s if self.phases else 0

    def phase_at(self, t: float) -> Phase:
        """The phase running `t` seconds into the plan (the last one once it is over)."""
        lo, hi = 0, len(self.phases) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.phases[mid].start_s <= t:
                lo = mid
            else:
                hi = mid - 1
        return self.phases[lo]

    def summary_line(self) -> str:
        rounds = f"{self.rounds} round{'s' if self.rounds != 1 else ''}"
        stations = f"{self.stations} station{'s' if self.stations != 1 else ''}"
        return f"{self.name}: {rounds} × {stations}, total {format_duration(self.total_s)}"

    def to_json(self) -> dict[str, Any]:
        return {"total_s": self.total_s, "phases": [p.to_json() for p in self.phases]}


@dataclass(frozen=True)
class _Resolved:
    load: float | None
    pct: float | None
    bodyweight: bool


def build_plan(
    circuit: Circuit,
    athlete: Athlete | None = None,
    label: str = "circuit",
    athlete_label: str = "athlete profile",
) -> Plan:
    """Expand `circuit` into its timeline with loads for `athlete` (or the circuit's own e1RM values).

    `label` and `athlete_label` name the two files in messages. Raises InputError listing every station
    whose load cannot be computed.
    """
    label = printable(label)  # the file name as typed: it may hold a newline or an escape sequence
    athlete_label = printable(athlete_label)
    work_phases = circuit.rounds * sum(s.sets * max(1, len(s.part)) for s in circuit.station)
    if work_phases > MAX_WORK_PHASES:
        raise InputError(
            [
                Problem(
                    label,
                    "",
                    f"has {work_phases} timed sets in all (rounds × sets × parts of every station); "
                    f"one session holds at most {MAX_WORK_PHASES}: use fewer rounds or sets",
                )
            ]
        )
    unit = athlete.units if athlete else circuit.units
    increment = resolved_increment(unit, athlete.increment if athlete else circuit.increment)
    e1rms, warnings = _e1rm_table(circuit, athlete, unit, label, athlete_label)
    problems: list[Problem] = []

    def resolve(where: str, lift: str | None, load: Load | None) -> _Resolved:
        if load is None or load.kind == "bodyweight":
            return _Resolved(None, None, load is not None)
        max_for_lift = e1rms.get(lift) if lift else None
        if load.kind == "percent":
            if lift is None:
                needs_lift = f'load "{load.value:g}%" needs lift = "..." naming an e1RM'
                problems.append(Problem(label, where, needs_lift))
                return _Resolved(None, None, False)
            if max_for_lift is None:
                source = f"the [e1rm] table of {label}" + (f" or of {athlete_label}" if athlete else "")
                problems.append(
                    Problem(label, where, f'lift "{lift}" has no e1RM; add {lift} = <kg or lb> to {source}')
                )
                return _Resolved(None, None, False)
            assert load.value is not None
            value = e1rm.round_to_increment(max_for_lift * load.value / 100, increment)
            return _Resolved(value, load.value, False)
        assert load.value is not None and load.unit is not None
        value = e1rm.round_to_increment(e1rm.convert(load.value, load.unit, unit), increment)
        pct = round(100 * value / max_for_lift, 1) if max_for_lift else None
        return _Resolved(value, pct, False)

    phases: list[Phase] = []
    rows: list[StationRow] = []
    clock = 0

    def add(kind: PhaseKind, seconds: int, **info: Any) -> None:
        nonlocal clock
        if seconds > 0:
            phases.append(Phase(len(phases), kind, clock, seconds, unit=unit, **info))
            clock += seconds

    resolved: list[list[tuple[str, _Resolved, Any]]] = []
    for s_index, station in enumerate(circuit.station, start=1):
        where = f'station {s_index} "{station.exercise}"'
        movements = station.part or [station]
        entries = []
        for p_index, move in enumerate(movements, start=1):
            spot = f'{where}, part {p_index} "{move.exercise}"' if station.part else where
            entries.append((spot, resolve(spot, move.lift, move.load), move))
        resolved.append(entries)
        warnings.extend(_coaching_warnings(label, where, station, entries))
        for spot, res, move in entries:
            rows.append(
                StationRow(
                    station=s_index,
                    part=spot != where,
                    exercise=move.exercise,
                    load=describe_load(res.load, unit, res.pct, bodyweight=res.bodyweight),
                    work_s=move.work if station.part else station.set_seconds,
                    rest_s=station.rest,
                    sets=station.sets,
                )
            )
    if problems:
        raise InputError(problems)

    add("prepare", circuit.prepare)
    n_stations = len(circuit.station)
    for rnd in range(1, circuit.rounds + 1):
        for s_index, (station, entries) in enumerate(zip(circuit.station, resolved, strict=True), start=1):
            for set_no in range(1, station.sets + 1):
                for p_index, (_spot, res, move) in enumerate(entries, start=1):
                    add(
                        "work",
                        move.work if station.part else station.set_seconds,
                        round=rnd,
                        station=s_index,
                        set=set_no,
                        part=p_index if station.part else None,
                        exercise=move.exercise,
                        station_name=station.exercise,
                        load=res.load,
                        pct_e1rm=res.pct,
                        bodyweight=res.bodyweight,
                        cadence=move.cadence,
                        target_reps=_target_reps(move, station),
                        cues=tuple(move.cues or station.cues),
                        parts_in_set=len(station.part),
                    )
                last_set_of_round = s_index == n_stations and set_no == station.sets
                if last_set_of_round and rnd == circuit.rounds:
                    continue  # no rest after the very last set of the circuit
                place = {"round": rnd, "station": s_index, "set": set_no, "station_name": station.exercise}
                if last_set_of_round and circuit.round_rest is not None:
                    add("round_rest", circuit.round_rest, **place)
                else:
                    add("rest", station.rest, **place)
    total = clock
    if total > LONG_CIRCUIT_S:
        warnings.append(str(Problem(label, "", f"the circuit lasts {format_duration(total)}, over 2 hours")))
    return Plan(
        name=circuit.name,
        notes=circuit.notes,
        unit=unit,
        rounds=circuit.rounds,
        stations=n_stations,
        phases=tuple(phases),
        athlete=athlete.name if athlete else None,
        warnings=tuple(warnings),
        station_rows=tuple(rows),
    )


def _target_reps(move: Any, station: Station) -> int | None:
    if move.reps is not None:
        return move.reps
    cadence = move.cadence if move.cadence is not None else None
    if cadence is None:
        return None
    seconds = move.work if station.part else station.set_seconds
    return round(cadence * seconds / 60)


def describe_load(load: float | None, unit: str, pct: float | None, *, bodyweight: bool = False) -> str:
    """How a load reads on screen: `30 kg · 30% e1RM`, `32.5 kg`, `bodyweight`, or empty for none."""
    if bodyweight:
        return "bodyweight"
    if load is None:
        return ""
    text = f"{e1rm.format_weight(load)} {unit}"
    return text + (f" · {e1rm.format_weight(pct)}% e1RM" if pct is not None else "")


def _e1rm_table(
    circuit: Circuit, athlete: Athlete | None, unit: str, label: str, athlete_label: str
) -> tuple[dict[str, float], list[str]]:
    """Every lift's e1RM in `unit`: the circuit's values, overridden by the athlete's.

    With a profile, a lift the circuit loads by percentage but the profile lacks falls back to the
    circuit's value — which is usually an example athlete's — so it is warned about.
    """
    table: dict[str, float] = {}
    warnings: list[str] = []
    problems: list[Problem] = []
    sources: list[tuple[str, Any, str]] = [(circuit.units, circuit.e1rm, label)]
    if athlete:
        sources.append((athlete.units, athlete.e1rm, athlete_label))
        used = {
            move.lift
            for station in circuit.station
            for move in (station.part or [station])
            if move.lift and move.load is not None and move.load.kind == "percent"
        }
        for lift in sorted(used & set(circuit.e1rm) - set(athlete.e1rm)):
            warnings.append(
                str(
                    Problem(
                        athlete_label,
                        f'e1rm "{lift}"',
                        f"is missing, so the circuit's own value is used; add {lift} = <{athlete.units}> "
                        "to the profile for loads that fit this athlete",
                    )
                )
            )
    for source_unit, values, source in sources:
        for lift, value in values.items():
            if isinstance(value, (int, float)):
                estimate = float(value)
            else:
                estimate = value.e1rm()
                if value.reps > e1rm.RELIABLE_TEST_REPS:
                    warnings.append(
                        str(
                            Problem(
                                label if source == label else source,
                                f'e1rm "{lift}"',
                                f"a test set of {value.reps} reps gives an unreliable estimate; "
                                f"retest with {e1rm.RELIABLE_TEST_REPS} reps or fewer",
                            )
                        )
                    )
            if estimate < MIN_E1RM:
                # The format allows any weight above 0, but a share of a 1e-300 kg e1RM is infinite.
                problems.append(
                    Problem(
                        label if source == label else source,
                        f'e1rm "{lift}"',
                        f"an e1RM of {estimate:.3g} {source_unit} is too light to plan with "
                        f"(at least {MIN_E1RM:g}); check the value",
                    )
                )
            table[lift] = e1rm.convert(estimate, source_unit, unit)
    if problems:
        raise InputError(problems)
    return table, warnings


def _coaching_warnings(label: str, where: str, station: Station, entries: list[Any]) -> list[str]:
    out = []
    if not 80 <= station.set_seconds <= 240:
        short_or_long = f"a {format_duration(station.set_seconds)} work set is {RANGES_HINT}"
        out.append(str(Problem(label, where, short_or_long)))
    for spot, res, _move in entries:
        if res.pct is not None and not 20 <= res.pct <= 60:
            out.append(str(Problem(label, spot, f"{e1rm.format_weight(res.pct)}% e1RM is {RANGES_HINT}")))
    return out


def load_plan(file: str, athlete_file: str | None = None) -> Plan:
    """Load a circuit file (and an athlete profile) and build its plan; InputError for any problem."""
    athlete = load_athlete(athlete_file) if athlete_file else None
    athlete_label = athlete_file or "athlete profile"
    return build_plan(load_circuit(file), athlete, label=file, athlete_label=athlete_label)
