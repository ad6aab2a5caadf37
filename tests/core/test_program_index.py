"""The program index (issue 17, point 2): a program's sessions from the index beside the log and the lines
written after it are exactly what a full read of the log says, whatever happened to the log or the index
(damage, torn lines, rotation, replacement, a stale, garbage or hostile index), and `run PROGRAM`, the
picker's "today" and `circuit-timer program` all take that path."""

from __future__ import annotations

import json
import os
import random
import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from timer.errors import LogError
from timer.program import load_program
from timer.program.expand import LoadedProgram
from timer.program.progress import next_session, program_runs, with_sets
from timer.replog import SessionLog, read_log
from timer.replog import index as program_index
from timer.replog.index import index_path

from .test_reader_parity import mutate, seen

HERE = Path(__file__).resolve().parent.parent / "programs"
DAY0 = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
STATUS_FIELDS = (
    "id", "source", "circuit", "circuit_path", "circuit_sha256", "athlete", "program", "program_session",
    "planned_s", "planned_sets", "started_at", "status", "total_s", "total_reps", "resumes", "paused_s",
    "rpe", "rpe_minutes", "rpe_load",
)  # fmt: skip
"""What `program_runs` promises about each session (its sets, taps and counts are `with_sets`' job)."""


@pytest.fixture(scope="module")
def block() -> LoadedProgram:
    return load_program(HERE / "block.toml")


def statuses_of(sessions) -> list[tuple]:
    return [tuple(getattr(s, name) for name in STATUS_FIELDS) for s in sessions]


def full_read(log: Path) -> list:
    return [s for s in read_log([log])[0] if s.program is not None]


def assert_like_a_full_read(log: Path) -> None:
    """`program_runs` (through the index) and `with_sets` of its completed sessions agree with read_log."""
    whole = full_read(log)
    runs = program_runs([log])
    assert statuses_of(runs) == statuses_of(whole)
    done = [s for s in runs if s.status == "completed"]
    assert seen(with_sets([log], done), taps=False) == seen(
        [s for s in whole if s.status == "completed"], taps=False
    )


def write_sessions(log: Path, block: LoadedProgram, rng: random.Random, count: int, day: int = 0) -> int:
    """`count` sessions by the real writer: programs' sessions of several athletes (some interleaved, as
    on a shared laptop), plain ones between, ended every way (completed, aborted, killed), RPE and
    corrections after the end. Returns the next day."""
    plain = block.plan(block.sessions[0])
    for _ in range(count):
        day += 1
        wall = DAY0 + timedelta(days=day)
        writers = []
        for _ in range(rng.choice([1, 1, 2])):  # two athletes' sessions interleaved in one log
            is_program = rng.random() < 0.7
            session = rng.choice(block.sessions[:6])
            plan = block.plan(session) if is_program else replace(plain, program=None)
            log_ = SessionLog(log, clock_start=0.0, wall=lambda wall=wall: wall)
            log_.start(plan, now=0.0, circuit_path="c.toml", circuit_sha256="c" * 64,
                       athlete=rng.choice(["Ann", "Bob", None, "Zoë"]))  # fmt: skip
            writers.append((log_, plan))
        for log_, plan in writers:
            work = [p for p in plan.phases if p.is_work]
            for phase in work[: rng.randint(1, len(work))]:
                log_.rep(phase.start_s + 1, 1)
                log_.set_ended(phase, started_t=phase.start_s, ended_t=phase.end_s, reps=rng.randint(0, 20),
                               now=phase.end_s)  # fmt: skip
        for log_, plan in writers:
            ending = rng.choice(["completed", "completed", "aborted", None])
            if ending is None:
                log_.close()
                continue
            log_.end(ending, now=plan.total_s)  # type: ignore[arg-type]
            if rng.random() < 0.5:
                log_.session_rpe(now=plan.total_s + 1, rpe=rng.randint(0, 10), minutes=1.0)
            if rng.random() < 0.3:
                log_.set_update(next(p for p in plan.phases if p.is_work), 9, now=plan.total_s + 2)
    return day


@pytest.mark.parametrize("seed", range(8))
def test_many_programs_and_athletes_read_as_a_full_read(tmp_path: Path, block, seed: int) -> None:
    """Built from nothing, then brought up to date after each batch of new sessions (the index is used)."""
    rng = random.Random(seed)
    log = tmp_path / "log.jsonl"
    day = 0
    for _ in range(4):
        day = write_sessions(log, block, rng, rng.randint(1, 8), day)
        assert_like_a_full_read(log)
        assert index_path(log).exists()
    for who in ("Ann", "Bob", None):
        assert next_session(block, program_runs([log]), who) == next_session(block, full_read(log), who)


