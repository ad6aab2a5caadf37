"""The commands a coach runs: check, plan, e1rm, schema; exit codes and messages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import circuit_text
from timer.cli import main
from timer.resources import bundled_circuits
from timer.text import text_width

GOOD = circuit_text("good")


def test_check_ok_line_and_exit_0(write_toml, capsys) -> None:
    path = write_toml(GOOD)
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr()
    assert out.out == "OK Good: 1 round × 1 station, total 7:40\n"
    assert out.err == ""


def test_check_prints_warnings_and_still_exits_0(write_toml, capsys) -> None:
    path = write_toml(GOOD.replace('"30%"', '"70%"'))
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("OK Good")
    assert (
        out[1]
        == f'  warning: {path}: station 1 "Squat": 70% e1RM for 3:00 is outside the strength-endurance ranges: '
        "20–40% for 2–4 min, or Verkhoshansky's 40–60% for 80–150 s"
    )


def test_check_exits_1_when_any_file_is_invalid(write_toml, capsys) -> None:
    good = write_toml(GOOD, "good.toml")
    bad = write_toml(GOOD.replace("work", "wrok"), "bad.toml")
    assert main(["check", str(good), str(bad)]) == 1
    out = capsys.readouterr()
    assert out.out.startswith("OK Good")
    assert out.err == f'{bad}: station 1 "Squat": unknown key "wrok" (did you mean "work"?)\n'


@pytest.mark.parametrize("argv", [["check"], ["nonsense"], ["e1rm", "100"], ["e1rm", "abc", "5"], ["plan"]])
def test_usage_errors_exit_2(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_every_bundled_circuit_passes_check(capsys) -> None:
    files = bundled_circuits()
    assert len(files) >= 3
    assert main(["check", *map(str, files)]) == 0
    out = capsys.readouterr().out
    assert out.count("OK ") == len(files)
    # Warnings only where the circuit's notes explain them (the demo's short sets; the runner block's
    # hypertrophy and maximal-strength phases, heavier and shorter than strength endurance on purpose).
    explained = ("demo.toml", "runner-block/hypertrophy.toml", "runner-block/max-strength.toml")
    for line in out.splitlines():
        if "warning" in line:
            assert any(name in line for name in explained), line


def test_plan_table(write_toml, capsys) -> None:
    assert main(["plan", str(write_toml(GOOD))]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Good: 1 round × 1 station, total 7:40"
    assert "GET READY" in lines[2] and "next: Squat" in lines[2]
    assert lines[3].split() == [
        "0:10",
        "WORK",
        "R1",
        "S1",
        "set1",
        "Squat",
        "30",
        "kg",
        "·",
        "30%",
        "e1RM",
        "3:00",
    ]
    assert lines[4].split()[:2] == ["3:10", "REST"]
    assert lines[5].split()[:2] == ["4:40", "WORK"]
    assert lines[-1].split() == ["7:40", "END"]


WIDE = """
name = "Wide names"
[[station]]
exercise = "深蹲"
load = "40 kg"
work = "1:00"
[[station]]
exercise = "🏃 Run in place"
load = "bodyweight"
work = "1:00"
[[station]]
exercise = "Squat"
load = "35 kg"
work = "1:00"
[[station]]
exercise = "Rear-foot-elevated Bulgarian split squat, 2 s pause at depth"
load = "20 kg"
work = "1:00"
"""


def _load_cells(lines: list[str]) -> list[int]:
    """The cell where each WORK line's load starts (wide characters count twice)."""
    return [text_width(line[: line.index(" kg") - 2]) for line in lines if "WORK" in line and " kg" in line]


