"""Hostile files: circuit files, athlete profiles and `--log` paths that try to crash, hang or flood the app.

Whatever the file or path, the answer is a model or a clean error with one line per problem: never a
traceback, a hang (reading stops at 1 MiB; devices and pipes are refused before they are opened) or a
memory blow-up. A few cases also run the real command in a subprocess to check exit codes and stderr.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import subprocess
import sys
import threading
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, circuit_text
from timer import replog, text
from timer.circuit import MAX_PROBLEMS, Athlete, Circuit, load_athlete, load_circuit
from timer.circuit import reading as circuit_module
from timer.errors import InputError, LogError
from timer.plan import MAX_WORK_PHASES, build_plan
from timer.replog import SessionLog, check_writable, prepare_log_path

VALID = circuit_text("hostile-valid")
ATHLETE = 'name = "Ann"\nunits = "kg"\n[e1rm]\nsquat = 120\n'
LOADERS: dict[str, Callable[[Path], Any]] = {"circuit": load_circuit, "athlete": load_athlete}
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False
BIDI = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


# ---------------------------------------------------------------- helpers


def finishes(fn: Callable[[], Any], seconds: float = 10.0) -> Any:
    """Run `fn` in a thread and fail (instead of hanging the suite) if it has not returned in time."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed back to the test below
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s: a hang"
    if "error" in box:
        raise box["error"]
    return box.get("value")


def assert_clean(message: str, label: str | None = None, *, max_line: int = 400) -> None:
    """One plain line per problem: no traceback, no escape sequence or control character, no flood."""
    assert message and "Traceback" not in message
    for line in message.splitlines():
        assert line.isprintable(), repr(line)  # no ESC, BEL, NUL, U+2028, bidi overrides...
        assert not BIDI & set(line)
        assert len(line) <= max_line, f"a {len(line)}-character line"
        if label is not None:
            assert line.startswith(label), (line, label)


def load_or_clean_error(loader: Callable[[Path], Any], path: Path, label: str | None = None) -> Any:
    """The model, or None after checking the error is clean."""
    try:
        return finishes(lambda: loader(path))
    except InputError as exc:
        assert_clean(str(exc), label)
        return None


def write(tmp_path: Path, raw: bytes, name: str = "hostile.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize("kind", list(LOADERS))
def test_an_integer_of_thousands_of_digits_is_a_clean_error(tmp_path: Path, kind: str) -> None:
    # tomllib lets Python's "Exceeds the limit (4300 digits)" ValueError through: it was a traceback.
    path = write(tmp_path, b'name = "x"\nrounds = ' + b"9" * 5000 + b"\n")
    with pytest.raises(InputError) as caught:
        LOADERS[kind](path)
    assert (
        str(caught.value)
        == f"{path}: holds a number too long to read (thousands of digits); no value needs so many"
    )


NUMERIC_KEYS = [
    "prepare",
    "rounds",
    "round_rest",
    "increment",
    "work",
    "rest",
    "sets",
    "cadence",
    "reps",
    "e1rm",
]
huge_numbers = st.one_of(
    st.integers(min_value=-(2**64), max_value=2**64),
    st.sampled_from([2**63 - 1, -(2**63), 0, -0, 10**18, 3601, 3600, 51, 1001]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["1e999", "-1e999", "inf", "-inf", "nan", "+nan", "0x7fffffffffffffff", "1_000_000", "0o777"]
    ),
)


def with_value(key: str, text: str) -> str:
    """VALID with `key` (top level, in [e1rm] or in the station) set to the TOML text `text`."""
    if key == "e1rm":
        return VALID.replace("squat = 100", f"squat = {text}")
    if key in ("prepare", "rounds", "round_rest", "increment"):
        body = "\n".join(line for line in VALID.splitlines() if not line.startswith(("prepare", "rounds")))
        return f"{key} = {text}\n{body}\n"
    body = "\n".join(line for line in VALID.splitlines() if not line.startswith(f"{key} ="))
    return f"{body}\n{key} = {text}\n"  # the station is the last table


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(NUMERIC_KEYS), value=huge_numbers)
def test_any_number_anywhere_gives_a_model_or_a_clean_error(tmp_path: Path, key: str, value: Any) -> None:
    text = value if isinstance(value, str) else repr(value)
    path = write(tmp_path, with_value(key, text).encode())
    model = load_or_clean_error(load_circuit, path, str(path))
    if model is not None:
        try:
            plan = build_plan(model, label=str(path))
        except InputError as exc:
            assert_clean(str(exc), str(path))
            return
        assert 0 < plan.total_s <= 2 * MAX_WORK_PHASES * 3600 + 3600


