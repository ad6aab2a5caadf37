"""The timeline rules: prepare, work and rest per set, round rest, no rest at the end; loads and warnings."""

from __future__ import annotations

from typing import Any

import pytest

from timer.circuit import Athlete, Circuit
from timer.errors import InputError
from timer.plan import build_plan


def circuit(**overrides: Any) -> Circuit:
    data: dict[str, Any] = {
        "name": "T",
        "prepare": 10,
        "e1rm": {"squat": 100},
        "station": [
            {"exercise": "A", "lift": "squat", "load": "30%", "work": 120, "rest": 60},
            {"exercise": "B", "load": "bw", "work": 90, "rest": 30},
        ],
    }
    data.update(overrides)
    return Circuit.model_validate(data)


def rows(plan) -> list[tuple]:
    return [(p.kind, p.start_s, p.duration_s, p.round, p.station, p.set, p.part) for p in plan.phases]


def test_one_round_has_prepare_then_work_and_rest_and_no_rest_at_the_end() -> None:
    assert rows(build_plan(circuit())) == [
        ("prepare", 0, 10, None, None, None, None),
        ("work", 10, 120, 1, 1, 1, None),
        ("rest", 130, 60, 1, 1, 1, None),
        ("work", 190, 90, 1, 2, 1, None),
    ]


def test_sets_repeat_work_and_rest_of_the_same_station() -> None:
    plan = build_plan(circuit(station=[{"exercise": "A", "load": "bw", "work": 60, "rest": 30, "sets": 3}]))
    assert [(p.kind, p.start_s, p.set) for p in plan.phases] == [
        ("prepare", 0, None),
        ("work", 10, 1),
        ("rest", 70, 1),
        ("work", 100, 2),
        ("rest", 160, 2),
        ("work", 190, 3),
    ]
    assert plan.total_s == 250


def test_round_rest_replaces_the_last_stations_rest_between_rounds() -> None:
    plan = build_plan(circuit(rounds=2, round_rest="3:00"))
    kinds = [(p.kind, p.round, p.station, p.duration_s) for p in plan.phases]
    assert kinds == [
        ("prepare", None, None, 10),
        ("work", 1, 1, 120),
        ("rest", 1, 1, 60),
        ("work", 1, 2, 90),
        ("round_rest", 1, 2, 180),
        ("work", 2, 1, 120),
        ("rest", 2, 1, 60),
        ("work", 2, 2, 90),
    ]


def test_without_round_rest_the_last_stations_own_rest_is_kept_between_rounds() -> None:
    plan = build_plan(circuit(rounds=2))
    assert [(p.kind, p.duration_s) for p in plan.phases][4] == ("rest", 30)
    assert plan.phases[-1].kind == "work"


def test_zero_length_phases_are_left_out() -> None:
    plan = build_plan(circuit(prepare=0, station=[{"exercise": "A", "work": 60, "sets": 2}]))
    assert [(p.kind, p.start_s) for p in plan.phases] == [("work", 0), ("work", 60)]
    assert [p.index for p in plan.phases] == [0, 1]


def test_parts_make_one_work_phase_each_with_their_own_load() -> None:
    plan = build_plan(
        circuit(
            e1rm={"lunge": {"weight": 40, "reps": 10}},
            station=[
                {
                    "exercise": "Complex",
                    "rest": 90,
                    "sets": 2,
                    "part": [
                        {"exercise": "Step-ups", "load": "bodyweight", "work": 90},
                        {"exercise": "Split squat", "lift": "lunge", "load": "35%", "work": "1:30"},
                    ],
                }
            ],
        )
    )
    work = [p for p in plan.phases if p.kind == "work"]
    assert [(p.set, p.part, p.exercise, p.load, p.bodyweight, p.station_name) for p in work] == [
        (1, 1, "Step-ups", None, True, "Complex"),
        (1, 2, "Split squat", 17.5, False, "Complex"),  # 40 × (1 + 10/30) × 35% = 18.67 → 17.5
        (2, 1, "Step-ups", None, True, "Complex"),
        (2, 2, "Split squat", 17.5, False, "Complex"),
    ]
    assert [p.kind for p in plan.phases] == ["prepare", "work", "work", "rest", "work", "work"]


