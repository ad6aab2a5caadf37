"""Honest records: reps only when tapped or typed, time without pauses, and one meaning of set / done /
cut short that the summary, `history`, the history screen, `--resume` and the CSV all agree on."""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from timer import records
from timer.audio import RecordingPlayer
from timer.circuit import Circuit
from timer.clock import FakeClock
from timer.history.command import command as history_command
from timer.history.csv_export import write_csv
from timer.history.report import sessions_table
from timer.history.trends import SetPace, circuit_history, set_pace
from timer.plan import Plan, build_plan
from timer.replog import LoggedSet, SessionLog, find_resumable, read_log
from timer.replog.recorder import Recorder
from timer.runner import SessionRunner
from timer.session import RestExtended, State
from timer.tally import Tally
from timer.ui.screens.history import render_history

WALL = datetime(2025, 3, 3, 17, 0, tzinfo=UTC)


def make_plan() -> Plan:
    """prepare 10 | A 45 (20 kg) | rest 15 | complex Step-ups 25 + Split squat 20 | rest 15 | C 45: 3 sets."""
    return build_plan(
        Circuit.model_validate(
            {
                "name": "Records",
                "prepare": 10,
                "station": [
                    {"exercise": "A", "load": "20 kg", "work": 45, "rest": 15, "reps": 12},
                    {
                        "exercise": "Complex",
                        "rest": 15,
                        "part": [
                            {"exercise": "Step-ups", "load": "bw", "work": 25},
                            {"exercise": "Split squat", "load": "12.5 kg", "work": 20},
                        ],
                    },
                    {"exercise": "C", "load": "bw", "work": 45},
                ],
            }
        )
    )


PLAN = make_plan()


class Run:
    """A session driven as the run screen drives it: the real `SessionRunner`, engine and writer."""

    def __init__(self, path: Path, plan: Plan = PLAN) -> None:
        self.clock = FakeClock()
        self.t0 = self.clock()
        self.log = SessionLog(path, clock_start=self.t0, wall=lambda: WALL)
        self.recorder = Recorder(self.log)
        self.runner = SessionRunner(plan, self.clock, RecordingPlayer(), self.recorder)
        self.session = self.runner.session
        self.runner.start(self.t0)
        self.tally: Tally | None = None
        self.flush()

    def flush(self) -> State:
        return self.runner.poll(self.clock())

    def at(self, t: float) -> State:
        self.clock.set(self.t0 + t)
        return self.flush()

    def tap(self, n: int = 1) -> None:
        for _ in range(n):
            self.runner.add_rep()

    def undo(self) -> None:
        self.runner.undo_rep()

    def pause(self) -> None:
        self.runner.toggle_pause()
        self.flush()

    def skip(self) -> None:
        self.runner.skip()
        self.flush()

    def finish(self) -> None:
        """Let the session run out and build the summary's tally."""
        state = self.at(10_000)
        assert state.status == "finished"
        self.tally = self.runner.tally(state)

    def quit(self) -> None:
        """`q` → `y`: the set under way and `aborted`, and the summary of what was done."""
        self.tally = self.runner.tally(self.runner.stop())


@pytest.fixture
def run(log_path: Path) -> Run:
    """A session on PLAN under way at 0 s, its log at `log_path`."""
    return Run(log_path)


def records_of(path: Path, kind: str) -> list[dict[str, Any]]:
    return [r for r in map(json.loads, path.read_text().splitlines()) if r["type"] == kind]


# --- counted or not ----------------------------------------------------------------------------------------


def test_an_untouched_run_logs_no_invented_reps_anywhere(run: Run, log_path: Path) -> None:
    run.finish()
    sets = records_of(log_path, "set")
    assert len(sets) == 4 and all(s["reps"] is None and s["counted"] is False for s in sets)
    assert (
        records_of(log_path, "set_update") == [] and records_of(log_path, "session_end")[0]["total_reps"] == 0
    )
    assert sets[0]["target_reps"] == 12  # the target is there, as a target only
    (session,), _ = read_log(log_path)
    result = session.result()
    assert (result.done, result.not_counted, result.reps) == (3, 3, 0)
    assert run.tally is not None and all(line.reps is None for line in run.tally.sets)
    rows = list(csv.DictReader(io.StringIO(_csv(session))))
    assert {r["reps"] for r in rows} == {"—"} and {r["counted"] for r in rows} == {"false"}
    assert _table_cell(sessions_table([session]), "Not counted") == "3"