positive = st.floats(min_value=0, max_value=3000, allow_nan=False, allow_infinity=False) | st.sampled_from(
    [5e-324, 2.2250738585072014e-308, 1e-300, 0.001, 0.01, 2000.0, 1999.9999999999998]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    e1rm=positive,
    load=positive,
    increment=positive,
    units=st.sampled_from(["kg", "lb"]),
    athlete=st.none() | st.tuples(st.sampled_from(["kg", "lb"]), positive, positive),
    percent=st.booleans(),
)
def test_extreme_loads_e1rms_and_increments_plan_or_fail_cleanly(
    tmp_path: Path, e1rm: float, load: float, increment: float, units: str, athlete: Any, percent: bool
) -> None:
    """An increment of 2.2e-308 (more than 0, so it passed) made `value / increment` infinite: a traceback."""
    load_text = f"{load!r}%" if percent else f"{load!r} {units}"
    doc = VALID.replace("squat = 100", f"squat = {e1rm!r}").replace('load = "30%"', f'load = "{load_text}"')
    path = write(tmp_path, f"units = {json.dumps(units)}\nincrement = {increment!r}\n{doc}".encode())
    model = load_or_clean_error(load_circuit, path, str(path))
    profile = None
    if athlete is not None:
        a_units, a_e1rm, a_increment = athlete
        a_path = write(
            tmp_path,
            f'name = "A"\nunits = "{a_units}"\nincrement = {a_increment!r}\n'
            f"[e1rm]\nsquat = {a_e1rm!r}\n".encode(),
            "a.toml",
        )
        profile = load_or_clean_error(load_athlete, a_path, str(a_path))
    if model is None:
        return
    try:
        plan = build_plan(model, profile, label=str(path))
    except InputError as exc:
        assert_clean(str(exc))
        assert all(line.startswith((str(path), "athlete profile")) for line in str(exc).splitlines())
        return
    for phase in plan.phases:
        for number in (phase.load, phase.pct_e1rm):
            assert number is None or (number == number and abs(number) != float("inf")), phase
        assert phase.load_text().isprintable()
    for warning in plan.warnings:
        assert_clean(warning)


# ---------------------------------------------------------------- nesting, length, floods


@pytest.mark.parametrize(
    "raw",
    [
        b"name = " + b"[" * 200_000 + b"]" * 200_000,
        b"x = " + b"{a = " * 100_000 + b"1" + b"}" * 100_000,
        b"[" + b"a." * 150_000 + b"b]\nx = 1\n",
        b"a" + b".a" * 300_000 + b" = 1\n",
        b"[[station]]\n" + b"[[station.part]]\n" * 60_000,
        b"x = [" + b"[1, {a = [2, {b = 3}]}], " * 20_000 + b"]\n",
    ],
    ids=["arrays", "inline tables", "table header", "dotted key", "array tables", "mixed"],
)
@pytest.mark.parametrize("kind", list(LOADERS))
def test_deep_or_wide_nesting_is_a_model_or_a_clean_error_in_time(
    tmp_path: Path, raw: bytes, kind: str
) -> None:
    path = write(tmp_path, raw[: 1 << 20])
    assert load_or_clean_error(LOADERS[kind], path, str(path)) is None


def fill(head: bytes, part: Callable[[int], bytes], limit: int = 1 << 20) -> bytes:
    """`head` plus as many `part(i)` as fit in `limit` bytes (whole parts only)."""
    out, i = bytearray(head), 0
    while len(out) + len(chunk := part(i)) <= limit:
        out += chunk
        i += 1
    return bytes(out)