@pytest.mark.parametrize(
    ("e1rm", "load", "increment", "expected", "pct"),
    [
        (100, "30%", None, 30.0, 30),
        (120, "30%", None, 35.0, 30),  # 36 → nearest 2.5 is 35
        (125, "30%", None, 37.5, 30),  # 37.5 exactly
        (110, "30%", 5, 35.0, 30),  # 33 → nearest 5 is 35
        (100, "32.5 kg", None, 32.5, 32.5),
    ],
)
def test_percentage_loads_are_rounded_to_the_nearest_increment(e1rm, load, increment, expected, pct) -> None:
    plan = build_plan(
        circuit(
            e1rm={"squat": e1rm},
            increment=increment,
            station=[{"exercise": "A", "lift": "squat", "load": load, "work": 120}],
        )
    )
    work = plan.phases[1]
    assert (work.load, work.pct_e1rm) == (expected, pct)


def test_load_text_reads_as_on_screen() -> None:
    plan = build_plan(circuit())
    assert plan.phases[1].load_text() == "30 kg · 30% e1RM"
    assert plan.phases[3].load_text() == "bodyweight"


def test_an_athlete_profile_overrides_e1rm_units_and_increment() -> None:
    athlete = Athlete(name="Ann", units="lb", e1rm={"squat": 300})
    plan = build_plan(circuit(), athlete)
    assert (plan.unit, plan.athlete) == ("lb", "Ann")
    assert plan.phases[1].load == 90.0  # 30% of 300 lb, nearest 5 lb
    assert plan.phases[1].load_text() == "90 lb · 30% e1RM"


def test_circuit_e1rm_in_kg_is_converted_for_an_athlete_in_lb() -> None:
    athlete = Athlete(name="Bo", units="lb")  # no e1RM of their own: the circuit's 100 kg applies
    plan = build_plan(circuit(), athlete)
    assert plan.phases[1].load == 65.0  # 30% of 220.46 lb = 66.1 → nearest 5 lb


def test_a_percentage_needs_an_e1rm_for_its_lift() -> None:
    with pytest.raises(InputError) as info:
        build_plan(circuit(e1rm={}), label="c.toml")
    assert str(info.value) == (
        'c.toml: station 1 "A": lift "squat" has no e1RM; add squat = <kg or lb> to the [e1rm] table of c.toml'
    )


def test_a_percentage_needs_an_e1rm_in_the_circuit_or_the_profile() -> None:
    with pytest.raises(InputError) as info:
        build_plan(circuit(e1rm={}), Athlete(name="Ann", units="kg"), label="c.toml", athlete_label="a.toml")
    assert str(info.value).endswith("to the [e1rm] table of c.toml or of a.toml")


def test_a_percentage_needs_a_lift() -> None:
    with pytest.raises(InputError, match='load "30%" needs lift'):
        build_plan(circuit(station=[{"exercise": "A", "load": "30%", "work": 120}]))


def test_target_reps_come_from_reps_or_cadence() -> None:
    plan = build_plan(
        circuit(
            station=[
                {"exercise": "A", "load": "bw", "work": 180, "cadence": 20},
                {"exercise": "B", "load": "bw", "work": 120, "reps": 30, "cadence": 20},
                {"exercise": "C", "load": "bw", "work": 120},
            ]
        )
    )
    assert [p.target_reps for p in plan.phases if p.kind == "work"] == [60, 30, None]


