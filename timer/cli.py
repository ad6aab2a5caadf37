"""The `circuit-timer` command: check, plan, e1rm, schema, run, history, and the picker when bare.

Imports are lazy so that `check` and `plan` start fast and never load Textual.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from timer.circuit import Athlete
    from timer.plan import Plan
    from timer.replog import ResumePoint


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="circuit-timer",
        description="A training timer for runners' strength-endurance circuits. "
        "With no command, opens the circuit picker.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="validate circuit and program files and explain every problem")
    check.add_argument("files", nargs="+", metavar="FILE", help="circuit or program files (.toml)")
    check.add_argument(
        "--athlete",
        action="append",
        metavar="PROFILE",
        help="athlete profile whose e1RM values to use; repeat to check each athlete in turn",
    )

    plan = sub.add_parser("plan", help="print the timeline of a circuit, one row per phase")
    plan.add_argument("file", metavar="FILE")
    plan.add_argument(
        "--athlete",
        action="append",
        metavar="PROFILE",
        help="athlete profile whose e1RM values to use; repeat for one plan per athlete",
    )
    plan.add_argument("--json", action="store_true", help="print the timeline as JSON")
    _session_flags(plan)
    plan.add_argument(
        "--log", action="append", metavar="PATH", help="log(s) to find a program's next session in"
    )

    est = sub.add_parser("e1rm", help="estimate a one-rep max from a test set, with a table of loads")
    est.add_argument("weight", type=_positive_float, metavar="WEIGHT", help="weight lifted")
    est.add_argument("reps", type=_reps, metavar="REPS", help="reps done (1-12)")
    est.add_argument(
        "--formula", default="epley", type=_formula, help=f"{', '.join(_formula_names())} (default: epley)"
    )
    est.add_argument("--units", default="kg", type=_units, help="units of WEIGHT: kg or lb (default kg)")
    est.add_argument("--increment", type=_increment, help="round loads to this (default 2.5 kg / 5 lb)")

    schema = sub.add_parser("schema", help="print the JSON Schema of circuit files (for editors)")
    schema.add_argument("--profile", action="store_true", help="the schema of athlete profiles instead")
    schema.add_argument("--program", action="store_true", help="the schema of program files instead")

    loads = sub.add_parser("loads", help="the squad load sheet: every athlete's load for every station")
    loads.add_argument("file", metavar="CIRCUIT")
    loads.add_argument(
        "--athlete", action="append", metavar="PROFILE", help="athlete profile; repeat for each athlete"
    )
    loads.add_argument("--json", action="store_true", help="print the sheet as JSON")

    run = sub.add_parser("run", help="run a circuit live")
    run.add_argument("file", metavar="FILE")
    run.add_argument(
        "--athlete", action="append", metavar="PROFILE", help="athlete profile whose e1RM values to use"
    )
    run.add_argument("--log", metavar="PATH", type=_file("--log"), help="rep log file (default: see README)")
    run.add_argument("--mute", action="store_true", help="start with sound off (flashes stay)")
    run.add_argument("--no-voice", action="store_true", help="beeps only, no spoken announcements")
    run.add_argument(
        "--resume", action="store_true", help="continue the latest aborted session of this circuit"
    )
    run.add_argument(
        "--flash",
        choices=list(FLASH_SECONDS),
        help="how long go/stop flash the screen: long (about 1 s, default), short (0.3 s) or off",
    )
    run.add_argument(
        "--plain",
        action="store_true",
        help="a line per event instead of the full screen (a serial console, a screen reader, a pipe); "
        "reps and commands as lines on stdin",
    )

    _session_flags(run)

    program = sub.add_parser("program", help="a training program at a glance: its sessions and compliance")
    program.add_argument("file", metavar="PROGRAM")
    program.add_argument("--athlete", metavar="PROFILE", help="athlete profile (whose sessions to show)")
    program.add_argument("--log", action="append", metavar="PATH", help="log file; repeat to merge several")
    program.add_argument("--json", action="store_true", help="print it as JSON")

    history = sub.add_parser("history", help="sessions in the rep log, trends, CSV export")
    history.add_argument(
        "--log",
        action="append",
        metavar="PATH",
        type=_file("--log"),
        help="log file; repeat to merge several",
    )
    history.add_argument("--circuit", metavar="NAME", help="only this circuit")
    history.add_argument("--athlete", metavar="NAME", help="only this athlete")
    history.add_argument("--all", action="store_true", help="every session, not only the latest 20")
    history.add_argument(
        "--csv",
        metavar="OUT",
        type=_file("--csv", "sets.csv"),
        help="write one row per set to this CSV file (- prints it)",
    )
    history.add_argument(
        "--since", type=_date, metavar="DATE", help="only sessions on or after this day (YYYY-MM-DD)"
    )
    history.add_argument(
        "--until", type=_date, metavar="DATE", help="only sessions on or before this day (YYYY-MM-DD)"
    )
    history.add_argument(
        "--units", choices=["kg", "lb"], help="show volume in this unit (a squad mixing kg and lb)"
    )
    history.add_argument(
        "--format",
        choices=["ours", "strong"],
        default="ours",
        help="CSV columns: ours, or Strong's (for other loggers)",
    )
    history.add_argument(
        "--excel", action="store_true", help="start the CSV with a byte-order mark, for Excel"
    )
    history.add_argument(
        "--fit", metavar="DIR", help="write a Garmin FIT activity per completed session into DIR"
    )
    return parser


def _file(name: str, example: str = "log.jsonl") -> Callable[[str], str]:
    """An argparse type for a file flag: blank or ending in a slash is a usage error (exit 2)."""

    def check(text: str) -> str:
        from timer.errors import UsageError
        from timer.replog.paths import file_argument

        try:
            file_argument(text, name, example)
        except UsageError as error:
            raise argparse.ArgumentTypeError(str(error).removeprefix(f"{name} ")) from None
        return text

    return check


def _date(text: str) -> date:
    """A day as YYYY-MM-DD (the local calendar day a session started on)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2025-03-02"
        ) from None


