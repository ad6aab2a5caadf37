"""Everything outside `timer.ui` stays free of Textual, so it can be tested and reused headless.

The modules are enumerated with `pkgutil`, not listed by hand: a new module is checked the day it is added.
(import-linter checks the same rule statically: tests/core/test_architecture.py.)
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import timer

NOT_IMPORTED = {"timer.__main__"}
"""Importing it runs the command line."""


def core_modules() -> list[str]:
    """Every module of the package outside `timer.ui`."""
    names = [m.name for m in pkgutil.walk_packages(timer.__path__, "timer.")]
    return sorted(
        n for n in names if n != "timer.ui" and not n.startswith("timer.ui.") and n not in NOT_IMPORTED
    )


def test_the_enumeration_sees_the_whole_core() -> None:
    found = core_modules()
    assert {"timer.session", "timer.runner", "timer.replog.writer", "timer.history.trends"} <= set(found)
    assert not any(n.startswith("timer.ui") for n in found)


def test_the_core_imports_without_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"Textual was imported by the core: {result.stdout.strip()}"
