"""Keys mashed at random and the terminal resized under a live session (fake clock, Pilot).

A few hundred presses per seed: the run screen's keys, the quit dialog's, digits for the rep entry, and
keys nobody bound; between presses the clock jumps forward at random (sometimes across several phases)
and now and then the terminal changes size. After every step the engine's invariants must hold, the app
must still be running unless a quit was confirmed (or the summary's `q` pressed), and at the end the log
must agree with the engine about every set.
"""

from __future__ import annotations

import asyncio
import random
import unicodedata
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key
from textual.pilot import Pilot

from tests.conftest import circuit_text
from timer.clock import FakeClock
from timer.plan import load_plan
from timer.replog import read_log
from timer.ui.app import CircuitApp, make_app
from timer.ui.screens.confirm import ConfirmQuit
from timer.ui.screens.overview import OverviewScreen
from timer.ui.screens.run import RunScreen
from timer.ui.screens.summary import SummaryScreen
from timer.ui.widgets.bigdigits import BigDigits
from timer.ui.widgets.rep_entry import RepEntry

from .uihelp import at, in_session, screen_text, started

# prepare 5; 2 rounds of: squat 20 s x2 sets (rest 10), a complex of two 10 s parts (rest 10), step-ups
# 15 s; round rest 20 s. About 3 minutes: a few hundred presses with random jumps reach the summary.
CIRCUIT = circuit_text("mash")

RUN_KEYS = [key for binding in RunScreen.BINDINGS for key in binding.key.split(",")]  # type: ignore[union-attr]
ENTRY_KEYS = [*"0123456789", "backspace", "enter"]
OTHER_KEYS = ["a", "z", "x", "tab", "shift+tab", "up", "down", "left", "right", "home", "end", "pageup",
              "pagedown", "delete", "insert", "f1", "f5", "escape", "n", "j", "k", "0", "comma", "full_stop",
              "exclamation_mark", "ctrl+a", "ctrl+e", "ctrl+l", "ctrl+u", "ctrl+w"]  # fmt: skip
"""Not Ctrl+C, Ctrl+Z or Ctrl+Q: those are signals and quitting, tested where they are handled."""
SIZES = [(40, 12), (100, 30), (60, 20), (20, 6), (1, 1), (200, 60), (80, 24)]
STATUSES = {"running", "paused", "finished"}


async def quick_press(pilot: Pilot, key: str) -> None:
    """`pilot.press(key)` without its two fixed 20 ms idle waits: the key goes to the driver's queue the
    same way, then the app and the screen are let run until everything queued is handled (a few rounds,
    for the screens and callbacks a key can trigger). Five times faster, and as deterministic."""
    app = pilot.app
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)
    for _ in range(3):
        await asyncio.sleep(0)
        if not app.is_running:
            return
        await pilot._wait_for_screen()


async def settle(pilot: Pilot, top: object | None) -> None:
    """When a screen came or went (or may have: `top` None), let the app finish the change and its
    callbacks the slow, sure way."""
    app = pilot.app
    if app.is_running:
        await asyncio.sleep(0)
        await pilot._wait_for_screen()
    if app.is_running and (top is None or app.screen is not top):
        await pilot.pause()


def run_screen(app: App) -> RunScreen | None:
    return next((s for s in app.screen_stack if isinstance(s, RunScreen)), None)


class Checker:
    """The engine's invariants after each step, and what is needed to check them across steps."""

    def __init__(self) -> None:
        self.last_t = -1.0
        self.steps = 0

    def check(self, app: App, clock: FakeClock, what: str) -> None:
        self.steps += 1
        screen = run_screen(app)
        if screen is None:
            return
        session, state = screen.session, screen.last_state
        assert state is not None
        plan = session.plan
        assert session.status in STATUSES, what
        assert 0 <= session.phase_index < len(plan.phases), what
        assert state.status in STATUSES, what
        assert 0 <= state.elapsed <= state.phase_duration + 1e-9, (what, state)
        assert 0 <= state.remaining <= state.phase_duration + 1e-9, (what, state)
        assert state.phase_duration >= state.phase.duration_s, (what, state)  # only rests grow (+15 s)
        assert 0 <= state.total_remaining <= state.total_duration + 1e-9, (what, state)
        assert 0 <= state.shown_remaining <= max(1, round(state.phase_duration + 1)), (what, state)
        assert state.reps >= 0 and all(r >= 0 for r in session._reps.values()), what
        assert 0 <= state.paused_s <= state.t + 1e-9, (what, state)
        assert state.t >= self.last_t - 1e-9, (what, state.t, self.last_t)  # time never runs backwards
        assert state.t <= clock.now - session._start_now + 1e-9, what
        self.last_t = state.t
        for done in session.completed_sets:
            assert done.reps >= 0 and done.ended_t >= done.started_t - 1e-9, (what, done)
        entry = screen.query_one(RepEntry)
        assert entry.mode in ("off", "live", "entry"), what
        assert entry.shown is None or 0 <= entry.shown <= 9999, what
        digits = screen.query_one("#countdown", BigDigits)
        assert digits.text.replace(":", "").isdigit(), (what, digits.text)


