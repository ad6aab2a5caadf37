"""Hostile rep logs and CSV targets: garbage, torn tails, other programs' files, newer versions, one huge
line, NUL bytes; and CSV exports aimed at pipes, devices and links, or carrying formulas.

The reader keeps every good record and says which lines it skipped; it never holds an over-long line in
memory, never blocks on a pipe. The writer never adds to a file that is not ours or is from a newer
version. The CSV export never runs a formula in a spreadsheet and never replaces a device, pipe or link.
"""

from __future__ import annotations

import csv
import errno
import functools
import io
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from argparse import Namespace
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timer import history
from timer.circuit import load_circuit
from timer.errors import LogError
from timer.plan import Plan, build_plan
from timer.replog import SessionLog, check_writable, find_resumable, read_log, read_taps
from timer.replog import reader as logreader
from timer.resources import bundled_circuits

DANGER = ("=", "+", "-", "@", "\t", "\r")
DAY0 = datetime(2025, 3, 1, 17, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def plan() -> Plan:
    path = next(p for p in bundled_circuits() if p.name == "runner-strength-endurance.toml")
    return build_plan(load_circuit(path))


def log_session(path: Path, plan: Plan, *, day: int = 0, athlete: str = "Ann", sets: int | None = None,
                taps: int = 2, status: str | None = "completed", edit=None) -> SessionLog:  # fmt: skip
    """A session written by the real writer, with a few taps per set."""
    log = SessionLog(path, clock_start=0.0, wall=lambda: DAY0 + timedelta(days=day))
    log.start(plan, now=0.0, circuit_path="runner.toml", circuit_sha256="c" * 64, athlete=athlete)
    for phase in [p for p in plan.phases if p.is_work][:sets]:
        phase = edit(phase) if edit else phase
        for n in range(1, taps + 1):
            log.rep(phase.start_s + n, n)
        log.set_ended(phase, started_t=phase.start_s, ended_t=phase.end_s, reps=taps, now=phase.end_s)
    if status:
        log.end(status, now=plan.total_s)  # type: ignore[arg-type]
    return log


def summary(sessions) -> list[tuple]:
    """What a person sees of each session: enough to tell if junk changed anything."""
    return [
        (
            s.id,
            s.circuit,
            s.athlete,
            s.status,
            s.total_reps,
            sorted(s.reps_by_set().items(), key=str),
            s.pauses,
        )
        for s in sessions
    ]


def finishes(fn, seconds: float = 10.0) -> Any:
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed back below
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "a hang"
    if "error" in box:
        raise box["error"]
    return box.get("value")


def listed_lines(where: str) -> list[int]:
    """`line 3` or `lines 1, 2, 3, 4, 5 and 9 more` → the numbers written out."""
    return [int(n) for n in re.findall(r"\d+", where.split(" and ")[0])]


@functools.cache
def good_log() -> bytes:
    """Three sessions with taps, written by the real writer (built once)."""
    path = next(p for p in bundled_circuits() if p.name == "runner-strength-endurance.toml")
    plan = build_plan(load_circuit(path))
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "log.jsonl"
        log_session(log, plan, day=0, sets=4)
        log_session(log, plan, day=1, athlete="Ben", status="aborted", sets=3)
        log_session(log, plan, day=2, athlete="Ann")
        return log.read_bytes()


@pytest.fixture
def good() -> bytes:
    return good_log()


# ---------------------------------------------------------------- junk between good records

JUNK = st.one_of(
    st.binary(min_size=1, max_size=200).map(lambda b: b.replace(b"\n", b"")),
    st.just(b"\x00" * 512),
    st.text(max_size=60).map(lambda t: t.replace("\n", "").encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [
            b'{"level": "info", "event": "started", "ts": 1}',  # another program's JSON Lines
            b"date,session,circuit",  # a CSV pasted in
            b"\x89PNG\r\n\x1a",
            b'{"v": 2, "type": "set", "session": "s", "t": 1, "new": true}',  # a newer format
            b'{"v": 99, "type": "session_start", "session": "future", "t": 0}',
            b'{"v": 0, "type": "set", "session": "s", "t": 1}',
            b'{"v": 1, "type": "\\u001b[2Jevil", "session": "s", "t": 1}',  # unknown type with an escape
            b'{"v": 1, "type": "set", "session": "s", "t": "soon", "round": 1, "station": 1, "set": 1}',
            b'{"v": 1, "type": "session_end", "session": "s", "t": 1, "status": "exploded"}',
            b'{"v": true, "type": "set", "session": "s", "t": 1}',
            b"[1, 2, 3]",
            b'"just a string"',
            b"{" * 5000,
            b"x" * 3000,  # longer than the line cap this test sets
        ]
    ),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_junk_anywhere_changes_nothing_that_was_read_and_is_reported_by_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: st.DataObject
) -> None:
    monkeypatch.setattr(logreader, "MAX_LINE_BYTES", 2048)  # over-long lines without writing megabytes
    good = good_log()
    lines = good.splitlines(keepends=True)  # our records hold no \r: safe to split this way
    for _ in range(data.draw(st.integers(0, 6), label="how many")):
        at = data.draw(st.integers(0, len(lines)), label="where")
        lines.insert(at, data.draw(JUNK, label="junk") + b"\n")
    torn = data.draw(st.none() | st.binary(min_size=1, max_size=40).map(lambda b: b.replace(b"\n", b"")))
    mess = b"".join(lines) + (torn or b"")
    known = set(good.split(b"\n"))
    lines = mess.split(b"\n")  # junk may hold a line break of its own (the reader splits on \n only)
    junk_at = [i + 1 for i, line in enumerate(lines) if line not in known]
    clean_path, messy_path = tmp_path / "clean.jsonl", tmp_path / "messy.jsonl"
    clean_path.write_bytes(good)
    messy_path.write_bytes(mess)

    clean, clean_problems = read_log(clean_path, taps=True)
    messy, problems = read_log(messy_path, taps=True)
    assert clean_problems == []
    assert summary(messy) == summary(clean)
    assert [s.taps for s in messy] == [s.taps for s in clean]
    allowed = set(junk_at)
    for problem in problems:
        assert str(problem).isprintable(), problem
        assert set(listed_lines(problem.where)) <= allowed, (problem, allowed)
    # taps of one session are found the fast way too
    assert read_taps(messy_path, clean[0].id) == read_taps(clean_path, clean[0].id)


def test_what_each_kind_of_junk_is_called(tmp_path: Path, good: bytes) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(
        b'{"level": "info"}\n'
        + b"\x00\x01\x02\n"
        + good
        + b'{"v": 2, "type": "set", "session": "s", "t": 1}\n'
        + b'{"v": 1, "type": "\\u001b]0;pwned\\u0007", "session": "s", "t": 1}\n'
        + b"y" * (logreader.MAX_LINE_BYTES + 10)
        + b"\n"
        + b'{"v": 1, "type": "se'
    )
    sessions, problems = read_log(path)
    assert len(sessions) == 3
    n = good.count(b"\n")
    assert [str(p) for p in problems] == [
        f"{path}: line 1: not a circuit-timer record (another program's data?); skipped",
        f"{path}: line 2: not a readable record (damaged, or not JSON); skipped, the rest is kept",
        f"{path}: line {n + 3}: written by a newer circuit-timer (log format version 2 or later); skipped. "
        "Update circuit-timer to read these lines",
        f'{path}: line {n + 4}: unknown record type "\\u001b]0;pwned\\u0007"; skipped',
        f"{path}: line {n + 5}: a line longer than 1 MiB (no record is); skipped without reading it",
        f"{path}: line {n + 6}: the last line is incomplete "
        "(the app or the computer stopped while writing it); skipped",
    ]


# ---------------------------------------------------------------- newer versions: read, never written


@pytest.mark.parametrize("where", ["first line", "last line", "whole file"])
def test_a_newer_log_is_read_politely_and_never_written(
    tmp_path: Path, plan: Plan, good: bytes, where: str
) -> None:
    path = tmp_path / "log.jsonl"
    newer = b'{"v": 2, "type": "session_start", "session": "v2", "t": 0, "at": "2030-01-01T00:00:00Z"}\n'
    path.write_bytes({"first line": newer + good, "last line": good + newer, "whole file": newer * 3}[where])
    before = path.read_bytes()
    sessions, problems = read_log(path)
    assert len(sessions) == (0 if where == "whole file" else 3)
    assert any("newer circuit-timer" in p.message for p in problems)
    with pytest.raises(LogError, match=r"newer circuit-timer \(log format version 2\).*will not add to it"):
        check_writable(path)
    log = log_session(path, plan, day=5)  # a writer that skipped the check still refuses
    assert log.failed and "newer circuit-timer" in (log.last_error or "")
    assert path.read_bytes() == before
    # history reads what it can and says why it skipped the rest, without touching the file
    assert history.command(Namespace(log=[str(path)], circuit=None, athlete=None, all=False, csv=None)) == 0
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [
        b'{"time": "2025-01-01", "level": "INFO", "msg": "server started"}\n' * 50,
        b"date,reps\n2025-01-01,12\n",
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 50,
        b"\x00" * 70_000,
        b"x" * 70_000,
        b"[1, 2]\n" * 10,
    ],
    ids=["json lines", "csv", "binary", "nul bytes", "one long line", "json arrays"],
)
def test_another_programs_file_is_read_as_nothing_and_never_written(
    tmp_path: Path, plan: Plan, content: bytes
) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_bytes(content)
    sessions, problems = read_log(path)
    assert sessions == [] and problems
    assert all(str(p).isprintable() for p in problems)
    with pytest.raises(LogError, match="does not look like a circuit-timer rep log"):
        check_writable(path)
    log_session(path, plan)
    assert path.read_bytes() == content


