"""What the app does when the operating system, not a key, interrupts it.

Every handler runs as an ordinary callback of the event loop (`loop.add_signal_handler`), never in the
middle of a poll or a log write, so it may use the engine and the log like a key press does.

- SIGTERM, SIGHUP (terminal closed): the set under way and `session_end` "aborted" are written, then the
  app exits with 128 + the signal number. If the terminal is gone and the clean exit stalls, a watchdog
  ends the process a few seconds later: the log is already on disk by then.
- SIGINT: Textual reads Ctrl+C as a key (it turns the terminal's ISIG off), so a real SIGINT comes from
  `kill -INT` or a wrapper. It does what Ctrl+C does: during a session it asks "Stop this session?", and a
  second one while the question is up stops and logs the session. Outside a session it quits.
- SIGTSTP (Ctrl+Z, or `kill -TSTP`): the session is paused (a `pause` record) before the process stops;
  after `fg` it stays paused until the athlete presses p. Textual's own handler then restores the
  terminal and stops the process, as it always does.

Nothing is installed under `run_test` (a headless driver): tests call the app's methods directly.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Callable
from typing import Protocol

WATCHDOG_S = 5.0
"""How long a clean exit after SIGTERM/SIGHUP may take before the process is ended anyway."""


class Interruptible(Protocol):
    """What the app offers the handlers (CircuitApp implements it)."""

    def end_by_signal(self, signum: int) -> None: ...

    def action_interrupt(self) -> None: ...

    def before_suspend(self) -> None: ...

    def after_suspend(self) -> None: ...


def install(app: Interruptible, *, headless: bool) -> bool:
    """Route SIGTERM, SIGHUP, SIGINT and SIGTSTP to `app`; False (nothing done) when headless or off main.

    Call it once the driver is running (from `on_mount`): the driver installs its own SIGTSTP handler
    when it starts, and ours wraps it.
    """
    if headless or threading.current_thread() is not threading.main_thread():
        return False
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(signum, _end, app, signum)
    loop.add_signal_handler(signal.SIGINT, app.action_interrupt)
    previous = signal.getsignal(signal.SIGTSTP)
    loop.add_signal_handler(signal.SIGTSTP, _suspend, app, previous)
    return True


def _end(app: Interruptible, signum: int) -> None:
    app.end_by_signal(signum)
    # With the terminal gone (SIGHUP), restoring it can stall; the records are already fsynced.
    watchdog = threading.Timer(WATCHDOG_S, os._exit, args=(128 + signum,))
    watchdog.daemon = True
    watchdog.start()


def _suspend(app: Interruptible, previous: Callable[..., object] | int | None) -> None:
    app.before_suspend()
    if callable(previous):
        previous(signal.SIGTSTP, None)  # Textual's driver: leave application mode, then SIGSTOP
    else:
        os.kill(os.getpid(), signal.SIGSTOP)
    # Here the process runs again (SIGCONT, `fg`); the driver's SIGCONT handler has redrawn the screen.
    app.after_suspend()
