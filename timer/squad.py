"""The squad load sheet (`circuit-timer loads`): one circuit, every athlete's load for every station.

A row per station (and per part of a complex), a column per athlete, each load in that athlete's own
units; a load computed from the circuit's e1RM because the profile lacks the lift is marked `*`. The
same rows give `loads --json`. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from timer import e1rm
from timer.plan import Plan, StationRow
from timer.text import fit_width, printable, text_width

MARK = "*"
LEGEND = f"{MARK} from the circuit's e1RM: the athlete's profile lacks this lift (add it for loads that fit)"
NAME_CELLS = 32
"""A column is at most this wide: a long athlete or exercise name is cut with `…`."""


@dataclass(frozen=True)
class Column:
    """One athlete's plan and the profile file it came from."""

    file: str
    plan: Plan


def sheet_json(circuit_name: str, columns: list[Column]) -> dict[str, Any]:
    """The sheet as `loads --json` prints it (stations and parts numbered from 1; part null for a plain
    station)."""
    return {
        "circuit": circuit_name,
        "athletes": [
            {
                "name": c.plan.athlete,
                "file": c.file,
                "units": c.plan.unit,
                "loads": [
                    {
                        "station": row.station,
                        "part": row.part_no,
                        "exercise": row.exercise,
                        "load": row.load_value,
                        "unit": row.unit,
                        "pct_e1rm": row.pct_e1rm,
                        "bodyweight": row.bodyweight,
                        "e1rm_source": row.e1rm_source,
                    }
                    for row in c.plan.station_rows
                ],
            }
            for c in columns
        ],
    }


def cell(row: StationRow, display_unit: str) -> str:
    """One athlete's load, short: `35 kg · 30%`, `16 kg (35.3 lb)`, `bw + 10 kg`, `bw`, `-`; `*` marks a
    circuit-default e1RM."""
    load, unit = row.load_value, row.unit
    if load is None:
        return "bw" if row.bodyweight else "-"
    text = f"{e1rm.format_weight(load)} {unit}"
    if row.bodyweight:
        text = f"bw + {text}"
    if unit != display_unit:
        text += f" ({e1rm.format_weight(round(e1rm.convert(load, unit, display_unit), 1))} {display_unit})"
    if row.pct_e1rm is not None:
        text += f" · {e1rm.format_weight(row.pct_e1rm)}%"
    return text + (f" {MARK}" if row.default_e1rm else "")


def sheet_table(circuit_name: str, columns: list[Column]) -> list[str]:
    """The sheet as lines of text: a header, a row per station and part, and the legend when needed."""
    first = columns[0].plan
    header = ["#", "exercise"] + [f"{printable(c.plan.athlete or c.file)} ({c.plan.unit})" for c in columns]
    rows: list[list[str]] = []
    shown_complex: set[int] = set()
    names = {p.station: p.station_name for p in first.phases if p.parts_in_set}
    for i, row in enumerate(first.station_rows):
        station = row.station
        if row.part and station not in shown_complex:
            shown_complex.add(station)
            rows.append([str(station), printable(names.get(station) or "Complex")] + [""] * len(columns))
        number = f"{station}.{row.part_no}" if row.part else str(station)
        exercise = ("  " if row.part else "") + printable(row.exercise)
        rows.append([number, exercise] + [cell(c.plan.station_rows[i], c.plan.unit) for c in columns])
    widths = [min(NAME_CELLS, max(text_width(r[k]) for r in [header, *rows])) for k in range(len(header))]
    lines = [f"{printable(circuit_name)}: loads for {len(columns)} athlete{'s' if len(columns) != 1 else ''}"]
    for r in [header, *rows]:
        lines.append("  ".join(fit_width(text, widths[k]) for k, text in enumerate(r)).rstrip())
    if any(row.default_e1rm for c in columns for row in c.plan.station_rows):
        lines.append(LEGEND)
    return lines
