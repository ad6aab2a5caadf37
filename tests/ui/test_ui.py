"""The Textual UI driven through Pilot with a fake clock: keys, rep entry, summary, markup safety, resize.

Time only moves when a test moves the clock; `app.sync()` then makes the run screen poll the engine.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.conftest import circuit_text
from timer.audio import RecordingPlayer
from timer.clock import FakeClock
from timer.palette import TRUECOLOUR
from timer.plan import load_plan
from timer.runner import WAKE_SLACK_S
from timer.ui.app import CircuitApp, make_app
from timer.ui.screens.confirm import ConfirmQuit
from timer.ui.screens.help import HelpScreen
from timer.ui.screens.overview import OverviewScreen
from timer.ui.screens.picker import PickerScreen
from timer.ui.screens.run import FLASH_BACKGROUND, RunScreen
from timer.ui.screens.summary import SummaryScreen
from timer.ui.widgets.banner import PhaseBanner
from timer.ui.widgets.bigdigits import BigDigits
from timer.ui.widgets.keybar import KeyBar
from timer.ui.widgets.rep_entry import RepEntry

from .uihelp import at, screen_text, started

FLASH_FILL = FLASH_BACKGROUND.hex.lower()
"""How the whole-screen flash colour appears in a screenshot SVG."""

# prepare 0-5, Squat 5-25, rest 25-35, Step-ups 35-55
SHORT = circuit_text("short")

MARKUP = r"""
name = "Ann [/] circuit"
notes = "[red]not red[/red] and [@click=app.quit]no click[/]"
prepare = "5s"
[[station]]
exercise = "[bold]Squat[/]"
load = "bodyweight"
work = "20s"
rest = "10s"
cues = ["[@click=app.quit]Go", "unmatched [/]"]
[[station]]
exercise = "[@click=app.quit]Go"
load = "bodyweight"
work = "20s"
"""


@pytest.fixture
def player() -> RecordingPlayer:
    return RecordingPlayer()


@pytest.fixture
def app(short_plan, clock: FakeClock, player: RecordingPlayer, tmp_path: Path) -> CircuitApp:
    return make_app(short_plan, clock=clock, player=player, voice=False, log_path=tmp_path / "log.jsonl")


def run_screen(app: App) -> RunScreen:
    screen = app.screen
    assert isinstance(screen, RunScreen), type(screen)
    return screen


async def start(pilot: Pilot) -> RunScreen:
    await pilot.pause()
    assert isinstance(pilot.app.screen, OverviewScreen)
    await pilot.press("enter")
    await pilot.pause()
    return run_screen(pilot.app)


def records(tmp_path: Path) -> list[dict]:
    lines = (tmp_path / "log.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


# --- overview -------------------------------------------------------------------------------------------


async def test_overview_shows_the_circuit_and_enter_starts(app: CircuitApp) -> None:
    async with started(app) as pilot:
        text = screen_text(app)
        assert "Test circuit" in text
        assert "Short one for tests." in text
        assert "Squat" in text and "30 kg · 30% e1RM" in text
        assert "Step-ups" in text and "bodyweight" in text
        assert "Total 0:55" in text and "Enter to start" in text
        await pilot.press("enter")
        await pilot.pause()
        screen = run_screen(app)
        assert screen.last_state is not None
        assert screen.last_state.phase.kind == "prepare"
        assert "GET READY" in screen_text(app)


# --- keys -----------------------------------------------------------------------------------------------


async def test_space_counts_only_during_work_and_minus_undoes(
    app: CircuitApp, clock: FakeClock, tmp_path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        await pilot.press("space", "space")
        assert screen.session.reps_for(1) == 0  # prepare: nothing counted
        await at(pilot, clock, 6)
        assert screen.last_state.phase.kind == "work"
        await pilot.press("space", "space", "space")
        assert screen.last_state.reps == 3
        await pilot.press("minus")
        assert screen.last_state.reps == 2
        assert screen.query_one("#rep-count", BigDigits).text == "2"  # the count in large digits
        assert "Reps:" not in screen_text(app)  # and not again as text beside them
        await at(pilot, clock, 20)  # into the rest
        await pilot.press("space")  # harmless during rest
        assert screen.session.reps_for(1) == 2
    taps = [r for r in records(tmp_path) if r["type"] == "rep"]
    assert [r["n"] for r in taps] == [1, 2, 3, 2]


async def test_pause_stops_the_countdown(app: CircuitApp, clock: FakeClock, tmp_path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        await at(pilot, clock, 10)  # 5 s into Squat: 15 left
        assert screen.last_state.shown_remaining == 15
        await pilot.press("p")
        assert screen.last_state.status == "paused"
        assert "PAUSED" in screen_text(app)
        await at(pilot, clock, 30)
        assert screen.last_state.shown_remaining == 15
        await pilot.press("space")  # taps still count while paused in work
        await pilot.press("p")
        await at(pilot, clock, 1)
        assert screen.last_state.status == "running"
        assert screen.last_state.shown_remaining == 14
    kinds = [r["type"] for r in records(tmp_path)]
    assert "pause" in kinds and "resume" in kinds


async def test_skip_and_back(app: CircuitApp, clock: FakeClock, tmp_path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        await pilot.press("n")
        assert screen.last_state.phase.kind == "work"
        assert screen.last_state.phase.exercise == "Squat"
        await at(pilot, clock, 5)
        assert screen.last_state.shown_remaining == 15
        await pilot.press("b")  # restart Squat
        assert screen.last_state.phase.exercise == "Squat"
        assert screen.last_state.shown_remaining == 20
        await pilot.press("b")  # again, at once: the phase before
        assert screen.last_state.phase.kind == "prepare"
    kinds = [r["type"] for r in records(tmp_path)]
    assert kinds.count("skip") == 1 and kinds.count("back") == 2


async def test_plus_extends_rests_only(app: CircuitApp, clock: FakeClock) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        await at(pilot, clock, 6)
        await pilot.press("plus")  # work: nothing happens
        assert screen.last_state.phase_duration == 20
        await at(pilot, clock, 20)  # rest, 9 s left
        assert screen.last_state.phase.kind == "rest"
        await pilot.press("plus")
        assert screen.last_state.phase_duration == 25
        assert screen.last_state.shown_remaining == 24
        await pilot.press("equals_sign")  # the same key without shift
        assert screen.last_state.phase_duration == 40


async def test_mute_and_metronome_toggle(app: CircuitApp, player: RecordingPlayer, clock: FakeClock) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        assert screen.query_one("#status").text == "sound: recording"  # said at the start, then it fades
        await at(pilot, clock, 5)
        assert "sound: recording" not in screen_text(app)
        await pilot.press("m")
        assert player.muted
        assert screen.query_one("#status").text == "sound: recording (muted) · the flashes stay"
        await pilot.press("m")
        assert not player.muted
        await at(pilot, clock, 5)  # into work: the station has no cadence
        await pilot.press("t")
        assert screen.session.metronome
        assert "metronome on · no cadence for this station" in screen_text(app)
        await at(pilot, clock, 4.5)
        assert screen.query_one("#status").text == ""  # the note faded


async def test_q_asks_first_and_n_keeps_the_session(app: CircuitApp, clock: FakeClock, tmp_path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("n")
        assert app.screen is screen
        await pilot.press("q", "y")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)  # what was done, before leaving
        last = records(tmp_path)[-1]
        assert last["type"] == "session_end" and last["status"] == "aborted"
        await pilot.press("enter", "q")  # skip the RPE, then quit
        await pilot.pause()
        assert not app.is_running


async def test_quitting_mid_set_logs_the_set_as_aborted(app: CircuitApp, clock: FakeClock, tmp_path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        await at(pilot, clock, 8)
        await pilot.press("space", "space", "q", "y")
        await pilot.pause()
    sets = [r for r in records(tmp_path) if r["type"] == "set"]
    assert sets[-1]["ended_by"] == "abort" and sets[-1]["reps"] == 2


async def test_help_overlay(app: CircuitApp, clock: FakeClock) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for key in ("space", "pause / resume", "add 15 s", "metronome", "quit"):
            assert key in text
        await pilot.press("escape")
        assert app.screen is screen


# --- rep entry ------------------------------------------------------------------------------------------


async def test_rep_entry_correction(app: CircuitApp, clock: FakeClock, tmp_path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        await at(pilot, clock, 6)
        await pilot.press(*["space"] * 9)
        await at(pilot, clock, 20)
        entry = screen.query_one(RepEntry)
        assert entry.mode == "entry" and entry.shown == 9
        assert "Squat reps: 9 / 12" in screen_text(app)
        await pilot.press("1", "p", "3")  # p still pauses while typing
        assert screen.last_state.status == "paused"
        await pilot.press("backspace", "4", "enter")
        assert screen.session.reps_for(1) == 14
        assert "saved" in screen_text(app)
    updates = [r for r in records(tmp_path) if r["type"] == "set_update"]
    assert [u["reps"] for u in updates] == [14]


async def test_shown_value_stands_when_the_rest_ends(app: CircuitApp, clock: FakeClock, tmp_path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        await at(pilot, clock, 26)  # Squat done with no taps: "not counted", never the target (12)
        assert screen.query_one(RepEntry).shown is None
        assert "Squat reps: not counted — type to enter / 12" in screen_text(app)
        await pilot.press("1", "1")  # typed, never confirmed
        await at(pilot, clock, 10)  # the rest ends
        assert screen.last_state.phase.exercise == "Step-ups"
        assert screen.session.reps_for(1) == 11
        assert screen.query_one(RepEntry).mode == "live"
    updates = [r for r in records(tmp_path) if r["type"] == "set_update"]
    assert [u["reps"] for u in updates] == [11]


async def test_digits_do_nothing_outside_a_rest(app: CircuitApp, clock: FakeClock) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        await at(pilot, clock, 6)
        await pilot.press("5", "enter", "backspace")
        assert screen.last_state.reps == 0
        assert screen.last_state.phase.kind == "work"


# --- cues and timing ------------------------------------------------------------------------------------


async def test_cues_play_and_flash(short_plan, clock: FakeClock, player: RecordingPlayer) -> None:
    app = make_app(short_plan, clock=clock, player=player, voice=False, flash_s=30)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        await at(pilot, clock, 5)  # work starts: "go"
        assert "go" in [c.kind for c in player.played]
        banner = screen.query_one(PhaseBanner)
        assert banner.flash and banner.styles.background.hex == "#FFFFFF"
        assert screen.screen_lit  # go lights the whole screen
        await pilot.pause()
        lit = app.export_screenshot()
        assert lit.count(FLASH_FILL) > 20  # every row of the screen in the flash colour, not only the banner
        countdown = screen.query_one("#countdown", BigDigits)
        assert countdown.has_class("-flash")
        inked = next(strip for strip in map(countdown.render_line, range(20)) if strip.text.strip())
        assert {seg.style.color.name for seg in inked} == {"#000000"}  # black digits on the lit screen
        screen._end_flash()  # what the real-time timer does after flash_s
        await pilot.pause()
        assert not screen.screen_lit
        assert FLASH_FILL not in app.export_screenshot()
        assert banner.styles.background is None or not banner.styles.inline.has_rule("background")
        assert banner.background_colors[1].hex == TRUECOLOUR["work"].band.upper()  # back to the work band


async def test_a_whole_screen_flash_is_one_frame_and_leaves_the_own_colours(
    short_plan, clock: FakeClock, player: RecordingPlayer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The go flash lights every row that shows the screen's background, and the phase change with it is
    drawn in one frame: a background on the screen itself made Textual repaint the screen, then every
    widget again a moment later (two whole frames at the moment a phase change should reach the screen)."""
    app = make_app(short_plan, clock=clock, player=player, voice=False, flash_s=30)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        await at(pilot, clock, 4)
        await pilot.pause()
        frames: list[object] = []
        real_display = app._display  # Textual's private "write a frame": fails by name if it changes
        monkeypatch.setattr(app, "_display", lambda *args: frames.append(args) or real_display(*args))
        await at(pilot, clock, 1)  # work starts: "go"
        for _ in range(3):
            await pilot.pause()
        assert screen.screen_lit and len(frames) == 1
        assert not screen.styles.inline.has_rule("background")  # the screen itself is never repainted
        keys, banner = screen.query_one(KeyBar), screen.query_one(PhaseBanner)
        lit = [row for row in screen.children if row.styles.inline.has_rule("background")]
        assert keys not in lit and banner in lit  # the keys keep theirs; the banner flashes white
        assert {row.id for row in lit} >= {"what", "load-row", "place", "next", "reps", "status"}
        assert all(row.styles.background == FLASH_BACKGROUND for row in lit if row is not banner)
        screen._end_flash()
        await pilot.pause()
        assert not any(row.styles.inline.has_rule("background") for row in screen.children)


