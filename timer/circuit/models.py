"""Circuit and athlete files as pydantic models: every field, its limits and its JSON Schema.

The checks on text (names, cues, notes) and the load and duration forms a coach may write live here too.
No Textual here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
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
from timer.durations import DURATION_PATTERN, parse_duration
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
# Control characters a coach types by accident, named the way they would name them.
_SAID = {"\t": "a tab", "\n": "a line break", "\r": "a line break (carriage return)"}


def _check_text(value: object, limit: int, *, multiline: bool = False) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be text in quotes, not {_show(value)}")
    for ch in value:
        if ch in "\n\t" and multiline:
            continue
        if unicodedata.category(ch) in _CONTROL_CATEGORIES or ch in _BIDI:
            if ch in _SAID:
                raise ValueError(f"contains {_SAID[ch]}; remove it (names and cues are one line of text)")
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


def case_free(pattern: str) -> str:
    """A regular expression matching `pattern` in any case, written with character classes: JSON Schema
    patterns (ECMA-262) have no portable case-insensitive flag."""
    return re.sub(r"[a-z]", lambda m: f"[{m.group(0)}{m.group(0).upper()}]", pattern)


@dataclass(frozen=True)
class Load:
    """A station's load as the coach wrote it."""

    kind: Literal["percent", "absolute", "bodyweight"]
    value: float | None = None
    """Percent of e1RM (0–100), an absolute weight, or the weight added to bodyweight; None for plain
    bodyweight."""
    unit: str | None = None
    """For an absolute or added weight: "kg" or "lb"."""


# One source for the load forms: the parser reads them (case-insensitive) and the JSON Schema's pattern is
# built from the same pieces, so the two cannot drift apart.
_NUMBER = r"([0-9]+(?:\.[0-9]+)?)"
_WEIGHT_UNIT = r"(kgs|kg|lbs|lb)"
_BODYWEIGHT = r"(?:bodyweight|body weight|bw)"
_LOAD_FORMS = (
    rf"{_NUMBER} *% *(?:of *)?(?:e1rm)?",  # "30%", "30 %", "30% e1RM", "30% of e1RM"
    rf"{_NUMBER} *{_WEIGHT_UNIT}",  # "32.5 kg", "70 lb"
    _BODYWEIGHT,  # "bodyweight", "bw"
    rf"{_BODYWEIGHT} *\+ *{_NUMBER} *{_WEIGHT_UNIT}",  # "bw + 10 kg": a vest or a belt
)
_PERCENT, _ABSOLUTE, _BW, _BW_PLUS = (re.compile(rf"^ *{form} *$", re.IGNORECASE) for form in _LOAD_FORMS)
LOAD_PATTERN = "^ *(?:" + "|".join(case_free(re.sub(r"\((?!\?)", "(?:", f)) for f in _LOAD_FORMS) + ") *$"
"""The JSON Schema pattern of every load form."""
MAX_WEIGHT = e1rm.MAX_WEIGHT


def parse_load(value: object) -> Load:
    """Read `"30%"`, `"30% e1RM"`, `"32.5 kg"`, `"70 lb"`, `"bodyweight"`, `"bw"` or `"bw + 10 kg"`;
    ValueError in plain words otherwise."""
    hint = (
        'write a percentage of e1RM like "30%", a weight like "32.5 kg" or "70 lb", '
        '"bodyweight", or "bw + 10 kg"'
    )
    if not isinstance(value, str):
        raise ValueError(f"{_show(value)} is not a load ({hint})")
    if len(value) > 40:
        raise ValueError(f"{_show(value)} is not a load ({hint})")
    if _BW.match(value):
        return Load("bodyweight")
    if value.strip().startswith("-") or re.search(r"\+ *-", value):
        raise ValueError(f"{_show(value)} is negative ({hint})")
    if re.search(r"[0-9],[0-9]", value):
        raise ValueError(f'{_show(value)} has a comma; use a dot for decimals, like "32.5 kg"')
    if match := _PERCENT.match(value):
        number = float(match.group(1))
        if number == 0:
            raise ValueError(f"{_show(value)} is 0%; a load must be more than 0% of e1RM")
        if number > 100:
            raise ValueError(f"{_show(value)} is outside 0–100% of e1RM")
        return Load("percent", number)
    kind: Literal["absolute", "bodyweight"] = "absolute"
    match = _ABSOLUTE.match(value)
    if match is None and (match := _BW_PLUS.match(value)):
        kind = "bodyweight"
    if match is None:
        raise ValueError(f"{_show(value)} is not a load ({hint})")
    number, unit = float(match.group(1)), match.group(2).lower()
    if number <= 0 or number > MAX_WEIGHT:
        raise ValueError(f"{_show(value)} is not a usable weight (more than 0, at most {MAX_WEIGHT:g})")
    return Load(kind, number, "kg" if unit.startswith("kg") else "lb")


