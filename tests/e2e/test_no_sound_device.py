"""Without a sound device the real app runs to the end and nothing but the UI reaches the terminal.

`circuit-timer run` (not muted, voice on) runs in a tmux pseudo-terminal with ALSA's default device pointing
at a card that does not exist (tests/alsa_capture/no_device.conf), so the case is the same on a machine
that has a sound card. Every screen seen from Enter to the summary, and the terminal after the app has
exited, must be free of ALSA's "ALSA lib ..." lines, a player's complaints, error text and tracebacks;
the status bar must say what plays instead. Once per backend: simpleaudio, then (with simpleaudio taken
away) miniaudio, then (with both libraries taken away) aplay, then (with no system player either) the bell.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.alsa_capture.support import CAPTURE, alsa_env, require_alsa, require_backend, require_simpleaudio
from tests.conftest import circuit_text
from tests.needs import need_tool

from .tmux import Terminal, exit_code, shell_recording_exit

CIRCUIT = circuit_text("no-device")
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


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[[list[str]], Terminal]]:
    """Start `circuit-timer run` (through tests/alsa_capture/run_app.py with the given options) in tmux."""
    tmux = need_tool("tmux")
    require_alsa()
    terminals: list[Terminal] = []

    def run(options: list[str]) -> Terminal:
        circuit = tmp_path / "quick.toml"
        circuit.write_text(CIRCUIT, encoding="utf-8")
        app = [sys.executable, str(CAPTURE / "run_app.py"), *options, "--"]
        command = [*app, "run", str(circuit), "--log", str(tmp_path / "log.jsonl")]
        env = alsa_env(
            CAPTURE / "no_device.conf",
            TERM="xterm-256color",
            XDG_CACHE_HOME=str(tmp_path / "cache"),  # rendered voice phrases, not in the user's cache
        )
        term = Terminal.start(
            tmux, shell_recording_exit(command, tmp_path), cwd=tmp_path, env=env, prefix="ct-nodev"
        )
        terminals.append(term)
        return term

    yield run
    for term in terminals:
        term.kill()


def _run_to_the_end(term: Terminal, folder: Path) -> None:
    """Start the session, watch it through every cue to the summary, quit; every screen is kept."""
    term.wait_for(lambda s: "Enter to start" in s, "the overview", TIMEOUT_S)
    term.keys("Enter")
    term.wait_for(lambda s: "WORK" in s, "the work phase (after the 3-2-1 and the go cue)", TIMEOUT_S)
    term.wait_for(lambda s: "Summary" in s, "the summary (the circuit lasts 5 s)", TIMEOUT_S)
    term.keys("q")
    assert exit_code(folder, TIMEOUT_S) == 0
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
    ("miniaudio", ["--without-simpleaudio"], "sound: bell (no audio device)", "No audio device found;"),
    (
        "aplay",
        ["--without-simpleaudio", "--without-miniaudio"],
        "sound: bell (no audio device)",
        "aplay could not play a sound",
    ),
    (
        "bell",
        ["--without-simpleaudio", "--without-miniaudio", "--without-system-players"],
        "sound: bell",
        None,
    ),
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
    if backend != "bell":
        require_backend(backend)
    term = start(options)
    _run_to_the_end(term, tmp_path)
    _assert_clean(term)
    assert _ever(term, status), "the status line never said what plays instead"
    if notice is not None:  # the one-time notice, in the status line (its start: the line is cut)
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
