"""The rep log as the app shows it: a disk that fills up mid-session (warning, retries, saving the records
elsewhere at the summary), the summary's comparison with the previous session, and the history screen.

Logs are written by the real `SessionLog`; a full disk is the writer's `_append` raising ENOSPC for the
log file only (the rescue file is on another "disk").
"""

from __future__ import annotations

import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from tests.conftest import Disk, LoggedApp, circuit_text
from timer.clock import FakeClock
from timer.history.trends import bars, compare, segment_length, set_pace
from timer.plan import Plan, load_plan
from timer.replog import SessionLog, read_log
from timer.replog.recorder import default_rescue_path
from timer.ui.app import CircuitApp, make_app
from timer.ui.screens.confirm import ConfirmQuit
from timer.ui.screens.history import HistoryScreen
from timer.ui.screens.picker import PickerScreen
from timer.ui.screens.run import RunScreen
from timer.ui.screens.summary import SummaryScreen
from timer.ui.widgets.field import Field
from timer.ui.widgets.line import Line

from .uihelp import in_session, press, screen_text, settle, started

# 0 prepare 0-5 · 1 Squat 5-35 · 2 rest 35-45 · 3 Squat 45-75 · 4 rest 75-85 · 5 Step-ups 85-115
CIRCUIT = circuit_text("log-screens")


def status(app: App) -> str:
    """The run screen's status line (a toast may cover its end on screen)."""
    return app.screen.query_one("#status", Line).text


def records(path: Path) -> list[dict]:
    import json

    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def circuit(write_toml) -> Path:
    return write_toml(CIRCUIT)


@pytest.fixture
def plan(circuit: Path) -> Plan:
    return load_plan(str(circuit), None)


async def run_to(pilot, clock: FakeClock, seconds: float) -> None:
    clock.set(1000.0 + seconds)
    assert isinstance(pilot.app, CircuitApp)
    pilot.app.sync()
    await settle(pilot)


async def tap(pilot, n: int) -> None:
    await press(pilot, *["space"] * n)


async def taps_on_a_full_disk(pilot, clock: FakeClock, disk: Disk, taps: int) -> None:
    """6 s into the first Squat set the log's disk fills up; then `taps` reps are tapped."""
    await run_to(pilot, clock, 6)
    disk.full = True
    await tap(pilot, taps)


@asynccontextmanager
async def session_on_a_full_disk(logged_app: LoggedApp, taps: int) -> AsyncIterator[Pilot]:
    """The session under way with `taps` reps tapped after the log's disk filled up (see taps_on_a_full_disk)."""
    app, clock, disk = logged_app
    async with in_session(app) as pilot:
        await taps_on_a_full_disk(pilot, clock, disk, taps)
        yield pilot


# --- a disk that fills up ---------------------------------------------------------------------------------


async def test_disk_full_warns_retries_and_writes_everything_when_it_recovers(
    logged_app: LoggedApp, tmp_path: Path
) -> None:
    app, clock, disk = logged_app
    log = disk.log
    async with in_session(app, (100, 30), notifications=True) as pilot:
        await taps_on_a_full_disk(pilot, clock, disk, 3)
        await run_to(pilot, clock, 36)  # the set ends while the disk is full: the timer goes on
        screen = app.screen
        assert isinstance(screen, RunScreen) and screen.last_state.phase.kind == "rest"
        assert "log NOT saved (retrying)" in status(app)
        assert any("no space left on device" in str(n.message) for n in app._notifications)
        tries = disk.refused
        await run_to(pilot, clock, 46)
        await tap(pilot, 1)
        assert disk.refused > tries  # every new record tries the disk again
        disk.full = False
        await tap(pilot, 1)  # the next record takes every pending one with it
        assert "log NOT saved" not in status(app)
        await run_to(pilot, clock, 120)
        assert isinstance(app.screen, SummaryScreen)
        assert not app.screen.query_one("#summary-rescue").display  # nothing to rescue
    kinds = [r["type"] for r in records(log)]
    assert kinds[:4] == ["session_start", "rep", "rep", "rep"]
    assert kinds.count("set") == 3 and kinds[-1] == "session_end"
    [session], problems = read_log(log)
    assert not problems and session.status == "completed" and session.reps == 5


