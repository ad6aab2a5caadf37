"""Circuit and athlete files: pydantic models, safe reading, and error messages a coach understands.

Nothing here imports Textual: the command-line checks and the live app share this module.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from timer import e1rm
from timer.durations import parse_duration
from timer.errors import InputError, Problem

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
# A dotted key of thousands of parts (`a.a.a...`, or a `[a.a.a...]` header) takes tomllib quadratic time:
# 150 000 parts fit in 1 MiB and take minutes. Refuse such a chain before parsing. (The pattern only starts
# at a word boundary and never backtracks, so the scan itself is linear.)
_KEY_PART = r"""(?:[A-Za-z0-9_-]++|"[^"\n]*+"|'[^'\n]*+')"""
_DOTTED_CHAIN = re.compile(rf"(?<![A-Za-z0-9_-])(?:{_KEY_PART}[ \t]*+\.[ \t]*+){{200}}")
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
    text = _printable(repr(value) if not isinstance(value, str) else f'"{value}"')
    return text if len(text) <= 40 else text[:37] + "..."


def _printable(text: str) -> str:
    """Escape what a terminal would act on or hide (control, format and separator characters)."""
    return "".join(ch if ch.isprintable() or ch == " " else f"\\u{ord(ch):04x}" for ch in text)


printable = _printable
"""Public name for `_printable`: file names and values from files, safe to print on one line."""


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


# --- reading files -------------------------------------------------------------------------------------


