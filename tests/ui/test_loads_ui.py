"""The athlete sees where a load comes from: a load from the circuit's e1RM is marked on the run screen,
and the log's `set` record says so too."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import circuit_text
from timer.audio import RecordingPlayer
from timer.clock import FakeClock
from timer.plan import load_plan
from timer.ui.app import make_app
from timer.ui.widgets.bigdigits import BigText

from .uihelp import at, screen_text, started

CIRCUIT = circuit_text("loads")


async def test_the_run_screen_and_the_log_mark_a_load_from_the_circuits_e1rm(
    write_toml, clock: FakeClock, tmp_path: Path
) -> None:
    profile = write_toml('name = "Ann"\nunits = "lb"\n[e1rm]\nlunge = 90\n', "ann.toml")
    plan = load_plan(str(write_toml(CIRCUIT)), str(profile))
    log = tmp_path / "log.jsonl"
    app = make_app(plan, clock=clock, player=RecordingPlayer(), voice=False, log_path=log)
    async with started(app) as pilot:
        await pilot.press("enter")
        await at(pilot, clock, 6)
        # the load in large letters, its percentage and where the e1RM came from on the detail line
        assert app.screen.query_one("#load", BigText).text == "65 lb"
        assert "30% e1RM (circuit's e1RM)" in screen_text(app)
        await at(pilot, clock, 30)  # into the swing: the bell as written, pounds in brackets
        assert app.screen.query_one("#load", BigText).text == "16 kg (35.3 lb)"
        await at(pilot, clock, 20)
    sets = [json.loads(line) for line in log.read_text().splitlines() if '"type": "set"' in line]
    assert [(s["load"], s["unit"], s["pct_e1rm"], s["e1rm_source"]) for s in sets] == [
        (65.0, "lb", 30.0, "circuit"),
        (16.0, "kg", None, None),
    ]
