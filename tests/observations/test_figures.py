"""Reported figures: per-row ranges and cumulative totals, by hand and on the shipped table."""

from __future__ import annotations

import numpy as np
import pandas as pd

import simfuel
from simfuel.observations import cumulative_losses, reported_losses
from tests.observations.conftest import TANKER_L

HAND = pd.DataFrame(
    {
        "date": ["2025-01-03", "2025-01-03", "2025-01-05", "2025-01-09", "2025-01-12"],
        "corridor": ["main", "main", "", "main", "main"],
        "destroyed_low": ["5", "", "3", "10", "0"],
        "destroyed_high": ["5", "", "7", "", "0"],
        "captured": ["1", "", "2", "", "0"],
        "source": ["A", "B", "C", "D", "E"],
    }
)


def test_reported_losses_per_row(scenario: simfuel.Scenario) -> None:
    got = reported_losses(HAND)
    np.testing.assert_array_equal(got["destroyed_low"], [5, np.nan, 3, 10, 0])
    np.testing.assert_array_equal(got["destroyed_high"], [5, np.nan, 7, 10, 0])
    np.testing.assert_array_equal(got["destroyed_central"], [5, np.nan, 5, 10, 0])
    assert got["at_least"].tolist() == [False, False, False, True, False]
    assert got["unquantified"].tolist() == [False, True, False, False, False]
    in_litres = reported_losses(HAND, scenario)  # every mali corridor: 45,000 L a tanker
    np.testing.assert_array_equal(in_litres["capacity_l"], [TANKER_L] * 5)
    np.testing.assert_array_equal(
        in_litres["destroyed_central_l"], np.array([5, np.nan, 5, 10, 0]) * TANKER_L
    )


def test_cumulative_losses_by_hand() -> None:
    cum = cumulative_losses(HAND)
    assert list(cum.index.strftime("%d")) == ["03", "05", "09", "12"]
    # 3 Jan: 5 (+ an attack without a figure); 5 Jan: 3-7; 9 Jan: at least 10; 12 Jan: 0
    assert cum["cum_low"].tolist() == [5, 8, 18, 18]
    assert cum["cum_high"].tolist() == [5, 12, 22, 22]
    assert cum["cum_central"].tolist() == [5, 10, 20, 20]
    assert cum["reports"].tolist() == [2, 1, 1, 1]
    assert cum["unquantified"].tolist() == [1, 0, 0, 0]
    assert cum["at_least"].tolist() == [0, 0, 1, 0]
    lost = cumulative_losses(HAND, include_captured=True)
    assert lost["cum_low"].tolist() == [6, 11, 21, 21]
    assert lost["cum_high"].tolist() == [6, 15, 25, 25]


def test_cumulative_losses_on_a_calendar() -> None:
    days = pd.date_range("2025-01-04", "2025-01-10")
    cum = cumulative_losses(HAND, dates=days)
    assert list(cum.index) == list(days)
    # 3 Jan counts from the first listed day; 12 Jan is after the last: left out
    assert cum["cum_low"].tolist() == [5, 8, 8, 8, 8, 18, 18]
    assert cum["cum_high"].tolist() == [5, 12, 12, 12, 12, 22, 22]
    assert cum["reports"].tolist() == [2, 1, 0, 0, 0, 1, 0]


def test_cumulative_losses_of_the_shipped_table(table: pd.DataFrame) -> None:
    cum = cumulative_losses(table)
    assert cum.loc["2025-09-14", ["cum_low", "cum_high"]].tolist() == [80, 120]
    assert cum.loc["2025-11-06", ["cum_low", "cum_high"]].tolist() == [80 + 37, 120 + 37]
    assert cum["reports"].sum() == len(table)
