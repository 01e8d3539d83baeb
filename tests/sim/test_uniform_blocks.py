"""The convoys' uniforms drawn in blocks are the numbers drawn one convoy at a time.

``Simulation`` takes each convoy's per-leg uniforms from :class:`_Uniforms` (one numpy call
per block); the shipped scenarios' tables stay bit-identical only if that is exactly
``rng.random(k)`` (and ``rng.random((3, k))``) convoy after convoy.
"""

from __future__ import annotations

import numpy as np

from simfuel.sim.engine import _Uniforms


def test_blocks_give_the_numbers_of_one_call_per_convoy() -> None:
    sizes = [1, 4, 6, 3, 511, 2, 700, 5, 1, 1024, 9] * 3
    blocked = _Uniforms(np.random.default_rng(7))
    twin = np.random.default_rng(7)
    for k in sizes:
        assert blocked.take(k) == twin.random(k).tolist()


def test_a_three_row_draw_is_the_next_three_k_numbers_row_by_row() -> None:
    blocked = _Uniforms(np.random.default_rng(11))
    twin = np.random.default_rng(11)
    for k in (4, 6, 200, 3):
        rows = blocked.take(3 * k)
        assert [rows[:k], rows[k : 2 * k], rows[2 * k :]] == twin.random((3, k)).tolist()


def test_a_block_boundary_inside_a_convoy_changes_nothing() -> None:
    block = _Uniforms.BLOCK
    blocked = _Uniforms(np.random.default_rng(3))
    twin = np.random.default_rng(3)
    assert blocked.take(block - 2) == twin.random(block - 2).tolist()
    assert blocked.take(5) == twin.random(5).tolist()  # 2 from this block, 3 from the next