@pytest.mark.parametrize(
    "raw",
    [
        fill(b'name = "x"\n', lambda i: b"k%d = 1\n" % i),
        fill(b'name = "x"\n[e1rm]\n', lambda i: b"k%d = 'x'\n" % i),
        fill(b'name = "x"\n[e1rm]\n', lambda i: b"k%d = {weight = 'x', reps = 99, formula = 'q'}\n" % i),
        fill(b'name = "x"\n', lambda i: b"[[station]]\nexercise = 1\nwork = 'x'\nzz = 1\n"),
        b'name = "x"\n"' + b"k" * 1_000_000 + b'" = 1\n',
        b'name = "' + b"n" * 1_000_000 + b'"\n',
        b'name = "x"\n[[station]]\nexercise = "a"\nwork = "' + b"9" * 1_000_000 + b'"\n',
        b"# " + b"c" * 1_000_000 + b"\n",
    ],
    ids=[
        "unknown keys",
        "bad e1rm values",
        "bad e1rm tables",
        "bad stations",
        "long key",
        "long name",
        "long duration",
        "long comment",
    ],
)
def test_a_file_full_of_mistakes_gives_a_short_report_quickly(tmp_path: Path, raw: bytes) -> None:
    """Tens of thousands of mistakes (or megabyte values) gave megabytes of errors; now 20 short lines."""
    path = write(tmp_path, raw)
    assert len(raw) <= 1 << 20
    with pytest.raises(InputError) as caught:
        finishes(lambda: load_circuit(path), 10)
    message = str(caught.value)
    assert_clean(message, str(path), max_line=300)
    assert len(message.splitlines()) <= MAX_PROBLEMS + 1


def test_every_distinct_unknown_key_is_reported(write_toml) -> None:
    """Only the first unknown key per place was reported (the others were merged away as duplicates)."""
    path = write_toml('nmae = "x"\nrouns = 2\n[[station]]\nexercise = "a"\nwork = 90\nrset = 3\nsetz = 2\n')
    with pytest.raises(InputError) as caught:
        load_circuit(path)
    lines = str(caught.value).splitlines()
    for key in ("nmae", "rouns", "rset", "setz"):
        assert sum(f'unknown key "{key}"' in line for line in lines) == 1, key


@pytest.mark.parametrize(
    ("rounds", "sets", "parts"),
    [(50, 20, 0), (50, 20, 20), (20, 1, 0)],
    ids=["100 000 sets", "2 million parts", "2000 sets: the most allowed"],
)
def test_a_small_file_cannot_ask_for_millions_of_phases(
    tmp_path: Path, rounds: int, sets: int, parts: int
) -> None:
    """Every count within its own limit, multiplied out: 50 rounds x 100 stations x 20 sets x 20 parts made
    `check` build a 2-million-phase plan from a 100 KB file (600 MB for the 100 000-set one)."""
    part = "".join('[[station.part]]\nexercise = "p"\nwork = "10s"\n' for _ in range(parts))
    work = "" if parts else 'work = "1:00"\n'
    station = (
        f'[[station]]\nexercise = "S"\n{work}rest = "30s"\nsets = {sets}\ncues = ["a", "b", "c"]\n{part}'
    )
    path = write(tmp_path, f'name = "Max"\nrounds = {rounds}\n{station * 100}'.encode())
    circuit = load_circuit(path)
    tracemalloc.start()
    try:
        try:
            plan = build_plan(circuit, label=str(path))
        except InputError as exc:
            assert str(exc).startswith(f"{path}: has {rounds * 100 * sets * max(1, parts)} timed sets in all")
            plan = None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MiB"
    if plan is not None:
        assert sum(p.is_work for p in plan.phases) == MAX_WORK_PHASES


