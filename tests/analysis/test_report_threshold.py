"""Which simulated attacks count as reported: those losing at least ``report_threshold``."""

from __future__ import annotations

import datetime as dt

import pytest

from simfuel.analysis.calibrate import IncidentStats
from simfuel.scenario import load_scenario
from simfuel.sim.recorder import Recorder
from tests.helpers import tiny_scenario


@pytest.mark.parametrize("threshold", [1, 5])
def test_an_attack_losing_exactly_the_threshold_is_reported(threshold):
    scenario = load_scenario(tiny_scenario())  # starts 2025-01-01
    rec = Recorder()
    # One attack just below, one at and one just above the threshold, on 2 January.
    for lost in (threshold - 1, threshold, threshold + 1):
        rec.log(30.0, "attacked", "main", 0, lost, lost * 45_000)
    rec.log(31.0, "destroyed", "main", 0, 99, 0)  # not an attack: never counted
    stats = IncidentStats(dt.date(2025, 1, 1), dt.date(2025, 1, 20), ("main",), threshold)
    v = dict(zip(stats.names, stats(rec, scenario), strict=True))
    assert v["attacks 2025-01"] == 2
    assert v["lost 2025-01"] == 2 * threshold + 1
    assert v["lost main"] == 2 * threshold + 1
    assert v["mean loss per attack"] == pytest.approx((2 * threshold + 1) / 2)
