"""A program expanded into its ordered sessions, and one session's plan: the circuit with that week's
adjustments applied, built by the same `build_plan` as any circuit, so cues, log, history and resume work
unchanged.

e1RM precedence, lift by lift: athlete profile > program > circuit. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from timer import e1rm
from timer.circuit import MAX_PHASE_S, Athlete, Circuit, Load, TestSet
from timer.circuit.models import MAX_PROBLEMS, _short
from timer.errors import InputError, Problem
from timer.plan import Plan, ProgramPlace, ProgramSession, build_plan
from timer.program.models import Program
from timer.program.reading import circuit_file, phase_place, read_circuits, read_program
from timer.text import printable


@dataclass(frozen=True)
class LoadedProgram:
    """A program file with every circuit it names read and checked, and its sessions in order."""

    program: Program
    path: Path
    sha256: str
    circuits: dict[str, Circuit]
    sessions: tuple[ProgramSession, ...]

    @property
    def label(self) -> str:
        return printable(str(self.path))

    def session(self, week: int, session_in_week: int) -> ProgramSession:
        """The session named by `--week W --session S` (W in the program); InputError when there is none."""
        weeks = self.program.weeks
        if not 1 <= week <= weeks:
            raise InputError([Problem(self.label, "", f"has weeks 1–{weeks}; there is no week {week}")])
        in_week = [s for s in self.sessions if s.week == week]
        if not 1 <= session_in_week <= len(in_week):
            count = f"{len(in_week)} session{'s' if len(in_week) != 1 else ''}"
            raise InputError(
                [Problem(self.label, "", f"week {week} has {count}; there is no session {session_in_week}")]
            )
        return in_week[session_in_week - 1]

    def plan(self, session: ProgramSession, athlete: Athlete | None = None, athlete_label: str = "") -> Plan:
        """The session's plan: its circuit with that week's adjustments and the block's e1RM values."""
        circuit = adjusted_circuit(self.program, self.circuits[session.circuit], session, self.label)
        file = printable(str(circuit_file(self.path, session.circuit)))
        try:
            program_e1rm = (self.program.units or circuit.units, self.program.e1rm, self.label)
            plan = build_plan(
                circuit,
                athlete,
                label=file,
                athlete_label=athlete_label or "athlete profile",
                program_e1rm=program_e1rm if self.program.e1rm else None,
            )
        except InputError as exc:
            raise InputError([_placed(p, session) for p in exc.problems]) from None
        place = ProgramPlace(self.program.name, self.sha256, self.path, session)
        return replace(plan, program=place)


def load_program(path: Path | str) -> LoadedProgram:
    """Read a program and its circuits; InputError with every problem found (nothing is expanded yet)."""
    program, sha = read_program(path)
    circuits = read_circuits(program, path)
    return LoadedProgram(program, Path(path), sha, circuits, expand(program))


def expand(program: Program) -> tuple[ProgramSession, ...]:
    """Every session in order: each phase's weeks, each week its circuits in the order written."""
    sessions: list[ProgramSession] = []
    week = 0
    for p_index, phase in enumerate(program.phase, start=1):
        for w in range(1, phase.weeks + 1):
            week += 1
            for s_index, rel in enumerate(phase.sessions, start=1):
                sessions.append(
                    ProgramSession(
                        number=len(sessions) + 1,
                        phase=phase.name,
                        phase_index=p_index,
                        week=week,
                        weeks=program.weeks,
                        week_in_phase=w,
                        session_in_week=s_index,
                        sessions_in_week=len(phase.sessions),
                        circuit=rel,
                        deload=w in phase.deload,
                        load_add=float(phase.week_value("load_add", w)),
                        work_add=int(phase.week_value("work_add", w)),
                        rounds=phase.week_value("rounds", w),
                        sets=phase.week_value("sets", w),
                    )
                )
    return tuple(sessions)


def adjusted_circuit(program: Program, circuit: Circuit, session: ProgramSession, label: str) -> Circuit:
    """`circuit` as `session`'s week does it: loads, work times, rounds and sets changed; the program's units
    and e1RM values in. InputError naming phase, week and station when a result leaves its range."""
    problems: list[Problem] = []
    stations = []
    for s_index, station in enumerate(circuit.station, start=1):
        where = (
            f'{session.place}, {_short(printable(session.circuit))} station {s_index} "{station.exercise}"'
        )
        if station.part:
            parts = []
            for p_index, part in enumerate(station.part, start=1):
                spot = f'{where}, part {p_index} "{part.exercise}"'
                parts.append(part.model_copy(update=_movement(part, part.work, session, spot, problems)))
            update: dict[str, Any] = {"part": parts, "work": None}
        else:
            update = _movement(station, station.work or 0, session, where, problems)
        if session.sets is not None:
            update["sets"] = session.sets
        stations.append(station.model_copy(update=update))
    if problems:
        raise InputError([Problem(label, p.where, p.message) for p in problems[:MAX_PROBLEMS]])
    update = {"station": stations, **_e1rm_update(program, circuit)}
    if session.rounds is not None:
        update["rounds"] = session.rounds
    return circuit.model_copy(update=update)


