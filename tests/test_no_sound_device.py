"""Without a sound device the real app runs to the end and nothing but the UI reaches the terminal.

`circuit-timer run` (not muted, voice on) runs in a tmux pseudo-terminal with ALSA's default device pointing
at a card that does not exist (tests/alsa_capture/no_device.conf), so the case is the same on a machine
that has a sound card. Every screen seen from Enter to the summary, and the terminal after the app has
exited, must be free of ALSA's "ALSA lib ..." lines, a player's complaints, error text and tracebacks;
the status bar must say what plays instead. Once per backend: simpleaudio, then (with simpleaudio taken
away) aplay, then (with no system player either) the bell.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .alsa_capture.support import CAPTURE, alsa_env, require_alsa, require_simpleaudio

CIRCUIT = """
name = "No device"
prepare = "2s"
[[station]]
exercise = "Wall sit"
load = "bodyweight"
work = "3s"
"""
"""5 s: count, count, go, count, count, final (and the start-up probe before them)."""

TIMEOUT_S = 30.0
FORBIDDEN = (
    "ALSA lib",  # libasound's error lines (snd_lib_error_set_handler silences them)
    "snd_pcm",
    "aplay:",  # aplay's own complaints (its stderr goes to /dev/null)
    "Playing WAVE",
    "Error",
    "error",
    "Traceback",
    "Exception",
)


def _tmux_or_fail() -> str:
    tmux = shutil.which("tmux")
    if tmux is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is required for the no-sound-device screen test on CI")
        pytest.skip("tmux is not installed")
    return tmux


class Terminal:
    """A 100x30 tmux session on its own socket running one command; every screen read is kept."""

    def __init__(self, tmux: str, socket: str) -> None:
        self.tmux, self.socket = tmux, socket
        self.seen: list[str] = []

    def _run(self, *args: str) -> str:
        result = subprocess.run(
            [self.tmux, "-L", self.socket, *args], capture_output=True, text=True, check=True, timeout=10
        )
        return result.stdout

    def screen(self) -> str:
        text = self._run("capture-pane", "-p", "-t", "run")
        if not self.seen or self.seen[-1] != text:
            self.seen.append(text)
        return text

    def keys(self, *keys: str) -> None:
        self._run("send-keys", "-t", "run", *keys)

    def wait_for(self, found: Callable[[str], bool], what: str, timeout: float = TIMEOUT_S) -> str:
        """Poll the screen until `found(screen)`; fail with the last screen after `timeout`."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if found(text):
                return text
            time.sleep(0.05)
        raise AssertionError(f"gave up waiting for {what}; the screen was:\n{text}")


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[[list[str]], Terminal]]:
    """Start `circuit-timer run` (through tests/alsa_capture/run_app.py with the given options) in tmux."""
    tmux = _tmux_or_fail()
    require_alsa()
    sockets: list[str] = []

    def run(options: list[str]) -> Terminal:
        circuit = tmp_path / "quick.toml"
        circuit.write_text(CIRCUIT, encoding="utf-8")
        app = [sys.executable, str(CAPTURE / "run_app.py"), *options, "--"]
        command = shlex.join([*app, "run", str(circuit), "--log", str(tmp_path / "log.jsonl")])
        done = tmp_path / "exit-code"
        shell = f"{command}; echo $? > {shlex.quote(str(done))}; sleep 60"
        socket = f"ct-nodev-{uuid.uuid4().hex[:8]}"
        sockets.append(socket)
        env = alsa_env(
            CAPTURE / "no_device.conf",
            TERM="xterm-256color",
            XDG_CACHE_HOME=str(tmp_path / "cache"),  # rendered voice phrases, not in the user's cache
        )
        session = ["new-session", "-d", "-x", "100", "-y", "30", "-s", "run", "-c", str(tmp_path), shell]
        subprocess.run(
            [tmux, "-L", socket, "-f", "/dev/null", *session],
            check=True,
            timeout=10,
            env=env,
        )
        return Terminal(tmux, socket)

    yield run
    for socket in sockets:
        subprocess.run([tmux, "-L", socket, "kill-server"], capture_output=True, timeout=10)


def _exit_code(folder: Path, timeout: float = TIMEOUT_S) -> int:
    deadline = time.monotonic() + timeout
    done = folder / "exit-code"
    while time.monotonic() < deadline:
        if done.exists() and done.read_text().strip():
            return int(done.read_text())
        time.sleep(0.05)
    raise AssertionError("circuit-timer did not exit")


def _run_to_the_end(term: Terminal, folder: Path) -> None:
    """Start the session, watch it through every cue to the summary, quit; every screen is kept."""
    term.wait_for(lambda s: "Enter to start" in s, "the overview")
    term.keys("Enter")
    term.wait_for(lambda s: "WORK" in s, "the work phase (after the 3-2-1 and the go cue)")
    term.wait_for(lambda s: "Summary" in s, "the summary (the circuit lasts 5 s)")
    term.keys("q")
    assert _exit_code(folder) == 0
    term.screen()  # the terminal after the app has gone: nothing printed behind it either


def _assert_clean(term: Terminal) -> None:
    for screen in term.seen:
        for fragment in FORBIDDEN:
            assert fragment not in screen, f"{fragment!r} reached the terminal:\n{screen}"


def _ever(term: Terminal, text: str) -> bool:
    return any(text in screen for screen in term.seen)


CASES = [
    # (backend taken away, options for run_app.py, status bar once no device is found, the notice)
    ("simpleaudio", [], "sound: bell (no audio device)", "No audio device found;"),
    ("aplay", ["--without-simpleaudio"], "sound: bell (no audio device)", "aplay could not play a sound"),
    ("bell", ["--without-simpleaudio", "--without-system-players"], "sound: bell", None),
]


@pytest.mark.parametrize(("backend", "options", "status", "notice"), CASES, ids=[c[0] for c in CASES])
def test_without_a_sound_device_only_the_ui_reaches_the_terminal(
    start: Callable[[list[str]], Terminal],
    tmp_path: Path,
    backend: str,
    options: list[str],
    status: str,
    notice: str | None,
) -> None:
    if backend == "simpleaudio":
        require_simpleaudio()
    if backend == "aplay" and shutil.which("aplay") is None:
        if os.environ.get("CI"):
            pytest.fail("aplay (alsa-utils) is required on CI")
        pytest.skip("aplay is not installed")
    term = start(options)
    _run_to_the_end(term, tmp_path)
    _assert_clean(term)
    assert _ever(term, f"{status} · metronome off"), "the status bar never said what plays instead"
    if notice is not None:  # the one-time notice (its start: the toast wraps the rest)
        assert _ever(term, notice), f"no notice {notice!r} was shown"
    else:
        assert not _ever(term, "no audio device")  # the bell needs no device


def test_the_check_sees_alsa_lines_when_they_are_not_silenced(
    start: Callable[[list[str]], Terminal], tmp_path: Path
) -> None:
    """Control for the test above: without the silent handler ALSA's line does reach the terminal.

    (simpleaudio's probe opens the device before the UI takes the screen, so the line is seen once the
    app has gone; with the handler installed, that screen stays clean too.)
    """
    require_simpleaudio()
    term = start(["--loud-alsa"])
    _run_to_the_end(term, tmp_path)
    assert _ever(term, "ALSA lib")
