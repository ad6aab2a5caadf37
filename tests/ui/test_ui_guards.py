"""Guards from the UI review: Ctrl+C over the help at the summary, the rescue file as a safety net on every
exit, non-circuit TOML files in the picker, the optional voice worker, and the `final` flash being seen.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.conftest import LoggedApp
from tests.ui.test_ui import SHORT
from tests.ui.test_ui_log import records, run_to, session_on_a_full_disk
from tests.ui.uihelp import in_session, press, screen_text, started
from timer import voice
from timer.audio import BellPlayer, NullPlayer, RecordingPlayer
from timer.clock import FakeClock
from timer.replog.recorder import default_rescue_path
from timer.ui.app import CircuitApp, make_app
from timer.ui.screens.confirm import ConfirmQuit
from timer.ui.screens.help import HelpScreen
from timer.ui.screens.picker import PickerScreen
from timer.ui.screens.run import RunScreen
from timer.ui.screens.summary import SummaryScreen


@asynccontextmanager
async def summary_with_unsaved_records(logged_app: LoggedApp) -> AsyncIterator[tuple[Pilot, SummaryScreen]]:
    """Run the session with the log's disk full from 6 s on: the summary offers to save 2 taps elsewhere."""
    async with session_on_a_full_disk(logged_app, 2) as pilot:
        await run_to(pilot, logged_app[1], 120)
        summary = pilot.app.screen
        assert isinstance(summary, SummaryScreen) and summary.query_one("#summary-rescue").display
        yield pilot, summary


# --- Ctrl+C with the help on top of the summary --------------------------------------------------------


async def test_ctrl_c_over_the_help_at_the_summary_asks_before_losing_records(
    logged_app: LoggedApp,
) -> None:
    app = logged_app[0]
    async with summary_with_unsaved_records(logged_app) as (pilot, summary):
        await press(pilot, "escape", "question_mark")  # leave the path field, open the help
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "ctrl+c")
        assert app.is_running
        assert isinstance(app.screen, ConfirmQuit) and "Quit without saving?" in screen_text(app)
        assert not any(isinstance(s, HelpScreen) for s in app.screen_stack)
        await press(pilot, "ctrl+c")  # not an answer: the records would be lost
        assert isinstance(app.screen, ConfirmQuit)
        await press(pilot, "n")
        assert app.screen is summary and app.is_running
        assert not default_rescue_path().exists()
    # The test then ends the app without an answer: the safety net saves the records rather than lose them.
    assert next(r["reps"] for r in records(default_rescue_path()) if r["type"] == "set") == 2


async def test_any_exit_with_unsaved_records_saves_them_to_the_rescue_file(
    logged_app: LoggedApp,
) -> None:
    app = logged_app[0]
    async with summary_with_unsaved_records(logged_app) as (pilot, _):
        app.exit(0)  # any way out that does not ask (app.quit, a crash in a handler...)
        await pilot.pause()
    saved = records(default_rescue_path())
    assert saved[0]["type"] == "session_start" and saved[-1]["type"] == "session_end"
    assert next(r["reps"] for r in saved if r["type"] == "set") == 2
    assert app.return_code == 0


async def test_quit_anyway_at_the_summary_writes_no_rescue_file(
    logged_app: LoggedApp,
) -> None:
    app = logged_app[0]
    async with summary_with_unsaved_records(logged_app) as (pilot, _):
        await press(pilot, "escape", "q", "y")
        assert not app.is_running
    assert not default_rescue_path().exists()


async def test_a_session_ended_by_an_unasked_exit_is_rescued_too(
    logged_app: LoggedApp,
) -> None:
    app = logged_app[0]
    async with session_on_a_full_disk(logged_app, 3) as pilot:
        app.exit(0)
        await pilot.pause()
    saved = records(default_rescue_path())
    assert saved[-1]["type"] == "session_end" and saved[-1]["status"] == "aborted"
    assert [r["reps"] for r in saved if r["type"] == "set"] == [3]


# --- the picker ------------------------------------------------------------------------------------------

PYPROJECT = """
[project]
version = "1.0"
[tool.ruff]
line-length = 110
"""


