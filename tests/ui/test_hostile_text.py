# ruff: noqa: RUF001 (the point of this file is characters that look alike)
"""Hostile text in names, cues and notes: markup, escape sequences, control characters, right-to-left and
zero-width characters, very wide characters (CJK, emoji).

Control characters (C0, C1, DEL, line/paragraph separators, bidi overrides) are rejected at load with a
message that names them escaped; everything else is kept exactly and shown literally: in `check` and
`plan`, and on every screen, without breaking the layout (the countdown keeps its size).
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.app import App

from timer import cli
from timer.circuit import MAX_CUE, MAX_NAME, MAX_NOTES, load_athlete, load_circuit
from timer.clock import FakeClock
from timer.errors import InputError
from timer.plan import build_plan
from timer.ui.app import make_app
from timer.ui.screens.overview import OverviewScreen
from timer.ui.screens.run import RunScreen
from timer.ui.screens.summary import SummaryScreen
from timer.ui.widgets.bigdigits import BigDigits

from .uihelp import at, screen_text, started

BIDI_OVERRIDES = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
CONTROLS = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]] + ["\u2028", "\u2029", *BIDI_OVERRIDES]
CATEGORIES = ["Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe", "Pi",
              "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn"]  # fmt: skip
"""Every Unicode general category but Cs: a lone surrogate cannot even be written in TOML (tested below)."""


def toml_string(text: str) -> str:
    """`text` as a TOML basic string: control characters as \\u escapes, everything else as it is."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def circuit_text(*, name: str = "Plain", notes: str | None = None, exercise: str = "Squat",
                 cue: str = "Chest up", part: str | None = None, work: str = '"20s"') -> str:  # fmt: skip
    lines = [f"name = {toml_string(name)}", 'prepare = "5s"']
    if notes is not None:
        lines.append(f"notes = {toml_string(notes)}")
    lines += ["[[station]]", f"exercise = {toml_string(exercise)}", 'load = "bodyweight"', f"work = {work}",
              'rest = "10s"', f"cues = [{toml_string(cue)}]"]  # fmt: skip
    if part is not None:
        lines += ["[[station]]", 'exercise = "Complex"', 'rest = "10s"', "[[station.part]]",
                  f"exercise = {toml_string(part)}", 'work = "10s"']  # fmt: skip
    else:
        lines += ["[[station]]", 'exercise = "Step-ups"', 'work = "20s"']
    return "\n".join(lines) + "\n"


SAID = {"\t": "a tab", "\n": "a line break", "\r": "a line break (carriage return)"}


def expected_problem(text: str, limit: int, *, multiline: bool = False) -> str | None:
    """The rule the loader applies to a name, cue or notes, written out as the spec."""
    for ch in text:
        if multiline and ch in "\n\t":
            continue
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in BIDI_OVERRIDES:
            if ch in SAID:  # the ones a coach types by accident are named in words
                return f"contains {SAID[ch]}; remove it"
            return f"contains a control character (U+{ord(ch):04X}); remove it"
    if not text.strip():
        return "is empty; write a name"
    if len(text) > limit:
        return f"is {len(text)} characters long; the limit is {limit}"
    if not any(unicodedata.category(ch)[0] in "LNPS" for ch in text):
        return "has no visible characters"
    return None


def assert_printable_lines(message: str, max_line: int = 400) -> None:
    assert message and "Traceback" not in message
    for line in message.splitlines():
        assert line.isprintable(), repr(line)
        assert len(line) <= max_line


FIELDS: dict[str, tuple[int, bool]] = {
    "name": (MAX_NAME, False),
    "notes": (MAX_NOTES, True),
    "exercise": (MAX_NAME, False),
    "cue": (MAX_CUE, False),
    "part": (MAX_NAME, False),
    "athlete": (MAX_NAME, False),
}


