"""`circuit-timer run FILE --plain`: a session as lines of text, for a serial console, screen reader, pipe.

One line per event: each phase (its word from `timer.runner.PHASE_WORDS`, the exercise, load, set and
round), the countdown every 10 s and in the last 3 s, each cue as words, the reps, and the summary at the
end. Commands are Enter-terminated lines read from stdin. It drives the same `SessionRunner`, `Recorder` and
`SessionLog` as the run screen, poll for poll, so it logs exactly what the full UI logs. No Textual here.

- `session.py`: `PlainSession`, the loop, the commands and every line it prints (clock and input injected,
  so tests drive a whole session with `FakeClock` and scripted lines: tests/core/test_plain.py);
- `console.py`: the real thing: stdin read with `select`, the signals, `run_plain` for the CLI.
"""

from __future__ import annotations

from timer.plain.console import FdLines, run_plain
from timer.plain.session import COMMANDS, Interrupted, LineSource, OutputGone, PlainOptions, PlainSession

__all__ = [
    "COMMANDS",
    "FdLines",
    "Interrupted",
    "LineSource",
    "OutputGone",
    "PlainOptions",
    "PlainSession",
    "run_plain",
]
