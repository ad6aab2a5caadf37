"""Loading circuit and athlete files: every load form, and every error a coach can make, in plain words."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import circuit_text
from timer.circuit import Load, load_athlete, load_circuit, parse_load
from timer.errors import InputError

VALID = circuit_text("circuit-valid")


def errors_of(write_toml, text: str) -> list[str]:
    path = write_toml(text)
    with pytest.raises(InputError) as info:
        load_circuit(path)
    lines = str(info.value).splitlines()
    assert all(line.startswith(str(path)) for line in lines), lines
    assert "Traceback" not in str(info.value)
    return [line[len(str(path)) + 2 :] for line in lines]


@pytest.mark.parametrize(
    ("text", "load"),
    [
        ("30%", Load("percent", 30)),
        ("32.5%", Load("percent", 32.5)),
        (" 30 % ", Load("percent", 30)),
        ("32.5 kg", Load("absolute", 32.5, "kg")),
        ("32.5kg", Load("absolute", 32.5, "kg")),
        ("70 lb", Load("absolute", 70, "lb")),
        ("70 LBS", Load("absolute", 70, "lb")),
        ("bodyweight", Load("bodyweight")),
        ("bw", Load("bodyweight")),
        ("BW", Load("bodyweight")),
        ("body weight", Load("bodyweight")),
    ],
)
def test_every_load_form(text: str, load: Load) -> None:
    assert parse_load(text) == load


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("30", "is not a load"),
        ("120%", "outside 0–100%"),
        ("0%", "a load must be more than 0%"),
        ("-5 kg", "negative"),
        ("0 kg", "not a usable weight"),
        ("30 stone", "is not a load"),
        (30, "is not a load"),
    ],
)
def test_bad_loads(text: object, words: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_load(text)
    assert words in str(info.value)


def test_valid_file_loads(write_toml) -> None:
    circuit = load_circuit(write_toml(VALID))
    assert circuit.name == "Test circuit"
    assert circuit.rounds == 2
    assert circuit.station[0].work == 180
    assert circuit.station[1].set_seconds == 180
    assert circuit.station[1].part[1].load == Load("percent", 35)
    assert round(circuit.e1rm["lunge"].e1rm(), 2) == 53.33


def test_example_from_the_issue_error_line(write_toml) -> None:
    text = VALID.replace('work = "3:00"', 'work = "2:75"').replace(
        'exercise = "Quarter squat"', 'exercise = "Split squat"'
    )
    assert errors_of(write_toml, text) == [
        'station 1 "Split squat": work "2:75" is not a duration (use M:SS, like 2:30, or seconds, like 90s)'
    ]


def sub(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            sub('work = "3:00"', 'wrok = "3:00"'),
            'station 1 "Quarter squat": unknown key "wrok" (did you mean "work"?)',
        ),
        (sub("rounds = 2", "rounds = 2\nroudns = 3"), 'unknown key "roudns" (did you mean "rounds"?)'),
        (sub('units = "kg"', 'units = "stone"'), 'units must be "kg" or "lb", not "stone"'),
        (sub("rounds = 2", "rounds = 0"), "rounds must be at least 1, not 0"),
        (sub("rounds = 2", "rounds = 51"), "rounds must be at most 50, not 51"),
        (sub("rounds = 2", 'rounds = "two"'), 'rounds must be a whole number, not "two"'),
        (sub("rounds = 2", "rounds = 2.5"), "rounds must be a whole number, not 2.5"),
        (
            sub('rest = "1:30"', 'rest = "1:30"\nsets = 0'),
            'station 1 "Quarter squat": sets must be at least 1, not 0',
        ),
        (
            sub('rest = "1:30"', 'rest = "1:30"\nsets = 21'),
            'station 1 "Quarter squat": sets must be at most 20, not 21',
        ),
        (
            sub('work = "3:00"', 'work = "61:00"'),
            'station 1 "Quarter squat": work "61:00" is over 60 minutes, the longest a work set or a rest may be',
        ),
        (
            sub('rest = "1:30"', 'rest = "2h"'),
            'station 1 "Quarter squat": rest "2h" is over 60 minutes, the longest a work set or a rest may be',
        ),
        (
            sub('work = "3:00"', "work = 0"),
            'station 1 "Quarter squat": work is 0 s; a timed set needs at least 1 second',
        ),
        (
            sub('work = "3:00"', "work = -30"),
            'station 1 "Quarter squat": work -30 is negative: a duration must be 0 or more seconds',
        ),
        (
            sub('rest = "1:30"', 'rest = "-0:30"'),
            'station 1 "Quarter squat": rest "-0:30" is negative: a duration must be 0 or more seconds',
        ),
        (
            sub('load = "30%"', 'load = "130%"'),
            'station 1 "Quarter squat": load "130%" is outside 0–100% of e1RM',
        ),
        (sub("squat = 100", "squat = 0"), 'e1rm "squat": must be at least 1, not 0'),
        (sub("squat = 100", "squat = -5"), 'e1rm "squat": must be at least 1, not -5'),
        (sub("reps = 10 }", "reps = 13 }"), 'e1rm "lunge": reps must be at most 12, not 13'),
        (
            sub('name = "Test circuit"', 'name = "' + "x" * 61 + '"'),
            "name is 61 characters long; the limit is 60",
        ),
        (
            sub('name = "Test circuit"', 'name = "Bad\\u001b[31mred"'),
            "name contains a control character (U+001B); remove it",
        ),
        (sub('name = "Test circuit"', 'name = "   "'), "name is empty; write a name"),
        (sub('name = "Test circuit"\n', ""), "name is missing; add it"),
        (
            sub('exercise = "Quarter squat"', 'exercise = "Squat\\u202e"'),
            "station 1: exercise contains a control character (U+202E); remove it",
        ),
        (
            sub('work = "3:00"\n', ""),
            'station 1 "Quarter squat": has no work time; add work = "2:00" (or parts)',
        ),
        (
            sub('rest = "1:30"\n  [[station.part]]', 'work = "2:00"\nrest = "1:30"\n  [[station.part]]'),
            'station 2 "Complex": work 120 s does not match its parts, which add up to 180 s; fix one or leave work out',
        ),
        (
            sub('load = "bw"', 'load = "bw"\n  wrk = 3'),
            'station 2 "Complex", part 1 "Step-ups": unknown key "wrk" (did you mean "work"?)',
        ),
        (
            sub('load = "30%"', 'load = "thirty"'),
            'station 1 "Quarter squat": load "thirty" is not a load (write a percentage of e1RM like "30%", a weight like "32.5 kg" or "70 lb", "bodyweight", or "bw + 10 kg")',
        ),
    ],
)
def test_each_mistake_is_one_plain_line(write_toml, text: str, expected: str) -> None:
    assert errors_of(write_toml, text) == [expected]


def test_every_problem_is_reported_at_once(write_toml) -> None:
    text = sub("rounds = 2", "rounds = 0").replace('work = "3:00"', 'work = "2:75"')
    assert len(errors_of(write_toml, text)) == 2


def test_no_stations(write_toml) -> None:
    assert errors_of(write_toml, 'name = "Empty"\n') == ["has no [[station]] tables; add at least one"]
    assert errors_of(write_toml, 'name = "Empty"\nstation = []\n') == ["has no stations"]


def test_at_most_100_stations(write_toml) -> None:
    stations = '[[station]]\nexercise = "Squat"\nwork = 60\n' * 101
    assert errors_of(write_toml, f'name = "Long"\n{stations}') == ["has more than 100 stations"]


def test_syntax_errors_name_the_line(write_toml) -> None:
    text = 'name = "A"\n\n[[station]]\nexercise = "Squat\nwork = 60\n'
    (line,) = errors_of(write_toml, text)
    assert line.startswith("line 4: TOML syntax error:")
    assert "check quotes" in line


def test_not_utf8(write_toml, tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "A"\n[[station]]\nexercise = "Sprünge"\nwork = 60\n'.encode("latin-1"))
    with pytest.raises(InputError) as info:
        load_circuit(path)
    assert str(info.value) == f"{path}: line 3: is not UTF-8 text; save it as UTF-8 in your editor"


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode())
    assert load_circuit(path).name == "Test circuit"


def test_files_over_one_mib_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text(VALID + "#" * (1024 * 1024))
    with pytest.raises(InputError, match="at most 1 MiB"):
        load_circuit(path)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p, "is a folder, not a circuit file"),
        (lambda p: p / "missing.toml", "no such file; check the name and folder"),
        (lambda p: Path("/dev/zero"), "is not a regular file"),
    ],
)
def test_things_that_are_not_files(tmp_path: Path, make, words: str) -> None:
    with pytest.raises(InputError, match=words):
        load_circuit(make(tmp_path))


def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is not a regular file"):
        load_circuit(fifo)


def test_athlete_profile(write_toml) -> None:
    path = write_toml('name = "Ann"\nunits = "lb"\n[e1rm]\nsquat = 250\n', "ann.toml")
    athlete = load_athlete(path)
    assert (athlete.name, athlete.units, athlete.e1rm["squat"]) == ("Ann", "lb", 250)
    bad = write_toml('name = "Ann"\nunit = "lb"\n', "bad.toml")
    with pytest.raises(InputError, match='unknown key "unit" \\(did you mean "units"\\?\\)'):
        load_athlete(bad)


@pytest.mark.parametrize("key", ["cadence = 20", "reps = 30"])
def test_a_complex_takes_cadence_and_reps_on_its_parts(write_toml, key: str) -> None:
    text = sub('exercise = "Complex"\nrest = "1:30"', f'exercise = "Complex"\nrest = "1:30"\n{key}')
    assert errors_of(write_toml, text) == [
        'station 2 "Complex": a station with parts takes cadence and reps on each part, not on the station'
    ]


def test_list_entries_are_named_in_the_singular(write_toml) -> None:
    text = sub('rest = "1:30"', 'rest = "1:30"\ncues = ["ok", "' + "y" * 90 + '"]')
    assert errors_of(write_toml, text) == [
        'station 1 "Quarter squat": cue 2 is 90 characters long; the limit is 80'
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('load = "30%"', 'load = "30% e1RM"'),
        ('load = "30%"', 'load = "30 %"'),
        ('load = "30%"', 'load = "30% of e1RM"'),
        ('work = "3:00"', 'work = "3 min"'),
        ('work = "3:00"', 'work = "3min"'),
        ('work = "3:00"', 'work = "180 sec"'),
        ('work = "3:00"', 'work = "180 s"'),
        ('work = "3:00"', 'work = "2m 60s"'),
        ('work = "3:00"', 'work = "180S"'),
        ('rest = "1:30"', 'rest = "1.5 min"'),
        ('rest = "1:30"', 'rest = "90S"'),
        ('rest = "1:30"', 'rest = "1m 30s"'),
        ('units = "kg"', 'units = "KG"'),
        ('units = "kg"', 'units = "Kg"'),
        ('units = "kg"', 'units = "kgs"'),
        ("rounds = 2", "rounds = 2.0"),
        ("reps = 10 }", "reps = 10.0 }"),
        ("reps = 10 }", 'reps = 10, formula = "epley" }'),
        ("reps = 10 }", 'reps = 10, formula = "Epley" }'),
    ],
)
def test_spellings_coaches_write_mean_the_same(write_toml, old: str, new: str) -> None:
    assert load_circuit(write_toml(sub(old, new))) == load_circuit(write_toml(VALID))


@pytest.mark.parametrize(
    ("spelling", "units"), [("lbs", "lb"), ("LB", "lb"), ("Lbs", "lb"), ("lb", "lb"), ("KG", "kg")]
)
def test_units_in_any_case(write_toml, spelling: str, units: str) -> None:
    assert load_circuit(write_toml(sub('units = "kg"', f'units = "{spelling}"'))).units == units


@pytest.mark.parametrize("spelling", ["oconnor", "o'connor", "O'Conner", "OCONNER", "o-conner"])
def test_oconner_however_it_is_spelled(write_toml, spelling: str) -> None:
    circuit = load_circuit(write_toml(sub("reps = 10 }", f'reps = 10, formula = "{spelling}" }}')))
    assert circuit.e1rm["lunge"].formula == "oconner"
    assert circuit.e1rm["lunge"].e1rm() == 50.0  # 40 × (1 + 0.025 × 10)


def test_whole_floats_count_as_whole_numbers(write_toml) -> None:
    text = sub('rest = "1:30"', 'rest = "1:30"\nsets = 3.0\ncadence = 20\nreps = 60.0')
    station = load_circuit(write_toml(text)).station[0]
    assert (station.sets, station.reps) == (3, 60)
    assert isinstance(station.sets, int) and isinstance(station.reps, int)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            sub('load = "30%"', 'load = "32,5 kg"'),
            'station 1 "Quarter squat": load "32,5 kg" has a comma; use a dot for decimals, like "32.5 kg"',
        ),
        (
            sub('load = "30%"', 'load = "0%"'),
            'station 1 "Quarter squat": load "0%" is 0%; a load must be more than 0% of e1RM',
        ),
        (
            sub('work = "3:00"', 'work = "2:75"'),
            'station 1 "Quarter squat": work "2:75" is not a duration (use M:SS, like 2:30, or seconds, like 90s)',
        ),
        (
            sub('work = "3:00"', 'work = "2.51 min"'),
            'station 1 "Quarter squat": work "2.51 min" is 150.6 s; a duration is whole seconds (use M:SS, like 2:30, or seconds, like 90s)',
        ),
        (
            sub('work = "3:00"', 'work = "0 min"'),
            'station 1 "Quarter squat": work is 0 s; a timed set needs at least 1 second',
        ),
        (
            sub('work = "1:30"\n  [[station.part]]', 'work = "0s"\n  [[station.part]]'),
            'station 2 "Complex", part 1 "Step-ups": work is 0 s; a timed set needs at least 1 second',
        ),
        (
            sub('name = "Test circuit"', "name = \u201cTest circuit\u201d"),
            'line 1: uses curly quotes (\u201c \u201d or \u2018 \u2019); write straight quotes ("...") instead',
        ),
        (
            sub('name = "Test circuit"', 'name = "Test\\tcircuit"'),
            "name contains a tab; remove it (names and cues are one line of text)",
        ),
        (
            sub('work = "3:00"', 'work = "3:00"\nwork = "2:00"'),
            'line 14: key "work" is given twice; keep one of them',
        ),
        (
            VALID.replace("[[station]]", "[station]", 2),
            "line 16: [station] is written twice; use [[station]] (double brackets) for a list of them",
        ),
        (sub('units = "kg"', 'units = "stones"'), 'units must be "kg" or "lb", not "stones"'),
        (
            sub("reps = 10 }", 'reps = 10, formula = "magic" }'),
            'e1rm "lunge": formula must be one of epley, brzycki, lander, lombardi, mayhew, oconner, wathan, not "magic"',
        ),
        (sub("rounds = 2", "rounds = 2.5"), "rounds must be a whole number, not 2.5"),
        (sub("squat = 100", "squat = 0.5"), 'e1rm "squat": must be at least 1, not 0.5'),
        (sub("{ weight = 40,", "{ weight = 0.5,"), 'e1rm "lunge": weight must be at least 1, not 0.5'),
    ],
)
def test_slips_are_refused_with_the_exact_problem(write_toml, text: str, expected: str) -> None:
    assert errors_of(write_toml, text) == [expected]


def test_a_profile_needs_its_units(write_toml) -> None:
    path = write_toml('name = "Cy"\n[e1rm]\nquarter_squat = 225\n', "cy.toml")
    with pytest.raises(InputError) as info:
        load_athlete(path)
    assert (
        str(info.value)
        == f'{path}: units is missing; add units = "kg" or "lb" (the units of this athlete\'s e1RM values)'
    )


def test_a_circuit_given_as_a_profile_and_the_other_way_round(write_toml) -> None:
    circuit = write_toml(VALID)
    profile = write_toml('name = "Ann"\nunits = "lb"\n[e1rm]\nsquat = 250\n', "ann.toml")
    with pytest.raises(
        InputError, match="is a circuit file, not an athlete profile; --athlete takes a profile"
    ):
        load_athlete(circuit)
    with pytest.raises(
        InputError, match="is an athlete profile, not a circuit; give it with --athlete PROFILE"
    ):
        load_circuit(profile)
