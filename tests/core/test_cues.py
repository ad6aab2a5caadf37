"""The cue schedule: each cue kind per phase, the collision rule, and the cues the engine plays."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from timer.circuit import Circuit
from timer.clock import FakeClock
from timer.cues import COLLISION_S, PRIORITY, Cue, load_words, phase_cues, resolve_collisions
from timer.plan import Plan, build_plan
from timer.session import CueDue, Session


def make_plan(*stations: dict[str, Any], **top: Any) -> Plan:
    data: dict[str, Any] = {"name": "T", "prepare": 10, "station": list(stations)}
    data.update(top)
    return build_plan(Circuit.model_validate(data))


def bw(exercise: str, work: int, rest: int = 0, **more: Any) -> dict[str, Any]:
    return {"exercise": exercise, "load": "bw", "work": work, "rest": rest, **more}


def complex_(rest: int, *parts: tuple[Any, ...]) -> dict[str, Any]:
    """A complex of bodyweight parts given as (name, work) or (name, work, cadence)."""
    moves = [{"exercise": p[0], "load": "bw", "work": p[1], "cadence": (p[2:] or [None])[0]} for p in parts]
    return {"exercise": "Complex", "rest": rest, "part": moves}


def cues_of(plan: Plan, index: int, *, duration: float | None = None, metronome: bool = False) -> list[Cue]:
    phase = plan.phases[index]
    nxt = plan.phases[index + 1] if index + 1 < len(plan.phases) else None
    length = phase.duration_s if duration is None else duration
    return phase_cues(phase, length, nxt, plan, metronome=metronome)


def table(cues: list[Cue]) -> str:
    """Cues in a compact, readable form: "go@0 halfway@45 count@87 stop@90"."""
    return " ".join(f"{c.kind}@{c.at:g}" for c in cues)


def said(cues: list[Cue]) -> dict[str, str | None]:
    return {c.kind: c.say for c in cues if c.say}


COUNT_BEFORE_10 = "count@7 count@8 count@9"

# --- one phase at a time ----------------------------------------------------------------------------------

ONE_STATION = make_plan(bw("A", 90, 30), bw("B", 45))
CASES = [
    # a 10 s prepare: too short for "10 seconds left"; "Next" is said alone after 1 s, then 3-2-1
    ("prepare", ONE_STATION, 0, "announce@1 " + COUNT_BEFORE_10),
    # a 90 s set followed by a rest: go, halfway, 3-2-1, stop
    (
        "work with rest after",
        ONE_STATION,
        1,
        "go@0 halfway@45 count@87 count@88 count@89 stop@90",
    ),
    ("rest of 30 s", ONE_STATION, 2, "rest10@20 count@27 count@28 count@29"),
    # under 60 s: no halfway; the circuit's last set ends with "final" instead of "stop"
    ("last set", ONE_STATION, 3, "go@0 count@42 count@43 count@44 final@45"),
    ("set of exactly 60 s", make_plan(bw("A", 60)), 1, "go@0 halfway@30 count@57 count@58 count@59 final@60"),
    ("set of 59 s", make_plan(bw("A", 59)), 1, "go@0 count@56 count@57 count@58 final@59"),
    # no rest between stations: the next set's "go" marks the change, so no "stop"
    ("no rest", make_plan(bw("A", 45), bw("B", 45)), 1, "go@0 count@42 count@43 count@44"),
    # a short rest: no room for a phrase before the 3-2-1, so only the countdown
    ("rest of 5 s", make_plan(bw("A", 45, 5), bw("B", 45)), 2, "count@2 count@3 count@4"),
]


@pytest.mark.parametrize(("plan", "index", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cues_of_one_phase(plan: Plan, index: int, expected: list[tuple[str, float]]) -> None:
    assert table(cues_of(plan, index)) == expected


def test_halfway_and_rest10_speak() -> None:
    assert said(cues_of(ONE_STATION, 1)) == {"halfway": "Halfway"}
    assert said(cues_of(ONE_STATION, 2)) == {"rest10": "Next: B, bodyweight"}
    assert said(cues_of(ONE_STATION, 0)) == {"announce": "Next: A, bodyweight"}  # the 10 s prepare


# --- "10 seconds left" only when it is true and clear of the stop tone and the 3-2-1 ----------------------

REST10_RULE = [
    # (length, its cues): rest10 at D-10 from 13 s up; below, "Next" alone at 1 s when 3 s are left before
    # the countdown (D >= 7); below that, the countdown only. Never a rest10 among or before the counts.
    (2, "count@0 count@1"),
    (3, "count@0 count@1 count@2"),
    (5, "count@2 count@3 count@4"),
    (6, "count@3 count@4 count@5"),
    (7, "announce@1 count@4 count@5 count@6"),
    (10, "announce@1 count@7 count@8 count@9"),
    (12, "announce@1 count@9 count@10 count@11"),
    (13, "rest10@3 count@10 count@11 count@12"),
    (15, "rest10@5 count@12 count@13 count@14"),
    (30, "rest10@20 count@27 count@28 count@29"),
]


@pytest.mark.parametrize(("length", "expected"), REST10_RULE, ids=[f"{r[0]}s" for r in REST10_RULE])
def test_rest10_only_in_rests_of_13_s_or_more(length: int, expected: str) -> None:
    plan = make_plan(bw("A", 45), prepare=length)
    assert table(cues_of(plan, 0)) == expected
    # the same rule in a rest between stations, where a count at 0 loses to the stop tone ending the set
    rest = make_plan(bw("A", 45, length), bw("B", 45), prepare=0)
    assert table(cues_of(rest, 1)) == expected.removeprefix("count@0 ")


@pytest.mark.parametrize(
    ("length", "expected"),
    [(6.9, "count@3.9 count@4.9 count@5.9"), (12.9, "announce@1 count@9.9 count@10.9 count@11.9")],
)
def test_the_rule_at_lengths_between_whole_seconds(length: float, expected: str) -> None:
    assert table(cues_of(make_plan(bw("A", 45)), 0, duration=length)) == expected


def test_the_two_second_prepare_of_the_bug_report_has_no_rest10() -> None:
    plan = make_plan(bw("A", 20), prepare=2)
    session = Session(plan)
    clock = FakeClock()
    session.start(clock())
    assert played(session, clock, 2.1) == "count@0 count@1 go@2"


def test_a_rest10_stays_clear_of_both_ends_of_the_rest() -> None:
    for length in range(13, 120):
        plan = make_plan(bw("A", 45, length), bw("B", 45), prepare=0)
        [rest10] = [c for c in cues_of(plan, 1) if c.kind == "rest10"]
        assert rest10.at >= 3 and length - rest10.at == 10


def test_a_short_round_rest_says_the_round_not_next() -> None:
    plan = make_plan(bw("A", 45, 15), bw("B", 45), rounds=2, round_rest=10)
    rest = next(p for p in plan.phases if p.kind == "round_rest")
    assert table(cues_of(plan, rest.index)) == "announce@1 count@7 count@8 count@9"
    assert said(cues_of(plan, rest.index)) == {"announce": "Round 2 of 2"}
    long_plan = make_plan(bw("A", 45, 15), bw("B", 45), rounds=2, round_rest=20)
    long_rest = next(p for p in long_plan.phases if p.kind == "round_rest")
    cues = cues_of(long_plan, long_rest.index)
    assert table(cues) == "announce@1 rest10@10 count@17 count@18 count@19"
    assert [c.say for c in cues if c.say] == ["Round 2 of 2", "Next: A, bodyweight"]


def test_every_spoken_next_phrase_ends_in_time_for_the_countdown() -> None:
    """A phrase plus its tone is about 3 s; it starts at least that long before the first count."""
    plan = make_plan(bw("A", 45))
    for length in [x / 4 for x in range(1, 200)]:
        cues = cues_of(plan, 0, duration=length)
        counts = [c.at for c in cues if c.kind == "count"]
        for cue in cues:
            if cue.say:
                assert counts and counts[0] - cue.at >= 3.0, (length, table(cues))


@pytest.mark.parametrize(
    ("load", "units", "words"),
    [
        ("20 kg", "kg", "20 kilos"),
        ("1 kg", "kg", "1 kilo"),
        ("45 lb", "lb", "45 pounds"),
        ("32.5 kg", "kg", "32.5 kilos"),
        ("bw", "kg", "bodyweight"),
        ("bw + 10 kg", "kg", "bodyweight plus 10 kilos"),
        ("16 kg", "lb", "16 kilos"),  # a bell is said as the coach named it, to a pound athlete too
        (None, "kg", ""),
    ],
)
def test_the_load_is_spoken_in_words(load: str | None, units: str, words: str) -> None:
    station: dict[str, Any] = {"exercise": "Step-ups", "work": 45, **({"load": load} if load else {})}
    plan = make_plan(station, units=units, increment=0.5)
    assert load_words(plan.phases[1]) == words
    assert said(cues_of(plan, 0))["announce"] == ("Next: Step-ups" + (f", {words}" if words else ""))


# --- complexes: parts and the set's midpoint ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "halfway"),
    [
        ((("P1", 40), ("P2", 30)), (1, 35.0)),  # the midpoint at 35 s lies in part 1
        ((("P1", 30), ("P2", 40)), (2, 5.0)),  # ... in part 2, 5 s after it starts
        ((("P1", 20), ("P2", 20), ("P3", 20)), (2, 10.0)),
        ((("P1", 30), ("P2", 30)), None),  # on the part change: "part" wins the collision
        ((("P1", 25), ("P2", 20)), None),  # a 45 s set has no halfway
    ],
)
def test_a_complex_has_one_halfway_at_the_sets_midpoint(parts: tuple, halfway: tuple | None) -> None:
    plan = make_plan(complex_(30, *parts))
    work = [p for p in plan.phases if p.is_work]
    found = [(p.part, c.at) for p in work for c in cues_of(plan, p.index) if c.kind == "halfway"]
    assert found == ([halfway] if halfway else [])


def test_parts_change_with_a_part_tone_instead_of_stop_and_go() -> None:
    plan = make_plan(complex_(30, ("Step-ups", 25), ("Split squat", 20)), bw("C", 45))
    first, second = cues_of(plan, 1), cues_of(plan, 2)
    assert table(first) == "go@0 count@22 count@23 count@24"
    assert table(second) == "part@0 count@17 count@18 count@19 stop@20"


# --- rounds -------------------------------------------------------------------------------------------------


def test_rounds_end_with_a_longer_tone_and_are_announced() -> None:
    plan = make_plan(bw("A", 45, 15), bw("B", 45, 15), rounds=3, round_rest=60)
    assert [(p.kind, p.round) for p in plan.phases][3:5] == [("work", 1), ("round_rest", 1)]
    assert table(cues_of(plan, 3)).endswith(" round_end@45")
    rest = cues_of(plan, 4)
    assert table(rest) == "announce@1 rest10@50 count@57 count@58 count@59"
    assert said(rest)["announce"] == "Round 2 of 3"
    assert said(cues_of(plan, 8))["announce"] == "Round 3 of 3"
    assert table(cues_of(plan, len(plan.phases) - 1)).endswith(" final@45")
    assert sum(c.kind == "round_end" for p in plan.phases for c in cues_of(plan, p.index)) == 2


def test_without_a_rest_between_rounds_go_beats_round_end_and_the_round_is_announced_in_work() -> None:
    plan = make_plan(bw("A", 45), rounds=2, prepare=0)
    assert [p.kind for p in plan.phases] == ["work", "work"]
    assert table(cues_of(plan, 0)).endswith(" count@44")  # round_end at 45 s collides with the next "go"
    assert table(cues_of(plan, 1)).startswith("go@0 announce@1 ")


# --- metronome --------------------------------------------------------------------------------------------


def test_metronome_ticks_at_the_cadence_only_when_on() -> None:
    plan = make_plan(bw("A", 20, cadence=24))
    assert [c.kind for c in cues_of(plan, 1)] == ["go", "count", "count", "count", "final"]
    on = cues_of(plan, 1, metronome=True)
    # a tick every 2.5 s; the one at 0 loses to "go", the one at 17.5 plays between the counts
    assert [c.at for c in on if c.kind == "tick"] == [2.5, 5.0, 7.5, 10.0, 12.5, 15.0, 17.5]
    assert [c for c in cues_of(plan, 0, metronome=True) if c.kind == "tick"] == []  # not in prepare


def test_ticks_give_way_to_counts_and_to_the_next_parts_tone() -> None:
    plan = make_plan(complex_(0, ("P1", 10, 60 / 3.3), ("P2", 10)), bw("Run", 45, cadence=30))
    ticks = [c.at for c in cues_of(plan, 1, metronome=True) if c.kind == "tick"]
    assert ticks == [3.3, 6.6]  # 9.9 s is within 0.3 s of part 2's tone at 10 s (the next phase's 0)
    run = cues_of(plan, 3, metronome=True)
    assert [c.at for c in run if c.kind == "tick" and c.at > 40] == []  # 42, 44 are counts: each wins
    assert "count@42" in table(run)


# --- the collision rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cues", "kept"),
    [
        ([Cue("tick", 0.0), Cue("go", 0.0)], "go@0"),
        ([Cue("tick", 9.8), Cue("stop", 10.0)], "stop@10"),
        ([Cue("halfway", 30.0), Cue("count", 30.2)], "count@30.2"),
        ([Cue("tick", 1.0), Cue("tick", 1.3)], "tick@1 tick@1.3"),  # 0.3 s apart is not within
        ([Cue("tick", 1.0), Cue("tick", 1.2)], "tick@1"),  # equal: the earlier plays
        ([Cue("tick", 0.0), Cue("go", 0.2), Cue("count", 0.4)], "go@0.2"),
        ([Cue("count", 0.0), Cue("halfway", 0.25), Cue("rest10", 0.5)], "count@0 rest10@0.5"),
        ([Cue("final", 5.0), Cue("go", 5.0), Cue("round_end", 5.1)], "final@5"),
    ],
)
def test_within_collision_s_only_the_more_important_cue_plays(cues: list[Cue], kept: list) -> None:
    assert table(resolve_collisions(cues)) == kept


def test_priorities_put_the_moments_that_matter_first() -> None:
    order = sorted(PRIORITY, key=PRIORITY.__getitem__, reverse=True)
    assert order[:2] == ["final", "go"] and order[-1] == "tick" and COLLISION_S == 0.3


def test_no_phase_keeps_two_cues_closer_than_collision_s_even_across_phases() -> None:
    plan = make_plan(
        complex_(15, ("P1", 40, 31), ("P2", 30, 47)),
        bw("B", 61, 1, cadence=37),
        bw("C", 45, cadence=200),
        rounds=2,
    )
    stream = []
    for p in plan.phases:
        stream += [p.start_s + c.at for c in cues_of(plan, p.index, metronome=True)]
    gaps = [b - a for a, b in itertools.pairwise(stream)]
    assert stream == sorted(stream) and min(gaps) >= COLLISION_S - 1e-6


# --- a longer rest moves its end cues ---------------------------------------------------------------------


def test_an_extended_rest_moves_rest10_and_the_countdown() -> None:
    assert table(cues_of(ONE_STATION, 2, duration=45)) == "rest10@35 count@42 count@43 count@44"


# --- played by the engine on a fake clock -----------------------------------------------------------------


def heard(events: tuple) -> list[str]:
    """The cues among `events` as "kind@planned session time"."""
    return [f"{e.cue.kind}@{round(e.planned_t, 3):g}" for e in events if isinstance(e, CueDue)]


def played(session: Session, clock: FakeClock, until: float, step: float = 0.1) -> str:
    """Poll the session every `step` s up to session time `until`; the cues handed out, in order."""
    out: list[str] = []
    while clock() - 1000.0 < until - 1e-9:
        clock.advance(min(step, until - (clock() - 1000.0)))
        out += heard(session.state(clock()).events)
    return " ".join(out)


@pytest.fixture
def session(clock: FakeClock) -> Session:
    s = Session(ONE_STATION)
    s.start(clock())
    return s


def test_the_engine_plays_each_cue_once_at_its_time(session: Session, clock: FakeClock) -> None:
    cues = played(session, clock, 200)
    assert cues.startswith("announce@1 count@7 count@8 count@9 go@10 halfway@55 count@97 ")
    assert cues.endswith(" final@175") and len(cues.split()) == len(set(cues.split()))


def test_no_cue_plays_during_a_pause(session: Session, clock: FakeClock) -> None:
    played(session, clock, 6.5)
    session.pause(clock())
    assert played(session, clock, 100) == ""
    session.resume(clock())
    assert played(session, clock, 104.5) == "count@100.5 count@101.5 count@102.5 go@103.5"


def test_skip_drops_the_skipped_cues_and_starts_the_next_phases(session: Session, clock: FakeClock) -> None:
    played(session, clock, 20)
    session.skip(clock())  # out of the 90 s set at 10 s in: no halfway, no counts, no stop
    assert played(session, clock, 60) == "rest10@40 count@47 count@48 count@49 go@50"


def test_skip_into_work_plays_go_at_once(session: Session, clock: FakeClock) -> None:
    played(session, clock, 3)
    session.skip(clock())
    assert heard(session.state(clock()).events) == ["go@3"]


def test_back_rearms_the_phases_cues(session: Session, clock: FakeClock) -> None:
    played(session, clock, 9.5)
    session.back(clock())  # restart get-ready: "Next" and the 7-8-9 count again
    assert played(session, clock, 19.6) == "announce@10.5 count@16.5 count@17.5 count@18.5 go@19.5"


def test_extending_a_rest_moves_its_cues_with_the_new_end(session: Session, clock: FakeClock) -> None:
    played(session, clock, 115)  # 15 s into the 30 s rest: rest10 at 120 not yet played
    session.extend_rest(clock(), 15)
    assert played(session, clock, 146) == "rest10@135 count@142 count@143 count@144 go@145"


def test_extending_after_rest10_says_it_again(session: Session, clock: FakeClock) -> None:
    played(session, clock, 126)
    session.extend_rest(clock(), 15)
    assert played(session, clock, 146).startswith("rest10@135 ")


def test_turning_the_metronome_on_mid_set_starts_ticking(clock: FakeClock) -> None:
    s = Session(make_plan(bw("A", 60, cadence=30)))
    s.start(clock())
    played(s, clock, 20.5)
    s.set_metronome(True)
    assert played(s, clock, 26.5) == "tick@22 tick@24 tick@26"
    s.set_metronome(False)
    assert played(s, clock, 38.5) == ""


def test_a_stale_cue_is_dropped_but_phase_events_are_not(session: Session, clock: FakeClock) -> None:
    played(session, clock, 6.5)
    clock.advance(1.4)  # count due at 7.0 is now 0.9 s late: still played
    assert heard(session.state(clock()).events) == ["count@7"]
    clock.advance(1.25)  # the count due at 8.0 is 1.15 s late: dropped; the one at 9.0 is on time
    assert heard(session.state(clock()).events) == ["count@9"]
    clock.advance(5.0)
    kinds = [type(e).__name__ for e in session.state(clock()).events]
    assert kinds == ["PhaseChanged"]  # the "go" at 10.0 is stale, the phase change is not
