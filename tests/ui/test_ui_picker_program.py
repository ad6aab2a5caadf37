"""The picker with programs and athletes: a program listed first with today's session for the chosen
athlete, the athlete chosen with `a`, remembered per folder in the user config folder, shown in the status
line; a damaged config file is kept aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from timer import athletes
from timer.clock import FakeClock
from timer.ui.app import make_app
from timer.ui.screens.overview import OverviewScreen
from timer.ui.screens.picker import PickerScreen

from .uihelp import screen_text

SHORT = """
name = "Short"
prepare = "5s"
[e1rm]
squat = 100
[[station]]
exercise = "Squat"
lift = "squat"
load = "30%"
work = "2:00"
"""

PROGRAM = """
name = "Mini block"
[[phase]]
name = "Base"
weeks = 2
sessions = ["short.toml"]
"""


@pytest.fixture
def squad(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A coach's folder: circuits/ with a program and its circuit, athletes/ with Ann; its own config."""
    folder = tmp_path / "squad"
    (folder / "circuits").mkdir(parents=True)
    (folder / "athletes").mkdir()
    (folder / "circuits" / "short.toml").write_text(SHORT)
    (folder / "circuits" / "mini.toml").write_text(PROGRAM)
    (folder / "athletes" / "ann.toml").write_text('name = "Ann"\nunits = "kg"\n[e1rm]\nsquat = 140\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv(athletes.ENV_VAR, raising=False)
    return folder


async def test_picker_lists_the_program_first_and_remembers_the_athlete(squad: Path, tmp_path: Path) -> None:
    app = make_app(None, clock=FakeClock(), voice=False, log_path=tmp_path / "log.jsonl", cwd=squad)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        text = screen_text(app)
        assert "Today: Mini block — week 1, session 1" in text
        assert "Athlete: none" in text
        assert picker.entries[0].program == "Mini block"
        await pilot.press("a")
        await pilot.pause()
        assert "Athlete: Ann (" in screen_text(app)
        plan = picker.entries[0].plan
        assert plan is not None and plan.athlete == "Ann"
        assert next(p for p in plan.phases if p.is_work).load == 42.5  # 30% of Ann's 140
        config = json.loads(athletes.config_path().read_text())
        assert config == {str(squad.resolve()): str((squad / "athletes" / "ann.toml").resolve())}
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        text = screen_text(app)
        assert "Mini block · Week 1/2 · Base · Session 1/1" in text and "Athlete: Ann" in text
        assert app.screen.path == squad / "circuits" / "short.toml"  # the session's circuit is logged
    assert athletes.initial_choice(squad) == (squad / "athletes" / "ann.toml").resolve()


def test_choosing_no_profile_is_remembered_too(squad: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(athletes.ENV_VAR, str(squad / "athletes" / "ann.toml"))
    assert athletes.initial_choice(squad) == squad / "athletes" / "ann.toml"  # the env var by default
    assert athletes.remember(squad, None) is None
    assert athletes.initial_choice(squad) is None  # the folder's own choice wins


def test_a_damaged_config_is_kept_aside_not_lost(squad: Path) -> None:
    path = athletes.config_path()
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert athletes.initial_choice(squad) is None
    assert path.with_name("athletes.json.damaged").read_text() == "{not json"
    assert athletes.remember(squad, squad / "athletes" / "ann.toml") is None
    assert json.loads(path.read_text())[str(squad.resolve())].endswith("ann.toml")


def test_profiles_on_offer(squad: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (squad / "bob.toml").write_text('name = "Bob"\nunits = "lb"\n[e1rm]\nsquat = 300\n')
    (squad / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (squad / "broken.toml").write_text("name = ")
    monkeypatch.setenv(athletes.ENV_VAR, str(squad / "bob.toml"))
    assert [p.name for p in athletes.profile_files(squad)] == ["ann.toml", "bob.toml"]


def test_an_unreadable_config_folder_says_why_and_the_picker_goes_on(squad: Path, tmp_path: Path) -> None:
    (tmp_path / "config").write_text("a file where the folder should be")
    problem = athletes.remember(squad, None)
    assert problem is not None and "cannot be remembered" in problem
