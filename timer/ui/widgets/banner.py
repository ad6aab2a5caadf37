"""The phase banner: GET READY / WORK / REST / ROUND REST in large letters on the phase's band."""

from __future__ import annotations

from textual.color import Color
from textual.reactive import reactive

from timer.runner import PHASE_WORDS
from timer.ui.widgets.bigdigits import BigText

PHASE_TITLES = PHASE_WORDS
"""The banner's words (the benchmark reads them here to find phase changes in the terminal's output)."""


class PhaseBanner(BigText):
    """A full-width band naming the phase in large letters: readable from across the room without colour.

    Its colours (the phase's band, see app.tcss and timer/palette.py) come from a class per phase; a cue
    lights it up with inline colours instead (a restyle of the banner costs ~1 ms, at the moment a cue lands).
    """

    DEFAULT_CSS = """
    PhaseBanner {
        width: 1fr;
        height: 3;
        text-style: bold;
        background: $panel;
        color: $foreground;
    }
    """
    FLASH_BACKGROUND = Color.parse("#ffffff")
    FLASH_COLOR = Color.parse("#000000")

    kind: reactive[str] = reactive("prepare")
    """The phase kind: prepare, work, rest, round_rest or finished."""
    paused: reactive[bool] = reactive(False)
    """Paused sessions say PAUSED instead of the phase (the band turns grey)."""
    flash: reactive[bool] = reactive(False)
    """True for the moment a cue lights the banner up."""

    def watch_kind(self, old: str, new: str) -> None:
        self.remove_class(f"-{old}", update=False)
        self.add_class(f"-{new}")  # one restyle for both
        self._retitle()

    def watch_paused(self, paused: bool) -> None:
        self.set_class(paused, "-paused")
        self._retitle()

    def watch_flash(self, flash: bool) -> None:
        self.styles.background = self.FLASH_BACKGROUND if flash else None
        self.styles.color = self.FLASH_COLOR if flash else None
        self.notify_style_update()  # inline styles do not tell the widget: drop the kept lines

    def on_mount(self) -> None:
        self.add_class(f"-{self.kind}")
        self._retitle()

    def _retitle(self) -> None:
        self.text = "PAUSED" if self.paused else PHASE_TITLES.get(self.kind, self.kind.upper())
