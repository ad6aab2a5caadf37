"""Scale: `check` of big and over-the-limit circuits, `history` of 100 000 logged sets (time, peak memory)."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.perf import inputs
from tests.perf.table import Row, verdict

CHECK_TARGET_S = 0.5
SCALE_CHECK_TARGET_S = 2.0
HISTORY_TARGET_S = 3.0
HISTORY_TARGET_MB = 200.0
HISTORY_SETS = 100_000


def timed(argv: Sequence[str], env: dict[str, str]) -> tuple[float, int, float, str]:
    """Run to the end: (wall seconds, exit code, peak RSS MB of that child, output)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        child = subprocess.Popen(list(argv), stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the max over all children
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return seconds, child.returncode, usage.ru_maxrss / 1024, text


def best_of(n: int, argv: Sequence[str], env: dict[str, str]) -> tuple[float, int, float, str]:
    runs = [timed(argv, env) for _ in range(n)]
    best = min(runs, key=lambda r: r[0])
    return best[0], best[1], max(r[2] for r in runs), best[3]


def scale_rows(
    cmd: Sequence[str],
    paths: dict[str, Path],
    folder: Path,
    env: dict[str, str],
    progress: Callable[[str], None],
) -> list[Row]:
    from timer.resources import bundled_circuits

    rows = []
    bundled = [str(p) for p in bundled_circuits()]
    seconds, code, _, text = best_of(5, [*cmd, "check", *bundled], env)
    rows.append(
        Row(
            f"`check` of the {len(bundled)} bundled circuits",
            f"{seconds:.2f} s",
            f"< {CHECK_TARGET_S:g} s",
            verdict(seconds < CHECK_TARGET_S and code == 0),
            f"best of 5, one process for all files; exit {code}",
        )
    )

    def refused(label: str, path: Path) -> Row:
        """A file over a limit: `check` must say so in one line, quickly, without a traceback."""
        seconds, code, _, text = best_of(5, [*cmd, "check", str(path)], env)
        message = text.strip().splitlines()[-1] if text.strip() else ""
        clear = code == 1 and bool(message) and "Traceback" not in text
        return Row(
            label,
            f"{seconds:.2f} s",
            f"< {SCALE_CHECK_TARGET_S:g} s, refused clearly",
            verdict(seconds < SCALE_CHECK_TARGET_S and clear),
            f"best of 5; exit {code}: “{message.split(': ', 1)[-1]}”",
        )

    rows.append(
        refused("`check` of a 500-station circuit (over the limit of 100 stations)", paths["too_big"])
    )
    stations, rounds, most_sets = inputs.limits()
    rows.append(
        refused(
            f"`check` of {stations} stations × 20 sets × {rounds} rounds ({stations * 20 * rounds:,} sets)",
            paths["ceiling"],
        )
    )
    seconds, code, peak, text = best_of(5, [*cmd, "check", str(paths["largest"])], env)
    stations, rounds = inputs.largest_valid_shape()
    size = _size(paths["largest"]) if code == 0 else None
    rows.append(
        Row(
            f"`check` of the largest valid circuit ({stations} stations × {rounds} rounds)",
            f"{seconds:.2f} s",
            f"< {SCALE_CHECK_TARGET_S:g} s",
            verdict(seconds < SCALE_CHECK_TARGET_S and code == 0),
            f"best of 5; exit {code}; peak {peak:.0f} MB; "
            + (f"{size[0]:,} timed sets, {size[1]:,} phases" if size else text.strip()[-200:])
            + (f" (the limit is {most_sets:,} timed sets per session)" if most_sets else ""),
        )
    )

    progress(f"writing a log of {HISTORY_SETS:,} sets")
    from tests.perf.make_log import generate

    log = folder / "history-100k.jsonl"
    generate(log, sets=HISTORY_SETS)
    size_mb = log.stat().st_size / 1e6
    runs = [timed([*cmd, "history", "--log", str(log)], env) for _ in range(3)]
    codes = {r[1] for r in runs}
    seconds = statistics.median(r[0] for r in runs)
    peak = max(r[2] for r in runs)
    rows.append(
        Row(
            f"`history` of {HISTORY_SETS:,} logged sets: time",
            f"{seconds:.2f} s",
            f"< {HISTORY_TARGET_S:g} s",
            verdict(seconds < HISTORY_TARGET_S and codes == {0}),
            f"median of 3; {size_mb:.0f} MB log, 10 000 sessions (tests/perf/make_log.py); "
            f"exit {sorted(codes)}",
        )
    )
    rows.append(
        Row(
            f"`history` of {HISTORY_SETS:,} logged sets: peak memory",
            f"{peak:.0f} MB",
            f"< {HISTORY_TARGET_MB:g} MB",
            verdict(peak < HISTORY_TARGET_MB),
            "max RSS of the process (wait4 rusage), worst of 3",
        )
    )
    return rows


def _size(path: Path) -> tuple[int, int]:
    """(work phases, phases) of a circuit's timeline."""
    from timer.circuit import load_circuit
    from timer.plan import build_plan

    plan = build_plan(load_circuit(path))
    return sum(p.is_work for p in plan.phases), len(plan.phases)