async def test_last_three_seconds_use_the_alert_colour(app: CircuitApp, clock: FakeClock) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        await at(pilot, clock, 1)
        countdown = screen.query_one("#countdown")
        assert not countdown.has_class("-alert")
        await at(pilot, clock, 1.5)  # 2.5 s left of get ready
        assert countdown.has_class("-alert")
        await pilot.pause()
        assert TRUECOLOUR["alert"].band in app.export_screenshot()


async def test_a_session_freezes_the_start_up_objects_out_of_the_collectors_way(app: CircuitApp) -> None:
    import gc

    async with app.run_test(size=(100, 30)) as pilot:
        assert gc.get_freeze_count() == 0
        await start(pilot)
        assert gc.get_freeze_count() > 1000  # Textual, the widgets, the plan: skipped by later collections
    assert gc.get_freeze_count() == 0  # the run screen is gone: all of it can be collected again


async def test_poll_sleeps_until_the_next_change(app: CircuitApp, clock: FakeClock) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        loop = asyncio.get_running_loop()
        before = loop.time()
        await at(pilot, clock, 6.75)  # 18.25 s left of Squat: the display changes in 0.25 s
        after = loop.time()
        assert screen.last_state.wake_in == pytest.approx(0.25)
        assert screen._wake is not None
        # A moment on the loop's clock, a hair after the boundary, counted from the poll (not from later).
        assert before + 0.25 + WAKE_SLACK_S <= screen._wake_at <= after + 0.25 + WAKE_SLACK_S


