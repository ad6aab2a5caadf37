"""The TOML guard (issue 14, item 6): linear on 1 MiB of any shape; and `check` of the same files, whole."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from tests.perf import inputs
from tests.perf.scale import best_of
from tests.perf.table import Row, verdict

GUARD_TARGET_S = 0.5


def guard_rows(cmd: Sequence[str], folder: Path, env: dict[str, str]) -> list[Row]:
    """The dotted-key guard in process on each hostile shape (best of 3); then `check` of each file."""
    from timer.circuit.reading import _costly_keys

    shapes = inputs.hostile_toml_shapes()
    guard: dict[str, float] = {}
    for name, text in shapes.items():
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            _costly_keys(text)
            runs.append(time.perf_counter() - started)
        guard[name] = min(runs)
    worst = max(guard, key=guard.__getitem__)
    rows = [
        Row(
            f"TOML guard on 1 MiB of {len(shapes)} hostile shapes",
            f"worst {guard[worst]:.2f} s",
            f"< {GUARD_TARGET_S:g} s",
            verdict(guard[worst] < GUARD_TARGET_S),
            f"best of 3 per shape, in process; worst: {worst}; the earlier guard took 2.6 s on 199-part chains",
        )
    ]
    checks: dict[str, tuple[float, int]] = {}
    for name, text in shapes.items():
        path = folder / f"hostile-{len(checks)}.toml"
        path.write_text(text, encoding="utf-8")
        seconds, code, _, _ = best_of(3, [*cmd, "check", str(path)], env)
        checks[name] = (seconds, code)
    slowest = max(checks, key=lambda k: checks[k][0])
    rows.append(
        Row(
            f"`check` of the same {len(shapes)} files, whole process",
            f"worst {checks[slowest][0]:.2f} s",
            "—",
            "info",
            f"best of 3 each; worst: {slowest} (tomllib's own parsing); exits "
            f"{sorted({c for _, c in checks.values()})}",
        )
    )
    return rows
