"""The architecture is enforced by tools: import-linter's contracts and `mypy --strict` run as tests.

The contracts live in pyproject.toml ([tool.importlinter]); the test below also fails when a module of the
core is missing from them, so a new module cannot slip past the rule unnoticed.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import timer
from tests.conftest import REPO


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=300, cwd=REPO, check=False
    )


def contracts() -> list[dict[str, object]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    found: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return found


def top_level_modules() -> set[str]:
    """`timer.x` for every module and package directly under timer/, the UI and `__main__` aside."""
    names = {f"timer.{m.name}" for m in pkgutil.iter_modules(timer.__path__)}
    return names - {"timer.ui", "timer.__main__"}


def test_import_linter_contracts_are_kept() -> None:
    done = run_tool(
        "-c", "import sys; from importlinter.cli import lint_imports_command; lint_imports_command()"
    )
    assert "No module named" not in done.stderr, 'import-linter is a test extra: pip install ".[test]"'
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_every_core_module_is_under_both_contracts() -> None:
    forbidden, layers = contracts()
    assert forbidden["type"] == "forbidden" and layers["type"] == "layers"
    assert set(forbidden["source_modules"]) == top_level_modules()  # type: ignore[arg-type]
    in_layers = {name.strip() for layer in layers["layers"] for name in str(layer).split("|")}  # type: ignore[attr-defined]
    assert in_layers == top_level_modules() | {"timer.ui"}


def test_mypy_strict_finds_nothing() -> None:
    done = run_tool("-m", "mypy")  # files and --strict come from [tool.mypy] in pyproject.toml
    assert "No module named mypy" not in done.stderr, 'mypy is a test extra: pip install ".[test]"'
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_package_says_it_is_typed() -> None:
    assert (Path(timer.__file__).parent / "py.typed").exists()