def test_a_crash_that_left_nul_bytes_at_the_end_loses_nothing_after_it(
    tmp_path: Path, plan: Plan, good: bytes
) -> None:
    """After a power cut some filesystems leave the file's last block as NUL bytes: the next session still
    starts on a line of its own and everything readable is kept."""
    path = tmp_path / "log.jsonl"
    path.write_bytes(good + b"\x00" * 4096)
    check_writable(path)
    log_session(path, plan, day=9, athlete="Cy")
    sessions, problems = read_log(path)
    assert [s.athlete for s in sessions] == ["Ann", "Ben", "Ann", "Cy"]
    assert len(problems) == 1 and "not a readable record" in problems[0].message


# ---------------------------------------------------------------- huge lines, memory


def test_a_huge_line_is_skipped_without_reading_it_into_memory(
    tmp_path: Path, plan: Plan, good: bytes
) -> None:
    path = tmp_path / "log.jsonl"
    with open(path, "wb") as f:
        f.write(good)
        f.write(b'{"v": 1, "type": "rep", "session": "x", "t": 1, "junk": "' + b"A" * (8 << 20) + b'"}\n')
        f.write(good.replace(b'"athlete": "Ann"', b'"athlete": "Dee"'))
    tracemalloc.start()
    try:
        sessions, problems = read_log(path)
        peak_read = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        read_taps(path, sessions[0].id)
        peak_taps = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(sessions) == 3  # the copy after the huge line has the same ids: merged, still read
    assert [p.message for p in problems] == [
        "a line longer than 1 MiB (no record is); skipped without reading it"
    ]
    assert peak_read < 4 << 20, f"{peak_read >> 20} MiB"
    assert peak_taps < 40 << 20, f"{peak_taps >> 20} MiB"


