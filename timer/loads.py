"""Every load for one athlete: which e1RM each lift uses and where it comes from, and how a load reads.

The rules a coach relies on (README, "Loads"):
- a percentage load is e1RM × percentage in the athlete's units, rounded to the nearest increment (halves
  up); the percentage shown stays the one prescribed, not the rounded load's share;
- an absolute load (`"16 kg"`, `"35 lb"`) is the implement the coach named: never rounded, never converted
  away; when the athlete's units differ, the converted figure follows in brackets (`16 kg (35.3 lb)`);
- `"bw + 10 kg"` is bodyweight plus an added weight, kept as written like an absolute load;
- each e1RM knows its source: `athlete` (the profile), `circuit` (the circuit's own value), or none.

No Textual here.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from timer import e1rm
from timer.circuit import Athlete, Circuit, Load
from timer.errors import InputError, Problem

E1rmSource = Literal["athlete", "program", "circuit"]
"""Where an e1RM came from, in precedence order: the profile, the program's `[e1rm]`, the circuit's."""
ProgramE1rm = tuple[str, Mapping[str, object], str]
"""A program's e1RM values for `e1rm_table`: (their units, the values, the program file's name)."""
DEFAULT_MARK = "(circuit's e1RM)"
"""Follows a load computed from the circuit's e1RM because the athlete's profile lacks the lift."""
MIN_E1RM = 1.0
"""An e1RM below this (kg or lb) is a typo, and percentages of it overflow: such a plan is refused."""


@dataclass(frozen=True)
class Resolved:
    """One movement's load for one athlete."""

    load: float | None
    """Percentage loads: rounded, in the athlete's units. Absolute and added loads: as written."""
    unit: str
    pct: float | None = None
    """The prescribed percentage, or for an absolute load its share of the lift's e1RM (one decimal)."""
    bodyweight: bool = False
    e1rm_source: E1rmSource | None = None
    """Where the e1RM behind `pct` came from; None when no e1RM was used."""
    converted: float | None = None
    """An absolute or added load in the athlete's units (one decimal) when they differ from `unit`."""
    display_unit: str = "kg"
    """The athlete's units (the plan's)."""


@dataclass(frozen=True)
class E1rmTable:
    """Every lift's e1RM in the plan's units, with where it came from."""

    values: dict[str, float]
    sources: dict[str, E1rmSource]
    warnings: list[Problem]


def e1rm_table(
    circuit: Circuit,
    athlete: Athlete | None,
    unit: str,
    label: str,
    athlete_label: str,
    program: ProgramE1rm | None = None,
) -> E1rmTable:
    """The circuit's e1RM values, overridden by a program's, overridden by the athlete's, lift by lift;
    warnings for what the coach should fix.

    With a profile, a lift the circuit loads by percentage but the profile lacks falls back to the
    circuit's value — usually an example athlete's — so it is warned about (and marked on screen); a
    profile key that matches no lift of the circuit but is close to one gets a did-you-mean.
    """
    values: dict[str, float] = {}
    sources: dict[str, E1rmSource] = {}
    warnings: list[Problem] = []
    problems: list[Problem] = []
    inputs: list[tuple[str, Mapping[str, object], str, E1rmSource]] = [
        (circuit.units, circuit.e1rm, label, "circuit")
    ]
    if program is not None:
        inputs.append((program[0], program[1], program[2], "program"))
    if athlete:
        inputs.append((athlete.units, athlete.e1rm, athlete_label, "athlete"))
        covered = set(program[1]) if program is not None else set()
        warnings.extend(_profile_warnings(circuit, athlete, athlete_label, covered))
    for source_unit, table, file, source in inputs:
        for lift, value in table.items():
            if isinstance(value, (int, float)):
                estimate = float(value)
            else:
                estimate = value.e1rm()  # type: ignore[attr-defined]
                if value.reps > e1rm.RELIABLE_TEST_REPS:  # type: ignore[attr-defined]
                    warnings.append(
                        Problem(
                            file,
                            f'e1rm "{lift}"',
                            f"a test set of {value.reps} reps gives an unreliable estimate; "  # type: ignore[attr-defined]
                            f"retest with {e1rm.RELIABLE_TEST_REPS} reps or fewer",
                        )
                    )
            if estimate < MIN_E1RM:
                # The file format refuses these; a profile built in code may not have been checked.
                problems.append(
                    Problem(
                        file,
                        f'e1rm "{lift}"',
                        f"an e1RM of {estimate:.3g} {source_unit} is too light to plan with "
                        f"(at least {MIN_E1RM:g}); check the value",
                    )
                )
            values[lift] = e1rm.convert(estimate, source_unit, unit)
            sources[lift] = source
    if problems:
        raise InputError(problems)
    return E1rmTable(values, sources, warnings)