def units_name(value: object) -> str:
    """ "kg" or "lb", however a coach capitalises it ("KG", "Kg", "lbs", "LB")."""
    if isinstance(value, str) and value.strip().lower() in ("kg", "kgs", "lb", "lbs"):
        return value.strip().lower()[:2]
    raise ValueError(f'must be "kg" or "lb", not {_show(value)}')


_FORMULAS = ("epley", "brzycki", "lander", "lombardi", "mayhew", "oconner", "wathan")
_FORMULA_SPELLINGS = {"oconnor": "oconner"}


def formula_name(value: object) -> str:
    """A formula's name in any case, with or without the apostrophe ("O'Connor" is O'Conner)."""
    if isinstance(value, str):
        name = re.sub(r"[\s'\u2019_-]", "", value.lower())
        name = _FORMULA_SPELLINGS.get(name, name)
        if name in _FORMULAS:
            return name
    raise ValueError(f"must be one of {', '.join(_FORMULAS)}, not {_show(value)}")


def _whole(low: int, high: int) -> PlainValidator:
    """A whole number from `low` to `high`; `10.0` counts (TOML writes what a spreadsheet pastes)."""

    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"must be a whole number, not {_show(value)}")
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"must be a whole number, not {_show(value)}")
        number = int(value)
        if number < low:
            raise ValueError(f"must be at least {low}, not {_show(value)}")
        if number > high:
            raise ValueError(f"must be at most {high}, not {_show(value)}")
        return number

    return PlainValidator(check)


def _whole_schema(low: int, high: int) -> WithJsonSchema:
    return WithJsonSchema({"type": "integer", "minimum": low, "maximum": high})


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


def _work(value: object) -> int:
    seconds = _duration(value)
    if seconds == 0:
        raise ValueError("is 0 s; a timed set needs at least 1 second")
    return seconds


def _duration_schema(least: int) -> dict[str, Any]:
    text: dict[str, Any] = {"type": "string", "pattern": DURATION_PATTERN}
    if least:
        # At least one digit other than 0: "0:00", "0s" and "0 min" are no work.
        text = {"allOf": [text, {"pattern": "[1-9]"}]}
    return {
        "anyOf": [text, {"type": "integer", "minimum": least, "maximum": MAX_PHASE_S}],
        "examples": ["2:30", "90s", "2m30s", "3 min", 150],
    }


Duration = Annotated[int, PlainValidator(_duration), WithJsonSchema(_duration_schema(0))]
"""Whole seconds; written "M:SS", "H:MM:SS", "90s", "2m30s", "3 min" or a plain number of seconds."""
WorkDuration = Annotated[int, PlainValidator(_work), WithJsonSchema(_duration_schema(1))]
"""A duration of at least 1 second."""

LoadField = Annotated[
    Load,
    PlainValidator(parse_load),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": LOAD_PATTERN,
            "examples": ["30%", "30% e1RM", "32.5 kg", "16 kg", "70 lb", "bodyweight", "bw", "bw + 10 kg"],
        }
    ),
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
Units = Annotated[
    str,
    PlainValidator(units_name),
    WithJsonSchema(
        {"type": "string", "pattern": "^ *" + case_free("(?:kgs?|lbs?)") + " *$", "examples": ["kg", "lb"]}
    ),
]
Formula = Annotated[
    str,
    PlainValidator(formula_name),
    WithJsonSchema({"type": "string", "pattern": "^[\\sA-Za-z'\u2019_-]+$", "examples": list(_FORMULAS)}),
]
# Whole numbers: `10.0` is accepted as 10 (a spreadsheet pastes it so).
TestReps = Annotated[int, _whole(1, e1rm.MAX_TEST_REPS), _whole_schema(1, e1rm.MAX_TEST_REPS)]
Reps = Annotated[int, _whole(1, 1000), _whole_schema(1, 1000)]
Sets = Annotated[int, _whole(1, 20), _whole_schema(1, 20)]
Rounds = Annotated[int, _whole(1, 50), _whole_schema(1, 50)]
LiftKey = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class TestSet(_Model):
    """A test set the e1RM is estimated from."""

    weight: float = Field(ge=1, le=MAX_WEIGHT, allow_inf_nan=False, strict=True)
    """Weight lifted, in the file's units (at least 1: lighter is a typo)."""
    reps: TestReps
    """Reps done (1–12; estimates get unreliable above 10)."""
    formula: Formula = "epley"
    """Which e1RM formula to use."""

    def e1rm(self) -> float:
        """The estimated one-rep max."""
        return e1rm.estimate(self.weight, self.reps, self.formula)


