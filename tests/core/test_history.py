"""`history`: the sessions table, trends, merging and filtering logs, the CSV export and its safety."""

from __future__ import annotations

import csv
import json
import time
from argparse import Namespace
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from timer import history
from timer.circuit import load_circuit
from timer.plan import Plan, build_plan
from timer.replog import SessionLog, read_log
from timer.resources import bundled_circuits
from timer.text import text_width


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch):
    """Dates are shown in local time: make local time UTC so the expected text is fixed."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="module")
def plan() -> Plan:
    path = next(p for p in bundled_circuits() if p.name == "runner-strength-endurance.toml")
    return build_plan(load_circuit(path))


@pytest.fixture(scope="module")
def demo() -> Plan:
    path = next(p for p in bundled_circuits() if p.name == "demo.toml")
    return build_plan(load_circuit(path))


DAY0 = datetime(2025, 3, 1, 17, 0, tzinfo=UTC)


def log_session(
    path: Path,
    plan: Plan,
    *,
    day: int,
    athlete: str | None = "Ann",
    bonus: int = 0,
    sets: int | None = None,
    status: str | None = "completed",
    edit=None,
) -> SessionLog:
    """A session written by the real writer, `day` days after DAY0, with target + `bonus` reps per set."""
    log = SessionLog(path, clock_start=0.0, wall=lambda: DAY0 + timedelta(days=day))
    log.start(
        plan,
        now=0.0,
        circuit_path="circuits/runner-strength-endurance.toml",
        circuit_sha256="c" * 64,
        athlete=athlete,
    )
    for phase in [p for p in plan.phases if p.is_work][:sets]:
        phase = edit(phase) if edit else phase
        log.set_ended(
            phase,
            started_t=phase.start_s,
            ended_t=phase.end_s + 0.4,
            reps=(phase.target_reps or 20) + bonus,
            now=phase.end_s,
        )
    if status:
        log.end(status, now=plan.total_s)  # type: ignore[arg-type]
    return log


def args(*logs: Path, circuit=None, athlete=None, all=False, csv=None, **more) -> Namespace:
    options = {"since": None, "until": None, "units": None, "format": "ours", "excel": False, "fit": None}
    return Namespace(
        log=[str(p) for p in logs] or None,
        circuit=circuit,
        athlete=athlete,
        all=all,
        csv=csv,
        **(options | more),
    )


def test_table_and_trends_on_a_real_log(
    tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "log.jsonl"
    for day, bonus in enumerate([0, 1, 3, 2, 5]):
        log_session(path, plan, day=day, bonus=bonus)
    log_session(path, plan, day=5, bonus=9, sets=3, status="aborted")
    log_session(path, plan, day=6, sets=1, status=None)  # killed: no end record

    assert history.command(args(path)) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines()[:9] == [
        "Sessions: 7",
        "Date              Circuit                      Athlete  Status       Time  Sets  Cut short  Reps  Not counted      Volume  RPE  sRPE",
        "2025-03-01 17:00  Runner strength-endurance A  Ann      completed   33:10   8/8              512                14 100 kg",
        "2025-03-02 17:00  Runner strength-endurance A  Ann      completed   33:10   8/8              522                14 340 kg",
        "2025-03-03 17:00  Runner strength-endurance A  Ann      completed   33:10   8/8              542                14 820 kg",
        "2025-03-04 17:00  Runner strength-endurance A  Ann      completed   33:10   8/8              532                14 580 kg",
        "2025-03-05 17:00  Runner strength-endurance A  Ann      completed   33:10   8/8              562                15 300 kg",
        "2025-03-06 17:00  Runner strength-endurance A  Ann      aborted     33:10   2/8              153               3 097.5 kg",
        "2025-03-07 17:00  Runner strength-endurance A  Ann      unfinished   3:10   1/8               60                 2 100 kg",
    ]
    assert out.split("\n\n")[1].splitlines() == [
        "Per week (sRPE = session RPE × minutes, Foster):",
        "Athlete  Week                    Sessions   Sets  Cut short  Reps       Volume  sRPE  No RPE",
        "Ann      2025-W09 (from 24 Feb)         2  16/16             1034    28 440 kg     -       2",
        "Ann      2025-W10 (from 03 Mar)         5  27/40             1849  49 897.5 kg     -       5",
    ]
    assert out.split("\n\n")[2].splitlines() == [
        "Reps per station in completed sessions (oldest → newest):",
        "Runner strength-endurance A · Ann (5 sessions)",
        "   1 Quarter squat             ▁▂▅▄█  120 → 130 (+10)",
        "   2 Step-up complex           ▁▂▅▄█  132 → 152 (+20)",
        "   3 Standing calf raise       ▁▂▅▄█  160 → 170 (+10)",
        "   4 Hip thrust                ▁▂▅▄█  100 → 110 (+10)",
    ]


def test_latest_twenty_unless_all(tmp_path: Path, demo: Plan, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "log.jsonl"
    for day in range(23):
        log_session(path, demo, day=day, bonus=day % 4)
    assert history.command(args(path)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Sessions: 20 latest of 23 (--all shows every one)"
    assert out[2].startswith("2025-03-04") and out[21].startswith("2025-03-23")
    assert "Demo: three minutes · Ann (20 sessions)" in out
    assert history.command(args(path, all=True)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Sessions: 23" and out[2].startswith("2025-03-01")


def test_merged_logs_and_athlete_filter(
    tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    ann, ben = tmp_path / "ann.jsonl", tmp_path / "ben.jsonl"
    log_session(ann, plan, day=0)
    log_session(ben, plan, day=1, athlete="Ben", bonus=2)
    log_session(ann, plan, day=2, bonus=1)
    log_session(ben, plan, day=3, athlete="Ben", bonus=4)

    assert history.command(args(ann, ben)) == 0
    out = capsys.readouterr().out
    rows = [line.split("  ")[2].strip() for line in out.splitlines()[2:6]]
    assert rows == ["Ann", "Ben", "Ann", "Ben"]  # merged in date order
    assert "Runner strength-endurance A · Ben (2 sessions)" in out and "· Ann (2 sessions)" in out

    assert history.command(args(ann, ben, athlete="ben")) == 0
    out = capsys.readouterr().out
    assert out.startswith("Sessions: 2\n") and " Ann " not in out
    assert "   1 Quarter squat             ▁█  124 → 128 (+4)" in out


def test_circuit_filter_by_name_or_file_name(
    tmp_path: Path, plan: Plan, demo: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "log.jsonl"
    log_session(path, plan, day=0)
    log_session(path, demo, day=1)
    assert history.command(args(path, circuit="demo: THREE minutes")) == 0
    assert capsys.readouterr().out.startswith("Sessions: 1\n")
    assert history.command(args(path, circuit="runner-strength-endurance")) == 0  # the file's name works too
    assert capsys.readouterr().out.startswith("Sessions: 2\n")  # (both were logged from that path here)
    for name in (
        "runner-strength-endurance.toml",
        "RUNNER-strength-endurance.TOML",
        "circuits/runner-strength-endurance.toml",
    ):
        assert history.command(args(path, circuit=name)) == 0  # with or without .toml, or as the path typed
        assert capsys.readouterr().out.startswith("Sessions: 2\n"), name
    assert history.command(args(path, circuit="Hill sprints", athlete="Zoe")) == 0
    assert capsys.readouterr().out == (
        'No sessions of circuit "Hill sprints" and athlete "Zoe" in the log.\n'
        "Circuits logged: Demo: three minutes, Runner strength-endurance A\n"
        "Athletes logged: Ann\n"
    )


def test_missing_or_empty_log_is_a_friendly_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "none.jsonl"
    assert history.command(args(missing)) == 0
    assert capsys.readouterr() == (f"No sessions logged yet in {missing}\n", "")
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert history.command(args(empty)) == 0
    assert capsys.readouterr().out == f"No sessions logged yet in {empty}\n"
    monkeypatch.setenv("CIRCUIT_TIMER_LOG", str(missing))
    assert history.command(args()) == 0  # no --log: the default path
    assert capsys.readouterr().out == f"No sessions logged yet in {missing}\n"


def test_unreadable_log_is_exit_1_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert history.command(args(tmp_path)) == 1
    out, err = capsys.readouterr()
    assert (
        out == ""
        and err
        == f"Cannot read the rep log {tmp_path}: is a directory. Check the path and its permissions.\n"
    )


def test_damaged_lines_are_warned_about_and_the_rest_shown(
    tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "log.jsonl"
    log_session(path, plan, day=0)
    with open(path, "ab") as f:
        f.write(b"#garbage\n")
    log_session(path, plan, day=1)
    with open(path, "ab") as f:
        f.write(b'{"v": 1, "type": "se')
    assert history.command(args(path)) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Sessions: 2\n")
    assert err.splitlines() == [
        f"warning: {path}: line 13: not a readable record (damaged, or not JSON); skipped, the rest is kept",
        f"warning: {path}: line 26: the last line is incomplete "
        "(the app or the computer stopped while writing it); "
        "skipped",
    ]


def test_hostile_names_cannot_drive_the_terminal(
    tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "log.jsonl"
    log_session(path, plan, day=0, athlete="Ann\x1b]0;pwned\x07\x1b[2J\u202e")
    assert history.command(args(path)) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "Ann\ufffd]0;pwned" in out


# ---------------------------------------------------------------- CSV


def test_csv_has_one_row_per_set_with_the_promised_columns(
    tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    path, out = tmp_path / "log.jsonl", tmp_path / "sets.csv"
    first = log_session(path, plan, day=0)
    log_session(path, plan, day=1, athlete="Ben", sets=3, status="aborted")
    assert history.command(args(path, csv=str(out))) == 0
    assert capsys.readouterr().out == f"Wrote 13 sets from 2 sessions to {out}\n"
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert (
        rows[0]
        == list(history.CSV_COLUMNS)
        == [
            "date",
            "session",
            "circuit",
            "athlete",
            "round",
            "station",
            "set",
            "part",
            "exercise",
            "load",
            "unit",
            "pct_e1rm",
            "target_s",
            "actual_s",
            "reps",
            "target_reps",
            "status",
            "ended_by",
            "set_status",
            "counted",
            "active_s",
            "paused_s",
            "rpe",
            "srpe_load",
        ]
    )
    assert len(rows) == 14
    assert rows[1] == [
        "2025-03-01 17:00:00",
        first.session_id,
        "Runner strength-endurance A",
        "Ann",
        "1",
        "1",
        "1",
        "",
        "Quarter squat",
        "35",
        "kg",
        "30",
        "180",
        "180.4",
        "60",
        "60",
        "completed",
        "time",
        "done",
        "true",
        "180.4",
        "0",
        "",
        "",
    ]
    assert rows[2][7:11] == ["1", "Step-ups", "", "kg"]  # a part of a complex; bodyweight has no load
    assert rows[13][3] == "Ben"
    assert not list(tmp_path.glob(".sets.csv.*"))  # no temp file left behind


def test_csv_filters_like_the_table(tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "log.jsonl"
    log_session(path, plan, day=0)
    log_session(path, plan, day=1, athlete="Ben")
    assert history.command(args(path, athlete="BEN", csv="-")) == 0
    rows = list(csv.reader(capsys.readouterr().out.splitlines()))
    assert len(rows) == 11 and {r[3] for r in rows[1:]} == {"Ben"}


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Squat = legs", "Squat = legs"),
        ("Ann-Marie", "Ann-Marie"),
        ("", ""),
        (-3.5, -3.5),
        (None, None),
    ],
)
def test_csv_safe(text, safe) -> None:
    assert history.csv_safe(text) == safe


def test_csv_injection_through_log_text_is_neutralised(tmp_path: Path, plan: Plan) -> None:
    path, out = tmp_path / "log.jsonl", tmp_path / "sets.csv"
    bad = "=cmd|' /C calc'!A0"
    log_session(
        path,
        plan,
        day=0,
        athlete="@evil",
        sets=1,
        edit=lambda p: replace(p, exercise=bad, unit="+kg", station_name="-x"),
    )
    with open(path, "a", encoding="utf-8") as f:  # a hand-edited log with text where numbers belong
        f.write(
            json.dumps(
                {
                    "v": 1,
                    "type": "session_start",
                    "session": "z",
                    "t": 0,
                    "at": "2025-03-02T00:00:00Z",
                    "circuit": "\tTab",
                    "athlete": "\rCR",
                }
            )
            + "\n"
        )
        f.write(
            json.dumps(
                {
                    "v": 1,
                    "type": "set",
                    "session": "z",
                    "t": 1,
                    "round": 1,
                    "station": 1,
                    "set": 1,
                    "part": None,
                    "exercise": "-1+1",
                    "load": "=1+1",
                    "reps": 3,
                }
            )
            + "\n"
        )
    sessions, problems = read_log(path)
    assert [p.where for p in problems] == ["line 5"]  # the text load is refused, not exported
    history.export_csv(sessions, out)
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[1][3] == "'@evil" and rows[1][8] == "'" + bad and rows[1][10] == "'+kg"
    assert rows[1][2] == "Runner strength-endurance A"
    assert len(rows) == 2  # session z has no readable set, so no row
    z = replace(sessions[0], id="z", circuit="\tTab", athlete="\rCR")
    assert next(history.csv_rows([z]))[2:4] == ["'\tTab", "'\rCR"]


def test_csv_to_a_folder_is_exit_1(tmp_path: Path, plan: Plan, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "log.jsonl"
    log_session(path, plan, day=0)
    assert history.command(args(path, csv=str(tmp_path))) == 1
    err = capsys.readouterr().err
    assert (
        err == f"Cannot write the CSV to {tmp_path}: it is a folder; "
        f"give a file name such as {tmp_path / 'sets.csv'}.\n"
    )


# ---------------------------------------------------------------- for the TUI


def test_previous_session_is_the_latest_other_completed_one(tmp_path: Path, plan: Plan, demo: Plan) -> None:
    path = tmp_path / "log.jsonl"
    log_session(path, plan, day=0, bonus=1)
    log_session(path, plan, day=1, bonus=2, athlete="Ben")
    log_session(path, plan, day=2, bonus=3, sets=2, status="aborted")
    log_session(path, demo, day=3)
    current = log_session(path, plan, day=4, bonus=5)
    sessions, _ = read_log(path)
    previous = history.previous_session(sessions, plan.name, athlete="Ann", exclude=current.session_id)
    assert previous is not None and previous[(1, 1, 1, None)] == 61 and len(previous) == 10
    assert history.previous_session(sessions, plan.name, exclude=current.session_id)[(1, 1, 1, None)] == 62
    assert history.previous_session(sessions, "Unknown") is None


@pytest.mark.parametrize(
    ("values", "bars"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8], "▁▂▃▄▅▆▇█"),
        ([5, 5, 5], "▄▄▄"),
        ([3, None, 9], "▁—█"),
        ([], ""),
        ([None], ""),
    ],
)
def test_sparkline(values, bars) -> None:
    assert history.sparkline(values) == bars


# --- a coach's history: dates, weeks, units, exports for other tools ---------------------------------------


def test_since_and_until_keep_the_days_between_both_included(
    tmp_path: Path, demo: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "log.jsonl"
    for day in range(6):  # 1 to 6 March
        log_session(path, demo, day=day)
    assert history.command(args(path, since=date(2025, 3, 2), until=date(2025, 3, 4))) == 0
    table = capsys.readouterr().out.split("\n\n")[0].splitlines()
    assert table[0] == "Sessions: 3" and [r[:10] for r in table[2:]] == [
        "2025-03-02",
        "2025-03-03",
        "2025-03-04",
    ]
    assert history.command(args(path, since=date(2025, 4, 1))) == 0
    assert capsys.readouterr().out.startswith("No sessions of from 2025-04-01 to today in the log.")
    assert history.command(args(path, since=date(2025, 3, 5), until=date(2025, 3, 1))) == 2
    assert "is after --until" in capsys.readouterr().err


def test_a_date_that_is_not_yyyy_mm_dd_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    from timer.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["history", "--log", str(tmp_path / "none.jsonl"), "--since", "3/2/2025"])
    assert stop.value.code == 2


def test_the_weekly_table_adds_up_each_athletes_week(
    tmp_path: Path, demo: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "log.jsonl"
    for day in (0, 2, 3):  # Sat 1 March (week 9), Mon 3 and Tue 4 March (week 10)
        log = log_session(path, demo, day=day)
        log.session_rpe(demo.total_s, 6, 10.0)
    log_session(path, demo, day=3, athlete="Ben")
    assert history.command(args(path)) == 0
    weekly = capsys.readouterr().out.split("\n\n")[1].splitlines()
    assert weekly[0] == "Per week (sRPE = session RPE × minutes, Foster):"
    assert [line.split()[:4] for line in weekly[2:]] == [
        ["Ann", "2025-W09", "(from", "24"],
        ["Ann", "2025-W10", "(from", "03"],
        ["Ben", "2025-W10", "(from", "03"],
    ]
    assert weekly[3].split()[-1] == "120" and weekly[2].split()[-1] == "60"  # sRPE: 6 × 10 min per session
    assert weekly[4].split()[-2:] == ["-", "1"]  # Ben gave no RPE: no load, one session without


def test_the_weekly_table_shows_the_latest_twelve_weeks_unless_all(
    tmp_path: Path, demo: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "log.jsonl"
    for week in range(14):  # one session a week, 14 weeks from Sat 1 March 2025
        log_session(path, demo, day=7 * week)
    assert history.command(args(path)) == 0
    weekly = capsys.readouterr().out.split("\n\n")[1].splitlines()
    assert weekly[0].endswith(": the latest 12 of 14 weeks (--all shows every one)")
    assert [line.split()[1] for line in weekly[2:]] == [f"2025-W{n:02d}" for n in range(11, 23)]
    assert history.command(args(path, all=True)) == 0
    weekly = capsys.readouterr().out.split("\n\n")[1].splitlines()
    assert weekly[0] == "Per week (sRPE = session RPE × minutes, Foster):"
    assert len(weekly[2:]) == 14


def test_a_squad_mixing_kg_and_lb_sees_volume_in_one_unit(
    tmp_path: Path, demo: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "log.jsonl"
    log_session(path, demo, day=0)
    pounds = replace(demo, unit="lb", phases=tuple(replace(p, unit="lb") for p in demo.phases))
    log_session(path, pounds, day=1, athlete="Ben")
    assert history.command(args(path)) == 0
    rows = capsys.readouterr().out.splitlines()[2:4]
    assert all(r.endswith(" kg") or " kg " in r for r in rows)  # mixed: both in kg
    assert history.command(args(path, units="lb")) == 0
    rows = capsys.readouterr().out.splitlines()[2:4]
    assert all(" lb" in r and " kg" not in r for r in rows)


def test_one_session_is_a_session(tmp_path: Path, demo: Plan, capsys: pytest.CaptureFixture[str]) -> None:
    path, out = tmp_path / "log.jsonl", tmp_path / "one.csv"
    log_session(path, demo, day=0, sets=1)
    assert history.command(args(path, csv=str(out))) == 0
    assert capsys.readouterr().out == f"Wrote 1 set from 1 session to {out}\n"
    assert history.command(args(path)) == 0
    assert "(1 session)" in capsys.readouterr().out


def test_a_byte_order_mark_only_with_excel(tmp_path: Path, demo: Plan) -> None:
    path = tmp_path / "log.jsonl"
    log_session(path, demo, day=0)
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    assert history.command(args(path, csv=str(plain))) == 0
    assert history.command(args(path, csv=str(excel), excel=True)) == 0
    assert plain.read_bytes().startswith(b"date,") and excel.read_bytes().startswith(b"\xef\xbb\xbfdate,")
    with open(excel, newline="", encoding="utf-8-sig") as f:
        assert next(csv.reader(f))[0] == "date"


def test_strong_format_has_strongs_columns_and_never_invents_reps(tmp_path: Path, plan: Plan) -> None:
    path, out = tmp_path / "log.jsonl", tmp_path / "strong.csv"
    log = log_session(path, plan, day=0, sets=3, status=None)  # squat, then the two parts of the complex
    log.set_update(next(p for p in plan.phases if p.is_work), None, 200.0)  # squat: count taken back
    log.end("completed", now=300.0)
    log.session_rpe(301.0, 8, 5.0)
    assert history.command(args(path, csv=str(out), format="strong")) == 0
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [
        "Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight", "Reps", "Distance",
        "Seconds", "Notes", "Workout Notes", "RPE",
    ]  # fmt: skip
    squat, step_ups, split = rows
    assert (squat["Exercise Name"], squat["Weight"], squat["Reps"], squat["Notes"]) == (
        "Quarter squat", "35", "", "reps not counted",
    )  # fmt: skip
    assert (step_ups["Exercise Name"], step_ups["Reps"], step_ups["Seconds"], step_ups["Set Order"]) == (
        "Step-ups", "36", "90", "1",
    )  # fmt: skip
    assert split["Date"] == "2025-03-01 17:00:00" and split["Duration"] == "5m"
    assert split["Workout Notes"] == "circuit-timer, completed; session RPE 8, sRPE load 40"


@pytest.mark.parametrize("columns", [100, 80])
def test_the_tables_fit_the_terminal_by_cutting_names_never_numbers(
    tmp_path: Path,
    plan: Plan,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    columns: int,
) -> None:
    """A 60-character circuit name and a long athlete name are cut with `…`; every number stays whole.

    At 100 columns both tables fit (the sessions table puts `Cut short` and `Not counted` on two header
    lines to make room). At 80 the number columns alone are wider than the terminal: the names are cut as
    far as they go (6 cells) and the lines run over, rather than lose a number.
    """
    path = tmp_path / "log.jsonl"
    long = replace(plan, name="Runner strength-endurance A, hills block, with the vest on, v2")
    log_session(path, long, day=0, athlete="Annabelle Fitzgerald-Oyelaran (Tuesday group)")
    monkeypatch.setenv("COLUMNS", str(columns))
    assert history.command(args(path)) == 0
    sessions, weeks = (part.splitlines() for part in capsys.readouterr().out.split("\n\n")[:2])
    if columns >= 100:
        assert all(text_width(line) <= columns for line in sessions + weeks), sessions + weeks
    row = sessions[-1].split()
    assert row[2:4] == ["Runne…", "Annab…"] and row[-6:] == ["33:10", "8/8", "512", "14", "100", "kg"]
    assert weeks[-1].startswith("Annab") and "…" in weeks[-1] and "8/8  " in weeks[-1]
    assert weeks[-1].split()[-5:] == ["14", "100", "kg", "-", "1"]