def test_coaching_warnings_name_the_ranges() -> None:
    plan = build_plan(
        circuit(
            e1rm={"squat": 100, "test": {"weight": 50, "reps": 11}},
            station=[
                {"exercise": "Heavy", "lift": "squat", "load": "70%", "work": 120},
                {"exercise": "Short", "lift": "squat", "load": "30%", "work": 45},
                {"exercise": "Fine", "lift": "squat", "load": "30%", "work": 180},
            ],
        ),
        label="c.toml",
    )
    assert plan.warnings == (
        'c.toml: e1rm "test": a test set of 11 reps gives an unreliable estimate; retest with 10 reps or fewer',
        'c.toml: station 1 "Heavy": 70% e1RM for 2:00 is outside the strength-endurance ranges: '
        "20–40% for 2–4 min, or Verkhoshansky's 40–60% for 80–150 s",
        'c.toml: station 2 "Short": 30% e1RM for 0:45 is outside the strength-endurance ranges: '
        "20–40% for 2–4 min, or Verkhoshansky's 40–60% for 80–150 s",
    )


def test_a_circuit_over_two_hours_is_warned_about() -> None:
    plan = build_plan(
        circuit(rounds=21, station=[{"exercise": "A", "load": "bw", "work": "3:00", "rest": "3:00"}])
    )
    assert plan.total_s > 7200
    assert plan.warnings[-1].endswith("over 2 hours")


def test_phase_at_finds_the_running_phase() -> None:
    plan = build_plan(circuit())
    assert [plan.phase_at(t).index for t in (0, 9.99, 10, 129.9, 130, 189, 190, 279, 10_000)] == [
        0,
        0,
        1,
        1,
        2,
        2,
        3,
        3,
        3,
    ]


def test_json_has_the_documented_keys() -> None:
    data = build_plan(circuit()).to_json()
    assert data["total_s"] == 280
    assert data["phases"][1] == {
        "kind": "work",
        "start_s": 10,
        "duration_s": 120,
        "round": 1,
        "station": 1,
        "set": 1,
        "part": None,
        "exercise": "A",
        "load": 30.0,
        "unit": "kg",
        "pct_e1rm": 30.0,
        "bodyweight": False,
        "e1rm_source": "circuit",
    }
    assert (data["phases"][3]["load"], data["phases"][3]["bodyweight"]) == (None, True)  # bodyweight


def test_summary_line_uses_singular_and_plural() -> None:
    assert build_plan(circuit()).summary_line() == "T: 1 round × 2 stations, total 4:40"
    assert build_plan(circuit(rounds=3)).summary_line().startswith("T: 3 rounds × 2 stations")


def test_a_profile_without_a_lift_the_circuit_loads_is_warned_about() -> None:
    athlete = Athlete(name="Ann", units="kg", e1rm={"other": 50})
    plan = build_plan(circuit(), athlete, label="c.toml", athlete_label="ann.toml")
    assert plan.phases[1].load == 30.0  # the circuit's own 100 kg still gives a load
    assert plan.warnings == (
        'ann.toml: e1rm "squat": is missing, so the circuit\'s own value is used; add squat = <kg> '
        "to the profile for loads that fit this athlete",
    )


def test_problems_in_a_profile_name_its_file() -> None:
    athlete = Athlete.model_construct(name="Ann", units="kg", increment=None, e1rm={"squat": 0.5})
    with pytest.raises(InputError) as info:
        build_plan(circuit(), athlete, label="c.toml", athlete_label="ann.toml")
    assert str(info.value).startswith('ann.toml: e1rm "squat": an e1RM of 0.5 kg is too light')


def one_station(load: str, work: Any = 120, **athlete: Any) -> Any:
    """The first work phase of a one-station circuit (100 kg squat e1RM) for an optional athlete."""
    plan = build_plan(
        circuit(station=[{"exercise": "A", "lift": "squat", "load": load, "work": work}]),
        Athlete(**athlete) if athlete else None,
    )
    return plan.phases[1]


