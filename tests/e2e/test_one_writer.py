"""Issue 14, items 3 and 4: one session, one writer (an advisory lock per session), and resume per athlete.

`run --resume` offered a session still running in another terminal (both then wrote the same session id),
and without `--athlete` it continued another athlete's session (kg sets into an lb athlete's session).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import circuit_text
from timer.cli import find_resume_point, main
from timer.errors import LogError
from timer.plan import load_plan
from timer.replog import SessionLog, find_resumable
from timer.replog.lock import SessionLock, lock_path, writer_alive
from timer.replog.recorder import file_sha256
from timer.replog.resume import prepare_resume


@pytest.fixture
def circuit(write_toml) -> Path:
    return write_toml(circuit_text("resume"))


def profile(write_toml, name: str, units: str) -> Path:
    return write_toml(f'name = "{name}"\nunits = "{units}"\n', f"{name.lower()}.toml")


def interrupted(log: Path, circuit: Path, athlete_file: Path | None) -> str:
    """A session of `circuit` that did its first set and stopped without an end (a kill -9); its id."""
    plan = load_plan(str(circuit), str(athlete_file) if athlete_file else None)
    wall = datetime(2025, 3, 2, 17, 4, 5, tzinfo=UTC)
    with SessionLog(log, clock_start=0.0, wall=lambda: wall) as session:
        session.start(plan, now=0.0, circuit_path=circuit, circuit_sha256=file_sha256(circuit))
        first = next(p for p in plan.phases if p.is_work)
        session.set_ended(first, started_t=5.0, ended_t=25.0, reps=3, now=25.0)
        assert session.session_lock is not None
        session.session_lock.release()  # as the kernel does when the process dies
        return session.session_id


# --- one session, one writer ----------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from timer.plan import load_plan
    from timer.replog import SessionLog
    from timer.replog.recorder import file_sha256

    from pathlib import Path

    circuit, log = Path(sys.argv[1]), sys.argv[2]
    plan = load_plan(str(circuit), None)
    session = SessionLog(log, clock_start=0.0)
    session.start(plan, now=0.0, circuit_path=circuit, circuit_sha256=file_sha256(circuit))
    session.set_ended(next(p for p in plan.phases if p.is_work), started_t=5, ended_t=25, reps=3, now=25)
    print(session.session_id, flush=True)
    sys.stdin.read()  # a session under way, until the test lets it go
    """
)


def test_resume_refuses_a_session_whose_writer_is_alive(circuit: Path, tmp_path: Path, capsys) -> None:
    log = tmp_path / "log.jsonl"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(circuit), str(log)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        session = writer.stdout.readline().strip()
        assert session and writer_alive(log, session)
        assert main(["run", str(circuit), "--log", str(log), "--resume"]) == 1
        err = capsys.readouterr().err
        assert err.startswith("Not resumed: Resuming the session of ")
        assert "still running in another circuit-timer (another terminal or window)" in err
    finally:
        writer.kill()  # kill -9: the kernel drops the lock, the stale file must not block a resume
        writer.wait(30)
    assert not writer_alive(log, session)
    plan = load_plan(str(circuit), None)
    assert find_resume_point(plan, circuit, log, None).session == session


def test_the_lock_is_held_from_start_to_end_and_then_removed(circuit: Path, tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    plan = load_plan(str(circuit), None)
    session = SessionLog(log, clock_start=0.0)
    session.start(plan, now=0.0)
    assert session.session_lock is not None and session.session_lock.held
    assert lock_path(log, session.session_id).exists()
    assert not SessionLock(log, session.session_id).acquire()  # a second writer of the same session
    other = SessionLock(log, "another session")
    assert other.acquire()  # two sessions may share a log
    other.release()
    session.end("aborted", now=10.0)
    assert not session.session_lock.held and not lock_path(log, session.session_id).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["circuit.toml", "log.jsonl"]


def test_the_lock_file_name_never_comes_from_the_log(tmp_path: Path) -> None:
    """The session id of a resumed session is read from the log: hashed, it can never name another place."""
    path = lock_path(tmp_path / "log.jsonl", "../../etc/passwd\n")
    assert path.parent == tmp_path and path.name.startswith(".log.jsonl.") and path.name.endswith(".lock")


# --- resume per athlete ---------------------------------------------------------------------------------


def test_resume_without_athlete_does_not_continue_an_athletes_session(
    circuit: Path, write_toml, tmp_path: Path, capsys
) -> None:
    log = tmp_path / "log.jsonl"
    ann = profile(write_toml, "Ann", "lb")
    interrupted(log, circuit, ann)
    assert main(["run", str(circuit), "--log", str(log), "--resume"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f'Nothing to resume: no session of "Resume test" without an athlete is in {log}; the interrupted one '
        "is Ann's (resume it with --athlete and their profile). Run it without --resume to start afresh.\n"
    )
    ben = profile(write_toml, "Ben", "kg")
    assert main(["run", str(circuit), "--log", str(log), "--resume", "--athlete", str(ben)]) == 1
    assert "is Ann's" in capsys.readouterr().err


def test_resume_finds_each_athletes_own_session(circuit: Path, write_toml, tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    ann, ben = profile(write_toml, "Ann", "lb"), profile(write_toml, "Ben", "kg")
    ann_session = interrupted(log, circuit, ann)
    ben_session = interrupted(log, circuit, ben)
    nobody = interrupted(log, circuit, None)
    for athlete_file, session in ((ann, ann_session), (ben, ben_session), (None, nobody)):
        plan = load_plan(str(circuit), str(athlete_file) if athlete_file else None)
        point = find_resume_point(plan, circuit, log, str(athlete_file) if athlete_file else None)
        assert point.session == session
    assert find_resumable(log, sha256=file_sha256(circuit), athlete=None).session == nobody


def test_the_overview_names_the_athlete_and_the_date(circuit: Path, write_toml, tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    ann = profile(write_toml, "Ann", "lb")
    interrupted(log, circuit, ann)
    plan = load_plan(str(circuit), str(ann))
    resume = prepare_resume(find_resume_point(plan, circuit, log, str(ann)), plan)
    assert resume is not None
    when = datetime(2025, 3, 2, 17, 4, 5, tzinfo=UTC).astimezone()
    assert resume.text == (
        f"Resuming Ann's session of {when:%a %d %b %Y %H:%M}: 1 of 3 sets done; next is round 1, "
        'station 2 "Complex", set 1.'
    )
    nobody = load_plan(str(circuit), None)
    interrupted(log, circuit, None)
    text = prepare_resume(find_resume_point(nobody, circuit, log, None), nobody).text  # type: ignore[union-attr]
    assert text.startswith(f"Resuming the session of {when:%a %d %b %Y %H:%M} (no athlete): 1 of 3")


def test_a_missing_resume_point_is_still_a_log_error(circuit: Path, tmp_path: Path) -> None:
    plan = load_plan(str(circuit), None)
    log = tmp_path / "log.jsonl"
    log.touch()  # as `prepare_log_path` leaves it
    with pytest.raises(LogError, match='no session of "Resume test" is in'):
        find_resume_point(plan, circuit, log, None)
