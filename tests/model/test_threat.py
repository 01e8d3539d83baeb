"""Known answers for the ambush maths: attack probability, Beta loss parameters, rounding."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from simfuel.model.threat import (
    attack_probability,
    attack_probability_scalar,
    beta_parameters,
    captured_tankers,
    lost_tankers,
)

# ---------------------------------------------------------------- attack probability

HAZARDS = [0.0, 0.01, 0.08, 0.5, 2.0]
INTENSITIES = [0.0, 0.2, 1.0, 3.0]
RISKS = [0.0, 0.5, 1.0, 2.0]
DETERRENCES = [0.0, 0.15, 0.6, 1.0]
LENGTHS = [1.0, 40.0, 237.0, 1025.0]


def _grid() -> list[np.ndarray]:
    return [g.ravel() for g in np.meshgrid(HAZARDS, INTENSITIES, RISKS, DETERRENCES, LENGTHS)]


def test_attack_probability_known_value():
    # rate = 0.5 * 2 * 1.5 * 0.4 * 250 / 100 = 1.5 expected attacks on the leg
    p = attack_probability(0.5, 2.0, 1.5, 0.4, 250.0)
    assert float(p) == pytest.approx(1.0 - math.exp(-1.5), rel=1e-14)
    assert attack_probability_scalar(0.5, 2.0, 1.5, 0.4, 250.0) == pytest.approx(
        1.0 - math.exp(-1.5), rel=1e-14
    )


def test_attack_probability_matches_formula_on_a_grid():
    h, i, r, d, length = _grid()
    p = attack_probability(h, i, r, d, length)
    assert p.shape == h.shape
    expected = 1.0 - np.exp(-h * i * r * d * length / 100.0)
    np.testing.assert_allclose(p, expected, rtol=1e-12, atol=1e-15)
    assert ((p >= 0.0) & (p <= 1.0)).all()


def test_attack_probability_vectorised_and_scalar_agree():
    h, i, r, d, length = _grid()
    p = attack_probability(h, i, r, d, length)
    scalar = [attack_probability_scalar(*args) for args in zip(h, i, r, d, length, strict=True)]
    # Same expression and operation order; numpy's and libm's expm1 may differ in the
    # last bit, hence a relative tolerance of a few ulps.
    np.testing.assert_allclose(p, np.array(scalar), rtol=4e-16, atol=0)


def test_attack_probability_broadcasts():
    p = attack_probability(np.array([0.1, 0.2, 0.4]), 1.0, 1.0, 1.0, np.array([[100.0], [50.0]]))
    assert p.shape == (2, 3)
    np.testing.assert_allclose(p[0], 1 - np.exp(-np.array([0.1, 0.2, 0.4])), rtol=1e-14)
    np.testing.assert_allclose(p[1], 1 - np.exp(-np.array([0.05, 0.1, 0.2])), rtol=1e-14)


@pytest.mark.parametrize("zero_at", range(5))
def test_any_zero_factor_gives_zero(zero_at):
    args = [0.3, 1.2, 1.5, 0.8, 120.0]
    args[zero_at] = 0.0
    assert float(attack_probability(*args)) == 0.0
    assert attack_probability_scalar(*args) == 0.0


def test_attack_probability_monotone_in_each_factor():
    base = [0.3, 1.2, 1.5, 0.8, 120.0]
    for k in range(5):
        values = []
        for factor in (0.0, 0.5, 1.0, 2.0, 10.0):
            args = list(base)
            args[k] = base[k] * factor
            values.append(attack_probability_scalar(*args))
        assert values == sorted(values)
        assert values[-1] > values[0]


def test_attack_probability_saturates_at_one():
    assert attack_probability_scalar(1000.0, 1.0, 1.0, 1.0, 150.0) == 1.0
    assert float(attack_probability(1000.0, 1.0, 1.0, 1.0, 150.0)) == 1.0


def test_small_rate_is_accurate():
    # expm1 keeps full relative precision where 1 - exp(-x) would cancel.
    x = 1e-12
    p = attack_probability_scalar(x, 1.0, 1.0, 1.0, 100.0)
    assert p == pytest.approx(x - x * x / 2, rel=1e-15)


# ---------------------------------------------------------------- Beta parameters


@pytest.mark.parametrize("mean", [0.01, 0.1, 0.3, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("concentration", [0.5, 4.0, 10.0, 200.0])
def test_beta_parameters_mean_and_concentration(mean, concentration):
    a, b = beta_parameters(mean, concentration)
    assert a > 0 and b > 0
    assert a + b == pytest.approx(concentration, rel=1e-12)
    assert a / (a + b) == pytest.approx(mean, rel=1e-12)


@pytest.mark.parametrize("mean", [0.0, -0.5, 1.0, 1.5])
def test_beta_parameters_clipped_to_a_proper_distribution(mean):
    a, b = beta_parameters(mean, 10.0)
    assert a > 0 and b > 0
    assert a + b == pytest.approx(10.0, rel=1e-12)
    assert a / (a + b) == pytest.approx(min(max(mean, 0.0), 1.0), abs=1e-8)


def test_beta_draws_have_the_requested_mean():
    # Sample mean of n Beta(a, b) draws: sd = sqrt(m (1 - m) / (a + b + 1) / n);
    # tolerance 5 standard errors.
    rng = np.random.default_rng(20250901)
    m, conc, n = 0.4, 4.0, 100_000
    a, b = beta_parameters(m, conc)
    x = rng.beta(a, b, n)
    se = math.sqrt(m * (1 - m) / (conc + 1) / n)
    assert abs(x.mean() - m) < 5 * se


# ---------------------------------------------------------------- stochastic rounding

FRACTIONS = [0.0, 0.013, 0.1, 0.25, 1 / 3, 0.5, 0.77, 0.999, 1.0]
U_GRID = [k / 1000 for k in range(1000)]


@pytest.mark.parametrize("fraction", FRACTIONS)
def test_lost_tankers_bounds(fraction):
    for n in range(0, 61):
        for u in (0.0, 0.25, 0.5, 0.999999):
            lost = lost_tankers(n, fraction, u)
            assert isinstance(lost, int)
            assert 0 <= lost <= n


@pytest.mark.parametrize("fraction", FRACTIONS)
@pytest.mark.parametrize("n", [0, 1, 2, 7, 30, 300])
def test_lost_tankers_expected_value_over_u_grid(fraction, n):
    # Over the grid u_k = k/M (k = 0..M-1), with x = fraction * n = q + r (0 <= r < 1),
    # mean_k floor(x + u_k) = q + floor(M r) / M, which lies in (x - 1/M, x] exactly.
    m = len(U_GRID)
    mean = sum(lost_tankers(n, fraction, u) for u in U_GRID) / m
    x = fraction * n
    assert x - 1 / m - 1e-9 < mean <= x + 1e-9


def test_lost_tankers_edge_fractions():
    for n in (0, 1, 5, 50):
        for u in U_GRID[::50]:
            assert lost_tankers(n, 0.0, u) == 0
            assert lost_tankers(n, 1.0, u) == n


@pytest.mark.parametrize("fraction", FRACTIONS)
@pytest.mark.parametrize("u", [0.0, 0.1, 0.49, 0.5, 0.9, 0.999999])
def test_survivors_non_decreasing_in_convoy_size(fraction, u):
    survivors = [n - lost_tankers(n, fraction, u) for n in range(0, 200)]
    assert all(b >= a for a, b in itertools.pairwise(survivors))
    lost = [lost_tankers(n, fraction, u) for n in range(0, 200)]
    assert all(b >= a for a, b in itertools.pairwise(lost))


def test_lost_tankers_non_decreasing_in_fraction():
    for n in (1, 3, 10, 45):
        for u in U_GRID[::37]:
            lost = [lost_tankers(n, f, u) for f in np.linspace(0, 1, 101)]
            assert lost == sorted(lost)


@pytest.mark.parametrize("capture_fraction", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_captured_tankers_bounds(capture_fraction):
    for lost in range(0, 61):
        for u in (0.0, 0.3, 0.999999):
            cap = captured_tankers(lost, capture_fraction, u)
            assert isinstance(cap, int)
            assert 0 <= cap <= lost


@pytest.mark.parametrize("capture_fraction", [0.0, 0.1, 1 / 3, 0.5, 0.9, 1.0])
@pytest.mark.parametrize("lost", [0, 1, 3, 10, 37])
def test_captured_tankers_expected_value_over_u_grid(capture_fraction, lost):
    # Same derivation as for lost_tankers: mean in (x - 1/M, x].
    m = len(U_GRID)
    mean = sum(captured_tankers(lost, capture_fraction, u) for u in U_GRID) / m
    x = capture_fraction * lost
    assert x - 1 / m - 1e-9 < mean <= x + 1e-9


# ---------------------------------------------------------------- convoy size, cap, modes


def test_size_factor_known_values():
    from simfuel.model.threat import size_factor, size_factor_scalar

    assert size_factor_scalar(100, 50, 0.0) == 1.0  # exponent 0: today's hazard
    assert size_factor_scalar(100, 50, 1.0) == pytest.approx(2.0)  # twice n_ref: double
    assert size_factor_scalar(25, 50, 2.0) == pytest.approx(0.25)
    np.testing.assert_allclose(size_factor([50, 100, 200], 50, 0.5), [1, 2**0.5, 2])
    # On the probability: exponent 1 at twice n_ref doubles the leg's expected attacks.
    base = attack_probability_scalar(0.3, 1.0, 1.0, 1.0, 200.0)
    sized = attack_probability_scalar(0.3 * size_factor_scalar(100, 50, 1.0), 1, 1, 1, 200.0)
    assert -math.log1p(-sized) == pytest.approx(2 * -math.log1p(-base))


def test_lost_tankers_cap():
    for n, f, u in itertools.product([1, 7, 229], [0.0, 0.3, 1.0], [0.0, 0.5, 0.999]):
        free = lost_tankers(n, f, u)
        assert lost_tankers(n, f, u, None) == free
        assert lost_tankers(n, f, u, 5) == min(free, 5)


def test_attack_mode_reads_the_probabilities_in_order():
    from simfuel.model.threat import attack_mode

    assert attack_mode((1.0, 0.0, 0.0), 0.999) == "burn"
    assert attack_mode((0.0, 1.0, 0.0), 0.0) == "seize"
    assert attack_mode((0.0, 1.0, 0.0), 0.999) == "seize"
    assert attack_mode((0.0, 0.0, 1.0), 0.0) == "both"
    modes = [attack_mode((0.2, 0.3, 0.5), u) for u in np.linspace(0, 1, 1000, endpoint=False)]
    assert (modes.count("burn"), modes.count("seize"), modes.count("both")) == (200, 300, 500)
