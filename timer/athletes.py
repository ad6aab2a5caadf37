"""The athlete profiles the picker offers, and the one chosen for each folder.

Profiles are found in `./athletes/*.toml`, as `./*.toml` files that read as a profile, and in
`$CIRCUIT_TIMER_ATHLETE`. The choice is remembered per folder in the user config folder
(`athletes.json`, written atomically), so a squad's shared laptop opens each athlete's folder with their
profile. A damaged config file is kept aside, never silently lost. No Textual here.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import platformdirs

from timer.circuit import is_profile, read_toml
from timer.errors import InputError
from timer.text import printable_path

ENV_VAR = "CIRCUIT_TIMER_ATHLETE"
CONFIG_NAME = "athletes.json"


def profile_files(cwd: Path) -> list[Path]:
    """Every profile on offer, each once: `./athletes/*.toml`, `./*.toml` profiles, then the env var's."""
    found: list[Path] = []
    folder = cwd / "athletes"
    if folder.is_dir():
        found.extend(sorted(p for p in folder.glob("*.toml") if p.is_file()))
    for path in sorted(cwd.glob("*.toml")):
        try:
            if path.is_file() and is_profile(read_toml(path)):
                found.append(path)
        except InputError:
            continue  # not readable as TOML: the circuit list says what is wrong with it
    env = os.environ.get(ENV_VAR)
    if env:
        found.append(Path(env).expanduser())
    unique: list[Path] = []
    seen: set[Path] = set()
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def config_path() -> Path:
    """Where the per-folder choices live: `athletes.json` in the user config folder."""
    return platformdirs.user_config_path("circuit-timer") / CONFIG_NAME


def _read_config() -> dict[str, str]:
    path = config_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        _keep_aside(path)
        return {}
    if not isinstance(data, dict):
        _keep_aside(path)
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def _keep_aside(path: Path) -> None:
    """A damaged config is renamed `athletes.json.damaged` (for a person to look at), not overwritten."""
    # When it cannot even be renamed, the next save reports why it cannot write there.
    with contextlib.suppress(OSError):
        path.replace(path.with_name(path.name + ".damaged"))


def initial_choice(cwd: Path) -> Path | None:
    """The profile to start with in `cwd`: the one remembered for it (maybe none), else the env var's."""
    data = _read_config()
    key = str(cwd.resolve())
    if key in data:
        return Path(data[key]) if data[key] else None
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else None


def remember(cwd: Path, profile: Path | None) -> str | None:
    """Remember `profile` (None: no profile) for `cwd`; returns why it could not be saved, or None."""
    path = config_path()
    data = _read_config()
    data[str(cwd.resolve())] = str(profile.resolve()) if profile is not None else ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".athletes-", suffix=".json", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=1, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        return f"the choice cannot be remembered in {printable_path(path)} ({exc.strerror or exc})"
    return None
