"""The benchmark's table: one `Row` per measure, the machine it ran on, printed as text or Markdown."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from datetime import datetime


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
