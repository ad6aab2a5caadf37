"""A whole session through the real app: its log, its screen and its cues against the plan."""

from __future__ import annotations

import contextlib
import itertools
import json
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tests.perf.programs import COLS, ROWS, SUMMARY_TEXT
from tests.perf.ptyrun import PtyProcess
from tests.perf.sound import capture_latency, match_cues, planned_cues, recordings, sound_capture
from tests.perf.table import Row, verdict

LATE_TARGET_MS = 20.0


@dataclass
class TimingResult:
    name: str
    planned_total_s: float
    set_late_ms: list[float]
    """Per `set` record: its `t` minus the planned end of that work phase, in ms."""
    sets_planned: int
    end_late_ms: float | None
    """`session_end`'s `t` minus the plan's total, in ms (None: no end record)."""
    screen_late_ms: list[float]
    """Per phase change whose banner title changes: when the new title reached the terminal, minus plan."""
    screen_changes_planned: int
    screen_reference: str
    log_problem: str = ""
    cue_late_ms: list[float] | None = None
    """Per planned cue heard: when the device was opened (ALSA recording) minus plan; None: not recorded."""
    cues_planned: int = 0
    cue_extra: int = 0
    """Recordings during the session that match no planned cue."""
    cue_problem: str = ""
    capture_player: str = ""
    capture_ms: list[float] | None = None
    """The recording's own delay: play() to the recording's start, measured outside the app."""