async def test_unsaved_records_are_offered_to_another_file_at_the_summary(
    logged_app: LoggedApp, tmp_path: Path, home: Path
) -> None:
    app, clock, disk = logged_app
    log = disk.log
    async with in_session(app) as pilot:
        await taps_on_a_full_disk(pilot, clock, disk, 4)
        await run_to(pilot, clock, 120)
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        text = screen_text(app)
        assert "could not be written to the log. Save them to another file:" in text
        field = summary.query_one("#rescue-path", Input)
        assert field.value == str(default_rescue_path()) and field.value.startswith(str(home))
        assert "circuit-timer-rescue-" in field.value and field.has_focus

        # A path that cannot be written: the reason, plainly, and the field stays for another try.
        field.value = str(tmp_path / "no-such-folder" / "rescue.jsonl")
        await press(pilot, "enter")
        said = summary.query_one("#rescue-status", Field).text
        assert said.endswith("does not exist. Create it, or choose another file.")
        assert "--log" not in said and not field.disabled

        field.value = str(default_rescue_path())
        await press(pilot, "enter")
        text = screen_text(app)
        assert "Saved to" in text and "Every record of this session is saved." in text
        await press(pilot, "q")
        assert not app.is_running
    rescue = default_rescue_path()
    assert [r["type"] for r in records(log)] == ["session_start"]
    saved = records(rescue)
    assert saved[0]["type"] == "session_start" and saved[-1]["type"] == "session_end"
    sessions, problems = read_log([log, rescue])
    [session] = sessions  # one session across the two files
    assert not problems and session.status == "completed" and session.reps == 4
    assert len(session.sets) == 3


async def test_q_at_the_summary_asks_while_records_are_unsaved(logged_app: LoggedApp, tmp_path: Path) -> None:
    app, clock, disk = logged_app
    async with in_session(app) as pilot:
        disk.full = True
        await run_to(pilot, clock, 120)
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("q")  # typed into the path field
        assert app.screen.query_one("#rescue-path", Input).value.endswith(".jsonlq")
        await press(pilot, "escape", "q")
        assert isinstance(app.screen, ConfirmQuit)
        assert "Quit without saving?" in screen_text(app)
        await press(pilot, "ctrl+c")  # not an answer here: the records would be lost
        assert isinstance(app.screen, ConfirmQuit)
        await press(pilot, "n")
        assert isinstance(app.screen, SummaryScreen) and app.is_running


async def test_quitting_with_a_full_disk_goes_to_the_summary_instead_of_exiting(
    logged_app: LoggedApp, tmp_path: Path
) -> None:
    app = logged_app[0]
    async with session_on_a_full_disk(logged_app, 2) as pilot:
        await press(pilot, "q", "y")
        assert app.is_running and isinstance(app.screen, SummaryScreen)
        assert app.screen.query_one("#summary-rescue").display and app.screen.query_one("#rescue-path", Input)


async def test_sigterm_with_a_full_disk_saves_to_the_rescue_file(
    logged_app: LoggedApp, tmp_path: Path
) -> None:
    app = logged_app[0]
    async with session_on_a_full_disk(logged_app, 2) as pilot:
        app.end_by_signal(signal.SIGTERM)
        await pilot.pause()
    assert app.return_code == 128 + signal.SIGTERM
    saved = records(default_rescue_path())
    assert saved[-1]["type"] == "session_end" and saved[-1]["status"] == "aborted"
    assert [r["reps"] for r in saved if r["type"] == "set"] == [2]


# --- comparing with the previous session ------------------------------------------------------------------


