"""One session, one writer: an advisory lock per session, held by the process writing it. No Textual here.

`run --resume` of a session still running in another terminal made two processes write the same session
id, and the reports then showed the wrong reps. The writer holds `flock` on a small lock file beside the
log, one per session (two sessions may share a log); `--resume` refuses a session whose lock is held. The
kernel drops the lock when the process dies (kill -9, power cut), so a stale file never blocks a resume.
Where `fcntl` does not exist (Windows) there is no lock and nothing is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks here
    fcntl = None  # type: ignore[assignment]


def lock_path(log: str | os.PathLike[str], session_id: str) -> Path:
    """`.log.jsonl.<hash>.lock` beside the log; the id is hashed (it comes from the log: never a path)."""
    log = Path(log)
    digest = hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return log.parent / f".{log.name}.{digest}.lock"


class SessionLock:
    """The lock on one session of one log. `acquire` never blocks; `release` removes the file."""

    def __init__(self, log: str | os.PathLike[str], session_id: str) -> None:
        self.path = lock_path(log, session_id)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock; False when another process holds it. A folder where no file can be made (or no
        `fcntl`) counts as taken: the lock is advisory and must never stop a session."""
        if fcntl is None or self._fd is not None:
            return True
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # EWOULDBLOCK: the session's writer is alive
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        """Remove the file, then let the lock go (removing first: no one can lock a file that is gone)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(fd)


def writer_alive(log: str | os.PathLike[str], session_id: str) -> bool:
    """True when another process holds the lock of this session (it is being written right now)."""
    if fcntl is None:
        return False
    try:
        fd = os.open(lock_path(log, session_id), os.O_RDONLY | os.O_CLOEXEC)
    except OSError:  # no lock file: no writer (or one from before locks existed)
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing also lets go of the shared lock just taken
    return False
