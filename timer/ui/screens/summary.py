"""The summary after the last phase: each set, totals, what was paused or skipped, where the log is.

Two things arrive after it is shown: each set's reps against the previous completed session of the circuit
(read from the log by a worker), and, when the log could not take every record (disk full), a field to
save them to another file.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input
from textual.worker import Worker, WorkerState

from timer import e1rm
from timer.durations import format_duration
from timer.errors import CircuitTimerError
from timer.history.trends import compare, previous_reps
from timer.plan import Phase
from timer.replog import SetKey, set_key
from timer.replog.recorder import Recorder, default_rescue_path
from timer.tally import Tally
from timer.ui.screens.confirm import ConfirmQuit
from timer.ui.widgets.field import Field


class SummaryScreen(Screen[None]):
    """Title "Summary"; `q` quits at once (it asks first if records are still unsaved)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("escape", "leave_field", "Leave the field", show=False),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]

    def __init__(self, tally: Tally, recorder: Recorder | None = None) -> None:
        super().__init__()
        self.tally = tally
        self.recorder = recorder
        """The session's recorder: unsaved records are saved through it."""
        self.previous: dict[SetKey, int | None] | None = None
        """Reps per set in the previous completed session, once the worker has read the log."""

    def compose(self) -> ComposeResult:
        t = self.tally
        unit = t.plan.unit
        yield Field(f"Summary · {t.plan.name}", id="summary-title")
        with VerticalScroll(id="summary-body"):
            yield DataTable(id="summary-table", cursor_type="none", zebra_stripes=True)
            volume = f" · volume {e1rm.format_weight(round(t.volume, 1))} {unit}" if t.volume else ""
            sets = _count(len(t.sets), "set")
            yield Field(
                f"Time {format_duration(t.total_s)} · {sets} · {t.total_reps} reps{volume}{self._earlier()}",
                id="summary-totals",
            )
            yield Field(self._interruptions(), id="summary-breaks")
            yield Field("", id="summary-compare")
            yield Field(self._log_line(), id="summary-log")
            if self._unsaved():
                with Vertical(id="summary-rescue"):
                    yield Field(self._rescue_prompt(), id="rescue-prompt")
                    yield Input(str(default_rescue_path()), id="rescue-path", select_on_focus=False)
                    yield Field("Enter saves there; edit the path first if you like.", id="rescue-status")
        hint = "Enter: save · Esc leaves the field, then q: quit" if self._unsaved() else "q to quit"
        yield Field(hint, id="summary-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#summary-compare", Field).display = False
        table = self.query_one(DataTable)
        table.can_focus = False
        table.add_column("Set")
        table.add_column("Exercise")
        table.add_column("Load")
        table.add_column("Reps", key="reps")
        table.add_column("Time")
        for number, line in enumerate(self.tally.sets):
            phase = line.phase
            where = f"R{phase.round} S{phase.station} #{phase.set}" + (f".{phase.part}" if phase.part else "")
            reps = "—" if line.reps is None else str(line.reps)
            if line.skipped:
                reps += " skipped"
            table.add_row(
                where,
                Text(phase.exercise or ""),
                _short_load(phase),
                reps,
                format_duration(line.seconds),
                key=str(number),
            )
        if self.tally.log_path is not None and self.tally.sets:
            self.run_worker(self._read_previous, thread=True, exit_on_error=False, name="previous")
        if self._unsaved():
            self.query_one("#rescue-path", Input).focus()

    # --- comparing with the previous session --------------------------------------------------------

    def _read_previous(self) -> dict[SetKey, int | None] | None:
        t = self.tally
        assert t.log_path is not None
        return previous_reps([t.log_path], t.plan.name, athlete=t.plan.athlete, exclude=t.session_id)

    @on(Worker.StateChanged)
    def _worker_done(self, event: Worker.StateChanged) -> None:
        if event.worker.name == "previous" and event.state == WorkerState.SUCCESS and event.worker.result:
            self.show_comparison(event.worker.result)

    def show_comparison(self, previous: dict[SetKey, int | None]) -> None:
        """Each set's reps with the change since last time, `32 (+2)`, and a line of totals."""
        self.previous = previous
        table = self.query_one(DataTable)
        up = down = same = change = 0
        for number, line in enumerate(self.tally.sets):
            if line.phase.round is None:
                continue
            before = previous.get(set_key(line.phase))
            cell = compare(line.reps, before)
            if line.skipped:
                cell += " skipped"
            table.update_cell(str(number), "reps", cell, update_width=True)
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

    def _earlier(self) -> str:
        t = self.tally
        if not t.earlier_sets:
            return ""
        return f" · resumed: {_count(t.earlier_sets, 'set')} and {t.earlier_reps} reps before the break"

    def _interruptions(self) -> str:
        t = self.tally
        bits = []
        if t.pauses:
            bits.append(f"Paused {len(t.pauses)}× for {format_duration(t.paused_s)}")
        else:
            bits.append("No pauses")
        if t.skips:
            names = {"prepare": "get ready", "work": "work", "rest": "rest", "round_rest": "round rest"}
            listed = ", ".join(
                f"{names[s.phase.kind]}"
                + (f" {s.phase.exercise}" if s.phase.is_work else "")
                + f" ({format_duration(s.remaining_s)} left)"
                for s in t.skips
            )
            bits.append(f"skipped {len(t.skips)}: {listed}")
        else:
            bits.append("nothing skipped")
        return " · ".join(bits)

    def _log_line(self) -> str:
        t = self.tally
        if t.log_problem:
            return f"Log problem: {t.log_problem}"
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


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
