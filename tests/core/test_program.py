"""Programs: the file's rules and messages, the expansion into sessions and each session's plan, the next
session from the log, and the commands `check`, `plan`, `program` and `schema --program`."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import PROGRAM_KEYS
from timer.circuit import Athlete
from timer.cli import main
from timer.errors import InputError
from timer.plan import Plan
from timer.program import load_program
from timer.program.progress import next_session, program_runs, statuses
from timer.replog import SessionLog, read_log

HERE = Path(__file__).resolve().parent.parent / "programs"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of tests/programs (the block and its circuits, editable), and the current folder."""
    for name in ("block.toml", "se.toml", "aa.toml"):
        shutil.copy(HERE / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def program_text(phase: str, *, head: str = 'name = "P"\n') -> str:
    return f'{head}\n[[phase]]\nname = "Base"\nsessions = ["se.toml"]\n{phase}\n'


def problems_of(folder: Path, text: str) -> list[str]:
    (folder / "p.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        loaded = load_program("p.toml")
        for s in loaded.sessions:
            loaded.plan(s)
    return [str(p) for p in info.value.problems]


# ---------------------------------------------------------------- the file's rules


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        ("weeks = 0", 'p.toml: phase 1 "Base": weeks must be at least 1, not 0'),
        ("weeks = 53", 'p.toml: phase 1 "Base": weeks must be at most 52, not 53'),
        ("weeks = 2\nload_add = [1, 2, 3]", "load_add has 3 values but the phase has 2 weeks"),
        ("weeks = 2\nrounds = [1]", "rounds has 1 value but the phase has 2 weeks"),
        ('weeks = 2\nload_add = [0, "x"]', 'load_add week 2 must be a number, not "x"'),
        ("weeks = 2\nrounds = [1, 60]", "rounds week 2 must be at most 50, not 60"),
        ("weeks = 2\nsets = 0", "sets must be at least 1, not 0"),
        ('weeks = 2\nwork_add = "-1:00x"', 'work_add "-1:00x" is not a duration'),
        ('weeks = 2\nwork_add = "61m"', "over 60 minutes"),
        ("weeks = 2\ndeload = [3]", "deload names week 3 but the phase has 2 weeks"),
        ("weeks = 2\nwokr_add = 5", 'unknown key "wokr_add" (did you mean "work_add"?)'),
        ("weeks = 2\nsessions = []", "sessions has too few entries (1–14 circuits a week)"),
        ("weeks = 2\nsessions = " + str(["se.toml"] * 15).replace("'", '"'), "too many entries"),
        ('weeks = 2\nsessions = ["se.toml", 3]', 'session 2 must be a file name in quotes like "se.toml"'),
    ],
)
def test_phase_rules_name_the_phase_and_week(folder: Path, phase: str, expected: str) -> None:
    text = program_text(phase).replace('sessions = ["se.toml"]\n', "", 1) if "sessions =" in phase else None
    problems = problems_of(folder, text or program_text(phase))
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("p.toml: ") for p in problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('name = "P"\n', "p.toml: has no [[phase]] tables; add at least one"),
        ("name = 3\n[[phase]]\nname='A'\nweeks=1\nsessions=['se.toml']", "name must be text in quotes"),
        (
            'name = "P"\n' + "[[phase]]\nname='A'\nweeks=52\nsessions=['se.toml']\n" * 4,
            "the phases add up to 208 weeks; a program may hold at most 156",
        ),
        ('name = "P"\n' + "[[phase]]\nname='A'\nweeks=1\nsessions=['se.toml']\n" * 21, "1–20 phases"),
        (
            'name = "P"\nunits = "st"\n[[phase]]\nname="A"\nweeks=1\nsessions=["se.toml"]',
            'units must be "kg" or "lb"',
        ),
        (
            'name = "P"\n[e1rm]\nsquat = -1\n[[phase]]\nname="A"\nweeks=1\nsessions=["se.toml"]',
            'e1rm "squat"',
        ),
    ],
)
def test_program_rules(folder: Path, text: str, expected: str) -> None:
    problems = problems_of(folder, text)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        # a resulting percentage outside 0–100% names phase, week and station
        (
            "weeks = 3\nload_add = [0, 50, 71]",
            'p.toml: phase 1 "Base", week 3, se.toml station 1 "Quarter squat": load 30% with load_add +71 '
            "is 101% e1RM; it must stay within 0–100%",
        ),
        (
            "weeks = 1\nload_add = -30",
            'week 1, se.toml station 1 "Quarter squat": load 30% with load_add -30',
        ),
        # a resulting work phase under 1 s, for each part of a complex too
        (
            'weeks = 2\nwork_add = ["0s", "-60s"]',
            'p.toml: phase 1 "Base", week 2, se.toml station 2 "Complex", part 1 "Step-ups": work 60 s with '
            "work_add -60 s is 0 s; it must be at least 1 s",
        ),
        ('weeks = 1\nwork_add = "59:00"', "it must be at most 60 minutes"),
    ],
)
def test_adjustments_out_of_range_name_phase_week_and_station(
    folder: Path, phase: str, expected: str
) -> None:
    problems = problems_of(folder, program_text(phase))
    assert any(expected in p for p in problems), problems