def write_session(
    path: Path, plan: Plan, reps: list[int | None], *, day: int, status: str = "completed", taps: bool = False
) -> str:
    """One session of `plan` in the log, `reps[i]` for its i-th work phase; optionally a tap per rep."""
    wall = datetime(2025, 3, day, 17, 0, tzinfo=UTC)
    log = SessionLog(path, clock_start=0.0, wall=lambda: wall)
    log.start(plan, now=0.0, circuit_path="c.toml", circuit_sha256="x")
    work = [p for p in plan.phases if p.is_work]
    for phase, count in zip(work, reps, strict=True):
        start, end = float(phase.start_s), float(phase.end_s)
        if taps and count:
            for n in range(1, count + 1):  # front-loaded: the pace falls off through the set
                log.rep(start + phase.duration_s * (n / count) ** 2 * 0.99, n)
        log.set_ended(phase, started_t=start, ended_t=end, reps=count, now=end)
    log.end(status, now=float(plan.total_s))  # type: ignore[arg-type]
    log.close()
    return log.session_id


async def test_summary_compares_each_set_with_the_previous_completed_session(plan, circuit, tmp_path) -> None:
    log = tmp_path / "log.jsonl"
    write_session(log, plan, [10, 9, 20], day=1)
    write_session(log, plan, [99, 99, 99], day=2, status="aborted")  # not a completed one: ignored
    clock = FakeClock()
    app = make_app(plan, clock=clock, voice=False, log_path=log, circuit_path=circuit)
    async with in_session(app) as pilot:
        for at, taps in ((6, 12), (46, 9), (86, 18)):
            await run_to(pilot, clock, at)
            await tap(pilot, taps)
        await run_to(pilot, clock, 120)
        assert isinstance(app.screen, SummaryScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        cells = [str(table.get_cell_at((row, 3))) for row in range(3)]
        assert cells == ["12 (+2)", "9 (=)", "18 (−2)"]
        assert "Against the previous completed session: ±0 reps · ▲1 ▼1 =1 sets" in screen_text(app)


async def test_summary_without_a_previous_session_shows_plain_reps(plan, circuit, tmp_path) -> None:
    log = tmp_path / "log.jsonl"
    clock = FakeClock()
    app = make_app(plan, clock=clock, voice=False, log_path=log, circuit_path=circuit)
    async with in_session(app) as pilot:
        await run_to(pilot, clock, 6)
        await tap(pilot, 7)
        await run_to(pilot, clock, 120)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert str(table.get_cell_at((0, 3))) == "7"
        assert "Against the previous" not in screen_text(app)


def test_compare_cells() -> None:
    assert compare(32, 30) == "32 (+2)"
    assert compare(29, 30) == "29 (−1)"
    assert compare(30, 30) == "30 (=)"
    assert compare(30, None) == "30"
    assert compare(None, 30) == "—"


# --- the history screen -----------------------------------------------------------------------------------


OTHER = circuit_text("other")


async def test_history_screen_from_the_picker(plan, write_toml, tmp_path) -> None:
    log = tmp_path / "log.jsonl"
    write_session(log, plan, [10, 9, 20], day=1)
    write_session(log, plan, [12, 11, 22], day=2)
    write_session(log, plan, [14, 12, 25], day=3, taps=True)
    other = load_plan(str(write_toml(OTHER, "other.toml")), None)
    write_session(log, other, [30], day=4, taps=True)
    app = make_app(None, voice=False, log_path=log, cwd=tmp_path)
    async with started(app, (110, 40)) as pilot:
        assert isinstance(app.screen, PickerScreen)
        await press(pilot, "h")
        assert isinstance(app.screen, HistoryScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        histories = app.screen.histories
        assert histories is not None
        assert [h.circuit for h in histories] == ["[bold]Other[/] circuit", "Log screens"]  # latest first
        squat = histories[1].stations[0]
        assert squat.reps == (19, 23, 26) and squat.volume == (570.0, 690.0, 780.0)
        text = screen_text(app)
        assert "[bold]Other[/] circuit" in text  # literally
        assert "Log screens" in text and "3 sessions" in text
        assert "19 → 26 (+7)" in text and "570 → 780 (+210)" in text
        assert "Pace in the latest session" in text
        pace = histories[1].pace
        assert [p.exercise for p in pace] == ["Squat", "Squat", "Step-ups"]
        assert pace[0].segment_s == 5 and sum(pace[0].counts) == 14
        assert pace[0].counts[0] > pace[0].counts[-1]  # the front-loaded taps show as a falling pace
        await press(pilot, "escape")
        assert isinstance(app.screen, PickerScreen)


async def test_history_screen_with_no_log_yet(tmp_path) -> None:
    app = make_app(None, voice=False, log_path=tmp_path / "log.jsonl", cwd=tmp_path)
    async with started(app) as pilot:
        await pilot.press("h")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "No sessions logged yet" in screen_text(app)


def test_pace_counts_taps_per_segment_and_undo_counts_back() -> None:
    from timer.replog import LoggedSet

    logged = LoggedSet(
        1, 1, 1, None, "Squat", "Squat", None, "kg", None, 120, 10.0, 130.0, 5, None, "time", 130.0
    )
    taps = [(12.0, 1), (20.0, 2), (41.0, 3), (42.0, 2), (43.0, 3), (100.0, 4), (129.0, 5), (131.0, 1)]
    pace = set_pace(logged, taps)
    assert pace is not None and pace.segment_s == 30
    assert pace.counts == (2, 1, 0, 2)
    assert set_pace(logged, [(200.0, 1)]) is None


@pytest.mark.parametrize(
    ("seconds", "segment"), [(20, 5), (45, 10), (90, 15), (120, 30), (180, 30), (600, 120)]
)
def test_segment_length_gives_a_handful_of_segments(seconds: float, segment: int) -> None:
    assert segment_length(seconds) == segment


def test_pace_bars_start_at_zero() -> None:
    assert bars([5, 5, 5]) == "███"
    assert bars([0, 4, 8]) == "▁▅█"
    assert bars([]) == ""


def test_rescue_path_is_dated_in_the_home_folder(home: Path) -> None:
    path = default_rescue_path(datetime(2025, 3, 2).date())
    assert path == home / "circuit-timer-rescue-2025-03-02.jsonl"
    assert default_rescue_path() != default_rescue_path(datetime.now().date() - timedelta(days=1))


# --- a hung disk (the log writes on its own thread) -----------------------------------------------------


async def test_a_hung_disk_never_freezes_the_screen_and_saved_is_said_only_once_fsynced(
    tmp_path: Path, circuit: Path, plan: Plan, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log's disk hangs from the first record: the screen keeps polling and drawing on the fake clock,
    the status line says `saving the log…`, and the summary says "Saving…" until the disk answers, then
    "Log written". Every record arrives in order."""
    from tests.conftest import HungDisk
    from timer.ui.widgets.bigdigits import BigDigits

    log = tmp_path / "log.jsonl"
    disk = HungDisk(monkeypatch, log)
    clock = FakeClock()
    app = make_app(plan, clock=clock, voice=False, log_path=log, circuit_path=circuit, flash_s=0)
    async with in_session(app) as pilot:
        assert disk.waiting.wait(5)  # the start record is stuck in the writer thread
        shown = []
        for t in (2, 6, 7, 36):  # not run_to: it would wait for the log (settle)
            clock.set(1000.0 + t)
            app.sync()
            await pilot.pause()
            shown.append(app.screen.query_one("#countdown", BigDigits).text)
            if t in (6, 7):
                await pilot.press("space")
        assert shown == ["0:03", "0:29", "0:28", "0:09"]  # prepare, Squat, Squat, the rest after it
        assert not disk.timed_out and status(app) == "saving the log…"
        clock.set(1000.0 + 120)
        app.sync()
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        line = summary.query_one("#summary-log", Field)
        assert line.text.startswith(f"Saving to {log}…")
        assert not summary.query_one("#summary-rescue").display
        disk.answer()
        assert app.ctx.recorder is not None and app.ctx.recorder.flush()
        app.sync()  # the summary's timer does this every 0.25 s
        assert line.text == f"Log written to {log}"
    assert not disk.timed_out
    kinds = [r["type"] for r in records(log)]
    assert kinds == ["session_start", "rep", "rep", "set", "set", "set", "session_end"]
    assert not [t for t in threading.enumerate() if t.name == "circuit-timer log writer"]
