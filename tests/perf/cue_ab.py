"""Two builds of the app, the bench's 1:04 cue session with sound, in alternation (A B, B A, ...): are the cue
and screen figures of one build different from the other's, or is it the machine?

    python -m tests.perf.cue_ab /old/venv/bin/circuit-timer /new/venv/bin/circuit-timer [ROUNDS]

Prints, per session, the cues' lateness (when ALSA opened the device − plan, as the bench's cue row) and the
phase changes' on screen (as the bench's screen row), max and median in ms.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from tests.perf import inputs
from tests.perf.programs import pty_env
from tests.perf.timing import run_session


def main(argv: list[str]) -> None:
    builds = {"A": [argv[0]], "B": [argv[1]]}
    rounds = int(argv[2]) if len(argv) > 2 else 3
    for i in range(rounds):
        for name in ("A", "B") if i % 2 == 0 else ("B", "A"):
            with tempfile.TemporaryDirectory() as scratch:
                folder = Path(scratch)
                paths = inputs.write_all(folder)
                result = run_session(
                    builds[name],
                    paths["cues"],
                    inputs.CUE_NAME,
                    folder / "cues-log.jsonl",
                    pty_env(folder),
                    progress=lambda _: None,
                    sound=True,
                )
            cues, screen = result.cue_late_ms or [0.0], result.screen_late_ms or [0.0]
            print(
                f"{name} {builds[name][0]}: cues max {max(cues):.1f} ms, median {statistics.median(cues):.1f} "
                f"({len(result.cue_late_ms or [])} heard); screen max {max(screen):.1f} ms, "
                f"median {statistics.median(screen):.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
