"""The session runner without a screen: cues, the log and the reps kept in step, driven by a fake clock."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import CIRCUITS
from timer.audio import RecordingPlayer
from timer.clock import FakeClock
from timer.cues import Cue
from timer.plan import Phase, Plan, load_plan
from timer.replog import ResumePoint, read_log
from timer.replog.recorder import Recorder
from timer.runner import MAX_WAKE_S, MIN_DELAY_S, WAKE_SLACK_S, SessionRunner, spoken_phrases

START = 1000.0
"""Where the `clock` fixture's FakeClock starts."""


class Journal:
    """What happened, in order, across the player and the log (to check which came first)."""

    def __init__(self) -> None:
        self.entries: list[str] = []


class JournalPlayer(RecordingPlayer):
    def __init__(self, journal: Journal) -> None:
        super().__init__()
        self.journal = journal

    def play(self, cue: Cue) -> None:
        super().play(cue)
        self.journal.entries.append(f"cue {cue.kind}")


class JournalLog:
    """A `RepLog` that writes nothing and notes each call; `fail()` makes it keep records in memory."""

    path = Path("/nowhere/log.jsonl")

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.failed = False
        self.last_error: str | None = None
        self.updates: list[tuple[int, int | None]] = []

    def _note(self, what: str) -> bool:
        self.journal.entries.append(f"log {what}")
        return not self.failed

    def fail(self, error: str) -> None:
        self.failed, self.last_error = True, error

    def start(
        self,
        plan: Plan,
        *,
        now: float,
        circuit_path: str | os.PathLike[str] | None = None,
        circuit_sha256: str | None = None,
        resume: ResumePoint | None = None,
    ) -> bool:
        return self._note("start")

    def handle(self, event: object, now: float) -> bool:
        return self._note(type(event).__name__)

    def rep(self, now: float, count: int | None = None) -> bool:
        return self._note(f"rep {count}")

    def pause(self, now: float) -> bool:
        return self._note("pause")

    def resume(self, now: float) -> bool:
        return self._note("resume")

    def set_update(self, phase: Phase, reps: int | None, now: float) -> bool:
        self.updates.append((phase.index, reps))
        return self._note(f"set_update {phase.index} {reps}")

    def abort(self, now: float, *, reps: int = 0, counted: bool | None = None, active_s: float | None = None,
              paused_s: float | None = None) -> bool:  # fmt: skip
        return self._note(f"abort {reps}" + ("" if counted is not False else " not counted"))

    def session_rpe(self, now: float, rpe: int, minutes: float) -> bool:
        return self._note(f"session_rpe {rpe}")

    def retry(self) -> bool:
        return not self.failed

    def save_pending_to(self, path: str | os.PathLike[str]) -> None:
        self.failed = False


@pytest.fixture
def journal() -> Journal:
    return Journal()


@pytest.fixture
def log(journal: Journal) -> JournalLog:
    return JournalLog(journal)


@pytest.fixture
def runner(short_plan: Plan, clock: FakeClock, journal: Journal, log: JournalLog) -> SessionRunner:
    runner = SessionRunner(short_plan, clock, JournalPlayer(journal), Recorder(log))
    runner.start(clock())
    runner.poll(clock())
    return runner


def at(runner: SessionRunner, clock: FakeClock, t: float):
    """Move the clock to session time `t` and poll, as the screen's timer would."""
    clock.set(START + t)
    return runner.poll(clock())


def tap_at(runner: SessionRunner, clock: FakeClock, t: float, reps: int = 1) -> None:
    """Move to session time `t` and tap `reps` reps there, as the athlete would."""
    at(runner, clock, t)
    for _ in range(reps):
        runner.add_rep()


def test_cues_play_before_the_log_hears_of_the_phase_change(
    runner: SessionRunner, clock: FakeClock, journal: Journal
) -> None:
    at(runner, clock, 4.9)  # the count-down cues before it
    journal.entries.clear()
    at(runner, clock, 5)  # prepare -> Squat
    assert journal.entries[0] == "cue go"
    assert "log PhaseChanged" in journal.entries
    assert journal.entries.index("cue go") < journal.entries.index("log PhaseChanged")


