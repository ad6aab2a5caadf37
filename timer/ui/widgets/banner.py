"""The phase banner: GET READY / WORK / REST / ROUND REST in a colour per phase, flashed on cues."""

from __future__ import annotations

from textual.color import Color
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

PHASE_TITLES = {
    "prepare": "GET READY",
    "work": "WORK",
    "rest": "REST",
    "round_rest": "ROUND REST",
    "finished": "DONE",
}


class PhaseBanner(Widget):
    """A full-width band naming the phase; its colour tells the phase from across the room."""

    DEFAULT_CSS = """
    PhaseBanner {
        width: 1fr;
        height: 3;
        content-align: center middle;
        text-style: bold;
        background: $panel;
        color: $foreground;
    }
    PhaseBanner.-prepare { background: #d79921; color: #1d2021; }
    PhaseBanner.-work { background: #2e9f4e; color: #0b1a0f; }
    PhaseBanner.-rest { background: #3a78c2; color: #ffffff; }
    PhaseBanner.-round_rest { background: #8e5fc2; color: #ffffff; }
    PhaseBanner.-finished { background: $panel; }
    PhaseBanner.-paused { background: #6c6c6c; color: #ffffff; }
    """
    FLASH_BACKGROUND = Color.parse("#ffffff")
    FLASH_COLOR = Color.parse("#000000")

    kind: reactive[str] = reactive("prepare")
    """The phase kind: prepare, work, rest, round_rest or finished."""
    paused: reactive[bool] = reactive(False)
    """Paused sessions say so in the banner, in grey."""
    flash: reactive[bool] = reactive(False)
    """True for the fraction of a second a cue lights the banner up."""
    detail: reactive[str] = reactive("")
    """Extra words after the title (e.g. the part of a complex)."""

    def watch_kind(self, old: str, new: str) -> None:
        self.remove_class(f"-{old}", update=False)
        self.add_class(f"-{new}")  # one restyle for both

    def watch_paused(self, paused: bool) -> None:
        self.set_class(paused, "-paused")

    def watch_flash(self, flash: bool) -> None:
        # Inline colours rather than a class: a restyle of the banner costs ~1 ms, at the moment a cue lands.
        self.styles.background = self.FLASH_BACKGROUND if flash else None
        self.styles.color = self.FLASH_COLOR if flash else None

    def on_mount(self) -> None:
        self.add_class(f"-{self.kind}")

    def render(self) -> Content:
        title = PHASE_TITLES.get(self.kind, self.kind.upper())
        if self.detail:
            title = f"{title} · {self.detail}"
        if self.paused:
            title = f"PAUSED · {title} · p to resume"
        return Content(title)
