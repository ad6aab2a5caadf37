"""Estimated one-rep max (e1RM) from a test set, and loads rounded to what the plates allow."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

MAX_TEST_REPS = 12
"""Above this many reps no formula is trusted: the test set is rejected."""
RELIABLE_TEST_REPS = 10
"""Above this many reps the estimate is accepted with a warning (Reynolds et al. 2006)."""
LB_PER_KG = 1 / 0.45359237
MAX_WEIGHT = 2000.0
"""The heaviest weight (kg or lb) a file or the `e1rm` command accepts: anything above is a typo."""


FORMULAS: dict[str, Callable[[float, int], float]] = {
    "epley": lambda w, r: w * (1 + r / 30),
    "brzycki": lambda w, r: w * 36 / (37 - r),
    "lander": lambda w, r: 100 * w / (101.3 - 2.67123 * r),
    "lombardi": lambda w, r: w * r**0.10,
    "mayhew": lambda w, r: 100 * w / (52.2 + 41.9 * math.exp(-0.055 * r)),
    "oconner": lambda w, r: w * (1 + 0.025 * r),
    "wathan": lambda w, r: 100 * w / (48.8 + 53.8 * math.exp(-0.075 * r)),
}
"""Every formula takes the weight lifted and the reps done and returns the e1RM in the same unit."""


def estimate(weight: float, reps: int, formula: str = "epley") -> float:
    """Return the e1RM for `weight` lifted `reps` times; ValueError (in plain words) for bad input."""
    name = re.sub(r"[\s'\u2019_-]", "", formula.lower())  # "O'Connor", "o-conner", a typographic apostrophe
    name = "oconner" if name == "oconnor" else name
    if name not in FORMULAS:
        raise ValueError(f'unknown formula "{formula}" (choose one of: {", ".join(FORMULAS)})')
    if not math.isfinite(weight) or weight <= 0:
        raise ValueError(f"weight must be more than 0, not {weight:g}")
    if reps < 1 or reps > MAX_TEST_REPS:
        raise ValueError(
            f"a test set of {reps} reps cannot estimate a 1RM: use 1 to {MAX_TEST_REPS} reps "
            f"(estimates are reliable up to {RELIABLE_TEST_REPS})"
        )
    # A single is a true 1RM: not every curve passes through the weight at one rep (Mayhew gives 108.9
    # for 100 × 1), so the weight itself is the answer for every formula.
    return weight if reps == 1 else FORMULAS[name](weight, reps)


def round_to_increment(value: float, increment: float) -> float:
    """Round to the nearest multiple of `increment` (halves go up), without float noise like 32.500000001."""
    steps = math.floor(value / increment + 0.5 + 1e-9)
    return round(steps * increment, 6)


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert a weight between "kg" and "lb"."""
    if from_unit == to_unit:
        return value
    return value * LB_PER_KG if from_unit == "kg" else value / LB_PER_KG


def format_weight(value: float) -> str:
    """32.5 → "32.5", 30.0 → "30": no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
