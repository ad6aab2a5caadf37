"""`run FILE --plain` for real: lines from stdin (a terminal, a pipe, a serial line) read with `select`,
SIGTERM/SIGHUP/SIGTSTP while the session runs, and `run_plain`, which the CLI calls."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TextIO

from timer.plain.session import Interrupted, PlainOptions, PlainSession
from timer.plan import Plan
from timer.replog.recorder import Recorder
from timer.replog.resume import ResumePoint


class FdLines:
    """Lines from a file descriptor (stdin: a terminal, a pipe, a serial line), read without blocking.

    A closed stdin (None) is an input that has already ended. `select` on a pipe or a terminal needs a
    POSIX system: on Windows the line mode is not offered (`run_plain` says so).
    """

    def __init__(self, fd: int | None, wake: int | None = None) -> None:
        """`wake`: a pipe the signal handlers write to (`signal.set_wakeup_fd`), so Ctrl+Z ends a wait."""
        self.fd = fd if fd is not None else -1
        self.wake = wake
        self.ended = fd is None
        self._buffer = b""

    def wait(self, timeout: float | None) -> list[str]:
        watched = ([] if self.ended else [self.fd]) + ([self.wake] if self.wake is not None else [])
        if not watched:
            if timeout is not None:
                time.sleep(timeout)
            return []
        ready, _, _ = select.select(watched, [], [], timeout)
        if self.wake is not None and self.wake in ready:
            with contextlib.suppress(OSError):
                os.read(self.wake, 512)  # a signal came; its handler has run
        if self.ended or self.fd not in ready:
            return []
        try:
            data = os.read(self.fd, 4096)
        except OSError:  # the terminal went away: as good as the end of the input
            data = b""
        if not data:
            self.ended = True
            rest, self._buffer = self._buffer, b""
            return [_decode(rest)] if rest else []
        *lines, self._buffer = (self._buffer + data).split(b"\n")
        return [_decode(line) for line in lines]


def _decode(line: bytes) -> str:
    return line.decode("utf-8", errors="replace").rstrip("\r")


@contextmanager
def session_signals(session: PlainSession, wake: int) -> Iterator[None]:
    """While the block runs: SIGTERM and SIGHUP stop the session like `q` (the log says aborted); SIGTSTP
    (Ctrl+Z) asks `session` to pause and suspend; every signal wakes the input's wait through `wake`."""

    def raise_interrupted(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    def ask_suspend(signum: int, frame: FrameType | None) -> None:
        session.suspend_asked = True  # acted on by the loop, never in the middle of a poll

    handlers = {
        signal.SIGTERM: raise_interrupted,
        signal.SIGHUP: raise_interrupted,
        signal.SIGTSTP: ask_suspend,
    }
    before = {signum: signal.signal(signum, handler) for signum, handler in handlers.items()}
    woke = signal.set_wakeup_fd(wake)
    try:
        yield
    finally:
        signal.set_wakeup_fd(woke)
        for signum, handler in before.items():
            signal.signal(signum, handler)


def run_plain(
    plan: Plan,
    *,
    circuit_path: Path | None,
    log_path: Path | None,
    resume: ResumePoint | None,
    mute: bool,
    voice: bool,
) -> int:
    """`run FILE --plain` on this process's stdin and stdout, with the real clock, sound and log."""
    from timer.audio import choose_player
    from timer.clock import monotonic
    from timer.replog.resume import prepare_resume
    from timer.session import STOP_GAP_S
    from timer.terminal import detect

    if sys.platform == "win32":
        print("circuit-timer run: --plain needs a POSIX system (Linux, macOS)", file=sys.stderr)
        return 2
    out = sys.stdout

    def bell() -> None:  # the last resort for sound, on a terminal only (a pipe gets no control bytes)
        out.write("\a")
        out.flush()

    player = choose_player(mute=mute, voice=voice, bell=bell if _isatty(out) else None)
    prepared = prepare_resume(resume, plan) if resume is not None else None
    stdin_fd = _fileno(sys.stdin)
    wake_read, wake_write = os.pipe()
    for end in (wake_read, wake_write):
        os.set_blocking(end, False)
    session = PlainSession(
        plan,
        clock=monotonic,
        player=player,
        recorder=Recorder(None, log_path, prepared),
        out=out,
        lines=FdLines(stdin_fd, wake=wake_read),
        options=PlainOptions(
            circuit_path=circuit_path,
            resume=prepared,
            ascii=detect().ascii_only,
            stop_gap_s=STOP_GAP_S,
            voice=voice,
        ),
    )
    try:
        with session_signals(session, wake_write):
            code = session.run()
        if session.output_gone:  # what is left in Python's buffer must not fail again at exit
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, out.fileno())
            os.close(devnull)
        return code
    finally:
        player.close()
        os.close(wake_read)
        os.close(wake_write)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _fileno(stream: TextIO | None) -> int | None:
    try:
        return stream.fileno() if stream is not None else None
    except (AttributeError, ValueError, OSError):
        return None
