"""Known answers for the rationing maths: start/stop thresholds, minimum duration, priority."""

from __future__ import annotations

import numpy as np
import pytest

from simfuel.model.stocks import (
    allocate_by_priority,
    hysteresis_path,
    hysteresis_step,
    rationed_target_l,
    station_resupply,
    station_sales,
    station_weights,
    switches,
)

# ---------------------------------------------------------------- start and stop thresholds


def test_a_path_across_both_thresholds_gives_the_known_sequence():
    # Start below 4 days, stop at 6: between them the state of the day before holds.
    cover = [5.0, 3.9, 4.5, 5.9, 6.0, 3.0, 5.0, 7.0, 4.0]
    expected = [False, True, True, True, False, True, True, False, False]
    assert hysteresis_path(cover, 4.0, 6.0).tolist() == expected


def test_the_default_rule_would_flip_on_the_same_path():
    cover = np.array([5.0, 3.9, 4.5, 3.8, 4.2, 3.0, 5.0, 7.0])
    stateless = hysteresis_path(cover, 4.0, 4.0)
    assert stateless.tolist() == (cover < 4.0).tolist()
    assert switches(stateless) == 6
    assert switches(hysteresis_path(cover, 4.0, 6.0)) == 2


def test_equal_thresholds_and_one_day_are_the_stateless_rule():
    rng = np.random.default_rng(11)
    cover = rng.uniform(0.0, 8.0, size=500)
    for threshold in (0.0, 2.0, 4.0, 8.5):
        path = hysteresis_path(cover, threshold, threshold, 1)
        assert path.tolist() == (cover < threshold).tolist()


def test_the_stop_threshold_itself_stops_rationing():
    assert hysteresis_step(True, 3, 6.0, 4.0, 6.0) is False
    assert hysteresis_step(True, 3, 5.999, 4.0, 6.0) is True
    assert hysteresis_step(False, 0, 4.0, 4.0, 6.0) is False  # the start one does not start it
    assert hysteresis_step(False, 0, 3.999, 4.0, 6.0) is True


# ---------------------------------------------------------------- minimum duration


def test_min_days_holds_rationing_on_whatever_the_cover():
    cover = [3.0, 9.0, 9.0, 9.0, 3.0, 3.0, 9.0, 9.0, 9.0]
    expected = [True, True, True, False, True, True, True, False, False]
    assert hysteresis_path(cover, 4.0, 4.0, 3).tolist() == expected


def test_every_run_lasts_at_least_min_days():
    rng = np.random.default_rng(5)
    cover = rng.uniform(0.0, 8.0, size=400)
    for min_days in (1, 2, 5, 9):
        path = hysteresis_path(cover, 3.0, 5.0, min_days)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], path.astype(int), [0]])))
        starts, ends = edges[::2], edges[1::2]
        assert len(starts) > 1
        # Each run but one cut by the end of the path lasts min_days or more.
        lengths = (ends - starts)[ends < len(path)]
        assert (lengths >= min_days).all()


def test_min_days_and_stop_threshold_both_bind():
    # After 2 days (min_days) it still waits for cover back at 6.
    cover = [3.0, 7.0, 5.0, 5.5, 6.5]
    assert hysteresis_path(cover, 4.0, 6.0, 2).tolist() == [True, True, True, True, False]


def test_switches_counts_starts_and_stops():
    assert switches([]) == 0
    assert switches([0, 0]) == 0
    assert switches([1, 1]) == 1
    assert switches([0, 1, 1, 0, 1]) == 3
    assert switches(np.array([1.0, 0.0, 1.0, 0.0])) == 4


# ---------------------------------------------------------------- served and who is served


def test_rationed_target():
    assert rationed_target_l(1000.0, True, 0.6) == pytest.approx(600.0)
    assert rationed_target_l(1000.0, False, 0.6) == 1000.0


@pytest.mark.parametrize(
    ("served", "expected"),
    [
        (1000.0, [100.0, 200.0, 700.0]),
        (600.0, [100.0, 200.0, 300.0]),  # rationing at 60 %: the priority classes in full
        (250.0, [100.0, 150.0, 0.0]),  # shortage: the second class short, the rest nothing
        (80.0, [80.0, 0.0, 0.0]),
        (0.0, [0.0, 0.0, 0.0]),
    ],
)
def test_priority_classes_are_served_first_exactly(served, expected):
    wants, got = allocate_by_priority(served, 1000.0, [0.1, 0.2])
    assert wants == pytest.approx([100.0, 200.0, 700.0])
    assert got == pytest.approx(expected)


