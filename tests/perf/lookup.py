"""In process: how long `run PROGRAM`'s look-up of the next session takes (`choose_session`: the program
index, the lines after it, the next session) on two logs, e.g. the start-up row's 99 MB default log and its
empty one (`--keep DIR` keeps them). Median of N calls each, after one that warms the page cache and makes
the index; `--cold` deletes the index before every call (the first look-up after a log is copied in).

    python -m tests.perf.lookup DIR/default-big.jsonl DIR/default-empty.jsonl [--runs 9] [--cold]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from timer.errors import InputError
from timer.program import load_program
from timer.program.command import choose_session
from timer.replog.index import index_path

BLOCK = Path(__file__).resolve().parents[1] / "programs" / "block.toml"


def lookup_seconds(log: Path, runs: int, cold: bool) -> tuple[list[float], str]:
    """The time of each of `runs` look-ups, and what they found."""
    loaded = load_program(BLOCK)

    def once() -> str:
        try:
            return f"session {choose_session(loaded, None, None, [log], None).number}"
        except InputError:
            return "the block is done"

    found = once()
    times = []
    for _ in range(runs):
        if cold:
            index_path(log).unlink(missing_ok=True)
        began = time.perf_counter()
        once()
        times.append(time.perf_counter() - began)
    return times, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.lookup", description=__doc__.splitlines()[0])
    parser.add_argument("logs", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--cold", action="store_true", help="no index before each look-up")
    args = parser.parse_args(argv)
    for log in args.logs:
        times, found = lookup_seconds(log, args.runs, args.cold)
        print(
            f"{log.name}: {log.stat().st_size / 1e6:.0f} MB, {found}; median of {args.runs}: "
            f"{statistics.median(times) * 1000:.2f} ms (min {min(times) * 1000:.2f}, max {max(times) * 1000:.2f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
