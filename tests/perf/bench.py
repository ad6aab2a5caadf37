"""The benchmark of issue 6: CPU against termdown, timing against the plan, start-up, scale. One table.

    python -m tests.perf.bench                 # about 11 minutes; prints the table
    python -m tests.perf.bench --markdown FILE # also writes the table as Markdown (for the README)
    python -m tests.perf.bench --long          # adds a real 40-minute session (takes 40 more minutes)
    python -m tests.perf.bench --only cpu,timing,startup,scale,guard
    python -m tests.perf.bench --only cpu      # the CPU rows alone (3 windows of 60 s: about 3.5 minutes)
    python -m tests.perf.bench --only logs --logs years,squad,startup,hostile   # big logs (about 8 minutes)

Run from the repository root with the project installed (`pip install ".[test]"`). The CPU row also
needs termdown in the same environment: `pip install ".[perf]"` (termdown) (the bench does not install
anything itself; without termdown that row says so and the exit code is 2). Not collected by pytest.

What each row measures, and how (each job is a module of its own: cpu, timing + sound, startup, scale;
the table and the machine line in table.py, the programs and their terminal in programs.py):
- CPU: the real `circuit-timer run` and `termdown` side by side, each in a 100×30 pseudo-terminal,
  counting down the same duration (at least 3:00, so both show M:SS); after a warm-up, three windows, in
  each of which both process trees are sampled at the same moments from /proc/<pid>/task/*/schedstat (ns),
  cross-checked with /proc/<pid>/stat. The ratio reported is the median of the windows' ratios; also the
  bytes each wrote to its terminal per second and the CPU of the thread reading each terminal (a stand-in
  for the terminal's own work). The app's work set is one long timed set with no get-ready phase.
- Timing: a real 160 s session of 5 s work / 3 s rest runs to its end with a rep log. Each `set`
  record's `t` (session seconds when the app handled the end of the set) is compared with the planned
  end of that work phase from `circuit-timer plan --json`, and `session_end`'s `t` with the plan's
  total. The screen is checked too: when the banner's new title (WORK/REST/...) reached the terminal,
  against the session's start on the wall clock (from the log's `at` stamps). That session plays its cues
  into ALSA's `file` plugin as the cue session does; `--only muted` runs it again muted.
- Cues: a second, 64 s session plays its beeps (no voice) into ALSA's `file` plugin (the set-up of
  tests/alsa_capture), which records each opening of the sound device under its wall-clock start; each
  recording is matched with the cue schedule (`timer.cues`). The recorder's own delay after `play()` is
  measured outside the app and printed beside the figure (not subtracted).
- Start-up: launch to the first output holding the circuit's name (the overview), 5 launches.
- Scale: `check` and `history` as subprocesses (wall time; peak RSS from wait4's rusage).
- Logs (logs.py): `history` of 100 000 sets in 25 000 sessions and of a squad's 20 logs; `run --resume`,
  `run` and `run PROGRAM` to the first frame with a 100 MB default log against an empty one; `history` of a 1 GB
  hostile log (peak memory, lines reported skipped).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tests.perf import inputs
from tests.perf.cpu import WINDOWS, cpu_rows, measure_cpu
from tests.perf.guard import guard_rows
from tests.perf.logs import logs_rows
from tests.perf.programs import app_command, pty_env, termdown_version, tool
from tests.perf.scale import scale_rows
from tests.perf.startup import measure_startup, startup_rows
from tests.perf.table import Row, machine, markdown_table, text_table
from tests.perf.timing import LATE_TARGET_MS, cue_rows, run_session, timing_rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--long", action="store_true", help="also run a real 40-minute session (takes 40 minutes)"
    )
    parser.add_argument(
        "--markdown", metavar="FILE", help="also write the table as Markdown to FILE ('-': print it)"
    )
    parser.add_argument(
        "--only", default="cpu,timing,startup,scale,guard,logs", help="comma-separated sections to run"
    )
    parser.add_argument(
        "--logs",
        default="years,squad,startup,hostile",
        help="rows of the logs section: years, squad, startup, hostile (default all)",
    )
    parser.add_argument(
        "--cpu-window", type=float, default=60.0, help="seconds of each CPU window (default 60)"
    )
    parser.add_argument(
        "--cpu-windows",
        type=int,
        default=WINDOWS,
        help=f"CPU windows, the median is reported (default {WINDOWS})",
    )
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="seconds before sampling starts (default 5)"
    )
    parser.add_argument("--keep", metavar="DIR", help="keep the generated circuits and logs in DIR")
    args = parser.parse_args(argv)
    if args.cpu_windows < 1 or args.cpu_window <= 0:
        parser.error("--cpu-windows must be at least 1 and --cpu-window more than 0 seconds")
    sections = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = sections - {"cpu", "timing", "muted", "startup", "scale", "guard", "logs"}
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")

    def progress(message: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    cmd = app_command()
    info = machine()
    termdown = tool("termdown")
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
                    f"CPU: app and termdown side by side ({args.warmup:g} s warm-up + "
                    f"{args.cpu_windows} × {args.cpu_window:g} s)"
                )
                result = measure_cpu(
                    cmd,
                    termdown,
                    folder,
                    env,
                    warmup=args.warmup,
                    window=args.cpu_window,
                    windows=args.cpu_windows,
                )
                rows += cpu_rows(result)
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
        if "muted" in sections:
            # The timing session plays its cues into ALSA's file plugin, which forks a recorder process at
            # every cue, at the moment of the phase change; muted, the rows show the screen's own latency.
            progress("timing: the same 2:40 session, muted")
            rows += timing_rows(
                run_session(
                    cmd,
                    paths["timing"],
                    inputs.TIMING_NAME,
                    folder / "timing-muted-log.jsonl",
                    env,
                    progress=progress,
                    sound=False,
                ),
                muted=True,
            )
        if "timing" in sections:
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
        if "guard" in sections:
            progress("guard: the TOML guard and `check` on 1 MiB hostile files")
            rows += guard_rows(cmd, folder, env)
        if "logs" in sections:
            demo = next(p for p in _bundled() if p.name == "demo.toml")
            which = {w.strip() for w in args.logs.split(",") if w.strip()}
            rows += logs_rows(cmd, demo, _circuit_name(demo), folder, env, progress, which=which)

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


def _circuit_name(path: Path) -> str:
    import tomllib

    return tomllib.loads(path.read_text(encoding="utf-8"))["name"]


if __name__ == "__main__":
    raise SystemExit(main())
