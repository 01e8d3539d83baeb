"""Piecewise-constant schedules: a value that changes at given times."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["StepSchedule", "integrate"]

T = TypeVar("T")


@dataclass
class StepSchedule(Generic[T]):
    """A value that holds from each change time until the next.

    Parameters
    ----------
    initial : T
        Value before the first change.
    changes : iterable of (float, T)
        ``(time_h, value)`` pairs; sorted on construction (stable, so of two changes at the
        same time the later one listed wins).
    """

    initial: T
    changes: Iterable[tuple[float, T]] = ()
    times_h: list[float] = field(init=False)
    values: list[T] = field(init=False)
    # The last span looked up, (from h, to h, value): a simulation asks for the same span
    # many times running. One tuple, replaced whole, so runs on several threads sharing a
    # plan never see a span with another's value.
    _last: tuple[float, float, T] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = sorted(self.changes, key=lambda tv: tv[0])
        self.times_h = [t for t, _ in ordered]
        self.values = [v for _, v in ordered]
        self._last = (math.nan, math.nan, self.initial)  # no time is inside it

    def at(self, t_h: float) -> T:
        """The value in force at time ``t_h`` [h] (a change at exactly ``t_h`` applies)."""
        last = self._last
        if last[0] <= t_h < last[1]:
            return last[2]
        times = self.times_h
        i = bisect.bisect_right(times, t_h)
        value = self.initial if i == 0 else self.values[i - 1]
        start = times[i - 1] if i else -math.inf
        self._last = (start, times[i] if i < len(times) else math.inf, value)
        return value


def integrate(schedule: StepSchedule[float], t0_h: float, t1_h: float) -> float:
    """Integral of a numeric schedule over ``[t0_h, t1_h)`` [value x h].

    A rate in tankers/h integrates to tankers; the value changes exactly at the change
    times, even when they fall inside the interval.
    """
    times, values = schedule.times_h, schedule.values
    i = bisect.bisect_right(times, t0_h)
    value = schedule.initial if i == 0 else values[i - 1]
    total, t = 0.0, t0_h
    while i < len(times) and times[i] < t1_h:
        total += value * (times[i] - t)
        t, value = times[i], values[i]
        i += 1
    return total + value * (t1_h - t)
