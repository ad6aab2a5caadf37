"""The circuits the picker offers: bundled ones plus `*.toml` in `./circuits/` and the current folder.

Each file is loaded the way `check` loads it; a broken file is listed with its error instead of
stopping the list. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from timer.circuit import load_circuit, read_toml
from timer.errors import CircuitTimerError, InputError
from timer.plan import Plan, build_plan
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
    # The same file twice (a link), or a copy of a bundled circuit (`./circuits/` in a clone of the
    # repository holds the very files the package bundles), is offered once.
    seen: set[Path] = set()
    bundled = {_content(path) for path, source in found if source == "bundled"} - {None}
    unique = []
    for path, source in found:
        key = path.resolve()
        if key in seen or (source != "bundled" and _content(path) in bundled):
            continue
        seen.add(key)
        unique.append((path, source))
    return unique


def _content(path: Path) -> bytes | None:
    """The file's bytes when small enough to compare (a circuit is at most 1 MiB); None otherwise."""
    try:
        if path.stat().st_size <= 1024 * 1024:
            return path.read_bytes()
    except OSError:
        pass  # unreadable: load_entries reports it; here it is just not a duplicate of anything
    return None


def load_entries(cwd: Path | None = None) -> list[Entry]:
    """Every candidate file, loaded (or with its first problem) for the picker.

    A `*.toml` lying in the folder itself (not `circuits/`) is only offered when it has a `station` key:
    `pyproject.toml` and friends are not circuits, and saying they are broken would be noise. One that
    cannot even be read as TOML is still listed, with its problem: it may be a circuit with a typo.
    """
    folder = cwd or Path.cwd()
    entries = []
    for path, source in candidate_files(folder):
        try:
            if source == str(folder) and "station" not in read_toml(path):
                continue
            circuit = load_circuit(path)
            entries.append(Entry(path, source, plan=build_plan(circuit, None, label=str(path))))
        except InputError as exc:
            first = exc.problems[0]
            entries.append(
                Entry(path, source, error=f"{first.where}: {first.message}" if first.where else first.message)
            )
        except CircuitTimerError as exc:
            entries.append(Entry(path, source, error=str(exc).splitlines()[0]))
    return entries
