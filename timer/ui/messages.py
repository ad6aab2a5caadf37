"""Messages screens post to the app, which owns the moves between screens."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from timer.plan import Plan
from timer.replog.resume import Resume
from timer.tally import Tally


@dataclass
class CircuitChosen(Message):
    """The picker chose a circuit: show its overview."""

    plan: Plan
    path: Path


@dataclass
class StartSession(Message):
    """Enter on the overview: start the live session (or continue an interrupted one)."""

    plan: Plan
    path: Path | None
    resume: Resume | None = None


@dataclass
class SessionDone(Message):
    """The session finished (or was stopped): show the summary."""

    tally: Tally


@dataclass
class OpenHistory(Message):
    """`h` on the picker: show the history of every circuit in the log."""