def circuit_lifts(circuit: Circuit) -> set[str]:
    """Every lift name the circuit knows: its [e1rm] keys and the lifts its stations and parts name."""
    named = {move.lift for station in circuit.station for move in station.movements() if move.lift}
    return named | set(circuit.e1rm)


def _profile_warnings(
    circuit: Circuit, athlete: Athlete, athlete_label: str, covered: set[str] | frozenset[str] = frozenset()
) -> list[Problem]:
    """Profile keys that look like typos, and lifts falling back to the circuit's example value (a lift the
    program's `[e1rm]` covers is the coach's choice, not a fallback)."""
    out: list[Problem] = []
    lifts = circuit_lifts(circuit)
    lacking = sorted(lifts - set(athlete.e1rm))
    for key in sorted(set(athlete.e1rm) - lifts):
        # Only keys close to a lift the profile lacks: a profile shared by several circuits legitimately
        # holds lifts this circuit does not use, and warning about each would bury the real typos.
        close = difflib.get_close_matches(key, lacking, n=1, cutoff=0.7)
        if close:
            out.append(
                Problem(
                    athlete_label,
                    f'e1rm "{key}"',
                    f'matches no lift of this circuit (did you mean "{close[0]}"?); '
                    f"the circuit's own e1RM is used for {close[0]}",
                )
            )
    used = {
        move.lift
        for station in circuit.station
        for move in station.movements()
        if move.lift and move.load is not None and move.load.kind == "percent"
    }
    for lift in sorted(used & set(circuit.e1rm) - set(athlete.e1rm) - covered):
        out.append(
            Problem(
                athlete_label,
                f'e1rm "{lift}"',
                f"is missing, so the circuit's own value is used; add {lift} = <{athlete.units}> "
                "to the profile for loads that fit this athlete",
            )
        )
    return out


def resolve(
    lift: str | None, load: Load | None, table: E1rmTable, unit: str, increment: float
) -> Resolved | str:
    """The load of one movement, or a sentence saying why it cannot be computed."""
    if load is None:
        return Resolved(None, unit, display_unit=unit)
    e1rm_value = table.values.get(lift) if lift else None
    source = table.sources.get(lift) if lift and e1rm_value is not None else None
    if load.kind == "percent":
        assert load.value is not None
        if lift is None:
            return f'load "{load.value:g}%" needs lift = "..." naming an e1RM'
        if e1rm_value is None:
            return f'lift "{lift}" has no e1RM'
        value = e1rm.round_to_increment(e1rm_value * load.value / 100, increment)
        # The percentage shown stays the prescribed one: the rounding is the plates', not the coach's.
        return Resolved(value, unit, load.value, e1rm_source=source, display_unit=unit)
    if load.value is None:  # plain bodyweight
        return Resolved(None, unit, bodyweight=True, display_unit=unit)
    assert load.unit is not None
    in_units = e1rm.convert(load.value, load.unit, unit)
    converted = round(in_units, 1) if load.unit != unit else None
    if load.kind == "bodyweight":  # "bw + 10 kg": the added weight, as written
        return Resolved(load.value, load.unit, bodyweight=True, converted=converted, display_unit=unit)
    pct = round(100 * in_units / e1rm_value, 1) if e1rm_value else None
    return Resolved(
        load.value,
        load.unit,
        pct,
        e1rm_source=source if pct is not None else None,
        converted=converted,
        display_unit=unit,
    )


def describe_load(
    load: float | None,
    unit: str,
    pct: float | None,
    *,
    bodyweight: bool = False,
    converted: float | None = None,
    display_unit: str | None = None,
    default_e1rm: bool = False,
) -> str:
    """How a load reads on screen.

    `30 kg · 30% e1RM`, `16 kg (35.3 lb)`, `bw + 10 kg`, `bodyweight`, or empty for none; with
    `default_e1rm`, `(circuit's e1RM)` follows the percentage: the athlete's profile lacks the lift.
    """
    if bodyweight and load is None:
        return "bodyweight"
    if load is None:
        return ""
    text = f"{e1rm.format_weight(load)} {unit}"
    if bodyweight:
        text = f"bw + {text}"
    if converted is not None and display_unit and display_unit != unit:
        text += f" ({e1rm.format_weight(converted)} {display_unit})"
    if pct is not None:
        text += f" · {e1rm.format_weight(pct)}% e1RM"
        if default_e1rm:
            text += f" {DEFAULT_MARK}"
    return text
