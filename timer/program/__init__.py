"""Training programs: a block of phases over weeks, each week a list of circuits adjusted week by week.

- `models`: the program file (pydantic), its limits and JSON Schema;
- `reading`: reading it and its circuits safely, errors naming phase and week;
- `expand`: the ordered sessions and one session's `Plan` (the same plan any circuit gives);
- `progress`: which sessions the log(s) show done, and the athlete's next one.

No Textual here.
"""

from timer.plan import ProgramPlace, ProgramSession
from timer.program.expand import LoadedProgram, check_program, expand, load_program
from timer.program.models import Program, ProgramPhase, looks_like_program, program_json_schema

__all__ = [
    "LoadedProgram",
    "Program",
    "ProgramPhase",
    "ProgramPlace",
    "ProgramSession",
    "check_program",
    "expand",
    "load_program",
    "looks_like_program",
    "program_json_schema",
]