def test_a_log_that_is_one_endless_line(tmp_path: Path, plan: Plan) -> None:
    """256 MiB without a newline (sparse, so cheap to make): the old reader loaded it whole."""
    path = tmp_path / "log.jsonl"
    log_session(path, plan, sets=2)
    with open(path, "ab") as f:
        f.truncate(path.stat().st_size + (256 << 20))
    tracemalloc.start()
    try:
        sessions, problems = finishes(lambda: read_log(path))
        assert finishes(lambda: read_taps(path, sessions[0].id))
        point = finishes(lambda: find_resumable(path, name=sessions[0].circuit))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(sessions) == 1 and point is None  # completed: nothing to resume
    assert [p.message for p in problems] == [
        "a line longer than 1 MiB (no record is); skipped without reading it"
    ]
    assert peak < 48 << 20, f"{peak >> 20} MiB"
    check_writable(path)  # ours (the head is), the writer starts a new line after the junk
    path.unlink()


@pytest.mark.parametrize(
    "make",
    [
        lambda d: (os.mkfifo(d / "pipe"), d / "pipe")[1],
        lambda d: Path("/dev/zero"),
        lambda d: Path("/dev/null"),
        lambda d: d,
        lambda d: d / "missing.jsonl",
    ],
    ids=["fifo", "dev zero", "dev null", "folder", "missing"],
)
def test_reading_something_that_is_not_a_log_file(tmp_path: Path, make) -> None:
    path = make(tmp_path)
    for read in (lambda: read_log(path), lambda: read_taps(path, "s"), lambda: read_log(path, taps=True)):
        with pytest.raises(LogError) as caught:
            finishes(read, 5)
        assert str(caught.value).isprintable() and str(path) in str(caught.value)


