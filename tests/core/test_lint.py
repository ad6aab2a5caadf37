"""The code base passes ruff with the project's rule set (pyproject.toml), so lint cannot drift unseen."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_ruff_finds_nothing() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(REPO)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert "No module named ruff" not in done.stderr, 'ruff is a test extra: pip install ".[test]"'
    assert done.returncode == 0, done.stdout + done.stderr
