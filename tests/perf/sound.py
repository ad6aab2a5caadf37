"""Recording the app's cues: ALSA's `file` plugin records each opening of the sound device (named by its
wall-clock start), the recorder's own delay measured outside the app, and matching recordings to the plan."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

CAPTURE_DIR = Path(__file__).resolve().parent.parent / "alsa_capture"
"""The ALSA recording set-up of the playback tests (capture.conf + record.sh), reused here."""
ALSA_CONF = Path("/usr/share/alsa/alsa.conf")


def sound_capture(folder: Path) -> tuple[dict[str, str], Path] | str:
    """(extra environment, folder of recordings) so every opening of the sound device is recorded, or why not.

    ALSA's `file` plugin pipes each opening of the default device to record.sh, which names the recording by
    the wall-clock time it started: that is when a cue began to play.
    """
    if not ALSA_CONF.exists():
        return f"ALSA is not installed here ({ALSA_CONF} missing)"
    if not (CAPTURE_DIR / "capture.conf").exists() or not (CAPTURE_DIR / "record.sh").exists():
        return f"{CAPTURE_DIR} (capture.conf, record.sh) is missing"
    recorder = folder / "record.sh"
    shutil.copy(CAPTURE_DIR / "record.sh", recorder)
    recorder.chmod(0o755)
    conf = folder / "capture.conf"
    conf.write_text((CAPTURE_DIR / "capture.conf").read_text().replace("@RECORD_SH@", str(recorder)))
    out = folder / "recorded"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    return {"ALSA_CONFIG_PATH": f"{ALSA_CONF}:{conf}", "CUE_CAPTURE_DIR": str(out)}, out


_CALIBRATE = """
import json, sys, time
import timer.ui.app  # the app's modules and Textual: as big as the app (fork time grows with size)
from timer.audio import choose_player
from timer.cues import Cue
player = choose_player(voice=False)
getattr(player, "wait_done", lambda: None)()
time.sleep(0.3)
calls = []
for _ in range(int(sys.argv[1])):
    time.sleep(0.4)
    calls.append(time.time())
    player.play(Cue("count", 0.0))
    getattr(player, "wait_done", lambda: None)()
player.close()
print(json.dumps({"name": player.name, "calls": calls}))
"""


def capture_latency(env: dict[str, str], out: Path, n: int = 20) -> tuple[str, list[float]] | str:
    """(player, ms from play() to the recording's start, per play) measured outside the app; or why not."""
    before = set(out.glob("cue-*.raw"))
    done = subprocess.run(
        [sys.executable, "-c", _CALIBRATE, str(n)], env=env, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        return f"calibration failed: {done.stderr.strip()[-300:]}"
    report = json.loads(done.stdout.strip().splitlines()[-1])
    new = sorted(p for p in out.glob("cue-*.raw") if p not in before)
    heard = sorted(float(p.name[4:].rsplit("-", 1)[0]) for p in new)
    delays = []
    for call in report["calls"]:
        after = [h for h in heard if call - 0.01 <= h <= call + 0.3]
        if after:
            delays.append(1000 * (after[0] - call))
    for p in new:
        p.unlink()
    return report["name"], delays


def planned_cues(circuit: Path) -> list[tuple[float, str]]:
    """(session time, kind) of every cue that makes a sound with --no-voice in an uninterrupted run."""
    from timer.circuit import load_circuit
    from timer.cues import phase_cues
    from timer.plan import build_plan

    plan = build_plan(load_circuit(circuit))
    cues = []
    for i, phase in enumerate(plan.phases):
        following = plan.phases[i + 1] if i + 1 < len(plan.phases) else None
        for cue in phase_cues(phase, phase.duration_s, following, plan, metronome=False):
            if cue.kind != "announce":  # spoken only: silent with --no-voice
                cues.append((phase.start_s + cue.at, cue.kind))
    return sorted(cues)


def recordings(out: Path) -> list[float]:
    """Wall-clock start of every complete recording (`cue-<s>.<ns>-<pid>.raw`), in order."""
    times = []
    for path in out.glob("cue-*.raw"):
        try:
            times.append(float(path.name[4:].rsplit("-", 1)[0]))
        except ValueError:
            continue
    return sorted(times)


def match_cues(
    planned: list[tuple[float, str]], heard: list[float], start_wall: float
) -> tuple[list[float], int]:
    """Lateness (ms) of each planned cue's recording, matched in order; and how many recordings match none."""
    late, used = [], set()
    j = 0
    for t, _kind in planned:
        due = start_wall + t
        while j < len(heard) and heard[j] < due - 0.25:
            j += 1
        if j < len(heard) and heard[j] <= due + 0.4:
            late.append(1000 * (heard[j] - due))
            used.add(j)
            j += 1
    extra = sum(1 for k, w in enumerate(heard) if k not in used and w >= start_wall - 0.05)
    return late, extra
