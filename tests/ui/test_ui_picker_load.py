"""Issue 14, item 6 (second half): the picker reads the folder's files in a worker, each within a time
budget, and never before its first frame.

A slow file is `read_toml` waiting on an event (at most 5 s: `timed_out` says the test did not get there).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Gate, circuit_text
from timer import catalog
from timer.ui.app import make_app
from timer.ui.screens.picker import PickerScreen

from .uihelp import screen_text


class SlowReader(Gate):
    """`timer.catalog.read_toml` held at the gate for the files whose name contains `slow`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, slow: str) -> None:
        super().__init__()
        real = catalog.read_toml

        def read(path: Path) -> dict:
            if slow in Path(path).name:
                self.hold()
            return real(path)

        monkeypatch.setattr(catalog, "read_toml", read)


async def test_the_first_frame_comes_before_the_files_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file is slow (the bundled ones too): the picker is drawn at once, each file `loading…`."""
    (tmp_path / "circuits").mkdir()
    (tmp_path / "circuits" / "mine.toml").write_text(circuit_text("short"), encoding="utf-8")
    reader = SlowReader(monkeypatch, "")  # every name contains ""
    app = make_app(None, voice=False, cwd=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert reader.waiting.wait(5)  # the worker is stuck in the first file
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen) and picker.reading and picker.entries == []
        text = screen_text(app)
        assert "Choose a program's session or a circuit" in text
        assert "loading…" in text and "mine.toml  loading…" in text
        reader.answer()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not picker.reading and "loading…" not in screen_text(app)
        assert "Test circuit" in screen_text(app)
    assert not reader.timed_out


async def test_one_slow_file_is_listed_as_too_slow_and_holds_up_the_others_only_its_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "circuits"
    folder.mkdir()
    for name in ("a-slow.toml", "b-quick.toml", "c-quick.toml"):
        text = circuit_text("short").replace('name = "Test circuit"', f'name = "{name}"')
        (folder / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(catalog, "FILE_BUDGET_S", 0.2)
    reader = SlowReader(monkeypatch, "slow")
    app = make_app(None, voice=False, cwd=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()  # the slow file's 0.2 s, then the others
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen) and not picker.reading
        by_name = {e.path.name: e for e in picker.entries}
        assert by_name["a-slow.toml"].plan is None
        assert by_name["a-slow.toml"].error == "too slow to read (over 0.2 s)"
        assert by_name["b-quick.toml"].plan is not None and by_name["c-quick.toml"].plan is not None
        text = screen_text(app)
        assert "a-slow.toml  cannot be used: too slow to read (over 0.2 s)" in text
        assert "b-quick.toml" in text and "c-quick.toml" in text
        # The slow read was still stuck all along: the others did not wait for it.
        assert reader.waiting.is_set() and not reader.timed_out
        reader.answer()
