"""Stocks, days of cover, rationing and loading from a stock: pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

__all__ = [
    "RationingParams",
    "allocate_by_priority",
    "days_of_cover",
    "hysteresis_path",
    "hysteresis_step",
    "loadable_tankers",
    "rationed_target_l",
    "serve_demand",
    "station_resupply",
    "station_sales",
    "station_weights",
    "switches",
]


class RationingParams(NamedTuple):
    """One place's rationing rule in force (a value of its dated schedule)."""

    #: Cover below which rationing starts [days].
    threshold_days: float
    #: Share of demand served while rationing [-].
    served_fraction: float
    #: Cover at or above which rationing stops [days] (>= ``threshold_days``).
    stop_threshold_days: float
    #: Days rationing lasts at least once started [days] (>= 1).
    min_days: int = 1


def days_of_cover(stock_l: float, demand_l_per_day: float) -> float:
    """Days the stock lasts at full demand [days].

    ``stock_l`` [L] / ``demand_l_per_day`` [L/day]; infinite if there is no demand.
    """
    if demand_l_per_day <= 0:
        return float("inf")
    return stock_l / demand_l_per_day


def serve_demand(
    stock_l: float,
    demand_l: float,
    cover_days: float,
    threshold_days: float,
    served_fraction: float,
) -> tuple[float, bool]:
    """Litres served from the depot in one day under the rationing rule.

    Below ``threshold_days`` of cover only ``served_fraction`` of demand is served; in all
    cases no more than the stock.

    Parameters
    ----------
    stock_l : float
        Stock available [L].
    demand_l : float
        Demand for the day [L].
    cover_days : float
        Days of cover at the start of the day [days].
    threshold_days : float
        Cover below which rationing applies [days].
    served_fraction : float
        Share of demand served while rationing [-].

    Returns
    -------
    served_l : float
        Litres served [L], in ``[0, min(stock_l, demand_l)]``.
    rationing : bool
        Whether the rationing rule was in force.
    """
    rationing = cover_days < threshold_days
    target = rationed_target_l(demand_l, rationing, served_fraction)
    return max(0.0, min(stock_l, target)), rationing


def rationed_target_l(demand_l: float, rationing: bool, served_fraction: float) -> float:
    """Litres the rule means to serve in a day: ``served_fraction`` of demand if rationing.

    Parameters
    ----------
    demand_l : float
        Demand for the day [L].
    rationing : bool
        Whether rationing is in force.
    served_fraction : float
        Share of demand served while rationing [-].

    Returns
    -------
    float
        The target [L]; what is served is at most the stock (:func:`serve_demand`).
    """
    return demand_l * served_fraction if rationing else demand_l


def hysteresis_step(
    in_force: bool,
    days_in_force: int,
    cover_days: float,
    threshold_days: float,
    stop_threshold_days: float,
    min_days: int = 1,
) -> bool:
    """Whether rationing is in force today, given yesterday's state (start/stop rule).

    Off, it starts when cover falls below ``threshold_days``. On, it stops when cover is
    at or above ``stop_threshold_days``, but not before it has lasted ``min_days`` days.
    With ``stop_threshold_days == threshold_days`` and ``min_days <= 1`` this is the
    stateless rule ``cover_days < threshold_days``.

    Parameters
    ----------
    in_force : bool
        Whether rationing was in force yesterday.
    days_in_force : int
        Days it has been in force without a break, yesterday included (0 if off) [days].
    cover_days : float
        Days of cover at the start of today [days].
    threshold_days : float
        Cover below which rationing starts [days].
    stop_threshold_days : float
        Cover at or above which rationing stops [days].
    min_days : int
        Days rationing lasts at least once started [days].

    Returns
    -------
    bool
        Whether rationing is in force today.
    """
    if not in_force:
        return cover_days < threshold_days
    if days_in_force < min_days:
        return True
    return cover_days < stop_threshold_days


def hysteresis_path(
    cover_days: Sequence[float] | np.ndarray,
    threshold_days: float,
    stop_threshold_days: float,
    min_days: int = 1,
) -> np.ndarray:
    """Rationing day by day along a path of cover under :func:`hysteresis_step`.

    Parameters
    ----------
    cover_days : array_like of float
        Days of cover at the start of each day [days], rationing off before the first.
    threshold_days, stop_threshold_days : float
        Start and stop thresholds [days].
    min_days : int
        Days rationing lasts at least once started [days].

    Returns
    -------
    numpy.ndarray of bool
        Whether rationing is in force on each day.
    """
    out = np.zeros(len(cover_days), dtype=bool)
    on, run = False, 0
    for i, cover in enumerate(cover_days):
        on = hysteresis_step(on, run, float(cover), threshold_days, stop_threshold_days, min_days)
        run = run + 1 if on else 0
        out[i] = on
    return out


def switches(in_force: Sequence[float] | np.ndarray) -> int:
    """Times a daily 0/1 series of rationing switches on or off (a start counts one).

    Parameters
    ----------
    in_force : array_like
        1 (or True) on a day in force, 0 otherwise; off before the first day.

    Returns
    -------
    int
        Switches on plus switches off [-].
    """
    flags = np.concatenate([[False], np.asarray(in_force, dtype=float) > 0])
    return int(np.count_nonzero(flags[1:] != flags[:-1]))


