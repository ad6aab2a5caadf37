"""Big logs (issues 17 and 14): `history` of years of sessions and of a squad, start-up with a 100 MB default
log, and the memory of reading a 1 GB hostile log. Each row states its log's shape; the logs are generated
into the bench's temporary folder by tests/perf/make_log.py (never committed).

    python -m tests.perf.bench --only logs
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.perf.scale import timed
from tests.perf.startup import measure_startup
from tests.perf.table import Row, verdict

YEARS_TARGET_S = 1.0
SQUAD_TARGET_S = 2.0
STARTUP_RATIO = 1.2
STARTUP_PAIRS = 7
"""Pairs of launches per start-up row (one with each log); the row is the median of the pairs' ratios."""
HOSTILE_TARGET_MB = 300.0
DEFAULT_LOG_MB = 100
HOSTILE_MB = 1000
SETS_PER_MB = 1_900
"""Set records in a MB of make_log's log, start and end records included (about 525 bytes a set)."""
PROGRAM_FIRST = "AA"
"""The circuit of the first session of tests/programs/block.toml: what its overview shows."""


def logs_rows(
    cmd: Sequence[str],
    circuit: Path,
    name: str,
    folder: Path,
    env: dict[str, str],
    progress: Callable[[str], None],
    *,
    which: set[str] | None = None,
) -> list[Row]:
    """The rows of this section; `which` picks some of years, squad, startup, hostile (all when None)."""
    from tests.perf import make_log

    which = which or {"years", "squad", "startup", "hostile"}
    rows: list[Row] = []
    if "years" in which:
        progress("logs: writing 100 000 sets in 25 000 sessions")
        log = folder / "years.jsonl"
        sessions = make_log.generate(log, sets=100_000, per_session=4)
        rows += history_rows(
            cmd, [log], env, f"100,000 sets in {sessions:,} sessions, one log", YEARS_TARGET_S
        )
    if "squad" in which:
        progress("logs: writing a squad's 270 000 sets in 20 logs")
        logs = make_log.squad(folder / "squad", athletes=20, sets=270_000, per_session=30)
        rows += history_rows(
            cmd, logs, env, "a squad: 270,000 sets in 9,000 sessions across 20 logs", SQUAD_TARGET_S
        )
    if "startup" in which:
        rows += big_log_startup_rows(cmd, circuit, name, folder, env, progress)
    if "hostile" in which:
        progress(f"logs: writing a hostile log of {HOSTILE_MB} MB")
        log = folder / "hostile.jsonl"
        lines = make_log.hostile(log, size=HOSTILE_MB * 10**6)
        rows.append(hostile_row(cmd, log, lines, env))
        log.unlink()
    return rows


def history_rows(
    cmd: Sequence[str], logs: list[Path], env: dict[str, str], shape: str, target_s: float
) -> list[Row]:
    """`history` of `logs` in a fresh process, 3 times: the median time, the worst peak memory."""
    argv = [*cmd, "history", *(a for log in logs for a in ("--log", str(log)))]
    runs = [timed(argv, env) for _ in range(3)]
    codes = sorted({r[1] for r in runs})
    seconds = statistics.median(r[0] for r in runs)
    size = sum(log.stat().st_size for log in logs) / 1e6
    return [
        Row(
            f"`history` of {shape}",
            f"{seconds:.2f} s, peak {max(r[2] for r in runs):.0f} MB",
            f"≤ {target_s:g} s",
            verdict(seconds <= target_s and codes == [0]),
            f"median of 3 fresh processes ({', '.join(f'{r[0]:.2f}' for r in runs)} s); {size:.0f} MB of "
            f"logs; peak = max RSS (wait4), worst of 3; exit {codes}",
        )
    ]


