"""The run-time state of one place with stock: the depot, a destination or a terminal.

The plan's :class:`~simfuel.sim.plan.StockPlan` says what a stock is; a :class:`Stock`
holds what it has during one run, of one commodity at one place (the ``_l`` attributes are
in the commodity's unit: litres for fuel): litres in the tanks, reserve left, tankers waiting to
unload, its demand stream and what it has shipped onwards to secondary corridors. The
maths (cover, rationing, whole tankers a loading may take) is in
:mod:`simfuel.model.stocks`; the engine sequences it. A seized stock (``seize`` ..
``release`` events) is trapped: :meth:`Stock.seized_at` says when, and the engine then
serves none of its demand, loads nothing out of it and unloads nothing into it. A
terminal (``terminals``) is a stock with no demand whose imports land at each midnight
(:meth:`Stock.resupply`, not on a seized day) and whose loadings a day are capped
(:meth:`Stock.loadings_left`, shared by every corridor loading there).
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from .plan import CorridorPlan, StockPlan
from .recorder import DailyRecord

__all__ = ["Stock"]


class Stock:
    """One place's stock during a run.

    Parameters
    ----------
    plan : StockPlan
        The compiled stock.
    corridors : list of CorridorPlan
        Every corridor of the plan; those that end here are its inbound ones.
    rng : numpy.random.Generator
        Its demand stream (the depot's is the run's ``demand`` stream, as before).
    """

    __slots__ = (
        "amounts",
        "capacity_l",
        "daily",
        "inbound",
        "loaded_out",
        "loaded_out_l",
        "loading_day",
        "loading_used",
        "place",
        "plan",
        "queue",
        "rationing_logged",
        "reserve_left_l",
        "resupplied_l",
        "rng",
        "seized",
        "stock_l",
        "stockout_logged",
    )

    def __init__(
        self, plan: StockPlan, corridors: list[CorridorPlan], rng: np.random.Generator
    ) -> None:
        self.plan = plan
        self.place = plan.place
        self.capacity_l = plan.capacity_l
        self.stock_l = plan.initial_stock_l
        self.reserve_left_l = plan.reserve_l
        self.rng = rng
        #: Tankers waiting to unload, oldest first: [corridor index, tankers].
        self.queue: deque[list[int]] = deque()
        #: Corridors that deliver here, in plan order, and what one vehicle of each
        #: unloads here [the stock's unit] (its tanker load, for the main commodity).
        self.inbound = [c.index for c in corridors if c.delivers(plan.index)]
        self.amounts = [c.delivers(plan.index) for c in corridors if c.delivers(plan.index)]
        #: Litres loaded out to secondary corridors during the horizon (whole tankers).
        self.loaded_out_l = 0
        self.rationing_logged = False
        self.stockout_logged = False
        #: One record per day, and the litres loaded out that day.
        self.daily: list[DailyRecord] = []
        self.loaded_out: list[float] = []
        self.seized = plan.seized
        #: A terminal's imports landed so far [its unit] (0 elsewhere): the daily table
        #: counts them as loaded into and delivered to it, so its balance holds.
        self.resupplied_l: float = 0
        #: The day (index) of the last loading counted against its loading rate, and the
        #: vehicles loaded that day.
        self.loading_day = -(2**62)
        self.loading_used = 0

    def seized_at(self, t_h: float) -> bool:
        """Whether the stock is seized (trapped) at ``t_h`` [h]."""
        return self.seized is not None and self.seized.closed_at(t_h)

    def resupply(self) -> None:
        """Land one day's imports (a terminal's ``resupply_per_day``), up to the capacity."""
        amount = min(self.plan.resupply_per_day, max(0.0, self.capacity_l - self.stock_l))
        if amount > 0:
            self.stock_l += amount
            self.resupplied_l += amount

    def loadings_left(self, t_h: float) -> int:
        """Vehicles that may still load here on the day of ``t_h`` (its loading rate)."""
        cap = self.plan.loading_tankers_per_day
        assert cap is not None  # only asked of a stock with a loading rate
        day = math.floor(t_h / 24.0)
        return cap if day != self.loading_day else cap - self.loading_used

    def count_loadings(self, t_h: float, n: int) -> None:
        """Count ``n`` vehicles loaded at ``t_h`` against the day's loading rate."""
        day = math.floor(t_h / 24.0)
        if day != self.loading_day:
            self.loading_day, self.loading_used = day, 0
        self.loading_used += n