def test_plan_aligns_wide_characters(write_toml, capsys, monkeypatch) -> None:
    """深蹲 and 🏃 take two cells each: the load and time columns still line up under each other."""
    monkeypatch.setenv("COLUMNS", "120")
    assert main(["plan", str(write_toml(WIDE))]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(set(_load_cells(lines))) == 1
    times = [line for line in lines if "WORK" in line]
    assert len({text_width(line) for line in times}) == 1  # the time column ends in the same cell
    assert any("深蹲" in line for line in times) and any("🏃 Run in place" in line for line in times)


@pytest.mark.parametrize("columns", [100, 60])
def test_plan_cuts_long_names_to_the_terminal_and_keeps_load_and_time(
    write_toml, capsys, monkeypatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["plan", str(write_toml(WIDE))]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    assert all(text_width(line) <= columns for line in lines), lines
    long = [line for line in lines if "WORK" in line and "Rear-foot" in line]
    assert long and all(re.search(r"…  20 kg +1:00$", line) for line in long)


def test_plan_in_a_pipe_cuts_nothing(write_toml, capsys) -> None:
    assert main(["plan", str(write_toml(WIDE))]) == 0
    assert "Rear-foot-elevated Bulgarian split squat, 2 s pause at depth  20 kg" in capsys.readouterr().out


def test_plan_shows_a_right_to_left_name_whole_in_logical_order(write_toml, capsys, monkeypatch) -> None:
    """Hebrew with vowel points: 47 characters but 27 cells. It fits, so all of it shows, as written."""
    name = "שְׁכִיבוֹת סְמִיכָה עַל הַבֶּרֶךְ וְהַמַּרְפֵּק"
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["plan", str(write_toml(WIDE.replace("Squat", name)))]) == 0
    assert re.search(f"  {name} +35 kg ", capsys.readouterr().out)


def test_plan_json(write_toml, capsys) -> None:
    assert main(["plan", str(write_toml(GOOD)), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_s"] == 460
    assert [p["kind"] for p in data["phases"]] == ["prepare", "work", "rest", "work"]
    assert data["phases"][1]["load"] == 30.0


def test_plan_with_an_athlete_profile(write_toml, capsys) -> None:
    circuit = write_toml(GOOD)
    athlete = write_toml('name = "Ann"\nunits = "kg"\n[e1rm]\nsquat = 150\n', "ann.toml")
    assert main(["plan", str(circuit), "--athlete", str(athlete), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["phases"][1]["load"] == 45.0


def test_plan_of_an_invalid_file_exits_1(write_toml, capsys) -> None:
    assert main(["plan", str(write_toml("name = "))]) == 1
    assert "TOML syntax error" in capsys.readouterr().err


def test_e1rm_estimate_and_table(capsys) -> None:
    assert main(["e1rm", "100", "8"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "e1RM: 126.7 kg (epley, 100 kg × 8)"
    table = dict(line.split() for line in lines[2:])
    assert table == {
        "20%": "25",
        "25%": "32.5",
        "30%": "37.5",
        "35%": "45",
        "40%": "50",
        "45%": "57.5",
        "50%": "62.5",
        "55%": "70",
        "60%": "75",
    }


def test_e1rm_other_formula_and_units(capsys) -> None:
    assert main(["e1rm", "200", "8", "--formula", "Brzycki", "--units", "lb"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("e1RM: 248.3 lb (brzycki, 200 lb × 8)")
    assert "30%  75\n" in out  # 74.5 → nearest 5 lb


def test_e1rm_warns_above_ten_reps(capsys) -> None:
    assert main(["e1rm", "50", "11"]) == 0
    assert "unreliable" in capsys.readouterr().err


def test_schema_describes_the_file_format(capsys) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"name", "station"}
    assert schema["properties"]["rounds"]["description"] == "Times through all stations."
    station = schema["$defs"]["Station"]["properties"]
    assert {"exercise", "work", "rest", "sets", "part", "load", "lift", "cadence", "cues"} <= set(station)


def test_python_dash_m_timer_is_the_same_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "timer", "e1rm", "100", "8"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("e1RM: 126.7 kg")


def test_check_does_not_import_textual(tmp_path: Path) -> None:
    demo = bundled_circuits()[0]
    code = (
        f"import sys; from timer.cli import main; rc = main(['check', {str(demo)!r}]); "
        "assert 'textual' not in sys.modules, 'check imported textual'; raise SystemExit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("increment", ["1e-320", "0", "0.001", "500"])
def test_e1rm_refuses_an_unusable_increment(increment: str, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["e1rm", "100", "5", "--increment", increment])
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_output_to_an_ascii_terminal_does_not_crash(tmp_path: Path) -> None:
    demo = bundled_circuits()[0]
    env = {**__import__("os").environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "timer", "check", str(demo)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "1 round ? 3 stations" in done.stdout  # "×" became "?" instead of a UnicodeEncodeError
    assert "Traceback" not in done.stderr


def test_check_reads_the_profile_once_and_names_it(write_toml, capsys) -> None:
    circuit = write_toml(GOOD)
    profile = write_toml('name = "Ann"\nunits = "lb"\nunit = "lb"\n', "ann.toml")
    assert main(["check", str(circuit), str(circuit), "--athlete", str(profile)]) == 1
    assert capsys.readouterr().err == f'{profile}: unknown key "unit" (did you mean "units"?)\n'


SQUAD = """\
name = "Week 1"
units = "kg"
[e1rm]
quarter_squat = 120
[[station]]
exercise = "Quarter squat"
lift = "quarter_squat"
load = "30%"
work = "3:00"
rest = "1:30"
[[station]]
exercise = "Kettlebell swing"
load = "16 kg"
work = "2:00"
rest = "1:30"
[[station]]
exercise = "Step-up complex"
  [[station.part]]
  exercise = "Step-ups"
  load = "bw + 10 kg"
  work = "1:30"
  [[station.part]]
  exercise = "Box jumps"
  load = "bw"
  work = "1:30"
"""
ANN = 'name = "Ann"\nunits = "lb"\n[e1rm]\nquarter_squat = 260\n'
BO = 'name = "Bo"\nunits = "kg"\n[e1rm]\nquater_squat = 140\n'


@pytest.fixture
def squad(write_toml) -> tuple[str, str, str]:
    return (
        str(write_toml(SQUAD, "week1.toml")),
        str(write_toml(ANN, "ann.toml")),
        str(write_toml(BO, "bo.toml")),
    )


def test_loads_sheet_a_column_per_athlete_in_their_units(squad, capsys) -> None:
    circuit, ann, bo = squad
    assert main(["loads", circuit, "--athlete", ann, "--athlete", bo]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "Week 1: loads for 2 athletes",
        "#    exercise          Ann (lb)            Bo (kg)",
        "1    Quarter squat     80 lb · 30%         35 kg · 30% *",
        "2    Kettlebell swing  16 kg (35.3 lb)     16 kg",
        "3    Step-up complex",
        "3.1    Step-ups        bw + 10 kg (22 lb)  bw + 10 kg",
        "3.2    Box jumps       bw                  bw",
        "* from the circuit's e1RM: the athlete's profile lacks this lift (add it for loads that fit)",
    ]
    # Every profile is checked; its warnings carry the athlete's name.
    assert out.err.splitlines() == [
        f'warning: Bo: {bo}: e1rm "quater_squat": matches no lift of this circuit (did you mean "quarter_squat"?); '
        "the circuit's own e1RM is used for quarter_squat",
        f'warning: Bo: {bo}: e1rm "quarter_squat": is missing, so the circuit\'s own value is used; '
        "add quarter_squat = <kg> to the profile for loads that fit this athlete",
    ]


def test_loads_json(squad, capsys) -> None:
    circuit, ann, bo = squad
    assert main(["loads", circuit, "--athlete", ann, "--athlete", bo, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["circuit"] == "Week 1"
    assert [(a["name"], a["file"], a["units"]) for a in data["athletes"]] == [
        ("Ann", ann, "lb"),
        ("Bo", bo, "kg"),
    ]
    keys = ("station", "part", "exercise", "load", "unit", "pct_e1rm", "bodyweight", "e1rm_source")
    assert [tuple(row[k] for k in keys) for row in data["athletes"][1]["loads"]] == [
        (1, None, "Quarter squat", 35.0, "kg", 30.0, False, "circuit"),
        (2, None, "Kettlebell swing", 16.0, "kg", None, False, None),
        (3, 1, "Step-ups", 10.0, "kg", None, True, None),
        (3, 2, "Box jumps", None, "kg", None, True, None),
    ]
    assert data["athletes"][0]["loads"][0]["e1rm_source"] == "athlete"
    assert data["athletes"][0]["loads"][1]["unit"] == "kg"  # the bell as written, for a pound athlete too


def test_loads_reports_a_bad_profile_and_still_shows_the_others(squad, write_toml, capsys) -> None:
    circuit, ann, _bo = squad
    cy = write_toml('name = "Cy"\n[e1rm]\nquarter_squat = 225\n', "cy.toml")
    assert main(["loads", circuit, "--athlete", ann, "--athlete", str(cy)]) == 1
    out = capsys.readouterr()
    assert (
        out.err
        == f'{cy}: units is missing; add units = "kg" or "lb" (the units of this athlete\'s e1RM values)\n'
    )
    assert out.out.splitlines()[0] == "Week 1: loads for 1 athlete"


def test_loads_needs_an_athlete(squad, capsys) -> None:
    assert main(["loads", squad[0]]) == 2
    assert "loads needs at least one --athlete PROFILE" in capsys.readouterr().err


def test_check_each_athlete_in_turn(squad, capsys) -> None:
    circuit, ann, bo = squad
    assert main(["check", circuit, "--athlete", ann, "--athlete", bo]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "OK Week 1: 1 round × 3 stations, total 11:10 (athlete: Ann)"
    assert lines[1] == "OK Week 1: 1 round × 3 stations, total 11:10 (athlete: Bo)"
    assert lines[2].startswith(f'  warning: {bo}: e1rm "quater_squat": matches no lift')
    assert len(lines) == 4


def test_check_a_profile_as_a_file_and_a_circuit_as_a_profile(squad, capsys) -> None:
    circuit, ann, _bo = squad
    assert main(["check", ann]) == 0
    assert capsys.readouterr().out == "OK athlete profile Ann: 1 lift in lb\n"
    assert main(["check", circuit, "--athlete", circuit]) == 1
    assert "is a circuit file, not an athlete profile" in capsys.readouterr().err
    assert main(["plan", ann]) == 1
    assert (
        capsys.readouterr().err
        == f"{ann}: is an athlete profile, not a circuit; give it with --athlete PROFILE\n"
    )


def test_plan_one_per_athlete(squad, capsys) -> None:
    circuit, ann, bo = squad
    assert main(["plan", circuit, "--athlete", ann, "--athlete", bo]) == 0
    out = capsys.readouterr()
    heads = [line for line in out.out.splitlines() if line.startswith("Week 1:")]
    assert heads == [
        "Week 1: 1 round × 3 stations, total 11:10 (athlete: Ann)",
        "Week 1: 1 round × 3 stations, total 11:10 (athlete: Bo)",
    ]
    assert "80 lb · 30% e1RM" in out.out and "35 kg · 30% e1RM (circuit's e1RM)" in out.out
    assert all(line.startswith("warning: Bo: ") for line in out.err.splitlines())


@pytest.mark.parametrize("command", [["plan", "--json"], ["run"]])
def test_several_athletes_where_one_is_meant_is_a_usage_error(squad, command, capsys) -> None:
    circuit, ann, bo = squad
    assert main([command[0], circuit, *command[1:], "--athlete", ann, "--athlete", bo]) == 2
    err = capsys.readouterr().err
    assert "takes one --athlete" in err and "loads" in err


def test_plan_json_gives_each_loads_source_and_form(squad, capsys) -> None:
    circuit, ann, _bo = squad
    assert main(["plan", circuit, "--athlete", ann, "--json"]) == 0
    work = [p for p in json.loads(capsys.readouterr().out)["phases"] if p["kind"] == "work"]
    keys = ("load", "unit", "pct_e1rm", "bodyweight", "e1rm_source")
    assert [tuple(p[k] for k in keys) for p in work] == [
        (80.0, "lb", 30.0, False, "athlete"),
        (16.0, "kg", None, False, None),
        (10.0, "kg", None, True, None),
        (None, "lb", None, True, None),
    ]


def test_schema_of_profiles(capsys) -> None:
    assert main(["schema", "--profile"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert set(schema["required"]) == {"name", "units"}
    assert schema["properties"]["e1rm"]["additionalProperties"] is False


@pytest.mark.parametrize("weight", ["2001", "0.5"])
def test_e1rm_weight_limits_agree_with_the_file_format(weight: str, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["e1rm", weight, "5"])
    assert info.value.code == 2
    assert "must be from 1 to 2000 (kg or lb), as in a file" in capsys.readouterr().err


def test_e1rm_takes_the_spellings_a_file_takes(capsys) -> None:
    assert main(["e1rm", "2000", "1", "--formula", "o'connor", "--units", "LBS"]) == 0
    assert capsys.readouterr().out.startswith("e1RM: 2000.0 lb (oconner, 2000 lb × 1)")


def test_run_refuses_a_profile_without_units_before_any_screen(squad, write_toml, capsys) -> None:
    cy = write_toml('name = "Cy"\n[e1rm]\nquarter_squat = 225\n', "cy.toml")
    assert main(["run", squad[0], "--athlete", str(cy)]) == 1
    assert (
        capsys.readouterr().err
        == f'{cy}: units is missing; add units = "kg" or "lb" (the units of this athlete\'s e1RM values)\n'
    )


# --- issue 14, item 10: file flags that cannot mean what was typed are usage errors ------------------------


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["run", "c.toml", "--log", ""], "argument --log: is blank; give a file name, like log.jsonl"),
        (["run", "c.toml", "--log", "  "], "argument --log: is blank"),
        (["history", "--log", ""], "argument --log: is blank"),
        (["history", "--csv", ""], "argument --csv: is blank; give a file name, like sets.csv"),
        (
            ["run", "c.toml", "--log", "name/"],
            "argument --log: name/ ends with a slash (a folder); give a file in it, like name/log.jsonl",
        ),
        (["history", "--csv", "out/"], "argument --csv: out/ ends with a slash"),
    ],
)
def test_blank_or_folder_file_flags_are_usage_errors(argv: list[str], said: str, capsys) -> None:
    """`--log ""` wrote to the default log, `--log name/` created a file `name`; both silently."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert said in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (" ", "$CIRCUIT_TIMER_LOG is blank; give a file name, like log.jsonl"),
        (
            "logs/",
            "$CIRCUIT_TIMER_LOG logs/ ends with a slash (a folder); give a file in it, like logs/log.jsonl",
        ),
    ],
)
@pytest.mark.parametrize("command", [["history"], ["run", "GOOD"], []])
def test_a_blank_or_folder_log_variable_is_a_usage_error(
    value: str, said: str, command: list[str], write_toml, tmp_path: Path, monkeypatch, capsys
) -> None:
    """`CIRCUIT_TIMER_LOG=" "` logged to a file named " " in the current folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CIRCUIT_TIMER_LOG", value)
    from timer.ui.app import CircuitApp

    monkeypatch.setattr(CircuitApp, "run", lambda self: pytest.fail("the UI was started"))
    argv = [str(write_toml(GOOD)) if word == "GOOD" else word for word in command]
    assert main(argv) == 2
    assert capsys.readouterr().err == f"circuit-timer: error: {said}\n"
    assert {p.name for p in tmp_path.iterdir()} <= {"circuit.toml"}  # nothing created


def test_an_empty_log_variable_counts_as_unset(tmp_path: Path, monkeypatch) -> None:
    from timer.replog import default_log_path

    monkeypatch.setenv("CIRCUIT_TIMER_LOG", "")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_log_path() == tmp_path / "circuit-timer" / "log.jsonl"


# --- issue 14, item 7: no terminal, no UI ------------------------------------------------------------------


def _without_terminal(
    argv: list[str], cwd: Path, *, stdin_tty: bool, stdout_tty: bool, term: str | None = "xterm-256color"
):
    """Run the real command with stdin and/or stdout a pseudo-terminal, the other /dev/null or a pipe
    (`term`: TERM for it; None leaves it unset)."""
    import os
    import pty

    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "timer", *argv],
            stdin=follower if stdin_tty else subprocess.DEVNULL,
            stdout=follower if stdout_tty else subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            timeout=20,  # the bug was a hang: a timeout fails the test instead of stalling the run
            env={k: v for k, v in os.environ.items() if k != "TERM"}
            | {"XDG_DATA_HOME": str(cwd)}
            | ({"TERM": term} if term is not None else {}),
        )
    finally:
        os.close(leader)
        os.close(follower)
    return result


@pytest.mark.parametrize(
    ("stdin_tty", "stdout_tty", "why"),
    [
        (False, True, "its input is not one"),
        (True, False, "its output is not one"),
        (False, False, "its input and output are not terminals"),
    ],
)
@pytest.mark.parametrize("command", ["run", "bare"])
def test_run_and_the_picker_without_a_terminal_exit_2_at_once(
    write_toml, tmp_path: Path, stdin_tty: bool, stdout_tty: bool, why: str, command: str
) -> None:
    """`run FILE < /dev/null` waited at the overview forever."""
    argv = ["run", str(write_toml(GOOD)), "--log", str(tmp_path / "log.jsonl")] if command == "run" else []
    result = _without_terminal(argv, tmp_path, stdin_tty=stdin_tty, stdout_tty=stdout_tty)
    assert result.returncode == 2
    name = "circuit-timer run" if command == "run" else "circuit-timer"
    plain = "--plain" if command == "run" else "circuit-timer run FILE --plain"
    # Issue 14 point 7: once a line mode exists, the message offers it.
    assert result.stderr.decode() == f"{name}: needs a terminal (use {plain} for a line mode); {why}\n"
    assert not (tmp_path / "log.jsonl").exists() or (tmp_path / "log.jsonl").stat().st_size == 0


@pytest.mark.parametrize(("term", "says"), [("dumb", "says TERM=dumb"), (None, "TERM is not set")])
@pytest.mark.parametrize("command", ["run", "bare"])
def test_a_dumb_terminal_is_refused_the_full_screen_ui_and_offered_plain(
    write_toml, tmp_path: Path, term: str | None, says: str, command: str
) -> None:
    """Issue 16 point 3: TERM=dumb (or none) got the full-screen UI with colour, mouse and keyboard codes."""
    argv = ["run", str(write_toml(GOOD)), "--log", str(tmp_path / "log.jsonl")] if command == "run" else []
    result = _without_terminal(argv, tmp_path, stdin_tty=True, stdout_tty=True, term=term)
    assert result.returncode == 2
    name = "circuit-timer run" if command == "run" else "circuit-timer"
    message = result.stderr.decode()
    assert message.startswith(f"{name}: needs a terminal that can draw a full screen; this one ")
    assert says in message and "(use --plain for a line mode: circuit-timer run FILE --plain)" in message
    assert not (tmp_path / "log.jsonl").exists() or (tmp_path / "log.jsonl").stat().st_size == 0


def test_a_broken_circuit_is_reported_before_the_missing_terminal(write_toml, tmp_path: Path) -> None:
    bad = write_toml(GOOD.replace("work", "wrok"))
    result = _without_terminal(["run", str(bad)], tmp_path, stdin_tty=False, stdout_tty=False)
    assert result.returncode == 1 and b'unknown key "wrok"' in result.stderr