@pytest.mark.parametrize("seed", range(30))
def test_damaged_logs_read_as_a_full_read(tmp_path: Path, block, seed: int) -> None:
    """Damaged lines, torn and joined lines, repeated lines, changed types and versions: with the index
    made before the damage (it must notice) and made after it."""
    rng = random.Random(seed)
    clean = tmp_path / "clean.jsonl"
    write_sessions(clean, block, rng, 6)
    data = clean.read_bytes()
    log = tmp_path / "log.jsonl"
    for _ in range(10):
        damaged = mutate(data, rng)
        log.write_bytes(damaged)  # in place: the same file, other bytes
        assert_like_a_full_read(log)
        assert_like_a_full_read(log)  # again, now through the index just made
        if rng.random() < 0.5:
            log.write_bytes(damaged + data)  # more sessions after the damage
            assert_like_a_full_read(log)


def test_a_torn_last_line_is_left_for_later_and_read_once_complete(tmp_path: Path, block) -> None:
    rng = random.Random(1)
    log = tmp_path / "log.jsonl"
    write_sessions(log, block, rng, 3)
    whole = log.read_bytes()
    last = whole.rstrip(b"\n").rsplit(b"\n", 1)[1] + b"\n"
    log.write_bytes(whole[: -len(last)] + last[:10])  # the writer stopped mid-line
    assert_like_a_full_read(log)
    with open(log, "ab") as f:
        f.write(last[10:])  # the rest of it arrives (a slow disk)
    assert_like_a_full_read(log)
    write_sessions(log, block, rng, 2, day=10)
    assert_like_a_full_read(log)


def test_a_rotated_or_replaced_log_gets_a_new_index(tmp_path: Path, block) -> None:
    rng = random.Random(2)
    log = tmp_path / "log.jsonl"
    write_sessions(log, block, rng, 6)
    assert_like_a_full_read(log)
    log.rename(tmp_path / "log.jsonl.1")  # rotated: a new, shorter log at the path
    write_sessions(log, block, rng, 2, day=20)
    assert_like_a_full_read(log)
    shutil.copy(tmp_path / "log.jsonl.1", log)  # replaced in place by an older copy: other bytes, longer
    assert_like_a_full_read(log)
    other = tmp_path / "other.jsonl"
    write_sessions(other, block, random.Random(3), 6)
    os.replace(other, log)  # replaced by another athlete's log
    assert_like_a_full_read(log)
    log.write_bytes(b"")  # emptied
    assert program_runs([log]) == []
    write_sessions(log, block, rng, 2, day=40)
    assert_like_a_full_read(log)


def test_an_edit_inside_the_indexed_part_is_noticed(tmp_path: Path, block) -> None:
    """A completed session edited to aborted by hand (same length, same file): the copied line no longer
    matches the log, so the index is rebuilt rather than trusted."""
    log = tmp_path / "log.jsonl"
    write_sessions(log, block, random.Random(4), 8)
    assert_like_a_full_read(log)
    data = log.read_bytes()
    assert b'"completed"' in data[1 << 16 : -(1 << 16)] or len(data) < 1 << 17
    log.write_bytes(data.replace(b'"completed"', b'"aborted"  ', 1))
    assert_like_a_full_read(log)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda index: b"",
        lambda index: b"\x00garbage",
        lambda index: b"[1, 2, 3]",
        lambda index: index.replace(b'"v":1', b'"v":2'),
        lambda index: index.replace(b'"v":1', b'"v":"1"'),
        lambda index: index.replace(b'"index":', b'"extra":1,"index":'),
        lambda index: index[: len(index) // 2],
        lambda index: b" " * (65 << 20),  # larger than any index: not read
    ],
    ids=["empty", "garbage", "not-an-object", "newer", "wrong-type", "unknown-key", "torn", "huge"],
)
def test_a_garbage_index_is_rebuilt(tmp_path: Path, block, spoil) -> None:
    log = tmp_path / "log.jsonl"
    write_sessions(log, block, random.Random(5), 6)
    program_runs([log])
    path = index_path(log)
    path.write_bytes(spoil(path.read_bytes()))
    assert_like_a_full_read(log)
    assert json.loads(path.read_bytes())["size"] == log.stat().st_size  # rebuilt


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_an_index_that_is_no_file_is_replaced_without_hanging(tmp_path: Path, block, kind: str) -> None:
    """A pipe would block a reader forever, /dev/zero never ends: neither is read as an index."""
    log = tmp_path / "log.jsonl"
    write_sessions(log, block, random.Random(12), 4)
    path = index_path(log)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    assert_like_a_full_read(log)


