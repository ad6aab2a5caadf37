"""The programs the benchmark runs and the terminal they run in: the app, termdown, a common environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

COLS, ROWS = 100, 30
"""Every program runs in a pseudo-terminal of this size (columns, rows)."""
RUN_SCREEN_TEXT = "metronome"
"""Text only the run screen shows (its status line): the session has started."""
SUMMARY_TEXT = "Summary"
"""Text the summary screen shows once a session has ended."""


def tool(name: str) -> str | None:
    """An executable installed next to this Python (the venv), else on PATH."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return str(beside)
    return shutil.which(name)


def app_command() -> list[str]:
    """`circuit-timer` of this environment (the console script), else `python -m timer`."""
    script = tool("circuit-timer")
    return [script] if script else [sys.executable, "-m", "timer"]


def termdown_version(termdown: str) -> str:
    try:
        out = subprocess.run([termdown, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return out.strip().split()[-1] if out.strip() else "?"


def pty_env(home: Path) -> dict[str, str]:
    """The same environment for every program in a terminal: xterm, UTF-8, and a scratch data folder.

    TEXTUAL_* settings of the caller's shell (FPS, devtools, ...) are dropped so they cannot skew the figures.
    """
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL") and k not in ("COLUMNS", "LINES")
    }
    env.update(
        TERM="xterm-256color",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        XDG_DATA_HOME=str(home / "data"),
        CIRCUIT_TIMER_LOG=str(home / "default-log.jsonl"),  # never the user's real log, even without --log
    )
    return env