def test_a_tap_then_an_undo_to_zero_is_a_count_of_zero(run: Run, log_path: Path) -> None:
    run.at(15)
    run.tap()
    run.undo()
    run.at(56)
    first = records_of(log_path, "set")[0]
    assert (first["reps"], first["counted"]) == (0, True)


def test_a_typed_count_makes_a_set_counted(tmp_path: Path) -> None:
    run = Run(tmp_path / "log.jsonl")
    run.at(56)  # A ran out untouched
    (ended,) = run.session.completed_sets
    assert not ended.counted
    run.session.set_reps(ended.phase.index, 14)
    (ended,) = run.session.completed_sets
    assert ended.counted and ended.reps == 14 and run.session.counted(ended.phase.index)


# --- time that tells the truth ---------------------------------------------------------------------------


def test_paused_time_is_not_set_time_and_taps_while_paused_are_ignored(run: Run, log_path: Path) -> None:
    run.at(20)
    run.tap(3)
    run.pause()
    run.at(30)
    assert run.session.add_rep(run.clock()) is False and run.session.undo_rep(run.clock()) is False
    run.at(43)
    run.pause()  # 23 s paused, 10 s into A
    run.at(78.5)  # A ends at 10 + 45 + 23
    first = records_of(log_path, "set")[0]
    assert (first["started_t"], first["ended_t"]) == (10.0, 78.0)
    assert (first["active_s"], first["paused_s"], first["reps"]) == (45.0, 23.0, 3)
    assert len(records_of(log_path, "rep")) == 3


def test_a_set_skipped_while_paused_counts_only_its_running_time(run: Run, log_path: Path) -> None:
    run.at(20)
    run.pause()
    run.at(50)
    run.skip()
    first = records_of(log_path, "set")[0]
    assert (first["active_s"], first["paused_s"], first["ended_by"]) == (10.0, 30.0, "skip")


def test_quitting_mid_set_logs_active_time_without_the_pause(run: Run, log_path: Path) -> None:
    run.at(20)
    run.tap(2)
    run.pause()
    run.at(35)
    run.quit()
    cut = records_of(log_path, "set")[0]
    assert (cut["ended_by"], cut["reps"], cut["active_s"], cut["paused_s"]) == ("abort", 2, 10.0, 15.0)
    assert records_of(log_path, "session_end")[0]["paused_s"] == 15.0


def test_plus_15_s_is_logged_with_the_rests_new_length(run: Run, log_path: Path) -> None:
    run.at(60)  # in the rest after A
    assert run.session.extend_rest(run.clock(), 15)
    events = run.session.state(run.clock()).events
    assert [type(e) for e in events] == [RestExtended]
    run.recorder.event(events[0], run.clock())
    (extend,) = records_of(log_path, "extend")
    assert (extend["kind"], extend["seconds"], extend["duration_s"]) == ("rest", 15, 30.0)
    (session,), problems = read_log(log_path)
    assert session.extends == 1 and problems == []


def test_the_pace_chart_counts_back_an_undo() -> None:
    logged = LoggedSet(1, 1, 1, None, "A", "A", None, None, None, 45, 0.0, 45.0, 7, None, "time", 45.0)
    # 4 reps in the first 10 s, 4 in the next, then an undo in the third segment: 8 tapped, 7 done
    taps = [(float(t), n) for t, n in zip([1, 2, 3, 4, 11, 12, 13, 14], range(1, 9), strict=True)] + [
        (25.0, 7)
    ]
    pace = set_pace(logged, taps)
    assert isinstance(pace, SetPace) and pace.segment_s == 10
    assert pace.counts == (4, 3, 0, 0, 0) and sum(pace.counts) == 7


# --- session RPE -------------------------------------------------------------------------------------------


