"""The engine and everything it stands on stay free of Textual, so they can be tested and reused headless."""

from __future__ import annotations

import subprocess
import sys

CORE = ["timer.session", "timer.cues", "timer.plan", "timer.circuit", "timer.clock"]


def test_the_core_imports_without_textual() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in CORE)
        + "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        + "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"Textual was imported by the core: {result.stdout.strip()}"