def big_log_startup_rows(
    cmd: Sequence[str],
    circuit: Path,
    name: str,
    folder: Path,
    env: dict[str, str],
    progress: Callable[[str], None],
) -> list[Row]:
    """Launch → first frame of the overview, with an empty default log and with a 100 MB one, both ending
    in the same interrupted session of `circuit`: `run --resume` (which reads the log), `run`, and
    `run PROGRAM` (tests/programs/block.toml: its next session is read from the log)."""
    from tests.perf import make_log

    progress(f"logs: writing a {DEFAULT_LOG_MB} MB default log")
    big, small = folder / "default-big.jsonl", folder / "default-empty.jsonl"
    make_log.generate(big, sets=DEFAULT_LOG_MB * SETS_PER_MB, per_session=10)
    small.unlink(missing_ok=True)
    for log in (big, small):
        make_log.interrupted(log, circuit)
    size = big.stat().st_size / 1e6
    rows = []
    program = Path(__file__).resolve().parents[1] / "programs" / "block.toml"
    for what, shown, flags, label in (
        (circuit, name, ["--resume"], "`run --resume`"),
        (circuit, name, [], "`run`"),
        (program, PROGRAM_FIRST, [], "`run PROGRAM`"),
    ):
        progress(
            f"logs: {label} with an empty and a {size:.0f} MB default log, {STARTUP_PAIRS} pairs of launches"
        )
        empty, full = paired_startups(cmd, what, shown, env, small, big, flags)
        ratios = [f[0] / e[0] for e, f in zip(empty, full, strict=True)]
        ratio = statistics.median(ratios)
        rows.append(
            Row(
                f"{label} → first frame, {size:.0f} MB default log vs an empty one",
                f"{ratio:.2f}×",
                f"≤ {STARTUP_RATIO:g}×",
                verdict(ratio <= STARTUP_RATIO),
                f"median of {len(ratios)} pairs of launches, one with each log back to back, the order alternating "
                f"(per pair: {', '.join(f'{r:.2f}' for r in ratios)}); medians "
                f"{statistics.median(r[0] for r in full):.2f} s vs {statistics.median(r[0] for r in empty):.2f} s "
                f"(CPU by then {statistics.median(r[1] for r in full):.2f} vs "
                f"{statistics.median(r[1] for r in empty):.2f} s); peak {max(r[2] for r in full):.0f} MB vs "
                f"{max(r[2] for r in empty):.0f} MB (VmHWM at the first frame). The log: "
                f"{DEFAULT_LOG_MB * SETS_PER_MB:,} sets in 10-set sessions, then the interrupted one",
            )
        )
    return rows


def paired_startups(
    cmd: Sequence[str],
    what: Path,
    shown: str,
    env: dict[str, str],
    small: Path,
    big: Path,
    flags: Sequence[str],
) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Launches with the empty and the big default log, in pairs back to back (the order alternating).

    The same launch costs far more CPU in one minute than in the next on this shared machine, so the two logs
    are compared within each pair (as the CPU rows compare the app and termdown within each window), never as
    five launches of one followed by five of the other.
    """
    empty: list[tuple[float, float, float]] = []
    full: list[tuple[float, float, float]] = []
    for pair in range(STARTUP_PAIRS):
        order = [(small, empty), (big, full)]
        for log, into in order if pair % 2 == 0 else reversed(order):
            into += measure_startup(
                cmd, what, shown, {**env, "CIRCUIT_TIMER_LOG": str(log)}, runs=1, flags=flags
            )
    return empty, full


def hostile_row(cmd: Sequence[str], log: Path, lines: int, env: dict[str, str]) -> Row:
    """`history` of a hostile log: peak memory, and how many lines it said it skipped."""
    seconds, code, peak, text = timed([*cmd, "history", "--log", str(log)], env)
    skipped = sum(
        len(re.findall(r"\d+", m.group(1).split(" and ")[0])) + int(m.group(2) or 0)
        for m in re.finditer(r": lines? ([\d, ]+(?: and (\d+) more)?):", text)
    )
    size = log.stat().st_size / 1e6
    clean = code == 0 and "Traceback" not in text
    return Row(
        f"`history` of a {size:.0f} MB hostile log: peak memory",
        f"{peak:.0f} MB",
        f"< {HOSTILE_TARGET_MB:g} MB",
        verdict(peak < HOSTILE_TARGET_MB and clean),
        f"{lines:,} lines (make_log.hostile: millions of session ids, ever new set places, endless taps, "
        f"deep nesting, torn fragments, junk, NaN, newer versions, unknown types, lines over 1 MiB); "
        f"{skipped:,} lines reported skipped; {seconds:.0f} s; exit {code}"
        + ("" if clean else f"; {text.strip()[-200:]}"),
    )