def test_session_rpe_is_logged_after_the_end_and_read_back(run: Run, log_path: Path) -> None:
    run.finish()
    assert run.log.session_rpe(run.clock(), 7, 30.0)
    (rpe,) = records_of(log_path, "session_rpe")
    assert (rpe["rpe"], rpe["minutes"], rpe["load"]) == (7, 30.0, 210)
    (session,), problems = read_log(log_path)
    assert (session.rpe, session.rpe_load, session.status, problems) == (7, 210, "completed", [])


@pytest.mark.parametrize("rpe", ["11", "-1", '"7"', "7.5", "true"])
def test_a_bad_rpe_record_is_reported_and_skipped(tmp_path: Path, rpe: str) -> None:
    path = tmp_path / "log.jsonl"
    Run(path).finish()
    with open(path, "a") as f:
        f.write(f'{{"v": 1, "type": "session_rpe", "session": "s", "t": 1, "rpe": {rpe}, "load": 1}}\n')
    sessions, problems = read_log(path)
    assert len(sessions) == 1 and sessions[0].rpe is None and len(problems) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("counted", '"yes"'), ("counted", "1"), ("active_s", '"45"'), ("paused_s", "NaN"), ("parts", "1.5")],
)
def test_a_bad_value_in_a_new_set_field_is_reported_and_the_record_skipped(
    tmp_path: Path, field: str, value: str
) -> None:
    path = tmp_path / "log.jsonl"
    Run(path).finish()
    lines = path.read_text().splitlines()
    i = next(n for n, line in enumerate(lines) if '"type": "set"' in line)
    record = json.loads(lines[i])
    lines[i] = json.dumps(record | {field: "@@"}).replace('"@@"', value)
    path.write_text("\n".join(lines) + "\n")
    (session,), problems = read_log(path)
    assert len(session.sets) == 3 and [p.where for p in problems] == [f"line {i + 1}"]


def test_old_logs_without_the_new_fields_still_read(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(
        '{"v": 1, "type": "session_start", "session": "s", "t": 0, "at": "2025-03-01T17:00:00Z", "sets": 1}\n'
        '{"v": 1, "type": "set", "session": "s", "t": 55, "round": 1, "station": 1, "set": 1, "part": null,'
        ' "started_t": 10, "ended_t": 55.4, "reps": 18, "ended_by": "time"}\n'
        '{"v": 1, "type": "session_end", "session": "s", "t": 56, "status": "completed", "total_s": 56}\n'
    )
    (session,), problems = read_log(path)
    logged = session.sets[(1, 1, 1, None)]
    assert problems == [] and logged.counted and logged.active_s == 45.4 and logged.paused_s is None
    assert session.result().sets_text() == "1/1 sets done"


# --- one rounding ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(175.4, "2:55"), (175.5, "2:56"), (59.5, "1:00"), (0.4, "0:00"), (3599.5, "1:00:00")],
)
def test_times_round_to_the_nearest_second_everywhere(seconds: float, shown: str) -> None:
    assert records.format_time(seconds) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"), [(23.9, "0:23"), (23.0, "0:23"), (59.99, "0:59"), (60.0, "1:00"), (0.0, "0:00")]
)
def test_pause_lengths_round_down_like_a_stopwatch(seconds: float, shown: str) -> None:
    """Issue 16 point 7: `paused 0:23` for 23.9 s (a second that has not passed is never shown)."""
    assert records.format_pause(seconds) == shown


@pytest.mark.parametrize(
    ("volume", "shown"), [(212.5, "212.5"), (212.04, "212"), (1280.0, "1 280"), (0.05, "0.1")]
)
def test_volume_is_rounded_once_to_a_tenth(volume: float, shown: str) -> None:
    assert records.format_volume(volume) == shown


# --- the five views agree ----------------------------------------------------------------------------------


def all_tapped(run: Run) -> None:
    for t in (15, 75, 100, 135):  # in A, part 1, part 2, C
        run.at(t)
        run.tap(5)
    run.finish()


def untouched(run: Run) -> None:
    run.finish()


