"""StepSchedule: piecewise-constant values with changes at given times."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from simfuel.model.schedule import StepSchedule


def test_no_changes_is_constant():
    s = StepSchedule(3.0)
    assert s.at(-1e9) == s.at(0.0) == s.at(1e9) == 3.0


def test_value_before_at_and_after_changes():
    s = StepSchedule(1.0, [(24.0, 2.0), (72.0, 3.0)])
    assert s.at(-5.0) == 1.0
    assert s.at(0.0) == 1.0
    assert s.at(23.999999) == 1.0
    assert s.at(24.0) == 2.0  # a change at exactly t applies
    assert s.at(50.0) == 2.0
    assert s.at(72.0) == 3.0
    assert s.at(1e6) == 3.0


def test_change_at_time_zero_applies_at_zero():
    s = StepSchedule("a", [(0.0, "b")])
    assert s.at(-1e-9) == "a"
    assert s.at(0.0) == "b"


def test_ties_later_listed_wins():
    s = StepSchedule("init", [(10.0, "first"), (10.0, "second")])
    assert s.at(10.0) == "second"
    assert s.at(9.0) == "init"
    s = StepSchedule("init", [(10.0, "second"), (10.0, "first")])
    assert s.at(10.0) == "first"


def test_unsorted_changes_are_sorted_stably():
    s = StepSchedule(0, [(48.0, 3), (24.0, 1), (72.0, 4), (24.0, 2)])
    assert s.times_h == [24.0, 24.0, 48.0, 72.0]
    assert s.at(23.0) == 0
    assert s.at(24.0) == 2  # of the two changes at 24 h, the later listed wins
    assert s.at(47.0) == 2
    assert s.at(48.0) == 3
    assert s.at(100.0) == 4


def test_changes_may_be_a_generator():
    s = StepSchedule(0.0, ((float(t), float(t) / 10) for t in (30, 10, 20)))
    assert s.at(15.0) == 1.0
    assert s.at(25.0) == 2.0
    assert s.at(35.0) == 3.0


def test_tuple_values():
    s = StepSchedule((4.0, 0.6), [(240.0, (2.0, 0.5))])
    assert s.at(0.0) == (4.0, 0.6)
    assert s.at(240.0) == (2.0, 0.5)


@settings(max_examples=200, deadline=None)
@given(
    changes=st.lists(
        st.tuples(st.sampled_from([-5.0, 0.0, 1.0, 1.5, 2.0, 7.0, 24.0]), st.integers(0, 9)),
        max_size=6,
    ),
    asks=st.lists(
        st.sampled_from([-math.inf, -6.0, -5.0, 0.0, 0.5, 1.0, 1.5, 1.99, 2.0, 30.0, math.inf]),
        min_size=1,
        max_size=40,
    ),
)
def test_lookups_in_any_order_give_the_value_in_force(changes, asks) -> None:
    """``at`` remembers the last span it found: asked in any order, at the change times
    themselves too, it gives what a fresh search of the changes gives."""
    s = StepSchedule(-1, changes)
    ordered = sorted(changes, key=lambda tv: tv[0])
    for t in asks:
        in_force = [v for t0, v in ordered if t0 <= t]
        assert s.at(t) == (in_force[-1] if in_force else -1)
