"""Files shipped inside the package: bundled circuits and cue sounds, found through importlib.resources."""

from __future__ import annotations

from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path


def _folder(name: str) -> Traversable:
    # An installed wheel carries circuits/ and sounds/ inside the package (see pyproject's force-include).
    packaged = files("timer") / name
    if packaged.is_dir():
        return packaged
    # A source checkout installed in editable mode keeps them beside the package instead.
    return files("timer").joinpath("..", name)


def bundled_circuits() -> list[Path]:
    """The bundled circuit files, sorted by name."""
    folder = _folder("circuits")
    found = [entry for entry in folder.iterdir() if entry.name.endswith(".toml")]
    paths = []
    for entry in sorted(found, key=lambda e: e.name):
        with as_file(entry) as path:
            paths.append(Path(path).resolve())
    return paths


def sound_file(name: str) -> Path:
    """Path of a bundled WAV file, e.g. `sound_file("go.wav")`."""
    with as_file(_folder("sounds") / name) as path:
        return Path(path).resolve()
