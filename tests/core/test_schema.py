"""The JSON Schema agrees with `check`: every file `check` accepts validates against `circuit-timer schema`
(or `schema --profile`, `schema --program`), and the schema refuses the mistakes it can see
(tests/corpus/good and bad).

A standard validator (`jsonschema`) reads the TOML as an editor plugin would.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from timer.circuit import is_profile, parse_load
from timer.cli import main
from timer.durations import parse_duration
from timer.program import looks_like_program
from timer.resources import bundled_circuits

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
GOOD = sorted((CORPUS / "good").glob("*.toml"))
BAD = sorted((CORPUS / "bad").glob("*.toml"))


def schema_errors(data: dict, *, profile: bool, program: bool = False) -> list[str]:
    """What a standard validator says about `data`, using the schema the command prints."""
    out = _printed_schema("--program" if program else "--profile" if profile else "")
    validator = jsonschema.Draft202012Validator(out, format_checker=jsonschema.FormatChecker())
    return [e.message for e in validator.iter_errors(data)]


_SCHEMAS: dict[str, dict] = {}


def _printed_schema(flag: str) -> dict:
    if flag not in _SCHEMAS:
        import contextlib
        import io

        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            assert main(["schema", *([flag] if flag else [])]) == 0
        _SCHEMAS[flag] = json.loads(buffer.getvalue())
        jsonschema.Draft202012Validator.check_schema(_SCHEMAS[flag])
    return _SCHEMAS[flag]


def test_the_corpus_is_there() -> None:
    assert len(GOOD) >= 10 and len(BAD) >= 25


PROGRAMS = sorted((CORPUS.parent / "programs").glob("block.toml"))


@pytest.mark.parametrize("path", [*GOOD, *bundled_circuits(), *PROGRAMS], ids=lambda p: p.name)
def test_every_file_check_accepts_validates(path: Path, capsys) -> None:
    assert main(["check", str(path)]) == 0, capsys.readouterr().err
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    program = looks_like_program(data)
    assert schema_errors(data, profile=is_profile(data) and not program, program=program) == []


@pytest.mark.parametrize(
    "change",
    [
        ("weeks = 3", "weeks = 0"),
        ("load_add = [0, 2.5, 5]", "load_add = [0, 2.5, 500]"),
        ('work_add = ["0s", "15s", "30s"]', 'work_add = ["0s", "15s", "x"]'),
        ('name = "Conversion"', 'name = "Conversion"\nwokr_add = 5'),
    ],
)
def test_the_program_schema_refuses_what_check_refuses(
    change: tuple[str, str], tmp_path: Path, capsys
) -> None:
    text = (CORPUS.parent / "programs" / "block.toml").read_text(encoding="utf-8")
    assert change[0] in text
    path = tmp_path / "block.toml"
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    assert main(["check", str(path)]) == 1
    assert schema_errors(tomllib.loads(path.read_text()), profile=False, program=True) != []


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_the_schema_refuses_what_check_refuses(path: Path, capsys) -> None:
    assert main(["check", str(path)]) == 1
    assert capsys.readouterr().err.startswith(str(path))
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert schema_errors(data, profile=is_profile(data)) != []


DURATIONS = [
    "3:00", "0:10", "1:05:00", "90s", "2m", "2m30s", "1h5m", "150", "3 min", "3min", "150 sec", "150 s",
    "2m 30s", "2 min 30 sec", "90S", "2.5 min", "1.5h", "1 hour", " 2m ",
    "2:75", "2:5", "1:60:00", "abc", "", " ", "2x", "-30", "1 50", "min", "3 mins 2", "2.51 min", "1.5s",
]  # fmt: skip


def with_work(work: object) -> dict:
    return {"name": "T", "station": [{"exercise": "A", "load": "bw", "work": work}]}


@pytest.mark.parametrize("text", DURATIONS)
def test_durations_the_parser_accepts_the_schema_accepts(text: str) -> None:
    try:
        accepted = parse_duration(text) > 0
    except ValueError:
        accepted = False
    errors = schema_errors(with_work(text), profile=False)
    if accepted:
        assert errors == []
    elif text.strip() in ("", "2:75", "abc", "2x", "-30", "1 50", "min", "3 mins 2", "2:5", "1:60:00"):
        assert errors, f"the schema lets {text!r} through"  # what a pattern can see is refused too


LOADS = [
    "30%", "30 %", "30% e1RM", "30 % E1RM", "30% of e1RM", "32.5 kg", "32.5kg", "70 lb", "70 LBS", "16 KG",
    "bodyweight", "bw", "BW", "body weight", "bw + 10 kg", "BW+10kg", "bodyweight + 25 lb",
    "thirty", "30", "30 stone", "32,5 kg", "-5 kg", "bw + -5 kg", "bw +", "kg",
]  # fmt: skip


@pytest.mark.parametrize("text", LOADS)
def test_every_load_form_agrees_with_the_schema(text: str) -> None:
    try:
        parse_load(text)
        accepted = True
    except ValueError:
        accepted = False
    errors = schema_errors(
        {"name": "T", "station": [{"exercise": "A", "load": text, "work": 60}]}, profile=False
    )
    assert (errors == []) == accepted, errors


@pytest.mark.parametrize(
    ("where", "data"),
    [
        ("top", {"wrok": 1}),
        ("station", {"station": [{"exercise": "A", "work": 60, "wrok": 1}]}),
        ("part", {"station": [{"exercise": "A", "part": [{"exercise": "B", "work": 60, "wrk": 1}]}]}),
        ("test set", {"e1rm": {"squat": {"weight": 100, "reps": 5, "formual": "epley"}}}),
        ("lift name", {"e1rm": {"squat day": 100}}),
    ],
)
def test_unknown_keys_are_refused_at_every_level(where: str, data: dict) -> None:
    circuit = {"name": "T", "station": [{"exercise": "A", "work": 60}]} | data
    assert schema_errors(circuit, profile=False), where


def test_the_profile_schema() -> None:
    good = {"name": "Ann", "units": "lb", "e1rm": {"squat": 250, "lunge": {"weight": 90, "reps": 8}}}
    assert schema_errors(good, profile=True) == []
    assert schema_errors({"name": "Ann", "e1rm": {"squat": 250}}, profile=True)  # units are required
    assert schema_errors({"name": "Ann", "units": "lb", "e1rm": {"squat": 0.5}}, profile=True)
    assert _printed_schema("--profile")["title"] == "circuit-timer athlete profile"