def test_a_late_poll_loses_nothing(runner: SessionRunner, clock: FakeClock, log: JournalLog, journal) -> None:
    journal.entries.clear()
    state = at(runner, clock, 40)  # one poll over two phase changes and a set's end
    assert state.phase.exercise == "Step-ups"
    logged = [e for e in journal.entries if e.startswith("log ")]
    assert logged == [
        "log PhaseChanged",  # Squat
        "log SetEnded",
        "log PhaseChanged",  # rest
        "log PhaseChanged",  # Step-ups: nothing tapped or typed, so nothing written (never the target)
    ]
    assert not runner.session.counted(1)
    assert runner.offer is None


def test_the_next_poll_is_timed_from_when_the_last_began(runner: SessionRunner, clock: FakeClock) -> None:
    state = at(runner, clock, 4.75)
    assert state.wake_in == pytest.approx(0.25)
    assert runner.next_delay(clock()) == pytest.approx(0.25 + WAKE_SLACK_S)
    began = clock()
    clock.advance(0.1)  # the poll itself took 100 ms
    assert runner.next_delay(began) == pytest.approx(0.15 + WAKE_SLACK_S)
    clock.advance(1)  # far later than the boundary: poll again at once, but never in a busy loop
    assert runner.next_delay(began) == MIN_DELAY_S


def test_a_paused_session_still_polls_once_a_second(runner: SessionRunner, clock: FakeClock) -> None:
    assert runner.toggle_pause()
    runner.poll(clock())
    assert runner.next_delay(clock()) <= MAX_WAKE_S + WAKE_SLACK_S


def test_taps_are_logged_with_the_tally_and_only_during_work(
    runner: SessionRunner, clock: FakeClock, journal: Journal
) -> None:
    assert not runner.add_rep()  # prepare: nothing to count
    at(runner, clock, 6)
    assert runner.add_rep() and runner.add_rep() and runner.undo_rep()
    assert [e for e in journal.entries if "rep" in e] == ["log rep 1", "log rep 2", "log rep 1"]
    assert runner.poll(clock()).reps == 1


def test_a_typed_correction_stands_when_the_rest_ends(
    runner: SessionRunner, clock: FakeClock, log: JournalLog
) -> None:
    tap_at(runner, clock, 6)
    at(runner, clock, 26)
    assert runner.offer is not None and (runner.offer.phase_index, runner.offer.shown) == (1, 1)
    assert runner.offer.exercise == "Squat" and runner.offer.target == 12
    runner.edit_offer(9)  # typed, Enter not pressed
    assert log.updates == []
    at(runner, clock, 35)
    assert log.updates == [(1, 9)]
    assert runner.session.reps_for(1) == 9 and runner.session.counted(1)


def test_a_correction_saved_with_enter_is_logged_once(
    runner: SessionRunner, clock: FakeClock, log: JournalLog
) -> None:
    at(runner, clock, 26)
    runner.save_reps(1, 11)
    at(runner, clock, 35)  # the rest ends with 11 shown: already in the log
    assert log.updates == [(1, 11)]


def test_the_tapped_count_left_alone_writes_no_correction(
    runner: SessionRunner, clock: FakeClock, log: JournalLog
) -> None:
    tap_at(runner, clock, 6)
    at(runner, clock, 35)
    assert log.updates == []  # the set's end record already said 1
    assert runner.session.counted(1)


def test_a_skipped_set_with_no_taps_offers_nothing_and_saves_nothing(
    runner: SessionRunner, clock: FakeClock, log: JournalLog
) -> None:
    at(runner, clock, 6)
    runner.skip()
    state = runner.poll(clock())
    assert state.phase.kind == "rest"
    assert runner.offer is not None and runner.offer.shown is None  # no target offered: not done as planned
    at(runner, clock, 20)
    assert log.updates == [] and not runner.session.counted(1)
    assert runner.tally(runner.poll(clock())).sets[0].reps is None  # "not counted", never invented


def test_stopping_mid_set_logs_the_reps_so_far_and_is_safe_twice(
    runner: SessionRunner, clock: FakeClock, journal: Journal
) -> None:
    tap_at(runner, clock, 6, 2)
    state = runner.stop()
    assert state.status == "running" and runner.done and not runner.running
    runner.stop()
    assert [e for e in journal.entries if e.startswith("log abort")] == ["log abort 2"]
    journal.entries.clear()
    at(runner, clock, 30)  # a timer firing after the stop: no cue, no record
    assert journal.entries == []


