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
