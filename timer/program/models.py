"""Program files as pydantic models: a block of phases, each a number of weeks of circuits with per-week
adjustments a coach writes once (load, work time, rounds, sets, deload weeks).

The text checks, durations and e1RM values are the circuit format's own, so a coach meets the same rules and
the same messages. No Textual here.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, PlainValidator, WithJsonSchema, model_validator

from timer.circuit.models import (
    MAX_PHASE_S,
    E1rmValue,
    LiftKey,
    Name,
    Notes,
    Units,
    _duration,
    _Model,
    _show,
)

MAX_PHASES = 20
MAX_WEEKS_PER_PHASE = 52
MAX_WEEKS = 156
"""Three years of weeks: longer than any block a coach plans, small enough to check at once."""
MAX_SESSIONS_PER_WEEK = 14
"""Verkhoshansky's variant calls for 8–14 sessions a week."""
MAX_PATH = 200


def _signed_duration(value: object) -> int:
    """Whole seconds, which may be negative (`"-15s"`, `-15`): a week that shortens every work set."""
    try:
        if isinstance(value, str) and value.strip().startswith("-"):
            return -_duration(value.strip()[1:])
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            return -_duration(-value)
        return _duration(value)
    except ValueError as exc:
        if "over 60 minutes" in str(exc):
            raise ValueError(
                f"{_show(value)} is over 60 minutes, more than any work set may change"
            ) from None
        raise ValueError(
            f"{_show(value)} is not a duration (use M:SS, like 0:30, or seconds, like 15s; "
            'a minus sign shortens, like "-15s")'
        ) from None


def _circuit_path(value: object) -> str:
    """A circuit file named relative to the program: text, one line, not empty, not absurdly long."""
    if not isinstance(value, str):
        raise ValueError(f'must be a file name in quotes like "se.toml", not {_show(value)}')
    if not value.strip():
        raise ValueError("is empty; name a circuit file")
    if not value.isprintable():
        raise ValueError(f"{_show(value)} contains a control character; remove it")
    if len(value) > MAX_PATH:
        raise ValueError(f"is {len(value)} characters long; a file name may be at most {MAX_PATH}")
    return value


SignedDuration = Annotated[
    int,
    PlainValidator(_signed_duration),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^-?(\d+:[0-5]\d(:[0-5]\d)?|(\d+h)?(\d+m)?(\d+s)?|\d+)$"},
                {"type": "integer", "minimum": -MAX_PHASE_S, "maximum": MAX_PHASE_S},
            ],
            "examples": ["15s", "-15s", "0:30", 30],
        }
    ),
]
"""Whole seconds, written like a circuit's durations, with an optional minus sign."""
CircuitPath = Annotated[
    str,
    PlainValidator(_circuit_path),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_PATH, "examples": ["se.toml"]}),
]
LoadAdd = Annotated[float, Field(ge=-100, le=100, allow_inf_nan=False, strict=True)]
Rounds = Annotated[int, Field(ge=1, le=50, strict=True)]
Sets = Annotated[int, Field(ge=1, le=20, strict=True)]


class ProgramPhase(_Model):
    """A phase of the block: `weeks` weeks, each doing `sessions` in order, adjusted week by week."""

    name: Name
    """Free text, 1–60 characters (the method's phase names are suggestions)."""
    weeks: int = Field(ge=1, le=MAX_WEEKS_PER_PHASE, strict=True)
    """How many weeks the phase lasts (1–52)."""
    sessions: list[CircuitPath] = Field(min_length=1, max_length=MAX_SESSIONS_PER_WEEK)
    """Circuit files (paths relative to the program file), done in this order each week; 1–14."""
    load_add: LoadAdd | list[LoadAdd] = 0.0
    """Percentage points of e1RM added to every % load: one number for every week, or one per week."""
    work_add: SignedDuration | list[SignedDuration] = 0
    """Added to every work phase (each part of a complex): one duration for every week, or one per week."""
    rounds: Rounds | list[Rounds] | None = None
    """Overrides each circuit's rounds: one number for every week, or one per week."""
    sets: Sets | list[Sets] | None = None
    """Overrides every station's sets: one number for every week, or one per week."""
    deload: list[Annotated[int, Field(ge=1, le=MAX_WEEKS_PER_PHASE, strict=True)]] = Field(
        default_factory=list, max_length=MAX_WEEKS_PER_PHASE
    )
    """Weeks of this phase (1 = its first week) marked as deload: shown and logged, no other effect."""

    @model_validator(mode="after")
    def _per_week_lengths(self) -> ProgramPhase:
        for key in ("load_add", "work_add", "rounds", "sets"):
            value = getattr(self, key)
            if isinstance(value, list) and len(value) != self.weeks:
                raise ValueError(
                    f"{key} has {len(value)} value{'s' if len(value) != 1 else ''} but the phase has "
                    f"{self.weeks} week{'s' if self.weeks != 1 else ''}; give one value "
                    f"per week, or a single value for every week"
                )
        late = [w for w in self.deload if w > self.weeks]
        if late:
            raise ValueError(
                f"deload names week {late[0]} but the phase has {self.weeks} weeks (weeks count from 1 "
                "within the phase)"
            )
        return self

    def week_value(self, key: str, week: int) -> Any:
        """The value of a per-week key for `week` (1-based, within the phase)."""
        value = getattr(self, key)
        return value[week - 1] if isinstance(value, list) else value


class Program(_Model):
    """A program file: a training block of phases over weeks, each week a list of circuits."""

    name: Name
    """The program's name, 1–60 characters."""
    notes: Notes | None = None
    """Anything the athletes should know about the block."""
    units: Units | None = None
    """Units of the [e1rm] values below and of every load shown; each circuit's own when left out."""
    e1rm: dict[LiftKey, E1rmValue] = Field(default_factory=dict)
    """Estimated 1RM per lift for the whole block: an athlete profile overrides these, and these override
    each circuit's."""
    phase: list[ProgramPhase] = Field(min_length=1, max_length=MAX_PHASES)
    """The phases, in order (1–20)."""

    @model_validator(mode="after")
    def _total_weeks(self) -> Program:
        total = sum(p.weeks for p in self.phase)
        if total > MAX_WEEKS:
            raise ValueError(f"the phases add up to {total} weeks; a program may hold at most {MAX_WEEKS}")
        return self

    @property
    def weeks(self) -> int:
        return sum(p.weeks for p in self.phase)


def program_json_schema() -> dict[str, Any]:
    """The JSON Schema of a program file, for editors with TOML schema support."""
    schema = Program.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "circuit-timer program file"
    return schema


def looks_like_program(data: dict[str, Any]) -> bool:
    """A TOML table written as a program (phases, no stations) rather than a circuit."""
    return "phase" in data and "station" not in data
