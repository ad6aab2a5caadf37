"""What the tmux and pyte terminals share: a screen read back as text, and waits that poll it."""

from __future__ import annotations

import time
from collections.abc import Callable


class PolledScreen:
    """A terminal read back as text; every distinct screen read is kept in `seen`."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def _capture(self) -> str:
        raise NotImplementedError

    def screen(self) -> str:
        text = self._capture()
        if not self.seen or self.seen[-1] != text:
            self.seen.append(text)
        return text

    def wait_for(self, found: Callable[[str], bool], what: str, timeout: float = 20.0) -> str:
        """Poll the screen until `found(screen)`; fail with the last screen after `timeout`."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if found(text):
                return text
            time.sleep(0.05)  # polling the screen, not making time pass
        raise AssertionError(f"gave up waiting for {what}; the screen was:\n{text}")
