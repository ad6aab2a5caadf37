"""Textual's Linux/macOS terminal driver, with an input thread that sleeps until a key comes.

Textual's own input thread wakes ten times a second for the life of the app, to time out a lone Esc. Over a
countdown that does nothing else for minutes, that was a quarter of circuit-timer's CPU (0.11% of a core
of 0.46%, measured per thread with tests/perf). This driver's thread blocks until the terminal or a wake-up
pipe has something to read, and ticks every `ESCAPE_DELAY` only for a moment after input, when a lone Esc
may be waiting to be told apart from the start of an escape sequence.

`run_input_thread` follows Textual's `LinuxDriver.run_input_thread` (MIT licence) line for line, apart
from what it waits on and for how long, and what it does when the terminal's input ends (`_input_ended`).
Stopping: Textual's `disable_input` sets `exit_event` and joins the thread; here setting that event also
writes to the pipe, so the blocked thread wakes at once.

It also holds what is written between `hold` and `release`, for a frame drawn ahead of its moment (the run
screen's phase changes, see `RunScreen._prepare`), and shortens Python's switch interval while the app runs
so that Textual's writer thread gets each frame onto the terminal without waiting up to 5 ms for the lock.

Reviewed against Textual `REVIEWED_TEXTUAL`: tests/ui/test_driver.py hashes the Textual code this copies
or leans on (`REVIEWED_SOURCES`) and fails with "review timer/ui/driver.py against Textual X.Y" when it
changes. At run time any other Textual version gets Textual's own driver (`driver_class`): slower when
idle, never wrong.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import sys
import threading
import time
import weakref
from codecs import getincrementaldecoder
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import textual
from textual import constants

# Private, and kept: Textual offers no public way to turn terminal bytes into its key and mouse events, and
# the input thread must do exactly what Textual's does. The hash test watches the code that uses them.
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

REVIEWED_TEXTUAL = ("8.2.8",)
"""Textual versions this file was compared with; any other runs Textual's own driver."""
REVIEWED_SOURCES = {
    "LinuxDriver.run_input_thread": "d796af6d69db337d6fa6bd463984f7d17188d991dbb22f60efb92a8a9619507c",
    "LinuxDriver.disable_input": "6154c5a7c1743fe9dd03887bbfaf63e4c55ab314c8e8cc9077e85ba125551a04",
    "LinuxDriver.__init__": "671887bbf938d1d82bc2fb5cba1c4223873c95e7878cbe596da2badc2f316d76",
    "LinuxDriver.write": "b78a34033db5a0eb51f564301af95e4ecf23106f7e1c3e95cfd30bfec78e1fef",
    "LinuxDriver.stop_application_mode": "9a7e99c8d4bdbd3bee8d728aabb4427712defa4b56d752c8ed83188e61015460",
    "_loop.loop_last": "9cedebad8dcc14c41246ad02170ebbd19ef89489f02dc65ebbf76f5e62a0743c",
}
"""SHA-256 of the source of what this file copies (`run_input_thread`, `loop_last`) or relies on
(`exit_event` made in `__init__`, then set and joined in `disable_input`; every byte for the terminal
going through `write`, and `stop_application_mode` giving the terminal back), in the reviewed version;
`LinuxDriver` is `textual.drivers.linux_driver.LinuxDriver`, `_loop` is `textual._loop`."""

TICK_AFTER_INPUT_S = max(0.5, 3 * constants.ESCAPE_DELAY)
"""How long after the last input the thread keeps ticking (a lone Esc resolves after ESCAPE_DELAY)."""

SWITCH_INTERVAL_S = 0.0005
"""The interpreter's switch interval while the app runs (Python's default is 0.005 s)."""

HOLD_SLACK_S = 0.5
"""How long past its moment a held frame may wait for `release` before the next write lets it out."""

_T = TypeVar("_T")


def _loop_last(values: Iterable[_T]) -> Iterator[tuple[bool, _T]]:
    """Each value with a flag that is True for the last one (Textual's `textual._loop.loop_last`)."""
    iter_values = iter(values)
    try:
        previous_value = next(iter_values)
    except StopIteration:
        return
    for value in iter_values:
        yield False, previous_value
        previous_value = value
    yield True, previous_value


class _WakingEvent(threading.Event):
    """A `threading.Event` whose `set` also writes to a pipe, to wake a thread blocked in `select`."""

    def __init__(self, wake_fd: int) -> None:
        super().__init__()
        self._wake_fd = wake_fd

    def set(self) -> None:
        super().set()
        # A full pipe means it is already woken; a closed one, that the driver is gone.
        with contextlib.suppress(OSError):
            os.write(self._wake_fd, b"!")