def test_a_missing_or_invalid_circuit_is_reported_with_the_program_and_its_own_messages(folder: Path) -> None:
    (folder / "se.toml").write_text('name = "SE"\n[[station]]\nexercise = "X"\nwrok = "2:00"\n', "utf-8")
    text = program_text("weeks = 1").replace('["se.toml"]', '["se.toml", "gone.toml"]')
    problems = problems_of(folder, text)
    assert (
        problems[0]
        == 'p.toml: phase 1 "Base", session 1 "se.toml": this circuit cannot be used; its problems follow'
    )
    assert any(
        p.endswith('se.toml: station 1 "X": unknown key "wrok" (did you mean "work"?)') for p in problems
    )
    assert any('session 2 "gone.toml"' in p for p in problems)
    assert any(p.endswith("gone.toml: no such file; check the name and folder") for p in problems)


def test_a_program_may_not_name_itself_or_another_program(folder: Path) -> None:
    problems = problems_of(folder, program_text("weeks = 1").replace('["se.toml"]', '["p.toml"]'))
    assert problems[-1].endswith("p.toml: is this program itself")
    problems = problems_of(folder, program_text("weeks = 1").replace('["se.toml"]', '["block.toml"]'))
    assert problems[-1].endswith("block.toml: is a program; a program cannot include one")


def test_a_circuit_given_as_a_program_is_refused_plainly(folder: Path) -> None:
    with pytest.raises(InputError) as info:
        load_program(folder / "se.toml")
    assert str(info.value).endswith("se.toml: is a circuit, not a program (a program has [[phase]] tables)")