def test_loading_a_pathological_mebibyte_keeps_memory_bounded(tmp_path: Path) -> None:
    raw = fill(b'name = "x"\n', lambda i: b"[[station]]\nexercise = 'a'\nwork = 90\ncues = ['x', 'y']\n")
    path = write(tmp_path, raw)
    tracemalloc.start()
    try:
        load_or_clean_error(load_circuit, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 150 * 2**20, f"{peak / 2**20:.0f} MiB to read a 1 MiB file"


def test_files_over_one_mib_and_files_that_grow_are_refused(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, b"# " + b"x" * (1 << 20) + b"\n")
    with pytest.raises(InputError, match="at most 1 MiB"):
        load_circuit(path)
    # A file that grows between the size check and the read (or reports size 0, like /proc files) is cut at
    # 1 MiB + 1 byte and refused: the size check alone is not trusted.
    real_stat = os.stat

    def small_stat(target: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        info = real_stat(target, *args, **kwargs)
        if Path(target) == path:
            return os.stat_result((info.st_mode, *info[1:6], 10, *info[7:10]))
        return info

    monkeypatch.setattr(circuit_module.os, "stat", small_stat)
    with pytest.raises(InputError, match="larger than 1 MiB"):
        load_circuit(path)


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("\ufeff" + VALID, True),  # UTF-8 with a byte-order mark: fine
        ("\ufeff" + VALID, "utf-16"),
        ("\ufeff" + VALID, "utf-16-be"),
        ("\ufeff" + VALID, "utf-32"),
        (VALID, "latin-1-name"),
        (VALID, "overlong"),
        (VALID, "surrogate"),
        (VALID, "truncated"),
        (VALID, "nul"),
    ],
    ids=[
        "utf-8 bom",
        "utf-16 le bom",
        "utf-16 be bom",
        "utf-32",
        "latin-1",
        "overlong",
        "surrogate",
        "truncated sequence",
        "nul byte",
    ],
)
@pytest.mark.parametrize("kind", list(LOADERS))
def test_encodings(tmp_path: Path, raw: str, ok: bool | str, kind: str) -> None:
    text = raw if kind == "circuit" else raw.replace(VALID, ATHLETE)
    data = {
        True: lambda: text.encode("utf-8"),
        "utf-16": lambda: text.encode("utf-16-le"),
        "utf-16-be": lambda: text.encode("utf-16-be"),
        "utf-32": lambda: text.encode("utf-32"),
        "latin-1-name": lambda: (
            text.replace('"Hostile test"', '"Müller"').replace('"Ann"', '"Müller"').encode("latin-1")
        ),
        "overlong": lambda: text.encode() + b'notes = "\xc0\xaf"\n',
        "surrogate": lambda: text.encode() + b'notes = "\xed\xa0\x80"\n',
        "truncated": lambda: text.encode() + b'notes = "\xe2\x82"\n',
        "nul": lambda: text.encode() + b'notes = "a\x00b"\n',
    }[ok]()
    path = write(tmp_path, data)
    model = load_or_clean_error(LOADERS[kind], path, str(path))
    if ok is True:
        assert isinstance(model, (Circuit, Athlete))
    else:
        assert model is None


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.encode() + b'notes = "\xff"\n')
    with pytest.raises(InputError) as caught:
        load_circuit(path)
    assert (
        str(caught.value)
        == f"{path}: line {VALID.count(chr(10)) + 1}: is not UTF-8 text; save it as UTF-8 in your editor"
    )


# ---------------------------------------------------------------- things that are not files


def _fifo(d: Path) -> Path:
    os.mkfifo(d / "pipe.toml")
    return d / "pipe.toml"


def _link(to: Callable[[Path], Path]) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        target = to(d)
        (d / "link.toml").symlink_to(target)
        return d / "link.toml"

    return make


def _loop(d: Path) -> Path:
    (d / "a.toml").symlink_to(d / "b.toml")
    (d / "b.toml").symlink_to(d / "a.toml")
    return d / "a.toml"


NOT_FILES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("folder", lambda d: d, "is a folder, not a circuit file"),
    ("fifo", _fifo, "is not a regular file"),
    ("dev zero", lambda d: Path("/dev/zero"), "is not a regular file"),
    ("dev null", lambda d: Path("/dev/null"), "is not a regular file"),
    ("dev urandom", lambda d: Path("/dev/urandom"), "is not a regular file"),
    ("link to folder", _link(lambda d: d), "is a folder"),
    ("link to fifo", _link(_fifo), "is not a regular file"),
    ("link to dev zero", _link(lambda d: Path("/dev/zero")), "is not a regular file"),
    ("dangling link", _link(lambda d: d / "gone.toml"), "no such file"),
    ("link loop", _loop, "cannot be read (too many levels of symbolic links)"),
    ("missing", lambda d: d / "nope.toml", "no such file; check the name and folder"),
    ("under a file", lambda d: write(d, b"x", "f") / "c.toml", "cannot be read (not a directory)"),
    ("name too long", lambda d: d / ("n" * 300 + ".toml"), "cannot be read (file name too long)"),
    ("path too long", lambda d: Path(str(d) + ("/" + "p" * 200) * 25), "cannot be read (file name too long)"),
    ("proc status", lambda d: Path("/proc/self/status"), "TOML syntax error"),
]


