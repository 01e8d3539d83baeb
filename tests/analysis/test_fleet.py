"""Escort-fleet sizing: the curve, the answer, common random numbers, the criterion."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import matplotlib
import numpy as np
import pytest

from simfuel import ScenarioError, load_scenario, run_ensemble
from simfuel.analysis.fleet import FleetSizing, first_escort_date, size_fleet, wilson_interval
from simfuel.scenario import apply_overrides
from tests.helpers import tiny_scenario

matplotlib.use("Agg")

REPS = 20
SEED = 5


def scarce_escorts() -> dict[str, Any]:
    """One corridor under attack; from 4 Jan convoys need a ground escort that is scarce.

    Supply (13 tankers a day) exceeds demand, but a ground unit needs about 2 days for a
    round trip (50 h) and a convoy carries at most 20 tankers: one unit barely carries the
    flow (the queue at the border grows or not by luck); two or more do.
    """
    t = tiny_scenario()
    t["end"] = "2025-01-30"
    main = t["corridors"]["main"]
    main["blockade_intensity"] = 1.0
    main["tankers_per_day"] = 13
    main["border_delay_h"] = {"distribution": "uniform", "low": 6, "high": 30}
    t["threat"]["hazard_per_100km"] = 0.1
    t["demand"]["cv"] = 0.1
    # 2 x 9 h + 32 h = 50 h a round trip: with one unit, whether cover holds on 90 % of
    # days is a matter of luck (0.85 at seed 5, the Wilson upper bound above 0.9).
    t["escorts"]["army"]["turnaround_h"] = 32
    t["events"] = [
        {
            "date": "2025-01-04",
            "type": "escort_policy",
            "forces": ["army"],
            "required": True,
            "min_size": 5,
            "max_size": 20,
        }
    ]
    return t


def sized(**kw: Any) -> FleetSizing:
    args: dict[str, Any] = {"units": range(0, 5), "reps": REPS, "seed": SEED, "workers": 1}
    args.update(kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # 20 reps cannot confirm 90 %
        return size_fleet(scarce_escorts(), "army", progress=False, **args)


@pytest.fixture(scope="module")
def fleet() -> FleetSizing:
    return sized()


def test_curve_rises_with_units(fleet: FleetSizing) -> None:
    c = fleet.curve
    assert list(c.columns[:4]) == ["units", "probability", "low", "high"]
    assert list(c["units"]) == [0, 1, 2, 3, 4]
    p = c["probability"].to_numpy()
    assert p[0] == 0.0  # no escort: convoys never leave after 4 Jan
    assert p[-1] == 1.0
    assert np.all(np.diff(p) >= -0.1)  # monotone up to noise
    assert np.all((c["low"] <= p) & (p <= c["high"]))


def test_answer_is_smallest_candidate_meeting_target(fleet: FleetSizing) -> None:
    c = fleet.curve
    expected = min(u for u, p in zip(c["units"], c["probability"], strict=True) if p >= 0.9)
    assert fleet.answer == expected
    assert fleet.answer >= 1
    lo, hi = fleet.answer_range
    assert lo is not None and lo <= fleet.answer
    assert hi is None or hi >= fleet.answer
    assert fleet.answer_distribution.sum() == pytest.approx(1.0)
    assert str(fleet.answer) in fleet.describe()


def test_default_window_starts_when_the_force_first_escorts(fleet: FleetSizing) -> None:
    assert fleet.after == dt.date(2025, 1, 4)
    assert fleet.until == dt.date(2025, 1, 30)
    assert first_escort_date(load_scenario(scarce_escorts()), "air") is None


def test_same_seed_same_curve(fleet: FleetSizing) -> None:
    again = sized()
    assert again.curve.equals(fleet.curve)
    np.testing.assert_array_equal(again.day_shares, fleet.day_shares)
    assert again.answer_distribution.equals(fleet.answer_distribution)


def test_criterion_matches_hand_computation_from_an_ensemble(fleet: FleetSizing) -> None:
    units = 1
    scenario = apply_overrides(load_scenario(scarce_escorts()), {"escorts.army.units": units})
    ens = run_ensemble(scenario, REPS, seed=SEED, workers=1, progress=False)
    cover = ens.daily("days_of_cover")
    window = (ens.dates >= "2025-01-04") & (ens.dates <= "2025-01-30")
    share_ok = (cover[:, window] >= 3.0).mean(axis=1)
    by_hand = float(np.mean(share_ok >= 0.9))
    row = fleet.curve.set_index("units").loc[units]
    assert row["probability"] == by_hand
    assert 0.0 < by_hand < 1.0  # a candidate where luck matters
    np.testing.assert_array_equal(fleet.day_shares[units], share_ok)


def test_window_and_threshold_options() -> None:
    strict = sized(min_cover_days=6.0, units=[2, 0, 2], n_boot=0)
    assert list(strict.curve["units"]) == [0, 2]
    assert strict.answer_distribution.empty
    late = sized(after="2025-01-20", until=dt.date(2025, 1, 25), units=[2])
    assert (late.after, late.until) == (dt.date(2025, 1, 20), dt.date(2025, 1, 25))


def test_bad_input() -> None:
    with pytest.raises(ScenarioError, match=r"escorts\.navy"):
        size_fleet(scarce_escorts(), "navy", reps=2, seed=1, workers=1, progress=False)
    for kw in (
        {"units": []},
        {"units": [-1]},
        {"units": [1.5]},
        {"probability": 0},
        {"day_share": 1.5},
        {"after": "2024-12-01"},
        {"after": "2025-01-20", "until": "2025-01-10"},
        {"after": "yesterday"},
    ):
        with pytest.raises(ValueError):
            sized(**kw)


def test_too_few_reps_warns() -> None:
    with pytest.warns(UserWarning, match="at least 35"):
        size_fleet(scarce_escorts(), "army", units=[3], reps=5, seed=1, workers=1, progress=False)


def test_wilson_interval() -> None:
    low, high = wilson_interval(np.array([0, 10, 20]), 20, 0.95)
    assert low[0] == 0.0 and high[2] == 1.0
    assert low[1] < 0.5 < high[1]
    assert high[1] - 0.5 == pytest.approx(0.5 - low[1])
    # n / (n + z^2): the best lower bound with every trial a success
    assert float(wilson_interval(40, 40)[0]) == pytest.approx(40 / (40 + 1.959964**2), rel=1e-6)


def test_plot(fleet: FleetSizing) -> None:
    ax = fleet.plot()
    assert "army" in ax.get_xlabel()
    assert ax.get_ylabel().startswith("probability")
    matplotlib.pyplot.close(ax.figure)


def test_answer_is_the_point_estimate_not_an_interval_end(fleet: FleetSizing) -> None:
    # A target between the point estimate and the Wilson upper bound of a candidate: the
    # candidate does not meet it (its upper bound does), so the answer is a larger one.
    row = fleet.curve.set_index("units").loc[1]
    assert row["probability"] < row["high"]
    target = float(row["probability"] + row["high"]) / 2
    s = sized(units=[1, 2, 3, 4], probability=target, n_boot=0)
    p = s.curve.set_index("units")["probability"]
    assert p[1] < target
    assert s.answer == min(u for u in (2, 3, 4) if p[u] >= target)
    assert s.answer_range[0] == 1  # the optimistic end of the range is the upper bound's