def plan_json(cmd: Sequence[str], circuit: Path) -> dict:
    done = subprocess.run([*cmd, "plan", "--json", str(circuit)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def read_records(log: Path) -> list[dict]:
    if not log.exists():
        return []
    records = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records


def _wall(at: str) -> float:
    return datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()


def phase_titles() -> dict[str, str]:
    """The banner's title per phase kind, from the UI itself so a renamed title cannot fool the bench."""
    try:
        from timer.ui.widgets.banner import PHASE_TITLES

        return dict(PHASE_TITLES)
    except ImportError:
        return {"prepare": "GET READY", "work": "WORK", "rest": "REST", "round_rest": "ROUND REST"}


def run_session(
    cmd: Sequence[str],
    circuit: Path,
    name: str,
    log: Path,
    env: dict[str, str],
    *,
    progress: Callable[[str], None],
    sound: bool = True,
) -> TimingResult:
    """Run a whole session through the real app with a log; compare log, screen and cues with the plan.

    With `sound`, the app plays its cues (beeps, no voice) into ALSA's file plugin, which records when each
    one started; otherwise it runs muted.
    """
    plan = plan_json(cmd, circuit)
    total = float(plan["total_s"])
    phases = plan["phases"]
    capture = sound_capture(log.parent) if sound else "the session ran muted"
    flags = ["--no-voice"] if isinstance(capture, tuple) else ["--mute", "--no-voice"]
    run_env = {**env, **capture[0]} if isinstance(capture, tuple) else env
    app = PtyProcess(
        [*cmd, "run", str(circuit), *flags, "--log", str(log)], cols=COLS, rows=ROWS, env=run_env
    )
    try:
        app.wait_for(name, 20)
        time.sleep(0.5)
        mark = app.mark()
        enter_wall = time.time()
        app.send("\r")
        progress(f"session of {total / 60:.1f} min running")
        app.wait_for(SUMMARY_TEXT, total + 60, start=mark)
        time.sleep(0.5)
        app.send("q")
        with contextlib.suppress(subprocess.TimeoutExpired):
            app.proc.wait(10)
    finally:
        app.stop()

    records = read_records(log)
    work_end = {
        (p["round"], p["station"], p["set"], p["part"]): p["start_s"] + p["duration_s"]
        for p in phases
        if p["kind"] == "work"
    }
    set_late = [
        1000 * (r["t"] - work_end[(r["round"], r["station"], r["set"], r.get("part"))])
        for r in records
        if r.get("type") == "set" and (r["round"], r["station"], r["set"], r.get("part")) in work_end
    ]
    end_late = next((1000 * (r["t"] - total) for r in records if r.get("type") == "session_end"), None)
    problem = ""
    if not records:
        problem = f"the app wrote no rep log at {log} (is --log wired up in timer/cli.py?)"
    elif len(set_late) < len(work_end):
        problem = f"{len(set_late)} of {len(work_end)} sets in the log"

    # The screen: the wall-clock moment the session started, from the log's own stamps when there are any.
    stamped = [r for r in records if isinstance(r.get("at"), str) and isinstance(r.get("t"), (int, float))]
    if stamped:
        # `at` is truncated to the ms and taken a hair after `t`: the smallest offset is the earliest
        # possible start, which can only make the screen look later than it was (never earlier).
        start_wall = min(_wall(r["at"]) - r["t"] for r in stamped)
        reference = "session start from the log's wall-clock stamps"
    else:
        start_wall = enter_wall
        reference = "session start taken as the moment Enter was sent (no log)"
    titles = phase_titles()
    screen_late, changes = [], 0
    pos = mark
    for before, phase in itertools.pairwise(phases):
        old, new = titles.get(before["kind"], ""), titles.get(phase["kind"], "")
        if not new or old == new:
            continue  # the banner does not change title: not visible this way
        changes += 1
        seen = app.find(new, pos)
        if seen is None:
            break
        screen_late.append(1000 * (seen.wall - (start_wall + phase["start_s"])))
        pos = seen.end
    result = TimingResult(
        name, total, set_late, len(work_end), end_late, screen_late, changes, reference, problem
    )
    if isinstance(capture, tuple):
        calibration = capture_latency(run_env, capture[1])
        if isinstance(calibration, tuple) and calibration[1]:
            result.capture_player = calibration[0]
            result.capture_ms = calibration[1]
        planned = planned_cues(circuit)
        heard = recordings(capture[1])
        if heard:
            result.cue_late_ms, result.cue_extra = match_cues(planned, heard, start_wall)
        else:
            result.cue_problem = "nothing was recorded (no sound backend in this environment?)"
        result.cues_planned = len(planned)
    else:
        result.cue_problem = capture
    return result


def _late_text(values: list[float]) -> str:
    return f"max {max(values):.1f} ms, median {statistics.median(values):.1f} ms"


def _what(result: TimingResult) -> str:
    minutes, seconds = divmod(round(result.planned_total_s), 60)
    return f"{minutes}:{seconds:02d} session"


def cue_rows(result: TimingResult) -> list[Row]:
    """The cues of a session run with sound into the ALSA recorder."""
    target = f"≤ {LATE_TARGET_MS:g} ms"
    what = _what(result)
    if not result.cue_late_ms:
        return [Row(f"Cues vs plan, {what}", "not measured", target, "n/a", result.cue_problem)]
    complete = len(result.cue_late_ms) == result.cues_planned
    ok = complete and max(result.cue_late_ms) <= LATE_TARGET_MS and min(result.cue_late_ms) >= -LATE_TARGET_MS
    note = (
        f"{len(result.cue_late_ms)}/{result.cues_planned} beeps heard, {result.cue_extra} unplanned; "
        "when ALSA opened the device (one recording per cue, named by the wall clock) − planned time"
    )
    if result.capture_ms:
        note += (
            f"; the recording itself adds {statistics.median(result.capture_ms):.1f} ms median "
            f"({min(result.capture_ms):.1f}–{max(result.capture_ms):.1f}) after play() "
            f"({result.capture_player}, measured outside the app): figures are not corrected for it"
        )
    return [Row(f"Cues vs plan, {what}", _late_text(result.cue_late_ms), target, verdict(ok), note)]


def timing_rows(result: TimingResult | None, why_not: str = "", *, muted: bool = False) -> list[Row]:
    """The log's and the screen's timing rows; `muted`: the session ran without sound (rows say so)."""
    target = f"≤ {LATE_TARGET_MS:g} ms"
    if result is None:
        return [Row("Phase changes", "not measured", target, "n/a", why_not)]
    what = _what(result) + (", muted" if muted else "")
    rows = []
    if result.set_late_ms:
        ok = max(result.set_late_ms) <= LATE_TARGET_MS and min(result.set_late_ms) >= -LATE_TARGET_MS
        rows.append(
            Row(
                f"Set ends in the log vs plan, {what}",
                _late_text(result.set_late_ms),
                target,
                verdict(ok),
                f"{len(result.set_late_ms)}/{result.sets_planned} sets; "
                "`t` of each `set` record − planned end"
                + (f"; {result.log_problem}" if result.log_problem else ""),
            )
        )
    else:
        rows.append(
            Row(f"Set ends in the log vs plan, {what}", "not measured", target, "n/a", result.log_problem)
        )
    if result.screen_late_ms:
        complete = len(result.screen_late_ms) == result.screen_changes_planned
        ok = (
            complete
            and max(result.screen_late_ms) <= LATE_TARGET_MS
            and min(result.screen_late_ms) >= -LATE_TARGET_MS
        )
        rows.append(
            Row(
                f"Phase changes on screen vs plan, {what}",
                _late_text(result.screen_late_ms),
                target,
                verdict(ok),
                f"{len(result.screen_late_ms)}/{result.screen_changes_planned} "
                "banner changes read from the pty; " + result.screen_reference,
            )
        )
    if result.end_late_ms is not None:
        rows.append(
            Row(
                f"Session end vs plan, {what}",
                f"{result.end_late_ms:+.1f} ms",
                target,
                verdict(abs(result.end_late_ms) <= LATE_TARGET_MS),
                f"`session_end` t − planned total {result.planned_total_s:g} s",
            )
        )
    else:
        rows.append(
            Row(
                f"Session end vs plan, {what}",
                "not measured",
                target,
                "n/a",
                result.log_problem or "no session_end record",
            )
        )
    return rows
