"""Known answers for days of cover and the rationing rule."""

from __future__ import annotations

import itertools
import math

import pytest

from simfuel.model.stocks import days_of_cover, serve_demand


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