class HeldFrames:
    """Stands in for the driver's hold and release (the headless test driver writes nothing to hold)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def hold(self, until: float) -> None:
        self.calls.append("hold")

    def release(self) -> None:
        self.calls.append("release")


def take_wake(screen: RunScreen) -> float:
    """Cancel the wake the last poll planned and return its moment: the loop's real clock must not fire it
    mid-test; the test calls what it would have called."""
    assert screen._wake is not None
    screen._wake.cancel()
    screen._wake = None
    return screen._wake_at


async def prepare_ahead(pilot: Pilot, screen: RunScreen, clock: FakeClock, ahead: float = 0.1) -> float:
    """Run now the prepare the last poll planned for the phase change `ahead` s away; returns its moment."""
    assert screen._wake is not None
    assert screen._wake._callback == screen._woken_to_prepare  # type: ignore[attr-defined]
    when = take_wake(screen)
    screen._woken_to_prepare(when, clock() + ahead)
    await pilot.pause()
    return when


async def test_a_phase_change_is_drawn_ahead_and_let_out_at_its_moment(
    app: CircuitApp, clock: FakeClock, player: RecordingPlayer, tmp_path: Path
) -> None:
    """The next phase's frame is drawn PREPARE_S early from the engine's preview and held; at the moment it
    is let out first, and only then does the poll play, log and hand out what the moment brings."""
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        frames = HeldFrames()
        screen._frames = frames  # type: ignore[assignment]
        await at(pilot, clock, 5 + 19.9)  # Squat: 0.1 s left; the poll plans to prepare the rest's frame
        frames.calls.clear()
        played = list(player.played)
        await prepare_ahead(pilot, screen, clock)
        assert frames.calls == ["hold"]
        banner = screen.query_one(PhaseBanner)
        assert banner.kind == "rest" and screen._countdown.text == "0:10"  # drawn, held by the driver
        assert screen.runner.last_state is not None and screen.runner.last_state.phase.kind == "work"
        assert player.played == played  # nothing of the moment has happened yet: no stop tone,
        assert not [r for r in records(tmp_path) if r["type"] == "set"]  # no set in the log
        take_wake(screen)  # the approach to the moment: the test says when it comes
        clock.advance(0.1)
        screen._woken()
        assert frames.calls == ["hold", "release"]  # the frame first, then the poll's work
        await pilot.pause()
        assert [cue.kind for cue in player.played[len(played) :]] == ["stop"]
        assert [r["type"] for r in records(tmp_path)].count("set") == 1
        assert banner.kind == "rest"


async def test_a_key_before_the_moment_lets_the_frame_out_and_draws_the_present(
    app: CircuitApp, clock: FakeClock
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        frames = HeldFrames()
        screen._frames = frames  # type: ignore[assignment]
        await at(pilot, clock, 5 + 19.9)
        when = await prepare_ahead(pilot, screen, clock)
        frames.calls.clear()
        await pilot.press("p")  # pause, 0.1 s before the rest: the held frame goes, the present follows
        await pilot.pause()
        assert frames.calls[0] == "release"
        banner = screen.query_one(PhaseBanner)
        assert banner.kind == "work" and banner.paused
        frames.calls.clear()
        screen._prepare(when, clock() + 0.1)  # a prepare planned before the key: stale, does nothing
        assert frames.calls == [] and banner.kind == "work"


async def test_a_key_just_before_a_rest_ends_keeps_its_rep_entry(app: CircuitApp, clock: FakeClock) -> None:
    """The work after the rest was drawn ahead (its live count in the big digits); `+` then extends the
    rest: the rest's entry, with what was typed, is back for the whole extended rest."""
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        frames = HeldFrames()
        screen._frames = frames  # type: ignore[assignment]
        await at(pilot, clock, 5 + 20)  # the rest after Squat
        await pilot.press("7")
        await at(pilot, clock, 9.9)  # 0.1 s of the rest left
        await prepare_ahead(pilot, screen, clock)
        assert screen.query_one(PhaseBanner).kind == "work"  # the preview, held
        await pilot.press("plus")  # 15 s more rest
        await pilot.pause()
        assert screen.query_one(PhaseBanner).kind == "rest"
        assert screen._entry.mode == "entry" and screen._rep_count.text == "7"
        await pilot.press("backspace", "9")  # and it still takes a correction
        await pilot.pause()
        assert screen._rep_count.text == "9"