@pytest.mark.parametrize(
    ("load", "athlete", "text", "json"),
    [
        # A fixed implement is the implement: never rounded to the plate step, never converted away.
        ("16 kg", {}, "16 kg · 16% e1RM", (16, "kg")),
        ("24 kg", {}, "24 kg · 24% e1RM", (24, "kg")),
        ("35 lb", {}, "35 lb (15.9 kg) · 15.9% e1RM", (35, "lb")),
        ("10 kg", {"name": "Bo", "units": "lb"}, "10 kg (22 lb) · 10% e1RM (circuit's e1RM)", (10, "kg")),
        (
            "16 kg",
            {"name": "Bo", "units": "lb", "e1rm": {"squat": 250}},
            "16 kg (35.3 lb) · 14.1% e1RM",
            (16, "kg"),
        ),
        (
            "35 lb",
            {"name": "Bo", "units": "lb", "increment": 10, "e1rm": {"squat": 250}},
            "35 lb · 14% e1RM",
            (35, "lb"),
        ),
        ("31 kg", {}, "31 kg · 31% e1RM", (31, "kg")),
    ],
)
def test_an_absolute_load_is_the_implement_as_written(load, athlete, text, json) -> None:
    phase = one_station(load, **athlete)
    assert phase.load_text() == text
    assert (phase.to_json()["load"], phase.to_json()["unit"]) == json


def test_bodyweight_plus_an_added_weight() -> None:
    phase = one_station("bw + 10 kg")
    assert phase.load_text() == "bw + 10 kg"
    data = phase.to_json()
    assert (data["load"], data["unit"], data["bodyweight"], data["pct_e1rm"]) == (10, "kg", True, None)
    assert one_station("bw + 10 kg", name="Bo", units="lb").load_text() == "bw + 10 kg (22 lb)"
    plain = one_station("bw").to_json()
    assert (plain["load"], plain["bodyweight"]) == (None, True)


@pytest.mark.parametrize(
    ("athlete", "source", "text"),
    [
        ({}, "circuit", "30 kg · 30% e1RM"),  # no profile: the circuit's e1RM is the athlete's own
        ({"name": "Ann", "units": "kg", "e1rm": {"squat": 150}}, "athlete", "45 kg · 30% e1RM"),
        (
            {"name": "Ann", "units": "kg", "e1rm": {"lunge": 50}},
            "circuit",
            "30 kg · 30% e1RM (circuit's e1RM)",
        ),
    ],
)
def test_every_load_knows_where_its_e1rm_comes_from(athlete, source, text) -> None:
    phase = one_station("30%", **athlete)
    assert (phase.e1rm_source, phase.load_text(), phase.to_json()["e1rm_source"]) == (source, text, source)


def test_a_load_without_an_e1rm_has_no_source() -> None:
    assert one_station("bw").e1rm_source is None
    plan = build_plan(circuit(e1rm={}, station=[{"exercise": "A", "load": "16 kg", "work": 120}]))
    assert (plan.phases[1].e1rm_source, plan.phases[1].pct_e1rm) == (None, None)


def test_the_shown_percentage_of_a_rounded_load_is_the_prescribed_one() -> None:
    phase = one_station("33%")  # 33 kg rounds to 32.5 kg, which is 32.5% of 100 kg
    assert (phase.load, phase.pct_e1rm, phase.load_text()) == (32.5, 33, "32.5 kg · 33% e1RM")


@pytest.mark.parametrize(
    ("load", "work", "warns"),
    [
        ("60%", "4:00", True),
        ("20%", "1:20", True),
        ("30%", "3:00", False),
        ("50%", "2:00", False),
        ("40%", "1:20", False),  # the edge of Verkhoshansky's box
        ("40%", "4:00", False),  # the edge of the 20–40% box
        ("20%", "2:00", False),
        ("60%", "2:30", False),
        ("60%", "2:31", True),
        ("19%", "3:00", True),
        ("45%", "3:00", True),  # in neither box: too heavy for 3 min, too long for 45%
        ("bw", "3:00", False),  # bodyweight and absolute loads: time alone
        ("bw", "1:00", True),
        ("bw", "4:01", True),
        ("16 kg", "1:20", False),
        ("16 kg", "1:19", True),
    ],
)
def test_the_methods_ranges_are_checked_as_pairs(load: str, work: str, warns: bool) -> None:
    plan = build_plan(circuit(station=[{"exercise": "A", "lift": "squat", "load": load, "work": work}]))
    assert any("strength-endurance ranges" in w for w in plan.warnings) == warns, plan.warnings


