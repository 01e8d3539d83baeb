"""Rationing rules: when a place rations, how much it serves, and who is served first.

A place's ``rationing.rule`` (the depot's or a destination's) names a subclass of
:class:`RationingRule`; the simulation makes one instance per place with stock, and the
instance keeps the rule's state for the run (whether rationing is on, for how many days).
Once a day, before the day's demand is served, the engine asks :meth:`~RationingRule.in_force`
with the day's cover and the rule in force that day (a dated ``rationing`` event may change
it); :meth:`~RationingRule.target_l` gives the litres the rule means to serve (the stock
may hold fewer), and :meth:`~RationingRule.allocate` splits what was served among the
place's consumer classes (``demand.priority``). A seized day asks nothing: the rule's state
waits for the release.

* ``default``: rationing is in force exactly on the days cover is below
  ``threshold_days`` (the rule of every scenario before rules could be chosen);
* ``hysteresis``: it starts below ``threshold_days`` and stops only when cover is back at or
  above ``stop_threshold_days``, and lasts at least ``min_days`` once started, so it does
  not flip on and off with each day's deliveries.

The maths is :mod:`simfuel.model.stocks`; this module keeps the state.
"""

from __future__ import annotations

from typing import ClassVar

from ..model.stocks import (
    RationingParams,
    allocate_by_priority,
    hysteresis_step,
    rationed_target_l,
)
from ..scenario.schema import OTHER_CLASS
from .plan import StockPlan
from .registry import Registry

__all__ = ["RATIONING_RULES", "DefaultRationing", "HysteresisRationing", "RationingRule"]


class RationingRule:
    """The rationing rule of one place with stock (base class of the rules).

    Parameters
    ----------
    stock : StockPlan
        The compiled place (its ``priority`` classes, shares of demand in order).
    """

    #: The scenario's ``rationing.rule`` for this class.
    name: ClassVar[str] = ""

    def __init__(self, stock: StockPlan) -> None:
        self.stock = stock
        self.classes = (*(name for name, _ in stock.priority), OTHER_CLASS)
        self._shares = [share for _, share in stock.priority]
        # Listed classes whose first short day was logged.
        self._short_logged: set[str] = set()

    def in_force(self, t_h: float, cover_days: float, params: RationingParams) -> bool:
        """Hook: whether rationing is in force on the day starting at ``t_h`` [h].

        ``cover_days`` is the cover before the day is served [days]; ``params`` the rule
        in force that day. Called once a day (not on a day the stock is seized).
        """
        raise NotImplementedError

    def target_l(self, demand_l: float, in_force: bool, params: RationingParams) -> float:
        """Hook: litres the rule means to serve of the day's ``demand_l`` [L].

        Default: ``served_fraction`` of demand while rationing, all of it otherwise. The
        engine serves at most the stock; a day served less than this is a stock-out.
        """
        return rationed_target_l(demand_l, in_force, params.served_fraction)

    def allocate(self, demand_l: float, served_l: float) -> tuple[list[float], list[float]]:
        """Hook: the day's demand and litres served by consumer class, in :attr:`classes`.

        Default: the listed classes in priority order, each wholly served before the next
        gets any (:func:`~simfuel.model.stocks.allocate_by_priority`).
        """
        return allocate_by_priority(served_l, demand_l, self._shares)

    def record(
        self, demand_l: float, served_l: float, days: dict[str, list[tuple[float, float]]]
    ) -> list[str]:
        """Append the day's ``(demand_l, served_l)`` of each class to ``days``.

        Returns
        -------
        list of str
            The listed (priority) classes short for the first time that day, as
            ``"name: served X of Y L"``.
        """
        wants, got = self.allocate(demand_l, served_l)
        first_short = []
        for name, want, have in zip(self.classes, wants, got, strict=True):
            days.setdefault(name, []).append((want, have))
            if name != OTHER_CLASS and have < want * (1 - 1e-9) and name not in self._short_logged:
                self._short_logged.add(name)
                first_short.append(f"{name}: served {have:.0f} of {want:.0f} L")
        return first_short


RATIONING_RULES: Registry[RationingRule] = Registry(
    RationingRule, "rationing rule", "rationing.rule"
)


@RATIONING_RULES.add
class DefaultRationing(RationingRule):
    """Rationing on exactly the days cover is below ``threshold_days`` (no memory)."""

    name = "default"

    def in_force(self, t_h: float, cover_days: float, params: RationingParams) -> bool:
        return cover_days < params.threshold_days


@RATIONING_RULES.add
class HysteresisRationing(RationingRule):
    """Start below ``threshold_days``, stop at ``stop_threshold_days``, last ``min_days``.

    The days in force count only days the rule was asked (a seized day neither counts nor
    breaks the run).
    """

    name = "hysteresis"

    def __init__(self, stock: StockPlan) -> None:
        super().__init__(stock)
        self.on = False
        self.days_on = 0  # days in force without a break, yesterday included

    def in_force(self, t_h: float, cover_days: float, params: RationingParams) -> bool:
        self.on = hysteresis_step(
            self.on,
            self.days_on,
            cover_days,
            params.threshold_days,
            params.stop_threshold_days,
            params.min_days,
        )
        self.days_on = self.days_on + 1 if self.on else 0
        return self.on
