"""Errors written for the people who read them: coaches and athletes, not programmers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in an input file, said in plain words."""

    file: str
    """The file's name as the user gave it."""
    where: str
    """Where in the file: `line 3`, `station 2 "Split squat"`, or empty for the whole file."""
    message: str
    """What is wrong and what to do about it."""

    def __str__(self) -> str:
        parts = [self.file, self.where, self.message] if self.where else [self.file, self.message]
        return ": ".join(parts)


class CircuitTimerError(Exception):
    """Base of every error this app reports to a person; `str()` is the whole message."""


class InputError(CircuitTimerError):
    """A circuit or athlete file (or another input) that cannot be used, with every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class LogError(CircuitTimerError):
    """The rep log cannot be opened, written or read."""


class UsageError(CircuitTimerError):
    """A flag or environment variable that makes no sense as given (exit code 2, like argparse's errors)."""
