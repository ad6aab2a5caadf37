"""Where the rep log lives, and the checks made before a session writes to it. No Textual here."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import platformdirs

from timer.errors import LogError, UsageError
from timer.replog.lines import FORMAT_VERSION, parse, reason
from timer.text import control_character, printable_path

ENV_VAR = "CIRCUIT_TIMER_LOG"
LOG_NAME = "log.jsonl"

_PEEK = 64 * 1024


def default_log_path() -> Path:
    """`$CIRCUIT_TIMER_LOG` if set, else `log.jsonl` in the user data folder of circuit-timer.

    An empty `$CIRCUIT_TIMER_LOG` counts as unset (the shell's convention); a blank one or one ending in a
    slash is a UsageError (see `file_argument`).
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return file_argument(env, f"${ENV_VAR}")
    return platformdirs.user_data_path("circuit-timer") / LOG_NAME


def file_argument(text: str, name: str, example: str = LOG_NAME) -> Path:
    """A file path given on the command line or in the environment, or UsageError saying what is wrong.

    Blank (`--log ""`): `Path("")` is the current folder, so the log would silently go elsewhere. A trailing
    slash (`--log name/`): the user meant a folder, and `Path` would drop the slash and write a file there.
    """
    if not text.strip():
        raise UsageError(f"{name} is blank; give a file name, like {example}")
    if text.endswith(("/", os.sep)):
        raise UsageError(
            f"{name} {printable_path(text)} ends with a slash (a folder); give a file in it, "
            f"like {printable_path(text.rstrip('/' + os.sep) + '/' + example)}"
        )
    return Path(text).expanduser()


def prepare_log_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the log path (`--log` > `$CIRCUIT_TIMER_LOG` > default) and check it before a session.

    Creates the user data folder on first use, but never a folder the user named (a typo there should be
    an error, not a new folder). Raises LogError with a message for the athlete.
    """
    if cli_value is not None:
        path = file_argument(os.fspath(cli_value), "--log")
        check_writable(path)
        return path
    path = default_log_path()
    check_writable(path, create_folder=not os.environ.get(ENV_VAR))
    return path


def check_writable(path: str | os.PathLike[str], *, create_folder: bool = False) -> None:
    """Raise LogError unless records can be appended to `path`; never creates it (the writer does, with its
    first record).

    Refuses a folder, a device or pipe, a file another program wrote, and a log from a newer version of
    circuit-timer (which is never written to, so it cannot be damaged).
    """
    _check_writable(Path(path), create_folder, "give another file with --log")


def _check_writable(path: Path, create_folder: bool, other: str) -> None:
    """`check_writable`, offering `other` as the way out (the rescue field asks for another file)."""
    bad = control_character(path)
    if bad:  # a pasted newline or escape sequence: never create such a file, never echo it raw
        raise LogError(
            f"The rep log path {printable_path(path)} contains a control character ({bad}); "
            f"{other} and a plain name."
        )
    if create_folder:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LogError(
                f"Cannot create the folder {printable_path(path.parent)} for the rep log: {reason(error)}."
            ) from None
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        blocker = next((p for p in path.parents if p.is_file()), path.parent)
        raise LogError(
            f"Cannot write the rep log {printable_path(path)}: {printable_path(blocker)} is a file, "
            f"not a folder; {other}."
        ) from None
    except OSError as error:
        raise LogError(f"Cannot use the rep log {printable_path(path)}: {reason(error)}; {other}.") from None
    if info is None:
        if not path.parent.is_dir():
            raise LogError(
                f"Cannot write the rep log {printable_path(path)}: the folder {printable_path(path.parent)} "
                "does not exist. "
                f"Create it, or {other}."
            )
    elif stat.S_ISDIR(info.st_mode):
        raise LogError(
            f"The rep log {printable_path(path)} is a folder; give a file inside it, "
            f"such as {printable_path(path / LOG_NAME)}."
        )
    elif not stat.S_ISREG(info.st_mode):
        raise LogError(
            f"The rep log {printable_path(path)} is not a regular file (a device or a pipe); {other}."
        )
    else:
        _check_contents(path, other)
    # A check never creates the file: it would leave an empty log behind a session that never started, and
    # a check re-run after the log vanished mid-session would put a new empty file where the old one was.
    # An existing file is opened for appending (no O_CREAT); for a new one the folder must let us add it.
    try:
        if info is None:
            if not os.access(path.parent, os.W_OK | os.X_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        else:
            os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC | os.O_NONBLOCK))
    except OSError as error:
        raise LogError(
            f"Cannot write the rep log {printable_path(path)}: {reason(error)}. "
            f"Check the folder's permissions, or {other}."
        ) from None


def _check_contents(path: Path, other: str) -> None:
    """Look at the first record and the last 64 KiB: is this our log, in a version we may append to?"""
    try:
        with open(path, "rb") as f:
            head = f.read(_PEEK)
            size = f.seek(0, os.SEEK_END)
            f.seek(max(0, size - _PEEK))
            tail = f.read(_PEEK)
    except OSError as error:
        raise LogError(f"Cannot read the rep log {printable_path(path)}: {reason(error)}.") from None
    lines = [line for line in head.split(b"\n")[:-1] if line.strip()]  # complete, non-blank lines
    if not lines:
        if size > _PEEK:  # 64 KiB without a line break is no log of ours
            raise LogError(_foreign_message(path, other))
        return  # empty, or a single torn line from a crash: the writer starts a new line after it
    # Ours if any record in the first 64 KiB is (the very first line may be torn by a crash).
    head_records = [r for r in map(parse, lines) if r is not None]
    if not head_records:
        raise LogError(_foreign_message(path, other))
    tail_lines = tail.split(b"\n")[:-1]
    if size > _PEEK:
        tail_lines = tail_lines[1:]  # the first piece of the tail is probably the end of a longer line
    # A newer version appends after older records, so the head and the last few lines tell.
    for record in [*head_records, *(r for r in map(parse, tail_lines[-3:]) if r is not None)]:
        if record["v"] > FORMAT_VERSION:
            raise LogError(
                f"The rep log {printable_path(path)} was written by a newer circuit-timer "
                f"(log format version {record['v']}); this version writes version {FORMAT_VERSION} "
                f"and will not add to it. Update circuit-timer, or {other}."
            )


def _foreign_message(path: Path, other: str) -> str:
    return (
        f"{printable_path(path)} does not look like a circuit-timer rep log "
        "(none of its first lines is one of our records). "
        f"Nothing was written to it; {other}."
    )
