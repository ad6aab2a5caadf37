"""miniaudio played from a process of its own, so that no sound code runs in the UI's process.

Why: miniaudio's worker thread and its device callbacks run Python. In the UI's process they take the
interpreter's lock at the moment the screen draws a new phase: a Python loop ran 1.33× slower for the 20 ms
after play() (simpleaudio, which plays from C: 1.07×), and phase changes reached the screen up to 22 ms late.

`ChildPlayer` is the UI's side: each call writes one line on the child's stdin and returns. The child
(`serve`, run as `python -m timer.audio.child`) holds a `MiniaudioPlayer` and answers on its stdout. One JSON
object per line:
- to the child: {"play": [kind, say]}, {"mute": bool}, {"voices": {phrase: path}}, {"wait": n}; the end of
  its input closes it;
- to the UI: {"name", "problem", "detail", "failed"} once the device was probed and again whenever a problem
  is reported; {"done": n} once every sound so far has finished (for tests).

The child is started at once and probes the device while the UI starts; `name` and `problem` wait for its
first answer (up to `START_TIMEOUT_S`), so a missing device is still known by the first frame. When the child
cannot start, does not answer in time, dies, or cannot keep up, the UI's fallback (the bell, or nothing)
plays every cue from then on and `problem` says why.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from timer.audio.basic import BellPlayer, NullPlayer, what_is_left
from timer.audio.mini import MiniaudioPlayer, import_miniaudio
from timer.cues import Cue

if TYPE_CHECKING:
    from timer.audio import Player

START_TIMEOUT_S = 5.0
"""How long `name`/`problem` wait for the child's first answer (PulseAudio's first start took 1.9 s)."""

CLOSE_TIMEOUT_S = 1.0
"""How long `close` waits for the child to end before killing it."""


class ChildPlayer:
    """The UI's side: every method returns at once (`name` and `problem` wait once for the child to start)."""

    def __init__(
        self,
        *,
        fallback: Player | None = None,
        probe: bool = True,
        sounds_dir: Path | None = None,
        voice: bool = True,
        command: list[str] | None = None,
        instead: Callable[[], Player | None] | None = None,
    ) -> None:
        """`command` replaces `python -m timer.audio.child` (tests: a child that dies or never answers).
        `instead` makes the player to use if miniaudio turns out to be installed but unable to load (the
        next one in `choose_player`'s order; the child says so in its first answer)."""
        self._fallback = fallback
        self._instead_factory = instead
        self._instead: Player | None = None
        self._muted = False
        self._closed = False
        self._name = "sound: miniaudio"
        self._problem: str | None = None
        self.problem_detail: str | None = None
        self._failed = False
        self._why: str | None = None
        """Set when this side gave up on the child (the child words its own failures)."""
        self._ready = threading.Event()
        self._lock = threading.Lock()  # add_voices writes from a worker thread
        self._waits: dict[int, threading.Event] = {}
        options = {
            "sounds_dir": str(sounds_dir) if sounds_dir else None,
            "voice": voice,
            "probe": probe,
            "fallback": fallback.name if fallback is not None else None,
            "bell": isinstance(fallback, BellPlayer) and not isinstance(fallback, NullPlayer),
        }
        package_root = str(Path(__file__).resolve().parents[2])  # this copy of `timer`, wherever it lives
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
        }
        try:
            self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
                # -P: not the current folder first on the path, which could hold another `timer`.
                command or [sys.executable, "-P", "-m", "timer.audio.child", json.dumps(options)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # nothing may reach the terminal the UI draws on
                env=env,
            )
        except OSError as error:
            self._process = None
            self._fail("The sound process could not start", str(error))
            return
        assert self._process.stdin is not None and self._process.stdout is not None
        self._stdin = self._process.stdin.fileno()
        os.set_blocking(self._stdin, False)  # a stuck child must never block the UI (see `_send`)
        listener = threading.Thread(
            target=self._listen, args=(self._process.stdout,), name="cue-player-child", daemon=True
        )
        listener.start()

    @property
    def name(self) -> str:
        self._wait_ready()
        if self._instead is not None:
            return self._instead.name
        if self._why is not None:
            return f"{self._fallback.name if self._fallback is not None else 'sound: off'} ({self._why})"
        return self._name

    @property
    def problem(self) -> str | None:
        self._wait_ready()
        return self._problem

    @property
    def muted(self) -> bool:
        return self._muted

    def set_muted(self, muted: bool) -> None:
        self._muted = muted
        if self._fallback is not None:
            self._fallback.set_muted(muted)
        if self._instead is not None:
            self._instead.set_muted(muted)
        self._send({"mute": muted})

    def play(self, cue: Cue) -> None:
        if self._muted:
            return
        if self._instead is not None:
            self._instead.play(cue)
        elif not self._failed:
            self._send({"play": [cue.kind, cue.say]})
        if self._failed and self._fallback is not None:
            self._fallback.play(cue)

    def add_voices(self, voices: Mapping[str, Path]) -> None:
        if self._instead is not None:
            self._instead.add_voices(voices)
        self._send({"voices": {phrase: str(path) for phrase, path in voices.items()}})

    def wait_done(self, timeout: float = 10.0) -> bool:
        """Block until every sound so far has played (tests); False on timeout or with no child."""
        if self._instead is not None:
            return bool(getattr(self._instead, "wait_done", lambda timeout: True)(timeout))
        done = threading.Event()
        with self._lock:
            number = len(self._waits)
            self._waits[number] = done
        if self._failed:  # `_fail` set only the waits it found
            done.set()
        self._send({"wait": number})
        return done.wait(timeout) and not self._failed

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._process is not None:
            try:
                self._process.stdin.close()  # type: ignore[union-attr]  # the child's end of input: it closes
                self._process.wait(CLOSE_TIMEOUT_S)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        if self._instead is not None:
            self._instead.close()
        if self._fallback is not None:
            self._fallback.close()

    # Internals.
    def _use_instead(self, detail: str | None) -> None:
        """miniaudio is installed but cannot load: the next player in `choose_player`'s order takes over."""
        instead = self._instead_factory() if self._instead_factory is not None else None
        if instead is None:
            self._fail("miniaudio could not load", detail or "")
            return
        instead.set_muted(self._muted)
        self._report(f"miniaudio could not load; using {instead.name.removeprefix('sound: ')}.", detail)
        self._instead = instead
        self._ready.set()

    def _wait_ready(self) -> None:
        if not self._ready.wait(START_TIMEOUT_S):
            self._fail("The sound process did not answer", f"no answer in {START_TIMEOUT_S:g} s")

    def _send(self, message: dict[str, Any]) -> None:
        if self._failed or self._closed or self._process is None or self._instead is not None:
            return
        data = (json.dumps(message) + "\n").encode()
        try:
            with self._lock:
                while data:
                    data = data[os.write(self._stdin, data) :]
        except BlockingIOError:
            self._fail("The sound process is not keeping up", "its input pipe is full")
        except OSError as error:  # it died: the listener says so too
            self._fail("The sound process stopped", str(error))

    def _fail(self, what: str, detail: str) -> None:
        if not self._failed:
            self._failed = True
            self._why = "sound process failed"
            self._report(f"{what}; {what_is_left(self._fallback)}.", detail)
        if self._process is not None and self._process.poll() is None:
            self._process.kill()  # a child left running would play what it has, late, over the bell
        self._ready.set()
        with self._lock:
            waits = list(self._waits.values())
        for done in waits:
            done.set()

    def _report(self, problem: str | None, detail: str | None = None) -> None:
        if self._problem is None and problem is not None:  # only the first one, as every player does
            self._problem, self.problem_detail = problem, detail

    def _listen(self, stream: IO[bytes]) -> None:
        for line in stream:
            try:
                message = json.loads(line)
            except ValueError:
                continue  # nothing else writes there; a torn line at exit is not worth a problem
            if "done" in message:
                self._waits.get(message["done"], threading.Event()).set()
                continue
            if message.get("broken") and self._instead_factory is not None:
                self._use_instead(message["detail"])
                continue
            self._name = message["name"]
            self._report(message["problem"], message["detail"])
            if message["failed"]:  # its device failed: it said why; the fallback plays from now on
                self._failed = True
            self._ready.set()
        if not self._closed and self._instead is None:
            self._fail("The sound process stopped", "its output ended")


