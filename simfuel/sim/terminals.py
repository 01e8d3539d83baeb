"""Origin terminals at run time: the loading rate shared by the corridors loading there.

A terminal is a :class:`~.places.Stock` with no demand (its stock, its imports landed at
midnight, its seizure are the stock's); what is its own is the cap on vehicles loaded a day
across every corridor whose origin it is. A batch beyond the day's cap loads only what is
left of it; the rest is not loaded (nor carried to a later batch), as a secondary loading
short of stock is not, and the log gets a ``load_short`` row saying why.
"""

from __future__ import annotations

from .places import Stock
from .plan import CorridorPlan
from .recorder import Recorder

__all__ = ["cap_loadings"]


def cap_loadings(up: Stock, c: CorridorPlan, n: int, now: float, rec: Recorder) -> int:
    """The vehicles of a batch of ``n`` that terminal ``up`` can still load today.

    Parameters
    ----------
    up : Stock
        The terminal's main stock (it has a ``loading_tankers_per_day``).
    c : CorridorPlan
        The corridor loading.
    n : int
        Vehicles the batch asks for.
    now : float
        Loading time [h from the start]; in the horizon a cut batch is logged.
    rec : Recorder
        Where the ``load_short`` row goes.

    Returns
    -------
    int
        ``min(n, vehicles left of today's rate)``; the caller counts what it loads with
        :meth:`Stock.count_loadings`.
    """
    k = max(0, min(n, up.loadings_left(now)))
    if k < n and now >= 0:
        rate = up.plan.loading_tankers_per_day
        rec.log(
            now,
            "load_short",
            c.key,
            tankers=n - k,
            litres=(n - k) * c.capacity_l,
            detail=f"{up.place} loads at most {rate} vehicles a day",
        )
    return k
