"""The circuits the picker offers: bundled ones plus `*.toml` in `./circuits/` and the current folder.

Each file is loaded the way `check` loads it; a broken file is listed with its error instead of
stopping the list. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from timer.errors import CircuitTimerError, InputError
from timer.plan import Plan
from timer.resources import bundled_circuits


@dataclass(frozen=True)
class Entry:
    """One circuit file: its plan, or why it cannot be used."""

    path: Path
    source: str
    """`bundled` or the folder it was found in."""
    plan: Plan | None = None
    error: str | None = None


def candidate_files(cwd: Path) -> list[tuple[Path, str]]:
    """Circuit files to offer, each once, with where they came from."""
    found: list[tuple[Path, str]] = [(path, "bundled") for path in bundled_circuits()]
    for folder in (cwd / "circuits", cwd):
        if folder.is_dir():
            found.extend((path, str(folder)) for path in sorted(folder.glob("*.toml")) if path.is_file())
    seen: set[Path] = set()
    unique = []
    for path, source in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append((path, source))
    return unique


def load_entries(cwd: Path | None = None) -> list[Entry]:
    """Every candidate file, loaded (or with its first problem) for the picker."""
    from timer.plan import load_plan

    entries = []
    for path, source in candidate_files(cwd or Path.cwd()):
        try:
            entries.append(Entry(path, source, plan=load_plan(str(path), None)))
        except InputError as exc:
            first = exc.problems[0]
            entries.append(
                Entry(path, source, error=f"{first.where}: {first.message}" if first.where else first.message)
            )
        except CircuitTimerError as exc:
            entries.append(Entry(path, source, error=str(exc).splitlines()[0]))
    return entries
