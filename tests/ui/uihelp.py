"""Helpers for driving the app through Textual's Pilot with a fake clock (shared by the UI tests)."""

from __future__ import annotations

from textual.app import App
from textual.pilot import Pilot

from timer.clock import FakeClock
from timer.ui.app import CircuitApp


async def at(pilot: Pilot, clock: FakeClock, seconds: float) -> None:
    """Move the fake clock by `seconds` and let the app catch up."""
    clock.advance(seconds)
    assert isinstance(pilot.app, CircuitApp)
    pilot.app.sync()
    await pilot.pause()


def screen_text(app: App) -> str:
    """Everything on the active screen, as plain text lines (drawn from the widgets' own render caches)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
