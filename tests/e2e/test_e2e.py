"""End to end: the real `circuit-timer run` in a pseudo-terminal, read back from the screen through pyte.

Every wait polls the screen with a deadline; nothing sleeps for a fixed long time.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import circuit_text

from .pyte_terminal import PyteTerminal

CIRCUIT = circuit_text("e2e-quick")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[PyteTerminal, Path]]:
    circuit = tmp_path / "quick.toml"
    circuit.write_text(CIRCUIT, encoding="utf-8")
    exe = Path(sys.executable).with_name("circuit-timer")
    command = [str(exe), "run", str(circuit), "--log", str(tmp_path / "log.jsonl"), "--no-voice"]
    env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": ""}  # a UTF-8 terminal
    term = PyteTerminal(command, cwd=tmp_path, env=env)
    try:
        yield term, tmp_path
    finally:
        term.kill()


def _taps(folder: Path) -> int:
    """Rep taps in the log so far (the count itself is drawn in large digits, not as text)."""
    path = folder / "log.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return sum(json.loads(line).get("type") == "rep" for line in lines if line.endswith("}"))


def _records(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "log.jsonl").read_text(encoding="utf-8").splitlines()]


def test_run_quit_with_confirmation(terminal: tuple[PyteTerminal, Path]) -> None:
    term, folder = terminal
    screen = term.wait_for(lambda s: "Enter to start" in s and "Calf raises" in s, "the overview")
    assert "E2E quick" in screen and "Wall sit" in screen
    term.keys("Enter")
    # the countdown in big digits: well over a hundred block cells
    # (the exercise is drawn in large letters too; "Next:" names the one after it)
    term.wait_for(lambda s: "WORK · Set" in s and "Next: Calf raises" in s and s.count("█") > 100, "work")
    term.keys("Space", "Space")
    term.wait_for(lambda s: _taps(folder) == 2, "two counted reps")
    term.keys("q")
    term.wait_for(lambda s: "Stop this session?" in s, "the quit question")
    term.keys("y")
    # what was done (the clock ran on while the question was asked), and the RPE question
    screen = term.wait_for(lambda s: "Summary" in s and "How hard was this session?" in s, "the summary")
    assert "Wall sit" in screen and "/2 sets done" in screen
    term.keys("7")  # session RPE 7
    term.wait_for(lambda s: "Session RPE 7" in s, "the RPE answered")
    term.keys("q")
    assert term.exit_code() == 0
    records = _records(folder)
    assert records[0]["type"] == "session_start"
    assert [r["type"] for r in records[-2:]] == ["session_end", "session_rpe"]
    assert records[-2]["status"] == "aborted" and records[-1]["rpe"] == 7


def test_run_to_the_summary(terminal: tuple[PyteTerminal, Path]) -> None:
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
    assert term.exit_code() == 0
    assert _records(folder)[-1]["status"] == "completed"


def test_keys_after_a_quiet_spell_and_a_lone_escape(terminal: tuple[PyteTerminal, Path]) -> None:
    """The input thread sleeps until a key comes (timer/ui/driver.py): keys after a quiet spell still
    arrive, a lone Esc is still told apart from an escape sequence, and quitting does not wait on a
    sleeping thread."""
    term, _folder = terminal
    term.wait_for(lambda s: "Enter to start" in s and "Calf raises" in s, "the overview")
    time.sleep(1.5)  # longer than the driver ticks after input: its thread is now blocked, not polling
    term.keys("?")
    term.wait_for(lambda s: "? / Esc closes" in s, "the help over the overview")
    time.sleep(1.5)
    term.keys("Escape")  # alone: only the parser's timeout makes it a key
    term.wait_for(lambda s: "Esc closes" not in s and "Enter to start" in s, "Esc to close the help")
    term.keys("q")
    assert term.exit_code(timeout=5) == 0
