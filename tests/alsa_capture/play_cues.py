"""Play cues through the real backend choice, one after the other; run by tests/core/test_audio.py in a subprocess.

Usage: python play_cues.py '<json>' with {"cues": [[kind, say-or-null], ...], "voices": {phrase: path},
"without": [module, ...]}; the last makes `import simpleaudio` / `import miniaudio` fail (as when that
extra is not installed), so the next backend is chosen.
Prints one JSON line: the player's name and problem, and how long each play() call took.
Waits for each sound to finish before the next, so each one is its own opening of the ALSA device.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from timer.audio import choose_player
from timer.cues import Cue


def main() -> None:
    spec = json.loads(sys.argv[1])
    for module in spec.get("without", []):
        sys.modules[module] = None  # type: ignore[assignment]  # `import <module>` raises ImportError
    player = choose_player()
    wait_done = getattr(player, "wait_done", None)  # the real backends have it; bell/off do not
    if wait_done is not None:
        wait_done()  # the start-up probe
    player.add_voices({phrase: Path(path) for phrase, path in spec.get("voices", {}).items()})
    calls = []
    for kind, say in spec["cues"]:
        started = time.perf_counter()
        player.play(Cue(kind, 0.0, say=say))
        calls.append(time.perf_counter() - started)
        if wait_done is not None:
            wait_done()
    name, problem = player.name, player.problem  # before close(), which ends the player's worker
    player.close()
    print(json.dumps({"name": name, "problem": problem, "play_seconds": calls}))


if __name__ == "__main__":
    main()
