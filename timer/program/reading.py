"""Reading a program file and every circuit it names, safely, with messages as good as a circuit's.

The file goes through the circuit format's own safe reader (`read_toml`: regular files, 1 MiB, UTF-8,
nesting); pydantic's errors become one sentence per place, naming the phase (`phase 2 "Conversion"`) and the
week (`load_add week 3`). Each circuit is read once, however many weeks use it. No Textual here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from timer.circuit.messages import _describe
from timer.circuit.models import MAX_NAME, MAX_PROBLEMS, Circuit, _short
from timer.circuit.reading import _validate, read_toml
from timer.errors import InputError, Problem
from timer.program.models import Program, ProgramPhase, looks_like_program
from timer.text import printable

_PER_WEEK = ("load_add", "work_add", "rounds", "sets")
_BRANCHES = ("int", "float", "none", "TestSet")


def read_program(path: Path | str) -> tuple[Program, str]:
    """Read and validate a program file (not its circuits); returns the model and the file's SHA-256."""
    label = printable(str(path))
    data = read_toml(path)
    if "station" in data and "phase" not in data:
        raise InputError([Problem(label, "", "is a circuit, not a program (a program has [[phase]] tables)")])
    try:
        program = Program.model_validate(data)
    except ValidationError as exc:
        problems: list[Problem] = []
        seen: set[tuple[str, str]] = set()
        for err in exc.errors(include_url=False):
            if _wrong_branch(data, err):
                continue
            if len(problems) == MAX_PROBLEMS:
                problems.append(Problem(label, "", "there may be more problems; fix these and check again"))
                break
            problem = _problem(data, err, label)
            if (problem.where, problem.message) not in seen:
                seen.add((problem.where, problem.message))
                problems.append(problem)
        raise InputError(problems) from None
    sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return program, sha


def read_circuits(program: Program, path: Path | str) -> dict[str, Circuit]:
    """Every circuit the program names, by the path as written; InputError naming where each bad one is used.

    A program's sessions are circuits: the program itself, or another program, is refused (a program
    never includes a program, so there is no chain to follow).
    """
    label = printable(str(path))
    base = Path(path).parent
    own = _identity(Path(path))
    circuits: dict[str, Circuit] = {}
    problems: list[Problem] = []
    failed: set[str] = set()
    for p_index, phase in enumerate(program.phase, start=1):
        for s_index, rel in enumerate(phase.sessions, start=1):
            if rel in circuits or rel in failed:
                continue
            where = f'{phase_place(p_index, phase)}, session {s_index} "{_short(printable(rel))}"'
            file = base / rel
            circuit_label = printable(str(file))
            try:
                data = read_toml(file)
                if own is not None and _identity(file) == own:
                    raise InputError([Problem(circuit_label, "", "is this program itself")])
                if looks_like_program(data):
                    raise InputError(
                        [Problem(circuit_label, "", "is a program; a program cannot include one")]
                    )
                circuits[rel] = _validate(Circuit, data, circuit_label)
            except InputError as exc:
                failed.add(rel)
                problems.append(Problem(label, where, "this circuit cannot be used; its problems follow"))
                problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return circuits


def circuit_file(program_path: Path | str, rel: str) -> Path:
    """Where a session's circuit is: relative to the program file's folder."""
    return Path(program_path).parent / rel


def phase_place(index: int, phase: ProgramPhase | None = None, name: str | None = None) -> str:
    """`phase 2 "Conversion"`: how messages name a phase."""
    shown = name if name is not None else (phase.name if phase is not None else "")
    return f'phase {index} "{_short(printable(shown))}"' if shown else f"phase {index}"


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _wrong_branch(data: dict[str, Any], err: Mapping[str, Any]) -> bool:
    """A per-week key is a scalar or a list: keep the errors of the form the coach wrote."""
    loc = err["loc"]
    if len(loc) >= 4 and loc[0] == "phase" and loc[2] in _PER_WEEK and isinstance(loc[3], str):
        value = _get(data, loc[:3])
        return loc[3].startswith("list[") != isinstance(value, list)
    if len(loc) >= 3 and loc[0] == "e1rm" and isinstance(loc[2], str):
        is_table = isinstance(err.get("input"), dict) or len(loc) > 3
        return (loc[2] == "TestSet") != is_table
    return False


def _get(data: Any, loc: tuple[Any, ...]) -> Any:
    node = data
    for item in loc:
        try:
            node = node[item]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _problem(data: dict[str, Any], err: Mapping[str, Any], label: str) -> Problem:
    loc = list(err["loc"])
    where: list[str] = []
    model: Any = Program
    if len(loc) >= 2 and loc[0] == "phase" and isinstance(loc[1], int):
        entry = _get(data, ("phase", loc[1]))
        name = entry.get("name") if isinstance(entry, dict) else None
        nameable = isinstance(name, str) and len(name) <= MAX_NAME and name.isprintable()
        where.append(phase_place(loc[1] + 1, name=name if nameable else ""))
        loc, model = loc[2:], ProgramPhase
    elif len(loc) >= 2 and loc[0] == "e1rm":
        where.append(f'e1rm "{_short(printable(str(loc[1])))}"')
        loc = [item for item in loc[2:] if item not in ("float", "TestSet", "constrained-float")]
        model = None
    key = ""
    for item in loc:
        if isinstance(item, int):
            if key == "sessions":
                key = f"session {item + 1}"
            else:
                word = "week" if key in _PER_WEEK else "entry"
                key = f"{key} {word} {item + 1}" if key else str(item + 1)
        elif isinstance(item, str) and ("[" in item or item.startswith("constrained-") or item in _BRANCHES):
            continue  # a union branch pydantic names ("list[int]", "constrained-float")
        else:
            key = str(item)
    if err["type"] == "missing" and key == "phase":
        message = "has no [[phase]] tables; add at least one"
    elif err["type"] in ("too_short", "too_long") and key in ("phase", "sessions"):
        limits = {"phase": "1–20 phases", "sessions": "1–14 circuits a week"}
        message = f"{key} has too {'few' if err['type'] == 'too_short' else 'many'} entries ({limits[key]})"
    else:
        message = _describe(err, key, model)
    return Problem(label, ", ".join(where), printable(message.strip()))