def read_toml(path: Path | str) -> dict[str, Any]:
    """Read a TOML file safely: regular files only, at most 1 MiB, UTF-8; InputError otherwise."""
    path = Path(path)
    label = _printable(str(path))  # a file name can hold a newline or an escape sequence

    def fail(message: str, where: str = "") -> InputError:
        return InputError([Problem(label, where, message)])

    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise fail("no such file; check the name and folder") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise fail("is a folder, not a circuit file")
    if not stat.S_ISREG(info.st_mode):
        raise fail("is not a regular file (a device or a pipe?); give a .toml file")
    if info.st_size > MAX_FILE_BYTES:
        raise fail(f"is {info.st_size / 1024 / 1024:.1f} MiB; a circuit file may be at most 1 MiB")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail("is larger than 1 MiB; a circuit file may be at most 1 MiB")
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark from Windows editors is harmless
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail("is not UTF-8 text; save it as UTF-8 in your editor", f"line {line}") from None
    if _DOTTED_CHAIN.search(text):
        raise fail("is nested too deeply to be a circuit file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        where = f"line {match.group(1)}" if match else ""
        detail = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        detail = detail[0].lower() + detail[1:] if detail else "syntax error"
        raise fail(f"TOML syntax error: {detail} (check quotes, = signs and [brackets])", where) from None
    except RecursionError:
        raise fail("is nested too deeply to be a circuit file") from None
    except ValueError:  # an integer of more than 4300 digits: Python refuses to convert it
        raise fail("holds a number too long to read (thousands of digits); no value needs so many") from None
    if _depth(data) > MAX_DEPTH:
        raise fail("is nested too deeply to be a circuit file")
    return data


def _depth(data: Any) -> int:
    """How deep tables and lists nest (1 for a flat table), found without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def load_circuit(path: Path | str) -> Circuit:
    """Read and validate a circuit file; InputError with every problem found."""
    data = read_toml(path)
    return _validate(Circuit, data, _printable(str(path)))


def load_athlete(path: Path | str) -> Athlete:
    """Read and validate an athlete profile; InputError with every problem found."""
    data = read_toml(path)
    return _validate(Athlete, data, _printable(str(path)))


def _validate(model: type[_Model], data: dict[str, Any], label: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # pydantic reports each failed branch of a union; one line per place (and per unknown key) is enough
        # for a person. A hostile 1 MiB file can hold tens of thousands of mistakes: the first few are plenty.
        seen: set[tuple[str, str]] = set()
        unique: list[Problem] = []
        for err in exc.errors(include_url=False):
            if _wrong_union_branch(err):
                continue
            if len(unique) == MAX_PROBLEMS:
                unique.append(Problem(label, "", "there may be more problems; fix these and check again"))
                break
            p = _problem(model, data, err, label)
            word = p.message.split(" ")[0]
            key = (p.where, p.message if word == "unknown" else word)
            if key not in seen:
                seen.add(key)
                unique.append(p)
        raise InputError(unique) from None


# --- turning pydantic's errors into sentences --------------------------------------------------------


def _wrong_union_branch(err: dict[str, Any]) -> bool:
    """An e1RM value is a number or a test-set table; keep only the errors of the branch the coach meant."""
    loc = err["loc"]
    if len(loc) < 3 or loc[0] != "e1rm":
        return False
    is_table = isinstance(err.get("input"), dict) or len(loc) > 3
    return (loc[2] == "TestSet") != is_table


def _fields(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def _problem(model: type[_Model], data: Any, err: dict[str, Any], label: str) -> Problem:
    loc = list(err["loc"])
    where: list[str] = []
    node: Any = data
    current: type[BaseModel] | None = model
    key = ""
    i = 0
    while i < len(loc):
        item = loc[i]
        if item in ("station", "part") and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            index = loc[i + 1]
            try:
                entry = node[item][index]
            except (KeyError, IndexError, TypeError):
                entry = None
            name = entry.get("exercise") if isinstance(entry, dict) else None
            nameable = isinstance(name, str) and len(name) <= MAX_NAME and name.isprintable()
            shown = f' "{name}"' if nameable else ""
            where.append(f"{item} {index + 1}{shown}")
            node = entry
            current = Station if item == "station" else Part
            key = ""
            i += 2
            continue
        if item == "e1rm" and i + 1 < len(loc):
            where.append(f'e1rm "{_short(_printable(str(loc[i + 1])))}"')
            node, current, key = None, TestSet, ""
            i += 2
            # skip the union branch names pydantic adds ("float", "TestSet")
            while i < len(loc) and loc[i] in ("float", "TestSet", "constrained-float", "[key]"):
                i += 1
            continue
        if isinstance(item, int):
            # `cues 2` reads as "cue 2" to a person
            key = f"{key.removesuffix('s')} {item + 1}" if key else str(item + 1)
        else:
            key = str(item)
            node = node.get(item) if isinstance(node, dict) else None
        i += 1
    place = ", ".join(where)
    # Every value echoed back was shortened and escaped on its way in; escaping the whole sentence again
    # is the safety net that keeps any message on one line and free of escape sequences.
    return Problem(label, place, _printable(_sentence(err, key, current)))


def _sentence(err: dict[str, Any], key: str, model: type[BaseModel] | None) -> str:
    return _describe(err, key, model).strip()


def _describe(err: dict[str, Any], key: str, model: type[BaseModel] | None) -> str:
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    key = _short(_printable(key))
    name = key.split(" ")[0] if key else ""
    if kind == "extra_forbidden":
        known = _fields(model) if model else []
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f' (did you mean "{close[0]}"?)' if close else f" (known keys: {', '.join(known)})"
        return f'unknown key "{name}"{hint}'
    if kind == "missing":
        if name == "station":
            return "has no [[station]] tables; add at least one"
        return f"{name} is missing; add it" if name else "something required is missing"
    if kind == "value_error":
        message = str(ctx.get("error", err["msg"]))
        return f"{key} {message}" if key else message
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{key} must be a whole number, not {_show(value)}"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return f"{key} must be a number, not {_show(value)}"
    if kind in ("string_type",):
        return f"{key} must be text in quotes, not {_show(value)}"
    if kind == "list_type" and name in ("station", "part"):
        return f"{name} must be written as [[{'station' if name == 'station' else 'station.part'}]] tables"
    if kind in ("list_type",):
        return f"{key} must be a list like [\"...\", \"...\"], not {_show(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{key or 'this'} must be a table of keys and values, not {_show(value)}"
    if kind == "literal_error":
        return f"{key} must be one of {ctx.get('expected')}, not {_show(value)}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        limit = f"{next(iter(ctx.values())):g}"
        words = {
            "greater_than": "more than",
            "greater_than_equal": "at least",
            "less_than": "less than",
            "less_than_equal": "at most",
        }[kind]
        return f"{key} must be {words} {limit}, not {_show(value)}"
    if kind in ("too_short", "too_long"):
        if name == "station":
            return "has no stations" if kind == "too_short" else f"has more than {MAX_STATIONS} stations"
        return f"{key} has too {'few' if kind == 'too_short' else 'many'} entries"
    if kind == "string_pattern_mismatch":
        return f"{key} {_show(value)} must use only letters, digits, _ and - (like quarter_squat)"
    return f"{key}: {err['msg']}" if key else err["msg"]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a circuit file, for editors with TOML schema support."""
    schema = Circuit.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "circuit-timer circuit file"
    return schema


def resolved_increment(units: str, increment: float | None) -> float:
    """The load increment, defaulting by units."""
    return increment if increment is not None else DEFAULT_INCREMENT[units]
