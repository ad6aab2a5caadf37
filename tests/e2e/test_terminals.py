"""The real command on terminals set up differently: a non-UTF-8 locale gets ASCII only.

Runs `circuit-timer run` in a pseudo-terminal with `LANG=C` (Python coerces that to UTF-8 for itself, PEP
538; the app must notice the terminal was not) and checks every byte it writes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.conftest import circuit_text

from .pyte_terminal import PyteTerminal


def _env(lang: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONUTF8"))}
    return env | {"TERM": "xterm-256color", "LANG": lang}


def _run(tmp_path: Path, lang: str) -> bytes:
    """Start a session, open the help, quit through the prompt and the summary; every byte written."""
    circuit = tmp_path / "quick.toml"
    circuit.write_text(circuit_text("e2e-quick"), encoding="utf-8")
    exe = Path(sys.executable).with_name("circuit-timer")
    env = _env(lang)
    command = [str(exe), "run", str(circuit), "--log", str(tmp_path / "log.jsonl"), "--no-voice", "--mute"]
    term = PyteTerminal(command, cwd=tmp_path, env=env)
    try:
        term.wait_for(lambda s: "Enter to start" in s, "the overview")
        term.keys("Enter")
        # the countdown drawn with `#`, the phase word on the place line
        term.wait_for(lambda s: "WORK " in s and "Set 1/" in s, "work")
        term.keys("?")
        term.wait_for(lambda s: "Esc closes" in s, "the help (borders, scroll bar)")
        term.keys("Escape")  # alone: Esc then q at once would read as Alt+q
        term.wait_for(lambda s: "Esc closes" not in s, "the help closed")
        term.keys("q")
        term.wait_for(lambda s: "Stop this session?" in s, "the quit question")
        term.keys("y")
        term.wait_for(lambda s: "q to quit" in s, "the summary of what was done")
        term.keys("q")
        assert term.exit_code() == 0
    finally:
        term.kill()
    return bytes(term.process.output)


def test_lang_c_gets_no_byte_above_ascii(tmp_path: Path) -> None:
    written = _run(tmp_path, "C")
    assert len(written) > 1000
    assert written.count(b"#") > 100  # the countdown drawn with `#`
    high = sorted({b for b in written if b >= 0x80})
    assert not high, f"bytes above ASCII reached the terminal: {[hex(b) for b in high][:10]}"


def test_a_utf8_locale_gets_block_digits(tmp_path: Path) -> None:
    """The control: the same run in a UTF-8 locale writes the block characters the check above looks for."""
    written = _run(tmp_path, "C.UTF-8")
    assert "█".encode() in written


def test_lang_c_picker_gets_no_byte_above_ascii(tmp_path: Path) -> None:
    """The bare command (the picker, and a session started from it) is drawn in ASCII too."""
    (tmp_path / "circuits").mkdir()
    (tmp_path / "circuits" / "quick.toml").write_text(circuit_text("e2e-quick"), encoding="utf-8")
    exe = Path(sys.executable).with_name("circuit-timer")
    env = _env("C") | {"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    term = PyteTerminal([str(exe)], cwd=tmp_path, env=env)
    try:
        term.wait_for(lambda s: "Choose" in s and "quick" in s.lower(), "the picker with the circuit")
        term.keys("Enter")  # the first entry (today's session of the bundled program): any session will do
        term.wait_for(lambda s: "Enter to start" in s, "the overview")
        term.keys("Enter")
        term.wait_for(lambda s: "WORK " in s and "Set 1/" in s, "work")
        term.keys("q")
        term.wait_for(lambda s: "Stop this session?" in s, "the quit question")
        term.keys("y")
        term.wait_for(lambda s: "q to quit" in s, "the summary of what was done")
        term.keys("q")  # the summary's q ends the app, as after `run`
        assert term.exit_code() == 0
    finally:
        term.kill()
    written = bytes(term.process.output)
    assert written.count(b"#") > 100  # the countdown drawn with `#`
    high = sorted({b for b in written if b >= 0x80})
    assert not high, f"bytes above ASCII reached the terminal: {[hex(b) for b in high][:10]}"