def load_field(tmp_path: Path, field: str, text: str) -> tuple[Any, InputError | None, Path]:
    """Load a file whose `field` is `text`; (the value as loaded or None, the error or None, the path)."""
    path = tmp_path / ("athlete.toml" if field == "athlete" else "circuit.toml")
    if field == "athlete":
        path.write_text(f'name = {toml_string(text)}\nunits = "kg"\n', encoding="utf-8")
    else:
        path.write_text(circuit_text(**{field: text}), encoding="utf-8")
    try:
        if field == "athlete":
            return load_athlete(path).name, None, path
        circuit = load_circuit(path)
    except InputError as exc:
        return None, exc, path
    value = {
        "name": circuit.name,
        "notes": circuit.notes,
        "exercise": circuit.station[0].exercise,
        "cue": circuit.station[0].cues[0],
        "part": circuit.station[1].part[0].exercise if circuit.station[1].part else None,
    }[field]
    return value, None, path


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(list(FIELDS)),
    category=st.sampled_from(CATEGORIES),
    data=st.data(),
)
def test_every_unicode_category_in_every_text_field(tmp_path: Path, field: str, category: str, data) -> None:
    """A character of any category, alone or among letters: kept exactly, or refused for the right reason."""
    odd = data.draw(st.text(st.characters(categories=[category]), min_size=1, max_size=8), label="odd")
    around = data.draw(st.sampled_from(["", "Squat ", "深蹲", "סקוואט "]), label="around")
    text = data.draw(st.sampled_from([odd, around + odd, odd + around, around + odd + around]), label="text")
    limit, multiline = FIELDS[field]
    value, error, path = load_field(tmp_path, field, text)
    problem = expected_problem(text, limit, multiline=multiline)
    if problem is None:
        assert error is None, str(error)
        assert value == text  # kept exactly: nothing stripped, normalised or escaped
    else:
        assert error is not None, f"accepted {text!r}"
        assert_printable_lines(str(error))
        assert problem in str(error)
        assert all(line.startswith(str(path)) for line in str(error).splitlines())


@pytest.mark.parametrize("field", list(FIELDS))
def test_every_control_character_is_refused_by_name(tmp_path: Path, field: str) -> None:
    for ch in CONTROLS:
        if field == "notes" and ch in "\n\t":
            continue
        _, error, _ = load_field(tmp_path, field, f"Squat{ch}jump")
        # The ones a coach types by accident are named in words ("contains a tab"), the rest by code point.
        words = f"contains {SAID[ch]};" if ch in SAID else f"contains a control character (U+{ord(ch):04X})"
        assert error is not None and words in str(error), repr(ch)
        assert_printable_lines(str(error))


def test_escape_sequences_never_reach_the_terminal_from_a_file(tmp_path: Path, capsys) -> None:
    path = tmp_path / "circuit.toml"
    path.write_text(circuit_text(exercise="Squat\x1b[2J\x1b]0;pwned\x07"), encoding="utf-8")
    assert cli.main(["check", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"{path}: station 1: exercise contains a control character (U+001B); remove it\n"


@pytest.mark.parametrize("key", ["work", "rest", "load", "lift", "units", "sets", "cadence", "cues", "reps",
                                 "unknown", "formula", "e1rm key"])  # fmt: skip
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=50))
def test_values_and_keys_echoed_in_errors_are_escaped_and_short(tmp_path: Path, key: str, text: str) -> None:
    body = circuit_text()
    if key == "unknown":
        doc = body.replace('load = "bodyweight"', f'load = "bodyweight"\n{toml_string(text)} = 1')
    elif key == "e1rm key":
        doc = body + f"[e1rm]\n{toml_string(text)} = 100\n"
    elif key == "formula":
        doc = body + f"[e1rm]\nsquat = {{ weight = 100, reps = 5, formula = {toml_string(text)} }}\n"
    elif key == "units":
        doc = f"units = {toml_string(text)}\n{body}"
    elif key in ("work", "rest", "cues"):
        old = {"work": 'work = "20s"', "rest": 'rest = "10s"', "cues": 'cues = ["Chest up"]'}[key]
        doc = body.replace(old, f"{key} = {toml_string(text)}", 1)
    else:  # load, lift, sets, cadence, reps: in place of the station's load
        doc = body.replace('load = "bodyweight"', f"{key} = {toml_string(text)}", 1)
    path = tmp_path / "circuit.toml"
    path.write_text(doc, encoding="utf-8")
    try:
        load_circuit(path)
    except InputError as exc:
        assert_printable_lines(str(exc), max_line=len(str(path)) + 250)


