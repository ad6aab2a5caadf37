"""The real command in a tmux terminal, read back from the screen: shared by the end-to-end tests.

Every wait polls the screen with a deadline; nothing sleeps for a fixed long time.
"""

from __future__ import annotations

import shlex
import subprocess
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

from .screens import PolledScreen

SIZE = (100, 30)


class Terminal(PolledScreen):
    """A tmux session on its own socket running one shell command; every distinct screen read is kept."""

    def __init__(self, tmux: str, socket: str, name: str = "run") -> None:
        super().__init__()
        self.tmux, self.socket, self.name = tmux, socket, name

    @classmethod
    def start(cls, tmux: str, shell: str, *, cwd: Path, env: Mapping[str, str], prefix: str) -> Terminal:
        """Run `shell` in a new 100×30 session (socket `prefix-<random>`)."""
        term = cls(tmux, f"{prefix}-{uuid.uuid4().hex[:8]}")
        width, height = SIZE
        session = ["new-session", "-d", "-x", str(width), "-y", str(height), "-s", term.name, "-c", str(cwd)]
        command = [tmux, "-L", term.socket, "-f", "/dev/null", *session, shell]
        subprocess.run(command, check=True, timeout=10, env=dict(env))
        return term

    def _run(self, *args: str) -> str:
        result = subprocess.run(
            [self.tmux, "-L", self.socket, *args], capture_output=True, text=True, check=True, timeout=10
        )
        return result.stdout

    def _capture(self) -> str:
        return self._run("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        self._run("send-keys", "-t", self.name, *keys)

    def kill(self) -> None:
        subprocess.run([self.tmux, "-L", self.socket, "kill-server"], capture_output=True, timeout=10)


def shell_recording_exit(command: list[str], folder: Path) -> str:
    """A shell line that runs `command`, writes its exit code to `folder/exit-code`, then keeps the pane."""
    done = folder / "exit-code"
    return f"{shlex.join(command)}; echo $? > {shlex.quote(str(done))}; sleep 60"


def exit_code(folder: Path, timeout: float = 20.0) -> int:
    """The exit code written by `shell_recording_exit`, once the command has ended."""
    deadline = time.monotonic() + timeout
    done = folder / "exit-code"
    while time.monotonic() < deadline:
        if done.exists() and done.read_text().strip():
            return int(done.read_text())
        time.sleep(0.05)
    raise AssertionError("circuit-timer did not exit")
