"""The summary of one run as a float vector: pure numpy, no tables.

The ensemble's currency: workers turn a run's raw records into one vector of
:data:`SUMMARY_METRICS` here, without pandas, and :class:`~simfuel.results.RunResult`
computes its :meth:`~simfuel.results.RunResult.summary` with the same functions, so the
two can never disagree. :mod:`simfuel.results` re-exports every public name.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .sim.recorder import DAILY_FIELDS

if TYPE_CHECKING:
    from .sim.recorder import Recorder

__all__ = [
    "CONVOY_SOURCE_FIELDS",
    "CONVOY_SUMMARY_FIELDS",
    "COUNT_METRICS",
    "SUMMARY_METRICS",
    "convoy_summary_array",
    "summary_from_records",
    "summary_to_dict",
    "summary_vector",
]

#: Summary metrics that count things (litres of integer flows, tankers, attacks, days).
COUNT_METRICS = (
    "loaded_l",
    "delivered_l",
    "destroyed_l",
    "captured_l",
    "tankers_lost",
    "tankers_destroyed",
    "tankers_captured",
    "attacks",
    "convoys",
    "days_with_shortfall",
)
#: Keys of :meth:`simfuel.results.RunResult.summary`, in order.
SUMMARY_METRICS = (
    *COUNT_METRICS,
    "shortfall_l",
    "first_rationing",
    "first_stockout",
    "min_days_of_cover",
    "final_stock_l",
    "mean_escort_wait_h",
)


#: Convoy-record fields that :func:`convoy_summary_array` reads.
CONVOY_SOURCE_FIELDS = (
    "departed_h",
    "destroyed",
    "captured",
    "attacks",
    "escort_wait_h",
    "escort_forces",
)

#: Columns of the compact convoy array that :func:`summary_vector` reads.
CONVOY_SUMMARY_FIELDS = (
    "departed_h",
    "destroyed",
    "captured",
    "attacks",
    "escort_wait_h",
    "escorted",
)

_INT_METRICS = frozenset(COUNT_METRICS)
_DATE_METRICS = {"first_rationing", "first_stockout"}


def convoy_summary_array(columns: Mapping[str, Any]) -> np.ndarray:
    """The compact convoy array that :func:`summary_vector` reads, from named columns.

    The one place where convoy records become summary inputs, used by
    :meth:`RunResult.summary` (columns of the convoy table) and by ensemble workers
    (columns of the raw records), so the two can never disagree.

    Parameters
    ----------
    columns : mapping of str to sequence
        At least ``departed_h`` [h from start], ``destroyed``, ``captured``, ``attacks``,
        ``escort_wait_h`` [h] and ``escort_forces`` (``""`` for an unescorted convoy), all
        of one length.

    Returns
    -------
    numpy.ndarray, shape (convoys, len(CONVOY_SUMMARY_FIELDS))
    """
    forces = np.asarray(columns["escort_forces"], dtype=object)
    numeric = [np.asarray(columns[k], dtype=float) for k in CONVOY_SOURCE_FIELDS[:-1]]
    return np.column_stack([*numeric, (forces != "").astype(float)]).reshape(
        len(forces), len(CONVOY_SUMMARY_FIELDS)
    )


def summary_from_records(rec: Recorder) -> np.ndarray:
    """:func:`summary_vector` of one run's raw :class:`~simfuel.sim.recorder.Recorder`.

    What ensemble workers compute instead of building tables; equal, metric by metric,
    to :meth:`RunResult.summary` of the same run (the depot's: its daily records and the
    convoys of the corridors that end there).
    """
    return summary_vector(
        rec.daily_array(),
        convoy_summary_array(rec.convoy_columns(CONVOY_SOURCE_FIELDS, depot_only=True)),
    )


def summary_vector(daily: np.ndarray, convoys: np.ndarray) -> np.ndarray:
    """The metrics of :data:`SUMMARY_METRICS` as one float vector (the ensemble's currency).

    Parameters
    ----------
    daily : numpy.ndarray, shape (days, len(DAILY_FIELDS))
        The daily records, columns in the order of ``DAILY_FIELDS``.
    convoys : numpy.ndarray, shape (convoys, len(CONVOY_SUMMARY_FIELDS))
        One row per convoy: departure [h from start], destroyed, captured, attacks,
        escort wait [h], escorted (0/1).

    Returns
    -------
    numpy.ndarray
        One value per metric; dates as day offsets from the start (NaN: never).
    """
    col = {name: i for i, name in enumerate(DAILY_FIELDS)}

    def first(flag: str) -> float:
        hits = np.flatnonzero(daily[:, col[flag]] > 0)
        return float(hits[0]) if hits.size else math.nan

    departed = convoys[:, 0] >= 0  # warm-up convoys count for losses, not as convoys
    escorted = departed & (convoys[:, 5] > 0)
    values = {
        "loaded_l": daily[:, col["loaded_l"]].sum(),
        "delivered_l": daily[:, col["delivered_l"]].sum(),
        "destroyed_l": daily[:, col["destroyed_l"]].sum(),
        "captured_l": daily[:, col["captured_l"]].sum(),
        "tankers_lost": convoys[:, 1].sum() + convoys[:, 2].sum(),
        "tankers_destroyed": convoys[:, 1].sum(),
        "tankers_captured": convoys[:, 2].sum(),
        "attacks": convoys[:, 3].sum(),
        "convoys": float(departed.sum()),
        "days_with_shortfall": float((daily[:, col["shortfall_l"]] > 1e-6).sum()),
        "shortfall_l": daily[:, col["shortfall_l"]].sum(),
        "first_rationing": first("rationing"),
        "first_stockout": first("stockout"),
        "min_days_of_cover": daily[:, col["days_of_cover"]].min(),
        "final_stock_l": daily[-1, col["stock_l"]],
        "mean_escort_wait_h": (float(convoys[escorted, 4].mean()) if escorted.any() else math.nan),
    }
    return np.array([values[m] for m in SUMMARY_METRICS], dtype=float)


def summary_to_dict(vector: np.ndarray, start: dt.date) -> dict[str, Any]:
    """Turn a :func:`summary_vector` into the dict of :meth:`RunResult.summary`."""
    out: dict[str, Any] = {}
    for name, value in zip(SUMMARY_METRICS, vector.tolist(), strict=True):
        if name in _DATE_METRICS:
            out[name] = None if math.isnan(value) else start + dt.timedelta(days=int(value))
        elif name in _INT_METRICS:
            out[name] = round(value)
        else:
            out[name] = float(value)
    return out
