"""Stocks, days of cover, rationing and loading from a stock: pure functions."""

from __future__ import annotations

__all__ = ["days_of_cover", "loadable_tankers", "serve_demand"]


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
    target = demand_l * served_fraction if rationing else demand_l
    return max(0.0, min(stock_l, target)), rationing


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