def test_no_classes_is_one_class_with_all():
    assert allocate_by_priority(420.0, 1000.0, []) == ([1000.0], [420.0])


def test_shares_summing_to_one_leave_no_other_demand():
    wants, got = allocate_by_priority(500.0, 1000.0, [0.3, 0.7])
    assert wants == pytest.approx([300.0, 700.0, 0.0])
    assert got == pytest.approx([300.0, 200.0, 0.0])


def test_allocation_balances_and_keeps_priority_order_on_a_grid():
    rng = np.random.default_rng(3)
    for _ in range(300):
        n = int(rng.integers(0, 5))
        shares = rng.dirichlet(np.ones(n + 1))[:n] if n else np.array([])
        demand = float(rng.uniform(1.0, 1e7))
        served = float(rng.uniform(0.0, demand))
        wants, got = allocate_by_priority(served, demand, shares.tolist())
        assert sum(wants) == pytest.approx(demand, rel=1e-12)
        assert sum(got) == pytest.approx(served, rel=1e-12, abs=1e-6)
        assert all(0.0 <= g <= w * (1 + 1e-12) + 1e-6 for g, w in zip(got, wants, strict=True))
        # Once a class is short, every class after it gets nothing.
        short = [g < w * (1 - 1e-9) for g, w in zip(got, wants, strict=True)]
        if any(short):
            first = short.index(True)
            assert all(g == 0.0 for g in got[first + 1 :])


# ---------------------------------------------------------------- filling stations


def test_station_weights_spread_evenly_about_the_mean():
    np.testing.assert_allclose(station_weights(4), [0.25] * 4)
    np.testing.assert_allclose(station_weights(3, 0.5), [0.5, 1 / 3, 1 / 6])
    assert station_weights(1, 0.9).tolist() == [1.0]
    assert station_weights(250, 0.7).sum() == pytest.approx(1.0, rel=1e-12)


def test_station_sales_are_the_share_of_the_target_at_most_the_stock():
    sold, dry = station_sales(np.array([100.0, 10.0, 0.0]), 90.0, np.array([0.5, 0.25, 0.25]))
    np.testing.assert_allclose(sold, [45.0, 10.0, 0.0])
    assert dry.tolist() == [False, True, True]
    sold, dry = station_sales(np.array([45.0, 22.5]), 90.0, np.array([0.5, 0.5]))
    assert dry.tolist() == [False, True]  # exactly its share is not dry


def test_resupply_goes_to_the_emptiest_one_truck_each():
    stocks = np.array([50.0, 0.0, 80.0, 0.0])
    # Two trucks: the two empty stations (ties: the lower index first), up to the truck.
    got = station_resupply(stocks, capacity_l=100.0, trucks=2, truck_l=60.0, available_l=1e9)
    np.testing.assert_allclose(got, [0.0, 60.0, 0.0, 60.0])
    # A truck carries no more than the room: 50 to the third-emptiest.
    got = station_resupply(stocks, 100.0, 3, 60.0, 1e9)
    np.testing.assert_allclose(got, [50.0, 60.0, 0.0, 60.0])
    # The stock runs out: loaded in order, the last part-filled, the rest nothing.
    got = station_resupply(stocks, 100.0, 3, 60.0, 100.0)
    np.testing.assert_allclose(got, [0.0, 60.0, 0.0, 40.0])
    assert station_resupply(stocks, 100.0, 0, 60.0, 1e9).sum() == 0.0
    assert station_resupply(stocks, 100.0, 3, 60.0, 0.0).sum() == 0.0
    assert station_resupply(np.full(3, 100.0), 100.0, 3, 60.0, 1e9).sum() == 0.0


def test_resupply_ranks_stations_by_days_of_sales_left():
    # Station 0 holds more litres but sells three times as fast: fewer days left.
    stocks = np.array([60.0, 40.0])
    weights = np.array([0.75, 0.25])
    got = station_resupply(stocks, 100.0, 1, 50.0, 1e9, weights)
    np.testing.assert_allclose(got, [40.0, 0.0])
    np.testing.assert_allclose(station_resupply(stocks, 100.0, 1, 50.0, 1e9), [0.0, 50.0])
