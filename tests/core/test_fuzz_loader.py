"""The loader only ever returns a circuit or a clean error, whatever bytes it is given."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timer.circuit import Circuit, load_circuit
from timer.errors import InputError
from timer.plan import build_plan
from timer.resources import bundled_circuits

KEYS = [
    "name",
    "notes",
    "units",
    "increment",
    "prepare",
    "rounds",
    "round_rest",
    "e1rm",
    "station",
    "exercise",
    "lift",
    "load",
    "work",
    "rest",
    "sets",
    "cadence",
    "cues",
    "part",
    "reps",
    "weight",
    "formula",
    "wrok",
]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.text(max_size=80),
    st.sampled_from(["3:00", "2:75", "90s", "30%", "32.5 kg", "bw", "kg", "lb", "epley", "-1", "0", "1h"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=6),
    ),
    max_leaves=30,
)
documents = st.dictionaries(st.sampled_from(KEYS) | st.text(min_size=1, max_size=10), values, max_size=10)


def load_bytes(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.toml"
        path.write_bytes(raw)
        try:
            circuit = load_circuit(path)
        except InputError as exc:
            message = str(exc)
            assert message and "Traceback" not in message
            assert all(line.startswith(str(path)) for line in message.splitlines())
            return
        assert isinstance(circuit, Circuit)
        try:
            build_plan(circuit, label=str(path))
        except InputError as exc:
            assert str(exc).startswith(str(path))


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes(raw: bytes) -> None:
    load_bytes(raw)


@SETTINGS
@given(documents)
def test_random_toml_documents(doc: dict[str, Any]) -> None:
    text = "\n".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in doc.items())
    load_bytes(text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(
    st.sampled_from([p.read_text(encoding="utf-8") for p in bundled_circuits()]),
    st.lists(
        st.tuples(st.integers(0, 3000), st.integers(0, 40), st.text(max_size=12)), min_size=1, max_size=4
    ),
)
def test_mutated_valid_files(text: str, edits: list[tuple[int, int, str]]) -> None:
    for start, length, insert in edits:
        start %= len(text) + 1
        text = text[:start] + insert + text[start + length :]
    load_bytes(text.encode("utf-8", "surrogatepass"))


def test_deep_nesting_is_a_clean_error() -> None:
    load_bytes(b"name = " + b"[" * 100_000 + b"]" * 100_000)
    load_bytes(b"x = " + b"{a = " * 50_000 + b"1" + b"}" * 50_000)
