"""What the terminal can show: full screen or not, Unicode or ASCII, how many colours.

Read from the environment once, before any UI starts; no Textual here, so the CLI can refuse early.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

from timer.palette import ColourMode

PLAIN_HINT = "use --plain for a line mode"


@dataclass(frozen=True)
class Terminal:
    """The terminal's abilities, as far as the environment tells them."""

    dumb: bool
    """`TERM=dumb` (or unset): no cursor addressing, so no full-screen UI."""
    ascii_only: bool
    """The locale is not UTF-8: draw with ASCII only (`#` digits, `-` bars)."""
    colours: ColourMode
    term: str = ""
    """`TERM` as given (empty when unset), for the message that refuses a dumb one."""


def detect(env: Mapping[str, str] | None = None, *, utf8_mode: bool | None = None) -> Terminal:
    """The terminal described by `env` (default: this process's environment)."""
    env = os.environ if env is None else env
    term = env.get("TERM", "")
    return Terminal(
        dumb=term in ("", "dumb", "unknown"),
        ascii_only=not locale_is_utf8(env, bool(sys.flags.utf8_mode) if utf8_mode is None else utf8_mode),
        colours=colour_mode(env),
        term=term,
    )


def locale_is_utf8(env: Mapping[str, str], utf8_mode: bool) -> bool:
    """Whether the locale (LC_ALL, else LC_CTYPE, else LANG) is UTF-8.

    Python started in the C locale "coerces" it (PEP 538): it sets `LC_CTYPE=C.UTF-8` in its own
    environment and turns on UTF-8 mode, so Python writes UTF-8 — but the terminal was still set up for
    ASCII. A `C.UTF-8` that Python set itself (UTF-8 mode on without `PYTHONUTF8` asking for it) is ignored.
    """
    coerced = bool(utf8_mode) and "PYTHONUTF8" not in env and env.get("LC_CTYPE") == "C.UTF-8"
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = env.get(name, "")
        if not value or (name == "LC_CTYPE" and coerced):
            continue
        normalised = value.lower().replace("-", "")
        return "utf8" in normalised
    return False  # no locale at all is the C locale


def colour_mode(env: Mapping[str, str]) -> ColourMode:
    """`none` for NO_COLOR (any value, as Textual reads it), `16` for a terminal that only names its colours.

    Like Rich's detection: `COLORTERM=truecolor|24bit` or a `TERM` ending in `256color` or `kitty` have a
    fixed colour cube; anything else maps colours through its theme, so it gets the named mapping.
    """
    if "NO_COLOR" in env:
        return "none"
    forced = env.get("TEXTUAL_COLOR_SYSTEM", "auto").lower()
    if forced in ("truecolor", "256"):
        return "truecolor"
    if forced == "standard":
        return "16"
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return "truecolor"
    term = env.get("TERM", "")
    return "truecolor" if term.endswith(("256color", "kitty")) else "16"


def refusal(terminal: Terminal, *, is_tty: bool) -> str | None:
    """Why the full-screen UI cannot start here (a sentence for the athlete), or None when it can.

    `run FILE --plain` never asks: a line mode works on any terminal, a pipe or a serial console.
    """
    if not is_tty:
        return f"circuit-timer needs a terminal ({PLAIN_HINT})"
    if terminal.dumb:
        says = f"says TERM={terminal.term}" if terminal.term else "does not say what it is (TERM is not set)"
        return (
            f"circuit-timer needs a terminal that can draw a full screen; this one {says} "
            f"({PLAIN_HINT}: circuit-timer run FILE --plain)"
        )
    return None


def output_width(stream: TextIO | None = None, env: Mapping[str, str] | None = None) -> int | None:
    """The width printed tables fit (names cut with `…`): `COLUMNS` when it is a number, else the width of
    the terminal `stream` (default stdout) writes to; None in a pipe or a file, where nothing is cut."""
    env = os.environ if env is None else env
    columns = env.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    stream = sys.stdout if stream is None else stream
    try:
        fd = stream.fileno()
        return os.get_terminal_size(fd).columns if os.isatty(fd) else None
    except (OSError, ValueError):
        return None  # a stream with no file (a test's capture) or a closed one: no terminal to fit
