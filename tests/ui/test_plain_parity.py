"""`--plain` logs exactly like the full UI: one scripted session (the same keys at the same fake-clock times)
through the run screen and through `timer.plain.PlainSession`, and the log records compared.

The UI is driven as it runs for real: the fake clock moves to each wake-up the runner asks for
(`SessionRunner.next_delay`) and the app polls there, and a key is pressed at its time. The line mode's loop
does the same with `ScriptedLines`. Only the wall-clock stamps and the random session ids may differ.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import CIRCUITS
from tests.scripted import START, ScriptedLines
from timer.audio import RecordingPlayer
from timer.clock import FakeClock
from timer.plain import PlainOptions, PlainSession
from timer.plan import load_plan
from timer.replog.recorder import Recorder
from timer.ui.app import make_app
from timer.ui.screens.run import RunScreen

from .uihelp import in_session, press

KEYS = {"": ["space"], "-": ["minus"], "p": ["p"], "n": ["n"], "b": ["b"], "+": ["plus"], "q": ["q", "y"]}
"""A line typed in line mode, as keys on the run screen (a number is its digits, then Enter)."""

# log-screens.toml: prepare 0-5 · Squat 5-35 · rest 35-45 · Squat 45-75 · rest 75-85 · Step-ups 85-115
SCRIPTS = {
    "completed": [
        (6, ""), (7.2, ""), (8, ""), (9, "-"), (12, "p"), (15.9, "p"), (20, ""),
        (41, "12"), (42, "+"), (44, ""), (60, ""), (61.5, ""), (62, "n"), (64, ""),
        (90, ""), (91, "b"), (95, ""),
    ],
    "stopped": [(6, ""), (7, ""), (36, "b"), (50, ""), (51, "p"), (55, "p"), (58.3, "q")],
}  # fmt: skip


def records(path: Path) -> list[dict]:
    """The log's records without what differs between any two runs: the wall clock and the session id."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [{k: v for k, v in row.items() if k not in ("at", "session")} for row in rows]


async def ui_log(circuit: Path, log: Path, script: list[tuple[float, str]]) -> tuple[list[dict], list[str]]:
    clock = FakeClock(START)
    player = RecordingPlayer()
    app = make_app(load_plan(str(circuit)), clock=clock, player=player, log_path=log, circuit_path=circuit)
    async with in_session(app) as pilot:
        screen = app.screen
        assert isinstance(screen, RunScreen)
        runner = screen.runner
        began = clock()
        for t, line in script:
            while clock() + runner.next_delay(began) < START + t:  # the screen's wake-ups until the key
                clock.advance(runner.next_delay(began))
                app.sync()
                began = clock()
            clock.set(START + t)
            app.sync()
            began = clock()
            await press(pilot, *(KEYS.get(line) or [*line, "enter"]))
        while not runner.done:
            clock.advance(runner.next_delay(began))
            app.sync()
            began = clock()
        await pilot.pause()
    return records(log), [cue.kind for cue in player.played]


def plain_log(circuit: Path, log: Path, script: list[tuple[float, str]]) -> tuple[list[dict], list[str]]:
    clock = FakeClock(START)
    player = RecordingPlayer()
    PlainSession(
        load_plan(str(circuit)),
        clock=clock,
        player=player,
        recorder=Recorder(None, log),
        out=io.StringIO(),
        lines=ScriptedLines(clock, script),
        options=PlainOptions(circuit_path=circuit),
    ).run()
    return records(log), [cue.kind for cue in player.played]


@pytest.mark.parametrize("name", list(SCRIPTS))
async def test_plain_logs_exactly_like_the_full_ui(tmp_path: Path, name: str) -> None:
    circuit = tmp_path / "circuit.toml"
    shutil.copy(CIRCUITS / "log-screens.toml", circuit)
    script = SCRIPTS[name]
    on_screen, ui_cues = await ui_log(circuit, tmp_path / "ui.jsonl", script)
    in_lines, plain_cues = plain_log(circuit, tmp_path / "plain.jsonl", script)
    assert in_lines == on_screen
    assert plain_cues == ui_cues  # the same sounds, in the same order
    kinds = {r["type"] for r in on_screen}
    # the script reaches every kind of record a session writes from its keys and its clock
    expected = {"session_start", "rep", "pause", "resume", "set", "back", "session_end"}
    expected |= {"set_update", "extend", "skip"} if name == "completed" else set()
    assert expected <= kinds
    assert on_screen[-1]["status"] == ("completed" if name == "completed" else "aborted")