async def test_session_to_summary(app: CircuitApp, clock: FakeClock, tmp_path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        await at(pilot, clock, 6)
        await pilot.press(*["space"] * 10)
        await at(pilot, clock, 20)
        await pilot.press("1", "2", "enter")
        await pilot.press("p")
        await at(pilot, clock, 7.9)  # a pause's length shows as the floor: 0:07 (issue 16 point 7)
        await pilot.press("p")
        await pilot.press("n")  # skip the rest of the rest
        await at(pilot, clock, 21)
        assert isinstance(app.screen, SummaryScreen)
        text = screen_text(app)
        assert "Summary" in text
        assert "Squat" in text and "Step-ups" in text
        assert "30 kg" in text and "bw" in text
        assert "12 reps" in text and "volume 360 kg" in text
        assert "Paused 1× for 0:07" in text
        assert "skipped 1: rest" in text
        assert str(tmp_path / "log.jsonl") in text
        await pilot.press("q")  # quits at once
        await pilot.pause()
        assert not app.is_running
    end = records(tmp_path)[-1]
    assert end["type"] == "session_end" and end["status"] == "completed"


# --- names with markup, resize, picker ------------------------------------------------------------------


async def test_markup_in_names_is_shown_literally(write_toml, clock: FakeClock) -> None:
    plan = load_plan(str(write_toml(MARKUP)), None)
    app = make_app(plan, clock=clock, voice=False)
    async with started(app) as pilot:
        text = screen_text(app)
        assert "Ann [/] circuit" in text
        assert "[red]not red[/red] and [@click=app.quit]no click[/]" in text
        assert "[bold]Squat[/]" in text and "[@click=app.quit]Go" in text
        await pilot.press("enter")
        await pilot.pause()
        assert "[bold]Squat[/]" in screen_text(app)  # what comes next, during get ready
        await at(pilot, clock, 6)
        text = screen_text(app)
        assert "[bold]Squat[/]" in text
        assert "[@click=app.quit]Go · unmatched [/]" in text
        await pilot.click("#detail")  # a click on the "link" text runs nothing
        await at(pilot, clock, 20)
        assert "[@click=app.quit]Go" in screen_text(app)
        assert app.is_running
        await at(pilot, clock, 30)
        assert isinstance(app.screen, SummaryScreen)
        assert "[bold]Squat[/]" in screen_text(app)
        assert app.is_running


async def test_resize_keeps_time_and_reps(app: CircuitApp, clock: FakeClock) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        await at(pilot, clock, 8)
        await pilot.press("space", "space")
        before = screen.last_state
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert not screen.query_one("#rep-count").display  # no room for the large count...
        assert "Reps: 2" in screen_text(app)  # ...so the reps row says it
        await pilot.resize_terminal(100, 30)
        await at(pilot, clock, 0)
        after = screen.last_state
        assert (after.phase.index, after.reps, after.shown_remaining) == (
            before.phase.index,
            before.reps,
            before.shown_remaining,
        )
        assert not screen.has_class("-tiny")


async def test_picker_lists_circuits_and_errors(tmp_path: Path, clock: FakeClock) -> None:
    (tmp_path / "circuits").mkdir()
    (tmp_path / "circuits" / "mine.toml").write_text(SHORT, encoding="utf-8")
    (tmp_path / "broken.toml").write_text('name = "Broken"\n[[station]]\nexercise = "x"\n', encoding="utf-8")
    app = make_app(None, clock=clock, voice=False, cwd=tmp_path)
    async with started(app) as pilot:
        assert isinstance(app.screen, PickerScreen)
        text = screen_text(app)
        assert "Demo: three minutes" in text  # bundled
        assert "Test circuit  0:55" in text
        assert "broken.toml" in text and "no work time" in text
        entries = app.screen.entries
        index = next(i for i, e in enumerate(entries) if e.plan and e.plan.name == "Test circuit")
        option_list = app.screen.query_one("#picker-list")
        option_list.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        assert app.screen.plan.name == "Test circuit"
        assert app.screen.query_one(DataTable).row_count == 2
        await pilot.press("escape")
        assert isinstance(app.screen, PickerScreen)


# --- the big digits -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "min_rows"),
    # At 100×30 the digits share the screen with the exercise and load in large letters (issue 16).
    [((100, 30), 11), ((60, 20), 7), ((40, 12), 3), ((200, 60), 30)],
)
async def test_countdown_digits_fill_the_space(app: CircuitApp, clock: FakeClock, size, min_rows) -> None:
    async with app.run_test(size=size) as pilot:
        screen = await start(pilot)
        await at(pilot, clock, 6)
        countdown = screen.query_one("#countdown", BigDigits)
        lines = countdown.lines()
        inked = [line for line in lines if line.strip()]
        assert len(inked) >= min_rows
        assert all(set(line) <= set(" ▀▄█") for line in lines)  # block digits, not the text fallback
        assert max(map(len, lines)) <= countdown.content_size.width
        # Centred: the blank columns left and right of the ink differ by at most one.
        ink = [i for i in range(countdown.content_size.width) if any(line[i] != " " for line in lines)]
        left, right = ink[0], countdown.content_size.width - 1 - ink[-1]
        assert abs(left - right) <= 1