def test_log_file_names_are_escaped_in_problems(tmp_path: Path, good: bytes) -> None:
    path = tmp_path / "odd\nname\x1b[31m.jsonl"
    path.write_bytes(good + b"garbage\n")
    _, problems = read_log(path)
    assert [p.file for p in problems] == [str(tmp_path) + "/odd\\u000aname\\u001b[31m.jsonl"]
    with pytest.raises(LogError) as caught:
        read_log(tmp_path / "gone\x07.jsonl")
    assert "\\u0007" in str(caught.value) and str(caught.value).isprintable()


# ---------------------------------------------------------------- CSV: formulas


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.sampled_from(["", *DANGER]))
def test_csv_safe_prefixes_exactly_the_cells_a_spreadsheet_would_run(text: str, start: str) -> None:
    value = start + text
    assert history.csv_safe(value) == ("'" + value if value.startswith(DANGER) else value)


text_cell = st.tuples(st.sampled_from(["", "", *DANGER]), st.text(max_size=20)).map("".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(exercise=text_cell, unit=text_cell, athlete=text_cell, circuit=text_cell)
def test_no_text_from_a_log_reaches_a_spreadsheet_as_a_formula(
    tmp_path: Path, plan: Plan, exercise: str, unit: str, athlete: str, circuit: str
) -> None:
    path = tmp_path / "log.jsonl"
    path.unlink(missing_ok=True)
    hostile = replace(plan, name=circuit)
    log_session(
        path, hostile, athlete=athlete, sets=2, edit=lambda p: replace(p, exercise=exercise, unit=unit)
    )
    sessions, _ = read_log(path)
    out = io.StringIO()
    history.write_csv(sessions, out)
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == 2
    sent = {"exercise": exercise, "unit": unit, "athlete": athlete, "circuit": circuit}
    for row in body:
        cells = dict(zip(header, row, strict=True))
        for column, original in sent.items():
            original = original.encode("utf-8", "replace").decode("utf-8")  # as the reader hands it on
            expected = "'" + original if original.startswith(DANGER) else original
            assert cells[column] == expected, column
        for column, cell in cells.items():
            if cell.startswith(DANGER):
                float(cell)  # only a plain (negative) number may start like a formula
                assert column not in sent


def test_strings_in_number_columns_never_reach_the_csv(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "log.jsonl"
    log = log_session(path, plan, sets=1)
    with open(path, "a", encoding="utf-8") as f:
        for field in ("load", "pct_e1rm", "reps", "target_s", "started_t", "round"):
            record = {"v": 1, "type": "set", "session": log.session_id, "t": 999, "round": 1, "station": 2,
                      "set": 1, "reps": 5, field: "=HYPERLINK(\"http://x\")"}  # fmt: skip
            f.write(json.dumps(record) + "\n")
    sessions, problems = read_log(path)
    assert "wrong kind" in problems[0].message and problems[0].where.startswith("lines")
    out = io.StringIO()
    history.write_csv(sessions, out)
    assert "HYPERLINK" not in out.getvalue()


# ---------------------------------------------------------------- CSV: where it goes


@pytest.fixture
def sessions(tmp_path: Path, plan: Plan):
    path = tmp_path / "log.jsonl"
    log_session(path, plan, sets=2)
    return read_log(path)[0]


def test_csv_to_a_pipe_is_refused_and_the_pipe_left_alone(tmp_path: Path, sessions) -> None:
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    with pytest.raises(LogError, match="it is a device or a pipe, not a file"):
        finishes(lambda: history.export_csv(sessions, pipe), 5)
    assert stat.S_ISFIFO(pipe.stat().st_mode)  # it used to be replaced by a regular file
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_csv_through_a_link_to_a_device_is_refused(tmp_path: Path, sessions) -> None:
    """Renaming over /dev/null (or, as root, /dev/full) would replace the device for the whole machine."""
    link = tmp_path / "out.csv"
    link.symlink_to("/dev/null")
    with pytest.raises(LogError, match="it is a device or a pipe"):
        history.export_csv(sessions, link)
    assert link.is_symlink() and os.readlink(link) == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_csv_through_a_link_writes_the_target_and_keeps_the_link(tmp_path: Path, sessions) -> None:
    target = tmp_path / "real.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to("real.csv")
    assert history.export_csv(sessions, link) == 2
    assert link.is_symlink()
    assert target.read_text().startswith("date,session,circuit")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the replaced file's mode is kept


def test_a_new_csv_gets_the_usual_mode_not_a_private_temp_files(tmp_path: Path, sessions) -> None:
    old = os.umask(0o022)
    try:
        history.export_csv(sessions, tmp_path / "new.csv")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("a\nb.csv", "contains a control character (U+000A)"),
        ("x\x1b[2J.csv", "contains a control character (U+001B)"),
        ("missing/out.csv", "no such file or directory"),
        ("", "it is a folder"),
    ],
)
def test_csv_targets_refused_with_one_clean_line(tmp_path: Path, sessions, name: str, words: str) -> None:
    with pytest.raises(LogError) as caught:
        history.export_csv(sessions, tmp_path / name if name else tmp_path)
    message = str(caught.value)
    assert words in message and message.isprintable() and "\n" not in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.jsonl"]


