"""Known answers for the plan compiler where the sampled mutation run found no failing test."""

from __future__ import annotations

import numpy as np

from simfuel.scenario import load_scenario
from simfuel.sim.plan import compile_plan
from tests.sim.test_dispatch_policies import _loads, _with


def test_order_up_to_reviews_every_review_days_of_24_hours() -> None:
    s = _with("order_up_to", target_days=30.0, max_tankers_per_day=40, review_days=2.0)
    assert compile_plan(load_scenario(s)).corridors[0].dispatch.review_h == 48.0
    rows, _ = _loads(s)
    times = np.array([t for t, *_ in rows if t >= 0])
    assert len(times) > 1
    # Orders fall on the review grid: whole multiples of 48 h from the first.
    assert np.allclose((times - times[0]) % 48.0, 0.0)
