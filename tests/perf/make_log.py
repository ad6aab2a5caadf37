"""Generate a big synthetic rep log (written by the real SessionLog) and time `history` reading it.

    python tests/perf/make_log.py OUT.jsonl [--sets 100000] [--per-session 10] [--taps] [--athletes 4] [--measure]
    python tests/perf/make_log.py FOLDER --squad 20 --sets 270000 --per-session 30   # one log per athlete
    python tests/perf/make_log.py OUT.jsonl --hostile 1000                           # 1 GB made to hurt
    python tests/perf/make_log.py OUT.jsonl --sets 190000 --program-sessions 450   # then a program's years

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
    first_athlete: int = 1,
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
    names = [f"Athlete {first_athlete + i}" for i in range(athletes)]
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


def interrupted(out: Path, circuit: Path, *, sets: int = 2) -> str:
    """Append a session of `circuit` cut off after `sets` sets (no end record, as after a power cut), so
    that `run CIRCUIT --resume` has something to resume; returns its id."""
    from timer.replog.recorder import file_sha256

    plan = build_plan(load_circuit(circuit))
    log = SessionLog(out, clock_start=0.0, sync=False)
    log.start(plan, now=0.0, circuit_path=circuit, circuit_sha256=file_sha256(circuit))
    for phase in [p for p in plan.phases if p.is_work][:sets]:
        log.set_ended(phase, started_t=phase.start_s, ended_t=phase.end_s, reps=10, now=phase.end_s)
    if log.session_lock is not None:  # as after a power cut: the writer is gone, and so is its lock
        log.session_lock.release()
    log.close()
    return log.session_id


def program_sessions(out: Path, count: int) -> None:
    """Append `count` completed sessions of tests/programs/block.toml (its sessions in turn, every set
    done, an RPE each), two days apart in 2027 after the rest: a program's history for the look-up of its
    next session (`python -m tests.perf.lookup`)."""
    from timer.program import load_program

    block = load_program(Path(__file__).resolve().parents[1] / "programs" / "block.toml")
    day0 = datetime(2027, 1, 1, 17, tzinfo=UTC)
    for i in range(count):
        plan = block.plan(block.sessions[i % len(block.sessions)])
        log = SessionLog(out, clock_start=0.0, sync=False, wall=lambda i=i: day0 + timedelta(days=2 * i))
        log.start(plan, now=0.0, circuit_path="c.toml", circuit_sha256="c" * 64)
        for phase in [p for p in plan.phases if p.is_work]:
            log.set_ended(phase, started_t=phase.start_s, ended_t=phase.end_s, reps=10, now=phase.end_s)
        log.end("completed", now=plan.total_s)
        log.session_rpe(now=plan.total_s + 1, rpe=6, minutes=20.0)
        log.close()


def squad(folder: Path, *, athletes: int = 20, sets: int = 270_000, per_session: int = 30) -> list[Path]:
    """A coach's folder: one log per athlete (`athlete-01.jsonl` holds Athlete 1's sessions, ...), `sets` set
    records in all."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(athletes):
        path = folder / f"athlete-{i + 1:02}.jsonl"
        path.unlink(missing_ok=True)
        generate(
            path, sets=sets // athletes, athletes=1, seed=i + 1, per_session=per_session, first_athlete=i + 1
        )
        paths.append(path)
    return paths


def hostile(out: Path, *, size: int = 1 << 30, seed: int = 1) -> int:
    """A log of `size` bytes written to exhaust a reader: millions of distinct session ids (sets, pauses,
    starts), one session with ever new set places, one with endless taps, and damage of every kind the
    reader knows (deep nesting, torn fragments before a tap, binary junk, NaN, newer versions, unknown
    types by the thousand, a few lines over 1 MiB). Returns the number of lines. Written directly, fast."""
    rng = random.Random(seed)
    head = '{"v": 1, "type": '
    kinds = [
        lambda i: (
            f'{head}"set", "session": "h{i}", "t": 1, "round": 1, "station": 1, "set": 1, "reps": 5, '
            f'"exercise": "Squat {i % 97}", "load": 20.5, "unit": "kg", "ended_by": "time"}}'
        ),
        lambda i: f'{head}"pause", "session": "p{i}", "t": {i % 1000}.5}}',
        lambda i: (
            f'{head}"session_start", "session": "s{i}", "t": 0, "at": "2025-03-01T17:00:00Z", '
            f'"circuit": "Hostile {i}", "athlete": "A{i}", "planned_s": 100, "sets": 3}}'
        ),
        lambda i: f'{head}"set", "session": "one", "t": {i}, "round": {i % 10**9}, "station": 1, "set": 1}}',
        lambda i: f'{head}"rep", "session": "taps", "t": {i}, "n": {i % 50}}}',
        lambda i: "[" * 1000,
        lambda i: f'{head}"rep", "session": "taps", "t": 1{head}"rep", "session": "taps", "t": 2, "n": 1}}',
        lambda i: bytes(rng.randrange(256) for _ in range(40)).replace(b"\n", b" ").decode("latin-1"),
        lambda i: f'{head}"set", "session": "h{i}", "t": NaN, "round": 1, "station": 1, "set": 1}}',
        lambda i: f'{{"v": 2, "type": "set", "session": "v{i}", "t": 1}}',
        lambda i: f'{head}"kind{i}", "session": "u{i}", "t": 1}}',
    ]
    weights = [30, 20, 10, 10, 10, 2, 5, 3, 4, 3, 3]
    lines = 0
    with open(out, "w", encoding="latin-1", newline="\n") as f:
        written = 0
        i = 0
        while written < size:
            batch = []
            for make in rng.choices(kinds, weights, k=10_000):
                i += 1
                batch.append(make(i))
            if i % 1_000_000 < 10_000:  # now and then a line longer than any record
                batch.append("x" * ((1 << 20) + 10))
            text = "\n".join(batch) + "\n"
            f.write(text)
            written += len(text)
            lines += len(batch)
    return lines


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
    parser.add_argument(
        "--squad", type=int, metavar="N", help="OUT is a folder: one log per athlete for N athletes"
    )
    parser.add_argument("--hostile", type=float, metavar="MB", help="a hostile log of MB megabytes instead")
    parser.add_argument(
        "--program-sessions", type=int, default=0, metavar="N", help="then N sessions of a program"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.hostile:
        lines = hostile(args.out, size=int(args.hostile * 1e6))
        print(f"wrote a hostile log of {lines:,} lines in {time.perf_counter() - start:.1f} s")
        return 0
    if args.squad:
        paths = squad(args.out, athletes=args.squad, sets=args.sets, per_session=args.per_session)
        size = sum(p.stat().st_size for p in paths) / 1e6
        print(f"wrote {len(paths)} logs, {size:.1f} MB, in {time.perf_counter() - start:.1f} s")
        return 0
    if args.out.exists():
        args.out.unlink()
    sessions = generate(
        args.out, sets=args.sets, taps=args.taps, athletes=args.athletes, per_session=args.per_session
    )
    program_sessions(args.out, args.program_sessions)
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
