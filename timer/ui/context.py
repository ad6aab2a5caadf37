"""What the app factory hands to the screens: the clock, the cue player, the log and the switches."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from timer.audio import Player
from timer.clock import Clock
from timer.palette import ColourMode
from timer.replog import ResumePoint
from timer.replog.recorder import Recorder, RepLog


@dataclass
class RunContext:
    """Shared by every screen of one app; built once by `make_app`."""

    clock: Clock
    player: Player
    log: RepLog | None = None
    """A ready `timer.replog.SessionLog` (or a test double); wins over `log_path`."""
    log_path: Path | None = None
    """Where to open a `SessionLog` when the session starts (checked by the CLI beforehand)."""
    circuit_path: Path | None = None
    metronome: bool = False
    """Start sessions with the metronome on."""
    voice: bool = True
    """Render spoken announcements in the background when a speech tool is installed."""
    flash_s: float = 0.3
    """How long a cue lights up the banner (or the whole screen); 0: no flashes."""
    ascii: bool = False
    """Draw with ASCII only (the locale is not UTF-8): `#` digits, `-` bars."""
    colours: ColourMode = "truecolor"
    """How the phase colours are given: truecolour, 16 named colours, or none (NO_COLOR)."""
    resume: ResumePoint | None = None
    """`run --resume`: the interrupted session to continue (the overview says where)."""
    stop_gap_s: float | None = None
    """Pause a session when the process did not run this long (`timer.session.Stopped`); None: off."""
    recorder: Recorder | None = None
    """The latest session's recorder (set by the run screen): the summary and the
    signal handlers use it to save records the log could not take."""