def test_stopping_during_a_rest_keeps_the_shown_reps_unless_told_not_to(
    short_plan: Plan, clock: FakeClock, journal: Journal
) -> None:
    for commit, expected in ((True, [(1, 7)]), (False, [])):
        log = JournalLog(journal)
        runner = SessionRunner(short_plan, clock, RecordingPlayer(), Recorder(log))
        clock.set(START)
        runner.start(clock())
        at(runner, clock, 26)
        runner.edit_offer(7)
        runner.stop(commit_offer=commit)
        assert log.updates == expected


def test_the_end_of_the_session_is_logged_and_tallied(runner: SessionRunner, clock: FakeClock) -> None:
    tap_at(runner, clock, 6)
    state = at(runner, clock, 60)
    assert runner.done and state.status == "finished"
    assert runner.recorder.ended
    tally = runner.tally(state)
    assert tally.completed and [s.reps for s in tally.sets] == [1, None]
    assert tally.log_path == Path("/nowhere/log.jsonl")


def test_pausing_for_a_suspend_says_so_until_p(runner: SessionRunner, clock: FakeClock, journal) -> None:
    assert runner.pause_for_suspend()
    assert runner.session.paused and runner.paused_by_suspend
    assert not runner.pause_for_suspend()  # already paused
    assert runner.toggle_pause()
    assert not runner.session.paused and not runner.paused_by_suspend
    assert [e for e in journal.entries if e in ("log pause", "log resume")] == ["log pause", "log resume"]


def test_nothing_to_pause_before_the_start(short_plan: Plan, clock: FakeClock) -> None:
    runner = SessionRunner(short_plan, clock, RecordingPlayer(), Recorder())
    assert not runner.toggle_pause()
    assert not runner.pause_for_suspend()


def test_extend_works_only_during_a_rest(runner: SessionRunner, clock: FakeClock) -> None:
    at(runner, clock, 6)
    assert not runner.extend()
    at(runner, clock, 26)
    assert runner.extend()
    assert runner.poll(clock()).phase_duration == 25


def test_mute_and_metronome_toggle(runner: SessionRunner, clock: FakeClock) -> None:
    runner.toggle_mute()
    assert runner.player.muted
    runner.toggle_metronome()
    assert runner.poll(clock()).metronome


def test_problems_are_told_once_each(runner: SessionRunner, clock: FakeClock, log: JournalLog) -> None:
    assert runner.problems() == []
    log.fail("no space left on /media/usb")
    assert [(p.about, p.text) for p in runner.problems()] == [("log", "no space left on /media/usb")]
    assert runner.problems() == []
    assert isinstance(runner.player, RecordingPlayer)
    runner.player.problem = "the sound device went away"
    assert [p.about for p in runner.problems()] == ["sound"]
    assert runner.problems() == []


def test_a_real_log_holds_what_the_athlete_did(short_plan: Plan, clock: FakeClock, tmp_path: Path) -> None:
    """End to end through `SessionLog`: taps, a correction typed in the rest, a skip and the end."""
    path = tmp_path / "log.jsonl"
    runner = SessionRunner(short_plan, clock, RecordingPlayer(), Recorder(log_path=path))
    runner.start(clock())
    tap_at(runner, clock, 6)
    at(runner, clock, 26)
    runner.edit_offer(10)
    at(runner, clock, 36)
    runner.skip()
    state = runner.poll(clock())
    assert state.status == "finished" and runner.done
    runner.recorder.close()  # the log writes on its own thread: what every front end does at its exit
    sessions, problems = read_log(path)
    assert problems == []
    (session,) = sessions
    assert session.status == "completed"
    assert [(s.exercise, s.reps, s.ended_by) for s in session.sets.values()] == [
        ("Squat", 10, "time"),
        ("Step-ups", None, "skip"),  # skipped with no taps: not counted
    ]


def test_every_phrase_the_session_may_speak_is_listed_once(short_plan: Plan) -> None:
    phrases = spoken_phrases(short_plan)
    assert len(phrases) == len(set(phrases)) > 0
    assert any("Step-ups" in p for p in phrases)  # the announcement of the next station


