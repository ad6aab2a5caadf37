"""Players that need no audio device: the terminal bell, nothing at all, and a recorder for tests.

Also the words the real backends use once their device failed and one of these plays instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from timer.cues import Cue

if TYPE_CHECKING:
    from timer.audio import Player


class BellPlayer:
    """The terminal bell (the UI's `app.bell`) for every cue that has a tone; the last resort with sound."""

    def __init__(self, bell: Callable[[], None], name: str = "sound: bell") -> None:
        self._bell = bell
        self._name = name
        self._muted = False
        self._problem: str | None = None

    @property
    def name(self) -> str:
        return self._name

    @property
    def problem(self) -> str | None:
        return self._problem

    @property
    def muted(self) -> bool:
        return self._muted

    def set_muted(self, muted: bool) -> None:
        self._muted = muted

    def _report(self, message: str) -> None:
        if self._problem is None:
            self._problem = message

    def play(self, cue: Cue) -> None:
        if self._muted or cue.kind == "announce":
            return
        try:
            self._bell()
        except Exception as error:  # the bell is the UI's callable; keep its failure, never raise
            self._report(f"Terminal bell failed: {error}")

    def add_voices(self, voices: Mapping[str, Path]) -> None:
        """A bell cannot speak."""

    def close(self) -> None:
        """Nothing to release."""


class NullPlayer(BellPlayer):
    """No sound at all (no player, no bell): the UI's flashes are the only cues."""

    def __init__(self, name: str = "sound: off") -> None:
        super().__init__(lambda: None, name)


@dataclass
class RecordingPlayer:
    """For tests: remembers every cue it was asked to play while not muted."""

    name: str = "sound: recording"
    problem: str | None = None
    played: list[Cue] = field(default_factory=list)
    voices: dict[str, Path] = field(default_factory=dict)
    closed: bool = False
    _muted: bool = field(default=False, init=False, repr=False)

    @property
    def muted(self) -> bool:
        return self._muted

    def set_muted(self, muted: bool) -> None:
        self._muted = muted

    def play(self, cue: Cue) -> None:
        if not self._muted:
            self.played.append(cue)

    def add_voices(self, voices: Mapping[str, Path]) -> None:
        self.voices.update(voices)

    def close(self) -> None:
        self.closed = True


def no_device_name(fallback: Player | None) -> str:
    """Status-bar text once the device failed: what plays instead, e.g. "sound: bell (no audio device)"."""
    return f"{fallback.name if fallback is not None else 'sound: off'} (no audio device)"


def what_is_left(fallback: Player | None) -> str:
    """The end of the no-device notice: whether the bell still sounds alongside the visual flashes."""
    bell = isinstance(fallback, BellPlayer) and not isinstance(fallback, NullPlayer)
    return "cues are visual plus the terminal bell" if bell else "cues are visual only"
