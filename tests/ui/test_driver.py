"""timer/ui/driver.py copies part of Textual's terminal driver: a Textual that changes it fails here, by name.

Textual's input code has moved in patch releases (8.2.7 changed `linux_driver.py` and `_xterm_parser.py`),
so the copy is checked against the source it came from, not against a version range.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import os
import signal
import sys
import time
from typing import Any

import pytest
import textual
from textual import events
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from timer.ui import driver
from timer.ui.driver import REVIEWED_SOURCES, REVIEWED_TEXTUAL, QuietLinuxDriver, driver_class


def source_of(name: str) -> str:
    """The source of a `REVIEWED_SOURCES` name: `LinuxDriver.x` (Textual's driver) or `_loop.x`."""
    head, attr = name.rsplit(".", 1)
    owner = LinuxDriver if head == "LinuxDriver" else importlib.import_module(f"textual.{head}")
    return inspect.getsource(getattr(owner, attr))


def test_the_copied_textual_code_is_the_reviewed_code() -> None:
    changed = [
        name
        for name, digest in REVIEWED_SOURCES.items()
        if hashlib.sha256(source_of(name).encode()).hexdigest() != digest
    ]
    version = textual.__version__
    assert not changed, (
        f"review timer/ui/driver.py against Textual {version}: {', '.join(changed)} changed since "
        f"{', '.join(REVIEWED_TEXTUAL)}; then update REVIEWED_SOURCES and REVIEWED_TEXTUAL"
    )
    assert version in REVIEWED_TEXTUAL, (
        f"review timer/ui/driver.py against Textual {version}: the copied code is unchanged, so adding "
        f"{version} to REVIEWED_TEXTUAL may be all it takes"
    )


def test_an_unreviewed_textual_gets_its_own_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    assert driver_class() is QuietLinuxDriver
    monkeypatch.setattr(driver, "REVIEWED_TEXTUAL", ("0.0.1",))
    assert driver_class() is None  # Textual's own: slower when idle, never out of step


def test_textual_driver_env_var_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.linux_driver:LinuxDriver")
    assert driver_class() is None


class _Collecting(QuietLinuxDriver):
    """The driver with its events kept in a list instead of posted to an app."""

    def __init__(self, fileno: int) -> None:
        super().__init__(app=None)
        self.fileno, self.input_tty = fileno, False
        self.got: list[Message] = []

    def process_message(self, message: Message) -> None:
        self.got.append(message)


async def test_the_input_thread_flushes_the_parser_when_input_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """As Textual's thread does on its way out (`feed("")`); the copy had dropped it."""
    fed: list[str] = []

    class RecordingParser(driver.XTermParser):
        def feed(self, data: str) -> Any:
            fed.append(data)
            return super().feed(data)

    monkeypatch.setattr(driver, "XTermParser", RecordingParser)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # LinuxDriver installs SIGTSTP/SIGCONT handlers
    read_end, write_end = os.pipe()
    try:
        quiet = _Collecting(read_end)
        os.write(write_end, b"a")
        os.close(write_end)
        write_end = -1
        quiet.run_input_thread()  # reads "a", then the end of input: returns instead of spinning
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)
    assert [m.key for m in quiet.got if isinstance(m, events.Key)] == ["a"]
    assert fed[0] == "a" and fed[-1] == ""


# --- frames held until their moment (the run screen's phase changes) ----------------------------------


class _Writer:
    """Stands in for Textual's writer thread: what reached the terminal, one item per write."""

    def __init__(self) -> None:
        self.wrote: list[str] = []

    def write(self, text: str) -> None:
        self.wrote.append(text)


def held_driver() -> tuple[QuietLinuxDriver, _Writer]:
    quiet = QuietLinuxDriver(app=None)
    out = _Writer()
    quiet._writer_thread = out  # type: ignore[assignment]
    return quiet, out


async def test_a_held_frame_goes_out_at_its_release_in_order_and_in_one_piece() -> None:
    quiet, out = held_driver()
    quiet.write("before")
    quiet.hold(until=time.monotonic() + 60)
    quiet.write("frame ")
    quiet.write("cursor")
    assert out.wrote == ["before"]  # nothing of the prepared frame is on the terminal yet
    quiet.release()
    assert out.wrote == ["before", "frame cursor"]
    quiet.release()  # nothing held: nothing written
    quiet.write("after")
    assert out.wrote == ["before", "frame cursor", "after"]


async def test_a_hold_long_past_its_moment_lets_go_at_the_next_write() -> None:
    """A release that never came (a bug, a lost timer) must not freeze the screen."""
    quiet, out = held_driver()
    quiet.hold(until=time.monotonic() - driver.HOLD_SLACK_S - 1)
    quiet.write("frame")
    assert out.wrote == ["frame"]


async def test_the_terminal_is_given_back_after_what_was_held(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+Z or quitting while a frame is held: the frame, then the sequences that restore the terminal;
    and the interpreter's switch interval (shortened for the writer thread) as it was."""
    monkeypatch.setattr(LinuxDriver, "start_application_mode", lambda self: None)
    monkeypatch.setattr(LinuxDriver, "stop_application_mode", lambda self: self.write("restore"))
    before = sys.getswitchinterval()
    quiet, out = held_driver()
    try:
        quiet.start_application_mode()
        assert sys.getswitchinterval() == pytest.approx(driver.SWITCH_INTERVAL_S)
        quiet.hold(until=time.monotonic() + 60)
        quiet.write("frame")
        quiet.stop_application_mode()
    finally:
        sys.setswitchinterval(before)
    assert out.wrote == ["frame", "restore"]
    assert sys.getswitchinterval() == pytest.approx(before)
