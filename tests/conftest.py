"""The test kit's fixtures, defined once: the test circuits (files in tests/circuits/), plans, a log path,
a home folder of the test's own, and a fake clock. Pilot helpers are in tests/ui/uihelp.py, what a test
needs from the machine in tests/needs.py."""

from __future__ import annotations

import errno
import os
import shutil
import textwrap
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from timer.clock import FakeClock
from timer.plan import Plan, load_plan
from timer.replog import writer as replog_writer

if TYPE_CHECKING:
    from timer.ui.app import CircuitApp

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Printed tables fit `COLUMNS` when it is set (timer.terminal.output_width): a shell that exports it
    must not change what a test reads. Tests of fitting set it themselves."""
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def write_toml(tmp_path: Path):
    """Write TOML text (dedented) to a file in tmp_path and return its path."""

    def write(text: str, name: str = "circuit.toml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


CIRCUITS = REPO / "tests" / "circuits"
"""The test circuits, as files: one text per circuit, shared by every test that uses it."""

PROGRAM_KEYS = (
    "program",
    "program_session",
    "phase",
    "phase_index",
    "week",
    "week_in_phase",
    "session_in_week",
    "deload",
)
"""The program fields of a `session_start` record (docs/log-format.md), for tests that compare them."""


def circuit_text(name: str) -> str:
    """The text of `tests/circuits/<name>.toml`."""
    return (CIRCUITS / f"{name}.toml").read_text(encoding="utf-8")


@pytest.fixture
def short_plan() -> Plan:
    """tests/circuits/short.toml: prepare 0-5, Squat 5-25 (30% of 100 kg, 12 reps), rest 25-35, Step-ups 35-55."""
    return load_plan(str(CIRCUITS / "short.toml"))


@pytest.fixture
def runner_plan() -> Plan:
    """tests/circuits/log-screens.toml: prepare 0-5 · Squat 5-35 · rest 35-45 · Squat 45-75 · rest 75-85 ·
    Step-ups 85-115 (two sets of a station, so set ends, rests and corrections all happen)."""
    return load_plan(str(CIRCUITS / "log-screens.toml"))


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    """Where a test's rep log goes (not created)."""
    return tmp_path / "log.jsonl"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of the test's own (where the rescue file is offered, where user data would go)."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


class Disk:
    """Makes the log's disk full (or not) by failing the writer's appends to that one file."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
        self.log = log
        self.full = False
        self.refused = 0
        real = replog_writer._append

        def append(fd: int, data: bytes, sync: bool) -> None:
            if self.full and self.log.exists() and os.fstat(fd).st_ino == self.log.stat().st_ino:
                self.refused += 1
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real(fd, data, sync)

        monkeypatch.setattr(replog_writer, "_append", append)


class Gate:
    """Where a thread of the app waits until the test lets it go: no real sleep, an event (at most 5 s,
    then it goes on and `timed_out` says the test did not get there in time)."""

    def __init__(self) -> None:
        self.waiting = threading.Event()
        """Set once a thread is held here."""
        self._open = threading.Event()
        self.timed_out = False

    def hold(self) -> None:
        self.waiting.set()
        if not self._open.wait(5):
            self.timed_out = True

    def answer(self) -> None:
        """Let every held thread (and every later one) through."""
        self._open.set()


class HungDisk(Gate):
    """Makes the log's disk hang: every write to that one file waits at the gate until `answer()`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
        super().__init__()
        self.log = log
        real = replog_writer._append

        def append(fd: int, data: bytes, sync: bool) -> None:
            if self.log.exists() and os.fstat(fd).st_ino == self.log.stat().st_ino:
                self.hold()
            real(fd, data, sync)

        monkeypatch.setattr(replog_writer, "_append", append)


LoggedApp = tuple["CircuitApp", FakeClock, Disk]


@pytest.fixture
def logged_app(tmp_path: Path, log_path: Path, monkeypatch: pytest.MonkeyPatch, home: Path) -> LoggedApp:
    """The app on `runner_plan`'s circuit (copied to tmp_path) with its rep log at `log_path` on a disk
    the test can fill (`disk.full = True`); the rescue file goes to the test's own `home`."""
    from timer.ui.app import make_app  # Textual only for the tests that use it

    circuit = tmp_path / "circuit.toml"
    shutil.copy(CIRCUITS / "log-screens.toml", circuit)
    disk = Disk(monkeypatch, log_path)
    clock = FakeClock()
    app = make_app(load_plan(str(circuit)), clock=clock, voice=False, log_path=log_path, circuit_path=circuit)
    return app, clock, disk
