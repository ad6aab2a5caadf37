"""Signals to the real `circuit-timer run` in a pseudo-terminal, and the same paths through Pilot.

The real runs never read the screen: they watch the rep log. Enter is pressed until `session_start` is
logged; space is tapped until a `rep` is logged (space only counts during work), so "the work phase has
begun" is known from the log itself. Every wait polls with a deadline.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import circuit_text
from tests.ui.uihelp import press, started
from timer.clock import FakeClock
from timer.plan import load_plan
from timer.ui import signals
from timer.ui.app import CircuitApp, make_app
from timer.ui.screens.confirm import ConfirmQuit
from timer.ui.screens.help import HelpScreen
from timer.ui.screens.run import RunScreen

# prepare 1 s, a 20 s set (room to signal mid-set on a slow machine), a rest, a 2 s set.
LONG_SET = circuit_text("long-set")

TIMEOUT_S = 20.0
EXE = Path(sys.executable).with_name("circuit-timer")


def wait_until(found: Callable[[], object], what: str, timeout: float = TIMEOUT_S) -> object:
    """Poll `found()` until it is truthy; fail saying `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def read_records(path: Path) -> list[dict]:
    """The complete records of a log (a line being written is left for the next look)."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines(keepends=True) if line.endswith("\n")]


def of_type(records: list[dict], kind: str) -> list[dict]:
    return [r for r in records if r["type"] == kind]


class PtyRun:
    """`circuit-timer ARGS` on its own pseudo-terminal (its controlling terminal, 100×30).

    A thread drains the output so the app never blocks on a full terminal; `close_terminal()` closes the
    master side, which is what a terminal emulator does when its window is closed (the kernel sends
    SIGHUP).
    """

    def __init__(self, args: list[str], cwd: Path, log: Path, *, controlling: bool = True) -> None:
        self.log = log
        self._earlier = len(read_records(log))
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color"}
        env.pop("TEXTUAL_ALLOW_SIGNALS", None)
        self.proc = subprocess.Popen(
            [str(EXE), *args],
            cwd=cwd,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            preexec_fn=(lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0)) if controlling else None,
        )
        os.close(slave)
        self.master: int | None = master
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while self.master is not None:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.output += data

    def send(self, data: bytes) -> None:
        assert self.master is not None
        os.write(self.master, data)

    def signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    def records(self) -> list[dict]:
        """The records this run has written (a resumed log holds earlier ones too)."""
        return read_records(self.log)[self._earlier :]

    def start_session(self) -> None:
        """Enter on the overview, again until the session has started (keys sent too early are lost)."""

        def started() -> bool:
            if any(r["type"] in ("session_start", "session_resume") for r in self.records()):
                return True
            self.send(b"\r")
            return False

        wait_until(started, "the session to start", timeout=TIMEOUT_S)

    def tap_into_work(self, taps: int) -> int:
        """Tap space until the work phase counts it, then once per logged tap up to `taps`; returns the
        set's count as logged (a tap sent while the previous one was still on its way may add one)."""

        def count() -> int:
            reps = of_type(self.records(), "rep")
            return reps[-1].get("n", 0) if reps else 0

        def counted(wanted: int) -> bool:
            if count() >= wanted:
                return True
            self.send(b" ")
            time.sleep(0.2)
            return count() >= wanted

        for wanted in range(1, taps + 1):
            wait_until(lambda wanted=wanted: counted(wanted), f"tap {wanted} to be logged")
        time.sleep(0.3)
        return count()

    def wait_exit(self, timeout: float = TIMEOUT_S) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"circuit-timer did not exit within {timeout} s") from None

    def state(self) -> str:
        """The process state letter from /proc (R, S, T for stopped...)."""
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0]

    def close_terminal(self) -> None:
        master, self.master = self.master, None
        if master is not None:
            os.close(master)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.close_terminal()


@pytest.fixture
def run_app(tmp_path: Path) -> Iterator[Callable[..., PtyRun]]:
    """Start `circuit-timer run circuit.toml --log log.jsonl --mute --no-voice [extra]` in a pty."""
    if not sys.platform.startswith("linux"):
        pytest.skip("pseudo-terminal signal tests run on Linux")
    circuit = tmp_path / "circuit.toml"
    circuit.write_text(LONG_SET, encoding="utf-8")
    started: list[PtyRun] = []

    def start(*extra: str, controlling: bool = True) -> PtyRun:
        args = ["run", str(circuit), "--log", str(tmp_path / "log.jsonl"), "--mute", "--no-voice", *extra]
        run = PtyRun(args, tmp_path, tmp_path / "log.jsonl", controlling=controlling)
        started.append(run)
        return run

    yield start
    for run in started:
        run.kill()


def assert_aborted_with_taps(records: list[dict], taps: int) -> None:
    """The set under way is logged as cut short with its taps, then the session ends as aborted."""
    sets = of_type(records, "set")
    assert len(sets) == 1, records
    assert sets[0]["exercise"] == "Wall sit" and sets[0]["ended_by"] == "abort"
    assert sets[0]["reps"] == taps
    end = records[-1]
    assert end["type"] == "session_end" and end["status"] == "aborted"
    assert end["total_reps"] == taps
    assert len({r["session"] for r in records}) == 1


# --- the real command -------------------------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_log_the_set_under_way_and_exit(run_app, signum: int) -> None:
    run = run_app()
    run.start_session()
    taps = run.tap_into_work(3)
    run.signal(signum)
    assert run.wait_exit() == 128 + signum
    assert_aborted_with_taps(run.records(), taps)


def test_closing_the_terminal_logs_the_session(run_app) -> None:
    """The window closed: the kernel hangs up the terminal (SIGHUP), and the app can no longer draw."""
    run = run_app()
    run.start_session()
    taps = run.tap_into_work(2)
    run.close_terminal()
    run.wait_exit()
    assert_aborted_with_taps(run.records(), taps)


def test_a_terminal_gone_without_a_hangup_signal_ends_the_session_too(run_app) -> None:
    """The terminal is not the app's controlling terminal, so closing it sends no SIGHUP: the app sees its
    input end, takes that as the hang-up, logs the session and exits (Textual alone would spin a core at
    100% forever, its input thread polling a closed terminal, and its output queue filling up)."""
    run = run_app(controlling=False)
    run.start_session()
    taps = run.tap_into_work(2)
    run.close_terminal()
    assert run.wait_exit() == 128 + signal.SIGHUP
    assert_aborted_with_taps(run.records(), taps)


INTERRUPTS = {
    "sigint": lambda run: run.signal(signal.SIGINT),
    # Textual turns ISIG off, so Ctrl+C typed in the terminal arrives as a key (byte 3), not as SIGINT.
    "ctrl_c_key": lambda run: run.send(b"\x03"),
}


@pytest.mark.parametrize("interrupt", list(INTERRUPTS))
def test_an_interrupt_asks_first_and_a_second_one_stops(run_app, interrupt: str) -> None:
    run = run_app()
    run.start_session()
    taps = run.tap_into_work(2)
    INTERRUPTS[interrupt](run)
    time.sleep(0.5)  # the question is up; nothing may end the session
    assert run.proc.poll() is None
    assert not of_type(run.records(), "session_end")
    INTERRUPTS[interrupt](run)
    assert run.wait_exit() == 0
    assert_aborted_with_taps(run.records(), taps)


def test_sigtstp_pauses_and_it_stays_paused_after_sigcont(run_app) -> None:
    run = run_app()
    run.start_session()
    taps = run.tap_into_work(1)
    run.signal(signal.SIGTSTP)
    wait_until(lambda: run.state() == "T", "the process to stop")
    pauses = of_type(run.records(), "pause")
    assert len(pauses) == 1
    run.signal(signal.SIGCONT)
    wait_until(lambda: run.state() != "T", "the process to go on")
    time.sleep(1.0)
    records = run.records()
    assert not of_type(records, "resume") and not of_type(records, "set")  # still paused
    run.send(b"p")
    wait_until(lambda: of_type(run.records(), "resume"), "p to resume the timer")
    resumed = of_type(run.records(), "resume")[0]
    assert resumed["t"] - pauses[0]["t"] >= 1.0  # the time away was paused time
    run.signal(signal.SIGTERM)
    assert run.wait_exit() == 128 + signal.SIGTERM
    assert_aborted_with_taps(run.records(), taps)


# --- the same paths through Pilot -------------------------------------------------------------------------


SHORT = circuit_text("short")


@pytest.fixture
def app(write_toml, clock: FakeClock, tmp_path: Path) -> CircuitApp:
    plan = load_plan(str(write_toml(SHORT)), None)
    return make_app(plan, clock=clock, voice=False, log_path=tmp_path / "log.jsonl")


async def start_and_tap(pilot, clock: FakeClock, taps: int) -> RunScreen:
    await pilot.pause()
    await press(pilot, "enter")
    clock.advance(6)  # into the Squat set
    pilot.app.sync()
    await pilot.pause()
    await pilot.press(*["space"] * taps)
    screen = pilot.app.screen
    assert isinstance(screen, RunScreen)
    return screen


async def test_nothing_is_installed_under_run_test(app: CircuitApp) -> None:
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.is_headless
        assert signals.install(app, headless=app.is_headless) is False


async def test_end_by_signal_logs_and_sets_the_exit_code(app: CircuitApp, clock: FakeClock, tmp_path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await start_and_tap(pilot, clock, 2)
        clock.advance(3)
        app.end_by_signal(signal.SIGTERM)
        await pilot.pause()
    assert app.return_code == 128 + signal.SIGTERM
    records = read_records(tmp_path / "log.jsonl")
    [cut] = of_type(records, "set")
    assert cut["ended_by"] == "abort" and cut["reps"] == 2 and cut["ended_t"] == 9.0
    assert records[-1]["status"] == "aborted"


async def test_ctrl_q_asks_during_a_session(app: CircuitApp, clock: FakeClock, tmp_path) -> None:
    """Textual's Ctrl+Q would quit at once and lose the session's end: here it asks like q."""
    async with app.run_test(size=(100, 30)) as pilot:
        await start_and_tap(pilot, clock, 1)
        await press(pilot, "ctrl+q")
        assert isinstance(app.screen, ConfirmQuit)
        await press(pilot, "n")
        assert isinstance(app.screen, RunScreen) and app.screen.running
        await press(pilot, "ctrl+c")
        assert isinstance(app.screen, ConfirmQuit)
        await press(pilot, "ctrl+c")  # asked already: stop
        assert app.return_code == 0
        assert of_type(read_records(tmp_path / "log.jsonl"), "session_end")[0]["status"] == "aborted"


async def test_ctrl_c_over_the_help_asks(app: CircuitApp, clock: FakeClock) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await start_and_tap(pilot, clock, 0)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "ctrl+c")
        assert isinstance(app.screen, ConfirmQuit)
        assert not any(isinstance(s, HelpScreen) for s in app.screen_stack)


async def test_ctrl_c_outside_a_session_quits(app: CircuitApp) -> None:
    async with started(app) as pilot:
        await press(pilot, "ctrl+c")
        assert not app.is_running


async def test_suspend_pauses_and_p_goes_on(app: CircuitApp, clock: FakeClock, tmp_path) -> None:
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await start_and_tap(pilot, clock, 1)
        await press(pilot, "ctrl+z")  # headless: the pause happens, the process is not stopped
        assert screen.session.paused
        clock.advance(30)  # time in the shell, job stopped
        app.after_suspend()
        await pilot.pause()
        assert screen.session.paused and screen.last_state.remaining == pytest.approx(19.0)
        assert any("suspended" in str(n.message) for n in app._notifications)
        await press(pilot, "p")
        assert not screen.session.paused
    kinds = [r["type"] for r in read_records(tmp_path / "log.jsonl")]
    assert kinds.count("pause") == 1 and kinds.count("resume") == 1


async def test_any_other_exit_still_logs_the_end(app: CircuitApp, clock: FakeClock, tmp_path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await start_and_tap(pilot, clock, 2)
        app.exit()  # e.g. an unexpected exit path
        await pilot.pause()
    records = read_records(tmp_path / "log.jsonl")
    assert records[-1]["type"] == "session_end" and records[-1]["status"] == "aborted"
    assert of_type(records, "set")[0]["reps"] == 2


async def test_enter_pressed_twice_starts_one_session(app: CircuitApp, tmp_path) -> None:
    """Keys sent before the run screen is up (a double press, a pasted newline) start it once."""
    async with started(app) as pilot:
        screen = app.screen
        screen.action_start()
        screen.action_start()
        await pilot.pause()
        await press(pilot, "enter")
    assert len(of_type(read_records(tmp_path / "log.jsonl"), "session_start")) == 1
