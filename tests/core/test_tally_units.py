"""The session's volume (load × reps) is in the athlete's units, whatever unit an implement was named in."""

from __future__ import annotations

from timer.circuit import Athlete, Circuit
from timer.plan import build_plan
from timer.tally import SetLine


def test_an_implement_in_the_other_unit_is_converted_for_the_volume() -> None:
    circuit = Circuit.model_validate(
        {
            "name": "T",
            "station": [
                {"exercise": "Swing", "load": "16 kg", "work": 120},
                {"exercise": "Vest", "load": "bw + 10 kg", "work": 120},
            ],
        }
    )
    plan = build_plan(circuit, Athlete(name="Ann", units="lb"))
    swing, vest = (p for p in plan.phases if p.kind == "work")
    assert (swing.load, swing.unit, swing.display_unit) == (16, "kg", "lb")
    assert round(SetLine(swing, 10, False, 120).volume, 1) == 352.7  # 16 kg = 35.27 lb, × 10
    assert round(SetLine(vest, 10, False, 120).volume, 1) == 220.5  # the vest's 10 kg, × 10
    assert SetLine(swing, None, False, 120).volume == 0.0  # reps not counted: no volume invented
