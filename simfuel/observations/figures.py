"""The figures an incident table reports: per event as ranges, and accumulated by day.

Counts are tankers; dates are days (no time of day).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .load import validate_incidents

if TYPE_CHECKING:
    from ..scenario.schema import Scenario

__all__ = ["cumulative_losses", "reported_losses"]


def reported_losses(frame: pd.DataFrame, scenario: Scenario | None = None) -> pd.DataFrame:
    """Per-event reported losses as a central value and a range.

    A blank ``destroyed_high`` beside a figure means ``at least destroyed_low``: the range
    is then that one figure, a lower bound, and ``at_least`` is True. Rows with no figure
    get NaN and ``unquantified`` True.

    Parameters
    ----------
    frame : pandas.DataFrame
        An incident table (validated first if it is not already).
    scenario : Scenario, optional
        If given, losses are also converted to litres with the tanker capacity of the
        row's corridor (``tanker_capacity_l`` [L]); rows with a blank or unknown corridor
        use the capacity shared by all corridors, or NaN if the corridors differ.

    Returns
    -------
    pandas.DataFrame
        Same row order as the table; columns ``id``, ``date``, ``corridor``,
        ``destroyed_low``, ``destroyed_high``, ``destroyed_central`` (midpoint of the
        range) [tankers, float, NaN: not reported], ``captured`` [tankers, NaN: not
        reported], ``at_least``, ``unquantified``, ``derived``, ``aggregate`` (bool); with
        a scenario also ``capacity_l`` [L/tanker] and ``destroyed_low_l``,
        ``destroyed_high_l``, ``destroyed_central_l`` [L].
    """
    table = validate_incidents(frame, source=frame.attrs.get("source", "<table>"))
    low = table["destroyed_low"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    given_high = table["destroyed_high"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    high = np.where(np.isnan(given_high), low, given_high)
    out = pd.DataFrame(
        {
            "id": table["id"],
            "date": table["date"],
            "corridor": table["corridor"],
            "destroyed_low": low,
            "destroyed_high": high,
            "destroyed_central": (low + high) / 2.0,
            "captured": table["captured"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
            "at_least": ~np.isnan(low) & np.isnan(given_high),
            "unquantified": np.isnan(low),
            "derived": table["derived"].to_numpy(dtype=bool),
            "aggregate": table["aggregate"].to_numpy(dtype=bool),
        },
        index=table.index,
    )
    if scenario is not None:
        capacities = {k: float(c.tanker_capacity_l) for k, c in scenario.corridors.items()}
        shared = set(capacities.values())
        fallback = shared.pop() if len(shared) == 1 else math.nan
        cap = np.array([capacities.get(str(c), fallback) for c in out["corridor"]], dtype=float)
        out["capacity_l"] = cap
        for col in ("destroyed_low", "destroyed_high", "destroyed_central"):
            out[f"{col}_l"] = out[col].to_numpy(float) * cap
    return out


def cumulative_losses(
    frame: pd.DataFrame,
    *,
    include_captured: bool = False,
    dates: Iterable[Any] | None = None,
) -> pd.DataFrame:
    """Reported losses summed day by day and accumulated.

    Each row's range (see :func:`reported_losses`) counts in full on its date; rows with
    no figure count as 0 (and are counted in ``unquantified``); ``at least N`` rows count
    N in both bounds (counted in ``at_least``). The bounds of separate rows are added, so
    the cumulative range is the widest the reports allow.

    Parameters
    ----------
    frame : pandas.DataFrame
        An incident table (validated first if it is not already).
    include_captured : bool
        Add the reported ``captured`` tankers (blank: 0) to both bounds: losses rather
        than tankers destroyed.
    dates : iterable of dates, optional
        The days to report on (e.g. a scenario's calendar); the values are carried forward
        between events, 0 before the first, and events on other days count from the next
        listed day on (those after the last listed day are left out). Default: one row
        per day with at least one event.

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (midnight timestamps); columns ``low``, ``high`` (that day's
        reported tankers) and ``cum_low``, ``cum_high``, ``cum_central`` (midpoint) up to
        and including that day [tankers]; ``reports``, ``unquantified``, ``at_least``
        (rows on that day; 0 on days without an event).
    """
    per_row = reported_losses(frame)
    lost_low = per_row["destroyed_low"].fillna(0.0)
    lost_high = per_row["destroyed_high"].fillna(0.0)
    if include_captured:
        cap = per_row["captured"].fillna(0.0)
        lost_low, lost_high = lost_low + cap, lost_high + cap
    rows = pd.DataFrame(
        {
            "date": pd.to_datetime(per_row["date"]),
            "low": lost_low,
            "high": lost_high,
            "reports": 1,
            "unquantified": per_row["unquantified"].astype(int),
            "at_least": per_row["at_least"].astype(int),
        }
    )
    daily = rows.groupby("date").sum().sort_index()
    if dates is not None:
        calendar = pd.DatetimeIndex(pd.to_datetime(list(dates))).normalize()
        if len(calendar):
            # an event counts from the first listed day on or after it
            slot = calendar.searchsorted(daily.index, side="left")
            inside = slot < len(calendar)
            daily = daily[inside].groupby(calendar[slot[inside]]).sum()
        daily = daily.reindex(calendar, fill_value=0)
    daily.index = pd.DatetimeIndex(daily.index, name="date")
    daily = daily.astype({"reports": int, "unquantified": int, "at_least": int})
    daily["cum_low"] = daily["low"].cumsum()
    daily["cum_high"] = daily["high"].cumsum()
    daily["cum_central"] = (daily["cum_low"] + daily["cum_high"]) / 2.0
    return daily[
        ["low", "high", "cum_low", "cum_high", "cum_central", "reports", "unquantified", "at_least"]
    ]
