"""`circuit-timer program`: the block at a glance — every session with its status from the log(s), the
next one, and compliance. Plain text or JSON (no Textual).

Compliance is sessions done over sessions due so far. The program has no calendar, so week 1 starts on the
day of the athlete's first logged session of it; a week's sessions are due once that week has begun.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from timer.circuit import load_athlete
from timer.errors import CircuitTimerError
from timer.program.command import log_paths
from timer.program.expand import LoadedProgram, load_program
from timer.program.progress import SessionStatus, program_runs, statuses, with_sets
from timer.text import printable


@dataclass(frozen=True)
class Compliance:
    """Sessions done, and sessions due by `today` counting week 1 from `since`."""

    done: int
    due: int
    since: datetime | None
    week: int | None
    """The week of the program `today` falls in (None before any session)."""

    @property
    def text(self) -> str:
        if self.since is None:
            return "Compliance: no session logged yet"
        pct = f" ({100 * self.done / self.due:.0f}%)" if self.due else ""
        return (
            f"Compliance: {self.done} of {self.due} sessions due so far{pct}; "
            f"week {self.week} since {self.since.astimezone():%a %d %b %Y}"
        )


def compliance(loaded: LoadedProgram, rows: list[SessionStatus], today: datetime) -> Compliance:
    """Done over due; week 1 began with the first logged session of the program."""
    dates = [r.logged.started_at for r in rows if r.logged is not None and r.logged.started_at]
    done = sum(r.status == "done" for r in rows)
    if not dates:
        return Compliance(done, 0, None, None)
    since = min(dates)
    week = max(1, (today - since).days // 7 + 1)
    due = sum(1 for s in loaded.sessions if s.week <= week)
    return Compliance(done, max(due, done), since, min(week, loaded.program.weeks))


def command(args: argparse.Namespace, today: datetime | None = None) -> int:
    """Run `program` with the CLI's parsed flags (file, athlete, log, json); returns the exit code."""
    try:
        loaded = load_program(args.file)
        athlete = load_athlete(args.athlete).name if args.athlete else None
        logs = log_paths(args.log)
        rows = statuses(loaded, program_runs(logs), athlete)
        # The sessions shown as done, read in full: their sets and reps are counted on each row.
        full = {s.id: s for s in with_sets(logs, [r.logged for r in rows if r.status == "done" and r.logged])}
        rows = [replace(r, logged=full.get(r.logged.id, r.logged)) if r.logged else r for r in rows]
    except CircuitTimerError as exc:
        print(exc, file=sys.stderr)
        return 1
    comp = compliance(loaded, rows, today or datetime.now(UTC))
    if args.json:
        print(json.dumps(as_json(loaded, rows, comp), indent=2, ensure_ascii=False))
    else:
        print("\n".join(as_text(loaded, rows, comp, athlete)))
    return 0


def as_json(loaded: LoadedProgram, rows: list[SessionStatus], comp: Compliance) -> dict[str, Any]:
    """`program --json`: every session with its status and date, the next one, and compliance."""
    sessions = [_row_json(r) for r in rows]
    nxt = next((s for s, r in zip(sessions, rows, strict=True) if r.status == "next"), None)
    return {
        "name": loaded.program.name,
        "weeks": loaded.program.weeks,
        "sessions": sessions,
        "next": nxt,
        "compliance": {"done": comp.done, "due": comp.due},
    }


def _row_json(row: SessionStatus) -> dict[str, Any]:
    out = row.session.to_json()
    out["status"] = row.status
    out["date"] = row.date.isoformat() if row.date is not None and row.status in ("done", "aborted") else None
    if row.status == "done" and row.logged is not None:
        result = row.logged.result()
        out.update(sets_done=result.done, sets_planned=result.planned, reps=result.reps, srpe=row.logged.rpe)
    return out


def as_text(
    loaded: LoadedProgram, rows: list[SessionStatus], comp: Compliance, athlete: str | None
) -> list[str]:
    """The block as a table: one heading per phase, one row per session."""
    p = loaded.program
    who = f" (athlete: {printable(athlete)})" if athlete else ""
    lines = [f"{printable(p.name)}: {len(p.phase)} phases, {p.weeks} weeks, {len(rows)} sessions{who}"]
    phase_index = 0
    for row in rows:
        s = row.session
        if s.phase_index != phase_index:
            phase_index = s.phase_index
            phase = p.phase[phase_index - 1]
            first = s.week
            lines.append("")
            lines.append(
                f"Phase {phase_index}: {printable(s.phase)} (weeks {first}–{first + phase.weeks - 1})"
            )
            lines.append(f"  {'week':>4}  {'session':<7}  {'circuit':<28}  status")
        deload = " deload" if s.deload else ""
        circuit = printable(s.circuit)[:28]
        number = f"{s.session_in_week}/{s.sessions_in_week}"
        lines.append(f"  {s.week:>4}  {number:<7}  {circuit:<28}  {_status(row)}{deload}")
    lines.append("")
    lines.append(comp.text)
    nxt = next((r.session for r in rows if r.status == "next"), None)
    if nxt is None:
        lines.append("Next: the block is done")
    else:
        run = f"circuit-timer run {printable(str(loaded.path))}"
        lines.append(f"Next: {nxt.line} ({printable(nxt.circuit)}); run it with: {run}")
    return lines


def _status(row: SessionStatus) -> str:
    logged = row.logged
    if row.status == "done" and logged is not None:
        # Sets done and reps by timer.records' one definition, as the summary and history count them.
        result = logged.result()
        when = f"{logged.started_at.astimezone():%a %d %b}" if logged.started_at else "date unknown"
        rpe = f", sRPE {logged.rpe}" if logged.rpe is not None else ""
        return f"done  {when}, {result.done_text()} sets, {result.reps} reps{rpe}"
    if row.status == "next" and logged is not None:
        return "next  (interrupted: run --resume continues it)"
    if row.status == "aborted" and logged is not None and logged.started_at:
        return f"aborted  {logged.started_at.astimezone():%a %d %b}"
    return row.status
