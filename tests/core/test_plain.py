"""`run FILE --plain` end to end with the fake clock: lines in, lines out, and the log's records.

tests/circuits/log-screens.toml: prepare 0-5 · Squat 5-35 · rest 35-45 · Squat 45-75 · rest 75-85 ·
Step-ups 85-115 (session seconds). The session starts at once; `ScriptedLines` types each line at its time.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CIRCUITS, HungDisk
from tests.scripted import CTRL_C, CTRL_Z, START, ScriptedLines
from timer.audio import RecordingPlayer
from timer.cli import find_resume_point, main
from timer.clock import FakeClock
from timer.plain import COMMANDS, PlainOptions, PlainSession
from timer.plan import load_plan
from timer.replog.recorder import Recorder
from timer.replog.resume import prepare_resume


class Run:
    """One plain session: its printed lines, its log records, its exit code and the cues played."""

    def __init__(self, out: str, log: Path, code: int, player: RecordingPlayer, lines: ScriptedLines) -> None:
        self.out = out
        self.lines = out.splitlines()
        self.records = (
            [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
            if log.exists()
            else []
        )
        self.code = code
        self.played = [cue.kind for cue in player.played]
        self.source = lines

    def of(self, kind: str) -> list[dict]:
        return [r for r in self.records if r["type"] == kind]


def plain_run(
    tmp_path: Path,
    script: list[tuple[float, str | Callable[[], None]]],
    *,
    circuit: str = "log-screens",
    ascii: bool = False,
    log: bool = True,
    resume: bool = False,
) -> Run:
    """Run the circuit in line mode with the fake clock and a real `SessionLog` in tmp_path (`resume`: the
    interrupted session in that log, as `run --resume` finds it)."""
    path = tmp_path / f"{circuit}.toml"
    if not path.exists():
        shutil.copy(CIRCUITS / f"{circuit}.toml", path)
    clock = FakeClock(START)
    player = RecordingPlayer()
    out = io.StringIO()
    log_path = tmp_path / "log.jsonl"
    lines = ScriptedLines(clock, script)
    plan = load_plan(str(path))
    prepared = prepare_resume(find_resume_point(plan, path, log_path, None), plan) if resume else None
    session = PlainSession(
        plan,
        clock=clock,
        player=player,
        recorder=Recorder(None, log_path if log else None, prepared),
        out=out,
        lines=lines,
        options=PlainOptions(circuit_path=path, ascii=ascii, resume=prepared),
    )
    code = session.run()
    return Run(out.getvalue(), log_path, code, player, lines)


def test_a_whole_session_lines_in_lines_out_and_its_records(tmp_path: Path) -> None:
    script = [
        (6, ""), (7, ""), (8, ""), (9, "-"),  # 3 taps, 1 undone: 2
        (12, "p"), (15.9, "p"),  # paused 3.9 s
        (20, ""),  # 3
        (41, "12"),  # the rest (the set ran to 38.9): the set just done becomes 12
        (50, ""), (51, ""),
    ]  # fmt: skip
    run = plain_run(tmp_path, script)
    assert run.code == 0
    out = run.lines
    # the commands, once, at the start
    assert out[: len(COMMANDS) + 2][-len(COMMANDS) :] == list(COMMANDS)
    # one line per phase, with the phase word, exercise, load, set and round
    assert "GET READY 0:05 · next: Squat · 30 kg · 30% e1RM · Set 1/2 · Round 1/1 · Station 1/2" in out
    assert "WORK 0:30 · Squat · 30 kg · 30% e1RM · Set 1/2 · Round 1/1 · Station 1/2" in out
    assert "REST 0:10 · next: Squat · 30 kg · 30% e1RM · Set 2/2 · Round 1/1 · Station 1/2" in out
    assert "WORK 0:30 · Step-ups · bodyweight · Set 1/1 · Round 1/1 · Station 2/2" in out
    # reps as they are tapped, the pause with its length as the floor, the correction
    assert [line for line in out[:60] if line.startswith("reps")][:4] == [
        "reps 1",
        "reps 2",
        "reps 3",
        "reps 2",
    ]
    assert "PAUSED (WORK, 0:23 left; p goes on)" in out and "going on after 0:03 paused" in out
    assert "Squat: 3 reps" in out  # the set as it ended
    assert "Squat: 3 reps; type a number and Enter to correct it" in out
    assert "Squat: 12 reps saved" in out
    # the countdown: every 10 s and the last 3 s of a phase, the last 3 with their beep
    work1 = out.index("WORK 0:30 · Squat · 30 kg · 30% e1RM · Set 1/2 · Round 1/1 · Station 1/2")
    rest1 = out.index("REST 0:10 · next: Squat · 30 kg · 30% e1RM · Set 2/2 · Round 1/1 · Station 1/2")
    ticks = [line for line in out[work1:rest1] if line.endswith("left") or line.split(" ")[0] in "321"]
    assert ticks == ["0:20 left", "0:10 left", "3 · beep", "2 · beep", "1 · beep"]
    # cues as words, and the sound played as in the full UI
    assert {"cue: go", "cue: stop", "cue: finished"} <= set(out)
    assert "cue: 10 seconds left" not in out  # rests of 10 s have no rest10 tone
    assert run.played.count("go") == 3 and run.played.count("count") == 18
    assert sum(line.endswith("beep") for line in out) == 18  # each 3-2-1 beep said as it sounds
    assert out[-7:] == [
        "Summary · Log screens",
        "R1 S1 #1 · Squat · 30 kg · 12 reps · 0:30",
        "R1 S1 #2 · Squat · 30 kg · 2 reps · 0:30",
        "R1 S2 #1 · Step-ups · bodyweight · not counted · 0:30",
        "Time 1:59 · 3/3 sets done · 1 set not counted · 14 reps · volume 420 kg",
        "Paused 1× for 0:03 · nothing skipped",
        f"Log written to {tmp_path / 'log.jsonl'}",
    ]
    # the log: exactly what was tapped and typed
    sets = run.of("set")
    assert [(s["exercise"], s["reps"], s["counted"]) for s in sets] == [
        ("Squat", 3, True), ("Squat", 2, True), ("Step-ups", None, False),
    ]  # fmt: skip
    assert [(u["set"], u["reps"]) for u in run.of("set_update")] == [(1, 12)]
    assert [r["n"] for r in run.of("rep")] == [1, 2, 3, 2, 3, 1, 2]
    assert [(r["type"], r["t"]) for r in run.records if r["type"] in ("pause", "resume")] == [
        ("pause", 12.0), ("resume", 15.9),
    ]  # fmt: skip
    assert run.records[-1]["type"] == "session_end" and run.records[-1]["status"] == "completed"
    assert None not in run.source.waits[:-1]  # never blocked on input while the session ran


def test_a_number_during_work_is_the_sets_reps_when_it_ends(tmp_path: Path) -> None:
    """No rest follows the last set: a number typed during it is how its reps get in (a `set_update`)."""
    run = plain_run(tmp_path, [(90, "17"), (100, "q-not-a-command")])
    assert "Step-ups: 17 reps (typed; logged when the set ends)" in run.lines
    assert "not a command: 'q-not-a-command' (? lists them)" in run.lines
    assert "Step-ups: 17 reps" in run.lines
    [step_ups] = [s for s in run.of("set") if s["exercise"] == "Step-ups"]
    assert step_ups["reps"] is None  # the set record: nothing was tapped ...
    # ... then typed: the last set ends with the session, so it follows the end, as a summary correction does
    assert [r["type"] for r in run.records[-3:]] == ["set", "session_end", "set_update"]
    assert (run.records[-1]["station"], run.records[-1]["reps"]) == (2, 17)
    assert "R1 S2 #1 · Step-ups · bodyweight · 17 reps · 0:30" in run.lines


def test_q_stops_and_the_set_under_way_is_cut_short(tmp_path: Path) -> None:
    run = plain_run(tmp_path, [(6, ""), (7, ""), (20, "q")])
    assert run.code == 0
    assert "STOPPED (q): the set under way is logged as cut short" in run.lines
    assert "R1 S1 #1 · Squat · 30 kg · 2 reps · 0:15 · cut short" in run.lines
    [cut] = run.of("set")
    assert (cut["ended_by"], cut["reps"], cut["active_s"]) == ("abort", 2, 15.0)
    assert run.records[-1]["status"] == "aborted"
    assert run.records[-1]["t"] == 20.0  # stopped at once: no more records, no waiting for the end


def test_ctrl_c_stops_shows_the_summary_and_closes_the_log(tmp_path: Path) -> None:
    run = plain_run(tmp_path, [(6, ""), (10, CTRL_C)])
    assert run.code == 130
    assert "STOPPED (Ctrl+C): the set under way is logged as cut short" in run.lines
    assert run.lines[-1] == f"Log written to {tmp_path / 'log.jsonl'}"
    assert [r["type"] for r in run.records][-2:] == ["set", "session_end"]
    assert run.records[-1]["status"] == "aborted" and run.of("set")[0]["reps"] == 1


def test_the_end_of_input_changes_nothing_the_session_runs_on(tmp_path: Path) -> None:
    run = plain_run(tmp_path, [(6, "")])
    assert "(input ended: the session runs on; Ctrl+C stops it)" in run.lines
    assert run.records[-1]["status"] == "completed" and run.records[-1]["total_s"] == 115.0
    assert "How hard was this session?" not in run.out  # no one left to answer: not asked


def test_with_no_input_at_all_the_session_runs_to_its_end(tmp_path: Path) -> None:
    run = plain_run(tmp_path, [])
    assert run.records[-1]["status"] == "completed"
    assert all(s["reps"] is None and s["counted"] is False for s in run.of("set"))  # nothing invented


def test_the_session_rpe_is_asked_and_logged_when_someone_is_there(tmp_path: Path) -> None:
    run = plain_run(tmp_path, [(116, "eleven"), (117, "11"), (118, "7")])
    assert "How hard was this session? Type 0-10 and Enter (Enter alone skips)" in run.lines
    assert run.lines.count("RPE is a whole number from 0 to 10 (Enter alone skips)") == 2
    [rpe] = run.of("session_rpe")
    assert (rpe["rpe"], rpe["minutes"], rpe["load"]) == (7, 1.9, 13)


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("", "reps count during work (a number corrects the set just done)"),
        ("+", None),
        ("99999", "99999 reps? Type at most 9999."),
        ("x", "not a command: 'x' (? lists them)"),
        (">", "> moves to the next part of a complex, during the rest after it"),
    ],
)
def test_a_wrong_command_is_told_and_logs_nothing(tmp_path: Path, line: str, said: str | None) -> None:
    """During the get-ready phase: a tap, a reps number too big, something else."""
    run = plain_run(tmp_path, [(2, line), (3, "q")])
    if said is not None:
        assert said in run.lines
    assert [r["type"] for r in run.records] == [
        "session_start",
        *(["extend"] if line == "+" else []),
        "session_end",
    ]


def test_no_escape_codes_and_ascii_only_when_the_locale_is_not_utf8(tmp_path: Path) -> None:
    """A name with a dash and CJK, an ANSI escape kept out by `check`, and the `·` and `×` of every line."""
    text = (
        (CIRCUITS / "log-screens.toml").read_text(encoding="utf-8").replace('"Step-ups"', '"Step-ups — 深蹲"')
    )
    (tmp_path / "wide.toml").write_text(text, encoding="utf-8")
    utf8 = plain_run(tmp_path, [(6, ""), (90, "5")], circuit="wide")
    assert "\x1b" not in utf8.out and "深蹲" in utf8.out
    ascii = plain_run(tmp_path, [(6, ""), (90, "5")], circuit="wide", ascii=True)
    assert "\x1b" not in ascii.out and ascii.out.isascii()
    assert "WORK 0:30 . Squat . 30 kg . 30% e1RM . Set 1/2 . Round 1/1 . Station 1/2" in ascii.lines
    assert ascii.out.count("\n") == utf8.out.count("\n")  # the same lines, in ASCII


def test_resume_continues_the_interrupted_session_with_the_same_id(tmp_path: Path) -> None:
    first = plain_run(tmp_path, [(6, ""), (50, "q")])  # set 1 done, set 2 cut short at 5 s
    session = first.records[0]["session"]
    again = plain_run(tmp_path, [(12, ""), (13, "")], resume=True)
    assert "Resuming the session of" in again.out and "1 of 3 sets done" in again.out
    new = again.records[len(first.records) :]
    assert new[0]["type"] == "session_resume" and new[0]["session"] == session
    assert {r["session"] for r in new} == {session}
    # get ready (5 s), then set 2 again from its start: the taps at 12 and 13 s are its reps
    redone = [r for r in new if r["type"] == "set"]
    assert [(r["set"], r["station"], r["reps"]) for r in redone] == [(2, 1, 2), (1, 2, None)]
    assert new[-1]["type"] == "session_end" and new[-1]["status"] == "completed"


def test_flash_is_refused_with_plain(write_toml, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    circuit = tmp_path / "c.toml"
    shutil.copy(CIRCUITS / "short.toml", circuit)
    code = main(["run", str(circuit), "--plain", "--flash", "off", "--log", str(tmp_path / "log.jsonl")])
    assert code == 2
    assert (
        "--flash has no meaning with --plain (a line mode has no screen to flash)" in capsys.readouterr().err
    )
    assert not (tmp_path / "log.jsonl").exists()


def test_ctrl_z_pauses_before_the_process_stops_and_it_stays_paused_after_fg(tmp_path: Path) -> None:
    """As on the run screen: a `pause` record (no `reason`: the athlete's own), then `p` goes on."""
    path = tmp_path / "c.toml"
    shutil.copy(CIRCUITS / "log-screens.toml", path)
    clock = FakeClock(START)
    out = io.StringIO()
    lines = ScriptedLines(clock, [(6, ""), (10, CTRL_Z), (75, ""), (80, "p")])
    session = PlainSession(
        load_plan(str(path)),
        clock=clock,
        player=RecordingPlayer(),
        recorder=Recorder(None, tmp_path / "log.jsonl"),
        out=out,
        lines=lines,
        options=PlainOptions(circuit_path=path, suspend=lambda: clock.advance(60)),  # stopped for a minute
    )
    lines.on_ctrl_z = lambda: setattr(session, "suspend_asked", True)
    assert session.run() == 0
    said = out.getvalue().splitlines()
    assert said.index("PAUSED: suspended (fg brings it back; p goes on)") < said.index(
        "back: still paused; p goes on"
    )
    assert "paused: reps are not counted (p goes on)" in said  # the tap at 75 s, still paused
    log = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text(encoding="utf-8").splitlines()]
    pause, going_on = (r for r in log if r["type"] in ("pause", "resume"))
    assert (pause["t"], going_on["t"]) == (10.0, 80.0) and "reason" not in pause
    squat = next(r for r in log if r["type"] == "set")
    assert (squat["reps"], squat["paused_s"], squat["ended_t"]) == (1, 70.0, 105.0)


