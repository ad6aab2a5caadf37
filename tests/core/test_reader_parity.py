"""The new reader (msgspec records, issue 17) reads every log exactly as the old one did (json plus
hand-written checks, kept in tests/core/legacy_reader.py): the same sessions, sets, reps, taps and problems,
on real logs written by the writer and on thousands of mutated ones.

The old reader is compared in its strictest mode (`taps=True`, where it parsed every line): with
`taps=False` it skipped lines on their first bytes and missed damage there (issue 14 #5). The new reader
checks every line in both modes, so in both it must agree with the old one's strict mode (the list of taps
aside). Lines that crashed the old reader (issue 14 #1) are tested on their own in test_hostile_logs.py.
"""

from __future__ import annotations

import dataclasses
import json
import random
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from tests.core import legacy_reader
from timer.circuit import load_circuit
from timer.plan import Plan, build_plan
from timer.replog import SessionLog, read_log, read_taps
from timer.resources import bundled_circuits

from .test_hostile_logs import DAY0, good_log


@pytest.fixture(scope="module")
def plan() -> Plan:
    path = next(p for p in bundled_circuits() if p.name == "runner-strength-endurance.toml")
    return build_plan(load_circuit(path))


# What the old reader knew. Fields added since (issue 13: counted, active_s, paused_s, parts, RPE, extend)
# have tests of their own (test_records.py); here both readers must agree on everything the old one read.
SESSION_FIELDS = [f.name for f in dataclasses.fields(legacy_reader.LoggedSession)]
SET_FIELDS = [f.name for f in dataclasses.fields(legacy_reader.LoggedSet)]
NEW_FIELDS = {"counted", "active_s", "paused_s", "parts"}
"""Fields of the set record the old reader ignored and the new one checks: their values are not mutated here
(tests/core/test_records.py checks that a bad one is reported)."""


def seen(sessions, *, taps: bool = True) -> list[str]:
    """Everything a reader hands on about each session, as text: 5 and 5.0 or a changed type show."""
    out = []
    for s in sessions:
        fields = {
            name: getattr(s, name)
            for name in SESSION_FIELDS
            if not name.startswith("_") and (taps or name != "taps")
        }
        fields["sets"] = [(k, tuple(getattr(v, name) for name in SET_FIELDS)) for k, v in s.sets.items()]
        out.append(repr(sorted(fields.items())))
    return out


def assert_same(paths: list[Path]) -> None:
    old, old_problems = legacy_reader.read_log(paths, taps=True)
    for taps in (True, False):
        new, problems = read_log(paths, taps=taps)
        expected = old if taps else [s for s in old if s.circuit is not None or s.sets or s._marks]
        assert seen(new, taps=taps) == seen(expected, taps=taps)
        assert [str(p) for p in problems] == [str(p) for p in old_problems]
    for session in old[:3]:
        # The old read_taps also took taps from lines of a newer version (`"v": 2`), which read_log skips;
        # the new one finds exactly the taps read_log finds, in time order.
        assert read_taps(paths, session.id) == sorted(session.taps, key=lambda tap: tap[0])


def real_log(path: Path, plan: Plan, seed: int) -> None:
    """A few sessions with every record type, written by the real writer."""
    rng = random.Random(seed)
    work = [p for p in plan.phases if p.is_work]
    for day in range(rng.randint(2, 4)):
        log = SessionLog(path, clock_start=0.0, wall=lambda day=day: DAY0 + timedelta(days=day))
        log.start(plan, now=0.0, circuit_path="runner.toml", circuit_sha256="c" * 64,
                  athlete=rng.choice(["Ann", "Ben", None, "Zoë \u00e9"]))  # fmt: skip
        for phase in work[: rng.randint(1, len(work))]:
            for n in range(1, rng.randint(0, 4) + 1):
                log.rep(phase.start_s + n, n)
            if rng.random() < 0.2:
                log.pause(phase.start_s + 0.5)
                log.resume(phase.start_s + 2.5)
            log.set_ended(phase, started_t=phase.start_s, ended_t=phase.end_s, reps=rng.randint(0, 30),
                          now=phase.end_s)  # fmt: skip
            if rng.random() < 0.2:
                log.set_update(phase, rng.randint(0, 30), now=phase.end_s + 2)
            if rng.random() < 0.1:
                log.skip(phase.end_s + 3, phase)
            if rng.random() < 0.1:
                log.back(phase.end_s + 4, phase)
        if rng.random() < 0.7:
            log.end(rng.choice(["completed", "aborted"]), now=plan.total_s)  # type: ignore[arg-type]


VALUES = [None, 0, -1, 1.5, 5.0, 7, 10**9, 10**9 + 1, 1e9, 1e10, -1e308, 10**30, True, False, "", "x", "=1+1",
          "\ud800", "é", [], {}, [1], {"a": 1}, "2025-03-01T17:00:00Z", "0001-01-01T00:00:00Z", "completed",
          "aborted", "exploded", "set", "rep"]  # fmt: skip