async def test_countdown_on_screen_matches_its_drawing_second_by_second(
    app: CircuitApp, clock: FakeClock
) -> None:
    """Each second repaints only the cells that changed: what the screen shows must still be the new number."""
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        countdown = screen.query_one("#countdown", BigDigits)
        region = countdown.content_region
        seen = set()
        for _ in range(14):  # get ready 0:05 … 0:01, then Squat 0:20 … 0:12: every digit changes somewhere
            await at(pilot, clock, 1)
            rows = screen_text(app).splitlines()[region.y : region.bottom]
            assert [row[region.x : region.right] for row in rows] == countdown.lines(), countdown.text
            seen.add(countdown.text)
        assert len(seen) == 14


def test_changed_box_covers_exactly_the_cells_that_differ() -> None:
    from timer.ui.widgets.bigdigits import _changed_box

    assert _changed_box(["abc", "def"], ["abc", "def"]) is None
    box = _changed_box(["abcd", "efgh", "ijkl"], ["abXd", "efgh", "Yjkl"])
    assert (box.x, box.y, box.width, box.height) == (0, 0, 3, 3)
    box = _changed_box(["  12  ", "  34  "], ["  12  ", "  35  "])
    assert (box.x, box.y, box.width, box.height) == (3, 1, 1, 1)


