"""miniaudio played from a child process: the child's side of the protocol, the UI's side, and every way the
child can fail (it cannot start, never answers, dies, or the UI dies first).

The child's loop (`serve`) runs here on a thread with the stand-in miniaudio of test_audio_miniaudio, so
what it opens and plays is checked exactly; the UI's side runs against small child scripts that record
what they were sent or fail on purpose, and against the real child. Real playback through the child is
recorded by ALSA in test_audio.py (its miniaudio cases go through `choose_player`, hence this process).
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
from typing import Any

import pytest

from tests.alsa_capture.support import REPO
from tests.core.test_audio_miniaudio import fake_miniaudio, play_out, tone
from tests.needs import need_module
from timer.audio import BellPlayer, ChildPlayer, RecordingPlayer, child
from timer.audio.child import serve
from timer.cues import Cue
from timer.sounds import wav_bytes

HELLO = {"name": "sound: miniaudio", "problem": None, "detail": None, "failed": False}
BELL_OPTIONS = {"sounds_dir": None, "voice": True, "probe": False, "fallback": "sound: bell", "bell": True}


class Lines:
    """The child's stdout as the test reads it: one parsed message per line."""

    def __init__(self) -> None:
        self.messages: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()

    def write(self, text: str) -> None:
        for line in text.splitlines():
            self.messages.put(json.loads(line))

    def flush(self) -> None:
        pass

    def next(self) -> dict[str, Any]:
        return self.messages.get(timeout=10)


def start_serving(options: dict[str, Any]) -> tuple[queue.SimpleQueue[str | None], Lines, threading.Thread]:
    """`serve` on a thread: (where to put command lines, None to end its input; what it writes; the thread)."""
    commands: queue.SimpleQueue[str | None] = queue.SimpleQueue()
    out = Lines()
    thread = threading.Thread(target=serve, args=(options, iter(commands.get, None), out), daemon=True)
    thread.start()
    return commands, out, thread


def send(commands: queue.SimpleQueue[str | None], *messages: dict[str, Any]) -> None:
    for message in messages:
        commands.put(json.dumps(message))


def wait_for_devices(module: Any, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(module.devices) < count and time.monotonic() < deadline:
        time.sleep(0.005)  # the child's worker thread opens devices: a real thread, polled with a deadline
    assert len(module.devices) == count


# ------------------------------------------------------------------------------------ the child's side


def test_the_child_plays_mutes_speaks_and_answers_waits(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ma = fake_miniaudio()
    monkeypatch.setitem(sys.modules, "miniaudio", ma)
    commands, out, thread = start_serving(BELL_OPTIONS)
    assert out.next() == HELLO
    send(commands, {"play": ["go", None]})
    wait_for_devices(ma, 1)
    assert play_out(ma, 0)[: len(tone("go"))] == tone("go")
    send(commands, {"wait": 3})
    assert out.next() == {"done": 3}  # once the device of every sound so far is closed
    assert ma.devices[0].closed
    send(commands, {"mute": True}, {"play": ["count", None]}, {"mute": False})
    phrase = b"\x10\x00" * 500
    (tmp_path / "round.wav").write_bytes(wav_bytes(phrase))
    send(
        commands,
        {"voices": {"Round 2 of 3": str(tmp_path / "round.wav")}},
        {"play": ["announce", "Round 2 of 3"]},
    )
    wait_for_devices(ma, 2)  # the muted count opened nothing; the announcement did
    assert play_out(ma, 1)[: len(phrase)] == phrase
    commands.put(None)  # the end of its input: the child closes its player and returns
    thread.join(timeout=10)
    assert not thread.is_alive() and all(d.closed for d in ma.devices)


def test_without_a_device_the_child_says_what_the_ui_will_do_instead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "miniaudio", fake_miniaudio(device=False))
    commands, out, thread = start_serving({**BELL_OPTIONS, "probe": True})
    assert out.next() == {
        "name": "sound: bell (no audio device)",
        "problem": "No audio device found; cues are visual plus the terminal bell.",
        "detail": "('failed to init device', -401)",
        "failed": True,
    }
    commands.put(None)
    thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_miniaudio_that_cannot_load_is_one_answer_and_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "miniaudio", None)
    _commands, out, thread = start_serving({**BELL_OPTIONS, "fallback": None, "bell": False})
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert out.next() == {
        "name": "sound: off (miniaudio could not load)",
        "problem": "miniaudio could not load; cues are visual only.",
        "detail": None,
        "failed": True,
        "broken": True,  # the UI then uses the next player in choose_player's order
    }


# ------------------------------------------------------------------------------------- the UI's side


def child_script(tmp_path: Path, body: str) -> list[str]:
    """A stand-in child: `body` runs after `import json, sys, time` with HELLO defined."""
    script = tmp_path / "child.py"
    script.write_text(f"import json, sys, time\nHELLO = {json.dumps(json.dumps(HELLO))}\n{body}")
    return [sys.executable, str(script)]


RECORDING_CHILD = """
print(HELLO, flush=True)
with open(sys.argv[1], "a") as seen:
    for line in sys.stdin:
        seen.write(line)
        seen.flush()
        message = json.loads(line)
        if "wait" in message:
            print(json.dumps({"done": message["wait"]}), flush=True)
"""


def ringing() -> tuple[BellPlayer, list[str]]:
    rings: list[str] = []
    return BellPlayer(lambda: rings.append("ding")), rings


