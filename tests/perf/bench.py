"""The benchmark of issue 6: CPU against termdown, timing against the plan, start-up, scale. One table.

    python -m tests.perf.bench                 # about 8 minutes; prints the table
    python -m tests.perf.bench --markdown FILE # also writes the table as Markdown (for the README)
    python -m tests.perf.bench --long          # adds a real 40-minute session (takes 40 more minutes)
    python -m tests.perf.bench --only cpu,timing,startup,scale

Run from the repository root with the project installed (`pip install ".[test]"`). The CPU row also
needs termdown in the same environment: `pip install ".[perf]"` (termdown) (the bench does not install
anything itself; without termdown that row says so and the exit code is 2). Not collected by pytest.

What each row measures, and how:
- CPU: the real `circuit-timer run` and `termdown` side by side, each in a 100×30 pseudo-terminal,
  counting down the same duration (3:00, so both show M:SS); after a warm-up, both process trees are
  sampled over the same window from /proc/<pid>/task/*/schedstat (ns), cross-checked with
  /proc/<pid>/stat. The app's work set is one long timed set with no get-ready phase. CPU use of a
  program idling at well under 1% of a core is noisy on a shared VM: compare the two in the same run.
- Timing: a real 160 s session of 5 s work / 3 s rest runs to its end with a rep log. Each `set`
  record's `t` (session seconds when the app handled the end of the set) is compared with the planned
  end of that work phase from `circuit-timer plan --json`, and `session_end`'s `t` with the plan's
  total. The screen is checked too: when the banner's new title (WORK/REST/...) reached the terminal,
  against the session's start on the wall clock (from the log's `at` stamps). That session runs muted.
- Cues: a second, 64 s session plays its beeps (no voice) into ALSA's `file` plugin (the set-up of
  tests/alsa_capture), which records each opening of the sound device under its wall-clock start; each
  recording is matched with the cue schedule (`timer.cues`). The recorder's own delay after `play()` is
  measured outside the app and printed beside the figure (not subtracted).
- Start-up: launch to the first output holding the circuit's name (the overview), 5 launches.
- Scale: `check` and `history` as subprocesses (wall time; peak RSS from wait4's rusage).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tests.perf import inputs
from tests.perf.ptyrun import PtyProcess

COLS, ROWS = 100, 30
CPU_RATIO_TARGET = 0.5
LATE_TARGET_MS = 20.0
STARTUP_TARGET_S = 1.0
CHECK_TARGET_S = 0.5
SCALE_CHECK_TARGET_S = 2.0
HISTORY_TARGET_S = 3.0
HISTORY_TARGET_MB = 200.0
HISTORY_SETS = 100_000
RUN_SCREEN_TEXT = "metronome"
"""Text only the run screen shows (its status line): the session has started."""
SUMMARY_TEXT = "Summary"
"""Text the summary screen shows once a session has ended."""


@dataclass
class Row:
    """One line of the table."""

    measure: str
    figure: str
    target: str
    verdict: str
    """PASS, FAIL, info (no target), or n/a (not measured; the note says why)."""
    note: str = ""


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# ---------------------------------------------------------------- the machine and the programs


def machine() -> dict[str, str]:
    model = "?"
    try:
        with open("/proc/cpuinfo") as handle:
            model = next(
                (line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "?"
            )
    except OSError:
        pass
    try:
        from importlib.metadata import version

        textual_version = version("textual")
    except Exception:  # the table is still worth printing without it
        textual_version = "?"
    return {
        "cores": str(os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "textual": textual_version,
        "kernel": platform.release(),
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    }


def _tool(name: str) -> str | None:
    """An executable installed next to this Python (the venv), else on PATH."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return str(beside)
    return shutil.which(name)


def app_command() -> list[str]:
    """`circuit-timer` of this environment (the console script), else `python -m timer`."""
    script = _tool("circuit-timer")
    return [script] if script else [sys.executable, "-m", "timer"]


