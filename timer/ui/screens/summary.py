"""The summary after the session (completed, or quit with `q` → `y`): each set, totals, what was paused
or skipped, where the log is.

It first asks for the session RPE (`0`-`9`, `1` then `0` for 10, Enter skips), logged as `session_rpe`.
Then any set can be corrected: `j`/`k` or the arrows move between the rows (every part of a complex has
its own), digits and Enter set its reps, written as a `set_update`. Two things arrive after it is shown:
each set's reps against the previous completed session of the circuit (read from the log by a worker),
and, when the log could not take every record (disk full), a field to save them to another file. The log
line only says "written" once the log's writer thread has fsynced every record: until then it says
"Saving…", and a failure found meanwhile brings up the rescue field.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input
from textual.worker import Worker, WorkerState

from timer import e1rm
from timer.errors import CircuitTimerError
from timer.history.trends import compare, previous_reps
from timer.plan import Phase
from timer.records import format_time, srpe_minutes
from timer.replog import SetKey, set_key
from timer.replog.recorder import Recorder, default_rescue_path
from timer.tally import SetLine, Tally
from timer.ui.screens.confirm import ConfirmQuit
from timer.ui.widgets.field import Field
from timer.ui.widgets.fitted_table import FittedTable

RPE_QUESTION = "How hard was this session? 0–10 (one key; 1 then 0 for 10; Enter skips)"
MAX_REP_DIGITS = 4


class SummaryScreen(Screen[None]):
    """Title "Summary"; `q` quits at once (it asks first if records are still unsaved)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("j,down", "move(1)", "Next set", show=False),
        Binding("k,up", "move(-1)", "Previous set", show=False),
        Binding("r", "ask_rpe", "RPE", show=False),
        Binding("escape", "leave_field", "Leave the field", show=False),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]

    def __init__(
        self, tally: Tally, recorder: Recorder | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.tally = tally
        self.recorder = recorder
        """The session's recorder: unsaved records are saved through it."""
        self.clock = clock
        """The session's clock: corrections and the RPE are logged in session time."""
        self.previous: dict[SetKey, int | None] | None = None
        """Reps per set in the previous completed session, once the worker has read the log."""
        self.asking_rpe = True
        """Digits answer the RPE question until it is answered or skipped (`r` asks again)."""
        self.rpe: int | None = None
        self.row = 0
        """The set row digits correct (after the RPE question)."""
        self.typed = ""
        """Digits typed for the selected row, not yet saved with Enter."""
        self._rpe_one = False  # `1` pressed: `0` makes 10, Enter makes 1
        self._log_problem = tally.log_problem  # once seen, said to the end (a rescue does not undo it)
        self._watch: Timer | None = None  # re-reads the log's state while records are in flight

    def compose(self) -> ComposeResult:
        t = self.tally
        yield Field(f"Summary · {t.plan.name}", id="summary-title")
        with VerticalScroll(id="summary-body"):
            yield FittedTable(
                name_column="exercise", id="summary-table", cursor_type="none", zebra_stripes=True
            )
            yield Field(self._totals(), id="summary-totals")
            yield Field(RPE_QUESTION, id="summary-rpe")
            yield Field(self._interruptions(), id="summary-breaks")
            yield Field("", id="summary-compare")
            if t.plan.program is not None:
                yield Field(t.plan.program.session.line, id="summary-next")
            yield Field(self._log_line(), id="summary-log")
            if self.recorder is not None:  # shown once the log could not take every record
                with Vertical(id="summary-rescue"):
                    yield Field(self._rescue_prompt(), id="rescue-prompt")
                    yield Input(str(default_rescue_path()), id="rescue-path", select_on_focus=False)
                    yield Field("Enter saves there; edit the path first if you like.", id="rescue-status")
        yield Field(self._hint(), id="summary-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#summary-compare", Field).display = False
        table = self.query_one(DataTable)
        table.can_focus = False
        table.add_column("Set")
        table.add_column("Exercise", key="exercise")
        table.add_column("Load")
        table.add_column("Reps", key="reps")
        table.add_column("Time")
        for number, line in enumerate(self.tally.sets):
            phase = line.phase
            where = f"R{phase.round} S{phase.station} #{phase.set}" + (f".{phase.part}" if phase.part else "")
            table.add_row(
                where,
                Text(phase.exercise or ""),
                _short_load(phase),
                self._reps_cell(number),
                format_time(line.seconds),
                key=str(number),
            )
        if self.tally.log_path is not None and self.tally.sets:
            self.run_worker(self._read_previous, thread=True, exit_on_error=False, name="previous")
        if self.tally.plan.program is not None and self.tally.log_path is not None:
            self.run_worker(self._read_next, thread=True, exit_on_error=False, name="next")
        if self.recorder is not None:
            self.query_one("#summary-rescue").display = False
            self.show_log_state()

    # --- comparing with the previous session --------------------------------------------------------

    def _read_previous(self) -> dict[SetKey, int | None] | None:
        t = self.tally
        assert t.log_path is not None
        return previous_reps([t.log_path], t.plan.name, athlete=t.plan.athlete, exclude=t.session_id)

    def _read_next(self) -> str:
        """A program session: what comes next for this athlete, from the log that now holds this session."""
        from timer.program.progress import what_next

        t = self.tally
        assert t.plan.program is not None and t.log_path is not None
        return what_next(t.plan.program, [t.log_path], t.plan.athlete)

    @on(Worker.StateChanged)
    def _worker_done(self, event: Worker.StateChanged) -> None:
        if event.worker.name == "previous" and event.state == WorkerState.SUCCESS and event.worker.result:
            self.show_comparison(event.worker.result)
        if event.worker.name == "next" and event.state == WorkerState.SUCCESS and event.worker.result:
            self.query_one("#summary-next", Field).text = event.worker.result

    def show_comparison(self, previous: dict[SetKey, int | None]) -> None:
        """Each set's reps with the change since last time, `32 (+2)`, and a line of totals."""
        self.previous = previous
        table = self.query_one(DataTable)
        up = down = same = change = 0
        for number, line in enumerate(self.tally.sets):
            if line.phase.round is None:
                continue
            before = previous.get(set_key(line.phase))
            table.update_cell(str(number), "reps", self._reps_cell(number), update_width=True)
            if line.reps is not None and before is not None:
                change += line.reps - before
                up, down, same = (
                    up + (line.reps > before),
                    down + (line.reps < before),
                    same + (line.reps == before),
                )
        field = self.query_one("#summary-compare", Field)
        if up + down + same:
            total = f"{change:+d}".replace("-", "−") if change else "±0"
            field.text = f"Against the previous completed session: {total} reps · ▲{up} ▼{down} ={same} sets"
        else:
            field.text = "The previous completed session has no reps counted to compare with."
        field.display = True

    # --- records the log could not take ----------------------------------------------------------------

    def show_log_state(self) -> None:
        """Keep the log line true while records are in flight; bring up the rescue field on a failure.

        Runs now and every 0.25 s until the log holds every record (a correction or the RPE starts it again).
        """
        if self.recorder is None:
            return
        self.query_one("#summary-log", Field).text = self._log_line()
        rescue = self.query_one("#summary-rescue")
        if self._unsaved() and not rescue.display:
            self.query_one("#rescue-prompt", Field).text = self._rescue_prompt()
            rescue.display = True
            self.query_one("#rescue-path", Input).focus()
            self.query_one("#summary-hint", Field).text = self._hint()
        if self.recorder.waiting == 0:
            if self._watch is not None:
                self._watch.stop()
                self._watch = None
        elif self._watch is None:
            self._watch = self.set_interval(0.25, self.show_log_state, name="log-watch")

    def _unsaved(self) -> int:
        return self.recorder.unsaved if self.recorder is not None else 0

    def _rescue_prompt(self) -> str:
        n = self._unsaved()
        what = f"{n} record{'s' if n != 1 else ''} of this session" if n > 1 else "Records of this session"
        return f"{what} could not be written to the log. Save them to another file:"

    @on(Input.Submitted, "#rescue-path")
    def _save_rescue(self, event: Input.Submitted) -> None:
        status = self.query_one("#rescue-status", Field)
        target = event.value.strip()
        if not target:
            status.text = "Type a file path first."
            return
        assert self.recorder is not None
        from pathlib import Path

        path = Path(target).expanduser()
        try:
            self.recorder.save_unsaved_to(path)
        except (CircuitTimerError, OSError) as error:
            status.text = str(error)
            return
        log = self.tally.log_path
        status.text = f"Saved to {path}." + (
            f" Read both with: circuit-timer history --log {log} --log {path}" if log else ""
        )
        event.input.disabled = True
        self.query_one("#rescue-prompt", Field).text = "Every record of this session is saved."

    def action_leave_field(self) -> None:
        """Esc in the path field: keys go back to the screen (q quits)."""
        self.set_focus(None)

    def action_quit(self) -> None:
        """Quit; with records still unsaved, ask first."""
        if not self._unsaved():
            self.app.exit(0)
            return

        def decided(quit_now: bool | None) -> None:
            if quit_now:
                if self.recorder is not None:
                    self.recorder.discarded = True  # asked and answered: no rescue file behind their back
                self.app.exit(0)

        self.app.push_screen(
            ConfirmQuit(
                "Quit without saving?",
                f"{self._unsaved()} record(s) of this session are not in any file yet.",
                "y = quit anyway   ·   n / Esc = back to save them",
                ctrl_c_confirms=False,
            ),
            decided,
        )

    # --- the session RPE and corrections --------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """Digits, backspace and Enter: the RPE answer first, then the selected set's reps."""
        if isinstance(self.focused, Input):
            return
        used = self._rpe_key(event.key) if self.asking_rpe else self._reps_key(event.key)
        if used:
            event.stop()
            event.prevent_default()

    def _rpe_key(self, key: str) -> bool:
        if key == "enter":
            self._answer_rpe(1 if self._rpe_one else None)
            return True
        if key == "backspace" and self._rpe_one:
            self._rpe_one = False
            self.query_one("#summary-rpe", Field).text = RPE_QUESTION
            return True
        if len(key) != 1 or not key.isdigit():
            return False
        if self._rpe_one:
            if key == "0":
                self._answer_rpe(10)
            return True  # 1 then another digit: no such RPE; wait for 0 or Enter
        if key == "1":
            self._rpe_one = True
            self.query_one("#summary-rpe", Field).text = "RPE 1▏ — 0 makes it 10, Enter keeps 1"
            return True
        self._answer_rpe(int(key))
        return True

    def _answer_rpe(self, rpe: int | None) -> None:
        """Log the RPE (None: skipped) and hand the digits over to corrections."""
        self.asking_rpe, self._rpe_one = False, False
        field = self.query_one("#summary-rpe", Field)
        if rpe is None:
            field.text = "Session RPE not given (r to give it)"
        else:
            self.rpe = rpe
            minutes = self.rpe_minutes
            if self.recorder is not None:
                self.recorder.session_rpe(self.clock(), rpe, minutes)
                self.show_log_state()
            field.text = (
                f"Session RPE {rpe} · load {round(rpe * minutes)} (RPE × {minutes:g} min, Foster's sRPE)"
                " · r to change"
            )
        self.query_one("#summary-hint", Field).text = self._hint()
        self._show_cursor()

    @property
    def rpe_minutes(self) -> float:
        """The minutes session RPE multiplies: the session's time with the pauses left out."""
        return srpe_minutes(max(0.0, self.tally.total_s - self.tally.paused_s))

    def action_ask_rpe(self) -> None:
        self.asking_rpe, self._rpe_one = True, False
        self.query_one("#summary-rpe", Field).text = RPE_QUESTION
        self.query_one("#summary-hint", Field).text = self._hint()
        self._show_cursor()

    def action_move(self, step: int) -> None:
        """Select another set row (what digits correct); typed digits not saved are dropped."""
        if not self.tally.sets:
            return
        if self.asking_rpe:
            return  # the question stays until answered or skipped
        old = self.row
        self.row = max(0, min(len(self.tally.sets) - 1, self.row + step))
        if self.typed:
            self.typed = ""
            self._refresh_row(old)
        self._show_cursor()

    def _show_cursor(self) -> None:
        """The selected row is highlighted once digits correct reps (not while they answer the RPE)."""
        table = self.query_one(DataTable)
        table.cursor_type = "none" if self.asking_rpe else "row"
        if self.tally.sets:
            table.move_cursor(row=self.row)

    def _reps_key(self, key: str) -> bool:
        if not self.tally.sets:
            return False
        if len(key) == 1 and key.isdigit():
            if len(self.typed) < MAX_REP_DIGITS:
                self.typed = (self.typed + key).lstrip("0") or "0"
            self._refresh_row(self.row)
            return True
        if key == "backspace":
            self.typed = self.typed[:-1]
            self._refresh_row(self.row)
            return True
        if key == "enter":
            if self.typed:
                self.correct(self.row, int(self.typed))
            return True
        return False

    def correct(self, row: int, reps: int) -> None:
        """Set a row's reps (a `set_update` in the log) and recount the totals."""
        line = self.tally.sets[row]
        self.typed = ""
        if line.reps != reps:
            lines = list(self.tally.sets)
            lines[row] = replace(line, reps=reps)
            self.tally = replace(self.tally, sets=tuple(lines))
            if self.recorder is not None:
                self.recorder.set_update(line.phase, reps, self.clock())
                self.show_log_state()
            self.query_one("#summary-totals", Field).text = self._totals()
        self._refresh_row(row)

    def _refresh_row(self, row: int) -> None:
        self.query_one(DataTable).update_cell(str(row), "reps", self._reps_cell(row), update_width=True)

    def _reps_cell(self, row: int) -> str:
        """`12`, `12 (+2)` against last time, `—` when not counted, the digits being typed, `cut short`."""
        line: SetLine = self.tally.sets[row]
        if self.typed and row == self.row and not self.asking_rpe:
            cell = f"{self.typed}▏ Enter saves"
        elif self.previous is not None and line.phase.round is not None:
            cell = compare(line.reps, self.previous.get(set_key(line.phase)))
        else:
            cell = "—" if line.reps is None else str(line.reps)
        if line.how != "time":
            cell += " cut short"
        return cell

    def _totals(self) -> str:
        return self.tally.totals_text()

    def _hint(self) -> str:
        if self._unsaved():
            return "Enter: save · Esc leaves the field, then q: quit"
        if self.asking_rpe:
            return "0–10: session RPE · Enter skips · q to quit"
        return "j/k or ↑↓: choose a set · digits + Enter: correct its reps · r: RPE · q to quit"

    def _interruptions(self) -> str:
        return self.tally.breaks_text()

    def _log_line(self) -> str:
        t = self.tally
        problem = (self.recorder.problem if self.recorder is not None else None) or self._log_problem
        if problem:
            self._log_problem = problem
            return f"Log problem: {problem}"
        if self.recorder is not None and self.recorder.waiting:  # handed over, not yet fsynced
            return f"Saving to {t.log_path}… (the disk is slow; the records wait in memory)"
        if t.log_path:
            return f"Log written to {t.log_path}"
        return "No log kept for this session"


def _short_load(phase: Phase) -> str:
    """`35 kg`, `bw`, `bw+10 kg` or `—`: the summary's narrow load column."""
    if phase.bodyweight and phase.load is None:
        return "bw"
    if phase.load is None:
        return "—"
    weight = f"{e1rm.format_weight(phase.load)} {phase.unit}"
    return f"bw+{weight}" if phase.bodyweight else weight