def allocate_by_priority(
    served_l: float, demand_l: float, shares: Sequence[float]
) -> tuple[list[float], list[float]]:
    """Split a day's served litres among consumer classes, highest priority first.

    The classes are those listed (``shares`` of demand, in priority order) and, last, the
    other class (``other`` in results) with the demand the listed ones leave. Each class in
    turn gets its whole demand while litres are left; the one where they run out gets the
    rest, those after it nothing.

    Parameters
    ----------
    served_l : float
        Litres served that day [L], in ``[0, demand_l]``.
    demand_l : float
        Demand that day [L].
    shares : sequence of float
        Share of demand of each listed class [-], each > 0, summing to at most 1.

    Returns
    -------
    demand_by_class_l : list of float
        Each class's demand [L], the listed ones then the other class (the sum is
        ``demand_l``).
    served_by_class_l : list of float
        Litres each class is served [L], same order, each in ``[0, its demand]``; they sum
        to ``served_l`` (to rounding).
    """
    wants = [demand_l * share for share in shares]
    # The other class takes what is left of demand; never negative if shares round to > 1.
    wants.append(max(0.0, demand_l - sum(wants)))
    left = max(0.0, served_l)
    got: list[float] = []
    for i, want in enumerate(wants):
        # The last class takes the rest, so the litres served sum to served_l.
        take = left if i == len(wants) - 1 else min(want, left)
        got.append(take)
        left -= take
    return wants, got


def loadable_tankers(stock_l: float, keep_l: float, capacity_l: float, wanted: int) -> int:
    """Whole tankers a batch may load from a stock (secondary distribution).

    At most ``wanted``, and only whole tankers of ``capacity_l`` that fit in the stock above
    ``keep_l`` (never a part-filled tanker, never below ``keep_l``).

    Parameters
    ----------
    stock_l : float
        Stock available [L].
    keep_l : float
        Litres the loading must leave in the stock [L] (0: it may take all).
    capacity_l : float
        Load of one tanker [L], > 0.
    wanted : int
        Tankers the batch asks for [tankers].

    Returns
    -------
    int
        Tankers loaded, in ``[0, wanted]``, with ``tankers * capacity_l <= stock_l - keep_l``.
    """
    room_l = stock_l - keep_l
    if room_l < capacity_l or wanted <= 0:
        return 0
    n = min(wanted, int(room_l // capacity_l))
    while n > 0 and n * capacity_l > room_l:  # guard against a quotient rounded up
        n -= 1
    return n


def station_weights(count: int, spread: float = 0.0) -> np.ndarray:
    """Each station's share of a place's demand, spread evenly about the mean.

    Parameters
    ----------
    count : int
        Stations [-], >= 1.
    spread : float
        Station demands run evenly from ``1 - spread`` to ``1 + spread`` times the mean
        [-], in ``[0, 1)``; 0: all equal.

    Returns
    -------
    numpy.ndarray
        ``count`` shares [-], summing to 1, busiest first.
    """
    relative = np.linspace(1.0 + spread, 1.0 - spread, count) if count > 1 else np.ones(1)
    return relative / relative.sum()


def station_sales(
    stocks_l: np.ndarray, target_l: float, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A day's sales at every station: its share of the target, at most its stock.

    Parameters
    ----------
    stocks_l : numpy.ndarray
        Each station's stock before the day's sales [L].
    target_l : float
        Litres the place's rule means to serve that day [L] (rationed or not).
    weights : numpy.ndarray
        Each station's share of demand [-] (:func:`station_weights`).

    Returns
    -------
    sold_l : numpy.ndarray
        Litres each station sells [L], in ``[0, min(stock, share of target)]``.
    dry : numpy.ndarray of bool
        The stations that could not sell their share of the target in full.
    """
    wanted = target_l * weights
    sold = np.minimum(np.maximum(stocks_l, 0.0), wanted)
    return sold, sold < wanted * (1 - 1e-9)


def station_resupply(
    stocks_l: np.ndarray,
    capacity_l: float,
    trucks: int,
    truck_l: float,
    available_l: float,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Litres each station receives: one truck each to the emptiest, while stock lasts.

    Up to ``trucks`` stations, the fewest days of sales in stock first (stock over its
    share of demand; ties: the lower index), each get ``min(truck_l, room)``; the trucks
    are loaded in that order until ``available_l`` runs out (the last may go part-filled).

    Parameters
    ----------
    stocks_l : numpy.ndarray
        Each station's stock after the day's sales [L].
    capacity_l : float
        Tank capacity of one station [L].
    trucks : int
        Truckloads the stock can send a day [-].
    truck_l : float
        Load of one truck [L].
    available_l : float
        Litres the stock can send [L].
    weights : numpy.ndarray, optional
        Each station's share of demand [-] (:func:`station_weights`); None: all equal (the
        emptiest by litres first).

    Returns
    -------
    numpy.ndarray
        Litres delivered to each station [L]; they sum to at most ``available_l``.
    """
    out = np.zeros_like(stocks_l, dtype=float)
    if trucks <= 0 or available_l <= 0:
        return out
    cover = stocks_l if weights is None else stocks_l / weights
    order = np.argsort(cover, kind="stable")[:trucks]
    want = np.minimum(truck_l, np.maximum(capacity_l - stocks_l[order], 0.0))
    # Loaded in order: each truck takes what is left after those before it.
    before = np.concatenate([[0.0], np.cumsum(want)[:-1]])
    out[order] = np.clip(available_l - before, 0.0, want)
    return out
