"""A circuit expanded into its timeline: every phase with its start, length, load and place.

The same timeline feeds `circuit-timer plan`, the live session engine, the cue schedule and the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from timer import e1rm
from timer.circuit import (
    Athlete,
    Circuit,
    Part,
    Station,
    load_athlete,
    load_circuit,
    resolved_increment,
)
from timer.circuit.models import _short
from timer.durations import format_duration
from timer.errors import InputError, Problem
from timer.loads import E1rmSource, ProgramE1rm, Resolved, describe_load, e1rm_table, resolve
from timer.text import printable

PhaseKind = Literal["prepare", "work", "rest", "round_rest"]
LONG_CIRCUIT_S = 2 * 3600
MAX_WORK_PHASES = 2000
"""Timed sets (each part of a complex counts) in one session, all rounds together. Every limit of the file
format allows 50 rounds × 100 stations × 20 sets × 20 parts = 2 million: gigabytes from a 100 KB file."""
RANGES_HINT = (
    "outside the strength-endurance ranges: 20–40% for 2–4 min, or Verkhoshansky's 40–60% for 80–150 s"
)
RANGES = ((20, 40, 120, 240), (40, 60, 80, 150))
"""The method's boxes of (percent of e1RM, work seconds), both ends included: a percentage load is in
range when its pair falls in either box."""
TIME_RANGE = (80, 240)
"""Work seconds in range for a set without a percentage load (bodyweight, absolute, none)."""
LONG_REST_S = 600
REPS_TOLERANCE = 0.10
"""`reps` may differ from cadence × minutes by this share before `check` warns."""


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
    """The load in `unit`: a percentage load rounded in the athlete's units, an absolute load (or the
    weight added to bodyweight) as written; None for plain bodyweight or when there is no load."""
    unit: str = "kg"
    pct_e1rm: float | None = None
    bodyweight: bool = False
    e1rm_source: E1rmSource | None = None
    """Where the e1RM behind `pct_e1rm` came from: "athlete" (the profile), "circuit", or None."""
    default_e1rm: bool = False
    """The athlete's profile lacks the lift, so the circuit's e1RM was used: marked on screen."""
    converted: float | None = None
    """An absolute load in the plan's units (one decimal) when written in the other unit."""
    display_unit: str = "kg"
    """The plan's units (the athlete's)."""
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
        return describe_load(
            self.load,
            self.unit,
            self.pct_e1rm,
            bodyweight=self.bodyweight,
            converted=self.converted,
            display_unit=self.display_unit,
            default_e1rm=self.default_e1rm,
        )

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
            "bodyweight": self.bodyweight,
            "e1rm_source": self.e1rm_source,
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
    part_no: int | None = None
    """The part's number in its complex, from 1; None for a plain station."""
    load_value: float | None = None
    """The load as a number, in `unit` (see `Phase.load`); None for plain bodyweight or none."""
    unit: str = "kg"
    pct_e1rm: float | None = None
    bodyweight: bool = False
    e1rm_source: E1rmSource | None = None
    default_e1rm: bool = False
    """The load comes from the circuit's e1RM because the athlete's profile lacks the lift."""


@dataclass(frozen=True)
class ProgramSession:
    """One session of the block: which circuit, in which phase and week, with which adjustments."""

    number: int
    """k in 1…N: the session's place in the whole program (`program_session` in the log)."""
    phase: str
    phase_index: int
    """1-based."""
    week: int
    """The week in the program (1…total weeks)."""
    weeks: int
    """Total weeks of the program."""
    week_in_phase: int
    session_in_week: int
    sessions_in_week: int
    circuit: str
    """The circuit's path as the program writes it (relative to the program file)."""
    deload: bool
    load_add: float
    work_add: int
    rounds: int | None
    sets: int | None

    @property
    def place(self) -> str:
        """How messages name it: `phase 2 "Conversion", week 3`."""
        return f'phase {self.phase_index} "{_short(printable(self.phase))}", week {self.week_in_phase}'

    @property
    def line(self) -> str:
        """What the overview and the run screen show: `Week 3/7 · Conversion · Session 2/2 · deload`."""
        session = f"Session {self.session_in_week}/{self.sessions_in_week}"
        text = f"Week {self.week}/{self.weeks} · {self.phase} · {session}"
        return text + (" · deload" if self.deload else "")

    def to_json(self) -> dict[str, Any]:
        """The session's place, as `plan --json` and `program --json` print it."""
        return {
            "program_session": self.number,
            "phase": self.phase,
            "phase_index": self.phase_index,
            "week": self.week,
            "week_in_phase": self.week_in_phase,
            "session_in_week": self.session_in_week,
            "circuit": self.circuit,
            "deload": self.deload,
        }


