"""Turning pydantic's validation errors into sentences a coach understands: where, what, and the fix.

No Textual here.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from pydantic import (
    BaseModel,
)

from timer.circuit.models import MAX_NAME, MAX_STATIONS, Part, Station, TestSet, _Model, _short, _show
from timer.errors import Problem
from timer.text import printable


def _wrong_union_branch(err: Mapping[str, Any]) -> bool:
    """An e1RM value is a number or a test-set table; keep only the errors of the branch the coach meant."""
    loc = err["loc"]
    if len(loc) < 3 or loc[0] != "e1rm":
        return False
    is_table = isinstance(err.get("input"), dict) or len(loc) > 3
    return bool((loc[2] == "TestSet") != is_table)


def _fields(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def _problem(model: type[_Model], data: Any, err: Mapping[str, Any], label: str) -> Problem:
    loc = list(err["loc"])
    where: list[str] = []
    node: Any = data
    current: type[BaseModel] | None = model
    key = ""
    i = 0
    while i < len(loc):
        item = loc[i]
        if item in ("station", "part") and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            index = loc[i + 1]
            try:
                entry = node[item][index]
            except (KeyError, IndexError, TypeError):
                entry = None
            name = entry.get("exercise") if isinstance(entry, dict) else None
            nameable = isinstance(name, str) and len(name) <= MAX_NAME and name.isprintable()
            shown = f' "{name}"' if nameable else ""
            where.append(f"{item} {index + 1}{shown}")
            node = entry
            current = Station if item == "station" else Part
            key = ""
            i += 2
            continue
        if item == "e1rm" and i + 1 < len(loc):
            where.append(f'e1rm "{_short(printable(str(loc[i + 1])))}"')
            node, current, key = None, TestSet, ""
            i += 2
            # skip the union branch names pydantic adds ("float", "TestSet")
            while i < len(loc) and loc[i] in ("float", "TestSet", "constrained-float", "[key]"):
                i += 1
            continue
        if isinstance(item, int):
            # `cues 2` reads as "cue 2" to a person
            key = f"{key.removesuffix('s')} {item + 1}" if key else str(item + 1)
        else:
            key = str(item)
            node = node.get(item) if isinstance(node, dict) else None
        i += 1
    place = ", ".join(where)
    # Every value echoed back was shortened and escaped on its way in; escaping the whole sentence again
    # is the safety net that keeps any message on one line and free of escape sequences.
    return Problem(label, place, printable(_sentence(err, key, current)))


def _sentence(err: Mapping[str, Any], key: str, model: type[BaseModel] | None) -> str:
    return _describe(err, key, model).strip()


def _describe(err: Mapping[str, Any], key: str, model: type[BaseModel] | None) -> str:
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    key = _short(printable(key))
    name = key.split(" ")[0] if key else ""
    if kind == "extra_forbidden":
        known = _fields(model) if model else []
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f' (did you mean "{close[0]}"?)' if close else f" (known keys: {', '.join(known)})"
        return f'unknown key "{name}"{hint}'
    if kind == "missing":
        if name == "station":
            return "has no [[station]] tables; add at least one"
        if name == "units" and model is not None and model.__name__ == "Athlete":
            # Never guessed: a US athlete's 225 (lb) read as kg is 2.2× too heavy.
            return 'units is missing; add units = "kg" or "lb" (the units of this athlete\'s e1RM values)'
        return f"{name} is missing; add it" if name else "something required is missing"
    if kind == "value_error":
        message = str(ctx.get("error", err["msg"]))
        return f"{key} {message}" if key else message
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{key} must be a whole number, not {_show(value)}"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return f"{key} must be a number, not {_show(value)}"
    if kind in ("string_type",):
        return f"{key} must be text in quotes, not {_show(value)}"
    if kind == "list_type" and name in ("station", "part"):
        return f"{name} must be written as [[{'station' if name == 'station' else 'station.part'}]] tables"
    if kind in ("list_type",):
        return f'{key} must be a list like ["...", "..."], not {_show(value)}'
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{key or 'this'} must be a table of keys and values, not {_show(value)}"
    if kind == "literal_error":
        return f"{key} must be one of {ctx.get('expected')}, not {_show(value)}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        limit = f"{next(iter(ctx.values())):g}"
        words = {
            "greater_than": "more than",
            "greater_than_equal": "at least",
            "less_than": "less than",
            "less_than_equal": "at most",
        }[kind]
        return f"{key} must be {words} {limit}, not {_show(value)}"
    if kind in ("too_short", "too_long"):
        if name == "station":
            return "has no stations" if kind == "too_short" else f"has more than {MAX_STATIONS} stations"
        return f"{key} has too {'few' if kind == 'too_short' else 'many'} entries"
    if kind == "string_pattern_mismatch":
        return f"{key} {_show(value)} must use only letters, digits, _ and - (like quarter_squat)"
    return f"{key}: {err['msg']}" if key else err["msg"]
