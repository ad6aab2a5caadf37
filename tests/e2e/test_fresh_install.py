"""The README's install on a machine with no compiler: `.[audio]` installs from wheels and plays a cue.

Builds a clean virtual environment with `CC=/bin/false` (any compile step fails at once), installs the
repository with the `audio` extra and no pip cache (so no wheel built earlier on this machine can stand
in), then plays cues with the installed app's own player choice through ALSA's `file` plugin and checks
the recording. Slow (a minute or two: every dependency is installed afresh), so it is marked `slow`;
`.ci/run` runs it after the main suite: `python -m pytest -m slow tests/e2e/test_fresh_install.py`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.alsa_capture.support import ALSA_CONF, CAPTURE, REPO, assert_holds, capture_setup, recordings
from tests.needs import need_alsa
from timer import audio
from timer.resources import sound_file

pytestmark = pytest.mark.slow


def test_audio_extra_installs_without_a_compiler_and_plays_a_cue(tmp_path: Path) -> None:
    need_alsa()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env |= {"CC": "/bin/false", "CXX": "/bin/false", "PIP_NO_CACHE_DIR": "1"}
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", f"{REPO}[audio]"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stdout + install.stderr

    # Only wheels went in: no simpleaudio (it would have needed the compiler), miniaudio for the sound.
    probe = "import importlib.util as u; print(u.find_spec('simpleaudio') is None, u.find_spec('miniaudio') is not None)"
    found = subprocess.run([str(python), "-c", probe], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert found.stdout.split() == ["True", "True"], found.stderr

    # The installed package (not this checkout: no PYTHONPATH, run from elsewhere) plays through ALSA.
    conf, out = capture_setup(tmp_path)
    spec = {"cues": [["go", None], ["final", None]]}
    play_env = env | {"ALSA_CONFIG_PATH": f"{ALSA_CONF}:{conf}", "CUE_CAPTURE_DIR": str(out)}
    played = subprocess.run(
        [str(python), str(CAPTURE / "play_cues.py"), json.dumps(spec)],
        env=play_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert played.returncode == 0 and played.stderr == "", played.stderr
    report = json.loads(played.stdout)
    assert (report["name"], report["problem"]) == ("sound: miniaudio", None)
    where = subprocess.run(
        [str(python), "-c", "import timer; print(timer.__file__)"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(venv)), where.stdout  # the installed copy played, not this checkout
    probe_sound, go, final = recordings(out, 3)
    assert probe_sound == bytes(len(probe_sound))
    for kind, data in (("go", go), ("final", final)):
        assert_holds(data, audio.read_frames(sound_file(f"{kind}.wav")), kind, padding_s=None)
