"""A 2-hour session must not grow memory: the engine and the log alone (fast, in the default run), and the
whole app through Pilot (slow: `pytest -m slow tests/ui/test_soak.py`, about a minute or two).

Time is a fake clock moved the way the run screen moves it: to the next moment something changes
(`State.wake_in`, at most a second). Memory is measured with tracemalloc as the growth between the end of
the first quarter of the session and the end of the last: what a session legitimately keeps (one record
per set, a few per pause) is tiny; anything kept per tick, per poll or per repaint would show up as
tens of kilobytes to megabytes over the ~10 000 polls of two hours.
"""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from pathlib import Path

import pytest

from tests.conftest import circuit_text
from tests.ui.uihelp import in_session
from timer.clock import FakeClock
from timer.plan import load_plan
from timer.replog import SessionLog, read_log
from timer.session import Session
from timer.ui.app import CircuitApp, make_app
from timer.ui.screens.run import RunScreen
from timer.ui.screens.summary import SummaryScreen

from .test_key_mashing import quick_press

# 4 rounds x 4 stations x 2 sets of 2:30 work + 1:00 rest, 2:00 between rounds: 1 h 56 min.
TWO_HOURS = circuit_text("two-hours")


@pytest.fixture
def plan(write_toml):
    plan = load_plan(str(write_toml(TWO_HOURS)), None)
    assert 1.9 * 3600 < plan.total_s <= 2 * 3600
    return plan


def traced_now() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def test_two_hours_of_engine_and_log_keep_memory_flat(plan, tmp_path: Path) -> None:
    """Every poll of a 2-hour session, a tap every 2 s of work, a pause each round: growth under 64 KiB."""
    clock = FakeClock()
    session = Session(plan, metronome=True)  # the metronome is the most events per second
    log = SessionLog(tmp_path / "log.jsonl", clock_start=clock(), sync=False)
    session.start(clock())
    log.start(plan, now=clock())
    first_quarter_end: int | None = None
    polls = taps = 0
    last_tap = 0.0
    tracemalloc.start()
    try:
        while True:
            now = clock()
            state = session.state(now)
            for event in state.events:
                log.handle(event, now)
            polls += 1
            if state.status == "finished":
                break
            if state.phase.is_work and now - last_tap >= 2 and session.add_rep(now):
                log.rep(now, session.reps_for(session.phase_index))
                last_tap, taps = now, taps + 1
            if first_quarter_end is None and state.t >= plan.total_s / 4:
                first_quarter_end = traced_now()
            if state.phase.kind == "round_rest" and not session.pauses and state.elapsed > 5:
                session.pause(now)
                log.pause(now)
                clock.advance(30)
                session.resume(clock())
                log.resume(clock())
            clock.advance(min(state.wake_in, 1.0) + 0.002)
        end = traced_now()
    finally:
        tracemalloc.stop()
    assert first_quarter_end is not None
    growth = end - first_quarter_end
    assert polls > 6500 and taps > 1500, (polls, taps)
    print(f"engine soak: {polls} polls, {taps} taps, {growth} bytes growth")
    assert growth < 64 * 1024, f"{growth / 1024:.0f} KiB more after the first quarter"
    (logged,), problems = read_log(tmp_path / "log.jsonl")
    assert problems == [] and logged.status == "completed" and logged.reps == taps


async def poll_like_the_screen(app: CircuitApp, pilot, clock: FakeClock) -> float:
    """Move the clock to the run screen's next wake-up and let the app handle it; returns session time."""
    screen = next(s for s in app.screen_stack if isinstance(s, RunScreen))
    state = screen.last_state
    assert state is not None
    clock.advance(min(state.wake_in, 1.0) + 0.002)
    app.sync()
    await asyncio.sleep(0)
    await pilot._wait_for_screen()
    assert screen.last_state is not None
    return screen.last_state.t


@pytest.mark.slow
async def test_two_hours_through_the_whole_app_keep_memory_flat(plan, tmp_path: Path) -> None:
    """The app with its widgets, timers, cue flashes and log over 1 h 56 min of fake time, drawn every
    few seconds and resized now and then: growth between the first and the last quarter under 1 MiB.

    Measured: about 450 KB, and slowing down (177 B per poll in the second quarter, 66 B later): Rich's
    and Textual's bounded caches (cell lengths of recent strings, rendered lines) filling up. A leak of
    200 bytes per poll would add 1 MB over the ~5000 polls measured.
    """
    clock = FakeClock()
    app = make_app(plan, clock=clock, voice=False, log_path=tmp_path / "log.jsonl", flash_s=0.01)
    sizes = [(100, 30), (60, 20), (40, 12)]
    first_quarter_end: int | None = None
    steps = 0
    async with in_session(app) as pilot:
        tracemalloc.start()
        try:
            t = 0.0
            while isinstance(app.screen, RunScreen) or any(
                isinstance(s, RunScreen) for s in app.screen_stack
            ):
                t = await poll_like_the_screen(app, pilot, clock)
                steps += 1
                if steps % 3 == 0:
                    await quick_press(pilot, "space")  # a tap (ignored outside work)
                if steps % 20 == 0:
                    await pilot.pause()  # let timers fire and the screen repaint
                if steps % 2000 == 0:
                    await pilot.resize_terminal(*sizes[(steps // 2000) % len(sizes)])
                if first_quarter_end is None and t >= plan.total_s / 4:
                    first_quarter_end = traced_now()
                if t >= plan.total_s - 1:
                    break
            await pilot.pause()
            end = traced_now()
        finally:
            tracemalloc.stop()
        clock.advance(5)
        app.sync()
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
    assert first_quarter_end is not None
    growth = end - first_quarter_end
    print(f"app soak: {steps} polls, {growth} bytes growth")
    assert steps > 6500
    assert growth < 1024 * 1024, f"{growth / 1024:.0f} KiB more after the first quarter"
    (logged,), problems = read_log(tmp_path / "log.jsonl")
    assert problems == [] and logged.status == "completed"
