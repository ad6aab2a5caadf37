"""The real command in a pseudo-terminal read through `pyte` (a terminal emulator library): no tmux needed.

Same surface as `tests/e2e/tmux.py`'s `Terminal` (screen, keys, wait_for, seen), so a test can use either;
this one needs nothing but the test extra, so it runs on a fresh machine. tmux stays where a real terminal's
behaviour matters (what is left on the screen after the app has gone: pyte has no alternate screen).
Every wait polls the screen with a deadline; nothing sleeps for a fixed long time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.needs import need_module
from tests.perf.ptyrun import PtyProcess

from .screens import PolledScreen

SIZE = (100, 30)
KEYS = {"Enter": "\r", "Space": " ", "Escape": "\x1b", "Tab": "\t", "C-c": "\x03", "C-z": "\x1a"}
"""tmux key names the tests use, as the bytes a terminal sends; any other key is sent as typed."""


class PyteTerminal(PolledScreen):
    """`argv` on its own 100×30 pty; its output is fed to a pyte screen; every distinct screen read is kept."""

    def __init__(self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str]) -> None:
        super().__init__()
        pyte = need_module("pyte", "test")
        width, height = SIZE
        self._screen = pyte.Screen(width, height)
        self._stream = pyte.ByteStream(self._screen)
        self._fed = 0
        self.process = PtyProcess(argv, cols=width, rows=height, env=dict(env), cwd=str(cwd))

    def _capture(self) -> str:
        """The screen now, as lines of text (everything the program wrote so far, interpreted)."""
        data, self._fed = self.process.output_from(self._fed)
        self._stream.feed(data)
        return "\n".join(line.rstrip() for line in self._screen.display)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.process.send(KEYS.get(key, key))

    def exit_code(self, timeout: float = 20.0) -> int:
        """The program's exit code, once it has ended."""
        code = self.process.proc.wait(timeout)
        self.screen()  # the last of its output
        return code

    def kill(self) -> None:
        self.process.stop()
