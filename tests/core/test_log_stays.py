"""Issue 14, items 2 and 10: a log that stays where it was, and a rescue that fails leaves nothing behind.

The log's folder deleted, the file replaced by a symlink or its disk unmounted mid-session: every later
record went into a deleted file with no warning (with the symlink, even the records already written were
gone from the path). Now each write first checks that the open file is still the file at the path; when it
is not, nothing more goes there and every record of the session waits for the rescue file.
"""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import pytest

from timer.errors import LogError
from timer.plan import Plan
from timer.replog import SessionLog, prepare_log_path, read_log
from timer.replog import paths as paths_module
from timer.replog import writer as writer_module
from timer.replog.writer import LOG_MOVED


def started(log: Path, plan: Plan) -> SessionLog:
    session = SessionLog(log, clock_start=0.0)
    session.start(plan, now=0.0)
    session.rep(1.0, 1)
    assert not session.failed
    return session


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _disk_full(fd: int, data: bytes, sync: bool) -> None:
    """Stands in for the writer's append on a full disk."""
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("how", ["file deleted", "folder deleted", "file replaced", "symlink swapped in"])
def test_a_log_that_vanished_mid_session_keeps_every_record_for_the_rescue(
    tmp_path: Path, short_plan: Plan, how: str
) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    log, elsewhere = folder / "log.jsonl", tmp_path / "other.jsonl"
    elsewhere.write_text("", encoding="utf-8")
    session = started(log, short_plan)
    if how == "file deleted":
        log.unlink()
    elif how == "folder deleted":
        shutil.rmtree(folder)
    elif how == "file replaced":
        log.unlink()
        log.write_text("", encoding="utf-8")
    else:
        log.unlink()
        log.symlink_to(elsewhere)
    session.rep(2.0, 2)
    session.rep(3.0, 3)
    assert session.failed and session.orphaned
    assert session.last_error is not None and session.last_error.startswith(LOG_MOVED)
    assert [r["type"] for r in session.pending] == ["session_start", "rep", "rep", "rep"]  # the whole session
    assert elsewhere.read_text(encoding="utf-8") == ""  # never through the symlink
    if log.exists() and not log.is_symlink():
        assert log.read_text(encoding="utf-8") == ""  # nor into the new file at the path
    assert not session.retry()  # a vanished log is not tried again
    rescue = tmp_path / "rescue.jsonl"
    session.save_pending_to(rescue)
    [saved] = read_log(rescue)[0]
    assert saved.id == session.session_id
    assert [r["type"] for r in lines(rescue)] == ["session_start", "rep", "rep", "rep"]
    assert not session.failed


def test_a_reopen_after_a_failure_never_follows_a_symlink(
    tmp_path: Path, short_plan: Plan, monkeypatch
) -> None:
    """A full disk, then the log swapped for a symlink before the retry: the records stay in memory."""
    log, elsewhere = tmp_path / "log.jsonl", tmp_path / "other.jsonl"
    elsewhere.write_text("", encoding="utf-8")
    session = started(log, short_plan)
    real = writer_module._append

    monkeypatch.setattr(writer_module, "_append", _disk_full)
    session.rep(2.0, 2)
    assert session.failed and not session.orphaned
    monkeypatch.setattr(writer_module, "_append", real)
    log.unlink()
    log.symlink_to(elsewhere)
    assert not session.retry()
    assert session.orphaned and elsewhere.read_text(encoding="utf-8") == ""


def test_a_rescue_that_fails_leaves_no_empty_file(tmp_path: Path, short_plan: Plan, monkeypatch) -> None:
    session = started(tmp_path / "log.jsonl", short_plan)
    (tmp_path / "log.jsonl").unlink()
    session.rep(2.0, 2)
    assert session.failed

    monkeypatch.setattr(writer_module, "_append", _disk_full)
    target = tmp_path / "rescue.jsonl"
    with pytest.raises(LogError, match="no space left on device"):
        session.save_pending_to(target)
    assert not target.exists()
    kept = tmp_path / "kept.jsonl"
    kept.write_text("", encoding="utf-8")  # a file that was there before stays
    with pytest.raises(LogError):
        session.save_pending_to(kept)
    assert kept.exists()


def test_a_recheck_after_the_log_was_deleted_creates_no_empty_file(
    tmp_path: Path, short_plan: Plan, monkeypatch
) -> None:
    """A full disk (the writer closes the file and re-runs the checks before the next try), then the log
    deleted: the re-run check used to create an empty file at the path. A check never creates a file."""
    log = tmp_path / "log.jsonl"
    session = started(log, short_plan)
    real = writer_module._append

    monkeypatch.setattr(writer_module, "_append", _disk_full)
    session.rep(2.0, 2)
    assert session.failed and not session.orphaned
    monkeypatch.setattr(writer_module, "_append", real)
    log.unlink()
    assert not session.retry()
    assert session.orphaned
    assert not log.exists()
    assert [r["type"] for r in session.pending] == ["session_start", "rep", "rep"]


def test_checking_a_log_path_creates_nothing(tmp_path: Path, monkeypatch) -> None:
    """`prepare_log_path` runs before the picker even shows: browsing and quitting leaves no empty log. A
    folder that would not take the new file is still refused before the session."""
    log = tmp_path / "log.jsonl"
    assert prepare_log_path(str(log)) == log
    assert not log.exists()
    # As root every folder is writable but on a read-only mount; access(2) answers for both.
    monkeypatch.setattr(paths_module.os, "access", lambda path, mode: False)
    with pytest.raises(LogError, match=r"permission denied\. Check the folder.s permissions"):
        prepare_log_path(str(log))
    assert not log.exists()
