"""The README's install on a machine with no compiler: `.[audio]` installs from wheels, and the app has sound.

Builds a clean virtual environment with `CC=/bin/false` (any compile step fails at once), installs the
repository with the `audio` extra and no pip cache (so no wheel built earlier on this machine can stand
in), then plays cues with the installed app's own player choice through ALSA's `file` plugin and checks
the recording; then runs the README's command (`circuit-timer run circuits/demo.toml`) from that install in a
pseudo-terminal and checks that the status bar says `sound: miniaudio` and the 3-2-1 was recorded. Slow (a minute or two: every dependency is installed afresh), so it is marked `slow`;
`.ci/run` runs it after the main suite: `python -m pytest -m slow tests/e2e/test_fresh_install.py`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.alsa_capture.support import (
    ALSA_CONF,
    CAPTURE,
    REPO,
    assert_holds,
    capture_setup,
    recording_files,
    recordings,
)
from tests.e2e.pyte_terminal import PyteTerminal
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
    app_out = tmp_path / "recorded-by-the-app"
    app_out.mkdir()
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

    # The README's run command with that install: the app starts, says it has sound, and plays the 3-2-1.
    # (--no-voice: with espeak-ng installed a spoken "Next: ..." could come first; a fresh machine has none.)
    app_env = play_env | {
        "TERM": "xterm-256color",
        "CUE_CAPTURE_DIR": str(app_out),
        "CIRCUIT_TIMER_LOG": str(tmp_path / "log.jsonl"),  # not the user's log
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    term = PyteTerminal(
        [str(venv / "bin" / "circuit-timer"), "run", "circuits/demo.toml", "--no-voice"],
        cwd=REPO,
        env=app_env,
    )
    try:
        term.wait_for(lambda s: "Enter to start" in s, "the overview", 30)
        term.keys("Enter")
        term.wait_for(lambda s: "sound: miniaudio" in s, "the status bar naming the player", 30)
        # The demo's get-ready is 10 s: "count" at 7, 8 and 9 s, after the start-up probe.
        files = recording_files(app_out, 2, timeout=30)
        term.keys("q", "y")  # stop the session: the summary of what was done, then q leaves
        term.wait_for(lambda s: "Summary" in s, "the summary after stopping", 30)
        term.keys("q")
        assert term.exit_code() == 0
    finally:
        term.kill()
    assert len(files) >= 2, "the app played nothing"
    probe_sound, first = files[0].read_bytes(), files[1].read_bytes()
    assert probe_sound == bytes(len(probe_sound))  # the app's start-up probe
    assert_holds(first, audio.read_frames(sound_file("count.wav")), "the first count", padding_s=None)
