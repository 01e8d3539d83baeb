"""Known answers for the maths floor that the mutation run found untested.

``wilson_interval`` had no test among those ``make mutation`` runs (it was tested only
through the analyses); the values below are the Wilson intervals of Newcombe (1998),
"Two-sided confidence intervals for the single proportion", Statistics in Medicine 17,
Table I, method 3, to the four decimals printed there.
"""

from __future__ import annotations

import numpy as np
import pytest

from simfuel.model.binomial import wilson_interval
from simfuel.model.threat import size_factor


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe(
    successes: int, trials: int, low: float, high: float
) -> None:
    lo, hi = wilson_interval(successes, trials)
    assert float(lo) == pytest.approx(low, abs=5e-5)
    assert float(hi) == pytest.approx(high, abs=5e-5)


def test_wilson_interval_is_exact_at_the_ends_and_symmetric() -> None:
    # All successes mirror none: (1 - high(0), 1 - low(0)) = (low(n), high(n)).
    lo0, hi0 = wilson_interval(0, 20)
    lo_n, hi_n = wilson_interval(20, 20)
    assert float(lo0) == 0.0
    assert float(hi_n) == 1.0
    assert float(lo_n) == pytest.approx(1.0 - float(hi0), abs=1e-12)


def test_wilson_interval_of_an_array_is_elementwise_and_widens_with_confidence() -> None:
    k = np.array([81, 15])
    lo, hi = wilson_interval(k, 263)
    for i, ki in enumerate(k):
        lo_i, hi_i = wilson_interval(int(ki), 263)
        assert lo[i] == pytest.approx(float(lo_i))
        assert hi[i] == pytest.approx(float(hi_i))
    lo99, hi99 = wilson_interval(k, 263, 0.99)
    lo90, hi90 = wilson_interval(k, 263, 0.90)
    assert (lo99 < lo).all() and (hi99 > hi).all()
    assert (lo90 > lo).all() and (hi90 < hi).all()
    # The interval always holds the observed share.
    assert (lo90 <= k / 263).all() and (k / 263 <= hi90).all()


def test_wilson_interval_with_no_successes_has_its_closed_form_and_refuses_no_trials() -> None:
    # With 0 successes the upper bound is z^2 / (n + z^2); z = 1.959964 at 95 %.
    z2 = 1.959964**2
    for n in (1, 10):
        lo, hi = wilson_interval(0, n)
        assert float(lo) == 0.0
        assert float(hi) == pytest.approx(z2 / (n + z2), rel=1e-6)
    with pytest.raises(ValueError, match="trials must be >= 1"):
        wilson_interval(0, 0)


def test_size_factor_of_integer_sizes() -> None:
    # Integer tanker counts divide as reals: 3 of a reference 2 at exponent 1 is 1.5.
    assert size_factor(np.array([3, 1]), 2, 1.0) == pytest.approx([1.5, 0.5])
    assert size_factor(4, 2.0, 0.5) == pytest.approx(2**0.5)
