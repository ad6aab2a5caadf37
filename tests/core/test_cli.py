"""The commands a coach runs: check, plan, e1rm, schema; exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from timer.cli import main
from timer.resources import bundled_circuits

GOOD = """\
name = "Good"
[e1rm]
squat = 100
[[station]]
exercise = "Squat"
lift = "squat"
load = "30%"
work = "3:00"
rest = "1:30"
sets = 2
"""


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
    # Warnings only where the circuit's notes explain them (the demo's short sets).
    for line in out.splitlines():
        if "warning" in line:
            assert "demo.toml" in line


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
