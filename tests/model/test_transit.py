"""Known answers for leg times and delay distributions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simfuel.model.transit import draw_delay_h, leg_hours, route_hours

N = 100_000  # draws per distribution check


def test_leg_hours():
    assert leg_hours(150.0, 30.0) == 5.0
    assert leg_hours(100.0, 25.0) == 4.0
    assert leg_hours(1.0, 3.0) == pytest.approx(1 / 3, rel=1e-15)


def test_route_hours_sums_legs():
    assert route_hours([100.0, 150.0], [25.0, 30.0]) == 9.0
    assert route_hours([460, 222, 96], [15, 15, 15]) == pytest.approx(778 / 15, rel=1e-14)
    assert route_hours([], []) == 0.0
    assert isinstance(route_hours([10], [5]), float)


def test_route_hours_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        route_hours([100.0, 150.0], [25.0])


def _draws(distribution: str, params: tuple[float, ...], seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.array([draw_delay_h(distribution, params, rng) for _ in range(N)])


def test_fixed_delay_returns_the_value_and_draws_nothing():
    rng = np.random.default_rng(1)
    before = rng.bit_generator.state
    assert draw_delay_h("fixed", (12.5,), rng) == 12.5
    assert draw_delay_h("fixed", (0.0,), rng) == 0.0
    assert rng.bit_generator.state == before


@pytest.mark.parametrize(("low", "high"), [(0.0, 1.0), (6.0, 30.0), (24.0, 72.0)])
def test_uniform_delay(low, high):
    x = _draws("uniform", (low, high))
    assert x.min() >= low and x.max() < high
    sd = (high - low) / math.sqrt(12)
    # Tolerances: 5 standard errors of the sample mean and of the sample variance
    # (uniform: excess kurtosis -6/5, so var(s^2) = sd^4 (2 - 6/5) / N).
    assert abs(x.mean() - (low + high) / 2) < 5 * sd / math.sqrt(N)
    assert abs(x.var() - sd**2) < 5 * sd**2 * math.sqrt(0.8 / N)


def test_degenerate_uniform_and_triangular_return_low_without_drawing():
    rng = np.random.default_rng(1)
    before = rng.bit_generator.state
    assert draw_delay_h("uniform", (5.0, 5.0), rng) == 5.0
    assert draw_delay_h("triangular", (3.0, 3.0, 3.0), rng) == 3.0
    assert rng.bit_generator.state == before


@pytest.mark.parametrize(
    ("low", "mode", "high"), [(6.0, 24.0, 72.0), (0.0, 0.0, 10.0), (12.0, 48.0, 48.0)]
)
def test_triangular_delay(low, mode, high):
    x = _draws("triangular", (low, mode, high))
    assert x.min() >= low and x.max() <= high
    mean = (low + mode + high) / 3
    var = (low**2 + mode**2 + high**2 - low * mode - low * high - mode * high) / 18
    # 5 standard errors of the sample mean; for the variance, the triangular excess
    # kurtosis is -3/5, so var(s^2) = var^2 (2 + (-3/5)) / N.
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / N)
    assert abs(x.var() - var) < 5 * var * math.sqrt(1.4 / N)


@pytest.mark.parametrize(("mean", "sd"), [(30.0, 15.0), (2.0, 0.5), (48.0, 24.0), (3.0, 1.0)])
def test_lognormal_delay_has_requested_mean_and_sd(mean, sd):
    x = _draws("lognormal", (mean, sd))
    assert (x > 0).all()
    # Tolerances: 5 standard errors. Sample mean: sd / sqrt(N). Sample variance:
    # var(s^2) = sd^4 (kurtosis - 1) / N with the lognormal kurtosis
    # exp(4 s2) + 2 exp(3 s2) + 3 exp(2 s2) - 3, s2 = log(1 + (sd/mean)^2).
    s2 = math.log1p((sd / mean) ** 2)
    kurtosis = math.exp(4 * s2) + 2 * math.exp(3 * s2) + 3 * math.exp(2 * s2) - 3
    assert abs(x.mean() - mean) < 5 * sd / math.sqrt(N)
    assert abs(x.var() - sd**2) < 5 * sd**2 * math.sqrt((kurtosis - 1) / N)
    # The log of the delay is normal with the implied parameters (median exp(mu)).
    mu = math.log(mean) - s2 / 2
    assert abs(np.log(x).mean() - mu) < 5 * math.sqrt(s2 / N)


def test_lognormal_with_zero_sd_is_the_mean():
    rng = np.random.default_rng(1)
    assert draw_delay_h("lognormal", (36.0, 0.0), rng) == 36.0


def test_unknown_distribution_raises():
    with pytest.raises(ValueError, match="weibull"):
        draw_delay_h("weibull", (1.0, 2.0), np.random.default_rng(0))


def test_same_stream_same_draws():
    a = [draw_delay_h("triangular", (1, 2, 5), np.random.default_rng(3)) for _ in range(3)]
    assert a[0] == a[1] == a[2]