def test_a_complex_is_checked_on_the_whole_sets_time() -> None:
    station = {
        "exercise": "Complex",
        "part": [
            {"exercise": "Step-ups", "load": "bw", "work": 90},
            {"exercise": "Split squat", "lift": "squat", "load": "30%", "work": 90},
        ],
    }
    assert build_plan(circuit(station=[station])).warnings == ()  # 30% for 3:00


@pytest.mark.parametrize(
    ("station", "extra", "warning"),
    [
        (
            {"cadence": 30, "reps": 60},
            {},
            'station 1 "A": reps = 60 disagrees with cadence 30/min × 3:00 = 90 reps; fix one of them',
        ),
        ({"cadence": 30, "reps": 81}, {}, None),  # within 10%
        ({"cadence": 30, "reps": 99}, {}, None),
        (
            {"cadence": 30, "reps": 100},
            {},
            'station 1 "A": reps = 100 disagrees with cadence 30/min × 3:00 = 90 reps; fix one of them',
        ),
        ({"rest": "10:01"}, {}, 'station 1 "A": a rest of 10:01 is over 10 minutes; check it'),
        ({"rest": "10:00"}, {}, None),
        ({}, {"rounds": 2, "round_rest": "12:00"}, "round_rest of 12:00 is over 10 minutes; check it"),
        (
            {},
            {"round_rest": "3:00"},
            "round_rest is never used with rounds = 1 (it comes between rounds); remove it or add rounds",
        ),
        ({}, {"rounds": 2, "round_rest": "3:00"}, None),
    ],
)
def test_other_warnings(station: dict, extra: dict, warning: str | None) -> None:
    data = {"exercise": "A", "lift": "squat", "load": "30%", "work": "3:00", **station}
    plan = build_plan(circuit(station=[data], **extra), label="c.toml")
    assert plan.warnings == ((f"c.toml: {warning}",) if warning else ())


def test_a_profile_key_close_to_a_lift_of_the_circuit_gets_a_did_you_mean() -> None:
    athlete = Athlete(name="Ann", units="kg", e1rm={"sqaut": 150, "deadlift": 180})
    plan = build_plan(circuit(), athlete, label="c.toml", athlete_label="ann.toml")
    assert plan.warnings == (
        'ann.toml: e1rm "sqaut": matches no lift of this circuit (did you mean "squat"?); '
        "the circuit's own e1RM is used for squat",
        'ann.toml: e1rm "squat": is missing, so the circuit\'s own value is used; add squat = <kg> '
        "to the profile for loads that fit this athlete",
    )
    assert plan.athlete_warnings == plan.warnings  # "deadlift" is far from every lift: no warning
    assert plan.phases[1].default_e1rm


def test_the_station_rows_carry_each_load_for_the_squad_sheet() -> None:
    plan = build_plan(circuit(), Athlete(name="Bo", units="lb"))
    row = plan.station_rows[0]
    assert {
        k: getattr(row, k)
        for k in ("station", "part_no", "load_value", "unit", "pct_e1rm", "bodyweight", "e1rm_source")
    } == {
        "station": 1,
        "part_no": None,
        "load_value": 65.0,
        "unit": "lb",
        "pct_e1rm": 30.0,
        "bodyweight": False,
        "e1rm_source": "circuit",
    }
    assert row.load == "65 lb · 30% e1RM (circuit's e1RM)"