@pytest.mark.parametrize(("make", "words"), [c[1:] for c in NOT_FILES], ids=[c[0] for c in NOT_FILES])
@pytest.mark.parametrize("kind", list(LOADERS))
def test_things_that_are_not_circuit_files(tmp_path: Path, make, words: str, kind: str) -> None:
    path = make(tmp_path)
    if str(path).startswith("/proc") and not Path("/proc/self/status").exists():
        pytest.skip("no /proc here")
    with pytest.raises(InputError) as caught:
        finishes(lambda: LOADERS[kind](path), 5)  # a FIFO or /dev/zero must not block or fill memory
    assert_clean(str(caught.value), str(path)[:40], max_line=len(str(path)) + 200)
    assert words.lower() in str(caught.value).lower()


@pytest.mark.skipif(ROOT, reason="root reads any file; the monkeypatched test below covers it")
def test_an_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.encode())
    path.chmod(0)
    with pytest.raises(InputError, match=r"(?i)cannot be read \(permission denied\)"):
        load_circuit(path)


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "cannot be read (permission denied)"),
        (OSError(errno.EIO, "Input/output error"), "cannot be read (input/output error)"),
    ],
)
@pytest.mark.parametrize("kind", list(LOADERS))
def test_a_file_that_fails_to_open_or_read(
    tmp_path: Path, monkeypatch, error: OSError, words: str, kind: str
) -> None:
    """As root a chmod 000 file is still readable, so the refusal comes from a stand-in `open`."""
    path = write(tmp_path, VALID.encode())

    def failing_open(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(circuit_module, "open", failing_open, raising=False)
    with pytest.raises(InputError) as caught:
        LOADERS[kind](path)
    assert str(caught.value).lower() == f"{path}: {words}"


@pytest.mark.parametrize(
    "name", ["a\nb.toml", "x\x1b[31mred\x1b[0m.toml", "bell\x07.toml", "rtl\u202eexe.toml"]
)
@pytest.mark.parametrize("exists", [True, False])
def test_file_names_with_control_characters_are_escaped_in_messages(
    tmp_path: Path, name: str, exists: bool
) -> None:
    path = tmp_path / name
    if exists:
        path.write_text('name = "x"\n', encoding="utf-8")  # no stations: an error naming the file
    with pytest.raises(InputError) as caught:
        load_circuit(path)
    message = str(caught.value)
    assert_clean(message)
    assert len(message.splitlines()) == len(caught.value.problems)
    assert "\\u" in message.split(": ")[0]


def test_a_valid_circuit_under_a_strange_name_plans_with_clean_warnings(tmp_path: Path) -> None:
    path = tmp_path / "odd\nname\x1b[2J.toml"
    path.write_text(VALID.replace('work = "2:00"', 'work = "20s"'), encoding="utf-8")
    plan = build_plan(load_circuit(path), label=str(path))
    assert plan.warnings
    for warning in plan.warnings:
        assert_clean(warning)


# ---------------------------------------------------------------- --log paths


def _newer(d: Path) -> Path:
    path = d / "newer.jsonl"
    path.write_text(json.dumps({"v": 2, "type": "session_start", "session": "s", "t": 0}) + "\n")
    return path


def _write_bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        return write(d, data, name)

    return make


LOG_PATHS: list[tuple[str, Callable[[Path], Path], str]] = [
    ("folder", lambda d: d, "is a folder; give a file inside it"),
    (
        "fifo",
        lambda d: (os.mkfifo(d / "p.jsonl"), d / "p.jsonl")[1],
        "is not a regular file (a device or a pipe)",
    ),
    ("dev full", lambda d: Path("/dev/full"), "is not a regular file"),
    ("dev zero", lambda d: Path("/dev/zero"), "is not a regular file"),
    ("dev null", lambda d: Path("/dev/null"), "is not a regular file"),
    ("link to dev full", _link(lambda d: Path("/dev/full")), "is not a regular file"),
    ("missing folder", lambda d: d / "nope" / "log.jsonl", "does not exist. Create it"),
    ("under a file", lambda d: write(d, b"x", "f") / "log.jsonl", "is a file, not a folder"),
    ("newline", lambda d: d / "a\nb.jsonl", "contains a control character (U+000A)"),
    ("escape", lambda d: d / "x\x1b[2J.jsonl", "contains a control character (U+001B)"),
    ("c1 control", lambda d: d / "x\x9b2J.jsonl", "contains a control character (U+009B)"),
    ("name too long", lambda d: d / ("n" * 300 + ".jsonl"), "file name too long"),
    ("path too long", lambda d: Path(str(d) + ("/" + "p" * 200) * 25), "file name too long"),
    ("newer version", _newer, "written by a newer circuit-timer (log format version 2)"),
    (
        "another program",
        _write_bytes("o.jsonl", b'{"level": "info", "msg": "hi"}\n' * 5),
        "does not look like",
    ),
    ("binary junk", _write_bytes("b.jsonl", bytes(range(256)) * 300), "does not look like"),
    ("one huge line", _write_bytes("h.jsonl", b"x" * (200 * 1024)), "does not look like"),
    ("nul bytes", _write_bytes("n.jsonl", b"\x00" * 100_000), "does not look like"),
]


@pytest.mark.parametrize(("make", "words"), [c[1:] for c in LOG_PATHS], ids=[c[0] for c in LOG_PATHS])
def test_log_paths_that_cannot_take_a_log(tmp_path: Path, make, words: str) -> None:
    path = make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    try:
        content = path.read_bytes() if path.is_file() else None
    except OSError:  # a name too long for the system
        content = None
    with pytest.raises(LogError) as caught:
        finishes(lambda: prepare_log_path(str(path)), 5)
    message = str(caught.value)
    assert_clean(message, max_line=6000)
    assert len(message.splitlines()) == 1
    assert words in message
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing created
    if content is not None:
        assert path.read_bytes() == content  # nothing written


def test_a_log_path_with_control_characters_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(replog.ENV_VAR, str(tmp_path / "l\x1b]0;pwn\x07.jsonl"))
    with pytest.raises(LogError) as caught:
        prepare_log_path(None)
    assert_clean(str(caught.value))
    assert list(tmp_path.iterdir()) == []


def test_a_session_log_on_a_full_device_keeps_every_record_in_memory(
    tmp_path: Path, monkeypatch, plan
) -> None:
    """Real ENOSPC from /dev/full (the path check, which refuses devices, is bypassed to get there)."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    monkeypatch.setattr(replog.writer, "check_writable", lambda path: None)
    log = SessionLog("/dev/full", clock_start=0.0)
    assert log.start(plan, now=0.0) is False
    assert log.failed and "no space left on device" in (log.last_error or "")
    assert log.rep(1.0, 1) is False
    assert [r["type"] for r in log.pending] == ["session_start", "rep"]
    target = tmp_path / "saved.jsonl"
    log.save_pending_to(target)
    assert not log.failed and len(target.read_text().splitlines()) == 2


@pytest.fixture
def plan(write_toml):
    return build_plan(load_circuit(write_toml(VALID)))


def test_check_writable_never_follows_into_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p")
    with pytest.raises(LogError):
        finishes(lambda: check_writable(tmp_path / "p"), 5)


# ---------------------------------------------------------------- the real command


def run_cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "timer", *args],
        capture_output=True,
        text=True,
        timeout=timeout,  # a hang fails the test instead of blocking the suite
        cwd=REPO,
        env={**os.environ, "CIRCUIT_TIMER_LOG": "/nonexistent-folder/log.jsonl"},
        errors="replace",
    )


def test_cli_check_and_plan_on_hostile_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.toml")
    files = [
        str(write(tmp_path, b'name = "x"\nrounds = ' + b"9" * 5000 + b"\n", "bigint.toml")),
        str(tmp_path / "pipe.toml"),
        "/dev/zero",
        str(tmp_path),
        str(write(tmp_path, b"name = " + b"[" * 100_000, "deep.toml")),
        str(
            write(
                tmp_path,
                b'name = "x"\n[[station]]\nexercise = "a"\nwork = "1\\u001b[2J"\n',
                "esc\x1b[31m.toml",
            )
        ),
        str(write(tmp_path, fill(b'name = "x"\n[e1rm]\n', lambda i: b"k%d = 'x'\n" % i), "flood.toml")),
        str(write(tmp_path, "\ufeffname = 'x'\n".encode("utf-16"), "utf16.toml")),
    ]
    result = run_cli("check", *files)
    assert result.returncode == 1
    assert result.stdout == ""
    assert_clean(result.stderr, max_line=300)
    assert len(result.stderr.splitlines()) < 50
    for file in files:
        assert text.printable(file) in result.stderr
    commands = [
        ["plan", files[1]],
        ["plan", "/dev/zero", "--json"],
        ["run", files[0]],
        ["plan", files[2], "--athlete", files[1]],
    ]
    for command in commands:
        result = run_cli(*command)
        assert result.returncode == 1, command
        assert result.stdout == "" and result.stderr.count("\n") == 1, command
        assert_clean(result.stderr)


def test_cli_run_refuses_bad_logs_before_any_screen(tmp_path: Path) -> None:
    circuit = write(tmp_path, VALID.encode(), "ok.toml")
    newer = _newer(tmp_path)
    before = newer.read_bytes()
    os.mkfifo(tmp_path / "pipe.jsonl")
    for log in (
        str(tmp_path),
        str(tmp_path / "pipe.jsonl"),
        "/dev/full",
        str(newer),
        str(tmp_path / "a\nb.jsonl"),
    ):
        result = run_cli("run", str(circuit), "--log", log, "--mute", "--no-voice")
        assert result.returncode == 1, log
        assert result.stdout == "", log  # no screen was drawn
        assert result.stderr.count("\n") == 1, result.stderr
        assert_clean(result.stderr, max_line=1000)
    assert newer.read_bytes() == before


def test_cli_history_on_hostile_logs(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jsonl")
    for log in (str(tmp_path / "pipe.jsonl"), "/dev/zero", str(tmp_path), "x" * 5000):
        result = run_cli("history", "--log", log)
        assert "Traceback" not in result.stderr, log
        assert result.returncode in (0, 1), log
        assert_clean(result.stderr or "ok", max_line=6000)


# ---------------------------------------------------------------- issue 14: items 6 and 10


def test_a_file_just_over_the_limit_says_over_1_mib(tmp_path: Path) -> None:
    """1 MiB + 1 byte was refused as "is 1.0 MiB; a circuit file may be at most 1 MiB"."""
    path = write(tmp_path, b"#" * (1 << 20) + b"\n")
    with pytest.raises(InputError) as caught:
        load_circuit(path)
    assert (
        str(caught.value) == f"{path}: is over 1 MiB (1,048,577 bytes); a circuit file may be at most 1 MiB"
    )


def test_a_file_swapped_for_a_pipe_after_the_check_is_refused_without_blocking(
    tmp_path: Path, monkeypatch
) -> None:
    """`read_toml` checked the path, then opened it blocking: a FIFO put there in between (or a stat that
    lies) hung it waiting for a writer. It opens with O_NONBLOCK and checks the open file, as the log reader
    does."""
    fifo = tmp_path / "swapped.toml"
    os.mkfifo(fifo)
    regular = os.stat(write(tmp_path, VALID.encode(), "regular.toml"))
    real_stat = os.stat
    monkeypatch.setattr(
        circuit_module.os, "stat", lambda p, *a, **k: regular if Path(p) == fifo else real_stat(p, *a, **k)
    )
    try:
        with pytest.raises(InputError, match="is not a regular file"):
            finishes(lambda: load_circuit(fifo))
    finally:  # let a reader stuck in open() (the bug) go, so the thread ends
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def _no_parse(monkeypatch) -> None:
    def refuse(text: str) -> None:
        raise AssertionError("tomllib was reached: the guard let the chain through")

    monkeypatch.setattr(circuit_module.tomllib, "loads", refuse)


@pytest.mark.parametrize(
    "raw",
    [
        "a" + ".a" * 32 + " = 1\n",
        "[" + " . ".join(["k"] * 33) + "]\n",
        "x = 1\n" + '"q.q".' * 32 + "'x' = 1\n",
        "x = { y = 1, " + "b." * 32 + "b = 1 }\n",
        '# a "quote in a comment\n' + "a." * 32 + "a = 1\n",
        'x = "an \\" escaped quote"\n' + "a." * 32 + "a = 1\n",
        'x = """ \\""" """\n' + "a." * 32 + 'a = 1\ny = """ x """\n',
        'x = {a = """x"""", ' + "b." * 32 + "b = 1}\n",
        "x = '''it's'''\n" + "a." * 32 + "a = 1\n",
    ],
    ids=["bare", "header", "quoted", "inline", "comment", "escape", "multi-line", "quotes", "literal"],
)
def test_a_dotted_key_deeper_than_tables_may_nest_is_refused_before_parsing(
    tmp_path: Path, raw: str, monkeypatch
) -> None:
    """33 parts nest tables 33 deep, which is refused anyway: it is refused before tomllib spends its
    quadratic time on it, wherever it sits and whatever quotes come before it on the line or in the file."""
    _no_parse(monkeypatch)
    with pytest.raises(InputError, match="nested too deeply"):
        load_circuit(write(tmp_path, raw.encode()))


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("".join(f"k{i}." + "a." * 30 + "a = 1\n" for i in range(700)), "20,000 parts of dotted keys"),
        ("".join(f"[k{i}." + "a." * 30 + "a]\n" for i in range(700)), "20,000 parts of dotted keys"),
        ("".join(f"x{i} = 1.5\n" for i in range(20_001)), "20,000 parts of dotted keys"),
        ("".join(f"[[k{i}]]\n" for i in range(5_001)), "5,000 [table] headers"),
    ],
    ids=["32-part keys", "32-part headers", "numbers", "headers"],
)
def test_more_keys_than_a_circuit_could_need_are_refused_before_parsing(
    tmp_path: Path, raw: str, why: str, monkeypatch
) -> None:
    """1 MiB of distinct 32-part keys (each allowed alone) cost tomllib 1.6 s, of 32-part headers 3.3 s: the
    guard counts every part and header in its one pass and refuses far beyond what any circuit holds."""
    _no_parse(monkeypatch)
    with pytest.raises(InputError, match=re.escape(why)):
        load_circuit(write(tmp_path, raw.encode()))


