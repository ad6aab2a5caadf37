"""Run a program in a pseudo-terminal of a given size, keep its output drained, and sample its CPU time.

Every chunk read from the terminal is kept with the monotonic and wall-clock time it arrived, so the
benchmark can ask afterwards when a piece of text first reached the screen (`find`), not merely whether it
did. CPU time comes from /proc: `tree_cpu_seconds()` covers the process, its threads, its live
descendants and the children it has already waited for (in clock ticks); `tree_runtime_seconds()` is the
same to the nanosecond for threads alive at both ends of a window.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Seen:
    """Where and when a needle first appeared in the output."""

    monotonic: float
    """`time.monotonic()` when the chunk holding the needle's last byte was read."""
    wall: float
    """`time.time()` at the same moment (to compare with wall-clock stamps in logs)."""
    end: int
    """Offset in the output just after the needle (search again from here for the next occurrence)."""


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (field 3 onwards), or None if the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def cpu_of(pid: int, *, with_waited_children: bool = True) -> float:
    """User + system CPU seconds of a process (all its threads), plus its waited-for children's.

    The kernel scales utime/stime so their sum is the precise run time, truncated to a clock tick.
    """
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if with_waited_children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / TICKS


def runtime_of(pid: int) -> float:
    """CPU seconds of a process's live threads, to the nanosecond (sum of /proc/<pid>/task/*/schedstat).

    Precise where `cpu_of` is truncated to a clock tick, but a thread that has ended is no longer counted:
    use it over a window in which the threads stay the same (a program in its steady state).
    """
    total = 0
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return 0.0
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as handle:
                total += int(handle.read().split()[0])
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            continue
    return total / 1e9


def descendants(pid: int) -> list[int]:
    """Live descendants of `pid` (children, grandchildren, ...), found by scanning /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        if fields is not None:
            parents.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        found.extend(kids)
        todo.extend(kids)
    return found


def status_kib(pid: int, key: str) -> int:
    """A `kB` value from /proc/<pid>/status (VmRSS, VmHWM, ...); 0 when absent."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


class PtyProcess:
    """A child process on its own pseudo-terminal; everything it writes is read (and kept) by a thread."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cols: int = 100,
        rows: int = 30,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.argv = list(argv)
        self.started = time.monotonic()
        self.started_wall = time.time()
        self.proc = subprocess.Popen(
            self.argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self.chunks: list[tuple[float, float, int]] = []
        """(monotonic, wall, end offset) of every chunk read, in order."""
        self.first_output: float | None = None
        self.reader_tid: int | None = None
        """Native id of the thread reading the terminal (the stand-in for a terminal's own work)."""
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _drain(self) -> None:
        self.reader_tid = threading.get_native_id()
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            mono, wall = time.monotonic(), time.time()
            with self._lock:
                if self.first_output is None:
                    self.first_output = mono
                self.output += chunk
                self.chunks.append((mono, wall, len(self.output)))

    def text(self) -> str:
        with self._lock:
            return self.output.decode("utf-8", "replace")

    def find(self, needle: str | bytes, start: int = 0) -> Seen | None:
        """When `needle` first appeared at or after offset `start`; None if it has not (yet)."""
        raw = needle.encode() if isinstance(needle, str) else needle
        with self._lock:
            at = self.output.find(raw, start)
            if at < 0:
                return None
            end = at + len(raw)
            # The chunk that completed the needle: the first whose end offset reaches `end`.
            lo, hi = 0, len(self.chunks) - 1
            while lo < hi:
                mid = (lo + hi) // 2
                if self.chunks[mid][2] >= end:
                    hi = mid
                else:
                    lo = mid + 1
            mono, wall, _ = self.chunks[lo]
        return Seen(mono, wall, end)

    def wait_for(self, needle: str | bytes, timeout: float, start: int = 0) -> Seen:
        """Wait until `needle` appears (at or after offset `start`); return when it arrived."""
        deadline = time.monotonic() + timeout
        overlap = len(needle.encode() if isinstance(needle, str) else needle) - 1
        while True:
            searched_to = self.mark()
            seen = self.find(needle, start)
            if seen is not None:
                return seen
            start = max(start, searched_to - overlap)  # only new output next time: a long run stays cheap
            if self.proc.poll() is not None:
                self._reader.join(0.5)
                seen = self.find(needle, start)
                if seen is not None:
                    return seen
                raise RuntimeError(
                    f"{self.argv[0]} exited with {self.proc.returncode} before {needle!r} appeared; "
                    f"its last output: {self.text()[-400:]!r}"
                )
            if time.monotonic() > deadline:
                raise TimeoutError(f"{needle!r} did not appear within {timeout} s")
            time.sleep(0.01)

    def output_from(self, start: int) -> tuple[bytes, int]:
        """The output from offset `start` to now, and the offset it ends at (to read on from there)."""
        with self._lock:
            return bytes(self.output[start:]), len(self.output)

    def mark(self) -> int:
        """The current end of the output (to search only what comes after this moment)."""
        with self._lock:
            return len(self.output)

    def send(self, data: str) -> None:
        os.write(self.master, data.encode())

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process alone (all its threads) so far."""
        return cpu_of(self.proc.pid, with_waited_children=False)

    def tree_cpu_seconds(self) -> float:
        """CPU time of the process, the children it waited for, and every live descendant."""
        return cpu_of(self.proc.pid) + sum(cpu_of(pid) for pid in descendants(self.proc.pid))

    def tree_runtime_seconds(self) -> float:
        """Like `tree_cpu_seconds`, but to the nanosecond for live threads (see `runtime_of`)."""
        waited = cpu_of(self.proc.pid) - cpu_of(self.proc.pid, with_waited_children=False)
        return waited + sum(runtime_of(pid) for pid in [self.proc.pid, *descendants(self.proc.pid)])

    def reader_cpu_seconds(self) -> float:
        """CPU seconds the thread reading this terminal has used (ns precision; 0 before it started)."""
        if self.reader_tid is None:
            return 0.0
        try:
            with open(f"/proc/self/task/{self.reader_tid}/schedstat") as handle:
                return int(handle.read().split()[0]) / 1e9
        except (FileNotFoundError, ValueError, IndexError):
            return 0.0

    def rss_mb(self) -> float:
        return status_kib(self.proc.pid, "VmRSS") / 1024

    def peak_rss_mb(self) -> float:
        """Peak resident memory of the process so far (VmHWM)."""
        return status_kib(self.proc.pid, "VmHWM") / 1024

    def stop(self) -> None:
        """End the process group this object started (SIGTERM, then SIGKILL after 5 s)."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._reader.join(1)
        with contextlib.suppress(OSError):
            os.close(self.master)
