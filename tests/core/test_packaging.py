"""A plain (non-editable) install carries the bundled circuits and sounds and finds them via importlib.resources."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (found,) = out.glob("circuit_timer-*.whl")
    return found


def test_the_wheel_ships_circuits_and_sounds_inside_the_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    # every circuit, the runner block's own folder of circuits included
    bundled = sorted(str(p.relative_to(REPO / "circuits")) for p in (REPO / "circuits").rglob("*.toml"))
    shipped = sorted(n.removeprefix("timer/circuits/") for n in names if n.startswith("timer/circuits/"))
    assert [n for n in shipped if not n.endswith("/")] == bundled
    wavs = sorted(p.name for p in (REPO / "sounds").glob("*.wav"))
    assert (
        sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("timer/sounds/") and n.endswith(".wav"))
        == wavs
    )
    assert not any(n.startswith(("circuits/", "sounds/", "tests/")) for n in names)


def install_wheel(wheel: Path, target: Path) -> Path:
    """Install the built wheel (without dependencies) into `target`, away from the checkout."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return target


def test_an_installed_copy_finds_its_circuits_away_from_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = install_wheel(wheel, tmp_path / "site")
    code = (
        "import timer.resources as r, timer.cli as c; files = r.bundled_circuits(); "
        f"print(len(files)); print(all(str(f).startswith({str(target)!r}) for f in files)); "
        "raise SystemExit(c.main(['check', *map(str, files)]))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    count, inside, *rest = done.stdout.splitlines()
    assert int(count) >= 3 and inside == "True"
    assert sum(line.startswith("OK ") for line in rest) == int(count)


def test_an_installed_copy_prints_the_squad_load_sheet(wheel: Path, tmp_path: Path) -> None:
    """`circuit-timer loads` from a fresh install: a bundled circuit, a pound and a kilogram athlete."""
    target = install_wheel(wheel, tmp_path / "site")
    (tmp_path / "ann.toml").write_text('name = "Ann"\nunits = "lb"\n[e1rm]\nquarter_squat = 260\n')
    (tmp_path / "bo.toml").write_text('name = "Bo"\nunits = "kg"\n[e1rm]\nquarter_squat = 140\n')
    code = (
        "import timer.resources as r, timer.cli as c; "
        "f = next(p for p in r.bundled_circuits() if p.name == 'runner-strength-endurance.toml'); "
        "raise SystemExit(c.main(['loads', str(f), '--athlete', 'ann.toml', '--athlete', 'bo.toml']))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Runner strength-endurance A: loads for 2 athletes"
    assert lines[1].split() == ["#", "exercise", "Ann", "(lb)", "Bo", "(kg)"]
    assert lines[2].split()[:9] == [
        "1",
        "Quarter",
        "squat",
        "80",
        "lb",
        "·",
        "30%",
        "42.5",
        "kg",
    ]  # 30% of 260 lb is 78 → 80; of 140 kg, 42 → 42.5
    assert "the circuit's own value is used" in done.stderr  # Ann and Bo lack the other lifts: said, by name