def every_set_skipped_after_2_s(run: Run) -> None:
    while run.session.status != "finished":
        phase = run.session.phase
        if phase.is_work:
            run.clock.advance(2)
            run.flush()
        run.skip()
    run.finish()


def quit_in_the_last_station(run: Run) -> None:
    run.at(20)
    run.tap(3)
    run.at(140)
    run.tap(3)
    run.quit()


def quit_mid_complex(run: Run) -> None:
    run.at(20)
    run.tap(9)
    run.at(100)  # part 2
    run.tap(4)
    run.quit()


def paused_and_corrected(run: Run) -> None:
    run.at(20)
    run.tap(4)
    run.pause()
    run.at(43)
    run.pause()
    run.at(80)
    ended = run.session.completed_sets[0]
    run.runner.save_reps(ended.phase.index, 11)  # typed in the rest
    run.finish()


def killed_mid_complex(run: Run) -> None:
    run.at(100)  # part 2 under way, then kill -9: no record more


@dataclass(frozen=True)
class Expected:
    status: str
    done: int
    cut_short: int
    not_counted: int


CORPUS = {
    all_tapped: Expected("completed", 3, 0, 0),
    untouched: Expected("completed", 3, 0, 3),
    every_set_skipped_after_2_s: Expected("completed", 0, 3, 3),
    quit_in_the_last_station: Expected("aborted", 2, 1, 1),
    quit_mid_complex: Expected("aborted", 1, 1, 1),  # part 1 of the complex was not counted
    paused_and_corrected: Expected("completed", 3, 0, 2),
    killed_mid_complex: Expected("unfinished", 1, 1, 2),
}


def _csv(session: Any) -> str:
    out = io.StringIO()
    write_csv([session], out)
    return out.getvalue()


def _table_cell(table: str, header: str) -> str:
    """A right-aligned cell of the sessions table's last row, found under its header."""
    lines = table.splitlines()
    end = lines[1].index(header) + len(header)
    row = lines[-1].ljust(len(lines[1]))
    return row[:end].split("  ")[-1].strip()


@pytest.mark.parametrize("script", list(CORPUS), ids=lambda f: f.__name__)
def test_summary_history_screen_resume_and_csv_agree(tmp_path: Path, script: Any, capsys: Any) -> None:
    path = tmp_path / "log.jsonl"
    run = Run(path)
    script(run)
    want = CORPUS[script]
    (session,), problems = read_log(path)
    assert problems == [] and session.status == want.status
    planned = 3
    words = f"{want.done}/{planned} sets done" + (f", {want.cut_short} cut short" if want.cut_short else "")

    # 1. the summary (from the engine, not the log)
    if run.tally is not None:
        result = run.tally.result
        assert (result.done, result.cut_short, result.not_counted) == (
            want.done,
            want.cut_short,
            want.not_counted,
        )
        assert result.sets_text() == words and result.completed == (want.status == "completed")

    # 2. `history`
    args = argparse.Namespace(
        log=[str(path)], circuit=None, athlete=None, all=False, csv=None,
        since=None, until=None, units=None, format="ours", excel=False, fit=None,
    )  # fmt: skip
    assert history_command(args) == 0
    table = capsys.readouterr().out.split("\n\n")[0]
    assert f"  {want.status} " in table.splitlines()[-1]
    assert _table_cell(table, "Sets") == f"{want.done}/{planned}"
    assert _table_cell(table, "Cut short") == (str(want.cut_short) if want.cut_short else "")
    assert _table_cell(table, "Not counted") == (str(want.not_counted) if want.not_counted else "")

    # 3. the history screen
    screen = render_history(circuit_history("Records", None, [session], [])).plain
    assert f"({want.status}, {words}" in screen

    # 4. --resume
    point = find_resumable(path, name="Records")
    if want.status == "completed":
        assert point is None
    else:
        assert point is not None
        cut = f", {want.cut_short} cut short" if want.cut_short else ""
        assert f": {want.done} of {planned} sets done{cut};" in point.describe(PLAN)

    # 5. the CSV: each row carries its set's status; count the sets once
    rows = list(csv.DictReader(io.StringIO(_csv(session))))
    per_set = {(r["round"], r["station"], r["set"]): r["set_status"] for r in rows}
    assert Counter(per_set.values()) == Counter({"done": want.done, "cut short": want.cut_short}) - Counter()
    uncounted = {(r["round"], r["station"], r["set"]) for r in rows if r["counted"] == "false"}
    assert len(uncounted) == want.not_counted
    assert {r["status"] for r in rows} == {want.status}