def test_a_csv_write_that_fails_half_way_leaves_the_old_file_and_no_temp(
    tmp_path: Path, sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "sets.csv"
    out.write_text("yesterday's export\n")

    def full_disk(rows, f, **options) -> int:
        f.write("date,session\n")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(history.csv_export, "write_csv", full_disk)
    with pytest.raises(LogError, match="no space left on device"):
        history.export_csv(sessions, out)
    assert out.read_text() == "yesterday's export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.jsonl", "sets.csv"]


# ---------------------------------------------------------------- a finished set, gone back into, then quit


def test_quitting_a_redo_does_not_undo_a_finished_set(tmp_path: Path, plan: Plan) -> None:
    """Found by the key-mashing soak: a set finished with 12 reps, `b` went back into it, `q` `y` quit
    6 s later: the abort record (0 reps) replaced the finished set, so the log said 0 reps and a resume
    asked for the set again, while the summary had shown it done with 12."""
    path = tmp_path / "log.jsonl"
    first, second = [p for p in plan.phases if p.is_work][:2]
    log = SessionLog(path, clock_start=0.0)
    log.start(plan, now=0.0)
    log.set_ended(first, started_t=10, ended_t=190, reps=12, now=190)
    log.set_ended(first, started_t=200, ended_t=206, reps=0, now=206, ended_by="abort")  # the redo, cut short
    log.end("aborted", now=206)
    (session,), problems = read_log(path)
    assert problems == []
    logged = session.sets[(first.round, first.station, first.set, first.part)]
    assert (logged.reps, logged.ended_by) == (12, "time")
    point = find_resumable(path, name=plan.name)
    assert point is not None and point.first_phase(plan) == second
    # An abort that was not a redo still counts, and a finished redo still replaces an earlier abort.
    log = SessionLog(path, clock_start=0.0)
    log.start(plan, now=0.0)
    log.set_ended(first, started_t=10, ended_t=100, reps=7, now=100, ended_by="abort")
    log.set_ended(first, started_t=10, ended_t=190, reps=15, now=300)  # resumed and done
    log.set_ended(second, started_t=200, ended_t=250, reps=4, now=250, ended_by="abort")
    log.end("aborted", now=300)
    sessions, _ = read_log(path)
    sets = sessions[-1].sets
    assert sets[(first.round, first.station, first.set, first.part)].reps == 15
    assert sets[(second.round, second.station, second.set, second.part)].ended_by == "abort"


