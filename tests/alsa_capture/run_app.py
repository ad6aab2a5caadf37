"""Run the real `circuit-timer` command with sound backends taken away; used by tests/e2e/test_no_sound_device.py.

Usage: python run_app.py [--without-simpleaudio] [--without-miniaudio] [--without-system-players] [--loud-alsa]
    -- <arguments>

--without-simpleaudio / --without-miniaudio make `import simpleaudio` / `import miniaudio` fail (as when
that extra is not installed), so the next backend is chosen; --without-system-players hides
paplay/pw-play/aplay/afplay, leaving the bell; --loud-alsa skips installing the silent ALSA error handler (the control: ALSA's lines then reach the
screen). Everything else is the command exactly as installed (`timer.cli.main`).
"""

from __future__ import annotations

import sys


def main() -> int:
    args = sys.argv[1:]
    split = args.index("--")
    flags, cli_args = set(args[:split]), args[split + 1 :]
    unknown = flags - {
        "--without-simpleaudio",
        "--without-miniaudio",
        "--without-system-players",
        "--loud-alsa",
    }
    if unknown:
        raise SystemExit(f"unknown option(s): {', '.join(sorted(unknown))}")
    for module in ("simpleaudio", "miniaudio"):
        if f"--without-{module}" in flags:
            sys.modules[module] = None  # type: ignore[assignment]  # `import <module>` raises ImportError
    if "--without-system-players" in flags:
        from timer.audio import system  # where `system_player` reads it, not the package's re-export

        system.SYSTEM_PLAYERS = {family: () for family in system.SYSTEM_PLAYERS}
    if "--loud-alsa" in flags:
        from timer.audio import alsa  # where the simpleaudio player looks it up, not the package's re-export

        alsa.silence_alsa = lambda: False  # type: ignore[assignment]
    from timer.cli import main as cli_main

    return cli_main(cli_args)


if __name__ == "__main__":
    raise SystemExit(main())
