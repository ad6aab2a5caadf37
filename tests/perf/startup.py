"""Start-up: launch of `run` to the first frame of the overview."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from tests.perf.programs import COLS, ROWS
from tests.perf.ptyrun import PtyProcess
from tests.perf.table import Row, verdict

STARTUP_TARGET_S = 1.0


def measure_startup(
    cmd: Sequence[str],
    circuit: Path,
    name: str,
    env: dict[str, str],
    runs: int = 5,
    flags: Sequence[str] = (),
) -> list[tuple[float, float, float]]:
    """(seconds to the first output holding `name`, CPU seconds by then, peak RSS MB by then) for `runs`
    launches of `run CIRCUIT [flags]`."""
    results = []
    for _ in range(runs):
        argv = [*cmd, "run", str(circuit), *flags, "--mute", "--no-voice"]
        app = PtyProcess(argv, cols=COLS, rows=ROWS, env=env)
        try:
            seen = app.wait_for(name, 30)
            results.append((seen.monotonic - app.started, app.tree_cpu_seconds(), app.peak_rss_mb()))
        finally:
            app.stop()
        time.sleep(0.3)
    return results


def startup_rows(results: list[tuple[float, float, float]]) -> list[Row]:
    seconds = [r[0] for r in results]
    cpu = statistics.median(r[1] for r in results)
    return [
        Row(
            "Start-up: launch → first frame of the overview",
            f"worst {max(seconds):.2f} s, median {statistics.median(seconds):.2f} s",
            f"< {STARTUP_TARGET_S:g} s",
            verdict(max(seconds) < STARTUP_TARGET_S),
            f"{len(seconds)} launches of `run` on the bundled demo; about {cpu:.2f} CPU-s by then",
        )
    ]
