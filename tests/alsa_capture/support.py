"""Shared by the real-playback tests: ALSA's `file` plugin records every opening of the default device.

`capture_setup` writes an ALSA config whose default PCM pipes each opening to `record.sh`, which keeps one
raw file per opening named by its wall-clock start (`cue-<seconds>.<nanoseconds>-<pid>.raw`), so the files
sort in playing order and tell when the device was opened. The scripts beside this file run the player (or a
whole session) in a subprocess with that config.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.needs import ALSA_CONF, need_alsa, need_module, need_tool
from timer.sounds import RATE

require_alsa = need_alsa

CAPTURE = Path(__file__).resolve().parent
REPO = CAPTURE.parent.parent


LIBRARY_BACKENDS = {"simpleaudio": "simpleaudio", "miniaudio": "audio"}
"""The players that come from a Python package, and the extra that installs each."""


def hidden_for(backend: str) -> list[str]:
    """The modules to hide so `choose_player` picks `backend`: those preferred before it (see play_cues.py)."""
    order = [*LIBRARY_BACKENDS, backend]
    return order[: order.index(backend)]


def require_backend(backend: str) -> None:
    """What playing through `backend` needs here: its package (or the command) and ALSA; skip, or fail on CI."""
    if backend in LIBRARY_BACKENDS:
        need_module(backend, LIBRARY_BACKENDS[backend])
    else:
        need_tool(backend, "alsa-utils" if backend == "aplay" else None)
    need_alsa()


def require_simpleaudio() -> None:
    """The simpleaudio-only tests (its own no-device control): skip, or fail on CI, where it is installed."""
    require_backend("simpleaudio")


def capture_setup(folder: Path) -> tuple[Path, Path]:
    """(ALSA config that records every opening of the default device, folder the recordings go to)."""
    recorder = folder / "record.sh"
    shutil.copy(CAPTURE / "record.sh", recorder)  # a path without spaces: it goes into an ALSA string
    recorder.chmod(0o755)
    conf = folder / "capture.conf"
    conf.write_text((CAPTURE / "capture.conf").read_text().replace("@RECORD_SH@", str(recorder)))
    out = folder / "recorded"
    out.mkdir()
    return conf, out


def alsa_env(conf: Path, **extra: str) -> dict[str, str]:
    """This environment with `conf` added to ALSA's system config and the repository importable."""
    env = {**os.environ, "ALSA_CONFIG_PATH": f"{ALSA_CONF}:{conf}", **extra}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def run_script(
    script: str, conf: Path, spec: dict[str, Any], extra_env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run `tests/alsa_capture/<script>` with the JSON `spec` under the ALSA config `conf`."""
    return subprocess.run(
        [sys.executable, str(CAPTURE / script), json.dumps(spec)],
        env=alsa_env(conf, **extra_env),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def recording_files(folder: Path, count: int, timeout: float = 10) -> list[Path]:
    """The finished recordings, in playing order; waits (bounded) until there are `count` of them."""
    deadline = time.monotonic() + timeout
    while len(list(folder.glob("*.raw"))) < count and time.monotonic() < deadline:
        time.sleep(0.01)  # waiting for the recorder scripts to finish writing, not making time pass
    return sorted(folder.glob("*.raw"))


def recordings(folder: Path, count: int) -> list[bytes]:
    """The contents of `recording_files(folder, count)`."""
    return [path.read_bytes() for path in recording_files(folder, count)]


def opened_at(path: Path) -> float:
    """Wall-clock time (seconds since the epoch) at which the recorder for this opening started."""
    return float(path.name.removeprefix("cue-").rsplit("-", 1)[0])


def assert_holds(recorded: bytes, frames: bytes, what: str, padding_s: float | None = 0.1) -> None:
    """`recorded` is `frames` followed by silence: at most `padding_s` of it (the device's period padding).

    `padding_s=None` for miniaudio: its device plays silence from the end of the sound until the worker
    closes it, and the recording's `null` sink is not real-time, so that silence has no fixed length here
    (on a real device it is the 30 ms tail).
    """
    assert recorded[: len(frames)] == frames, f"{what}: the recorded audio is not the sound that was played"
    padding = recorded[len(frames) :]
    assert padding == bytes(len(padding)), f"{what}: unexpected audio after the sound"
    if padding_s is not None:
        assert len(padding) <= 2 * RATE * padding_s, f"{what}: more than {padding_s * 1000:g} ms of padding"