async def test_picker_skips_toml_files_that_are_not_circuits(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "ruff.toml").write_text("not = [valid", encoding="utf-8")  # unreadable: may be a circuit
    (tmp_path / "mine.toml").write_text(SHORT, encoding="utf-8")
    (tmp_path / "broken.toml").write_text('name = "Broken"\n[[station]]\nexercise = "x"\n', encoding="utf-8")
    (tmp_path / "circuits").mkdir()
    (tmp_path / "circuits" / "draft.toml").write_text('name = "Draft"\n', encoding="utf-8")
    app = make_app(None, clock=FakeClock(), voice=False, cwd=tmp_path)
    async with started(app):
        assert isinstance(app.screen, PickerScreen)
        text = screen_text(app)
        assert "pyproject.toml" not in text
        assert "Test circuit  0:55" in text and "Demo: three minutes" in text
        assert "broken.toml" in text and "no work time" in text  # a circuit with a problem: listed
        assert "ruff.toml  cannot be used" in text
        assert "draft.toml  cannot be used" in text  # ./circuits/ is always listed
        names = [e.path.name for e in app.screen.entries]
        assert "pyproject.toml" not in names and "mine.toml" in names


# --- the voice worker ------------------------------------------------------------------------------------


async def test_a_failing_voice_render_is_told_once_and_the_session_goes_on(
    short_plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(phrases):
        raise RuntimeError("speech tool exploded")

    monkeypatch.setattr(voice, "render_phrases", broken)
    clock = FakeClock()
    app = make_app(short_plan, clock=clock, player=RecordingPlayer(), voice=True, flash_s=0)
    async with started(app, (100, 30), notifications=True) as pilot:
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, RunScreen)
        said = [str(n.message) for n in app._notifications if "Spoken cues are off" in str(n.message)]
        assert len(said) == 1 and "speech tool exploded" in said[0]
        clock.advance(10)
        app.sync()
        await press(pilot, "space")
        assert app.screen.session.reps_for(1) == 1


@pytest.mark.parametrize("player", [NullPlayer(), BellPlayer(lambda: None), RecordingPlayer()], ids=type)
async def test_voices_are_rendered_only_for_a_player_that_plays_files(
    short_plan, monkeypatch: pytest.MonkeyPatch, player
) -> None:
    asked: list[list[str]] = []
    monkeypatch.setattr(voice, "render_phrases", lambda phrases: asked.append(phrases) or {})
    app = make_app(short_plan, clock=FakeClock(), player=player, voice=True, flash_s=0)
    async with started(app) as pilot:
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
    assert bool(asked) == isinstance(player, RecordingPlayer)


# --- the final flash -------------------------------------------------------------------------------------


async def test_the_final_flash_is_seen_before_the_summary(short_plan) -> None:
    # A long flash so the real-time timer that ends it cannot fire while the test looks (CI can be slow).
    clock = FakeClock()
    app = make_app(short_plan, clock=clock, player=RecordingPlayer(), voice=False, flash_s=30)
    async with in_session(app) as pilot:
        clock.advance(55.001)  # just past the end, as a real wake-up comes
        app.sync()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RunScreen) and screen.screen_lit
        assert [c.kind for c in app.ctx.player.played][-1] == "final"


async def test_the_summary_follows_the_final_flash(short_plan) -> None:
    clock = FakeClock()
    app = make_app(short_plan, clock=clock, player=RecordingPlayer(), voice=False, flash_s=0.2)
    async with in_session(app) as pilot:
        clock.advance(55.001)
        app.sync()
        # The flash ends on a real-time timer (0.2 s): wait for it, bounded, instead of sleeping a fixed time.
        for _ in range(100):
            if isinstance(app.screen, SummaryScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, SummaryScreen)


async def test_a_late_poll_goes_straight_to_the_summary(short_plan) -> None:
    clock = FakeClock()
    app: CircuitApp = make_app(short_plan, clock=clock, voice=False, flash_s=30)
    async with in_session(app) as pilot:
        clock.advance(100)  # the flash would long be over
        app.sync()
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)


def test_a_copy_of_a_bundled_circuit_is_offered_once(tmp_path: Path) -> None:
    """In a clone of the repository, ./circuits/ holds the very files the package bundles."""
    from timer.catalog import candidate_files
    from timer.resources import bundled_circuits

    (tmp_path / "circuits").mkdir()
    demo = bundled_circuits()[0]
    (tmp_path / "circuits" / demo.name).write_bytes(demo.read_bytes())
    (tmp_path / "circuits" / "mine.toml").write_bytes(demo.read_bytes() + b"\n# my copy\n")
    found = candidate_files(tmp_path)
    assert [source for _path, source in found].count("bundled") == len(bundled_circuits())
    assert [path.name for path, source in found if source != "bundled"] == ["mine.toml"]