@pytest.mark.parametrize(("width", "last_shown"), [(100, " t metronome "), (60, "? help ")])
async def test_key_bar_shows_whole_keys_in_order_and_a_click_presses_one(
    app: CircuitApp, clock: FakeClock, width: int, last_shown: str
) -> None:
    async with app.run_test(size=(width, 30)) as pilot:
        screen = await start(pilot)
        bar = screen.query_one(KeyBar)
        line = screen_text(app).splitlines()[-1]
        assert line.rstrip().endswith(last_shown.rstrip())  # cut between keys, never inside one
        assert line.index("space") < line.index("pause") < line.index("skip") < line.index("quit")
        assert len(line.rstrip()) <= width
        assert [key for *_, key in bar._spans][:3] == ["space", "p", "n"]
        pause_at = next(start for start, _, key in bar._spans if key == "p")
        await pilot.click(KeyBar, offset=(pause_at + 1, 0))
        await pilot.pause()
        assert screen.last_state.status == "paused"


def test_block_font_scales_and_falls_back() -> None:
    from timer.ui.widgets.bigfont import render_big

    assert len(render_big("0:45", 100, 18)) == 18  # 5x7 at scale 5: 35 pixel rows in 18 cell rows
    assert max(len(line) for line in render_big("0:45", 100, 18)) <= 100
    assert len(render_big("0:45", 40, 4)) == 4  # 5x7 at scale 1
    assert len(render_big("0:45", 40, 3)) == 3  # 3x5 font
    assert render_big("0:45", 40, 2) == ["0:45"]  # plain text
    assert render_big("12:34", 3, 1) == ["12:"]  # never wider than the room