def test_a_circuit_near_the_key_budget_still_loads(tmp_path: Path) -> None:
    """Under both budgets (4,990 headers; 18,000 parts: x.y and 1.5 are two each), the file reaches the parser and the model."""
    raw = 'name = "Big"\n' + "".join(f"x{i}.y = 1.5\n" for i in range(4_500)) + "[[z]]\n" * 4_990
    with pytest.raises(InputError) as caught:
        load_circuit(write(tmp_path, raw.encode()))
    assert "far fewer" not in str(caught.value)  # refused by the model (no stations), not by the guard


@pytest.mark.parametrize(
    "raw",
    [
        'name = "x"\n'
        + "a." * 31
        + "a = 1\n",  # 32 parts: allowed through (the model then says what is wrong)
        'name = "' + "a." * 300 + '"\n',  # dots in a string are no key
        "# " + "a." * 300 + "\n",
        'notes = """\n' + "a." * 300 + '\n"""\n',
        "x = '" + "a." * 300 + "'\n",
    ],
    ids=["32 parts", "string", "comment", "multi-line string", "literal string"],
)
def test_dots_that_are_not_a_long_key_are_left_to_the_parser(tmp_path: Path, raw: str) -> None:
    with pytest.raises(InputError) as caught:
        load_circuit(write(tmp_path, raw.encode()))
    assert "nested too deeply" not in str(caught.value)
