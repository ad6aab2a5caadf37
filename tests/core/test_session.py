"""The engine with a fake clock: time from `now` only, boundaries on plan, pause, skip, back, rest, reps."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timer.circuit import Circuit
from timer.clock import FakeClock
from timer.plan import Plan, build_plan
from timer.session import (
    IDLE_WAKE_S,
    PAUSED_WAKE_S,
    CueDue,
    Event,
    PhaseChanged,
    Session,
    SessionFinished,
    SetEnded,
)


def make_plan(**overrides: Any) -> Plan:
    """prepare 10 | A 45 | rest 15 | complex Step-ups 25 + Split squat 20 | rest 15 | C 45: 175 s."""
    data: dict[str, Any] = {
        "name": "T",
        "prepare": 10,
        "station": [
            {"exercise": "A", "load": "20 kg", "work": 45, "rest": 15, "cadence": 24},
            {
                "exercise": "Complex",
                "rest": 15,
                "part": [
                    {"exercise": "Step-ups", "load": "bw", "work": 25},
                    {"exercise": "Split squat", "load": "bw", "work": 20},
                ],
            },
            {"exercise": "C", "load": "bw", "work": 45},
        ],
    }
    data.update(overrides)
    return build_plan(Circuit.model_validate(data))


def hour_plan() -> Plan:
    """Four rounds of four stations (one a complex) with round rests: exactly 3600 s."""
    return make_plan(
        rounds=4,
        round_rest=90,
        station=[
            {"exercise": "Quarter squat", "load": "30 kg", "work": 180, "rest": 90, "cadence": 20},
            {
                "exercise": "Step-up complex",
                "rest": 90,
                "part": [
                    {"exercise": "Step-ups", "load": "bw", "work": 90, "cadence": 24},
                    {"exercise": "Split squat", "load": "20 kg", "work": 90},
                ],
            },
            {"exercise": "Calf raise", "load": "35 kg", "work": 120, "rest": 90, "cadence": 40},
            {"exercise": "Hip thrust", "load": "30 kg", "work": 80, "rest": 90},
        ],
    )


@pytest.fixture
def session(clock: FakeClock) -> Session:
    s = Session(make_plan())
    s.start(clock())
    return s


def at(session: Session, clock: FakeClock, t: float):
    """Move the clock to session time `t` (no pauses yet) and read the state."""
    clock.set(1000.0 + t)
    return session.state(clock())


def of(events: tuple[Event, ...] | list[Event], kind: type) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


def event_t(e: Event) -> float:
    if isinstance(e, CueDue):
        return e.planned_t
    if isinstance(e, SetEnded):
        return e.ended_t
    return e.t


# --- start and reading --------------------------------------------------------------------------------


def test_before_start_the_session_is_ready_and_idle(clock: FakeClock) -> None:
    s = Session(make_plan())
    state = s.state(clock())
    assert (state.status, state.t, state.events, state.wake_in) == ("ready", 0.0, (), IDLE_WAKE_S)
    assert state.phase.kind == "prepare" and state.remaining == 10 and state.total_remaining == 175
    assert not s.started


def test_start_enters_the_first_phase_with_a_start_event(session: Session, clock: FakeClock) -> None:
    state = at(session, clock, 0.0)
    changed = of(state.events, PhaseChanged)
    assert [(e.reason, e.phase.index, e.previous, e.t) for e in changed] == [("start", 0, None, 0.0)]
    assert state.status == "running" and session.started and session.phase_index == 0
    assert (state.remaining, state.elapsed, state.next_phase.kind) == (10, 0, "work")  # type: ignore[union-attr]


def test_events_are_handed_out_once(session: Session, clock: FakeClock) -> None:
    first = at(session, clock, 12.0)
    again = session.state(clock())
    assert of(first.events, PhaseChanged) and again.events == ()


def test_a_clock_going_backwards_is_treated_as_standing_still(session: Session, clock: FakeClock) -> None:
    at(session, clock, 12.0)
    state = at(session, clock, 11.0)
    assert state.t == 12.0 and state.elapsed == pytest.approx(2.0)


# --- the timeline on plan ------------------------------------------------------------------------------


@pytest.mark.parametrize("jump_at", [None, 1234.5])
def test_an_hour_lands_every_boundary_on_plan(clock: FakeClock, jump_at: float | None) -> None:
    plan = hour_plan()
    assert plan.total_s == 3600
    s = Session(plan)
    s.start(clock())
    events: list[Event] = []
    jumped = False
    while s.status != "finished":
        big = jump_at is not None and not jumped and clock() - 1000 >= jump_at
        clock.advance(600.0 if big else 0.37)
        jumped = jumped or big
        state = s.state(clock())
        events += state.events
        if state.status == "running":  # what is shown agrees with the plan to the millisecond
            assert state.phase == plan.phase_at(state.t)
            assert state.remaining == pytest.approx(state.phase.end_s - state.t, abs=1e-3)
            assert state.total_remaining == pytest.approx(3600 - state.t, abs=1e-3)
        for e in of(state.events, CueDue):  # late cues are dropped, never played over a second late
            assert state.t - e.planned_t <= 1.0 + 1e-9
    changed = of(events, PhaseChanged)
    assert [e.phase.index for e in changed] == list(range(len(plan.phases)))
    assert [round(e.t, 3) for e in changed] == [p.start_s for p in plan.phases]
    ended = of(events, SetEnded)
    assert [e.phase.index for e in ended] == [p.index for p in plan.phases if p.is_work]
    assert all(abs(e.ended_t - e.phase.end_s) < 1e-3 for e in ended)
    assert all(abs(e.started_t - e.phase.start_s) < 1e-3 for e in ended)
    assert [e.t for e in of(events, SessionFinished)] == [pytest.approx(3600, abs=1e-3)]
    assert isinstance(events[-1], SessionFinished)
    times = [event_t(e) for e in events]
    assert times == sorted(times)


@pytest.mark.parametrize(
    ("t", "kind", "index"),
    [(9.999, "prepare", 0), (10.0, "work", 1), (54.999, "work", 1), (55.0, "rest", 2), (95.0, "work", 4)],
)
def test_the_phase_changes_exactly_at_its_planned_second(
    session: Session, clock: FakeClock, t: float, kind: str, index: int
) -> None:
    state = at(session, clock, t)
    assert (state.phase.kind, state.phase.index) == (kind, index)


def test_one_late_call_emits_every_boundary_in_between_in_order(session: Session, clock: FakeClock) -> None:
    at(session, clock, 1.0)
    state = at(session, clock, 100.0)
    assert [(type(e).__name__, round(event_t(e), 3)) for e in state.events if not isinstance(e, CueDue)] == [
        ("PhaseChanged", 10.0),
        ("SetEnded", 55.0),
        ("PhaseChanged", 55.0),
        ("PhaseChanged", 70.0),
        ("SetEnded", 95.0),
        ("PhaseChanged", 95.0),
    ]
    assert state.phase.index == 4 and state.elapsed == pytest.approx(5.0)


def test_the_session_finishes_once(session: Session, clock: FakeClock) -> None:
    end = at(session, clock, 500.0)
    later = at(session, clock, 600.0)
    assert [e.t for e in of(end.events, SessionFinished)] == [175.0]
    assert later.events == () and later.status == "finished" and later.remaining == 0
    assert later.total_remaining == 0 and later.wake_in == IDLE_WAKE_S and session.finished_t == 175.0


# --- pause -------------------------------------------------------------------------------------------


def test_pause_freezes_the_countdown_and_counts_paused_time(session: Session, clock: FakeClock) -> None:
    at(session, clock, 5.0)
    session.pause(clock())
    paused = at(session, clock, 105.0)
    assert (paused.status, paused.remaining, paused.paused_s, paused.t) == ("paused", 5.0, 100.0, 105.0)
    assert paused.events == () and paused.wake_in == PAUSED_WAKE_S
    session.resume(clock())
    state = at(session, clock, 110.0)
    assert state.status == "running" and state.phase.kind == "work" and state.paused_s == 100.0
    assert [e.t for e in of(state.events, PhaseChanged)] == [110.0]
    assert [(p.phase.index, p.t, p.seconds) for p in session.pauses] == [(0, 5.0, 100.0)]


def test_set_times_are_session_times_with_pauses_included(session: Session, clock: FakeClock) -> None:
    at(session, clock, 20.0)
    session.toggle_pause(clock())
    at(session, clock, 50.0)
    session.toggle_pause(clock())
    state = at(session, clock, 86.0)
    [ended] = of(state.events, SetEnded)
    assert (ended.started_t, ended.ended_t) == (10.0, 85.0)


# --- skip and back -----------------------------------------------------------------------------------


def test_skip_just_before_a_boundary_starts_the_next_phase_there(session: Session, clock: FakeClock) -> None:
    at(session, clock, 9.999)
    session.skip(clock())
    state = session.state(clock())
    [changed] = of(state.events, PhaseChanged)
    assert (changed.reason, changed.phase.index, changed.t) == ("skip", 1, pytest.approx(9.999))
    assert state.remaining == 45 and state.total_remaining == pytest.approx(165)
    assert at(session, clock, 54.998).phase.index == 1 and at(session, clock, 54.999).phase.index == 2


def test_skip_just_after_a_boundary_skips_the_work_set(session: Session, clock: FakeClock) -> None:
    at(session, clock, 10.001)
    session.add_rep(clock())
    session.skip(clock())
    state = session.state(clock())
    [ended] = of(state.events, SetEnded)
    assert (ended.phase.index, ended.skipped, ended.reps) == (1, True, 1)
    assert ended.ended_t == pytest.approx(10.001)
    assert state.phase.kind == "rest" and session.skips[0].remaining_s == pytest.approx(44.999)


def test_skipping_the_last_phase_finishes_the_session(session: Session, clock: FakeClock) -> None:
    at(session, clock, 150.0)
    session.skip(clock())
    state = session.state(clock())
    assert state.status == "finished" and [e.t for e in of(state.events, SessionFinished)] == [150.0]
    session.skip(clock())
    assert session.state(clock()).events == ()


def test_skip_while_paused_stays_paused(session: Session, clock: FakeClock) -> None:
    at(session, clock, 3.0)
    session.pause(clock())
    session.skip(clock())
    state = at(session, clock, 13.0)
    assert state.status == "paused" and state.phase.index == 1 and state.remaining == 45


def test_back_restarts_the_phase_and_again_goes_to_the_previous(session: Session, clock: FakeClock) -> None:
    at(session, clock, 20.0)
    session.back(clock())
    state = session.state(clock())
    assert state.phase.index == 1 and state.remaining == 45
    assert [(e.reason, e.phase.index, e.previous.index) for e in of(state.events, PhaseChanged)] == [  # type: ignore[union-attr]
        ("back", 1, 1)
    ]
    at(session, clock, 21.0)
    session.back(clock())
    state = session.state(clock())
    assert state.phase.index == 0 and state.remaining == 10
    assert at(session, clock, 31.0).phase.index == 1


@pytest.mark.parametrize(("gap", "index"), [(1.999, 1), (2.001, 2)])
def test_back_pressed_again_within_two_seconds_goes_to_the_previous_phase(
    session: Session, clock: FakeClock, gap: float, index: int
) -> None:
    at(session, clock, 56.5)  # the rest after the first set began at 55
    session.back(clock())
    assert session.phase_index == 2  # one press restarts the rest
    at(session, clock, 56.5 + gap)
    session.back(clock())
    assert session.phase_index == index


def test_a_single_back_right_after_a_phase_change_only_restarts(session: Session, clock: FakeClock) -> None:
    at(session, clock, 55.2)  # the set ended by itself 0.2 s ago
    session.back(clock())
    assert session.phase_index == 2 and session.state(clock()).remaining == 15


def test_back_in_the_first_phase_restarts_it(session: Session, clock: FakeClock) -> None:
    at(session, clock, 1.0)
    session.back(clock())
    assert session.state(clock()).remaining == 10


def test_a_work_set_done_again_ends_again(session: Session, clock: FakeClock) -> None:
    at(session, clock, 56.0)
    session.back(clock())
    session.back(clock())  # pressed again: back to the work set
    state = at(session, clock, 56.0 + 45)
    assert [(e.phase.index, e.ended_t) for e in of(state.events, SetEnded)] == [(1, 101.0)]
    assert [s.ended_t for s in session.completed_sets] == [101.0]


# --- extending a rest ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("t", "ok"), [(5.0, True), (20.0, False), (60.0, True)])
def test_extend_rest_only_in_rests(session: Session, clock: FakeClock, t: float, ok: bool) -> None:
    before = at(session, clock, t)
    assert session.extend_rest(clock(), 15) is ok
    after = session.state(clock())
    assert after.remaining - before.remaining == (15 if ok else 0)
    assert after.total_remaining - before.total_remaining == (15 if ok else 0)


def test_extend_rest_shifts_later_phases(session: Session, clock: FakeClock) -> None:
    at(session, clock, 60.0)
    session.extend_rest(clock(), 15)
    session.extend_rest(clock(), 15)
    assert at(session, clock, 60.0).phase_duration == 45
    assert at(session, clock, 99.999).phase.kind == "rest"
    state = at(session, clock, 100.0)
    assert [e.t for e in of(state.events, PhaseChanged)] == [100.0]
    assert at(session, clock, 300.0).status == "finished" and session.finished_t == 205.0


def test_extend_rest_refuses_zero_and_a_finished_session(session: Session, clock: FakeClock) -> None:
    at(session, clock, 60.0)
    assert session.extend_rest(clock(), 0) is False
    at(session, clock, 500.0)
    assert session.extend_rest(clock(), 15) is False


# --- reps ------------------------------------------------------------------------------------------------


def test_reps_count_only_during_work_and_undo_stops_at_zero(session: Session, clock: FakeClock) -> None:
    at(session, clock, 5.0)
    assert session.add_rep(clock()) is False
    at(session, clock, 12.0)
    assert [session.add_rep(clock()) for _ in range(3)] == [True] * 3
    assert session.undo_rep(clock()) is True
    assert session.state(clock()).reps == 2
    at(session, clock, 60.0)
    assert session.add_rep(clock()) is False and session.undo_rep(clock()) is False
    state = session.state(clock())
    assert state.reps == 2 and session.reps_for(1) == 2  # the rest shows the set just done


def test_undo_never_goes_below_zero(session: Session, clock: FakeClock) -> None:
    at(session, clock, 12.0)
    assert session.undo_rep(clock()) is False and session.reps_for(1) == 0


def test_set_ended_carries_tapped_reps_and_set_reps_corrects(session: Session, clock: FakeClock) -> None:
    at(session, clock, 12.0)
    session.add_rep(clock())
    state = at(session, clock, 56.0)
    [ended] = of(state.events, SetEnded)
    assert ended.reps == 1
    session.set_reps(1, 18)
    assert session.reps_for(1) == 18 and session.completed_sets[0].reps == 18
    assert session.state(clock()).reps == 18
    with pytest.raises(ValueError, match="not a work phase"):
        session.set_reps(2, 5)
    with pytest.raises(ValueError, match="negative"):
        session.set_reps(1, -1)


def test_a_correction_during_a_redo_fixes_the_record_not_the_redo(session: Session, clock: FakeClock) -> None:
    at(session, clock, 12.0)
    for _ in range(3):
        session.add_rep(clock())
    at(session, clock, 56.0)  # the set ended with 3 reps; its rest runs
    session.back(clock())
    session.back(clock())  # pressed again: back into the set
    assert session.phase_index == 1 and session.state(clock()).reps == 0
    session.set_reps(1, 20)  # the rest's entry is saved as the phase changes
    assert session.completed_sets[0].reps == 20
    session.add_rep(clock())
    assert session.state(clock()).reps == 1  # the redo counts from 0, not from 20


def test_every_part_of_a_complex_ends_its_own_set(session: Session, clock: FakeClock) -> None:
    at(session, clock, 80.0)
    session.add_rep(clock())
    state = at(session, clock, 116.0)
    ended = of(state.events, SetEnded)
    assert [(e.phase.part, e.phase.exercise, e.reps, e.started_t, e.ended_t) for e in ended] == [
        (1, "Step-ups", 1, 70.0, 95.0),
        (2, "Split squat", 0, 95.0, 115.0),
    ]
    assert [(s.phase.exercise, s.phase.load_text(), s.reps) for s in session.completed_sets] == [
        ("A", "20 kg", 0),
        ("Step-ups", "bodyweight", 1),
        ("Split squat", "bodyweight", 0),
    ]


# --- when to wake up ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("t", "wake"),
    [
        (0.0, 1.0),  # the display changes at 1 s, when the "Next: A" phrase is due too
        (0.7, 0.3),  # 9.3 s left: the display shows 10 until 9.0
        (3.0, 1.0),  # exactly 7 s left: 7 is shown for a whole second
        (9.8, 0.2),  # the phase ends
        (12.2, 0.3),  # metronome tick at 2.5 s into the work set
    ],
)
def test_wake_in_is_the_next_display_change_or_cue(clock: FakeClock, t: float, wake: float) -> None:
    s = Session(make_plan(), metronome=True)
    s.start(clock())
    state = at(s, clock, t)
    assert state.wake_in == pytest.approx(wake)


def test_a_ui_waking_at_wake_in_sees_every_second_and_every_cue_on_time(clock: FakeClock) -> None:
    s = Session(make_plan(), metronome=True)
    s.start(clock())
    shown: dict[int, list[int]] = {}
    late: list[float] = []
    state = s.state(clock())
    while state.status != "finished":
        clock.advance(state.wake_in + 0.0015)  # Textual's timers run about 1.5 ms late
        state = s.state(clock())
        late += [state.t - e.planned_t for e in of(state.events, CueDue)]
        shown.setdefault(state.phase.index, []).append(state.shown_remaining)
    for phase in s.plan.phases[1:]:
        assert set(range(1, phase.duration_s + 1)) <= set(shown[phase.index])
    assert late and max(late) < 0.05


# --- properties over random use ------------------------------------------------------------------------

command = st.sampled_from(["wait", "wait", "wait", "pause", "skip", "back", "extend", "rep", "metronome"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(command, st.floats(0.0, 40.0)), max_size=40))
def test_random_use_keeps_events_ordered_and_once(steps: list[tuple[str, float]]) -> None:
    clock = FakeClock()
    s = Session(make_plan())
    s.start(clock())
    events: list[Event] = []
    for name, wait in steps:
        clock.advance(wait)
        {
            "wait": lambda: None,
            "pause": lambda: s.toggle_pause(clock()),
            "skip": lambda: s.skip(clock()),
            "back": lambda: s.back(clock()),
            "extend": lambda: s.extend_rest(clock(), 15),
            "rep": lambda: s.add_rep(clock()),
            "metronome": lambda: s.set_metronome(not s.metronome),
        }[name]()
        state = s.state(clock())
        events += state.events
        assert 0 <= state.remaining <= state.phase_duration
        assert state.paused_s <= state.t + 1e-9
    times = [event_t(e) for e in events]
    assert times == sorted(times)
    assert len(of(events, SessionFinished)) == (1 if s.status == "finished" else 0)
    if s.status == "finished":
        assert isinstance(events[-1], SessionFinished)


# --- preview: the state at a moment ahead, drawn before it (the run screen's phase changes) --------------


@pytest.mark.parametrize(
    "ahead", [0.05, 5.0, 70.0, 400.0]
)  # within the phase, across one, several, past the end
def test_preview_is_the_coming_state_and_changes_nothing(
    session: Session, clock: FakeClock, ahead: float
) -> None:
    at(session, clock, 54.95)  # 0.05 s before A's work ends (cues, a set, a phase change, a rest to come)
    session.add_rep(clock())
    session.add_rep(clock())
    before = copy.deepcopy(vars(session))
    then = clock() + ahead
    preview = session.preview(then)
    assert vars(session) == before  # the session itself has not moved: nothing played, logged or ended
    assert preview.events == ()
    clock.set(then)
    real = session.state(clock())
    assert preview == replace(real, events=())  # what was drawn ahead is what the moment is
    if ahead >= 0.05:
        assert of(real.events, PhaseChanged)  # the moment's events are handed out by state(), as ever


def test_preview_while_paused_shows_the_pause(session: Session, clock: FakeClock) -> None:
    at(session, clock, 54.0)
    session.pause(clock())
    preview = session.preview(clock() + 5)
    assert preview.status == "paused" and preview.phase.exercise == "A" and preview.remaining == 1.0
