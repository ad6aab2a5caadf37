"""Play cues through the real backend choice, one after the other; run by tests/core/test_audio.py in a subprocess.

Usage: python play_cues.py '<json>' with {"cues": [[kind, say-or-null], ...], "voices": {phrase: path},
"without": [module, ...]}; the last makes `import simpleaudio` / `import miniaudio` fail (as when that
extra is not installed), so the next backend is chosen.
Prints one JSON line: the player's name and problem, how long each play() call took, and the threads of the
process and its children (native ones included: a sound device runs its own; miniaudio plays from a child
process) after the probe and after the last cue.
Waits for each sound to finish before the next, so each one is its own opening of the ALSA device.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from timer.audio import choose_player
from timer.cues import Cue


def native_threads() -> int | None:
    """Threads of this process and its children as the kernel counts them (an audio library's device threads
    too, in the process that plays miniaudio).

    The fewest seen over SETTLE_S: a sound's native thread ends a moment after the sound reports finished
    (simpleaudio's did, 1 run in 20); a device left open keeps its thread the whole time.
    """
    fewest = None
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline:
        try:
            count = threads_of("self")
        except OSError:
            return None
        fewest = count if fewest is None else min(fewest, count)
        time.sleep(0.005)
    return fewest


SETTLE_S = 0.2


def threads_of(pid: str) -> int:
    tasks = os.listdir(f"/proc/{pid}/task")
    children = [c for t in tasks for c in Path(f"/proc/{pid}/task/{t}/children").read_text().split()]
    return len(tasks) + sum(threads_of(child) for child in children)


def main() -> None:
    spec = json.loads(sys.argv[1])
    for module in spec.get("without", []):
        sys.modules[module] = None  # type: ignore[assignment]  # `import <module>` raises ImportError
    player = choose_player()
    wait_done = getattr(player, "wait_done", None)  # the real backends have it; bell/off do not
    if wait_done is not None:
        wait_done()  # the start-up probe
    threads_before = native_threads()
    player.add_voices({phrase: Path(path) for phrase, path in spec.get("voices", {}).items()})
    calls = []
    for kind, say in spec["cues"]:
        started = time.perf_counter()
        player.play(Cue(kind, 0.0, say=say))
        calls.append(time.perf_counter() - started)
        if wait_done is not None:
            wait_done()
    threads_after = native_threads()
    name, problem = player.name, player.problem  # before close(), which ends the player's worker
    player.close()
    threads = {"after_probe": threads_before, "after_cues": threads_after}
    print(json.dumps({"name": name, "problem": problem, "play_seconds": calls, "threads": threads}))


if __name__ == "__main__":
    main()