RAW = ["NaN", "Infinity", "-Infinity", "1e400", "1" + "0" * 30, "-0", "1E2", '"\\ud800x"', '"\\u0000"']


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A few damaging edits: a field's value, a field dropped, a type or version changed, a line torn,
    junk, a repeated line, keys reordered, a number spelt another way."""
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        line = lines[i]
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if type(record) is not dict:  # junk an earlier edit put there
            continue
        how = rng.randrange(9)
        known = [k for k in record if k not in NEW_FIELDS]
        if how == 0 and known:
            key = rng.choice(known)
            record[key] = rng.choice(VALUES)
            line = json.dumps(record).encode("utf-8", "surrogatepass")
        elif how == 1 and record:
            del record[rng.choice(list(record))]
            line = json.dumps(record).encode()
        elif how == 2 and known:
            key = rng.choice(known)
            text = json.dumps(record)
            line = text.replace(
                f'"{key}": {json.dumps(record[key])}', f'"{key}": {rng.choice(RAW)}', 1
            ).encode()
        elif how == 3:
            line = line[: rng.randrange(len(line) + 1)]  # torn: a fragment, then the next line
            if rng.random() < 0.5 and i + 1 < len(lines):
                line, lines[i + 1] = line + lines[i + 1], b""
        elif how == 4:
            line = rng.choice([b"garbage", b"\x00" * 8, b"[1, 2]", b"{}", b'"s"', b"\xff\xfe", b" ", b""])
        elif how == 5:
            lines.insert(i, line)
        elif how == 6 and record:
            items = list(record.items())
            rng.shuffle(items)
            line = json.dumps(dict(items)).encode()
        elif how == 7:
            record["type"] = rng.choice(["set", "rep", "session_end", "nope", "session_resume", "pause", 3])
            line = json.dumps(record).encode()
        else:
            record["v"] = rng.choice([0, 2, 1.0, "1", True, None, 10**20])
            line = json.dumps(record).encode()
        lines[i] = line
    return b"\n".join(lines)


def test_real_logs_read_the_same(tmp_path: Path, plan: Plan) -> None:
    paths = []
    for seed in range(3):
        path = tmp_path / f"log{seed}.jsonl"
        real_log(path, plan, seed)
        paths.append(path)
    merged_copy = tmp_path / "copy.jsonl"
    merged_copy.write_bytes(paths[0].read_bytes())  # the same sessions in two files: merged
    for case in ([paths[0]], paths, [*paths, merged_copy], [tmp_path / "hostile.jsonl"]):
        if case[0].name == "hostile.jsonl":
            case[0].write_bytes(good_log())
        assert_same(case)


@pytest.mark.parametrize("seed", range(40))
def test_mutated_logs_read_the_same(tmp_path: Path, plan: Plan, seed: int) -> None:
    rng = random.Random(seed)
    clean = tmp_path / "clean.jsonl"
    real_log(clean, plan, seed)
    data = clean.read_bytes()
    for round_ in range(25):
        path = tmp_path / f"mutated{round_}.jsonl"
        path.write_bytes(mutate(data, rng))
        assert_same([path])


def test_each_kind_of_value_in_each_field_reads_the_same(tmp_path: Path, plan: Plan) -> None:
    """Every field of every record type set to every odd value, one line at a time."""
    source = good_log().split(b"\n")
    kinds = {json.loads(line)["type"]: json.loads(line) for line in source if line}
    extra = {
        "set": ["part", "reps", "target_reps", "load", "ended_by"],
        "rep": ["n"],
        "session_end": ["status"],
    }
    path = tmp_path / "log.jsonl"
    for record in kinds.values():
        for key in [k for k in [*record, *extra.get(record["type"], [])] if k not in NEW_FIELDS]:
            for value in [*VALUES, *RAW]:
                spelt = value if value in RAW else json.dumps(value)
                text = json.dumps({**record, key: "@@"}).replace('"@@"', spelt)  # type: ignore[arg-type]
                path.write_bytes(
                    b"\n".join(source[:3]) + b"\n" + text.encode("utf-8", "surrogatepass") + b"\n"
                )
                assert_same([path])


def test_a_resumed_session_reads_the_same(tmp_path: Path, plan: Plan) -> None:
    from timer.replog import find_resumable

    path = tmp_path / "log.jsonl"
    work = [p for p in plan.phases if p.is_work]
    log = SessionLog(path, clock_start=0.0, wall=lambda: DAY0)
    log.start(plan, now=0.0, circuit_sha256="c" * 64)
    log.set_ended(work[0], started_t=1, ended_t=2, reps=3, now=2)
    log.abort(3, reps=1)
    point = find_resumable(path, sha256="c" * 64)
    assert point is not None
    log = SessionLog(path, clock_start=0.0, wall=lambda: DAY0)
    log.start(replace(plan), now=0.0, circuit_sha256="c" * 64, resume=point)
    log.set_ended(work[1], started_t=5, ended_t=8, reps=4, now=8)
    log.end("completed", now=9)
    assert_same([path])


# ---------------------------------------------------------------- `run --resume` reads from the end


def resumable_both_ways(path: Path, tmp_path: Path, **match):
    """find_resumable the fast way (one log: from its end) and the whole-log way (an empty second log)."""
    from timer.replog import find_resumable

    empty = tmp_path / "empty.jsonl"
    empty.touch()
    return find_resumable(path, **match), find_resumable([path, empty], **match)


@pytest.mark.parametrize("seed", range(12))
def test_resume_from_the_end_finds_what_the_whole_log_says(tmp_path: Path, plan: Plan, seed: int) -> None:
    """Sessions of two circuits and three athletes, aborted, cut off (taps after the last set), completed,
    resumed: reading from the end gives the same resume point as reading everything."""
    from timer.replog import find_resumable

    rng = random.Random(seed)
    path = tmp_path / "log.jsonl"
    work = [p for p in plan.phases if p.is_work]
    for day in range(rng.randint(3, 12)):
        sha = rng.choice(["a" * 64, "b" * 64])
        log = SessionLog(path, clock_start=0.0, wall=lambda day=day: DAY0 + timedelta(days=day))
        athlete = rng.choice(["Ann", "Ben", None])
        point = find_resumable(path, sha256=sha, athlete=athlete) if rng.random() < 0.3 else None
        log.start(plan, now=0.0, circuit_sha256=sha, athlete=athlete, resume=point)
        for phase in work[: rng.randint(0, len(work))]:
            if point is not None and (phase.round, phase.station, phase.set, phase.part) in point.done:
                continue
            for n in range(1, rng.randint(0, 3) + 1):
                log.rep(phase.start_s + n, n)
            log.set_ended(phase, started_t=phase.start_s, ended_t=phase.end_s, reps=5, now=phase.end_s)
        if rng.random() < 0.3:
            log.rep(plan.total_s - 1, 1)  # killed mid-set: a tap after the last set
        ending = rng.choice(["completed", "aborted", None])
        if ending:
            log.end(ending, now=plan.total_s)  # type: ignore[arg-type]
        for sha_ in ("a" * 64, "b" * 64):
            for who in ("Ann", "Ben", None):
                fast, whole = resumable_both_ways(path, tmp_path, sha256=sha_, athlete=who)
                assert fast == whole


@pytest.mark.parametrize("seed", range(6))
def test_resume_of_a_program_session_from_the_end(tmp_path: Path, plan: Plan, seed: int) -> None:
    """`run PROGRAM --resume` matches the program's name and session number: from the end of the log as
    from the whole of it, a name with non-ASCII letters included (the writer does not escape them)."""
    rng = random.Random(seed)
    written = tmp_path / "written.jsonl"
    work = [p for p in plan.phases if p.is_work]
    for day in range(rng.randint(3, 10)):
        log = SessionLog(written, clock_start=0.0, wall=lambda day=day: DAY0 + timedelta(days=day))
        log.start(plan, now=0.0, circuit_sha256="a" * 64, athlete=rng.choice(["Ann", None]))
        for phase in work[: rng.randint(0, 4)]:
            log.set_ended(phase, started_t=phase.start_s, ended_t=phase.end_s, reps=5, now=phase.end_s)
        if rng.random() < 0.5:
            log.end(rng.choice(["completed", "aborted"]), now=plan.total_s)  # type: ignore[arg-type]
    path = tmp_path / "log.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for line in written.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["type"] == "session_start":
                record |= {
                    "program": rng.choice(["Blöck A", "Block B"]),
                    "program_session": rng.randint(1, 3),
                }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    for name in ("Blöck A", "Block B"):
        for number in (1, 2, 3):
            for who in ("Ann", None):
                fast, whole = resumable_both_ways(path, tmp_path, program=(name, number), athlete=who)
                assert fast == whole
    # The program's next session (`run PROGRAM`) from its start and end lines alone, as from every line.
    from timer.program.progress import program_runs, program_sessions

    for name in ("Blöck A", "Block B"):
        for who in ("Ann", None):
            fast_runs = program_sessions(program_runs([path]), name, who)
            whole_runs = program_sessions(read_log([path])[0], name, who)
            assert {n: [(s.id, s.status, s.started_at) for s in runs] for n, runs in fast_runs.items()} == {
                n: [(s.id, s.status, s.started_at) for s in runs] for n, runs in whole_runs.items()
            }