def termdown_version(termdown: str) -> str:
    try:
        out = subprocess.run([termdown, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return out.strip().split()[-1] if out.strip() else "?"


def pty_env(home: Path) -> dict[str, str]:
    """The same environment for every program in a terminal: xterm, UTF-8, and a scratch data folder.

    TEXTUAL_* settings of the caller's shell (FPS, devtools, ...) are dropped so they cannot skew the figures.
    """
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL") and k not in ("COLUMNS", "LINES")
    }
    env.update(
        TERM="xterm-256color",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        XDG_DATA_HOME=str(home / "data"),
        CIRCUIT_TIMER_LOG=str(home / "default-log.jsonl"),  # never the user's real log, even without --log
    )
    return env


# ---------------------------------------------------------------- CPU


@dataclass
class CpuResult:
    window_s: float
    app_pct: float
    termdown_pct: float
    slice_ratios: list[float]
    """app ÷ termdown in each SLICE_S slice of the window (shows how steady the figure is)."""
    app_bytes_per_s: float
    termdown_bytes_per_s: float
    app_rss_mb: float
    shown_s: int
    """Length of the countdown both programs show."""


SLICE_S = 10.0
MIN_COUNTDOWN_S = 180
"""Both programs count at least 3:00, so both show M:SS during the window, as in a real 2-4 min set."""


def measure_cpu(
    cmd: Sequence[str], termdown: str, folder: Path, env: dict[str, str], *, warmup: float, window: float
) -> CpuResult:
    """The app counting a long work set and termdown counting the same duration, sampled over one window."""
    work_s = max(MIN_COUNTDOWN_S, int(warmup + window + 30))
    circuit = folder / "bench-cpu.toml"
    circuit.write_text(inputs.cpu_circuit(work_s), encoding="utf-8")
    app = PtyProcess(
        [*cmd, "run", str(circuit), "--mute", "--no-voice", "--log", str(folder / "cpu-log.jsonl")],
        cols=COLS,
        rows=ROWS,
        env=env,
    )
    clock: PtyProcess | None = None
    try:
        app.wait_for(inputs.CPU_NAME, 20)
        time.sleep(0.5)  # let the overview settle before the key
        mark = app.mark()
        app.send("\r")
        clock = PtyProcess([termdown, str(work_s)], cols=COLS, rows=ROWS, env=env)
        app.wait_for(RUN_SCREEN_TEXT, 20, start=mark)
        clock.wait_for(b"\x1b", 20)  # termdown has drawn
        time.sleep(warmup)

        def sample() -> tuple[float, float, float, int, int]:
            return (
                time.monotonic(),
                app.tree_runtime_seconds(),
                clock.tree_runtime_seconds(),
                app.mark(),
                clock.mark(),
            )

        ticks0 = app.tree_cpu_seconds(), clock.tree_cpu_seconds()

        samples = [sample()]
        end = samples[0][0] + window
        while samples[-1][0] < end - 1e-3:
            time.sleep(min(SLICE_S, end - time.monotonic()))
            samples.append(sample())
        for proc in (app, clock):
            if proc.proc.poll() is not None:
                raise RuntimeError(f"{proc.argv[0]} exited during the CPU window: {proc.text()[-400:]!r}")
        ticks1 = app.tree_cpu_seconds(), clock.tree_cpu_seconds()
        (m0, a0, c0, ab0, cb0), (m1, a1, c1, ab1, cb1) = samples[0], samples[-1]
        # Cross-check the nanosecond figures with the tick-based ones (which also count threads that ended).
        for name, precise, ticks in (
            ("app", a1 - a0, ticks1[0] - ticks0[0]),
            ("termdown", c1 - c0, ticks1[1] - ticks0[1]),
        ):
            if abs(precise - ticks) > 0.03 + 0.05 * ticks:
                print(
                    f"warning: {name}: {precise:.3f} CPU-s by schedstat but {ticks:.3f} by /proc stat",
                    file=sys.stderr,
                )
        span = m1 - m0
        ratios = [
            (a2 - a1_) / (c2 - c1_)
            for (_, a1_, c1_, _, _), (_, a2, c2, _, _) in itertools.pairwise(samples)
            if c2 > c1_
        ]
        return CpuResult(
            window_s=span,
            app_pct=100 * (a1 - a0) / span,
            termdown_pct=100 * (c1 - c0) / span,
            slice_ratios=ratios,
            app_bytes_per_s=(ab1 - ab0) / span,
            termdown_bytes_per_s=(cb1 - cb0) / span,
            app_rss_mb=app.rss_mb(),
            shown_s=work_s,
        )
    finally:
        app.stop()
        if clock is not None:
            clock.stop()


def cpu_rows(result: CpuResult | None, why_not: str = "") -> list[Row]:
    if result is None:
        return [
            Row(
                "Steady CPU while a work set counts down, app ÷ termdown",
                "not measured",
                f"≤ {CPU_RATIO_TARGET:g}",
                "n/a",
                why_not,
            )
        ]
    ratio = result.app_pct / result.termdown_pct if result.termdown_pct > 0 else float("inf")
    shown = f"{result.shown_s // 60}:{result.shown_s % 60:02d}"
    window = f"{result.window_s:.0f} s window, {COLS}×{ROWS} pty, counting down {shown}"
    return [
        Row(
            "Steady CPU, circuit-timer (work set counting down)",
            f"{result.app_pct:.2f}% of a core",
            "",
            "info",
            f"{window}; {result.app_bytes_per_s / 1024:.1f} KiB/s to the terminal; "
            f"RSS {result.app_rss_mb:.0f} MB",
        ),
        Row(
            "Steady CPU, termdown (same duration, same window)",
            f"{result.termdown_pct:.2f}% of a core",
            "",
            "info",
            f"{window}; {result.termdown_bytes_per_s / 1024:.1f} KiB/s to the terminal",
        ),
        Row(
            "Steady CPU ratio, circuit-timer ÷ termdown",
            f"{ratio:.2f}",
            f"≤ {CPU_RATIO_TARGET:g}",
            verdict(ratio <= CPU_RATIO_TARGET),
            f"same window for both; per {SLICE_S:g} s slice: "
            + (
                f"{min(result.slice_ratios):.2f}–{max(result.slice_ratios):.2f}"
                if result.slice_ratios
                else "—"
            ),
        ),
    ]


# ---------------------------------------------------------------- timing


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


CAPTURE_DIR = Path(__file__).resolve().parent.parent / "alsa_capture"
"""The ALSA recording set-up of the playback tests (capture.conf + record.sh), reused here."""
ALSA_CONF = Path("/usr/share/alsa/alsa.conf")


def sound_capture(folder: Path) -> tuple[dict[str, str], Path] | str:
    """(extra environment, folder of recordings) so every opening of the sound device is recorded, or why not.

    ALSA's `file` plugin pipes each opening of the default device to record.sh, which names the recording by
    the wall-clock time it started: that is when a cue began to play.
    """
    if not ALSA_CONF.exists():
        return f"ALSA is not installed here ({ALSA_CONF} missing)"
    if not (CAPTURE_DIR / "capture.conf").exists() or not (CAPTURE_DIR / "record.sh").exists():
        return f"{CAPTURE_DIR} (capture.conf, record.sh) is missing"
    recorder = folder / "record.sh"
    shutil.copy(CAPTURE_DIR / "record.sh", recorder)
    recorder.chmod(0o755)
    conf = folder / "capture.conf"
    conf.write_text((CAPTURE_DIR / "capture.conf").read_text().replace("@RECORD_SH@", str(recorder)))
    out = folder / "recorded"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    return {"ALSA_CONFIG_PATH": f"{ALSA_CONF}:{conf}", "CUE_CAPTURE_DIR": str(out)}, out


_CALIBRATE = """
import json, sys, time
import timer.ui.app  # the app's modules and Textual: as big as the app (fork time grows with size)
from timer.audio import choose_player
from timer.cues import Cue
player = choose_player(voice=False)
getattr(player, "wait_done", lambda: None)()
time.sleep(0.3)
calls = []
for _ in range(int(sys.argv[1])):
    time.sleep(0.4)
    calls.append(time.time())
    player.play(Cue("count", 0.0))
    getattr(player, "wait_done", lambda: None)()
player.close()
print(json.dumps({"name": player.name, "calls": calls}))
"""


def capture_latency(env: dict[str, str], out: Path, n: int = 20) -> tuple[str, list[float]] | str:
    """(player, ms from play() to the recording's start, per play) measured outside the app; or why not."""
    before = set(out.glob("cue-*.raw"))
    done = subprocess.run(
        [sys.executable, "-c", _CALIBRATE, str(n)], env=env, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        return f"calibration failed: {done.stderr.strip()[-300:]}"
    report = json.loads(done.stdout.strip().splitlines()[-1])
    new = sorted(p for p in out.glob("cue-*.raw") if p not in before)
    heard = sorted(float(p.name[4:].rsplit("-", 1)[0]) for p in new)
    delays = []
    for call in report["calls"]:
        after = [h for h in heard if call - 0.01 <= h <= call + 0.3]
        if after:
            delays.append(1000 * (after[0] - call))
    for p in new:
        p.unlink()
    return report["name"], delays


def planned_cues(circuit: Path) -> list[tuple[float, str]]:
    """(session time, kind) of every cue that makes a sound with --no-voice in an uninterrupted run."""
    from timer.circuit import load_circuit
    from timer.cues import phase_cues
    from timer.plan import build_plan

    plan = build_plan(load_circuit(circuit))
    cues = []
    for i, phase in enumerate(plan.phases):
        following = plan.phases[i + 1] if i + 1 < len(plan.phases) else None
        for cue in phase_cues(phase, phase.duration_s, following, plan, metronome=False):
            if cue.kind != "announce":  # spoken only: silent with --no-voice
                cues.append((phase.start_s + cue.at, cue.kind))
    return sorted(cues)


def recordings(out: Path) -> list[float]:
    """Wall-clock start of every complete recording (`cue-<s>.<ns>-<pid>.raw`), in order."""
    times = []
    for path in out.glob("cue-*.raw"):
        try:
            times.append(float(path.name[4:].rsplit("-", 1)[0]))
        except ValueError:
            continue
    return sorted(times)


def match_cues(
    planned: list[tuple[float, str]], heard: list[float], start_wall: float
) -> tuple[list[float], int]:
    """Lateness (ms) of each planned cue's recording, matched in order; and how many recordings match none."""
    late, used = [], set()
    j = 0
    for t, _kind in planned:
        due = start_wall + t
        while j < len(heard) and heard[j] < due - 0.25:
            j += 1
        if j < len(heard) and heard[j] <= due + 0.4:
            late.append(1000 * (heard[j] - due))
            used.add(j)
            j += 1
    extra = sum(1 for k, w in enumerate(heard) if k not in used and w >= start_wall - 0.05)
    return late, extra


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


def timing_rows(result: TimingResult | None, why_not: str = "") -> list[Row]:
    target = f"≤ {LATE_TARGET_MS:g} ms"
    if result is None:
        return [Row("Phase changes", "not measured", target, "n/a", why_not)]
    what = _what(result)
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


# ---------------------------------------------------------------- start-up


def measure_startup(
    cmd: Sequence[str], circuit: Path, name: str, env: dict[str, str], runs: int = 5
) -> list[tuple[float, float]]:
    """(seconds to the first output holding `name`, CPU seconds by then) for `runs` launches."""
    results = []
    for _ in range(runs):
        app = PtyProcess([*cmd, "run", str(circuit), "--mute", "--no-voice"], cols=COLS, rows=ROWS, env=env)
        try:
            seen = app.wait_for(name, 20)
            results.append((seen.monotonic - app.started, app.tree_cpu_seconds()))
        finally:
            app.stop()
        time.sleep(0.3)
    return results


def startup_rows(results: list[tuple[float, float]]) -> list[Row]:
    seconds = [r[0] for r in results]
    cpu = statistics.median(r[1] for r in results)
    return [
        Row(
            "Start-up: launch → first frame of the overview",
            f"worst {max(seconds):.2f} s, median {statistics.median(seconds):.2f} s",
            f"< {STARTUP_TARGET_S:g} s",
            verdict(max(seconds) < STARTUP_TARGET_S),
            f"{len(seconds)} launches of `run` on the bundled demo; about {cpu:.2f} CPU-s by then",
        )
    ]


# ---------------------------------------------------------------- scale


def timed(argv: Sequence[str], env: dict[str, str]) -> tuple[float, int, float, str]:
    """Run to the end: (wall seconds, exit code, peak RSS MB of that child, output)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        child = subprocess.Popen(list(argv), stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the max over all children
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return seconds, child.returncode, usage.ru_maxrss / 1024, text


def best_of(n: int, argv: Sequence[str], env: dict[str, str]) -> tuple[float, int, float, str]:
    runs = [timed(argv, env) for _ in range(n)]
    best = min(runs, key=lambda r: r[0])
    return best[0], best[1], max(r[2] for r in runs), best[3]


def scale_rows(
    cmd: Sequence[str],
    paths: dict[str, Path],
    folder: Path,
    env: dict[str, str],
    progress: Callable[[str], None],
) -> list[Row]:
    from timer.resources import bundled_circuits

    rows = []
    bundled = [str(p) for p in bundled_circuits()]
    seconds, code, _, text = best_of(5, [*cmd, "check", *bundled], env)
    rows.append(
        Row(
            f"`check` of the {len(bundled)} bundled circuits",
            f"{seconds:.2f} s",
            f"< {CHECK_TARGET_S:g} s",
            verdict(seconds < CHECK_TARGET_S and code == 0),
            f"best of 5, one process for all files; exit {code}",
        )
    )

    def refused(label: str, path: Path) -> Row:
        """A file over a limit: `check` must say so in one line, quickly, without a traceback."""
        seconds, code, _, text = best_of(5, [*cmd, "check", str(path)], env)
        message = text.strip().splitlines()[-1] if text.strip() else ""
        clear = code == 1 and bool(message) and "Traceback" not in text
        return Row(
            label,
            f"{seconds:.2f} s",
            f"< {SCALE_CHECK_TARGET_S:g} s, refused clearly",
            verdict(seconds < SCALE_CHECK_TARGET_S and clear),
            f"best of 5; exit {code}: “{message.split(': ', 1)[-1]}”",
        )

    rows.append(
        refused("`check` of a 500-station circuit (over the limit of 100 stations)", paths["too_big"])
    )
    stations, rounds, most_sets = inputs.limits()
    rows.append(
        refused(
            f"`check` of {stations} stations × 20 sets × {rounds} rounds ({stations * 20 * rounds:,} sets)",
            paths["ceiling"],
        )
    )
    seconds, code, peak, text = best_of(5, [*cmd, "check", str(paths["largest"])], env)
    stations, rounds = inputs.largest_valid_shape()
    size = _size(paths["largest"]) if code == 0 else None
    rows.append(
        Row(
            f"`check` of the largest valid circuit ({stations} stations × {rounds} rounds)",
            f"{seconds:.2f} s",
            f"< {SCALE_CHECK_TARGET_S:g} s",
            verdict(seconds < SCALE_CHECK_TARGET_S and code == 0),
            f"best of 5; exit {code}; peak {peak:.0f} MB; "
            + (f"{size[0]:,} timed sets, {size[1]:,} phases" if size else text.strip()[-200:])
            + (f" (the limit is {most_sets:,} timed sets per session)" if most_sets else ""),
        )
    )

    progress(f"writing a log of {HISTORY_SETS:,} sets")
    from tests.perf.make_log import generate

    log = folder / "history-100k.jsonl"
    generate(log, sets=HISTORY_SETS)
    size_mb = log.stat().st_size / 1e6
    runs = [timed([*cmd, "history", "--log", str(log)], env) for _ in range(3)]
    codes = {r[1] for r in runs}
    seconds = statistics.median(r[0] for r in runs)
    peak = max(r[2] for r in runs)
    rows.append(
        Row(
            f"`history` of {HISTORY_SETS:,} logged sets: time",
            f"{seconds:.2f} s",
            f"< {HISTORY_TARGET_S:g} s",
            verdict(seconds < HISTORY_TARGET_S and codes == {0}),
            f"median of 3; {size_mb:.0f} MB log, 10 000 sessions (tests/perf/make_log.py); "
            f"exit {sorted(codes)}",
        )
    )
    rows.append(
        Row(
            f"`history` of {HISTORY_SETS:,} logged sets: peak memory",
            f"{peak:.0f} MB",
            f"< {HISTORY_TARGET_MB:g} MB",
            verdict(peak < HISTORY_TARGET_MB),
            "max RSS of the process (wait4 rusage), worst of 3",
        )
    )
    return rows


# ---------------------------------------------------------------- the table


def text_table(rows: list[Row], info: dict[str, str]) -> str:
    headers = ("Measure", "Figure", "Target", "Verdict")
    cells = [(r.measure, r.figure, r.target or "—", r.verdict) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    out = [_machine_line(info), "", "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)).rstrip() for cell in cells]
    notes = [f"  [{i}] {r.note}" for i, r in enumerate(rows, 1) if r.note]
    if notes:
        out += ["", "Notes (by row):", *notes]
    return "\n".join(out)


def markdown_table(rows: list[Row], info: dict[str, str]) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|")

    out = [
        f"Measured on: {_machine_line(info)}",
        "",
        "| Measure | Figure | Target | Verdict | How |",
        "|---|---|---|---|---|",
    ]
    out += [
        f"| {esc(r.measure)} | {esc(r.figure)} | {esc(r.target or '—')} | **{r.verdict}** | {esc(r.note)} |"
        for r in rows
    ]
    out += ["", "Produced by `python -m tests.perf.bench --markdown FILE` (see tests/perf/bench.py)."]
    return "\n".join(out)


def _machine_line(info: dict[str, str]) -> str:
    parts = [
        f"{info['cores']} cores, {info['cpu']}",
        f"Linux {info['kernel']}",
        f"Python {info['python']}",
        f"Textual {info['textual']}",
    ]
    if info.get("termdown"):
        parts.append(f"termdown {info['termdown']}")
    parts.append(info["date"])
    return " · ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--long", action="store_true", help="also run a real 40-minute session (takes 40 minutes)"
    )
    parser.add_argument(
        "--markdown", metavar="FILE", help="also write the table as Markdown to FILE ('-': print it)"
    )
    parser.add_argument("--only", default="cpu,timing,startup,scale", help="comma-separated sections to run")
    parser.add_argument("--cpu-window", type=float, default=60.0, help="seconds of CPU sampling (default 60)")
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="seconds before sampling starts (default 5)"
    )
    parser.add_argument("--keep", metavar="DIR", help="keep the generated circuits and logs in DIR")
    args = parser.parse_args(argv)
    sections = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = sections - {"cpu", "timing", "startup", "scale"}
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")

    def progress(message: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    cmd = app_command()
    info = machine()
    termdown = _tool("termdown")
    if termdown:
        info["termdown"] = termdown_version(termdown)
    rows: list[Row] = []
    missing_tool = False
    with tempfile.TemporaryDirectory(prefix="circuit-timer-bench-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        paths = inputs.write_all(folder)
        env = pty_env(folder)
        if "cpu" in sections:
            if termdown is None:
                missing_tool = True
                why = f"termdown is not installed: {sys.executable} -m pip install termdown"
                progress(why)
                rows += cpu_rows(None, why)
            else:
                progress(
                    f"CPU: app and termdown side by side ({args.warmup:g} s warm-up + {args.cpu_window:g} s)"
                )
                rows += cpu_rows(
                    measure_cpu(cmd, termdown, folder, env, warmup=args.warmup, window=args.cpu_window)
                )
        if "timing" in sections:
            progress("timing: a 2:40 session of 5 s work / 3 s rest")
            rows += timing_rows(
                run_session(
                    cmd,
                    paths["timing"],
                    inputs.TIMING_NAME,
                    folder / "timing-log.jsonl",
                    env,
                    progress=progress,
                )
            )
            progress("cues: a 1:04 session with sound, recorded by ALSA's file plugin")
            rows += cue_rows(
                run_session(
                    cmd,
                    paths["cues"],
                    inputs.CUE_NAME,
                    folder / "cues-log.jsonl",
                    env,
                    progress=progress,
                    sound=True,
                )
            )
            if args.long:
                progress("timing: the 40-minute session (this takes 40 minutes)")
                rows += timing_rows(
                    run_session(
                        cmd,
                        paths["long"],
                        inputs.LONG_NAME,
                        folder / "long-log.jsonl",
                        env,
                        progress=progress,
                    )
                )
            else:
                rows.append(
                    Row(
                        "Session end vs plan, 40:00 session",
                        "not run",
                        f"≤ {LATE_TARGET_MS:g} ms",
                        "n/a",
                        "run with --long (takes 40 minutes). Drift cannot accumulate by design: every "
                        "time is derived from one monotonic clock reading, never from counted ticks",
                    )
                )
        if "startup" in sections:
            progress("start-up: 5 launches")
            demo = next(p for p in _bundled() if p.name == "demo.toml")
            rows += startup_rows(measure_startup(cmd, demo, _circuit_name(demo), env))
        if "scale" in sections:
            progress("scale: check and history")
            rows += scale_rows(cmd, paths, folder, env, progress)

    table = text_table(rows, info)
    print(table)
    if args.markdown:
        md = markdown_table(rows, info)
        if args.markdown == "-":
            print()
            print(md)
        else:
            Path(args.markdown).write_text(md + "\n", encoding="utf-8")
            progress(f"Markdown written to {args.markdown}")
    if missing_tool:
        return 2
    return 1 if any(r.verdict == "FAIL" for r in rows) else 0


def _bundled() -> list[Path]:
    from timer.resources import bundled_circuits

    return list(bundled_circuits())


def _size(path: Path) -> tuple[int, int]:
    """(work phases, phases) of a circuit's timeline."""
    from timer.circuit import load_circuit
    from timer.plan import build_plan

    plan = build_plan(load_circuit(path))
    return sum(p.is_work for p in plan.phases), len(plan.phases)


def _circuit_name(path: Path) -> str:
    import tomllib

    return tomllib.loads(path.read_text(encoding="utf-8"))["name"]


if __name__ == "__main__":
    raise SystemExit(main())
