"""The records of the rep log as typed structs, and one line decoded and validated in a single pass.

Each record type of docs/log-format.md is a `msgspec.Struct`; msgspec decodes a line straight into the
struct of its `type` and checks every field's kind and range on the way (about 1 µs a line, against ~20 µs
for `json` plus hand-written checks). A line it refuses takes the slow path, which says *why* in the
reader's words (damaged, another program's, a newer version, an unknown type, a bad value) and accepts the
few records the fast path cannot: text with a lone surrogate (`"\\ud800"`, which JSON can spell but UTF-8
cannot hold), written by our own writer for a name that was not valid UTF-8. No Textual, no pydantic.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

import msgspec

from timer.replog.lines import FORMAT_VERSION, MAX_NUMBER

Number = (
    Annotated[int, msgspec.Meta(ge=-int(MAX_NUMBER), le=int(MAX_NUMBER))]
    | Annotated[float, msgspec.Meta(ge=-MAX_NUMBER, le=MAX_NUMBER)]
)
"""A JSON number within ±1e9 (ints stay ints, as `json` gives them); never `true`, NaN, Infinity or 1e308."""
Whole = Annotated[int, msgspec.Meta(ge=-int(MAX_NUMBER), le=int(MAX_NUMBER))]
"""A whole JSON number within ±1e9 (`5.0` is not one: the writer never writes it)."""


class Record(msgspec.Struct, tag_field="type", frozen=True, gc=False, kw_only=True):
    """The fields every record has. Unknown fields are ignored (a later minor version may add some)."""

    v: Literal[1]
    session: str
    t: Number
    at: Any = None
    """The wall-clock time; any value is accepted (a bad one is an unknown date, the record is kept)."""


class Start(Record, tag="session_start", frozen=True, gc=False):
    circuit: str | None = None
    circuit_path: str | None = None
    circuit_sha256: str | None = None
    athlete: str | None = None
    planned_s: Number | None = None
    sets: Whole | None = None
    program: str | None = None
    """A program's session: the program's name and the session's number in it (docs/log-format.md)."""
    program_session: Whole | None = None


class Resumed(Start, tag="session_resume", frozen=True, gc=False):
    """`session_resume`: the start fields again, plus where it resumed (not needed by the reader)."""


class Place(Record, frozen=True, gc=False):
    """A record naming a set's place in the timeline."""

    round: Whole
    station: Whole
    set: Whole
    part: Whole | None = None


class SetRecord(Place, tag="set", frozen=True, gc=False):
    exercise: str | None = None
    station_name: str | None = None
    load: Number | None = None
    unit: str | None = None
    pct_e1rm: Number | None = None
    target_s: Number | None = None
    started_t: Number | None = None
    ended_t: Number | None = None
    reps: Whole | None = None
    target_reps: Whole | None = None
    ended_by: str | None = None
    counted: bool | None = None
    """Whether `reps` was tapped or typed; absent in logs written before it (then: reps is not null)."""
    active_s: Number | None = None
    """Work seconds without pauses; absent in older logs (then: the whole span)."""
    paused_s: Number | None = None
    parts: Whole | None = None
    """How many parts the set has (0 for a plain station); absent in older logs."""


class SetUpdate(Place, tag="set_update", frozen=True, gc=False):
    reps: Whole | None = None


class Rep(Record, tag="rep", frozen=True, gc=False):
    n: Whole | None = None
    """The set's tally after the tap; checked in every reading (the old prefix shortcut never looked)."""


class Pause(Record, tag="pause", frozen=True, gc=False):
    pass


class Resume(Record, tag="resume", frozen=True, gc=False):
    pass


class Skip(Record, tag="skip", frozen=True, gc=False):
    """Its place fields are not needed by the reader and so not checked (as before)."""


class Back(Record, tag="back", frozen=True, gc=False):
    pass


class End(Record, tag="session_end", frozen=True, gc=False):
    status: Literal["completed", "aborted"]
    total_s: Number | None = None
    total_reps: Whole | None = None
    paused_s: Number | None = None


class Extend(Record, tag="extend", frozen=True, gc=False):
    """A rest lengthened with `+`: counted, its fields not needed by the reader (not checked)."""


class SessionRpe(Record, tag="session_rpe", frozen=True, gc=False):
    """How hard the session was (CR-10) and Foster's load, RPE × minutes."""

    rpe: Annotated[int, msgspec.Meta(ge=0, le=10)]
    minutes: Number | None = None
    load: Number | None = None


AnyRecord = (
    Start | Resumed | SetRecord | SetUpdate | Rep | Pause | Resume | Skip | Back | End | Extend | SessionRpe
)
TYPES: dict[str, type[AnyRecord]] = {
    cls.__struct_config__.tag: cls  # type: ignore[misc]
    for cls in (Start, Resumed, SetRecord, SetUpdate, Rep, Pause, Resume, Skip, Back, End, Extend, SessionRpe)
}

_fast = msgspec.json.Decoder(AnyRecord).decode
_slow = json.JSONDecoder().decode

Kind = str
"""Why a line is not a record: "garbage", "foreign", "newer", "values", or "type:<name>"."""


def decode(line: bytes) -> AnyRecord | Kind:
    """One line as a checked record, or why it is not one. Never raises for any bytes, any depth."""
    try:
        return _fast(line)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, MemoryError):
        return _explain(line)


def _explain(line: bytes) -> AnyRecord | Kind:
    """The slow path for a line the fast one refused: what kind of trouble it is (or a record after all)."""
    try:
        raw = _slow(line.decode("utf-8"))
    except (ValueError, RecursionError, MemoryError):  # UnicodeDecodeError is a ValueError
        return "garbage"
    if (
        type(raw) is not dict
        or type(raw.get("v")) is not int
        or type(raw.get("type")) is not str
        or type(raw.get("session")) is not str
    ):
        return "foreign"
    if raw["v"] != FORMAT_VERSION:
        return "newer" if raw["v"] > FORMAT_VERSION else "foreign"
    cls = TYPES.get(raw["type"])
    if cls is None:
        return f"type:{raw['type'][:40]}"
    # Lone surrogates cannot be printed or written as UTF-8: replaced, as the old reader did.
    fixed = {
        k: _text(v) if type(v) is str and k != "session" and not v.isascii() else v for k, v in raw.items()
    }
    try:
        return msgspec.convert(fixed, cls)
    except (msgspec.ValidationError, RecursionError):
        return "values"


def _text(value: str) -> str:
    return value if value.isascii() else value.encode("utf-8", "replace").decode("utf-8")