def test_every_call_is_one_line_to_the_child_and_nothing_while_muted(tmp_path: Path) -> None:
    seen = tmp_path / "seen.jsonl"
    bell, rings = ringing()
    player = ChildPlayer(fallback=bell, command=[*child_script(tmp_path, RECORDING_CHILD), str(seen)])
    assert (player.name, player.problem) == ("sound: miniaudio", None)
    player.play(Cue("go", 0.0))
    player.set_muted(True)
    player.play(Cue("count", 1.0))  # muted: not even sent
    player.set_muted(False)
    player.add_voices({"Halfway": tmp_path / "halfway.wav"})
    player.play(Cue("halfway", 2.0, say="Halfway"))
    assert player.wait_done(timeout=10)
    player.close()
    assert [json.loads(line) for line in seen.read_text().splitlines()] == [
        {"play": ["go", None]},
        {"mute": True},
        {"mute": False},
        {"voices": {"Halfway": str(tmp_path / "halfway.wav")}},
        {"play": ["halfway", "Halfway"]},
        {"wait": 0},
    ]
    assert rings == []  # the child plays; the bell is only for when it cannot


def test_a_child_that_dies_hands_every_later_cue_to_the_bell(tmp_path: Path) -> None:
    bell, rings = ringing()
    dying = "print(HELLO, flush=True)\nsys.stdin.readline()\n"  # ends after its first cue
    player = ChildPlayer(fallback=bell, command=child_script(tmp_path, dying))
    assert player.name == "sound: miniaudio"
    player.play(Cue("go", 0.0))
    assert player.wait_done(timeout=10) is False  # it is gone: no answer, and no hang
    assert player.problem == "The sound process stopped; cues are visual plus the terminal bell."
    assert player.name == "sound: bell (sound process failed)"
    player.play(Cue("count", 1.0))
    player.play(Cue("final", 2.0))
    assert rings == ["ding", "ding"]
    player.close()


def test_a_child_that_never_answers_is_killed_and_the_bell_plays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(child, "START_TIMEOUT_S", 0.2)
    bell, rings = ringing()
    player = ChildPlayer(fallback=bell, command=child_script(tmp_path, "time.sleep(60)\n"))
    assert player.name == "sound: bell (sound process failed)"
    assert player.problem == "The sound process did not answer; cues are visual plus the terminal bell."
    assert player._process is not None
    assert player._process.wait(timeout=10) == -signal.SIGKILL  # killed at once, not left behind
    player.play(Cue("go", 0.0))
    assert rings == ["ding"]
    player.close()


def test_a_miniaudio_that_cannot_load_hands_over_to_the_next_player(tmp_path: Path) -> None:
    """Installed but broken (a wheel for another machine): as before the child, a system player plays."""
    broken = {**HELLO, "name": "sound: bell (miniaudio could not load)", "failed": True, "broken": True}
    broken["detail"] = "cannot open shared object file"
    script = f"print({json.dumps(json.dumps(broken))}, flush=True)\n"
    bell, rings = ringing()
    aplay = RecordingPlayer(name="sound: aplay")
    player = ChildPlayer(fallback=bell, command=child_script(tmp_path, script), instead=lambda: aplay)
    assert player.name == "sound: aplay"
    assert player.problem == "miniaudio could not load; using aplay."
    assert player.problem_detail == "cannot open shared object file"
    player.set_muted(True)
    player.play(Cue("count", 0.0))
    player.set_muted(False)
    player.play(Cue("go", 1.0))
    assert player.wait_done(timeout=10)
    player.close()
    assert [cue.kind for cue in aplay.played] == ["go"] and aplay.closed
    assert rings == []  # the child ending after its answer is not a failure: the bell stays quiet


def test_a_child_that_cannot_start_is_said_once_and_the_bell_plays(tmp_path: Path) -> None:
    bell, rings = ringing()
    player = ChildPlayer(fallback=bell, command=[str(tmp_path / "no-such-python")])
    assert player.name == "sound: bell (sound process failed)"
    assert player.problem == "The sound process could not start; cues are visual plus the terminal bell."
    player.play(Cue("go", 0.0))
    assert rings == ["ding"]
    player.close()


# ----------------------------------------------------------------------------------- the real child


def test_the_real_child_ignores_ctrl_c_and_ends_with_its_input() -> None:
    """Ctrl+C in a terminal signals the whole process group; the UI decides what it means, not the child."""
    need_module("miniaudio", "audio")
    player = ChildPlayer(probe=False)
    assert player.problem is None or player.problem.startswith("No audio device")
    assert player._process is not None
    player._process.send_signal(signal.SIGINT)
    assert player.wait_done(timeout=10) is True  # still there, still answering
    player.close()
    assert player._process.returncode == 0


def test_the_ui_process_never_imports_miniaudio() -> None:
    """It costs ~90 ms of start-up and its threads would share the UI's lock; the child imports it."""
    need_module("miniaudio", "audio")
    code = (
        "import sys\n"
        "sys.modules['simpleaudio'] = None\n"
        "from timer.audio import choose_player\n"
        "player = choose_player(probe=False)\n"
        "print(type(player).__name__, 'miniaudio' in sys.modules)\n"
        "player.close()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["ChildPlayer", "False"], done.stderr


def test_the_child_ends_when_the_ui_is_killed(tmp_path: Path) -> None:
    """No orphan keeps a sound device (or a process) after the UI dies without closing: its input ends."""
    need_module("miniaudio", "audio")
    code = (
        "import os, signal, sys\n"
        "from timer.audio import ChildPlayer\n"
        "player = ChildPlayer(probe=False)\n"
        "player.name\n"  # the child has started and answered
        "print(player._process.pid, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGKILL
    pid = int(done.stdout)
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.01)  # a real process ending: polled with a deadline
    assert not alive(pid)


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for its reaper counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        return os.path.exists(f"/proc/{pid}")
