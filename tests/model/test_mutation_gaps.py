"""Known answers for model behaviour that a sampled mutation run found untested.

The mutant each test was written against is named in the comment above it (``mutmut``
names, see ``make mutation``).
"""

from __future__ import annotations

import numpy as np

from simfuel.model.stocks import hysteresis_path, station_resupply
from simfuel.model.supply import decay

# model.stocks.station_resupply__mutmut_18: argsort without kind="stable" (ties in any order).


def test_station_resupply_breaks_ties_by_the_lower_index_among_many_stations() -> None:
    # 16 stations, every other one at 100 L (the same cover): the trucks go to the lowest
    # indices of those, in index order, and the last truck takes what is left.
    stocks_l = np.tile([900.0, 100.0], 8)
    out = station_resupply(stocks_l, 1_000.0, 4, 500.0, 1_700.0)
    expected = np.zeros(16)
    expected[[1, 3, 5]] = 500.0
    expected[7] = 200.0
    np.testing.assert_array_equal(out, expected)
    # Three trucks: stations 1, 3 and 5, whatever is left over.
    three = station_resupply(stocks_l, 1_000.0, 3, 500.0, 1e9)
    assert np.flatnonzero(three).tolist() == [1, 3, 5]
    # The same with equal weights (cover in days, not litres).
    weighted = station_resupply(stocks_l, 1_000.0, 4, 500.0, 1_700.0, np.full(16, 1 / 16))
    np.testing.assert_array_equal(weighted, expected)


# model.stocks.hysteresis_path__mutmut_6: the path as floats, not a mask.


def test_hysteresis_path_is_a_boolean_mask_of_the_days() -> None:
    cover = np.array([5.0, 2.0, 3.5, 4.5, 6.0])
    path = hysteresis_path(cover, 3.0, 5.0)
    assert path.dtype == bool
    assert path.tolist() == [False, True, True, True, False]
    np.testing.assert_array_equal(cover[path], [2.0, 3.5, 4.5])
    assert (~path).tolist() == [True, False, False, False, True]


# model.supply.decay__mutmut_3: half-lives of 1 h or less refused.


def test_decay_takes_any_positive_half_life() -> None:
    assert decay(1.0, 0.5) == 0.25
    assert decay(0.25, 0.25) == 0.5
    assert decay(3.0, 1.0) == 0.125


# model.stocks.station_resupply__mutmut_5: the litres in the stocks' dtype (ints truncate).


def test_station_resupply_gives_litres_as_floats_whatever_the_stocks_dtype() -> None:
    out = station_resupply(np.array([100, 900]), 1_000.0, 1, 333.5, 1e9)
    assert out.dtype == float
    np.testing.assert_array_equal(out, [333.5, 0.0])
