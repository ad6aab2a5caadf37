"""`circuit-timer run FILE --plain` as a real process with pipes: what a serial console or a script sees.

A real process takes real seconds, so the circuits here are 2-3 s long (or stopped early by a signal).
`TERM=dumb` and no terminal at all: the line mode is never refused for either.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

SHORT = """\
name = "Plain quick"
prepare = "0s"
[[station]]
exercise = "Wall sit — Kniebeuge"
load = "bodyweight"
work = "2s"
"""
LONG = SHORT.replace('work = "2s"', 'work = "30s"')


def start(tmp_path: Path, circuit_text: str, *, lang: str = "C.UTF-8") -> subprocess.Popen[bytes]:
    circuit = tmp_path / "circuit.toml"
    circuit.write_text(circuit_text, encoding="utf-8")
    exe = Path(sys.executable).with_name("circuit-timer")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONUTF8", "TERM"))}
    env |= {"TERM": "dumb", "LANG": lang, "XDG_DATA_HOME": str(tmp_path)}
    argv = [
        str(exe),
        "run",
        str(circuit),
        "--plain",
        "--log",
        str(tmp_path / "log.jsonl"),
        "--mute",
        "--no-voice",
    ]
    return subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=env
    )


def records(tmp_path: Path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "log.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("lang", ["C.UTF-8", "C"])
def test_taps_through_a_pipe_then_the_end_of_input_and_the_session_runs_on(tmp_path: Path, lang: str) -> None:
    process = start(tmp_path, SHORT, lang=lang)
    out, err = process.communicate(b"\n\n\n-\n", timeout=30)  # 3 taps, 1 undone; then the pipe ends
    assert process.returncode == 0, err.decode()
    text = out.decode("utf-8")
    assert b"\x1b" not in out + err  # no escape codes, ever
    assert "WORK 0:02" in text and "reps 3" in text and "reps 2" in text and "DONE" in text
    assert "(input ended: the session runs on; Ctrl+C stops it)" in text
    if lang == "C":  # the terminal's locale is ASCII (Python itself switched to UTF-8: PEP 538)
        assert out.isascii(), sorted({hex(b) for b in out if b >= 0x80})
        assert "Wall sit - Kniebeuge" in text
    else:
        assert "Wall sit — Kniebeuge" in text
    [done] = [r for r in records(tmp_path) if r["type"] == "set"]
    assert (done["reps"], done["ended_by"]) == (2, "time")
    assert records(tmp_path)[-1]["status"] == "completed"


class Lines:
    """The process's stdout, line by line, read by a thread (a wait never blocks the test past its deadline)."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.got: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert process.stdout is not None
        stream = process.stdout
        threading.Thread(target=lambda: [self.got.put(line.decode()) for line in stream], daemon=True).start()

    def wait_for(self, text: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.seen):
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} never came; saw {self.seen}"
            try:
                self.seen.append(self.got.get(timeout=left))
            except queue.Empty:
                continue


@pytest.mark.parametrize(
    ("signum", "code", "said"), [(signal.SIGINT, 130, "Ctrl+C"), (signal.SIGTERM, 143, "SIGTERM")]
)
def test_ctrl_c_or_sigterm_stops_the_session_with_its_summary_and_log(
    tmp_path: Path, signum: int, code: int, said: str
) -> None:
    process = start(tmp_path, LONG)
    lines = Lines(process)
    try:
        lines.wait_for("WORK 0:30")
        assert process.stdin is not None
        process.stdin.write(b"\n\n")
        process.stdin.flush()
        lines.wait_for("reps 2")
        process.send_signal(signum)
        assert process.wait(timeout=20) == code
        lines.wait_for("Log written to")
    finally:
        process.kill()
    assert any(f"STOPPED ({said}): the set under way is logged as cut short" in line for line in lines.seen)
    [cut] = [r for r in records(tmp_path) if r["type"] == "set"]
    assert (cut["reps"], cut["ended_by"]) == (2, "abort")
    assert records(tmp_path)[-1]["status"] == "aborted"
    assert not list(tmp_path.glob(".log.jsonl.*.lock"))  # the session's lock went with its end record


def _state(pid: int) -> str:
    """The process's state letter from /proc (T: stopped)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process state from /proc")
def test_ctrl_z_pauses_stops_the_process_and_it_stays_paused_after_sigcont(tmp_path: Path) -> None:
    process = start(tmp_path, LONG)
    lines = Lines(process)
    try:
        lines.wait_for("WORK 0:30")
        process.send_signal(signal.SIGTSTP)
        lines.wait_for("PAUSED: suspended (fg brings it back; p goes on)")
        deadline = time.monotonic() + 10
        while _state(process.pid) != "T":
            assert time.monotonic() < deadline, "the process did not stop"
            time.sleep(0.05)
        process.send_signal(signal.SIGCONT)
        lines.wait_for("back: still paused; p goes on")
        assert process.stdin is not None
        process.stdin.write(b"p\nq\n")
        process.stdin.close()
        assert process.wait(timeout=20) == 0
    finally:
        process.kill()
    types = [(r["type"], r.get("reason")) for r in records(tmp_path)]
    assert types[1:3] == [("pause", None), ("resume", None)]  # the athlete's pause, not a stopped clock
    assert records(tmp_path)[-1]["status"] == "aborted"


def test_a_reader_that_leaves_stops_the_session_logged_as_aborted(tmp_path: Path) -> None:
    """`circuit-timer run FILE --plain | head`: once nobody reads, the session ends honestly, no traceback."""
    process = start(tmp_path, LONG)
    assert process.stdout is not None and process.stderr is not None
    while b"WORK 0:30" not in process.stdout.readline():
        pass
    process.stdout.close()  # the reader leaves; the next line written fails
    assert process.wait(timeout=30) == 1
    assert b"Traceback" not in process.stderr.read()
    assert records(tmp_path)[-1]["status"] == "aborted"