FLASH_SECONDS = {"long": 1.0, "short": 0.3, "off": 0.0}
"""`run --flash`: how long the go/stop/final flashes hold (halfway and 10-s flashes stay short)."""


def _session_flags(parser: argparse.ArgumentParser) -> None:
    """`--week W --session S`: which session of a program (default: the athlete's next one)."""
    parser.add_argument("--week", type=_count, metavar="W", help="program: the week in the program (1…)")
    parser.add_argument("--session", type=_count, metavar="S", help="program: the session in that week (1…)")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more")
    return value


def _formula_names() -> list[str]:
    from timer.e1rm import FORMULAS

    return list(FORMULAS)


def _formula(text: str) -> str:
    from timer.circuit.models import formula_name as normalise

    try:
        return normalise(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a formula: {', '.join(_formula_names())}"
        ) from None


def _units(text: str) -> str:
    from timer.circuit.models import units_name as normalise

    try:
        return normalise(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a unit: kg or lb") from None


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (0 < value < 10_000):
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0 (and a sensible number)")
    return value


def _positive_float(text: str) -> float:
    """A weight: the same limits as a test set's weight in a file (1 to 2000)."""
    from timer.e1rm import MAX_WEIGHT

    value = _number(text)
    if not 1 <= value <= MAX_WEIGHT:
        raise argparse.ArgumentTypeError(
            f"{text!r} must be from 1 to {MAX_WEIGHT:g} (kg or lb), as in a file"
        )
    return value


def _increment(text: str) -> float:
    value = _number(text)
    if not 0.01 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 0.01 and 100, like 2.5")
    return value


def _reps(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of reps") from None
    if not 1 <= value <= 12:
        raise argparse.ArgumentTypeError(
            f"{value} reps cannot estimate a 1RM: use a test set of 1 to 12 reps"
        )
    return value


def main(argv: list[str] | None = None) -> int:
    """Entry point of `circuit-timer` and `python -m timer`; returns the exit code."""
    for stream in (sys.stdout, sys.stderr):
        # `×`, `→` and sparklines must not crash output to an ASCII terminal or a Windows redirect.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = _parser().parse_args(argv)
    handlers = {
        None: cmd_pick,
        "check": cmd_check,
        "plan": cmd_plan,
        "e1rm": cmd_e1rm,
        "schema": cmd_schema,
        "loads": cmd_loads,
        "run": cmd_run,
        "history": cmd_history,
        "program": cmd_program,
    }
    from timer.errors import UsageError

    try:
        return handlers[args.command](args)
    except UsageError as error:  # $CIRCUIT_TIMER_LOG blank or a folder: as argparse does for a bad flag
        print(f"circuit-timer: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `circuit-timer plan x | head`: the reader left; not an error worth a traceback.
        sys.stderr.close()
        return 0


def _report_error(exc: Exception) -> int:
    from timer.errors import UsageError

    if isinstance(exc, UsageError):
        print(f"circuit-timer: error: {exc}", file=sys.stderr)
        return 2
    print(str(exc), file=sys.stderr)
    return 1


def _profiles(files: list[str] | None) -> tuple[list[tuple[str, Athlete]], bool]:
    """Every `--athlete` profile read once, in order; (the valid ones, whether any failed: reported)."""
    from timer.circuit import load_athlete
    from timer.errors import InputError

    good, failed = [], False
    for file in files or []:
        try:
            good.append((file, load_athlete(file)))
        except InputError as exc:
            failed = True
            _report_error(exc)
    return good, failed


def cmd_check(args: argparse.Namespace) -> int:
    """Check each circuit file for each athlete in turn (a profile given as FILE is checked as one)."""
    from timer.circuit import is_profile, load_athlete, load_circuit, read_toml
    from timer.errors import InputError
    from timer.plan import build_plan
    from timer.program.command import is_program

    athletes, failed = _profiles(args.athlete)
    if failed and not athletes:
        return 1
    for file in args.files:
        if is_program(file):
            failed = _check_program(file, athletes) or failed
            continue
        try:
            if is_profile(read_toml(file)):
                print(f"OK {_profile_line(load_athlete(file))}")
                continue
            circuit = load_circuit(file)
        except InputError as exc:
            failed = True
            _report_error(exc)
            continue
        shared: list[str] = []
        choices: list[tuple[str, Athlete | None]] = [*athletes] or [("", None)]
        for athlete_file, athlete in choices:
            try:
                plan = build_plan(circuit, athlete, label=file, athlete_label=athlete_file)
            except InputError as exc:
                failed = True
                _report_error(exc)
                continue
            print(
                f"OK {plan.summary_line()}" + (f" (athlete: {_safe(plan.athlete)})" if plan.athlete else "")
            )
            for warning in plan.athlete_warnings:
                print(f"  warning: {warning}")
            shared = [w for w in plan.warnings if w not in plan.athlete_warnings]
        for warning in shared:  # the circuit's own warnings: the same for every athlete, said once
            print(f"  warning: {warning}")
    return 1 if failed else 0


def _check_program(file: str, athletes: Sequence[tuple[str, Athlete | None]]) -> bool:
    """`check` of a program, for each athlete in turn; True when it failed (the problems are printed)."""
    from timer.errors import InputError
    from timer.program.command import check_file

    failed = False
    for athlete_file, athlete in athletes or [("", None)]:
        try:
            ok, warnings = check_file(file, athlete, athlete_file)
        except InputError as exc:
            failed = True
            _report_error(exc)
            continue
        print(ok + (f" (athlete: {_safe(athlete.name)})" if athlete else ""))
        for warning in warnings:
            print(f"  warning: {warning}")
    return failed


def _safe(text: str | None) -> str:
    from timer.text import printable

    return printable(text or "")


def _profile_line(athlete: Athlete) -> str:
    lifts = len(athlete.e1rm)
    return (
        f"athlete profile {_safe(athlete.name)}: {lifts} lift{'s' if lifts != 1 else ''} in {athlete.units}"
    )


def cmd_plan(args: argparse.Namespace) -> int:
    """The timeline; with several `--athlete`, one plan per athlete (as text only)."""
    from timer.circuit import load_circuit
    from timer.errors import InputError, Problem
    from timer.plan import build_plan
    from timer.program.command import is_program

    if args.json and args.athlete and len(args.athlete) > 1:
        return _usage(
            "plan --json takes one --athlete; for a squad use: circuit-timer loads FILE "
            "--athlete A.toml --athlete B.toml --json"
        )
    athletes, failed = _profiles(args.athlete)
    if failed and not athletes:
        return 1
    if is_program(args.file):
        return _plan_program(args, athletes) or (1 if failed else 0)
    if args.week is not None or args.session is not None:
        return _report_error(
            InputError(
                [Problem(args.file, "", "is a circuit; --week and --session choose a session of a program")]
            )
        )
    try:
        circuit = load_circuit(args.file)
    except InputError as exc:
        return _report_error(exc)
    for n, (athlete_file, athlete) in enumerate(athletes or [("", None)]):
        try:
            plan = build_plan(
                circuit, athlete, label=args.file, athlete_label=athlete_file or "athlete profile"
            )
        except InputError as exc:
            failed = True
            _report_error(exc)
            continue
        if args.json:
            print(json.dumps(plan.to_json(), indent=2, ensure_ascii=False))
        else:
            if n:
                print()
            _print_plan(plan, prefix=f"{_safe(plan.athlete)}: " if len(athletes) > 1 else "")
    return 1 if failed else 0


def _plan_program(args: argparse.Namespace, athletes: Sequence[tuple[str, Athlete | None]]) -> int:
    """`plan PROGRAM`: the chosen session (`--week/--session`, else each athlete's next one in the log)."""
    from timer.errors import InputError
    from timer.program.command import log_paths, program_plan

    failed = False
    for n, (athlete_file, athlete) in enumerate(athletes or [("", None)]):
        try:
            plan = program_plan(
                args.file, athlete, athlete_file, args.week, args.session, log_paths(args.log)
            )
        except InputError as exc:
            failed = True
            _report_error(exc)
            continue
        assert plan.program is not None
        if args.json:
            out = plan.to_json()
            out["program"] = {"name": plan.program.name, **plan.program.session.to_json()}
            del out["program"]["circuit"]
            print(json.dumps(out, indent=2, ensure_ascii=False))
            continue
        if n:
            print()
        print(f"{_safe(plan.program.name)}: {plan.program.session.line}")
        _print_plan(plan, prefix=f"{_safe(plan.athlete)}: " if len(athletes) > 1 else "")
    return 1 if failed else 0


def load_any_plan(
    file: str, athlete_file: str | None, week: int | None, session: int | None, logs: list[str] | None
) -> Plan:
    """The plan of a circuit file, or of a program's session (`--week/--session`, else the next one in the
    log); InputError for any problem, and for `--week/--session` given with a circuit."""
    from timer.circuit import load_athlete
    from timer.errors import InputError, Problem
    from timer.plan import load_plan
    from timer.program.command import is_program, log_paths, program_plan

    if is_program(file):
        athlete = load_athlete(athlete_file) if athlete_file else None
        return program_plan(file, athlete, athlete_file or "", week, session, log_paths(logs))
    if week is not None or session is not None:
        message = "is a circuit; --week and --session choose a session of a program"
        raise InputError([Problem(file, "", message)])
    return load_plan(file, athlete_file)


def _usage(message: str) -> int:
    print(f"circuit-timer: {message}", file=sys.stderr)
    return 2


def _print_plan(plan: Plan, prefix: str = "") -> None:
    """The timeline as a table fitted to the terminal: long exercise names are cut with `…` (measured in
    cells, so 深蹲 and 🏃 line up); the times and the load always show."""
    from timer.durations import format_duration
    from timer.terminal import output_width
    from timer.text import table_lines

    names = {"prepare": "GET READY", "work": "WORK", "rest": "REST", "round_rest": "ROUND REST"}
    print(plan.summary_line() + (f" (athlete: {_safe(plan.athlete)})" if plan.athlete else ""))
    rows = []
    for phase in plan.phases:
        place = ""
        if phase.round is not None:
            place = f"R{phase.round} S{phase.station} set{phase.set}"
            if phase.part:
                place += f".{phase.part}"
        exercise = phase.exercise or ""
        if phase.kind != "work":
            following = plan.phases[phase.index + 1] if phase.index + 1 < len(plan.phases) else None
            exercise = f"next: {following.exercise}" if following and following.exercise else ""
        start, time = format_duration(phase.start_s), format_duration(phase.duration_s)
        rows.append([start, names[phase.kind], place, exercise, phase.load_text(), time])
    rows.append([format_duration(plan.total_s), "END", "", "", "", ""])
    headers = ["start", "phase", "place", "exercise", "load", "time"]
    # Only the exercise gives up cells: the load is what the athlete needs to set up, and is never cut.
    print("\n".join(table_lines(headers, rows, right=(0, 5), shrink=(3,), width=output_width())))
    for warning in plan.warnings:
        print(f"warning: {prefix}{warning}", file=sys.stderr)


def cmd_loads(args: argparse.Namespace) -> int:
    """The squad load sheet: one table (or JSON), a column per athlete; every profile checked."""
    from timer.circuit import load_circuit
    from timer.errors import InputError
    from timer.plan import build_plan
    from timer.squad import Column, sheet_json, sheet_table

    if not args.athlete:
        return _usage("loads needs at least one --athlete PROFILE (plan FILE shows the circuit's own loads)")
    athletes, failed = _profiles(args.athlete)
    try:
        circuit = load_circuit(args.file)
    except InputError as exc:
        return _report_error(exc)
    columns: list[Column] = []
    for athlete_file, athlete in athletes:
        try:
            plan = build_plan(circuit, athlete, label=args.file, athlete_label=athlete_file)
        except InputError as exc:
            failed = True
            _report_error(exc)
            continue
        columns.append(Column(athlete_file, plan))
    if columns:
        if args.json:
            print(json.dumps(sheet_json(circuit.name, columns), indent=2, ensure_ascii=False))
        else:
            print("\n".join(sheet_table(circuit.name, columns)))
        shared = [w for w in columns[0].plan.warnings if w not in columns[0].plan.athlete_warnings]
        for warning in shared:
            print(f"warning: {warning}", file=sys.stderr)
        for column in columns:  # each profile's own warnings, prefixed by the athlete's name
            for warning in column.plan.athlete_warnings:
                print(f"warning: {_safe(column.plan.athlete)}: {warning}", file=sys.stderr)
    return 1 if failed else 0


def cmd_e1rm(args: argparse.Namespace) -> int:
    from timer import e1rm
    from timer.circuit import resolved_increment

    estimate = e1rm.estimate(args.weight, args.reps, args.formula)
    increment = resolved_increment(args.units, args.increment)
    unit = args.units
    lifted = f"{e1rm.format_weight(args.weight)} {unit} × {args.reps}"
    print(f"e1RM: {estimate:.1f} {unit} ({args.formula}, {lifted})")
    if args.reps > e1rm.RELIABLE_TEST_REPS:
        limit = e1rm.RELIABLE_TEST_REPS
        print(f"warning: estimates from more than {limit} reps are unreliable", file=sys.stderr)
    print(f"{'% e1RM':>7}  load ({unit}, nearest {e1rm.format_weight(increment)})")
    for pct in range(20, 61, 5):
        load = e1rm.round_to_increment(estimate * pct / 100, increment)
        print(f"{pct:>6}%  {e1rm.format_weight(load)}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from timer.circuit import json_schema
    from timer.program import program_json_schema

    schema = program_json_schema() if args.program else json_schema(profile=args.profile)
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Validate everything before any UI appears, then run the live session."""
    from timer.errors import CircuitTimerError

    if args.athlete and len(args.athlete) > 1:
        return _usage(
            "run takes one --athlete (a session is one athlete's); for the squad: circuit-timer loads"
        )
    if args.plain and args.flash is not None:
        return _usage("--flash has no meaning with --plain (a line mode has no screen to flash)")
    athlete_file = args.athlete[0] if args.athlete else None
    try:
        from timer.replog import prepare_log_path

        log_path = prepare_log_path(args.log)  # an unwritable log is an error now, not after the session
        plan = load_any_plan(args.file, athlete_file, args.week, args.session, [str(log_path)])
        circuit = Path(args.file)
        if plan.program is not None:  # the session's own circuit is logged, with its SHA-256
            circuit = plan.program.path.parent / plan.program.session.circuit
        resume = find_resume_point(plan, circuit, log_path, athlete_file) if args.resume else None
    except CircuitTimerError as exc:
        return _report_error(exc)
    if args.plain:  # any terminal, a pipe or a serial line will do: never refused for TERM or a tty
        from timer.plain import run_plain

        return run_plain(
            plan,
            circuit_path=circuit,
            log_path=log_path,
            resume=resume,
            mute=args.mute,
            voice=not args.no_voice,
        )
    if not _has_terminal("run"):
        return 2
    from timer.ui.app import make_app

    app = make_app(
        plan,
        circuit_path=circuit,
        log_path=log_path,
        sound=True,
        mute=args.mute,
        voice=not args.no_voice,
        resume=resume,
        **_screen_options(args.flash),
    )
    app.run()
    return app.return_code or 0


def _screen_options(flash: str | None) -> dict[str, Any]:
    """What the full screen takes from the terminal, for `run` and the picker alike: ASCII only in a locale
    that is not UTF-8, the colour mapping (16 colours, NO_COLOR), and the flash length (`--flash`)."""
    from timer.terminal import detect

    terminal = detect()
    return {
        "flash_s": FLASH_SECONDS[flash or "long"],
        "ascii": terminal.ascii_only,
        "colours": terminal.colours,
    }


def find_resume_point(plan: Plan, circuit: Path, log_path: Path, athlete_file: str | None) -> ResumePoint:
    """The interrupted session `run --resume` continues; LogError (exit 1, before the UI) when there is none.

    The circuit is matched by its file's SHA-256: a session of an edited file is not resumed, since its
    timeline may no longer match what was logged.
    """
    from timer.errors import LogError
    from timer.replog import find_resumable, read_log
    from timer.replog.recorder import file_sha256
    from timer.text import clean_text

    # Per athlete: without --athlete only sessions logged without one; kg sets never go into an lb session.
    athlete = plan.athlete if athlete_file else None
    sha = file_sha256(circuit)
    if plan.program is not None:
        return _program_resume_point(plan, circuit, sha, log_path, athlete)
    point = find_resumable(log_path, sha256=sha, name=plan.name, athlete=athlete)
    if point is not None:
        _refuse_a_live_session(point, plan, log_path)
    if point is not None and point.first_phase(plan) is not None:
        return point
    if point is not None:
        raise LogError(f"Nothing to resume: {point.describe(plan)} Start it afresh without --resume.")
    sessions = read_log(log_path)[0] if log_path.exists() else []  # a check creates no empty log
    of_circuit = [s for s in sessions if s.circuit == plan.name]
    named = [s for s in of_circuit if s.athlete == athlete]
    others = [s for s in of_circuit if s.athlete != athlete and s.status != "completed"]
    if named and named[-1].circuit_sha256 != sha and named[-1].status != "completed":
        why = (
            f'the interrupted session of "{plan.name}" was run from another version of {circuit.name} '
            "(the file has changed since), so its sets may not match the file now"
        )
    elif named:
        why = f'the latest session of "{plan.name}" {_whose(athlete)} in {log_path} was completed'
    elif others:
        who = others[-1].athlete
        why = f'no session of "{plan.name}" {_whose(athlete)} is in {log_path}; the interrupted one is ' + (
            f"{clean_text(who)}'s (resume it with --athlete and their profile)"
            if who
            else "without an athlete (resume it without --athlete)"
        )
    else:
        why = f'no session of "{plan.name}" is in {log_path}'
    raise LogError(f"Nothing to resume: {why}. Run it without --resume to start afresh.")


def _refuse_a_live_session(point: ResumePoint, plan: Plan, log_path: Path) -> None:
    """One session, one writer: LogError when another process is still writing `point`'s session."""
    from timer.errors import LogError
    from timer.replog.lock import writer_alive

    if writer_alive(log_path, point.session):
        raise LogError(
            f"Not resumed: {point.describe(plan)} That session is still running in another circuit-timer "
            "(another terminal or window); go on there, or quit it there first."
        )


def _whose(athlete: str | None) -> str:
    from timer.text import clean_text

    return f"for {clean_text(athlete)}" if athlete else "without an athlete"


NO_TERMINAL = "needs a terminal (use --plain for a line mode)"
"""What `run` and the picker say when stdin or stdout is not a terminal (a pipe, a file, /dev/null)."""


def _has_terminal(command: str) -> bool:
    """True when stdin and stdout are both terminals that can draw a full screen; otherwise says why on
    stderr (the caller exits 2).

    A full-screen UI with no terminal to read keys from waits forever at the overview (`run FILE < /dev/null`
    hung), and one drawing into a file or pipe fills it with escape codes. `TERM=dumb` (or no TERM) has no
    cursor addressing: the message in `timer.terminal.refusal` offers `--plain`. Checked after the files, so
    a broken circuit or log is still reported as such.
    """
    from timer.terminal import detect, refusal

    name = f"circuit-timer {command}".strip()
    missing = [name for name, stream in (("input", sys.stdin), ("output", sys.stdout)) if not _isatty(stream)]
    if missing:
        why = "input and output are not terminals" if len(missing) == 2 else f"{missing[0]} is not one"
        hint = NO_TERMINAL if command else NO_TERMINAL.replace("--plain", "circuit-timer run FILE --plain")
        print(f"{name}: {hint}; its {why}", file=sys.stderr)
        return False
    refused = refusal(detect(), is_tty=True)
    if refused is not None:
        print(f"{name}: {refused.removeprefix('circuit-timer ')}", file=sys.stderr)
        return False
    return True


def _isatty(stream: object) -> bool:
    try:
        return bool(stream is not None and stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):  # closed or replaced by something without isatty
        return False


def _program_resume_point(
    plan: Plan, circuit: Path, sha: str | None, log_path: Path, athlete: str | None
) -> ResumePoint:
    """A program's session is matched by program name and session number: editing another week of the
    program keeps it resumable; editing this session's circuit does not (its sets may have moved)."""
    from timer.errors import LogError
    from timer.replog import find_resumable

    assert plan.program is not None
    session = plan.program.session
    which = f'session {session.number} ({session.line}) of "{plan.program.name}"'
    point = find_resumable(log_path, program=(plan.program.name, session.number), athlete=athlete)
    if point is None:
        raise LogError(
            f"Nothing to resume: {which} has no interrupted run in {log_path}. Run it without --resume."
        )
    _refuse_a_live_session(point, plan, log_path)
    if point.circuit_sha256 != sha:
        raise LogError(
            f"Nothing to resume: {circuit.name} was edited since the interrupted run of {which}, so its sets "
            "may not match the file now. Run it without --resume to start afresh."
        )
    if point.first_phase(plan) is None:
        raise LogError(f"Nothing to resume: {point.describe(plan)} Start it afresh without --resume.")
    return point


def cmd_pick(args: argparse.Namespace) -> int:
    """Bare `circuit-timer`: the picker of bundled and local circuits."""
    from timer.errors import CircuitTimerError
    from timer.replog import prepare_log_path

    try:
        log_path = prepare_log_path(None)
    except CircuitTimerError as exc:
        return _report_error(exc)
    if not _has_terminal(""):
        return 2
    from timer.ui.app import make_app

    app = make_app(None, log_path=log_path, sound=True, **_screen_options(None))
    app.run()
    return app.return_code or 0


def cmd_history(args: argparse.Namespace) -> int:
    from timer.history.command import command

    return command(args)


def cmd_program(args: argparse.Namespace) -> int:
    from timer.program.view import command

    return command(args)
