"""Shared fixtures: small circuits written to a temp folder, and a fake clock."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from timer.clock import FakeClock

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def write_toml(tmp_path: Path):
    """Write TOML text (dedented) to a file in tmp_path and return its path."""

    def write(text: str, name: str = "circuit.toml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write
