"""Circuit and athlete files as pydantic models: every field, its limits and its JSON Schema.

The checks on text (names, cues, notes) and the load and duration forms a coach may write live here too.
No Textual here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)

from timer import e1rm
from timer.durations import parse_duration
from timer.text import printable

MAX_FILE_BYTES = 1024 * 1024
MAX_NAME = 60
MAX_CUE = 80
MAX_NOTES = 2000
MAX_STATIONS = 100
MAX_PHASE_S = 3600
MAX_PROBLEMS = 20
"""At most this many problems are listed for one file (then a line saying there may be more)."""
MAX_DEPTH = 32
"""Tables and lists nest at most this deep (a circuit needs about 6): deeper data would overflow the stack of
whatever walks it next."""
DEFAULT_INCREMENT = {"kg": 2.5, "lb": 5.0}

# Characters that change how text is shown rather than being text: C0/C1 controls (ANSI escapes start with
# ESC), the line and paragraph separators U+2028/U+2029 (line breaks to some renderers and to
# str.splitlines), and the bidirectional overrides that can make a name read differently from what it is.
_BIDI = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
_CONTROL_CATEGORIES = ("Cc", "Zl", "Zp")
# A name needs at least one character that shows: a letter, digit, punctuation or symbol (not only
# spaces, zero-width or combining characters).
_VISIBLE_CATEGORIES = ("L", "N", "P", "S")


def _check_text(value: object, limit: int, *, multiline: bool = False) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be text in quotes, not {_show(value)}")
    for ch in value:
        if ch in "\n\t" and multiline:
            continue
        if unicodedata.category(ch) in _CONTROL_CATEGORIES or ch in _BIDI:
            raise ValueError(f"contains a control character (U+{ord(ch):04X}); remove it")
    if not value.strip():
        raise ValueError("is empty; write a name")
    if len(value) > limit:
        raise ValueError(f"is {len(value)} characters long; the limit is {limit}")
    if not any(unicodedata.category(ch)[0] in _VISIBLE_CATEGORIES for ch in value):
        raise ValueError("has no visible characters (only spaces or zero-width ones); write a name")
    return value


def _short(text: str) -> str:
    """At most 40 characters: a key or value echoed in a message cannot flood the terminal."""
    return text if len(text) <= 40 else text[:37] + "..."


def _show(value: object) -> str:
    """A value as the coach typed it in TOML, shortened."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = printable(repr(value) if not isinstance(value, str) else f'"{value}"')
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass(frozen=True)
class Load:
    """A station's load as the coach wrote it."""

    kind: Literal["percent", "absolute", "bodyweight"]
    value: float | None = None
    """Percent of e1RM (0–100) or an absolute weight; None for bodyweight."""
    unit: str | None = None
    """For an absolute weight: "kg" or "lb"."""


_LOAD = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%|kg|kgs|lb|lbs)\s*$", re.IGNORECASE)


def parse_load(value: object) -> Load:
    """Read `"30%"`, `"32.5 kg"`, `"70 lb"`, `"bodyweight"` or `"bw"`; ValueError in plain words otherwise."""
    hint = 'write a percentage of e1RM like "30%", a weight like "32.5 kg" or "70 lb", or "bodyweight"'
    if not isinstance(value, str):
        raise ValueError(f"{_show(value)} is not a load ({hint})")
    if value.strip().lower() in ("bodyweight", "bw", "body weight"):
        return Load("bodyweight")
    if value.strip().startswith("-"):
        raise ValueError(f"{_show(value)} is negative ({hint})")
    match = _LOAD.match(value) if len(value) < 40 else None
    if not match:
        raise ValueError(f"{_show(value)} is not a load ({hint})")
    number, unit = float(match.group(1)), match.group(2).lower()
    if unit == "%":
        if not 0 < number <= 100:
            raise ValueError(f"{_show(value)} is outside 0–100% of e1RM")
        return Load("percent", number)
    if number <= 0 or number > 2000:
        raise ValueError(f"{_show(value)} is not a usable weight (more than 0, at most 2000)")
    return Load("absolute", number, "kg" if unit.startswith("kg") else "lb")


def _duration(value: object) -> int:
    if isinstance(value, str) and (
        not value.isprintable() or any(ch.isdigit() and not ch.isdecimal() for ch in value)
    ):
        # Escape sequences must not be echoed back raw, and digits like "²" are digits to str.isdigit but
        # not to int(): both are simply not durations.
        raise ValueError(f"{_show(value)} is not a duration (use M:SS, like 2:30, or seconds, like 90s)")
    seconds = parse_duration(value)
    if seconds > MAX_PHASE_S:
        raise ValueError(f"{_show(value)} is over 60 minutes, the longest a work set or a rest may be")
    return seconds


_DURATION_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": r"^(\d+:[0-5]\d(:[0-5]\d)?|(\d+h)?(\d+m)?(\d+s)?|\d+)$"},
        {"type": "integer", "minimum": 0, "maximum": MAX_PHASE_S},
    ],
    "examples": ["2:30", "90s", "2m30s", 150],
}
Duration = Annotated[int, PlainValidator(_duration), WithJsonSchema(_DURATION_SCHEMA)]
"""Whole seconds; written "M:SS", "H:MM:SS", "90s", "2m", "2m30s" or a plain number of seconds."""

