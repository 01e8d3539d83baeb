"""The run-time state of one place with stock: the depot or a destination.

The plan's :class:`~simfuel.sim.plan.StockPlan` says what a stock is; a :class:`Stock`
holds what it has during one run, of one commodity at one place (the ``_l`` attributes are
in the commodity's unit: litres for fuel): litres in the tanks, reserve left, tankers waiting to
unload, its demand stream and what it has shipped onwards to secondary corridors. The
maths (cover, rationing, whole tankers a loading may take) is in
:mod:`simfuel.model.stocks`; the engine sequences it. A seized stock (``seize`` ..
``release`` events) is trapped: :meth:`Stock.seized_at` says when, and the engine then
serves none of its demand, loads nothing out of it and unloads nothing into it.
"""

from __future__ import annotations

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
        "place",
        "plan",
        "queue",
        "rationing_logged",
        "reserve_left_l",
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

    def seized_at(self, t_h: float) -> bool:
        """Whether the stock is seized (trapped) at ``t_h`` [h]."""
        return self.seized is not None and self.seized.closed_at(t_h)
