"""The phase colours stay apart for colour-blind athletes, and the 16-colour mapping is deliberate.

Colour-vision deficiencies are simulated with the full-severity matrices of Machado, Oliveira & Fernandes
(2009), "A Physiologically-based Model for Simulation of Color Vision Deficiency" (IEEE TVCG 15(6)), applied
to linear sRGB; distances are CIELAB ΔE*ab (CIE 1976): about 2.3 is a just-noticeable difference, and
25 is "another colour at a glance".
"""

from __future__ import annotations

import itertools
import math

import pytest

from timer.palette import ANSI16, PHASE_KINDS, TRUECOLOUR, css_variables

MACHADO_2009 = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}
VISIONS = [None, *MACHADO_2009]
MIN_PHASE_DISTANCE = 25.0
"""Every pair among the four phases and the alert."""
MIN_PAUSED_DISTANCE = 20.0
"""The paused grey against the others (a paused band also says PAUSED in large letters)."""


def _linear(hex_colour: str) -> list[float]:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def _simulate(hex_colour: str, vision: str | None) -> list[float]:
    rgb = _linear(hex_colour)
    if vision is None:
        return rgb
    return [
        min(max(sum(m * c for m, c in zip(row, rgb, strict=True)), 0.0), 1.0) for row in MACHADO_2009[vision]
    ]


def _lab(rgb: list[float]) -> tuple[float, float, float]:
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def distance(a: str, b: str, vision: str | None) -> float:
    return math.dist(_lab(_simulate(a, vision)), _lab(_simulate(b, vision)))


def test_the_simulation_is_machados() -> None:
    # Pure red and green are the classic confusion for a deuteranope: far apart normally, close simulated.
    assert distance("#ff0000", "#00ff00", None) > 150
    assert distance("#ff0000", "#00ff00", "deuteranopia") < 0.3 * distance("#ff0000", "#00ff00", None)
    # A tritanope confuses blue with green-cyan, not red with green.
    assert distance("#ff0000", "#00ff00", "tritanopia") > 100
    # Greys are untouched by every simulation (each matrix's rows sum to 1).
    for vision in MACHADO_2009:
        assert distance("#808080", "#808080", vision) == 0
        assert _simulate("#808080", vision) == pytest.approx(_linear("#808080"), abs=1e-3)


@pytest.mark.parametrize("vision", VISIONS, ids=lambda v: v or "normal")
def test_phases_and_alert_are_apart_for_every_vision(vision: str | None) -> None:
    kinds = [*PHASE_KINDS, "alert"]
    for a, b in itertools.combinations(kinds, 2):
        d = distance(TRUECOLOUR[a].band, TRUECOLOUR[b].band, vision)
        assert d >= MIN_PHASE_DISTANCE, f"{a} vs {b} for {vision or 'normal vision'}: ΔE {d:.1f}"
    for kind in kinds:
        d = distance(TRUECOLOUR["paused"].band, TRUECOLOUR[kind].band, vision)
        assert d >= MIN_PAUSED_DISTANCE, f"paused vs {kind} for {vision or 'normal vision'}: ΔE {d:.1f}"


def test_the_old_palette_would_have_failed() -> None:
    """The colours the athlete reported: REST and ROUND REST the same for a deuteranope (ΔE under 5)."""
    assert distance("#7fb3f0", "#c59cf0", "deuteranopia") < 5


def _relative_luminance(hex_colour: str) -> float:
    r, g, b = _linear(hex_colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("kind", [*TRUECOLOUR])
def test_ink_reads_on_its_band(kind: str) -> None:
    look = TRUECOLOUR[kind]
    assert _contrast(look.band, look.ink) >= 4.5, kind  # WCAG AA for text


def test_work_is_light_and_the_rests_are_dark() -> None:
    """Without colour the phases still differ: light band for work, dark for rests (and opposite ink)."""
    light = {k for k in PHASE_KINDS if _relative_luminance(TRUECOLOUR[k].band) > 0.5}
    dark = {k for k in PHASE_KINDS if _relative_luminance(TRUECOLOUR[k].band) < 0.2}
    assert light == {"prepare", "work"}
    assert "rest" in dark


def test_sixteen_colours_use_only_the_eight_basic_names_and_never_orange() -> None:
    basic = {f"ansi_{c}" for c in ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")}
    used = {colour for look in ANSI16.values() for colour in (look.band, look.ink)}
    assert used <= basic  # the bright ones are greys in Solarized, and an 8-colour terminal lacks them
    bands = [ANSI16[k].band for k in (*PHASE_KINDS, "alert")]
    assert len(set(bands)) == len(bands)  # every phase and the alert its own colour
    assert [k for k, look in ANSI16.items() if look.band == "ansi_red"] == ["alert"]


def test_css_variables_follow_the_mode() -> None:
    assert css_variables("truecolor")["work-band"] == TRUECOLOUR["work"].band
    assert css_variables("16")["round-rest-band"] == "ansi_magenta"
    assert css_variables("none")["alert-band"] == "ansi_red"