def test_a_lone_surrogate_cannot_even_be_written(tmp_path: Path) -> None:
    path = tmp_path / "circuit.toml"
    path.write_text(circuit_text().replace('"Plain"', '"A\\ud800"'), encoding="utf-8")
    with pytest.raises(InputError, match="TOML syntax error"):
        load_circuit(path)


# ---------------------------------------------------------------- shown literally by check and plan

HOSTILE = {
    "name": "[bold]Ann's[/] circuit [/] 🏋️‍♀️",
    "notes": "[red]not red[/red]\n\tסקוואט עם משקולת\n[@click=app.quit]no click[/]",
    "exercise": "深蹲" * 30,  # 60 wide characters: 120 columns
    "cue": "[@click=app.quit]Go · \\x1b[31m not an escape · e\u0301\u0301\u0301",
    "part": "Sq\u200bu\u200ca\u200dt\u2060 סקוואט\u200f 🏃‍♂️🏃‍♂️",
}


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.toml"
    path.write_text(circuit_text(**HOSTILE), encoding="utf-8")
    return path


def test_check_and_plan_print_hostile_names_literally(hostile_file: Path, tmp_path: Path, capsys) -> None:
    athlete = tmp_path / "ann.toml"
    athlete.write_text('name = "Ann [/] [@click=app.quit]"\nunits = "kg"\n', encoding="utf-8")
    assert cli.main(["check", str(hostile_file), "--athlete", str(athlete)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"OK {HOSTILE['name']}: 1 round × 2 stations")
    assert HOSTILE["exercise"] in out  # in the warnings about work-set lengths
    assert cli.main(["plan", str(hostile_file), "--athlete", str(athlete)]) == 0
    out = capsys.readouterr().out
    assert "(athlete: Ann [/] [@click=app.quit])" in out
    assert HOSTILE["exercise"][:30] in out and HOSTILE["part"][:30] in out
    assert "\x1b" not in out
    assert cli.main(["plan", str(hostile_file), "--json"]) == 0
    phases = json.loads(capsys.readouterr().out)["phases"]
    assert {p["exercise"] for p in phases if p["kind"] == "work"} == {HOSTILE["exercise"], HOSTILE["part"]}


# ---------------------------------------------------------------- shown literally on screen, layout intact


def countdown_geometry(app: App) -> tuple[Any, Any, list[str]]:
    screen = app.screen
    assert isinstance(screen, RunScreen)
    digits = screen.query_one("#countdown", BigDigits)
    return digits.region, digits.content_size, digits.lines()


async def walk(plan, size: tuple[int, int], tmp_path: Path) -> tuple[list[tuple], list[str]]:
    """Run a plan at `size` through prepare, work, rest and the part; the countdown's geometry and the
    screen text at each step."""
    clock = FakeClock()
    app = make_app(plan, clock=clock, voice=False, log_path=tmp_path / "log.jsonl", flash_s=0)
    geometry, texts = [], []
    async with started(app, size) as pilot:
        assert isinstance(app.screen, OverviewScreen)
        texts.append(screen_text(app))
        await pilot.press("enter")
        await pilot.pause()
        for step in (1, 6, 20, 5, 12):  # prepare, work, rest, rest, part
            await at(pilot, clock, step)
            region, content, lines = countdown_geometry(app)
            geometry.append((region, content))
            assert app.screen.region.contains_region(region), (region, app.screen.region)
            assert set("".join(lines)) <= set(" ▀▄█"), lines  # block digits, not the squeezed text fallback
            texts.append(screen_text(app))
            assert app.is_running
        await at(pilot, clock, 60)
        assert isinstance(app.screen, SummaryScreen)
        texts.append(screen_text(app))
        assert app.is_running
    return geometry, texts


@pytest.mark.parametrize("size", [(60, 20), (40, 12), (100, 30)])
async def test_hostile_names_leave_the_countdown_exactly_where_plain_names_do(
    hostile_file: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    """A 60-character CJK name at 60×20 must not push the countdown off screen or shrink it."""
    plain = tmp_path / "plain.toml"
    plain.write_text(circuit_text(part="Lunge"), encoding="utf-8")
    plain_geometry, _ = await walk(build_plan(load_circuit(plain)), size, tmp_path)
    hostile_geometry, texts = await walk(build_plan(load_circuit(hostile_file)), size, tmp_path)
    assert hostile_geometry == plain_geometry
    if size[0] >= 60:
        overview, _prepare, work, rest, _, _part, summary = texts
        assert HOSTILE["name"] in overview and "[@click=app.quit]no click[/]" in overview
        assert "深蹲深蹲深蹲" in work
        if size[1] >= 26:  # the coach's cues are the first row to give way on a short terminal
            assert "[@click=app.quit]Go" in work
        assert "Sq\u200bu\u200ca\u200dt\u2060" in rest  # what comes next, drawn as written
        assert "深蹲深蹲深蹲" in summary


async def test_a_long_wide_name_does_not_hide_the_reps_being_typed(hostile_file: Path) -> None:
    """At 40×12 the big rep count is hidden and the entry line held the 60-character name first: the
    count typed after it was cut off the screen."""
    clock = FakeClock()
    app = make_app(build_plan(load_circuit(hostile_file)), clock=clock, voice=False, flash_s=0)
    async with started(app, (40, 12)) as pilot:
        await pilot.press("enter")
        await at(pilot, clock, 6)
        await pilot.press("space", "space")
        await at(pilot, clock, 20)  # into the rest: correct the set
        await pilot.press("1", "7")
        await pilot.pause()
        assert "reps: 17" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert "reps: 17" in screen_text(app) and "saved" in screen_text(app)


async def test_markup_in_an_athlete_name_is_literal_on_the_overview(
    hostile_file: Path, tmp_path: Path
) -> None:
    athlete = tmp_path / "ann.toml"
    athlete.write_text('name = "[@click=app.quit]Ann [/]"\nunits = "kg"\n', encoding="utf-8")
    plan = build_plan(load_circuit(hostile_file), load_athlete(athlete))
    app = make_app(plan, clock=FakeClock(), voice=False)
    async with started(app, (80, 24)) as pilot:
        assert "Athlete: [@click=app.quit]Ann [/]" in screen_text(app)
        await pilot.click("#overview-athlete")
        await pilot.pause()
        assert app.is_running


async def test_file_names_in_the_picker_are_escaped(tmp_path: Path) -> None:
    """File names are not checked like file contents: an ESC in a name reached the terminal (picker)."""
    good = circuit_text(name="Good one")
    (tmp_path / "ok\x1b[31mred\x07.toml").write_text(good, encoding="utf-8")
    (tmp_path / "bad\x1b]0;pwned\x07.toml").write_text('name = "x"\n[[station]]\n', encoding="utf-8")
    (tmp_path / "line\nbreak.toml").write_text(good, encoding="utf-8")
    app = make_app(None, clock=FakeClock(), voice=False, cwd=tmp_path)
    async with started(app, (140, 30)):
        text = screen_text(app)
        assert "\x1b" not in text and "\x07" not in text
        assert "bad\\u001b]0;pwned\\u0007.toml  cannot be used" in text
        assert "ok\\u001b[31mred\\u0007.toml" in text and "line\\u000abreak.toml" in text
        assert "\x1b" not in app.export_screenshot()
