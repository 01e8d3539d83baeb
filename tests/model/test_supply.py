"""Supply that responds to losses: the pure maths (known answers)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simfuel.model.supply import decay, recent_losses, supply_factor


def test_decay_halves_every_half_life():
    assert decay(0.0, 48.0) == 1.0
    assert decay(48.0, 48.0) == 0.5
    assert decay(96.0, 48.0) == 0.25
    assert decay(12.0, 48.0) == pytest.approx(2 ** (-0.25))


@pytest.mark.parametrize(("elapsed", "half_life"), [(1.0, 0.0), (1.0, -2.0), (-1.0, 24.0)])
def test_decay_refuses_what_has_no_meaning(elapsed, half_life):
    with pytest.raises(ValueError, match="must be"):
        decay(elapsed, half_life)


def test_recent_losses_known_values():
    times, lost = [0.0, 24.0], [10, 4]
    got = recent_losses(times, lost, [-1.0, 0.0, 12.0, 24.0, 48.0], half_life_h=24.0)
    expected = [0.0, 10.0, 10 * 2**-0.5, 5.0 + 4.0, 10 * 0.25 + 4 * 0.5]
    np.testing.assert_allclose(got, expected)
    assert recent_losses([], [], 5.0, 24.0) == 0.0
    assert recent_losses(times, lost, [[0.0, 48.0]], 24.0).shape == (1, 2)


def test_recent_losses_checks_its_arrays():
    with pytest.raises(ValueError, match="differ in length"):
        recent_losses([0.0, 1.0], [3], 2.0, 24.0)
    with pytest.raises(ValueError, match="half_life_h must be > 0"):
        recent_losses([0.0], [3], 2.0, 0.0)


def test_supply_factor_known_values():
    assert supply_factor(0.0, 0.5) == 1.0
    assert supply_factor(10.0, 0.0) == 1.0  # sensitivity 0: supply does not respond
    assert supply_factor(math.log(2) / 0.01, 0.01) == pytest.approx(0.5)
    np.testing.assert_allclose(supply_factor([1.0, 2.0], 0.3), np.exp([-0.3, -0.6]))
    with pytest.raises(ValueError, match="loss_sensitivity_per_vehicle must be >= 0"):
        supply_factor(1.0, -0.1)
    with pytest.raises(ValueError, match="recent_lost must be >= 0"):
        supply_factor([1.0, -1.0], 0.1)


@given(
    st.lists(st.tuples(st.floats(0, 1_000), st.integers(0, 500)), min_size=1, max_size=20),
    st.floats(0.5, 500),
    st.floats(0, 0.2),
)
def test_the_factor_is_in_0_1_and_recovers_as_time_passes(losses, half_life_h, sensitivity):
    times, lost = zip(*losses, strict=True)
    t = max(times) + np.array([0.0, half_life_h, 10 * half_life_h])
    recent = recent_losses(times, lost, t, half_life_h)
    factor = supply_factor(recent, sensitivity)
    assert ((factor > 0) & (factor <= 1)).all()
    assert (np.diff(factor) >= -1e-12).all()  # no new loss: it only recovers
    # Ten half-lives on, at most 1/1024 of every loss is remembered.
    assert recent[2] <= sum(lost) / 1024 * (1 + 1e-9)
