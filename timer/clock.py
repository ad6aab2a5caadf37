"""Where time comes from: the real monotonic clock, or a fake one that tests move by hand."""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], float]
"""Any zero-argument callable returning monotonic seconds."""

monotonic: Clock = time.monotonic


class FakeClock:
    """A clock that only moves when told to: `clock.advance(1.5)`, `clock.set(10)`."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def set(self, now: float) -> None:
        self.now = now