async def test_a_skipped_set_is_not_offered_its_target(app: CircuitApp, clock: FakeClock) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(pilot)
        await at(pilot, clock, 6)
        await pilot.press("n")  # Squat skipped with no taps
        assert screen.last_state.phase.kind == "rest"
        assert screen.query_one(RepEntry).shown is None
        await at(pilot, clock, 10)  # the rest ends: nothing to stand
        assert screen.session.reps_for(1) == 0
        assert not screen.session.counted(1)


class FailingLog:
    """A log whose disk went away after the start record: it keeps records in memory and says so."""

    path = Path("/media/usb/log.jsonl")

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.failed = False
        self.last_error: str | None = None

    def __getattr__(self, name: str):
        def record(*args, **kwargs) -> bool:
            self.calls.append(name)
            if name != "start":
                self.failed, self.last_error = True, "Could not write to [/media/usb]: no space left"
            return not self.failed

        return record


async def test_a_failing_log_warns_and_the_timer_goes_on(short_plan, clock: FakeClock) -> None:
    log = FailingLog()
    app = make_app(short_plan, clock=clock, voice=False, log=log)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start(pilot)
        await at(pilot, clock, 6)
        await pilot.press("space")
        await at(pilot, clock, 1)
        assert "log NOT saved" in screen_text(app)
        await at(pilot, clock, 60)
        assert isinstance(app.screen, SummaryScreen)
        assert "Log problem: Could not write to [/media/usb]: no space left" in screen_text(app)
    assert log.calls[0] == "start" and "rep" in log.calls and "handle" in log.calls
