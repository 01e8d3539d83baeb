"""An incident table against a scenario."""

from __future__ import annotations

import pandas as pd

import simfuel
from simfuel.observations import check_against


def test_check_against_flags_what_the_scenario_lacks(scenario: simfuel.Scenario) -> None:
    frame = pd.DataFrame(
        {
            "date": ["2025-09-14", "2025-09-14", "2025-09-14", "2025-12-25", "2025-09-14"],
            "corridor": ["dakar_rn2", "", "dakar_rn1", "ci_pogo", "dakar_rn1"],
            "place": ["", "timbuktu", "", "", ""],
            "leg_from": ["", "", "sikasso", "", "kati"],
            "leg_to": ["", "", "", "", "diema"],
            "destroyed_low": ["1"] * 5,
            "destroyed_high": ["1"] * 5,
            "source": ["X"] * 5,
        }
    )
    problems = [str(p) for p in check_against(frame, scenario)]
    assert len(problems) == 5, problems
    assert problems[0].startswith(
        "row 1, corridor: unknown corridor 'dakar_rn2'; did you mean 'dakar_rn1'?"
    )
    assert problems[1].startswith("row 2, place: unknown place 'timbuktu'")
    assert problems[2].startswith(
        "row 3, leg_from: 'sikasso' starts no leg of corridor 'dakar_rn1'"
    )
    assert problems[3] == (
        "row 4, date: 2025-12-25 is outside the scenario's horizon (2025-08-01 to 2025-11-30)"
    )
    assert (
        problems[4] == "row 5, leg_to: 'diema' comes before leg_from 'kati' on corridor 'dakar_rn1'"
    )
