"""The candidates of issue 17 side by side: the old reader (`json` plus hand-written checks), the old reader
with `orjson` as its decoder (the same checks), and the new reader (msgspec typed records).

    python -m tests.perf.decoders LOG.jsonl [LOG2.jsonl ...]

Each reads the whole log in this process, three times; prints the median wall time and µs a line. The
logs come from tests/perf/make_log.py. Not collected by pytest.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from tests.core import legacy_reader
from timer.replog import read_log


def _with_orjson(paths: list[Path]) -> object:
    """The old reader, its `json` decode swapped for orjson's (which also refuses NaN, like msgspec)."""
    old = legacy_reader._decode
    legacy_reader._decode = orjson.loads  # type: ignore[assignment]  # orjson takes str as well as bytes
    try:
        return legacy_reader.read_log(paths)
    finally:
        legacy_reader._decode = old


CANDIDATES: dict[str, Callable[[list[Path]], object]] = {
    "json + checks (old reader)": legacy_reader.read_log,
    "orjson + checks": _with_orjson,
    "msgspec typed structs (new reader)": read_log,
}


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv]
    lines = sum(p.read_bytes().count(b"\n") for p in paths)
    size = sum(p.stat().st_size for p in paths) / 1e6
    print(f"{len(paths)} file(s), {size:.0f} MB, {lines:,} lines")
    for name, read in CANDIDATES.items():
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            read(paths)
            runs.append(time.perf_counter() - start)
        median = statistics.median(runs)
        print(f"{name:<36} {median:6.2f} s  {median / lines * 1e6:5.1f} µs a line")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
