"""The real command in a pseudo-terminal read through `pyte` (a terminal emulator library): no tmux needed.

Same surface as `tests/e2e/tmux.py`'s `Terminal` (screen, keys, wait_for, seen), so a test can use either;
this one needs nothing but the test extra, so it runs on a fresh machine. tmux stays where a real terminal's
behaviour matters (what is left on the screen after the app has gone: pyte has no alternate screen).
Every wait polls the screen with a deadline; nothing sleeps for a fixed long time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from tests.needs import need_module
from tests.perf.ptyrun import PtyProcess

SIZE = (100, 30)
KEYS = {"Enter": "\r", "Space": " ", "Escape": "\x1b", "Tab": "\t", "C-c": "\x03", "C-z": "\x1a"}
"""tmux key names the tests use, as the bytes a terminal sends; any other key is sent as typed."""


class PyteTerminal:
    """`argv` on its own 100×30 pty; its output is fed to a pyte screen; every distinct screen read is kept."""

    def __init__(self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str]) -> None:
        pyte = need_module("pyte", "test")
        width, height = SIZE
        self._screen = pyte.Screen(width, height)
        self._stream = pyte.ByteStream(self._screen)
        self._fed = 0
        self.process = PtyProcess(argv, cols=width, rows=height, env=dict(env), cwd=str(cwd))
        self.seen: list[str] = []

    def screen(self) -> str:
        """The screen now, as lines of text (everything the program wrote so far, interpreted)."""
        end = self.process.mark()
        with self.process._lock:
            data = bytes(self.process.output[self._fed : end])
        self._fed = end
        self._stream.feed(data)
        text = "\n".join(line.rstrip() for line in self._screen.display)
        if not self.seen or self.seen[-1] != text:
            self.seen.append(text)
        return text

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.process.send(KEYS.get(key, key))

    def wait_for(self, found: Callable[[str], bool], what: str, timeout: float = 20.0) -> str:
        """Poll the screen until `found(screen)`; fail with the last screen after `timeout`."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if found(text):
                return text
            time.sleep(0.05)
        raise AssertionError(f"gave up waiting for {what}; the screen was:\n{text}")

    def exit_code(self, timeout: float = 20.0) -> int:
        """The program's exit code, once it has ended."""
        code = self.process.proc.wait(timeout)
        self.screen()  # the last of its output
        return code

    def kill(self) -> None:
        self.process.stop()
