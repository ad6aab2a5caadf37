"""Reading circuit and athlete files safely: regular files only, size and nesting limits, UTF-8, then the
models; every problem is collected into one InputError. No Textual here.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import (
    ValidationError,
)

from timer.circuit.messages import _problem, _wrong_union_branch
from timer.circuit.models import MAX_DEPTH, MAX_FILE_BYTES, MAX_PROBLEMS, Athlete, Circuit, _Model
from timer.errors import InputError, Problem
from timer.text import printable

_M = TypeVar("_M", bound=_Model)

# A dotted key of many parts (`a.a.a...`, or a `[a.a.a...]` header) takes tomllib quadratic time (it
# grows the key's tuple one part at a time): 150 000 parts fit in 1 MiB and take minutes. Such a chain is
# refused before parsing, by one left-to-right pass (`_costly_keys`) that reads strings and comments as
# TOML does, so a quote inside a string or a comment cannot hide a chain, and that never goes back: an
# earlier guard tried a 200-part match at every word and took 7-9 s on 1 MiB of 199-part chains.
MAX_KEY_PARTS = MAX_DEPTH + 1
"""A dotted key of this many parts or more is refused before parsing. Such a key nests tables deeper than
MAX_DEPTH, which is refused after parsing anyway; 200 parts, the earlier limit, still let 2600 distinct
199-part keys cost tomllib 5 s."""
MAX_KEY_PARTS_TOTAL = 20_000
"""All dotted keys and headers together hold at most this many parts. Each part costs tomllib about 5-10 µs,
so 1 MiB of distinct 32-part keys (a million parts) took it 1.6 s, of 32-part headers 3.3 s; a real circuit
(at most 100 stations) holds a few hundred."""
MAX_HEADERS = 5_000
"""At most this many `[table]` and `[[array]]` headers (a circuit of 100 stations of 10 parts needs about
1,100); 100,000 short headers in 1 MiB took tomllib 0.7 s."""
_BARE = r"[A-Za-z0-9_-]++"
# Strings never fail to match once begun: an unclosed one runs to the end of its line (or, for a multi-line
# string, of the file), where TOML would fail too. A pattern that could fail after scanning far would be
# tried again at the next quote, which is what made the old guard slow.
_BASIC = r'"(?:[^"\\\n]|\\[^\n]?)*+(?:"|$)'
_LITERAL = r"'[^'\n]*+(?:'|$)"
_PART = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_TOKENS = re.compile(
    rf"(?P<chain>(?<![A-Za-z0-9_-]){_PART}(?:[ \t]*+\.[ \t]*+{_PART})++)"
    r"|(?P<header>^[ \t]*+\[)"
    r'|"""(?:[^"\\]|\\.|"(?!""))*+(?:"{3,5}+|\Z)'
    r"|'''(?:[^']|'(?!''))*+(?:'{3,5}+|\Z)"
    rf"|{_BASIC}|{_LITERAL}|#[^\n]*+",
    re.MULTILINE | re.DOTALL,
)
_KEY_PARTS = re.compile(_PART, re.MULTILINE)


def _costly_keys(text: str) -> str | None:
    """Why tomllib would take too long on `text` (a sentence for the coach), or None. Linear time.

    Strings, comments, dotted chains and header openings are matched in one pass; each match is taken whole
    and the scan goes on after it, so every character is read a bounded number of times. Refused: one dotted
    key (or header) of MAX_KEY_PARTS parts or more, more than MAX_KEY_PARTS_TOTAL parts in all dotted keys
    (numbers such as 12.5 count too: they match the same pattern, and a circuit has few), or more than
    MAX_HEADERS headers.
    """
    shortest = 2 * MAX_KEY_PARTS - 1
    parts = headers = 0
    for match in _TOKENS.finditer(text):
        if match.lastgroup == "header":
            headers += 1
            if headers > MAX_HEADERS:
                return f"has more than {MAX_HEADERS:,} [table] headers; a circuit needs far fewer"
            continue
        if match.lastgroup != "chain":
            continue
        chain = match.group()
        count = len(_KEY_PARTS.findall(chain)) if ('"' in chain or "'" in chain) else chain.count(".") + 1
        if count >= MAX_KEY_PARTS and match.end() - match.start() >= shortest:
            return "is nested too deeply to be a circuit file"
        parts += count
        if parts > MAX_KEY_PARTS_TOTAL:
            many = f"{MAX_KEY_PARTS_TOTAL:,}"
            return f"has more than {many} parts of dotted keys (a.b.c); a circuit needs far fewer"
    return None


def read_toml(path: Path | str) -> dict[str, Any]:
    """Read a TOML file safely: regular files only, at most 1 MiB, UTF-8; InputError otherwise."""
    path = Path(path)
    label = printable(str(path))  # a file name can hold a newline or an escape sequence

    def fail(message: str, where: str = "") -> InputError:
        return InputError([Problem(label, where, message)])

    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise fail("no such file; check the name and folder") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise fail("is a folder, not a circuit file")
    if not stat.S_ISREG(info.st_mode):
        raise fail("is not a regular file (a device or a pipe?); give a .toml file")
    if info.st_size > MAX_FILE_BYTES:
        # In bytes: 1 MiB + 1 byte rounded to "1.0 MiB" read as if it were within the limit.
        raise fail(f"is over 1 MiB ({info.st_size:,} bytes); a circuit file may be at most 1 MiB")
    try:
        raw = _read_regular(path, MAX_FILE_BYTES + 1)
    except _NotRegular:  # swapped for a pipe or device after the check above
        raise fail("is not a regular file (a device or a pipe?); give a .toml file") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail("is larger than 1 MiB; a circuit file may be at most 1 MiB")
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark from Windows editors is harmless
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail("is not UTF-8 text; save it as UTF-8 in your editor", f"line {line}") from None
    too_costly = _costly_keys(text)
    if too_costly:
        raise fail(too_costly)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        where = f"line {match.group(1)}" if match else ""
        source_line = text.splitlines()[int(match.group(1)) - 1] if match else ""
        raise fail(_syntax_error(message, source_line), where) from None
    except RecursionError:
        raise fail("is nested too deeply to be a circuit file") from None
    except ValueError:  # an integer of more than 4300 digits: Python refuses to convert it
        raise fail("holds a number too long to read (thousands of digits); no value needs so many") from None
    if _depth(data) > MAX_DEPTH:
        raise fail("is nested too deeply to be a circuit file")
    return data


_CURLY_QUOTES = "\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb"


def _syntax_error(message: str, line: str) -> str:
    """tomllib's message, said for a coach: what is wrong on the line and how to write it instead."""
    if any(q in line for q in _CURLY_QUOTES):
        # Word processors and phone keyboards turn "..." into “...”, which TOML does not read as quotes.
        return 'uses curly quotes (\u201c \u201d or \u2018 \u2019); write straight quotes ("...") instead'
    if message.startswith("Cannot overwrite a value"):
        key = re.match(r'\s*([A-Za-z0-9_.\-"\' ]+?)\s*=', line)
        named = f'key "{printable(key.group(1).strip())[:40]}"' if key else "a key"
        return f"{named} is given twice; keep one of them"
    declared = re.match(r"Cannot declare \((.*)\) twice", message)
    if declared:
        table = ".".join(part.strip(" '\"") for part in declared.group(1).split(",") if part.strip())
        if table in ("station", "station.part"):
            return f"[{table}] is written twice; use [[{table}]] (double brackets) for a list of them"
        return f"the table [{printable(table)[:40]}] is written twice; merge the two into one"
    detail = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
    detail = detail[0].lower() + detail[1:] if detail else "syntax error"
    return f"TOML syntax error: {detail} (check quotes, = signs and [brackets])"


class _NotRegular(Exception):
    """The opened file is not a regular file."""


def _read_regular(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of a regular file, checked on the open file itself, as the log reader does.

    The path was checked before, but it can be swapped for a FIFO in between: opened without blocking and
    checked with fstat, a FIFO is refused instead of waiting forever for a writer.
    """
    with open(path, "rb", opener=_nonblocking) as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise _NotRegular
        os.set_blocking(handle.fileno(), True)
        return handle.read(limit)


def _nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK | os.O_CLOEXEC)


def _depth(data: Any) -> int:
    """How deep tables and lists nest (1 for a flat table), found without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def is_profile(data: dict[str, Any]) -> bool:
    """An athlete profile has an [e1rm] table and no stations; a circuit has stations."""
    return "station" not in data and "e1rm" in data


def load_circuit(path: Path | str) -> Circuit:
    """Read and validate a circuit file; InputError with every problem found."""
    data = read_toml(path)
    label = printable(str(path))
    if is_profile(data):
        raise InputError(
            [Problem(label, "", "is an athlete profile, not a circuit; give it with --athlete PROFILE")]
        )
    return _validate(Circuit, data, label)


def load_athlete(path: Path | str) -> Athlete:
    """Read and validate an athlete profile; InputError with every problem found."""
    data = read_toml(path)
    label = printable(str(path))
    if "station" in data:
        raise InputError(
            [
                Problem(
                    label,
                    "",
                    "is a circuit file, not an athlete profile; --athlete takes a profile "
                    '(name, units and [e1rm], like name = "Ann", units = "kg")',
                )
            ]
        )
    return _validate(Athlete, data, label)


def _validate(model: type[_M], data: dict[str, Any], label: str) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # pydantic reports each failed branch of a union; one line per place (and per unknown key) is enough
        # for a person. A hostile 1 MiB file can hold tens of thousands of mistakes: the first few are plenty.
        seen: set[tuple[str, str]] = set()
        unique: list[Problem] = []
        for err in exc.errors(include_url=False):
            if _wrong_union_branch(err):
                continue
            if len(unique) == MAX_PROBLEMS:
                unique.append(Problem(label, "", "there may be more problems; fix these and check again"))
                break
            p = _problem(model, data, err, label)
            word = p.message.split(" ")[0]
            key = (p.where, p.message if word == "unknown" else word)
            if key not in seen:
                seen.add(key)
                unique.append(p)
        raise InputError(unique) from None