# ---------------------------------------------------------------- numbers and dates no session has


def run_history(*args: str) -> subprocess.CompletedProcess[str]:
    """`circuit-timer history` in a subprocess, in a zone west of UTC (where year 1 underflows)."""
    return subprocess.run(
        [sys.executable, "-m", "timer", "history", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TZ": "America/New_York", "CIRCUIT_TIMER_LOG": "/nonexistent-folder/log.jsonl"},
        errors="replace",
    )


BAD_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e308", "-1e308", "1e400", "1" + "0" * 400, "1000000001"]


@pytest.mark.parametrize(
    "field", ["t", "load", "pct_e1rm", "target_s", "started_t", "ended_t", "reps", "round"]
)
@pytest.mark.parametrize("number", BAD_NUMBERS)
def test_numbers_no_session_has_are_bad_values(tmp_path: Path, plan: Plan, field: str, number: str) -> None:
    """NaN, Infinity and 1e308 used to be read as numbers: `history` then died in `round(total)` and the
    CSV held nan and inf. Such a line is now reported and skipped as a value of the wrong kind."""
    path = tmp_path / "log.jsonl"
    log = log_session(path, plan, sets=2)
    clean, _ = read_log(path)
    record = {"v": 1, "type": "set", "session": log.session_id, "t": 999, "round": 1, "station": 2, "set": 1,
              "load": 20.0, "unit": "kg", "reps": 5, "started_t": 1.0, "ended_t": 2.0}  # fmt: skip
    line = json.dumps(record).replace(f'"{field}": {json.dumps(record.get(field))}', f'"{field}": {number}')
    if field not in record:
        line = line[:-1] + f', "{field}": {number}}}'
    assert number in line
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")
    sessions, problems = read_log(path)
    assert summary(sessions) == summary(clean)
    assert [(p.where, p.message) for p in problems] == [
        (f"line {len(path.read_bytes().splitlines())}", logreader._MESSAGES["values"])
    ]
    out = io.StringIO()
    history.write_csv(sessions, out)
    assert history.sessions_table(sessions)
    assert not re.search(r"nan|inf", out.getvalue(), re.IGNORECASE)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e308"])
@pytest.mark.parametrize("field", ["total_s", "planned_s"])
def test_totals_no_session_has_are_bad_values(tmp_path: Path, plan: Plan, field: str, value: str) -> None:
    path = tmp_path / "log.jsonl"
    log_session(path, plan, sets=1, status=None)
    kind = "session_end" if field == "total_s" else "session_start"
    text = path.read_text()
    session_id = json.loads(text.splitlines()[0])["session"]
    extra = '"status": "completed", ' if kind == "session_end" else ""
    with open(path, "a", encoding="utf-8") as f:
        f.write(
            f'{{"v": 1, "type": "{kind}", "session": "{session_id}", "t": 5, {extra}"{field}": {value}}}\n'
        )
    (session,), problems = read_log(path)
    assert len(problems) == 1 and "wrong kind" in problems[0].message
    assert session.status == "unfinished" and session.total_s is None
    assert history.sessions_table([session])


WILD_DATES = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00",
    "1969-12-31T23:59:59Z",
    "1970-01-01T00:30:00+01:00",  # 1969 in UTC
    "9999-12-31T23:59:59Z",
    "9998-12-31T23:00:00-05:00",  # 9999 in UTC
]