def test_the_place_line_names_the_work_now_or_next(runner: SessionRunner, clock: FakeClock) -> None:
    state = at(runner, clock, 1)
    assert runner.place_text(state.phase, state.next_phase) == "GET READY · next: Set 1/1 · Round 1/1"
    assert runner.place_more(state.phase, state.next_phase) == " · Station 1/2"
    state = at(runner, clock, 6)
    assert runner.place_text(state.phase, state.next_phase) == "WORK · Set 1/1 · Round 1/1"
    assert runner.place_text(state.phase, state.next_phase, paused=True) == (
        "PAUSED (WORK, p goes on) · Set 1/1 · Round 1/1"
    )


def test_the_status_line_says_only_what_is_wrong(
    runner: SessionRunner, clock: FakeClock, log: JournalLog
) -> None:
    state = runner.poll(clock())
    assert runner.status_text(state) == ""  # nothing wrong: an empty line, not clutter
    log.fail("disk full")
    runner.pause_for_suspend()
    clock.advance(2.4)
    state = runner.poll(clock())
    assert runner.status_text(state) == (
        "log NOT saved (retrying) · paused while suspended: p goes on · paused 0:02"
    )


def test_the_pause_length_on_the_status_line_is_the_floor(runner: SessionRunner, clock: FakeClock) -> None:
    """Issue 16 point 7: 23.9 s paused reads `paused 0:23`, as a stopwatch would (it said 0:24)."""
    runner.toggle_pause()
    clock.advance(23.9)
    assert runner.status_text(runner.poll(clock())) == "paused 0:23"
    clock.advance(0.1)
    assert runner.status_text(runner.poll(clock())) == "paused 0:24"


# --- honest records ---------------------------------------------------------------------------------------


def test_an_untapped_set_is_offered_as_not_counted_never_as_its_target(
    runner: SessionRunner, clock: FakeClock, log: JournalLog
) -> None:
    at(runner, clock, 26)
    assert runner.offer is not None and runner.offer.shown is None and runner.offer.target == 12
    at(runner, clock, 36)
    assert log.updates == [] and runner.tally(runner.poll(clock())).sets[0].reps is None


def test_taps_while_paused_are_not_counted_or_logged(
    runner: SessionRunner, clock: FakeClock, journal: Journal
) -> None:
    at(runner, clock, 6)
    assert runner.add_rep()
    assert runner.toggle_pause()
    assert not runner.add_rep() and not runner.undo_rep()
    assert [e for e in journal.entries if "rep" in e] == ["log rep 1"]
    assert runner.poll(clock()).reps == 1


def test_tab_moves_the_correction_between_a_complexs_parts(clock: FakeClock) -> None:
    plan = load_plan(str(CIRCUITS / "complex-first.toml"))
    journal = Journal()
    log = JournalLog(journal)
    runner = SessionRunner(plan, clock, RecordingPlayer(), Recorder(log))
    clock.set(START)
    runner.start(clock())
    at(runner, clock, 10)
    runner.add_rep()  # Step-ups: 1 tap; Split squat: none
    at(runner, clock, 40)  # the rest after the complex
    offer = runner.offer
    assert offer is not None and offer.exercise == "Split squat" and offer.parts and offer.shown is None
    runner.edit_offer(8)
    assert runner.next_part()  # the 8 typed for the split squat stands
    assert runner.offer is not None and (runner.offer.exercise, runner.offer.shown) == ("Step-ups", 1)
    runner.save_reps(runner.offer.phase_index, 6)
    assert runner.next_part() and runner.offer is not None and runner.offer.shown == 8
    assert log.updates == [(2, 8), (1, 6)]


def test_stopping_mid_set_puts_the_set_under_way_in_the_summary_as_cut_short(
    runner: SessionRunner, clock: FakeClock, journal: Journal
) -> None:
    at(runner, clock, 10)
    tally = runner.tally(runner.stop())
    (line,) = tally.sets
    assert (line.phase.exercise, line.reps, line.how, line.seconds) == ("Squat", None, "abort", 5.0)
    assert tally.result.sets_text() == "0/2 sets done, 1 cut short" and not tally.completed
    assert "log abort 0 not counted" in journal.entries
