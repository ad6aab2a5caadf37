"""End to end: the real `circuit-timer run` in a tmux pseudo-terminal, read back from the screen.

Every wait polls the screen with a deadline; nothing sleeps for a fixed long time.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CIRCUIT = """
name = "E2E quick"
prepare = "2s"
[[station]]
exercise = "Wall sit"
load = "bodyweight"
work = "3s"
rest = "2s"
[[station]]
exercise = "Calf raises"
load = "bodyweight"
work = "2s"
"""

TIMEOUT_S = 20.0


def _tmux_or_skip() -> str:
    tmux = shutil.which("tmux")
    if tmux is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is required for the end-to-end test on CI")
        pytest.skip("tmux is not installed")
    return tmux


class Terminal:
    """A tmux session on its own socket, running one command."""

    def __init__(self, tmux: str, socket: str, name: str) -> None:
        self.tmux, self.socket, self.name = tmux, socket, name

    def _run(self, *args: str) -> str:
        result = subprocess.run(
            [self.tmux, "-L", self.socket, *args], capture_output=True, text=True, check=True, timeout=10
        )
        return result.stdout

    def screen(self) -> str:
        return self._run("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        self._run("send-keys", "-t", self.name, *keys)

    def wait_for(self, found: Callable[[str], bool], what: str, timeout: float = TIMEOUT_S) -> str:
        """Poll the screen until `found(screen)`; fail with the last screen after `timeout`."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if found(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"gave up waiting for {what}; the screen was:\n{text}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    tmux = _tmux_or_skip()
    circuit = tmp_path / "quick.toml"
    circuit.write_text(CIRCUIT, encoding="utf-8")
    exe = Path(sys.executable).with_name("circuit-timer")
    command = shlex.join([str(exe), "run", str(circuit), "--log", str(tmp_path / "log.jsonl"), "--no-voice"])
    done = tmp_path / "exit-code"
    shell = f"cd {shlex.quote(str(tmp_path))} && {command}; echo $? > {shlex.quote(str(done))}; sleep 60"
    socket = f"ct-e2e-{uuid.uuid4().hex[:8]}"
    term = Terminal(tmux, socket, "run")
    subprocess.run(
        [
            tmux,
            "-L",
            socket,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "100",
            "-y",
            "30",
            "-s",
            "run",
            shell,
        ],
        check=True,
        timeout=10,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    try:
        yield term, tmp_path
    finally:
        subprocess.run([tmux, "-L", socket, "kill-server"], capture_output=True, timeout=10)


def _exit_code(folder: Path, timeout: float = TIMEOUT_S) -> int:
    deadline = time.monotonic() + timeout
    done = folder / "exit-code"
    while time.monotonic() < deadline:
        if done.exists() and done.read_text().strip():
            return int(done.read_text())
        time.sleep(0.1)
    raise AssertionError("circuit-timer did not exit")


def _records(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "log.jsonl").read_text(encoding="utf-8").splitlines()]


def test_run_quit_with_confirmation(terminal: tuple[Terminal, Path]) -> None:
    term, folder = terminal
    screen = term.wait_for(lambda s: "Enter to start" in s and "Calf raises" in s, "the overview")
    assert "E2E quick" in screen and "Wall sit" in screen
    term.keys("Enter")
    # the countdown in big digits: well over a hundred block cells
    term.wait_for(lambda s: "WORK" in s and "Wall sit" in s and s.count("█") > 100, "the first work phase")
    term.keys("Space", "Space")
    term.wait_for(lambda s: "Reps: 2" in s, "two counted reps")
    term.keys("q")
    term.wait_for(lambda s: "Stop this session?" in s, "the quit question")
    term.keys("y")
    assert _exit_code(folder) == 0
    records = _records(folder)
    assert records[0]["type"] == "session_start"
    assert records[-1]["type"] == "session_end" and records[-1]["status"] == "aborted"


def test_run_to_the_summary(terminal: tuple[Terminal, Path]) -> None:
    term, folder = terminal
    term.wait_for(lambda s: "Enter to start" in s and "Calf raises" in s, "the overview")
    term.keys("Enter")
    term.wait_for(lambda s: "GET READY" in s or "WORK" in s, "the session")
    screen = term.wait_for(
        lambda s: "Summary" in s and "Log written to" in s, "the summary (the circuit lasts 9 s)"
    )
    assert "Wall sit" in screen and "Calf raises" in screen
    assert "Log written to" in screen
    term.keys("q")  # at the summary q quits at once
    assert _exit_code(folder) == 0
    assert _records(folder)[-1]["status"] == "completed"


def test_keys_after_a_quiet_spell_and_a_lone_escape(terminal: tuple[Terminal, Path]) -> None:
    """The input thread sleeps until a key comes (timer/ui/driver.py): keys after a quiet spell still arrive,
    a lone Esc is still told apart from an escape sequence, and quitting does not wait on a sleeping thread."""
    term, folder = terminal
    term.wait_for(lambda s: "Enter to start" in s and "Calf raises" in s, "the overview")
    time.sleep(1.5)  # longer than the driver ticks after input: its thread is now blocked, not polling
    term.keys("?")
    term.wait_for(lambda s: "? / Esc closes" in s, "the help over the overview")
    time.sleep(1.5)
    term.keys("Escape")  # alone: only the parser's timeout makes it a key
    term.wait_for(lambda s: "Esc closes" not in s and "Enter to start" in s, "Esc to close the help")
    term.keys("q")
    assert _exit_code(folder, timeout=5) == 0
