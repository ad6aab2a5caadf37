"""Circuit and athlete files: the models (`models`), reading them safely (`reading`), and pydantic's errors
turned into sentences a coach understands (`messages`).

Nothing here imports Textual: the command-line checks and the live app share this package. The names other
modules use are re-exported here.
"""

from timer.circuit.models import (
    DEFAULT_INCREMENT,
    MAX_CUE,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NAME,
    MAX_NOTES,
    MAX_PHASE_S,
    MAX_PROBLEMS,
    MAX_STATIONS,
    Athlete,
    Circuit,
    Load,
    Part,
    Station,
    TestSet,
    json_schema,
    parse_load,
    resolved_increment,
)
from timer.circuit.reading import is_profile, load_athlete, load_circuit, read_toml

__all__ = [
    "DEFAULT_INCREMENT",
    "MAX_CUE",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NAME",
    "MAX_NOTES",
    "MAX_PHASE_S",
    "MAX_PROBLEMS",
    "MAX_STATIONS",
    "Athlete",
    "Circuit",
    "Load",
    "Part",
    "Station",
    "TestSet",
    "is_profile",
    "json_schema",
    "load_athlete",
    "load_circuit",
    "parse_load",
    "read_toml",
    "resolved_increment",
]