def test_unsafe_files_are_refused_as_circuits_are(folder: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        load_program(folder)
    (folder / "big.toml").write_bytes(b"#" * (1024 * 1024 + 1))
    with pytest.raises(InputError, match="at most 1 MiB"):
        load_program(folder / "big.toml")


# ---------------------------------------------------------------- expansion and plans


def test_sessions_are_numbered_in_order_with_weeks_in_the_program(folder: Path) -> None:
    loaded = load_program(folder / "block.toml")
    got = [
        (s.number, s.phase_index, s.week, s.week_in_phase, s.session_in_week, s.circuit, s.deload)
        for s in loaded.sessions
    ]
    assert len(got) == 3 * 2 + 4
    assert got[:3] == [
        (1, 1, 1, 1, 1, "aa.toml", False),
        (2, 1, 1, 1, 2, "se.toml", False),
        (3, 1, 2, 2, 1, "aa.toml", False),
    ]
    assert got[6:] == [
        (7, 2, 4, 1, 1, "se.toml", False),
        (8, 2, 5, 2, 1, "se.toml", False),
        (9, 2, 6, 3, 1, "se.toml", False),
        (10, 2, 7, 4, 1, "se.toml", True),
    ]
    assert loaded.sessions[-1].line == "Week 7/7 · Conversion · Session 1/1 · deload"
    assert loaded.session(2, 2).number == 4


@pytest.mark.parametrize(
    ("week", "session", "expected"),
    [
        (0, 1, "has weeks 1–7; there is no week 0"),
        (8, 1, "has weeks 1–7; there is no week 8"),
        (4, 2, "week 4 has 1 session; there is no session 2"),
    ],
)
def test_choosing_a_session_that_does_not_exist(folder: Path, week: int, session: int, expected: str) -> None:
    loaded = load_program(folder / "block.toml")
    with pytest.raises(InputError, match=expected):
        loaded.session(week, session)


def work(plan: Plan) -> list[tuple[str, int, float | None, float | None]]:
    return [(p.exercise or "", p.duration_s, p.load, p.pct_e1rm) for p in plan.phases if p.is_work]


def test_each_week_applies_its_adjustments_to_the_same_plan(folder: Path) -> None:
    loaded = load_program(folder / "block.toml")
    week1 = loaded.plan(loaded.session(1, 2))
    week3 = loaded.plan(loaded.session(3, 2))
    # program e1RM 120 replaces the circuit's 100 for squat; calf keeps the circuit's 120
    assert work(week1)[:4] == [
        ("Quarter squat", 120, 35.0, 30.0),
        ("Step-ups", 60, None, None),
        ("Calf raise", 60, 30.0, 25.0),
        ("Farmer carry", 120, 20.0, None),
    ]
    # week 3: +5 points on % loads only (the absolute carry and bodyweight stay), +30 s on every work phase
    assert work(week3)[:4] == [
        ("Quarter squat", 150, 42.5, 35.0),
        ("Step-ups", 90, None, None),
        ("Calf raise", 90, 35.0, 30.0),
        ("Farmer carry", 150, 20.0, None),
    ]
    conversion = [loaded.plan(loaded.session(w, 1)) for w in (4, 6, 7)]
    assert [(p.rounds, len(work(p))) for p in conversion] == [(2, 2 * 2 * 4), (3, 3 * 2 * 4), (1, 1 * 2 * 4)]
    assert conversion[0].program is not None and conversion[0].program.session.number == 7


def test_profile_beats_program_beats_circuit_lift_by_lift(folder: Path) -> None:
    loaded = load_program(folder / "block.toml")
    ann = Athlete.model_validate({"name": "Ann", "units": "kg", "e1rm": {"calf": 200}})
    plan = loaded.plan(loaded.session(1, 2), ann, "ann.toml")
    squat, _, calf, _ = work(plan)[:4]
    assert squat[2] == 35.0  # program's 120 (Ann has no squat): 36 to the nearest 2.5
    assert calf[2] == 50.0  # Ann's 200
    sources = {p.exercise: p.e1rm_source for p in plan.phases if p.is_work}
    assert sources["Quarter squat"] == "program" and sources["Calf raise"] == "athlete"
    alone = {p.exercise: p.e1rm_source for p in loaded.plan(loaded.session(1, 2)).phases if p.is_work}
    assert alone["Quarter squat"] == "program" and alone["Calf raise"] == "circuit"
    # Ann lacks the squat, but the program's value is the coach's choice: no "circuit's value" warning
    assert not any("squat" in w and "circuit's own value" in w for w in plan.warnings)


def test_program_units_convert_the_circuits_values(folder: Path) -> None:
    text = (
        (folder / "block.toml")
        .read_text()
        .replace("[e1rm]\nsquat = 120", 'units = "lb"\n[e1rm]\nsquat = 265')
    )
    (folder / "block.toml").write_text(text)
    loaded = load_program(folder / "block.toml")
    plan = loaded.plan(loaded.session(1, 2))
    assert plan.unit == "lb"
    squat, _, calf, carry = work(plan)[:4]
    assert squat[2] == 80.0  # 30% of 265 lb = 79.5 → nearest 5 lb
    assert calf[2] == 65.0  # 25% of 120 kg (264.6 lb) = 66.1 → 65 lb
    assert (carry[2], carry[1]) == (20.0, 120)  # an absolute load stays the implement as written


# ---------------------------------------------------------------- the log and the next session


def log_session(
    path: Path,
    plan: Plan,
    status: str | None,
    athlete: str | None = None,
    at: datetime | None = None,
    rpe: int | None = None,
) -> None:
    wall = at or datetime(2026, 11, 2, 17, 0, tzinfo=UTC)
    log = SessionLog(path, clock_start=0.0, wall=lambda: wall)
    log.start(plan, now=0.0, circuit_path="c.toml", circuit_sha256="c" * 64, athlete=athlete)
    for phase in [p for p in plan.phases if p.is_work][: None if status == "completed" else 1]:
        log.set_ended(phase, started_t=phase.start_s, ended_t=phase.end_s, reps=12, now=phase.end_s)
    if status is not None:
        log.end(status, now=60.0)  # type: ignore[arg-type]
        if rpe is not None:
            log.session_rpe(now=61.0, rpe=rpe, minutes=1.0)
    else:
        log.close()


def test_session_start_carries_the_program_fields(folder: Path) -> None:
    loaded = load_program(folder / "block.toml")
    log = folder / "log.jsonl"
    log_session(log, loaded.plan(loaded.session(7, 1)), "completed")
    start = json.loads(log.read_text().splitlines()[0])
    assert {k: start[k] for k in PROGRAM_KEYS} == {
        "program": "Winter block",
        "program_session": 10,
        "phase": "Conversion",
        "phase_index": 2,
        "week": 7,
        "week_in_phase": 4,
        "session_in_week": 1,
        "deload": True,
    }
    assert start["program_sha256"] == loaded.sha256 and len(loaded.sha256) == 64
    assert read_log(log)[0][0].program_session == 10


def test_next_session_is_the_first_not_completed_for_that_athlete(folder: Path) -> None:
    loaded = load_program(folder / "block.toml")
    log = folder / "log.jsonl"
    plan = {k: loaded.plan(loaded.sessions[k - 1]) for k in range(1, 5)}
    assert next_session(loaded, [], "Ann").number == 1
    log_session(log, plan[1], "completed", "Ann")
    log_session(log, plan[2], "aborted", "Ann")  # an abort does not count
    log_session(log, plan[3], "completed", "Ann")  # done out of order (--week 2 --session 1)
    log_session(log, plan[2], "completed", "Bob")  # another athlete's
    log_session(log, plan[4], None, "Ann")  # killed: no end record
    sessions = program_runs([log, folder / "missing.jsonl"])
    assert next_session(loaded, sessions, "Ann").number == 2
    assert next_session(loaded, sessions, "Bob").number == 1
    assert next_session(loaded, sessions, None).number == 1  # no profile: only runs without one
    log_session(log, plan[2], "completed", "Ann")
    ann = statuses(loaded, program_runs([log]), "Ann")
    assert [r.status for r in ann[:6]] == ["done", "done", "done", "next", "todo", "todo"]
    assert ann[3].logged is not None and ann[3].logged.status == "unfinished"


def test_an_edited_program_keeps_its_history(folder: Path) -> None:
    loaded = load_program(folder / "block.toml")
    log = folder / "log.jsonl"
    log_session(log, loaded.plan(loaded.sessions[0]), "completed")
    path = folder / "block.toml"
    path.write_text(path.read_text().replace("rounds = [2, 2, 3, 1]", "rounds = [2, 3, 3, 1]"))
    edited = load_program(path)
    assert edited.sha256 != loaded.sha256
    assert next_session(edited, program_runs([log]), None).number == 2


# ---------------------------------------------------------------- commands


def test_check_a_program(folder: Path, capsys) -> None:
    se = folder / "se.toml"
    se.write_text(se.read_text().replace('load = "20 kg"\nwork = "2:00"', 'load = "20 kg"\nwork = "1:00"'))
    assert main(["check", "block.toml", "se.toml"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "OK Winter block: 2 phases, 7 weeks, 10 sessions"
    # warnings name the phase and the weeks, once for all the weeks that share them
    short = 'station 3 "Farmer carry": a {} work set is outside the strength-endurance ranges'
    assert (
        f'  warning: phase 1 "Anatomical adaptation", week 1: se.toml: {short.format("1:00")}'
        in "\n".join(out)
    )
    assert (
        f'  warning: phase 1 "Anatomical adaptation", week 2: se.toml: {short.format("1:15")}'
        in "\n".join(out)
    )
    assert f'  warning: phase 2 "Conversion", weeks 1–4: se.toml: {short.format("1:00")}' in "\n".join(out)
    assert out[-2].startswith("OK SE: 2 rounds × 3 stations")


def test_check_a_broken_program_exits_1(folder: Path, capsys) -> None:
    (folder / "p.toml").write_text(program_text("weeks = 1\nload_add = 80"))
    assert main(["check", str(folder / "p.toml")]) == 1
    assert "is 110% e1RM; it must stay within 0–100%" in capsys.readouterr().err


def test_plan_of_a_week_and_session_as_json(folder: Path, capsys) -> None:
    assert main(["plan", str(folder / "block.toml"), "--week", "7", "--session", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["program"] == {
        "name": "Winter block",
        "phase": "Conversion",
        "phase_index": 2,
        "week": 7,
        "week_in_phase": 4,
        "session_in_week": 1,
        "program_session": 10,
        "deload": True,
    }
    assert [p["load"] for p in out["phases"] if p["kind"] == "work"][:1] == [40.0]  # 32.5% of 120 = 39


def test_plan_without_week_is_the_next_session_in_the_log(folder: Path, capsys) -> None:
    loaded = load_program(folder / "block.toml")
    log = folder / "log.jsonl"
    log_session(log, loaded.plan(loaded.sessions[0]), "completed")
    assert main(["plan", str(folder / "block.toml"), "--log", str(log)]) == 0
    assert (
        capsys.readouterr().out.splitlines()[0]
        == "Winter block: Week 1/7 · Anatomical adaptation · Session 2/2"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--week", "2"], "give both --week W and --session S"),
        (["--week", "9", "--session", "1"], "there is no week 9"),
    ],
)
def test_plan_with_a_wrong_session_exits_1(folder: Path, capsys, args: list[str], expected: str) -> None:
    assert main(["plan", str(folder / "block.toml"), *args]) == 1
    assert expected in capsys.readouterr().err


def test_week_flags_with_a_circuit_are_an_error(folder: Path, capsys) -> None:
    assert main(["plan", str(folder / "se.toml"), "--week", "1", "--session", "1"]) == 1
    assert "is a circuit; --week and --session choose a session of a program" in capsys.readouterr().err


def test_program_view_json_and_compliance(folder: Path, capsys) -> None:
    from timer.program.view import command

    loaded = load_program(folder / "block.toml")
    log = folder / "log.jsonl"
    start = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)
    log_session(log, loaded.plan(loaded.sessions[0]), "completed", at=start, rpe=6)
    log_session(log, loaded.plan(loaded.sessions[1]), "aborted", at=start + timedelta(days=3))
    args = type(
        "Args", (), {"file": str(folder / "block.toml"), "athlete": None, "log": [str(log)], "json": True}
    )
    assert command(args, today=start + timedelta(days=8)) == 0  # week 2 has begun: 4 sessions due
    out = json.loads(capsys.readouterr().out)
    assert out["name"] == "Winter block" and out["weeks"] == 7
    assert [s["status"] for s in out["sessions"][:3]] == ["done", "next", "todo"]
    assert out["sessions"][0]["date"] == "2026-11-02T17:00:00+00:00"
    assert out["next"]["program_session"] == 2 and out["next"]["circuit"] == "se.toml"
    assert out["compliance"] == {"done": 1, "due": 4}
    first = out["sessions"][0]
    assert (first["sets_done"], first["sets_planned"], first["reps"], first["srpe"]) == (2, 2, 24, 6)
    args.json = False
    assert command(args, today=start + timedelta(days=8)) == 0
    text = capsys.readouterr().out
    assert "2/2 sets, 24 reps, sRPE 6" in text
    assert "Compliance: 1 of 4 sessions due so far (25%)" in text
    assert "next  (interrupted: run --resume continues it)" in text
    assert "7  1/1      se.toml                       todo deload" in text


def test_schema_of_programs(capsys) -> None:
    assert main(["schema", "--program"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "circuit-timer program file"
    assert set(schema["required"]) == {"name", "phase"}
    phase = schema["$defs"]["ProgramPhase"]
    assert set(phase["properties"]) == {
        "name",
        "weeks",
        "sessions",
        "load_add",
        "work_add",
        "rounds",
        "sets",
        "deload",
    }
    assert phase["additionalProperties"] is False


def test_program_view_snapshot(folder: Path, capsys, monkeypatch: pytest.MonkeyPatch, snapshot) -> None:
    """The block at a glance as a coach reads it (update with --snapshot-update and read the .ambr)."""
    import time

    from timer.program.view import command

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    loaded = load_program("block.toml")
    log = folder / "log.jsonl"
    start = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)
    for k, status in ((1, "completed"), (2, "completed"), (3, "aborted")):
        log_session(log, loaded.plan(loaded.sessions[k - 1]), status, at=start + timedelta(days=3 * (k - 1)))
    args = type("Args", (), {"file": "block.toml", "athlete": None, "log": [str(log)], "json": False})
    assert command(args, today=start + timedelta(days=9)) == 0
    monkeypatch.delenv("TZ")
    time.tzset()
    assert capsys.readouterr().out == snapshot


def test_a_damaged_program_field_in_the_log_counts_nothing_and_is_reported(folder: Path) -> None:
    loaded = load_program("block.toml")
    log = folder / "log.jsonl"
    log_session(log, loaded.plan(loaded.sessions[0]), "completed")
    lines = log.read_text().splitlines()
    lines[0] = lines[0].replace('"program_session": 1', '"program_session": "1"')
    log.write_text("\n".join(lines) + "\n")
    sessions, problems = read_log(log)
    assert problems and "line 1" in str(problems[0])
    assert next_session(loaded, sessions, None).number == 1  # not counted as done
