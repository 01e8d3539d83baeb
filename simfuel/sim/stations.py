"""Filling stations between a stock and its consumers: "the stations are dry" as an output.

A place whose ``demand.stations`` is given serves its consumers through ``count``
stations, each with a small tank. Once a day, at the place's midnight serving:

1. consumers buy at every station its share of the litres the rationing rule means to
   serve (:func:`~simfuel.model.stocks.station_sales`); a station that cannot sell its
   share in full is *dry* that day;
2. the stock sends up to ``trucks_per_day`` trucks, one each to the stations with the
   fewest days of sales left, each topping up at most a truckload, as far as its stock
   allows (:func:`~simfuel.model.stocks.station_resupply`).

The place's daily ``served_l`` is what left the stock (sent to the stations), so its
balance holds as before; its ``stockout`` is a day it could not send all the trucks
asked for. What consumers bought and the share of stations dry are this layer's own
record (:attr:`~simfuel.sim.recorder.PlaceRecord.stations`). The stations' tanks start
``initial_fill`` full, fuel beyond the stock's. On a day the stock is seized, the
stations sell what they hold and receive nothing.
"""

from __future__ import annotations

import numpy as np

from ..model.stocks import station_resupply, station_sales, station_weights
from .plan import StationsPlan

__all__ = ["StationLayer"]


class StationLayer:
    """The stations of one place during a run.

    Parameters
    ----------
    plan : StationsPlan
        The compiled stations.
    """

    def __init__(self, plan: StationsPlan) -> None:
        self.plan = plan
        self.weights = station_weights(plan.count, plan.demand_spread)
        self.stocks_l = np.full(plan.count, plan.initial_fill * plan.capacity_l)
        #: Whether the first dry day was logged.
        self.dry_logged = False

    def day(self, target_l: float, available_l: float) -> tuple[float, float, float, float]:
        """Sell, then resupply from a stock holding ``available_l`` [L].

        Returns
        -------
        sold_l : float
            Litres consumers bought at the stations [L].
        sent_l : float
            Litres the stock sent to the stations [L], at most ``available_l``.
        wanted_l : float
            Litres the trucks would have carried from a stock that does not run out [L].
        dry_share : float
            Share of stations that could not sell their share of ``target_l`` [-].
        """
        p = self.plan
        sold, dry = station_sales(self.stocks_l, target_l, self.weights)
        self.stocks_l -= sold
        trucks = (self.stocks_l, p.capacity_l, p.trucks_per_day, p.truck_l)
        wanted = station_resupply(*trucks, np.inf, self.weights)
        sent = station_resupply(*trucks, max(0.0, available_l), self.weights)
        self.stocks_l += sent
        return float(sold.sum()), float(sent.sum()), float(wanted.sum()), float(dry.mean())

    @property
    def stock_l(self) -> float:
        """Litres in all the stations' tanks now [L]."""
        return float(self.stocks_l.sum())
