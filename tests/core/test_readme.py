"""The README's layout paragraph names every file under timer/ and nothing that is not there."""

from __future__ import annotations

import re

from tests.conftest import REPO

PACKAGE = REPO / "timer"


def layout_items() -> list[str]:
    """The sub-items of the README's **Layout** entry, each joined onto one line."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("- **Layout**") :]
    section = section[: section.index("\n- **", 1)]
    items = re.split(r"\n  - ", section)
    return [" ".join(item.split()) for item in items]


def files_in_tree() -> list[str]:
    """Every file of the package (`timer/ui/app.tcss`), `__init__.py` and caches aside."""
    return sorted(
        path.relative_to(REPO).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.name != "__init__.py" and "__pycache__" not in path.parts
    )


def named(path: str, items: list[str]) -> bool:
    """Named by its full path, or by its file name in an item about its folder (`timer/audio/`: `base.py`)."""
    folder, name = path.rsplit("/", 1)
    return any(f"`{path}`" in item or (f"`{folder}/`" in item and f"`{name}`" in item) for item in items)


def test_every_file_under_timer_is_named_in_the_layout() -> None:
    items = layout_items()
    missing = [path for path in files_in_tree() if not named(path, items)]
    assert not missing, f"README.md's Layout does not name: {', '.join(missing)}"


def test_every_path_the_layout_names_exists() -> None:
    items = layout_items()
    gone = [p for item in items for p in re.findall(r"`(timer/[\w./]*)`", item) if not (REPO / p).exists()]
    for item in items:
        folders = re.findall(r"`(timer/[\w/]+/)`", item)
        if len(folders) == 1:  # an item about one folder: its file names are in that folder
            names = re.findall(r"`([\w]+\.(?:py|tcss))`", item)
            gone += [f"{folders[0]}{n}" for n in names if not (REPO / folders[0] / n).exists()]
    assert not gone, f"README.md's Layout names what is not in the tree: {', '.join(gone)}"
