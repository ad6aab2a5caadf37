"""The circuits and programs the picker offers: bundled ones plus `*.toml` in `./circuits/` and the current
folder. Programs come first, each with the athlete's next session (from the log) ready to run.

Each file is loaded the way `check` loads it; a broken file is listed with its error instead of
stopping the list, and one that takes longer than its time budget is listed as too slow to read
(`load_within`: the picker loads files in a worker and must not wait on one file). No Textual here.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
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
    is_program: bool = False
    """The file reads as a program (listed first, even when broken)."""

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


FILE_BUDGET_S = 2.0
"""How long the picker waits for one file (a 1 MiB file of any shape checks in well under 0.5 s)."""


class Sessions:
    """The logged sessions programs need, read once (and only when a program is found); thread-safe."""

    def __init__(self, logs: Iterable[str | os.PathLike[str]]) -> None:
        self._logs = list(logs)
        self._lock = threading.Lock()
        self._sessions: list[LoggedSession] | None = None

    def get(self) -> list[LoggedSession]:
        with self._lock:
            if self._sessions is None:
                self._sessions = program_runs(self._logs)
            return self._sessions


def load_entries(
    cwd: Path | None = None,
    athlete: Athlete | None = None,
    athlete_label: str = "",
    logs: Iterable[str | os.PathLike[str]] = (),
) -> list[Entry]:
    """Every candidate file, loaded (or with its first problem) for the picker: programs first."""
    folder = cwd or Path.cwd()
    sessions = Sessions(logs)
    loaded = [
        load_entry(path, source, folder, athlete, athlete_label, sessions)
        for path, source in candidate_files(folder)
    ]
    return in_order([entry for entry in loaded if entry is not None])


def in_order(entries: list[Entry]) -> list[Entry]:
    """Programs first, a coach's own before the bundled example (the folder's block is the one to run
    today); then circuits as found."""
    programs = sorted((e for e in entries if e.is_program), key=lambda entry: entry.source == "bundled")
    return programs + [e for e in entries if not e.is_program]


def load_entry(
    path: Path,
    source: str,
    folder: Path,
    athlete: Athlete | None,
    athlete_label: str,
    sessions: Sessions,
) -> Entry | None:
    """One candidate file loaded (or with its first problem); None when it is not offered at all.

    A `*.toml` lying in the folder itself (not `circuits/`) is only offered when it has a `station` key or
    reads as a program: `pyproject.toml` and friends are not circuits, and saying they are broken would be
    noise. One that cannot even be read as TOML is still listed, with its problem: it may be a circuit with
    a typo. Plans use `athlete`'s e1RM values; a program's next session is the athlete's, from `sessions`.
    """
    try:
        data = read_toml(path)
        if looks_like_program(data):
            return _program_entry(path, source, athlete, athlete_label, sessions.get())
        if source == str(folder) and "station" not in data:
            return None
        circuit = load_circuit(path)
        plan = build_plan(circuit, athlete, label=str(path), athlete_label=athlete_label or "athlete profile")
        return Entry(path, source, plan=plan)
    except InputError as exc:
        return Entry(path, source, error=_first(exc))
    except CircuitTimerError as exc:
        return Entry(path, source, error=str(exc).splitlines()[0])


def load_within(budget_s: float, path: Path, source: str, load: Callable[[], Entry | None]) -> Entry | None:
    """`load()` on a thread of its own, waited for at most `budget_s`; past it, the file is listed as too
    slow to read (its thread is left to finish on its own: a daemon, its result dropped).

    Python cannot interrupt a parse, so the budget bounds the wait, not the work.
    """
    result: list[Entry | None] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            result.append(load())
        except BaseException as error:  # handed to the caller's thread below
            failure.append(error)
        finally:
            done.set()

    threading.Thread(target=run, name=f"circuit-timer read {path.name}", daemon=True).start()
    if not done.wait(budget_s):
        return Entry(path, source, error=f"too slow to read (over {budget_s:g} s)")
    if failure:
        raise failure[0]
    return result[0]


def _program_entry(
    path: Path, source: str, athlete: Athlete | None, athlete_label: str, sessions: list[LoggedSession]
) -> Entry:
    try:
        loaded = load_program(path)
    except InputError as exc:
        return Entry(path, source, error=_first(exc), is_program=True)
    name = loaded.program.name
    upcoming = next_session(loaded, sessions, athlete.name if athlete else None)
    if upcoming is None:
        return Entry(path, source, error="every session is done", program=name, is_program=True)
    try:
        plan = loaded.plan(upcoming, athlete, athlete_label)
    except InputError as exc:
        return Entry(path, source, error=_first(exc), program=name, is_program=True)
    return Entry(path, source, plan=plan, program=name, is_program=True)


def _first(exc: InputError) -> str:
    first = exc.problems[0]
    return f"{first.where}: {first.message}" if first.where else first.message
