"""Generate a big synthetic rep log (written by the real SessionLog) and time `history` reading it.

    python tests/perf/make_log.py OUT.jsonl [--sets 100000] [--taps] [--athletes 4] [--measure]

Sessions follow the bundled "Runner strength-endurance A" circuit (10 set records each: 2 rounds, one
station with two parts) with reps drifting up over time; `--taps` adds one `rep` record per rep, as a
real session with counting does (about 50 times more lines). `--measure` then runs the history command
and the CSV export in fresh processes and prints wall time and peak memory (ru_maxrss of the child).
Not collected by pytest; the benchmark of issue 6 calls `generate()` and `measure()`.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from timer.circuit import load_circuit
from timer.plan import build_plan
from timer.replog import SessionLog
from timer.resources import bundled_circuits

CIRCUIT = "runner-strength-endurance.toml"


def generate(
    out: Path,
    *,
    sets: int = 100_000,
    taps: bool = False,
    athletes: int = 4,
    seed: int = 1,
    per_session: int = 10,
) -> int:
    """Append sessions to `out` until it holds `sets` set records; returns the number of sessions.

    `per_session` set records a session (the circuit has 10; more repeat its rounds, fewer stop early).
    """
    circuit_path = next(p for p in bundled_circuits() if p.name == CIRCUIT)
    plan = build_plan(load_circuit(circuit_path))
    one_pass = [p for p in plan.phases if p.is_work]
    rounds = max(p.round or 1 for p in one_pass)
    work = [
        replace(p, round=(p.round or 1) + rounds * lap, start_s=p.start_s + plan.total_s * lap)
        for lap in range(-(-per_session // len(one_pass)))
        for p in one_pass
    ][:per_session]
    rng = random.Random(seed)
    names = [f"Athlete {i + 1}" for i in range(athletes)]
    day = datetime(2020, 1, 1, 17, 0, tzinfo=UTC)
    written = sessions = 0
    while written < sets:
        athlete = names[sessions % athletes]
        when = day + timedelta(hours=8 * sessions)
        log = SessionLog(out, clock_start=0.0, wall=lambda when=when: when, sync=False)
        log.start(plan, now=0.0, circuit_path=circuit_path, circuit_sha256="0" * 64, athlete=athlete)
        for phase in work[: sets - written]:
            target = phase.target_reps or 30
            reps = max(0, target + sessions // 200 + rng.randint(-3, 3))
            if taps:
                step = phase.duration_s / max(reps, 1)
                for n in range(1, reps + 1):
                    log.rep(phase.start_s + n * step, count=n)
            log.set_ended(phase, started_t=phase.start_s, ended_t=phase.end_s, reps=reps, now=phase.end_s)
            written += 1
        log.end("completed" if rng.random() > 0.05 else "aborted", now=plan.total_s)
        sessions += 1
    return sessions


def measure(log: Path) -> list[tuple[str, float, float]]:
    """(what, seconds, peak MB) for `history` and `history --csv`, each in a fresh Python process."""
    results = []
    for label, csv in (("history", None), ("history --csv", str(log.with_suffix(".csv")))):
        code = (
            "import argparse, sys; from timer.history.command import command; "
            f"sys.exit(command(argparse.Namespace(log=[{str(log)!r}], circuit=None, athlete=None, all=False, "
            f"csv={csv!r})))"
        )
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the max over all children
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            raise RuntimeError(f"{label} exited with {child.returncode}")
        results.append((label, seconds, usage.ru_maxrss / 1024))  # ru_maxrss is in KiB on Linux
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--sets", type=int, default=100_000)
    parser.add_argument("--taps", action="store_true", help="one rep record per rep, like a counted session")
    parser.add_argument("--athletes", type=int, default=4)
    parser.add_argument("--per-session", type=int, default=10, help="set records a session (default 10)")
    parser.add_argument("--measure", action="store_true", help="time the history command on the result")
    args = parser.parse_args(argv)
    if args.out.exists():
        args.out.unlink()
    start = time.perf_counter()
    sessions = generate(
        args.out, sets=args.sets, taps=args.taps, athletes=args.athletes, per_session=args.per_session
    )
    size = args.out.stat().st_size / 1e6
    print(
        f"wrote {args.sets} sets in {sessions} sessions, {size:.1f} MB, "
        f"in {time.perf_counter() - start:.1f} s"
    )
    if args.measure:
        for label, seconds, peak in measure(args.out):
            print(f"{label:<15} {seconds:6.2f} s   peak {peak:6.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
