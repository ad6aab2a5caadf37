"""A scripted stdin for `run --plain` with the fake clock: lines typed at given session times, then the end.

`ScriptedLines.wait` moves the `FakeClock` as a real wait would let time pass, so a whole session runs in no
real time; tests/core/test_plain.py and tests/ui/test_plain_parity.py drive `timer.plain.PlainSession` with it.
"""

from __future__ import annotations

from collections.abc import Callable

from timer.clock import FakeClock

START = 1000.0
"""Where the fake clock starts: session time 0 (the session starts at once in line mode)."""
CTRL_C = "^C"
"""A script line that is Ctrl+C: `wait` raises KeyboardInterrupt at its time, as SIGINT would."""
CTRL_Z = "^Z"
"""A script line that is Ctrl+Z: `wait` calls `on_ctrl_z` at its time, as the SIGTSTP handler would."""


class ScriptedLines:
    """`timer.plain.LineSource` for tests: `script` is [(session seconds, line)], in order; a callable in
    place of a line is called at its time (something that happens to the machine meanwhile)."""

    def __init__(
        self,
        clock: FakeClock,
        script: list[tuple[float, str | Callable[[], None]]],
        on_ctrl_z: Callable[[], None] | None = None,
    ) -> None:
        self.clock = clock
        self.on_ctrl_z = on_ctrl_z
        self.script = list(script)
        self.ended = not self.script
        self.waits: list[float | None] = []
        """Every timeout asked for (the loop must never ask to wait for nothing, or forever mid-session)."""

    def wait(self, timeout: float | None) -> list[str]:
        self.waits.append(timeout)
        if self.script:
            due = START + self.script[0][0]
            if timeout is None or due <= self.clock() + timeout:
                self.clock.set(max(self.clock(), due))
                lines = []
                while self.script and START + self.script[0][0] <= self.clock():
                    line = self.script.pop(0)[1]
                    if callable(line):
                        line()
                        continue
                    if line == CTRL_C:
                        raise KeyboardInterrupt
                    if line == CTRL_Z and self.on_ctrl_z is not None:
                        self.on_ctrl_z()
                        continue
                    lines.append(line)
                self.ended = not self.script
                return lines
        if timeout is None:
            self.ended = True
            return []
        self.clock.advance(timeout)
        return []