class QuietLinuxDriver(LinuxDriver):
    """`LinuxDriver` whose input thread costs nothing while no key is pressed."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self.exit_event = _WakingEvent(self._wake_write)
        self._hold_lock = threading.Lock()
        # Not closed in `close()`: Textual closes the driver on Ctrl+Z and starts it again after `fg`.
        weakref.finalize(self, _close_all, self._wake_read, self._wake_write)

    # Frames drawn ahead of their moment: the run screen prepares a phase change's frame before it is due
    # and has it written at the moment (see `RunScreen._prepare`).
    _held: list[str] | None = None
    _hold_until = 0.0
    _switch_interval: float | None = None
    """Python's switch interval before the app shortened it, until it is put back."""

    def hold(self, until: float) -> None:
        """Keep everything written from now on until `release`; at the latest until `until` (monotonic
        seconds) plus `HOLD_SLACK_S`, when the next write lets it all out (a missed release never freezes
        the screen)."""
        if self._held is None:
            self._held = []
        self._hold_until = until + HOLD_SLACK_S

    def release(self) -> None:
        """Write what was held, in the order it came, in one piece."""
        with self._hold_lock:  # the input thread writes too (replies to the terminal's queries)
            held, self._held = self._held, None
            if held:
                super().write("".join(held))

    def write(self, data: str) -> None:
        with self._hold_lock:
            held = self._held
            if held is not None:
                held.append(data)
        if held is None:
            super().write(data)
        elif time.monotonic() > self._hold_until:
            self.release()

    def start_application_mode(self) -> None:
        super().start_application_mode()  # type: ignore[no-untyped-call]  # untyped in Textual
        # Textual's writer thread puts each frame on the terminal, and needs the interpreter's lock for it.
        # With Python's default switch interval it waited up to 5 ms for the UI thread to let go of it (a
        # phase change's frame, released at its moment, then reached the terminal 3-10 ms late, as the
        # poll of that moment went on working); the waiting thread now gets the lock within 0.5 ms.
        if self._switch_interval is None:  # the original, put back when the terminal is given back
            self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)

    def stop_application_mode(self) -> None:
        self.release()  # before the terminal is given back (Ctrl+Z, quitting)
        super().stop_application_mode()
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None

    def _drain_wake_pipe(self) -> None:
        try:
            while os.read(self._wake_read, 512):
                pass
        except OSError:  # empty (BlockingIOError) or closed
            pass

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events (as Textual's, but blocking while nothing is pending)."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        selector.register(self._wake_read, selectors.EVENT_READ)

        fileno = self.fileno
        EVENT_READ = selectors.EVENT_READ

        parser = XTermParser(self._debug)
        feed = parser.feed
        tick = parser.tick

        utf8_decoder = getincrementaldecoder("utf-8")().decode
        decode = utf8_decoder
        read = os.read
        last_input = time.monotonic()
        ended = False

        def process_selector_events(
            selector_events: list[tuple[selectors.SelectorKey, int]],
            final: bool = False,
        ) -> None:
            nonlocal last_input, ended
            terminal = [(key, mask) for key, mask in selector_events if key.fd == fileno]
            if len(terminal) != len(selector_events):
                self._drain_wake_pipe()
            for last, (_selector_key, mask) in _loop_last(terminal):
                if mask & EVENT_READ:
                    last_input = time.monotonic()
                    try:
                        raw = read(fileno, 1024 * 4)
                    except OSError:  # EIO: the terminal has hung up
                        raw = b""
                    if not raw:
                        ended = True  # Textual's loop would spin here, reading nothing, at 100% of a core
                        break
                    for event in feed(decode(raw, final=final and last)):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        def timeout() -> float | None:
            """Tick while a lone Esc may still be waiting to be timed out; otherwise sleep until woken."""
            if time.monotonic() - last_input <= TICK_AFTER_INPUT_S:
                return constants.ESCAPE_DELAY
            return None

        try:
            self._drain_wake_pipe()
            while not self.exit_event.is_set() and not ended:
                process_selector_events(selector.select(timeout()))
            if ended:
                self._input_ended()
                return
            selector.unregister(self.fileno)
            selector.unregister(self._wake_read)
            process_selector_events(selector.select(0.1), final=True)

        finally:
            selector.close()
            # Textual ends its input thread by flushing the parser, dropping what a flush yields.
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass

    def _input_ended(self) -> None:
        """The input has ended: a terminal that did so has hung up, whether or not SIGHUP came with it.

        The kernel sends SIGHUP only when this is the app's controlling terminal; otherwise nothing would
        tell the app, which would keep drawing into a full output queue. Raising SIGHUP here sends it down
        the same path (the set under way and `aborted` logged, exit 129). Piped input that ends is left
        alone: there is just nothing more to read.
        """
        if self.input_tty:
            os.kill(os.getpid(), signal.SIGHUP)


def _close_all(*fds: int) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


def driver_class() -> type[LinuxDriver] | None:
    """The driver for `App(driver_class=...)`: ours on Linux and macOS with a reviewed Textual; None
    (Textual's choice) elsewhere, with another Textual version, or when `TEXTUAL_DRIVER` names one."""
    if os.name != "posix" or os.environ.get("TEXTUAL_DRIVER"):
        return None
    if textual.__version__ not in REVIEWED_TEXTUAL:
        return None
    return QuietLinuxDriver
