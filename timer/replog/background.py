"""The rep log's writer thread: records are written and fsynced off the UI thread.

A slow or hung disk (a USB stick, a network folder, a laptop's disk spinning up) can make one fsync take
seconds. The countdown must not wait for it, so a session's log hands its records to one thread of its own
through a `queue.Queue`. The thread only ever writes what the log holds as pending, oldest first; a record
counts as saved once it is fsynced, never when it is handed over. No Textual here.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

DRAIN_S = 2.0
"""How long an exit waits for the records in flight to reach the disk before they go to the rescue file
(well under the 5 s after which SIGTERM's watchdog ends the process)."""

_WRITE = object()
"""A token: write what is pending."""
_STOP = object()
"""The sentinel: write nothing more, end the thread."""


class WriterThread:
    """One thread that calls `write` whenever woken, in order; `flush` and `stop` wait with a timeout.

    Args:
        write: writes everything pending (it never raises for a failed write: the log keeps the records).
        failed: told of an unexpected exception in `write` (a bug), so the log shows it and keeps the
            records for the rescue instead of the thread dying silently.
        name: the thread's name (seen in a debugger or `py-spy`).
    """

    def __init__(
        self, write: Callable[[], object], failed: Callable[[BaseException], None], name: str
    ) -> None:
        self._write = write
        self._failed = failed
        self._queue: queue.Queue[object] = queue.Queue()
        # A daemon: a thread stuck in fsync must never keep the process from exiting; every way out drains
        # (or rescues) first, with a timeout.
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def wake(self) -> None:
        """Something new is pending: write it (returns at once)."""
        self._queue.put(_WRITE)

    def flush(self, timeout: float) -> bool:
        """Wait until everything handed over before this call has been through a write; False on timeout."""
        if not self._thread.is_alive():
            return False
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def stop(self, timeout: float) -> bool:
        """Write what is queued, end the thread and join it; False if it is still stuck after `timeout`."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            if isinstance(item, threading.Event):
                item.set()  # every write handed over before it is done
                continue
            try:
                self._write()
            except Exception as error:  # a bug must not end the thread silently: the log tells it
                self._failed(error)