def _movement(
    move: Any, work: int, session: ProgramSession, where: str, problems: list[Problem]
) -> dict[str, Any]:
    """The changed work time and load of a station or a part; a result out of range goes to `problems`."""
    update: dict[str, Any] = {}
    if session.work_add:
        new = work + session.work_add
        if not 1 <= new <= MAX_PHASE_S:
            bound = "at least 1 s" if new < 1 else "at most 60 minutes"
            problems.append(
                Problem(
                    "",
                    where,
                    f"work {work} s with work_add {session.work_add:+d} s is {new} s; it must be {bound}",
                )
            )
        update["work"] = new
    load: Load | None = move.load
    if session.load_add and load is not None and load.kind == "percent" and load.value is not None:
        pct = round(load.value + session.load_add, 6)
        if not 0 < pct <= 100:
            problems.append(
                Problem(
                    "",
                    where,
                    f"load {load.value:g}% with load_add {session.load_add:+g} is {pct:g}% e1RM; "
                    "it must stay within 0–100%",
                )
            )
        update["load"] = Load("percent", pct)
    return update


def _e1rm_update(program: Program, circuit: Circuit) -> dict[str, Any]:
    """The circuit in the program's units when it has them (its e1RM values converted; the program's own
    values go to `build_plan` separately, so each load knows where its e1RM came from)."""
    units = program.units or circuit.units
    update: dict[str, Any] = {}
    table: dict[str, Any] = dict(circuit.e1rm)
    if units != circuit.units:
        table = {lift: _convert(value, circuit.units, units) for lift, value in table.items()}
        update["units"] = units
        update["increment"] = None  # the circuit's increment is in its own units: the program's default
    if table != circuit.e1rm:
        update["e1rm"] = table
    return update


def _convert(value: float | TestSet, source: str, target: str) -> float | TestSet:
    if isinstance(value, TestSet):
        return value.model_copy(update={"weight": e1rm.convert(value.weight, source, target)})
    return e1rm.convert(float(value), source, target)


def _placed(problem: Problem, session: ProgramSession) -> Problem:
    """A circuit problem found in one week's plan, with the phase and week in front of the place."""
    where = f"{session.place}, {problem.where}" if problem.where else session.place
    return Problem(problem.file, where, problem.message)


def check_program(
    loaded: LoadedProgram, athlete: Athlete | None = None, athlete_label: str = ""
) -> list[str]:
    """Build every distinct session plan; InputError with the problems, else the warnings with the phase and
    weeks named (`phase 1 "AA", weeks 1–3: ...`), each once."""
    problems: list[Problem] = []
    warnings: dict[tuple[int, str], list[int]] = {}
    built: dict[tuple[Any, ...], tuple[str, ...]] = {}  # weeks that change nothing share one plan
    for session in loaded.sessions:
        key = (session.circuit, session.load_add, session.work_add, session.rounds, session.sets)
        if key not in built:
            built[key] = ()
            try:
                built[key] = loaded.plan(session, athlete, athlete_label).warnings
            except InputError as exc:
                problems.extend(p for p in exc.problems if p not in problems)
                if len(problems) >= MAX_PROBLEMS:
                    break
        for text in built[key]:
            weeks = warnings.setdefault((session.phase_index, text), [])
            if session.week_in_phase not in weeks:
                weeks.append(session.week_in_phase)
    if problems:
        raise InputError(problems[:MAX_PROBLEMS])
    names = {p_index: phase.name for p_index, phase in enumerate(loaded.program.phase, start=1)}
    return [
        f"{phase_place(p_index, name=names[p_index])}, {_weeks(weeks)}: {text}"
        for (p_index, text), weeks in warnings.items()
    ]


def _weeks(weeks: list[int]) -> str:
    weeks = sorted(weeks)
    if len(weeks) == 1:
        return f"week {weeks[0]}"
    if weeks == list(range(weeks[0], weeks[-1] + 1)):
        return f"weeks {weeks[0]}–{weeks[-1]}"
    return "weeks " + ", ".join(str(w) for w in weeks)
