"""Run sessions in real time the way the run screen does, minus Textual; run by tests/e2e/test_cue_timing.py.

Usage: python run_session.py '<json>' with
    {"sessions": [{"circuit": {...circuit file as JSON...}, "metronome": bool, "skip_silence": float|null}],
     "without": [module, ...]}
("without": the audio libraries to hide so the player under test is chosen, as in play_cues.py.)

The loop is the run screen's poll (timer/runner.py): read `Session.state(now)`, play every `CueDue`
through the player `choose_player` picked (simpleaudio or miniaudio), then sleep `min(wake_in, MAX_WAKE_S) +
WAKE_SLACK_S` and poll again. Nothing is faked while a cue is coming: the sleep, the engine and the device
opening are all real.

`skip_silence` (seconds, optional): to fit a 60 s set (its "halfway") and a 13 s rest (its "rest10") into a
few seconds, the session's clock jumps forward over stretches where no cue is due, stopping that many
seconds before the next cue; the last `skip_silence` seconds before every cue run in real time, so the
measured lateness is real. The jumps never cross a cue (the schedule is read from `timer.cues`).

Prints one JSON object: the player's name and problem, the wall-clock time of the probe, and for every cue
handed out: its kind, planned session time, how late play() was called (session time, which is real time
within the last stretch before it), the wall-clock time of the call and how long the call took.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from timer.audio import choose_player
from timer.circuit import Circuit
from timer.cues import phase_cues
from timer.plan import Plan, build_plan
from timer.session import CueDue, Session

# The run screen's polling (timer/runner.py; tests/e2e/test_cue_timing.py checks they stay equal).
MAX_WAKE_S = 1.0
WAKE_SLACK_S = 0.0001


def planned_times(plan: Plan, metronome: bool) -> list[float]:
    """Session times of every cue of an uninterrupted run, from the schedule."""
    times: list[float] = []
    for phase in plan.phases:
        following = plan.phases[phase.index + 1] if phase.index + 1 < len(plan.phases) else None
        cues = phase_cues(phase, phase.duration_s, following, plan, metronome=metronome)
        times += [phase.start_s + cue.at for cue in cues]
    return sorted(times)


def run(player: Any, plan: Plan, metronome: bool, skip_silence: float | None) -> dict[str, Any]:
    schedule = planned_times(plan, metronome)
    offset = 0.0  # how far the session's clock has been moved ahead of the real one

    def clock() -> float:
        return time.monotonic() + offset

    session = Session(plan, metronome=metronome)
    real_start = time.monotonic()
    start = clock()
    session.start(start)
    plays: list[dict[str, Any]] = []
    while True:
        state = session.state(clock())
        for event in state.events:
            if isinstance(event, CueDue):
                wall, before = time.time(), time.monotonic()
                player.play(event.cue)
                took = time.monotonic() - before
                t = before + offset - start
                plays.append(
                    {
                        "kind": event.cue.kind,
                        "planned_t": event.planned_t,
                        "late_s": t - event.planned_t,
                        "wall": wall,
                        "call_s": took,
                    }
                )
        if state.status == "finished":
            break
        if skip_silence is not None:
            t = clock() - start
            upcoming = next((p for p in schedule if p > t + 1e-6), None)
            if upcoming is not None and upcoming - t > skip_silence:
                offset += upcoming - t - skip_silence
                continue  # poll at once at the new time, as the screen would on waking
        time.sleep(min(state.wake_in, MAX_WAKE_S) + WAKE_SLACK_S)
    return {"plays": plays, "real_s": time.monotonic() - real_start, "session_s": clock() - start}


def main() -> None:
    spec = json.loads(sys.argv[1])
    for module in spec.get("without", []):
        sys.modules[module] = None  # type: ignore[assignment]  # `import <module>` raises ImportError
    probe_wall = time.time()
    player = choose_player(voice=False)  # spoken phrases have their own recorded test (test_audio)
    wait_done = getattr(player, "wait_done", None)  # the real backends have it
    if wait_done is not None:
        wait_done()  # the start-up probe
    runs = []
    for item in spec["sessions"]:
        plan = build_plan(Circuit.model_validate(item["circuit"]))
        runs.append(run(player, plan, bool(item.get("metronome")), item.get("skip_silence")))
        if wait_done is not None:
            # Let the final tone end before the next session's first cue: two openings a few milliseconds
            # apart could start their recorders in either order.
            wait_done()
    player.close()
    report = {"name": player.name, "problem": player.problem, "probe_wall": probe_wall, "runs": runs}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