def test_a_hung_disk_is_said_and_the_timer_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The log writes on its own thread: the lines keep coming while the disk hangs, and nothing is called
    written before the disk has it."""
    disk = HungDisk(monkeypatch, tmp_path / "log.jsonl")
    run = plain_run(tmp_path, [(6, ""), (7, ""), (30, disk.answer)])
    assert not disk.timed_out
    said = run.lines
    saving = said.index("saving the log… (the disk is slow; the timer goes on)")
    assert said.count("saving the log… (the disk is slow; the timer goes on)") == 1
    assert "reps 2" in said[saving:] and "0:20 left" in said[saving:]  # taps and the countdown went on
    assert said[-1] == f"Log written to {tmp_path / 'log.jsonl'}"
    assert [r["type"] for r in run.records][:3] == ["session_start", "rep", "rep"]
    assert run.records[-1]["status"] == "completed"


class ClosingOutput(io.StringIO):
    """An output whose reader leaves after `lines` lines (a pipe into `head`): then every write fails."""

    def __init__(self, lines: int) -> None:
        super().__init__()
        self.left = lines

    def write(self, text: str) -> int:
        if self.left <= 0:
            raise BrokenPipeError(32, "Broken pipe")
        self.left -= 1
        return super().write(text)


@pytest.mark.parametrize("lines", [3, 40])  # during the start, or mid-set
def test_an_output_that_goes_away_stops_the_session_as_aborted(tmp_path: Path, lines: int) -> None:
    path = tmp_path / "c.toml"
    shutil.copy(CIRCUITS / "log-screens.toml", path)
    clock = FakeClock(START)
    out = ClosingOutput(lines)
    session = PlainSession(
        load_plan(str(path)),
        clock=clock,
        player=RecordingPlayer(),
        recorder=Recorder(None, tmp_path / "log.jsonl"),
        out=out,
        lines=ScriptedLines(clock, [(6, ""), (7, "")]),
        options=PlainOptions(circuit_path=path),
    )
    assert session.run() == 1
    assert session.output_gone
    log = tmp_path / "log.jsonl"
    if lines == 3:  # gone before the session started: nothing was begun, nothing is logged
        assert not log.exists() or log.read_text() == ""
        return
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert records[-1]["type"] == "session_end" and records[-1]["status"] == "aborted"
    assert clock() < START + 115  # stopped when the output went, not run on unseen to the end