async def mash_one_app(plan, seed_rng: random.Random, tmp_path: Path, budget: int) -> tuple[int, Path, list]:
    """Drive one app until it ends or `budget` presses are used; (presses, log path, completed sets)."""
    clock = FakeClock()
    log_path = tmp_path / f"log-{seed_rng.random():.12f}.jsonl"
    app = make_app(plan, clock=clock, voice=False, log_path=log_path, flash_s=0)
    checker = Checker()
    presses = 0
    history: list = []
    size = (80, 24)
    async with started(app, size) as pilot:
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("enter")
        await pilot.pause()
        screen = run_screen(app)
        assert screen is not None
        session = screen.session  # kept after the summary replaces the screen
        while presses < budget:
            roll = seed_rng.random()
            if roll < 0.35:
                step = seed_rng.choice([0, 0.001, 0.2, 0.5, 0.999, 1, 1.5, 2, 3])
            elif roll < 0.45:
                step = seed_rng.uniform(5, 30)
            elif roll < 0.48:
                step = seed_rng.uniform(
                    60, 200
                )  # a blocked loop or a sleeping laptop: several phases at once
            else:
                step = 0
            clock.advance(step)
            assert isinstance(app, CircuitApp)
            top = app.screen
            app.sync()  # the poll is synchronous: the state is checked before anything is drawn
            checker.check(app, clock, f"after +{step:.3f} s")
            await settle(pilot, top)  # what the poll posted (the summary, once the session ends)
            if presses % 5 == 0:
                screen_text(app)  # draw it: every widget renders its state, at whatever size
            if seed_rng.random() < 0.04:
                size = seed_rng.choice(SIZES)
                await pilot.resize_terminal(*size)
                await pilot.pause()
                checker.check(app, clock, f"after resize to {size}")
            pick = seed_rng.random()
            if pick < 0.55:
                key = seed_rng.choice(RUN_KEYS)
            elif pick < 0.8:
                key = seed_rng.choice(ENTRY_KEYS)
            elif pick < 0.97:
                key = seed_rng.choice(OTHER_KEYS)
            else:
                key = "y"
            confirming = isinstance(app.screen, ConfirmQuit)
            on_summary = isinstance(app.screen, SummaryScreen)
            stack = [type(s).__name__ for s in app.screen_stack]
            history.append((key, stack, round(clock.now - 1000, 3)))
            top = app.screen
            await quick_press(pilot, key)
            answering = (confirming and key in ("y", "n", "escape")) or (on_summary and key == "q")
            await settle(pilot, None if answering else top)
            presses += 1
            if not app.is_running:
                confirmed = (confirming and key == "y") or (on_summary and key == "q")
                assert confirmed, f"the app ended on {key!r} without a confirmed quit: {history[-8:]}"
                break
            checker.check(app, clock, f"after {key!r}")
    assert checker.steps > 0
    return presses, log_path, list(session.completed_sets)


def assert_log_agrees(log_path: Path, sets: list) -> None:
    """The log is readable without a problem and holds, for every set the engine finished, its reps."""
    sessions, problems = read_log(log_path, taps=True)
    assert problems == []
    assert len(sessions) == 1
    (session,) = sessions
    assert session.status in ("completed", "aborted", "unfinished")  # unfinished: the test left mid-session
    for done in sets:
        phase = done.phase
        logged = session.sets.get((phase.round, phase.station, phase.set, phase.part))
        assert logged is not None, phase
        assert (logged.reps or 0) == done.reps, (phase.exercise, phase.round, phase.set, logged, done)
    taps = [n for _, n in session.taps]
    assert all(n is None or n >= 0 for n in taps)
    if session.status != "unfinished":  # the end record's total: what the reader counts, corrections included
        assert session.total_reps == session.reps, (session.total_reps, session.reps_by_set())


async def mash(plan, seed: int, presses: int, tmp_path: Path) -> int:
    """`presses` random presses from `seed`, in as many app runs as quitting makes; returns the runs."""
    rng = random.Random(seed)
    budget, apps = presses, 0
    while budget > 0:
        used, log_path, sets = await mash_one_app(plan, rng, tmp_path, budget)
        budget -= used
        apps += 1
        assert_log_agrees(log_path, sets)
    return apps


