"""Delays drawn from a stream's uniforms are the delays drawn from the stream itself.

The engine takes a corridor's border delays from blocks of uniforms drawn ahead
(``delay_sampler(..., uniform=)``); the tables stay bit-identical only if each family's
transform is numpy's own, to the last bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from simfuel.model.transit import ONE_UNIFORM, delay_sampler
from simfuel.sim.engine import _Uniforms

CASES = [
    ("fixed", (7.5,)),
    ("uniform", (2.0, 9.25)),
    ("uniform", (4.0, 4.0)),  # degenerate: always low, no draw
    ("triangular", (24.0, 48.0, 72.0)),
    ("triangular", (0.0, 0.0, 13.0)),  # mode at the low end
    ("triangular", (1.5, 30.0, 30.0)),  # mode at the high end
    ("triangular", (12.0, 12.0, 12.0)),  # degenerate
    ("triangular", (1e-3, 0.7, 1e4)),
]


@pytest.mark.parametrize(("family", "params"), CASES)
def test_the_same_delays_bit_for_bit(family, params) -> None:
    direct = delay_sampler(family, params, np.random.default_rng(42))
    unused = np.random.default_rng(0)  # the uniforms come from the blocks, not from it
    blocked = delay_sampler(family, params, unused, _Uniforms(np.random.default_rng(42)).next)
    assert [blocked() for _ in range(3000)] == [direct() for _ in range(3000)]


def test_families_share_one_stream_in_draw_order() -> None:
    """Two samplers on one stream (a dated change of the border delay) take its uniforms in
    the order they are drawn, as two samplers on the Generator did."""
    rng, take = np.random.default_rng(5), _Uniforms(np.random.default_rng(5)).next
    a, b = ("triangular", (24.0, 48.0, 72.0)), ("uniform", (1.0, 3.0))
    direct = [delay_sampler(*a, rng), delay_sampler(*b, rng)]
    unused = np.random.default_rng(0)
    blocked = [delay_sampler(*a, unused, take), delay_sampler(*b, unused, take)]
    order = [0, 0, 1, 0, 1, 1, 1, 0] * 200
    assert [blocked[i]() for i in order] == [direct[i]() for i in order]


def test_a_family_of_more_than_one_uniform_draws_from_its_generator() -> None:
    assert "lognormal" not in ONE_UNIFORM
    given = delay_sampler("lognormal", (10.0, 2.0), np.random.default_rng(3), lambda: 0.5)
    direct = delay_sampler("lognormal", (10.0, 2.0), np.random.default_rng(3))
    assert [given() for _ in range(50)] == [direct() for _ in range(50)]


def test_next_is_take_one() -> None:
    a, b = _Uniforms(np.random.default_rng(9)), _Uniforms(np.random.default_rng(9))
    got = [a.next() for _ in range(1500)]
    assert got == [b.take(1)[0] for _ in range(1500)]
