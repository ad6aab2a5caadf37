"""The command-line side of programs: telling a program file from a circuit, choosing the session
(`--week W --session S`, else the athlete's next one from the log), and `check`/`plan` of a program.

Plain text (no Textual), so it works in a pipe and loads fast.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from timer.circuit import Athlete
from timer.circuit.reading import read_toml
from timer.errors import InputError, Problem
from timer.plan import Plan, ProgramSession
from timer.program.expand import LoadedProgram, check_program, load_program
from timer.program.models import looks_like_program
from timer.program.progress import next_session, program_runs
from timer.text import printable


def is_program(path: str | Path) -> bool:
    """True when the file reads as a program (phases, no stations). An unreadable file is not one: the
    circuit reader then says what is wrong with it."""
    try:
        return looks_like_program(read_toml(path))
    except InputError:
        return False


def check_file(file: str, athlete: Athlete | None, athlete_label: str) -> tuple[str, list[str]]:
    """`check` of a program: the OK line and the warnings; InputError with every problem."""
    loaded = load_program(file)
    warnings = check_program(loaded, athlete, athlete_label)
    p = loaded.program
    phases = f"{len(p.phase)} phase{'s' if len(p.phase) != 1 else ''}"
    weeks = f"{p.weeks} week{'s' if p.weeks != 1 else ''}"
    n = len(loaded.sessions)
    return f"OK {p.name}: {phases}, {weeks}, {n} session{'s' if n != 1 else ''}", warnings


def choose_session(
    loaded: LoadedProgram,
    week: int | None,
    session: int | None,
    logs: Iterable[str | os.PathLike[str]],
    athlete: str | None,
) -> ProgramSession:
    """The session named by `--week W --session S`, else the athlete's next one in the log(s)."""
    if (week is None) != (session is None):
        raise InputError(
            [Problem(loaded.label, "", "give both --week W and --session S (W is the week in the program)")]
        )
    if week is not None and session is not None:
        return loaded.session(week, session)
    chosen = next_session(loaded, program_runs(logs), athlete)
    if chosen is None:
        who = f" for {printable(athlete)}" if athlete else ""
        raise InputError(
            [
                Problem(
                    loaded.label,
                    "",
                    f"every session of the program is done{who}; choose one with --week W --session S",
                )
            ]
        )
    return chosen


def program_plan(
    file: str,
    athlete: Athlete | None,
    athlete_label: str,
    week: int | None,
    session: int | None,
    logs: Iterable[str | os.PathLike[str]],
) -> Plan:
    """The plan of the chosen session of a program file (see `choose_session`)."""
    loaded = load_program(file)
    chosen = choose_session(loaded, week, session, logs, athlete.name if athlete else None)
    return loaded.plan(chosen, athlete, athlete_label)


def log_paths(values: list[str] | None) -> list[Path]:
    """`--log` values, else the default log."""
    from timer.replog import default_log_path

    return [Path(v).expanduser() for v in values] if values else [default_log_path()]