E1rmValue = Annotated[float, Field(ge=1, le=MAX_WEIGHT, allow_inf_nan=False, strict=True)] | TestSet
"""An e1RM (at least 1 kg or lb: lighter is a typo, and shares of it overflow) or a test set."""


class _Movement(_Model):
    lift: LiftKey | None = None
    """Key in [e1rm] that a percentage load refers to."""
    load: LoadField | None = None
    """"30%" of the lift's e1RM, "32.5 kg" / "70 lb", or "bodyweight" / "bw"."""
    cadence: float | None = Field(default=None, gt=0, le=200, allow_inf_nan=False, strict=True)
    """Target reps per minute (drives the metronome)."""
    reps: Reps | None = None
    """Target reps for the set."""
    cues: list[Cue] = Field(default_factory=list, max_length=10)
    """Coaching reminders shown during the set."""


class Part(_Movement):
    """One movement of a complex: a station whose timed set is several movements in a row."""

    exercise: Name
    """What the athlete does."""
    work: WorkDuration
    """How long this part lasts."""


class Station(_Movement):
    """One exercise (or a complex of parts) done for `sets` timed sets, each followed by `rest`."""

    exercise: Name
    """The exercise (or the complex's name)."""
    work: WorkDuration | None = None
    """Length of each timed set; with parts, the sum of the parts (may be left out)."""
    rest: Duration = 0
    """Rest after each set of this station."""
    sets: Sets = 1
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

    def movements(self) -> Sequence[Part | Station]:
        """What is done in a set: a complex's parts, or the station itself as its one movement."""
        return self.part or [self]

    def work_s(self, move: Part | Station) -> int:
        """The work of one of its `movements`: a part's own, or the whole set's."""
        return move.work if isinstance(move, Part) else self.set_seconds


class Circuit(_Model):
    """A circuit file: stations done in order, `rounds` times, with timed work and rest."""

    name: Name
    """The circuit's name, 1–60 characters."""
    notes: Notes | None = None
    """Anything the athlete should read before starting."""
    units: Units = "kg"
    """Units for e1RM values and loads: "kg" (the default) or "lb"."""
    increment: float | None = Field(default=None, ge=0.01, le=100, allow_inf_nan=False, strict=True)
    """Loads round to the nearest multiple of this; 2.5 for kg, 5 for lb when left out."""
    prepare: Duration = 10
    """Get-ready countdown before the first set."""
    rounds: Rounds = 1
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
    units: Units
    """Units of the e1RM values and of every percentage load: "kg" or "lb" (required, never guessed)."""
    increment: float | None = Field(default=None, ge=0.01, le=100, allow_inf_nan=False, strict=True)
    """Loads round to the nearest multiple of this; 2.5 for kg, 5 for lb when left out."""
    e1rm: dict[LiftKey, E1rmValue] = Field(default_factory=dict)
    """Estimated 1RM per lift: a number, or a test set { weight, reps, formula }."""


def json_schema(*, profile: bool = False) -> dict[str, Any]:
    """The JSON Schema of a circuit file (or of an athlete profile), for editors with TOML schema support.

    Every file `check` accepts validates against it; it is looser only where a pattern cannot say the
    rule (a duration over 60 minutes written as text, a percentage over 100).
    """
    schema = (Athlete if profile else Circuit).model_json_schema()
    # pydantic describes the [e1rm] table's keys as patternProperties only, which lets any other key
    # through: a lift name that breaks the pattern is refused by `check`, so by the schema too.
    schema["properties"]["e1rm"]["additionalProperties"] = False
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"circuit-timer {'athlete profile' if profile else 'circuit file'}"
    return schema


def resolved_increment(units: str, increment: float | None) -> float:
    """The load increment, defaulting by units."""
    return increment if increment is not None else DEFAULT_INCREMENT[units]
