"""The circuits and programs the picker offers: bundled ones plus `*.toml` in `./circuits/` and the current
folder. Programs come first, each with the athlete's next session (from the log) ready to run.

Each file is loaded the way `check` loads it; a broken file is listed with its error instead of
stopping the list. No Textual here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from timer.circuit import Athlete, load_circuit, read_toml
from timer.errors import CircuitTimerError, InputError
from timer.plan import Plan, build_plan
from timer.program import load_program, looks_like_program
from timer.program.progress import next_session, program_runs
from timer.replog import LoggedSession
from timer.resources import bundled_circuits


@dataclass(frozen=True)
class Entry:
    """One circuit file: its plan, or why it cannot be used."""

    path: Path
    source: str
    """`bundled` or the folder it was found in."""
    plan: Plan | None = None
    """A program's entry: the plan of the athlete's next session."""
    error: str | None = None
    program: str | None = None
    """The program's name when the file is a program."""

    @property
    def circuit_path(self) -> Path:
        """The circuit file the session runs (a program's session: its own circuit, logged with its hash)."""
        if self.plan is not None and self.plan.program is not None:
            return self.plan.program.path.parent / self.plan.program.session.circuit
        return self.path


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


def load_entries(
    cwd: Path | None = None,
    athlete: Athlete | None = None,
    athlete_label: str = "",
    logs: Iterable[str | os.PathLike[str]] = (),
) -> list[Entry]:
    """Every candidate file, loaded (or with its first problem) for the picker: programs first.

    A `*.toml` lying in the folder itself (not `circuits/`) is only offered when it has a `station` key or
    reads as a program: `pyproject.toml` and friends are not circuits, and saying they are broken would be
    noise. One that cannot even be read as TOML is still listed, with its problem: it may be a circuit with
    a typo. Plans use `athlete`'s e1RM values; a program's next session is the athlete's, from `logs`.
    """
    folder = cwd or Path.cwd()
    programs: list[Entry] = []
    circuits: list[Entry] = []
    sessions: list[LoggedSession] | None = None
    for path, source in candidate_files(folder):
        try:
            data = read_toml(path)
            if looks_like_program(data):
                if sessions is None:  # the log is read once, and only when there is a program
                    sessions = program_runs(logs)
                programs.append(_program_entry(path, source, athlete, athlete_label, sessions))
                continue
            if source == str(folder) and "station" not in data:
                continue
            circuit = load_circuit(path)
            plan = build_plan(
                circuit, athlete, label=str(path), athlete_label=athlete_label or "athlete profile"
            )
            circuits.append(Entry(path, source, plan=plan))
        except InputError as exc:
            circuits.append(Entry(path, source, error=_first(exc)))
        except CircuitTimerError as exc:
            circuits.append(Entry(path, source, error=str(exc).splitlines()[0]))
    # A coach's own programs before the bundled example: the folder's block is the one to run today.
    programs.sort(key=lambda entry: entry.source == "bundled")
    return programs + circuits


def _program_entry(
    path: Path, source: str, athlete: Athlete | None, athlete_label: str, sessions: list[LoggedSession]
) -> Entry:
    try:
        loaded = load_program(path)
    except InputError as exc:
        return Entry(path, source, error=_first(exc))
    name = loaded.program.name
    upcoming = next_session(loaded, sessions, athlete.name if athlete else None)
    if upcoming is None:
        return Entry(path, source, error="every session is done", program=name)
    try:
        plan = loaded.plan(upcoming, athlete, athlete_label)
    except InputError as exc:
        return Entry(path, source, error=_first(exc), program=name)
    return Entry(path, source, plan=plan, program=name)


def _first(exc: InputError) -> str:
    first = exc.problems[0]
    return f"{first.where}: {first.message}" if first.where else first.message
