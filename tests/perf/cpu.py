"""Steady CPU against termdown: the median of several windows, both programs sampled in every window.

The app (one long work set counting down, muted) and termdown (the same duration) run side by side in
100×30 pseudo-terminals. After a warm-up, `WINDOWS` consecutive windows are measured; in each, both
process trees are sampled at the same moments (the order of the two readings alternates from one sample to
the next, so neither program is always read a little later), giving one app ÷ termdown ratio per window.
The ratio reported is the median of those: a single window of a program idling under 1% of a core moves by
±30% on a shared VM (FIELD-NOTES), and one bad window should not decide the verdict.

Also per window: the bytes each program wrote to its terminal, and the CPU of the bench's thread reading
each terminal — a stand-in for the terminal's own work (a real terminal also parses and draws, so this is a
lower bound).
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.perf import inputs
from tests.perf.programs import COLS, ROWS, RUN_SCREEN_TEXT
from tests.perf.ptyrun import PtyProcess
from tests.perf.table import Row, verdict

CPU_RATIO_TARGET = 0.5
WINDOWS = 3
SLICE_S = 10.0
"""Samples within a window are this far apart (the note shows the spread of the slices' ratios)."""
MIN_COUNTDOWN_S = 180
"""Both programs count at least 3:00, so both show M:SS during the windows, as in a real 2-4 min set."""


@dataclass(frozen=True)
class Sample:
    at: float
    app_cpu: float
    termdown_cpu: float
    app_bytes: int
    termdown_bytes: int
    app_reader: float
    termdown_reader: float


@dataclass(frozen=True)
class Window:
    """One measuring window: both programs over the same seconds."""

    first: Sample
    last: Sample
    slice_ratios: list[float]

    @property
    def seconds(self) -> float:
        return self.last.at - self.first.at

    def pct(self, field: str) -> float:
        """`field`'s CPU seconds over the window as a percentage of one core."""
        return 100 * (getattr(self.last, field) - getattr(self.first, field)) / self.seconds

    def per_second(self, field: str) -> float:
        return (getattr(self.last, field) - getattr(self.first, field)) / self.seconds

    @property
    def ratio(self) -> float:
        termdown = self.pct("termdown_cpu")
        return self.pct("app_cpu") / termdown if termdown > 0 else float("inf")


@dataclass
class CpuResult:
    windows: list[Window]
    app_rss_mb: float
    shown_s: int
    """Length of the countdown both programs show."""

    def median(self, value: str) -> float:
        return statistics.median(
            getattr(w, value) if value == "ratio" else w.pct(value) for w in self.windows
        )


def _sample(app: PtyProcess, clock: PtyProcess, app_first: bool) -> Sample:
    """Both programs' counters now; `app_first` says which is read first (alternated by the caller)."""
    at = time.monotonic()
    if app_first:
        app_cpu, termdown_cpu = app.tree_runtime_seconds(), clock.tree_runtime_seconds()
    else:
        termdown_cpu, app_cpu = clock.tree_runtime_seconds(), app.tree_runtime_seconds()
    return Sample(
        at,
        app_cpu,
        termdown_cpu,
        app.mark(),
        clock.mark(),
        app.reader_cpu_seconds(),
        clock.reader_cpu_seconds(),
    )


def _window(app: PtyProcess, clock: PtyProcess, seconds: float, order: itertools.cycle) -> Window:
    ticks0 = app.tree_cpu_seconds(), clock.tree_cpu_seconds()
    samples = [_sample(app, clock, next(order))]
    end = samples[0].at + seconds
    while samples[-1].at < end - 1e-3:
        time.sleep(min(SLICE_S, max(0.0, end - time.monotonic())))
        samples.append(_sample(app, clock, next(order)))
    for proc in (app, clock):
        if proc.proc.poll() is not None:
            raise RuntimeError(f"{proc.argv[0]} exited during the CPU window: {proc.text()[-400:]!r}")
    ticks1 = app.tree_cpu_seconds(), clock.tree_cpu_seconds()
    first, last = samples[0], samples[-1]
    # Cross-check the nanosecond figures with the tick-based ones (which also count threads that ended).
    for name, precise, ticks in (
        ("app", last.app_cpu - first.app_cpu, ticks1[0] - ticks0[0]),
        ("termdown", last.termdown_cpu - first.termdown_cpu, ticks1[1] - ticks0[1]),
    ):
        if abs(precise - ticks) > 0.03 + 0.05 * ticks:
            print(
                f"warning: {name}: {precise:.3f} CPU-s by schedstat but {ticks:.3f} by /proc stat",
                file=sys.stderr,
            )
    ratios = [
        (b.app_cpu - a.app_cpu) / (b.termdown_cpu - a.termdown_cpu)
        for a, b in itertools.pairwise(samples)
        if b.termdown_cpu > a.termdown_cpu
    ]
    return Window(first, last, ratios)


def measure_cpu(
    cmd: Sequence[str],
    termdown: str,
    folder: Path,
    env: dict[str, str],
    *,
    warmup: float,
    window: float,
    windows: int = WINDOWS,
) -> CpuResult:
    """The app counting a long work set and termdown counting the same duration, over `windows` windows."""
    work_s = max(MIN_COUNTDOWN_S, int(warmup + windows * window + 30))
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
        order = itertools.cycle([True, False])
        measured = [_window(app, clock, window, order) for _ in range(windows)]
        return CpuResult(measured, app.rss_mb(), work_s)
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
    windows = result.windows
    shown = f"{result.shown_s // 60}:{result.shown_s % 60:02d}"
    how = (
        f"median of {len(windows)} windows of {statistics.median(w.seconds for w in windows):.0f} s, "
        f"{COLS}×{ROWS} pty, counting down {shown}"
    )

    def each(values: list[float], fmt: str) -> str:
        return ", ".join(format(v, fmt) for v in values)

    slices = [r for w in windows for r in w.slice_ratios]
    ratio = result.median("ratio")
    app_bps = statistics.median(w.per_second("app_bytes") for w in windows)
    termdown_bps = statistics.median(w.per_second("termdown_bytes") for w in windows)
    return [
        Row(
            "Steady CPU, circuit-timer (work set counting down)",
            f"{result.median('app_cpu'):.2f}% of a core",
            "",
            "info",
            f"{how}; per window {each([w.pct('app_cpu') for w in windows], '.2f')}%; RSS {result.app_rss_mb:.0f} MB",
        ),
        Row(
            "Steady CPU, termdown (same duration, same windows)",
            f"{result.median('termdown_cpu'):.2f}% of a core",
            "",
            "info",
            f"{how}; per window {each([w.pct('termdown_cpu') for w in windows], '.2f')}%",
        ),
        Row(
            "Steady CPU ratio, circuit-timer ÷ termdown",
            f"{ratio:.2f}",
            f"≤ {CPU_RATIO_TARGET:g}",
            verdict(ratio <= CPU_RATIO_TARGET),
            f"median of the {len(windows)} windows' ratios ({each([w.ratio for w in windows], '.2f')}); both "
            f"programs sampled in every window, the order of reading them alternating; per {SLICE_S:g} s slice: "
            + (f"{min(slices):.2f}–{max(slices):.2f}" if slices else "—"),
        ),
        Row(
            "Bytes written to the terminal",
            f"{app_bps:,.0f} B/s (termdown {termdown_bps:,.0f} B/s)",
            "",
            "info",
            f"{how}; what each program wrote to its pty, per second",
        ),
        Row(
            "The terminal's own CPU for that output (pty reader as a stand-in)",
            f"{result.median('app_reader'):.3f}% of a core (termdown's: {result.median('termdown_reader'):.3f}%)",
            "",
            "info",
            f"{how}; the bench's thread reading each pty (read() only: a real terminal also parses and "
            "draws, so this is a lower bound)",
        ),
    ]