@pytest.mark.parametrize("at", WILD_DATES)
def test_dates_no_session_has_are_unknown(tmp_path: Path, plan: Plan, at: str, monkeypatch) -> None:
    """`history` (table and CSV) and the resume overview turned the date to local time and died with
    OverflowError on year 1 or 9999. Such a date is now unknown; the records themselves are kept."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        path = tmp_path / "log.jsonl"
        log = log_session(path, plan, sets=2, status="aborted")
        text = re.sub(r'"at": "[^"]*"', f'"at": "{at}"', path.read_text())
        path.write_text(text)
        (session,), problems = read_log(path)
        assert problems == []
        assert session.id == log.session_id and session.started_at is None and len(session.sets) == 2
        assert "\n?  " in history.sessions_table([session])
        out = io.StringIO()
        history.write_csv([session], out)
        assert len(list(csv.reader(io.StringIO(out.getvalue())))) == 3
        point = find_resumable(path, name=plan.name)
        assert point is not None and point.started_at is None
        assert point.describe(plan).startswith("Resuming Ann's session of unknown date: 1 of")
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("at", ["1970-01-01T12:00:00Z", "9998-12-31T12:00:00Z", "2025-03-01T18:00:00+01:00"])
def test_dates_at_the_edges_are_kept(tmp_path: Path, plan: Plan, at: str) -> None:
    path = tmp_path / "log.jsonl"
    log_session(path, plan, sets=1)
    path.write_text(re.sub(r'"at": "[^"]*"', f'"at": "{at}"', path.read_text()))
    (session,), _ = read_log(path)
    assert session.started_at == datetime.fromisoformat(at.replace("Z", "+00:00"))
    assert history.sessions_table([session]).count("?") == 0


def test_history_command_on_wild_numbers_and_dates_prints_warnings_not_tracebacks(
    tmp_path: Path, plan: Plan
) -> None:
    path = tmp_path / "log.jsonl"
    log = log_session(path, plan, sets=2)
    sid = log.session_id
    with open(path, "a", encoding="utf-8") as f:
        f.write('{"v": 1, "type": "session_start", "session": "old", "t": 0, "at": "0001-01-01T00:00:00Z", '
                '"circuit": "Old"}\n')  # fmt: skip
        f.write('{"v": 1, "type": "set", "session": "old", "t": 3, "at": "9999-12-31T23:59:59Z", "round": 1, '
                '"station": 1, "set": 1, "reps": 4, "load": 10}\n')  # fmt: skip
        for field, value in [("load", "NaN"), ("load", "Infinity"), ("load", "1e308"), ("reps", "1e400")]:
            f.write(f'{{"v": 1, "type": "set", "session": "{sid}", "t": 999, "round": 1, "station": 2, '
                    f'"set": 1, "unit": "kg", "reps": 5, "{field}": {value}}}\n')  # fmt: skip
        f.write('{"v": 1, "type": "session_end", "session": "old", "t": 9, "status": "completed", '
                '"total_s": Infinity}\n')  # fmt: skip
    table = run_history("--log", str(path))
    assert table.returncode == 0 and "Traceback" not in table.stderr, table.stderr
    bad = [
        n
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r": (NaN|Infinity|1e308|1e400)", line)
    ]
    assert len(bad) == 5
    assert table.stderr == (
        f"warning: {path}: lines {', '.join(map(str, bad))}: "
        "a record with values of the wrong kind or out of range; skipped\n"
    )
    assert "Old" in table.stdout and "?" in table.stdout
    for target in ("-", str(tmp_path / "sets.csv")):
        export = run_history("--log", str(path), "--csv", target)
        assert export.returncode == 0 and "Traceback" not in export.stderr, export.stderr
        text = export.stdout if target == "-" else (tmp_path / "sets.csv").read_text()
        assert text.startswith("date,session,circuit")
        assert not re.search(r"\bnan\b|\binf\b", text, re.IGNORECASE)
        assert ",old,Old," in text  # the session with an unknown date: an empty date cell


# ---------------------------------------------------------------- issue 14: deep lines, torn fragments


DEEP = [b"[" * 1000, b"[" * 100_000 + b"]" * 100_000, b'{"a": ' * 5000 + b"1" + b"}" * 5000]


@pytest.mark.parametrize(
    "deep", DEEP, ids=["printf 1000 brackets", "100000 closed brackets", "nested objects"]
)
def test_a_deeply_nested_line_is_damage_not_a_traceback(
    tmp_path: Path, plan: Plan, good: bytes, deep: bytes
) -> None:
    """`printf '[%.0s' $(seq 1000) >> log.jsonl` made `history`, `run --log`, `run --resume` and the picker
    die with RecursionError. It is one damaged line: reported by number and skipped, the rest read."""
    path = tmp_path / "log.jsonl"
    inside = (
        b'{"v": 1, "type": "set", "session": "s", "t": 1, "round": 1, "station": 1, "set": 1, "exercise": '
    )
    path.write_bytes(good + deep + b"\n" + inside + deep + b"\n" + good)
    clean = tmp_path / "clean.jsonl"
    clean.write_bytes(good + good)
    n = good.count(b"\n")
    for taps in (False, True):
        sessions, problems = read_log(path, taps=taps)
        assert summary(sessions) == summary(read_log(clean, taps=taps)[0])
        assert [(p.where, p.message) for p in problems] == [
            (f"lines {n + 1}, {n + 2}", logreader._MESSAGES["garbage"])
        ]
    assert read_taps(path, sessions[0].id) == read_taps(clean, sessions[0].id)
    point = find_resumable(path, name=sessions[1].circuit, athlete="Ben")
    assert point is not None and point.session == sessions[1].id
    with open(path, "ab") as f:
        f.write(deep + b"\n")  # the last line, where the writer's checks look
    check_writable(path)
    log_session(path, plan, day=9, athlete="Cy")
    assert [s.athlete for s in read_log(path)[0]][-1] == "Cy"
    done = run_history("--log", str(path))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "not a readable record" in done.stderr


def test_a_torn_fragment_before_a_tap_is_reported(tmp_path: Path, plan: Plan, good: bytes) -> None:
    """A write cut short, then a good `rep` record on the same line: the old reader skipped the whole line
    on its first bytes when taps were not wanted (history, resume), with no warning."""
    path = tmp_path / "log.jsonl"
    sid = json.loads(good.split(b"\n")[0])["session"]
    fragment = b'{"v": 1, "type": "rep", "session": "' + sid.encode() + b'", "t": 12'
    tap = b'{"v": 1, "type": "rep", "session": "' + sid.encode() + b'", "t": 13.5, "n": 3}\n'
    path.write_bytes(good + fragment + tap + good)
    line = good.count(b"\n") + 1
    for taps in (False, True):
        _, problems = read_log(path, taps=taps)
        assert [(p.where, p.message) for p in problems] == [(f"line {line}", logreader._MESSAGES["garbage"])]
    assert (13.5, 3) not in read_taps(path, sid)  # a damaged line is no tap either


def test_memory_is_bounded_whatever_the_log_holds(tmp_path: Path, good: bytes, monkeypatch) -> None:
    """A 200 MB log of 2.2 million records with distinct session ids took 1.43 GB (issue 14 #6). What a
    reading keeps is now capped (`MAX_HELD`, here shrunk to 2 MB so the test stays small): past it, further
    sessions, sets and taps are skipped and counted, and memory stays near the cap."""
    monkeypatch.setattr(logreader, "MAX_HELD", 2_000_000, raising=False)  # raising: absent before issue 14
    path = tmp_path / "log.jsonl"
    n = 40_000
    with open(path, "wb") as f:
        f.write(good)
        for i in range(n):  # each a new session, each with a long name of its own
            f.write(b'{"v": 1, "type": "set", "session": "h%d", "t": 1, "round": 1, "station": 1, "set": 1, '
                    b'"exercise": "%s"}\n' % (i, b"x%d" % i * 20))  # fmt: skip
        for i in range(n):  # one session, ever new places
            f.write(b'{"v": 1, "type": "set", "session": "one", "t": %d, "round": %d, "station": 1, '
                    b'"set": 1}\n' % (i, i + 1))  # fmt: skip
    clean = tmp_path / "clean.jsonl"
    clean.write_bytes(good)
    for taps in (False, True):
        tracemalloc.start()
        try:
            sessions, problems = read_log(path, taps=taps)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 6 << 20, f"{peak >> 20} MiB"
        # what came before the cap is all there
        assert summary([s for s in sessions if s.circuit]) == summary(read_log(clean, taps=taps)[0])
        (over,) = [p for p in problems if "more than one reading keeps" in p.message]
        shown = listed_lines(over.where)
        skipped = len(shown) + int(over.where.rsplit(" and ", 1)[1].split()[0])
        kept = sum(len(s.sets) for s in sessions if s.id.startswith("h") or s.id == "one")
        assert kept + skipped == 2 * n  # every line is either kept or counted as skipped
        assert shown[0] > good.count(b"\n")