@pytest.mark.parametrize("seed", [1, 2])
async def test_random_keys_never_break_the_engine_or_the_log(write_toml, tmp_path: Path, seed: int) -> None:
    """150 presses per seed (a few seconds); the slow soak below does 2000 for each of five seeds."""
    assert await mash(load_plan(str(write_toml(CIRCUIT)), None), seed, 150, tmp_path) >= 1


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10, 15))
async def test_random_keys_soak(write_toml, tmp_path: Path, seed: int) -> None:
    """Five seeds of 2000 presses, about a minute of mashing each (`pytest -m slow`)."""
    assert await mash(load_plan(str(write_toml(CIRCUIT)), None), seed, 2000, tmp_path) >= 1


# ---------------------------------------------------------------- resizing


def snapshot(screen: RunScreen) -> tuple:
    state = screen.last_state
    assert state is not None
    entry = screen.query_one(RepEntry)
    return (state.status, state.phase.index, state.reps, state.shown_remaining, round(state.paused_s, 6),
            round(state.t, 6), entry.mode, entry.shown, entry.buffer)  # fmt: skip


@pytest.mark.parametrize("when", ["work", "rest with typed reps", "paused", "round rest"])
async def test_resize_to_40x12_and_back_keeps_state_and_time(write_toml, when: str) -> None:
    plan = load_plan(str(write_toml(CIRCUIT)), None)
    clock = FakeClock()
    app = make_app(plan, clock=clock, voice=False, flash_s=0)
    async with in_session(app) as pilot:
        screen = run_screen(app)
        assert screen is not None
        await at(pilot, clock, 7.3)  # squat, set 1
        await pilot.press("space", "space", "space")
        if when == "rest with typed reps":
            await at(pilot, clock, 20)
            await pilot.press("1", "4")
        elif when == "paused":
            await pilot.press("p")
            await at(pilot, clock, 42)  # a long pause: nothing moves but the pause's length
        elif when == "round rest":
            await at(pilot, clock, 108)  # past set 2, the complex and the step-ups
        await pilot.pause()
        before = snapshot(screen)
        digits_before = screen.query_one("#countdown", BigDigits).region
        for size in [(40, 12), (20, 6), (1, 1), (40, 12)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            app.sync()
            await pilot.pause()
            assert snapshot(screen) == before, size
            assert app.is_running
        assert not screen.query_one("#rep-count").display  # the 40×12 layout
        digits = screen.query_one("#countdown", BigDigits)
        assert app.screen.region.contains_region(digits.region)
        assert set("".join(digits.lines())) <= set(" ▀▄█")
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        app.sync()
        await pilot.pause()
        assert snapshot(screen) == before
        assert screen.query_one("#countdown", BigDigits).region == digits_before
        assert not screen.has_class("-tiny")
        await at(pilot, clock, 1)  # and the clock goes on as if nothing happened
        after = screen.last_state
        assert after is not None
        if when == "paused":
            assert after.shown_remaining == before[3]
        else:
            assert after.t == pytest.approx(before[5] + 1)


async def test_quitting_after_going_back_into_a_finished_set_keeps_it(write_toml, tmp_path: Path) -> None:
    """The sequence the soak found: finish a set with 3 taps, `b` back into it, quit: the log keeps the 3."""
    plan = load_plan(str(write_toml(CIRCUIT)), None)
    clock = FakeClock()
    log_path = tmp_path / "log.jsonl"
    app = make_app(plan, clock=clock, voice=False, log_path=log_path, flash_s=0)
    async with started(app, (80, 24)) as pilot:
        await pilot.press("enter")
        await at(pilot, clock, 6)
        await pilot.press("space", "space", "space")
        await at(pilot, clock, 20)  # the set ended: 1 s into the rest
        await pilot.press("b", "b")  # restart the rest, then again at once: back to the set itself
        await at(pilot, clock, 4)
        screen = run_screen(app)
        assert screen is not None and screen.last_state is not None
        assert screen.last_state.phase.is_work and screen.last_state.phase.index == 1  # the set, again
        await pilot.press("space")  # a tap in the redo
        await pilot.press("q", "y")
        await pilot.pause()
    (session,), problems = read_log(log_path)
    assert problems == [] and session.status == "aborted"
    (logged,) = session.sets.values()
    assert (logged.reps, logged.ended_by) == (3, "time")
    assert_log_agrees(log_path, list(screen.session.completed_sets))  # session_end said 1 rep in all
