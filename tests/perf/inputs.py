"""Circuit files the benchmark runs, written fresh into a temporary folder (nothing generated is committed).

Every circuit is plain TOML in the documented format, so each one is also a fixture a person can open:
`python -m tests.perf.inputs OUTDIR` writes them all.
"""

from __future__ import annotations

import sys
from pathlib import Path

CPU_NAME = "Bench CPU one long set"
TIMING_NAME = "Bench timing short phases"
CUE_NAME = "Bench cues"
LONG_NAME = "Bench forty minutes"
BIG_NAME = "Bench largest valid"
CEILING_NAME = "Bench every count at its maximum"
TOO_BIG_NAME = "Bench 500 stations"


def _station(i: int, work: str, rest: str, *, lift: bool = False, sets: int = 1) -> str:
    load = f'lift = "lift{i % 10}"\nload = "{20 + i % 20}%"' if lift else 'load = "bodyweight"'
    return f'[[station]]\nexercise = "Move {i}"\n{load}\nwork = "{work}"\nrest = "{rest}"\nsets = {sets}\n'


def cpu_circuit(work_s: int) -> str:
    """One work set of `work_s` seconds, no get-ready: the countdown the CPU row samples."""
    return (
        f'name = "{CPU_NAME}"\nprepare = 0\n\n'
        f'[[station]]\nexercise = "Quarter squat"\nload = "bodyweight"\nwork = {work_s}\n'
    )


def timing_circuit() -> str:
    """160 s: get ready 3 s, then 4 rounds × 5 stations of 5 s work / 3 s rest: 39 phase changes, 20 sets."""
    stations = "\n".join(_station(i, "5s", "3s") for i in range(1, 6))
    return f'name = "{TIMING_NAME}"\nprepare = 3\nrounds = 4\n\n{stations}'


def cue_circuit() -> str:
    """64 s: get ready 3 s, then 2 rounds × 4 stations of 5 s work / 3 s rest: a cue nearly every second."""
    stations = "\n".join(_station(i, "5s", "3s") for i in range(1, 5))
    return f'name = "{CUE_NAME}"\nprepare = 3\nrounds = 2\n\n{stations}'


def long_circuit() -> str:
    """40:00: get ready 30 s, then 4 rounds × 5 stations of 1:30 work / 0:30 rest (none at the end)."""
    stations = "\n".join(_station(i, "1:30", "0:30") for i in range(1, 6))
    return f'name = "{LONG_NAME}"\nprepare = 30\nrounds = 4\n\n{stations}'


def _many(name: str, stations: int, rounds: int, sets: int = 1) -> str:
    e1rm = "\n".join(f"lift{i} = {60 + 5 * i}" for i in range(10))
    body = "\n".join(_station(i, "2:00", "1:00", lift=i % 2 == 0, sets=sets) for i in range(1, stations + 1))
    return (
        f'name = "{name}"\nunits = "kg"\nrounds = {rounds}\nround_rest = "3:00"\n\n[e1rm]\n{e1rm}\n\n{body}'
    )


def limits() -> tuple[int, int, int | None]:
    """(stations, rounds, timed sets per session) the format allows, read from the code that enforces them."""
    from timer import circuit, plan

    rounds = circuit.Circuit.model_fields["rounds"].metadata
    most_rounds = next((m.le for m in rounds if getattr(m, "le", None) is not None), 50)
    return circuit.MAX_STATIONS, most_rounds, getattr(plan, "MAX_WORK_PHASES", None)


def largest_valid_shape() -> tuple[int, int]:
    """(stations, rounds) of the biggest circuit `check` accepts: every station, as many rounds as allowed."""
    stations, rounds, sets = limits()
    if sets is not None:
        rounds = min(rounds, sets // stations)
    return stations, rounds


def largest_valid_circuit() -> str:
    """The biggest circuit the format accepts (100 stations × as many rounds as the set limit allows), half
    of the stations loaded from an e1RM."""
    stations, rounds = largest_valid_shape()
    return _many(BIG_NAME, stations, rounds)


def ceiling_circuit() -> str:
    """Every count at its maximum: 100 stations × 20 sets × 50 rounds (100 000 timed sets): an 11 KB file
    asking for far more than one session may hold, which `check` must refuse quickly."""
    stations, rounds, _ = limits()
    return _many(CEILING_NAME, stations, rounds, sets=20)


def too_many_stations_circuit() -> str:
    """500 stations: over the format's limit of 100, so `check` must refuse it with a clear message."""
    return _many(TOO_BIG_NAME, 500, 1)


MIB = 1 << 20


def _fill(part: str) -> str:
    """`part` repeated to exactly 1 MiB of UTF-8 (the largest file `check` reads)."""
    return (part * (MIB // len(part.encode()) + 1))[:MIB]


def _fill_numbered(make: object) -> str:
    """Numbered lines from `make(i)` as long as they fit in 1 MiB (distinct keys: no early "overwrite")."""
    out, size, i = [], 0, 0
    while size + len(line := make(i)) <= MIB:  # type: ignore[operator]
        out.append(line)
        size += len(line)
        i += 1
    return "".join(out)


def hostile_toml_shapes() -> dict[str, str]:
    """1 MiB circuit files shaped to make a TOML guard or parser slow (issue 14, item 6).

    The first two took the earlier dotted-key guard 2.6 s and 1.7 s here (it tried a 200-part match at every
    word); the numbered ones are distinct keys of 32 parts, just under the one-key refusal (the total of
    parts refuses them now: they took tomllib 1.6 s and 3.3 s), flat keys, and short headers.
    """
    return {
        "199-part chains": _fill("a." * 198 + "a = 1\n"),
        "199-part quoted chains": _fill('"x".' * 198 + '"x" = 1\n'),
        "endless chain": _fill("a."),
        "quotes and dots": _fill('".'),
        "escaped quotes": _fill('"\\'),
        "unclosed multi-line strings": _fill('"""\\'),
        "32-part keys": _fill_numbered(lambda i: f"k{i}." + "a." * 30 + "a = 1\n"),
        "32-part headers": _fill_numbered(lambda i: f"[k{i}." + "a." * 30 + "a]\n"),
        "flat keys": _fill_numbered(lambda i: f"k{i} = 1\n"),
        "short headers": _fill_numbered(lambda i: f"[[k{i}]]\n"),
    }


def write_all(folder: Path, *, cpu_work_s: int = 120) -> dict[str, Path]:
    """Write every bench circuit into `folder`; returns {role: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {
        "cpu": cpu_circuit(cpu_work_s),
        "timing": timing_circuit(),
        "cues": cue_circuit(),
        "long": long_circuit(),
        "largest": largest_valid_circuit(),
        "ceiling": ceiling_circuit(),
        "too_big": too_many_stations_circuit(),
    }
    paths = {}
    for role, text in texts.items():
        path = folder / f"bench-{role}.toml"
        path.write_text(text, encoding="utf-8")
        paths[role] = path
    return paths


if __name__ == "__main__":
    for role, path in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "bench-circuits")).items():
        print(f"{role:8} {path}")
