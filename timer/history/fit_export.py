"""`history --fit DIR`: one Garmin FIT activity file per completed session, for Garmin Connect, Strava or
Intervals.icu, so strength sessions count in the same training load as runs.

Written with Garmin's own FIT SDK (`garmin-fit-sdk`, its `Encoder`), an optional extra: `pip install
'circuit-timer[fit]'`. Nothing is written by hand. A strength-training activity: sport `training`, sub-sport
`strength_training`; a `set` message for each work set (each part of a complex) with its active seconds,
its reps only when counted, its weight in kg; the rests between sets as rest sets; the session's start
time and total timer time (pauses left out). No Textual here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from timer.e1rm import convert
from timer.errors import LogError
from timer.replog import LoggedSession
from timer.text import printable_path

INSTALL_HINT = "FIT export needs the optional FIT library: pip install 'circuit-timer[fit]'"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")


def _sdk() -> Any:
    """Garmin's FIT SDK, or a LogError naming the extra to install."""
    try:
        import garmin_fit_sdk
    except ImportError:
        raise LogError(INSTALL_HINT) from None
    return garmin_fit_sdk


def fit_bytes(session: LoggedSession) -> bytes:
    """The FIT activity file of one session (it needs a start time)."""
    if session.started_at is None:
        raise ValueError("a session without a start time cannot be placed on a calendar")
    fit = _sdk()
    mesg_num = fit.Profile["mesg_num"]
    start: datetime = session.started_at
    total_s = session.duration_s
    timer_s = max(0.0, total_s - (session.paused_s or 0.0))
    end = start + timedelta(seconds=total_s)

    def at(t: float) -> datetime:
        return start + timedelta(seconds=t)

    encoder = fit.Encoder()
    encoder.on_mesg(
        mesg_num["FILE_ID"],
        {
            "type": "activity",
            "manufacturer": "development",
            "product": 0,
            "serial_number": 1,
            "time_created": start,
            "product_name": "circuit-timer",
        },
    )
    name = (session.circuit or "circuit-timer")[:60]
    encoder.on_mesg(mesg_num["SPORT"], {"sport": "training", "sub_sport": "strength_training", "name": name})
    encoder.on_mesg(
        mesg_num["EVENT"], {"timestamp": start, "event": "timer", "event_type": "start", "event_group": 0}
    )
    index = 0
    previous_end: float | None = None
    for logged in session.sets.values():
        if logged.started_t is None or logged.ended_t is None:
            continue
        if previous_end is not None and logged.started_t > previous_end:
            encoder.on_mesg(
                mesg_num["SET"],
                {
                    "timestamp": at(logged.started_t),
                    "start_time": at(previous_end),
                    "duration": logged.started_t - previous_end,
                    "set_type": "rest",
                    "message_index": index,
                },
            )
            index += 1
        work: dict[str, Any] = {
            "timestamp": at(logged.ended_t),
            "start_time": at(logged.started_t),
            "duration": logged.active_s or 0.0,
            "set_type": "active",
            "message_index": index,
        }
        if logged.reps is not None:
            work["repetitions"] = logged.reps
        if logged.load is not None:
            work["weight"] = round(convert(logged.load, logged.unit or "kg", "kg"), 2)
            work["weight_display_unit"] = "pound" if logged.unit == "lb" else "kilogram"
        encoder.on_mesg(mesg_num["SET"], work)
        index += 1
        previous_end = logged.ended_t
    encoder.on_mesg(
        mesg_num["EVENT"], {"timestamp": end, "event": "timer", "event_type": "stop_all", "event_group": 0}
    )
    common = {
        "timestamp": end,
        "start_time": start,
        "total_elapsed_time": total_s,
        "total_timer_time": timer_s,
        "sport": "training",
        "sub_sport": "strength_training",
        "event": "lap",
        "event_type": "stop",
    }
    encoder.on_mesg(mesg_num["LAP"], common | {"message_index": 0, "lap_trigger": "session_end"})
    encoder.on_mesg(
        mesg_num["SESSION"],
        common
        | {
            "event": "session",
            "message_index": 0,
            "first_lap_index": 0,
            "num_laps": 1,
            "trigger": "activity_end",
        },
    )
    encoder.on_mesg(
        mesg_num["ACTIVITY"],
        {
            "timestamp": end,
            "total_timer_time": timer_s,
            "num_sessions": 1,
            "type": "manual",
            "event": "activity",
            "event_type": "stop",
            "local_timestamp": _local_timestamp(end),
        },
    )
    data: bytes = encoder.close()
    return data


def _local_timestamp(when: datetime) -> int:
    """FIT's local_timestamp: seconds since the FIT epoch in the computer's local time."""
    fit = _sdk()
    local = when.astimezone()
    offset = local.utcoffset() or timedelta(0)
    return int(fit.convert_datetime_to_timestamp(when) + offset.total_seconds())


def fit_name(session: LoggedSession) -> str:
    """The file's name: the session id, kept to letters, digits, `-` and `_` (ids come from a log)."""
    return f"{_SAFE_NAME.sub('_', session.id)[:80] or 'session'}.fit"


def export_fit(sessions: Iterable[LoggedSession], folder: str | os.PathLike[str]) -> tuple[list[Path], int]:
    """Write one file per completed session into `folder` (it must exist); returns (written, left out).

    Sessions that did not reach their end, or have no start time, are left out: an activity file says
    what was done in full. An existing file of the same session is replaced.
    """
    _sdk()  # say which extra is missing before anything else
    target = Path(folder).expanduser()
    if not target.is_dir():
        raise LogError(
            f"Cannot write FIT files to {printable_path(target)}: it is not an existing folder. "
            "Create it first, or give another one."
        )
    written: list[Path] = []
    left_out = 0
    for s in sessions:
        if s.status != "completed" or s.started_at is None:
            left_out += 1
            continue
        path = target / fit_name(s)
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            tmp.write_bytes(fit_bytes(s))
            os.replace(tmp, path)
        except OSError as error:
            tmp.unlink(missing_ok=True)
            raise LogError(
                f"Cannot write {printable_path(path)}: {(error.strerror or str(error)).lower()}."
            ) from None
        written.append(path)
    return written, left_out
