"""Known answers for days of cover and the rationing rule."""

from __future__ import annotations

import itertools
import math

import pytest

from simfuel.model.stocks import days_of_cover, loadable_tankers, serve_demand


def test_days_of_cover():
    assert days_of_cover(900.0, 300.0) == 3.0
    assert days_of_cover(0.0, 300.0) == 0.0
    assert days_of_cover(31_500_000, 6_300_000) == 5.0


@pytest.mark.parametrize("demand", [0.0, -1.0])
def test_days_of_cover_without_demand_is_infinite(demand):
    assert days_of_cover(1000.0, demand) == math.inf
    assert days_of_cover(0.0, demand) == math.inf


def test_full_demand_served_above_threshold():
    served, rationing = serve_demand(1000.0, 300.0, 3.33, 2.0, 0.5)
    assert (served, rationing) == (300.0, False)


def test_rationing_below_threshold():
    served, rationing = serve_demand(1000.0, 300.0, 1.5, 2.0, 0.6)
    assert rationing is True
    assert served == pytest.approx(180.0)


def test_threshold_itself_is_not_rationed():
    served, rationing = serve_demand(1000.0, 300.0, 2.0, 2.0, 0.5)
    assert (served, rationing) == (300.0, False)


def test_zero_threshold_never_rations():
    served, rationing = serve_demand(0.0, 300.0, 0.0, 0.0, 0.5)
    assert (served, rationing) == (0.0, False)


def test_never_more_than_stock():
    assert serve_demand(100.0, 300.0, 5.0, 2.0, 0.5) == (100.0, False)
    assert serve_demand(100.0, 300.0, 0.3, 2.0, 0.5) == (100.0, True)
    assert serve_demand(0.0, 300.0, 0.0, 2.0, 0.5) == (0.0, True)


def test_never_negative():
    served, _ = serve_demand(-5.0, 300.0, 0.0, 2.0, 0.5)
    assert served == 0.0


def test_served_in_bounds_on_a_grid():
    stocks = [0.0, 50.0, 150.0, 299.0, 300.0, 1e6]
    demands = [0.0, 1.0, 300.0, 7e6]
    covers = [0.0, 0.5, 2.0, 10.0]
    thresholds = [0.0, 2.0, 4.0]
    fractions = [0.0, 0.6, 1.0]
    for stock, demand, cover, thr, frac in itertools.product(
        stocks, demands, covers, thresholds, fractions
    ):
        served, rationing = serve_demand(stock, demand, cover, thr, frac)
        assert rationing == (cover < thr)
        target = demand * frac if rationing else demand
        assert served == min(stock, target)
        assert 0.0 <= served <= min(stock, demand)


@pytest.mark.parametrize(
    ("stock_l", "keep_l", "capacity_l", "wanted", "expected"),
    [
        (100.0, 0.0, 30.0, 5, 3),  # three whole tankers fit, not a fourth part-filled one
        (100.0, 0.0, 30.0, 2, 2),  # never more than asked for
        (90.0, 0.0, 30.0, 5, 3),  # exactly full tankers: all of them
        (100.0, 40.0, 30.0, 5, 2),  # the keep is left in the stock
        (100.0, 70.0, 30.0, 5, 1),  # room exactly one tanker
        (100.0, 71.0, 30.0, 5, 0),  # room under one tanker
        (29.0, 0.0, 30.0, 5, 0),
        (100.0, 0.0, 30.0, 0, 0),  # nothing asked
        (100.0, 0.0, 30.0, -1, 0),
        (100.0, 120.0, 30.0, 5, 0),  # keep above the stock
        (0.3, 0.0, 0.1, 5, 2),  # 0.3 // 0.1 is 2.0 in floating point: never a part tanker
    ],
)
def test_loadable_tankers_known_answers(stock_l, keep_l, capacity_l, wanted, expected):
    n = loadable_tankers(stock_l, keep_l, capacity_l, wanted)
    assert n == expected
    assert isinstance(n, int)
    assert 0 <= n <= max(wanted, 0)
    assert n * capacity_l <= stock_l - keep_l + 1e-12 or n == 0


def test_loadable_tankers_never_takes_a_part_tanker_or_the_keep():
    for stock_l, keep_l, cap, wanted in itertools.product(
        (0.0, 10.0, 45_000.0, 1e6 + 1),
        (0.0, 5.0, 45_000.0),
        (1.0, 36_000.0, 45_000.0),
        (0, 1, 7, 50),
    ):
        n = loadable_tankers(stock_l, keep_l, cap, wanted)
        assert 0 <= n <= wanted
        assert n * cap <= stock_l - keep_l or n == 0
        # As many as fit: one more would not.
        assert n == wanted or (n + 1) * cap > stock_l - keep_l
