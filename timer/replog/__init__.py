"""The rep log: one crash-safe JSON Lines file holding every session.

- `paths`: where the log lives, and the checks before a session writes to it;
- `lines`: what one line is (our record, damage, another program's JSON), and opening a log safely;
- `records`: the record types as typed structs; one line decoded and checked in one pass (msgspec);
- `writer`: `SessionLog`, appending and fsyncing each record;
- `reader`: sessions from one or more logs, tolerant of damage;
- `resume`: the interrupted session `run --resume` continues, and the part of the timeline left to do;
- `recorder`: between the session engine and the writer (imported on its own: it needs the circuit models).

The format is documented for coaches in docs/log-format.md. The names the CLI and the UI use are
re-exported here. No Textual here.
"""

from timer.replog.lines import FORMAT_VERSION, SetKey, Status, set_key
from timer.replog.paths import ENV_VAR, check_writable, default_log_path, prepare_log_path
from timer.replog.reader import LoggedSession, LoggedSet, read_log, read_taps
from timer.replog.resume import ResumePoint, find_resumable
from timer.replog.writer import SessionLog, logged_reps

__all__ = [
    "ENV_VAR",
    "FORMAT_VERSION",
    "LoggedSession",
    "LoggedSet",
    "ResumePoint",
    "SessionLog",
    "SetKey",
    "Status",
    "check_writable",
    "default_log_path",
    "find_resumable",
    "logged_reps",
    "prepare_log_path",
    "read_log",
    "read_taps",
    "set_key",
]
