"""Depot stock, days of cover and rationing: pure functions."""

from __future__ import annotations

__all__ = ["days_of_cover", "serve_demand"]


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
