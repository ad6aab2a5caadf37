"""What a test needs from the machine, in one place: a skip with a one-line reason, or a failure on CI.

The README's test command passes on a fresh machine with only Python: a test that needs a system tool
(tmux, espeak-ng, aplay), ALSA's library or an optional extra skips and says which is missing. On CI (`CI`
set) `.ci/run` installs all of them, so there a missing one fails instead of hiding a broken install.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import shutil
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest

ALSA_CONF = Path("/usr/share/alsa/alsa.conf")


def on_ci() -> bool:
    return bool(os.environ.get("CI"))


def missing(reason: str) -> NoReturn:
    """Skip with `reason` (one line); on CI, fail with it: .ci/run installs everything the tests use."""
    if on_ci():
        pytest.fail(f"{reason}; CI must have it (see .ci/run)", pytrace=False)
    pytest.skip(reason)


def need_tool(name: str, package: str | None = None) -> str:
    """The path of command `name` (e.g. tmux), or skip/fail naming the package that brings it."""
    found = shutil.which(name)
    if found is None:
        missing(f"{name} is not installed (apt-get install {package or name})")
    return found


def need_module(name: str, extra: str) -> ModuleType:
    """Import `name` from an optional extra (e.g. simpleaudio), or skip/fail naming the extra."""
    try:
        return importlib.import_module(name)
    except (ImportError, OSError) as error:
        missing(f"{name} cannot be imported ({error}); install the extra: pip install '.[{extra}]'")


def need_alsa() -> None:
    """ALSA's library and configuration (what the recorded-playback tests play through)."""
    if not ALSA_CONF.exists():
        missing(f"ALSA's configuration {ALSA_CONF} is missing (apt-get install libasound2)")
    try:
        ctypes.CDLL("libasound.so.2")
    except OSError:
        missing("ALSA's library libasound.so.2 is missing (apt-get install libasound2)")