def test_summary_and_history_show_the_same_time_and_volume(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "log.jsonl"
    run = Run(path)
    run.at(15)
    run.tap(7)  # A: 7 × 20 kg
    run.at(100)
    run.tap(3)  # Split squat: 3 × 12.5 kg = 37.5
    run.at(155.5)
    run.quit()
    assert run.tally is not None
    summary_volume = records.format_volume(run.tally.volume)
    (session,), _ = read_log(path)
    table = sessions_table([session])
    assert summary_volume == "177.5" and f"{summary_volume} kg" in table
    assert records.format_time(run.tally.total_s) == _table_cell(table, "Time") == "2:36"


def test_the_history_screen_rounds_volume_as_the_table_does() -> None:
    from timer.history.trends import trend_line

    assert trend_line([1280.46, 1290.55]) == "▁█  1 280.5 → 1 290.6 (+10.1)"
    assert trend_line([212.5]).endswith("  212.5")


# --- the weekly table's counts are result()'s --------------------------------------------------------------


def _set_line(sid: str, t: float, place: tuple[int, int, int, int | None], **fields: Any) -> str:
    record = {"v": 1, "type": "set", "session": sid, "t": t, "round": place[0], "station": place[1],
              "set": place[2], "part": place[3], "ended_by": "time", **fields}  # fmt: skip
    return json.dumps(record)


def test_counts_are_what_result_counts_for_every_kind_of_set(tmp_path: Path) -> None:
    """`LoggedSession.counts` (the weekly table's fast count) gives `result()`'s done, cut short, reps and
    volume, to the last bit of the float, on the corpus and on sets that test each rule: complexes missing
    a part, skips and quits, uncounted reps, corrections, kg, lb and no unit, sets logged out of order."""
    sessions = []
    for script in CORPUS:
        path = tmp_path / f"{script.__name__}.jsonl"
        script(Run(path))
        sessions.extend(read_log(path)[0])
    lines = [
        _set_line("odd", 5, (2, 1, 1, None), load=20.1, unit="kg", reps=7),
        _set_line("odd", 1, (1, 2, 1, 1), load=33.3, unit="lb", reps=11, parts=2),
        _set_line("odd", 2, (1, 2, 1, 2), load=12.7, unit=None, reps=None, parts=2),  # a complex, uncounted
        _set_line("odd", 3, (1, 3, 1, 1), load=41.9, unit="lb", reps=5, parts=3),  # a complex missing a part
        _set_line("odd", 4, (1, 3, 1, 2), load=0.3, unit="kg", reps=9, ended_by="skip"),
        _set_line("odd", 6, (2, 2, 1, None), load=None, unit="kg", reps=30, ended_by="abort"),
        _set_line("odd", 7, (2, 3, 1, 0), load=17.3, unit="lb", reps=3),
        _set_line("odd", 8, (2, 3, 1, None), load=2.9, unit="kg", reps=4),  # part 0 and none: one place
        _set_line("odd", 9, (2, 1, 1, None), type="set_update", reps=13),  # corrected
    ]
    odd = tmp_path / "odd.jsonl"
    odd.write_text("\n".join(lines) + "\n")
    (logged,), problems = read_log(odd)
    assert problems == [] and logged._unordered
    sessions.append(logged)
    for session in sessions:
        result = session.result()
        for unit in (None, "kg", "lb"):
            counts = session.counts(unit)
            assert counts == (result.done, result.cut_short, result.reps, result.volume(unit))
            assert counts.volume.hex() == result.volume(unit).hex()
    assert logged.counts("lb") != logged.counts("kg") and logged.counts()[:3] == (3, 2, 75)