@dataclass(frozen=True)
class ProgramPlace:
    """What a plan built from a program carries: the program and the session (logged in `session_start`)."""

    name: str
    sha256: str
    path: Path
    session: ProgramSession

    def log_fields(self) -> dict[str, Any]:
        """The fields `session_start` gains (docs/log-format.md)."""
        s = self.session
        return {
            "program": self.name,
            "program_sha256": self.sha256,
            "program_session": s.number,
            "phase": s.phase,
            "phase_index": s.phase_index,
            "week": s.week,
            "week_in_phase": s.week_in_phase,
            "session_in_week": s.session_in_week,
            "deload": s.deload,
        }


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
    athlete_warnings: tuple[str, ...] = ()
    """The warnings about the athlete's profile (also in `warnings`)."""
    station_rows: tuple[StationRow, ...] = field(default=())
    """One row per station (and part) for the overview and the squad sheet (`loads`)."""
    program: ProgramPlace | None = None
    """When the plan is a session of a program: the program and where in it (logged, shown on screen)."""

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


def build_plan(
    circuit: Circuit,
    athlete: Athlete | None = None,
    label: str = "circuit",
    athlete_label: str = "athlete profile",
    program_e1rm: ProgramE1rm | None = None,
) -> Plan:
    """Expand `circuit` into its timeline with loads for `athlete` (or the circuit's own e1RM values).

    `program_e1rm`: a program's e1RM values, between the circuit's and the athlete's.

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
    table = e1rm_table(circuit, athlete, unit, label, athlete_label, program_e1rm)
    warnings = [str(w) for w in table.warnings]
    athlete_warnings = [str(w) for w in table.warnings if w.file == athlete_label]
    problems: list[Problem] = []

    phases: list[Phase] = []
    rows: list[StationRow] = []
    clock = 0

    def add(kind: PhaseKind, seconds: int, **info: Any) -> None:
        nonlocal clock
        if seconds > 0:
            info.setdefault("unit", unit)
            phases.append(Phase(len(phases), kind, clock, seconds, display_unit=unit, **info))
            clock += seconds

    def load_info(res: Resolved) -> dict[str, Any]:
        return {
            "load": res.load,
            "unit": res.unit,
            "pct_e1rm": res.pct,
            "bodyweight": res.bodyweight,
            "e1rm_source": res.e1rm_source,
            "default_e1rm": athlete is not None and res.e1rm_source == "circuit",
            "converted": res.converted,
        }

    resolved: list[list[tuple[str, Resolved, Any]]] = []
    for s_index, station in enumerate(circuit.station, start=1):
        where = f'station {s_index} "{station.exercise}"'
        movements = station.movements()
        entries = []
        for p_index, move in enumerate(movements, start=1):
            spot = f'{where}, part {p_index} "{move.exercise}"' if station.part else where
            res = resolve(move.lift, move.load, table, unit, increment)
            if isinstance(res, str):
                if res.startswith("lift"):
                    source = f"the [e1rm] table of {label}" + (f" or of {athlete_label}" if athlete else "")
                    res += f"; add {move.lift} = <kg or lb> to {source}"
                problems.append(Problem(label, spot, res))
                res = Resolved(None, unit, display_unit=unit)
            entries.append((spot, res, move))
        resolved.append(entries)
        warnings.extend(_coaching_warnings(label, where, station, entries))
        for p_index, (spot, res, move) in enumerate(entries, start=1):
            info = load_info(res)
            rows.append(
                StationRow(
                    station=s_index,
                    part=spot != where,
                    exercise=move.exercise,
                    load=describe_load(
                        res.load,
                        res.unit,
                        res.pct,
                        bodyweight=res.bodyweight,
                        converted=res.converted,
                        display_unit=unit,
                        default_e1rm=info["default_e1rm"],
                    ),
                    work_s=station.work_s(move),
                    rest_s=station.rest,
                    sets=station.sets,
                    part_no=p_index if station.part else None,
                    load_value=res.load,
                    unit=res.unit,
                    pct_e1rm=res.pct,
                    bodyweight=res.bodyweight,
                    e1rm_source=res.e1rm_source,
                    default_e1rm=info["default_e1rm"],
                )
            )
    if problems:
        raise InputError(problems)
    warnings.extend(_circuit_warnings(label, circuit))

    add("prepare", circuit.prepare)
    n_stations = len(circuit.station)
    for rnd in range(1, circuit.rounds + 1):
        for s_index, (station, entries) in enumerate(zip(circuit.station, resolved, strict=True), start=1):
            for set_no in range(1, station.sets + 1):
                for p_index, (_spot, res, move) in enumerate(entries, start=1):
                    add(
                        "work",
                        station.work_s(move),
                        round=rnd,
                        station=s_index,
                        set=set_no,
                        part=p_index if station.part else None,
                        exercise=move.exercise,
                        station_name=station.exercise,
                        **load_info(res),
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
        athlete_warnings=tuple(athlete_warnings),
        station_rows=tuple(rows),
    )


def _target_reps(move: Part | Station, station: Station) -> int | None:
    if move.reps is not None:
        return move.reps
    if move.cadence is None:
        return None
    return round(move.cadence * station.work_s(move) / 60)


def _coaching_warnings(label: str, where: str, station: Station, entries: list[Any]) -> list[str]:
    """The method's ranges checked as (load, time) pairs, and reps that disagree with the cadence.

    A percentage load is in range when (percent, set time) falls in either box of `RANGES`; a set with
    no percentage load (bodyweight, an absolute weight, none) is checked on its time alone. In a complex
    the time is the whole set's: the parts are done back to back as one set.
    """
    out = []
    seconds = station.set_seconds
    time = format_duration(seconds)
    percent = [(spot, res) for spot, res, move in entries if move.load and move.load.kind == "percent"]
    for spot, res in percent:
        if res.pct is None:  # its load could not be computed: that is an error, reported already
            continue
        if not any(lo <= res.pct <= hi and t_lo <= seconds <= t_hi for lo, hi, t_lo, t_hi in RANGES):
            pair = f"{e1rm.format_weight(res.pct)}% e1RM for {time} is {RANGES_HINT}"
            out.append(str(Problem(label, spot, pair)))
    if len(percent) < len(entries) and not TIME_RANGE[0] <= seconds <= TIME_RANGE[1]:
        out.append(str(Problem(label, where, f"a {time} work set is {RANGES_HINT}")))
    for spot, _res, move in entries:
        move_s = station.work_s(move)
        if move.reps is not None and move.cadence is not None:
            expected = move.cadence * move_s / 60
            if abs(move.reps - expected) > REPS_TOLERANCE * expected:
                out.append(
                    str(
                        Problem(
                            label,
                            spot,
                            f"reps = {move.reps} disagrees with cadence {move.cadence:g}/min × "
                            f"{format_duration(move_s)} = {expected:.0f} reps; fix one of them",
                        )
                    )
                )
    if station.rest > LONG_REST_S:
        long_rest = f"a rest of {format_duration(station.rest)} is over 10 minutes; check it"
        out.append(str(Problem(label, where, long_rest)))
    return out


def _circuit_warnings(label: str, circuit: Circuit) -> list[str]:
    out = []
    if circuit.round_rest is not None and circuit.round_rest > LONG_REST_S:
        long_rest = f"round_rest of {format_duration(circuit.round_rest)} is over 10 minutes; check it"
        out.append(str(Problem(label, "", long_rest)))
    if circuit.round_rest is not None and circuit.rounds == 1:
        unused = "round_rest is never used with rounds = 1 (it comes between rounds); remove it or add rounds"
        out.append(str(Problem(label, "", unused)))
    return out


def load_plan(file: str, athlete_file: str | None = None) -> Plan:
    """Load a circuit file (and an athlete profile) and build its plan; InputError for any problem."""
    athlete = load_athlete(athlete_file) if athlete_file else None
    athlete_label = athlete_file or "athlete profile"
    return build_plan(load_circuit(file), athlete, label=file, athlete_label=athlete_label)