LoadField = Annotated[
    Load,
    PlainValidator(parse_load),
    WithJsonSchema({"type": "string", "examples": ["30%", "32.5 kg", "70 lb", "bodyweight", "bw"]}),
]
Name = Annotated[
    str,
    PlainValidator(lambda v: _check_text(v, MAX_NAME)),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_NAME}),
]
Cue = Annotated[
    str,
    PlainValidator(lambda v: _check_text(v, MAX_CUE)),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_CUE}),
]
Notes = Annotated[
    str,
    PlainValidator(lambda v: _check_text(v, MAX_NOTES, multiline=True)),
    WithJsonSchema({"type": "string", "maxLength": MAX_NOTES}),
]
Units = Literal["kg", "lb"]
Formula = Literal["epley", "brzycki", "lander", "lombardi", "mayhew", "oconner", "wathan"]
LiftKey = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class TestSet(_Model):
    """A test set the e1RM is estimated from."""

    weight: float = Field(gt=0, le=2000, allow_inf_nan=False, strict=True)
    """Weight lifted, in the file's units."""
    reps: int = Field(ge=1, le=e1rm.MAX_TEST_REPS, strict=True)
    """Reps done (1–12; estimates get unreliable above 10)."""
    formula: Formula = "epley"
    """Which e1RM formula to use."""

    def e1rm(self) -> float:
        """The estimated one-rep max."""
        return e1rm.estimate(self.weight, self.reps, self.formula)


E1rmValue = Annotated[float, Field(gt=0, le=2000, allow_inf_nan=False, strict=True)] | TestSet


class _Movement(_Model):
    lift: LiftKey | None = None
    """Key in [e1rm] that a percentage load refers to."""
    load: LoadField | None = None
    """"30%" of the lift's e1RM, "32.5 kg" / "70 lb", or "bodyweight" / "bw"."""
    cadence: float | None = Field(default=None, gt=0, le=200, allow_inf_nan=False, strict=True)
    """Target reps per minute (drives the metronome)."""
    reps: int | None = Field(default=None, ge=1, le=1000, strict=True)
    """Target reps for the set."""
    cues: list[Cue] = Field(default_factory=list, max_length=10)
    """Coaching reminders shown during the set."""


class Part(_Movement):
    """One movement of a complex: a station whose timed set is several movements in a row."""

    exercise: Name
    """What the athlete does."""
    work: Duration
    """How long this part lasts."""


class Station(_Movement):
    """One exercise (or a complex of parts) done for `sets` timed sets, each followed by `rest`."""

    exercise: Name
    """The exercise (or the complex's name)."""
    work: Duration | None = None
    """Length of each timed set; with parts, the sum of the parts (may be left out)."""
    rest: Duration = 0
    """Rest after each set of this station."""
    sets: int = Field(default=1, ge=1, le=20, strict=True)
    """Consecutive sets of this station before moving on."""
    part: list[Part] = Field(default_factory=list, max_length=20)
    """Movements done one after another inside each set."""

    @model_validator(mode="after")
    def _work_matches_parts(self) -> Station:
        if self.part:
            total = sum(p.work for p in self.part)
            if self.work is not None and self.work != total:
                raise ValueError(
                    f"work {self.work} s does not match its parts, which add up to {total} s; "
                    "fix one or leave work out"
                )
            if self.load is not None or self.lift is not None:
                raise ValueError("a station with parts takes lift and load on each part, not on the station")
            if self.cadence is not None or self.reps is not None:
                raise ValueError(
                    "a station with parts takes cadence and reps on each part, not on the station"
                )
        elif self.work is None:
            raise ValueError('has no work time; add work = "2:00" (or parts)')
        if self.set_seconds == 0:
            raise ValueError("work is 0 s; a timed set needs at least 1 second")
        return self

    @property
    def set_seconds(self) -> int:
        """Length of one set, parts included."""
        return sum(p.work for p in self.part) if self.part else (self.work or 0)


class Circuit(_Model):
    """A circuit file: stations done in order, `rounds` times, with timed work and rest."""

    name: Name
    """The circuit's name, 1–60 characters."""
    notes: Notes | None = None
    """Anything the athlete should read before starting."""
    units: Units = "kg"
    """Units for e1RM values and loads."""
    increment: float | None = Field(default=None, ge=0.01, le=100, allow_inf_nan=False, strict=True)
    """Loads round to the nearest multiple of this; 2.5 for kg, 5 for lb when left out."""
    prepare: Duration = 10
    """Get-ready countdown before the first set."""
    rounds: int = Field(default=1, ge=1, le=50, strict=True)
    """Times through all stations."""
    round_rest: Duration | None = None
    """Rest between rounds, in place of the last station's rest."""
    e1rm: dict[LiftKey, E1rmValue] = Field(default_factory=dict)
    """Estimated 1RM per lift: a number, or a test set { weight, reps, formula }."""
    station: list[Station] = Field(min_length=1, max_length=MAX_STATIONS)
    """The stations, in order."""


class Athlete(_Model):
    """An athlete profile: their own e1RM values override the circuit's, so one circuit serves a squad."""

    name: Name
    """The athlete's name."""
    units: Units = "kg"
    """Units of the e1RM values; loads are shown in these units."""
    increment: float | None = Field(default=None, ge=0.01, le=100, allow_inf_nan=False, strict=True)
    """Loads round to the nearest multiple of this; 2.5 for kg, 5 for lb when left out."""
    e1rm: dict[LiftKey, E1rmValue] = Field(default_factory=dict)
    """Estimated 1RM per lift: a number, or a test set { weight, reps, formula }."""


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a circuit file, for editors with TOML schema support."""
    schema = Circuit.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "circuit-timer circuit file"
    return schema


def resolved_increment(units: str, increment: float | None) -> float:
    """The load increment, defaulting by units."""
    return increment if increment is not None else DEFAULT_INCREMENT[units]
