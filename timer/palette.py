"""The run screen's phase colours, chosen so that colour is never the only way to tell a phase.

Every phase is already told by its large word and by light against dark: WORK is a light band with dark
digits, the rests are dark bands with light digits, GET READY light, the last 3 seconds invert. The hues
on top were picked so that a deuteranope, a protanope and a tritanope still see every pair apart
(tests/core/test_palette.py simulates the three with the Machado, Oliveira & Fernandes 2009 matrices and
asserts a minimum CIELAB distance). On a 16- or 8-colour terminal the colours are named ANSI colours,
chosen on purpose (the user's theme decides what they look like: the ANSI "bright" colours are greys in
Solarized, so none is used, and nothing is orange that could turn into the alert red). With `NO_COLOR`
the bands are inverse video. No Textual here: `css_variables` feeds the app's style sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColourMode = Literal["truecolor", "16", "none"]
"""`truecolor` (also for 256-colour terminals: the colour cube is the same in every theme), `16` (8 or 16
named colours, mapped through the user's theme) or `none` (`NO_COLOR`: inverse video only)."""


@dataclass(frozen=True)
class Look:
    """How a band is drawn: its background (`band`) and the digits and words on it (`ink`)."""

    band: str
    ink: str


PHASE_KINDS = ("prepare", "work", "rest", "round_rest")

TRUECOLOUR: dict[str, Look] = {
    "prepare": Look("#ffe14d", "#1a1a1a"),  # light: yellow, dark ink
    "work": Look("#a0f5e0", "#0b1a14"),  # light: mint, dark ink
    "rest": Look("#1c3f9e", "#ffffff"),  # dark: deep blue, white ink
    "round_rest": Look("#b86bb0", "#000000"),  # mid: orchid, black ink
    "alert": Look("#d02a20", "#ffffff"),  # the last 3 seconds: red, white ink
    "paused": Look("#3a3a3a", "#e0e0e0"),  # dark grey (and the word PAUSED)
}
"""Truecolour looks. The bands' colours are what the colour-vision test checks."""

ANSI16: dict[str, Look] = {
    "prepare": Look("ansi_yellow", "ansi_black"),
    "work": Look("ansi_green", "ansi_black"),
    "rest": Look("ansi_blue", "ansi_white"),
    "round_rest": Look("ansi_magenta", "ansi_white"),
    "alert": Look("ansi_red", "ansi_white"),
    "paused": Look("ansi_black", "ansi_white"),
}
"""Only the eight basic colours: they exist on an 8-colour terminal, and every common theme keeps them
hues (the bright variants are greys in Solarized). Yellow is the only warm colour besides the alert red."""

FLASH = Look("#ffffff", "#000000")
"""A whole-screen flash: everything white, the digits black."""


def looks(mode: ColourMode) -> dict[str, Look]:
    """The looks for a colour mode (`none` uses the 16-colour names; the NO_COLOR filter drops them)."""
    return TRUECOLOUR if mode == "truecolor" else ANSI16


def css_variables(mode: ColourMode) -> dict[str, str]:
    """`$work-band`, `$work-ink`, ... for the style sheet, plus `$flash-band` / `$flash-ink`."""
    variables: dict[str, str] = {}
    for name, look in looks(mode).items():
        key = name.replace("_", "-")
        variables[f"{key}-band"] = look.band
        variables[f"{key}-ink"] = look.ink
    flash = FLASH if mode == "truecolor" else Look("ansi_white", "ansi_black")
    variables["flash-band"], variables["flash-ink"] = flash.band, flash.ink
    return variables
