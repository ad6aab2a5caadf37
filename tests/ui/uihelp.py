"""Helpers for driving the app through Textual's Pilot with a fake clock (shared by the UI tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from textual.app import App
from textual.pilot import Pilot

from timer.clock import FakeClock
from timer.ui.app import CircuitApp


async def settle(pilot: Pilot) -> None:
    """Let the app catch up, its log's writer thread included: every record handed over is on disk (or its
    write failed), and the run screen has polled again to show that."""
    await pilot.pause()
    assert isinstance(pilot.app, CircuitApp)
    await picker_loaded(pilot)
    recorder = pilot.app.ctx.recorder
    if recorder is not None:
        recorder.flush()
    pilot.app.sync()
    await pilot.pause()


async def picker_loaded(pilot: Pilot) -> None:
    """On the picker: wait for its worker to read every file (the list fills in after the first frame)."""
    from timer.ui.screens.picker import PickerScreen

    if isinstance(pilot.app.screen, PickerScreen):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def at(pilot: Pilot, clock: FakeClock, seconds: float) -> None:
    """Move the fake clock by `seconds` and let the app catch up."""
    clock.advance(seconds)
    assert isinstance(pilot.app, CircuitApp)
    pilot.app.sync()
    await settle(pilot)


async def press(pilot: Pilot, *pressed: str) -> None:
    """Press `pressed` in order and let the app settle: the press-then-pause every UI test step needs."""
    await pilot.press(*pressed)
    await settle(pilot)


def screen_text(app: App) -> str:
    """Everything on the active screen, as plain text lines (drawn from the widgets' own render caches)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@asynccontextmanager
async def started(app: App, size: tuple[int, int] = (100, 30), **options: Any) -> AsyncIterator[Pilot]:
    """The app running at `size` (columns, rows), its first screen drawn."""
    async with app.run_test(size=size, **options) as pilot:
        await pilot.pause()
        await picker_loaded(pilot)
        yield pilot


@asynccontextmanager
async def in_session(app: App, size: tuple[int, int] = (100, 30), **options: Any) -> AsyncIterator[Pilot]:
    """The app running at `size` with its session started (Enter on the overview)."""
    async with started(app, size, **options) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        yield pilot