# The child's side.


class _ReportingPlayer(MiniaudioPlayer):
    """A MiniaudioPlayer that tells the UI each problem as it is reported (from either of its threads)."""

    tell: Callable[[], None] = staticmethod(lambda: None)

    def _report(self, message: str, detail: str | None = None) -> None:
        super()._report(message, detail)
        self.tell()


def serve(options: dict[str, Any], commands: Iterable[str], out: IO[str]) -> None:
    """The child: play what `commands` asks for until its end, telling `out` the player's state."""
    lock = threading.Lock()
    player: MiniaudioPlayer | None = None

    def write(message: dict[str, Any]) -> None:
        with lock:
            out.write(json.dumps(message) + "\n")
            out.flush()

    def tell() -> None:
        if player is not None:
            write(
                {
                    "name": player.name,
                    "problem": player.problem,
                    "detail": player.problem_detail,
                    "failed": player._failed,
                }
            )

    # A stand-in for the UI's fallback, so the player's name and notice say what the UI will do instead.
    name = options["fallback"]
    fallback = (
        None if name is None else BellPlayer(lambda: None, name) if options["bell"] else NullPlayer(name)
    )
    miniaudio, broken = import_miniaudio()
    if miniaudio is None:
        write(
            {
                "name": f"{name or 'sound: off'} (miniaudio could not load)",
                "problem": f"miniaudio could not load; {what_is_left(fallback)}.",
                "detail": broken,
                "failed": True,
                "broken": True,
            }
        )
        return
    sounds_dir = options["sounds_dir"]
    player = _ReportingPlayer(
        miniaudio,
        fallback=fallback,
        probe=options["probe"],
        sounds_dir=Path(sounds_dir) if sounds_dir else None,
        voice=options["voice"],
    )
    player.tell = tell
    tell()
    for line in commands:
        message = json.loads(line)
        if "play" in message:
            kind, say = message["play"]
            player.play(Cue(kind, 0.0, say=say))
        elif "mute" in message:
            player.set_muted(message["mute"])
        elif "voices" in message:
            player.add_voices({phrase: Path(path) for phrase, path in message["voices"].items()})
        elif "wait" in message:
            player.wait_done()
            write({"done": message["wait"]})
    player.close()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole process group: it is the UI's
    serve(json.loads(sys.argv[1]), sys.stdin, sys.stdout)


if __name__ == "__main__":
    main()