def test_a_hostile_index_cannot_add_sessions(tmp_path: Path, block) -> None:
    """An index claiming a completed session the log does not hold (or holds elsewhere) is not believed."""
    log = tmp_path / "log.jsonl"
    write_sessions(log, block, random.Random(6), 6)
    program_runs([log])
    path = index_path(log)
    index = json.loads(path.read_bytes())
    first_end = next(i for i, (_, line) in enumerate(index["lines"]) if '"session_end"' in line)
    forged = [
        [index["lines"][first_end][0], index["lines"][first_end][1].replace("aborted", "completed")],
        [index["lines"][first_end][0] + 1, index["lines"][first_end][1]],  # the right text, moved
    ]
    for line in forged:
        spoiled = dict(index, lines=[*index["lines"][:first_end], line, *index["lines"][first_end + 1 :]])
        path.write_text(json.dumps(spoiled))
        assert_like_a_full_read(log)
    for size in (index["size"] + 1, -1):  # claims more of the log than there is; nonsense
        path.write_text(json.dumps(dict(index, size=size)))
        assert_like_a_full_read(log)


def test_a_stale_index_only_reads_what_came_after_it(tmp_path: Path, block, monkeypatch) -> None:
    """With a true index, only the bytes written since are searched (start-up does not grow with the log);
    with none, the whole log."""
    log = tmp_path / "log.jsonl"
    rng = random.Random(7)
    write_sessions(log, block, rng, 10)
    starts: list[int] = []
    scan = program_index._scan
    monkeypatch.setattr(
        program_index, "_scan", lambda f, start, known: (starts.append(start), scan(f, start, known))[1]
    )
    program_runs([log])
    size = log.stat().st_size
    write_sessions(log, block, rng, 2, day=30)
    assert_like_a_full_read(log)
    assert starts[:2] == [0, size]
    index_path(log).unlink()
    program_runs([log])
    assert starts[-1] == 0


def test_no_index_can_be_written_and_nothing_is_lost(tmp_path: Path, block) -> None:
    """A folder where the index cannot be made (here its name is taken by a folder): the answer is the
    same, read from the whole log each time, and no temporary file is left."""
    log = tmp_path / "log.jsonl"
    write_sessions(log, block, random.Random(8), 5)
    index_path(log).mkdir()
    assert_like_a_full_read(log)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".log.jsonl.index.json", "log.jsonl"]


def test_the_index_has_the_logs_permissions(tmp_path: Path, block) -> None:
    log = tmp_path / "log.jsonl"
    write_sessions(log, block, random.Random(9), 2)
    log.chmod(0o600)
    program_runs([log])
    assert index_path(log).stat().st_mode & 0o777 == 0o600


def test_several_logs_are_read_whole_and_merged(tmp_path: Path, block) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_sessions(a, block, random.Random(10), 4)
    write_sessions(b, block, random.Random(11), 4, day=10)
    whole = [s for s in read_log([a, b])[0] if s.program is not None]
    assert statuses_of(program_runs([a, b, tmp_path / "missing.jsonl"])) == statuses_of(whole)
    assert not index_path(a).exists()


def test_an_unreadable_log_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "log.jsonl"
    folder.mkdir()
    with pytest.raises(LogError, match="Cannot read the rep log"):
        program_runs([folder])
    assert program_runs([tmp_path / "missing.jsonl"]) == []


# ---------------------------------------------------------------- one path for every view


def test_run_program_the_picker_and_the_program_view_agree(
    tmp_path: Path, block, monkeypatch, capsys
) -> None:
    """`run PROGRAM`'s session, the picker's "today" and `circuit-timer program`'s next row are the same
    session, each through the index (a log whose index says more than the log would be caught above)."""
    from timer.catalog import load_entries
    from timer.cli import main
    from timer.program.command import choose_session

    for name in ("block.toml", "se.toml", "aa.toml"):
        shutil.copy(HERE / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    log = tmp_path / "log.jsonl"
    for k in (1, 2, 3):
        plan = block.plan(block.sessions[k - 1])
        log_ = SessionLog(log, clock_start=0.0, wall=lambda k=k: DAY0 + timedelta(days=k))
        log_.start(plan, now=0.0, circuit_path="c.toml", circuit_sha256="c" * 64, athlete=None)
        log_.end("completed" if k != 2 else "aborted", now=plan.total_s)
    loaded = load_program(tmp_path / "block.toml")
    chosen = choose_session(loaded, None, None, [log], None)
    assert chosen.number == 2 and index_path(log).exists()
    index_path(log).unlink()
    picker = next(e for e in load_entries(tmp_path, logs=[log]) if e.program == loaded.program.name)
    assert picker.plan is not None and picker.plan.program is not None
    assert picker.plan.program.session.number == 2 and index_path(log).exists()
    index_path(log).unlink()
    assert main(["program", "block.toml", "--log", str(log), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["next"]["program_session"] == 2 and index_path(log).exists()
    assert [s["status"] for s in shown["sessions"][:3]] == ["done", "next", "done"]
