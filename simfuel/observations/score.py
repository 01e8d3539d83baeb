"""A run or an ensemble scored against dated signals: the model's value, inside or not.

A pure function of tables: it reads a result's daily values through what results expose
(``RunResult.daily``, a DataFrame; ``EnsembleResult.daily(field)``, an array of shape
``(replications, days)``, with ``.dates``), so this floor imports no model floor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .signals import SIGNALS, validate_signals

__all__ = ["SCORE_COLUMNS", "score_signals", "signal_gaps"]

#: Columns :func:`score_signals` adds to the signals table.
SCORE_COLUMNS: tuple[str, ...] = (
    "scored",
    "reason",
    "replications",
    "model_value",
    "model_p5",
    "model_p95",
    "share_inside",
    "inside",
)

_Getter = Callable[[str], np.ndarray]


def score_signals(table: pd.DataFrame, result: Any) -> pd.DataFrame:
    """Score a run or an ensemble against a signals table.

    Parameters
    ----------
    table : pandas.DataFrame
        A signals table (validated again here).
    result : RunResult, EnsembleResult or pandas.DataFrame
        What to score: a run (its ``daily`` table), an ensemble (``daily(field)`` arrays
        and ``dates``), or a daily table itself (index: the dates; the columns of
        ``RunResult.daily``).

    Returns
    -------
    pandas.DataFrame
        The signals table, one row per signal, with :data:`SCORE_COLUMNS`:

        * ``scored`` (bool) and ``reason`` (why not: an unscored signal, a place that is
          not the depot's, a date the result did not simulate; ``""`` if scored);
        * ``replications``: runs scored (1 for a run);
        * ``model_value``: a flag's share of replications with the flag on (a run: 0 or
          1); a number's or an onset's median across replications (an onset in days
          after ``date``; ``inf`` if it never happened in most replications);
        * ``model_p5``, ``model_p95``: the 5 % and 95 % quantiles across replications;
        * ``share_inside``: share of replications whose value lies in ``low``-``high``
          (a blank bound is open; a flag must equal ``value``; an onset that never came
          is outside);
        * ``inside``: ``share_inside >= 0.5`` (for a run: its value is in the range);
          ``<NA>`` when not scored.

    Raises
    ------
    TypeError
        If ``result`` is none of those.
    SignalsError
        If the table is invalid.
    """
    signals = validate_signals(table, source=table.attrs.get("source", "<table>"))
    dates, get, reps = _daily_source(result)
    depot = _depot_place(result)
    rows: list[dict[str, Any]] = []
    for _, row in signals.iterrows():
        place = str(row["place"])
        if place and place != depot and place in _stock_places(result):
            # A destination with its own stock: its signal is read at its own daily table,
            # if the result holds one (a calibration or a hindcast keeps the places its
            # signals name; runs that kept the depot's figures only cannot score it).
            if not _holds(result, place):
                why = f"{place!r} has a stock of its own, which these runs do not record"
                rows.append(_not_scored(why, reps))
                continue
            at_dates, at_get, at_reps = _daily_source(result, place)
            rows.append(_score_row(row, at_dates, at_get, at_reps, place))
        else:
            rows.append(_score_row(row, dates, get, reps, depot))
    scores = pd.DataFrame(rows, columns=list(SCORE_COLUMNS), index=signals.index)
    scores["scored"] = scores["scored"].astype(bool)
    scores["replications"] = scores["replications"].astype("int64")
    scores["inside"] = scores["inside"].astype("boolean")
    for col in ("model_value", "model_p5", "model_p95", "share_inside"):
        scores[col] = scores[col].astype(float)
    out = pd.concat([signals, scores], axis=1)
    out.attrs = dict(signals.attrs)
    return out


def _holds(result: Any, place: str) -> bool:
    """Whether ``result`` has ``place``'s own daily table (a run; an ensemble that kept it)."""
    if hasattr(result, "at"):
        return True
    return place in (getattr(result, "held_destinations", None) or ())


def _stock_places(result: Any) -> list[str]:
    """The places with stock of ``result``'s scenario other than the depot's (a table: none)."""
    scenario = getattr(result, "scenario", None)
    destinations = getattr(scenario, "destinations", None) or {}
    return [d.place for d in destinations.values()]


def _daily_source(result: Any, place: str | None = None) -> tuple[pd.DatetimeIndex, _Getter, int]:
    """The simulated dates, a getter of one daily field as ``(reps, days)``, and reps.

    ``place``: a destination's daily table instead of the depot's (a run's ``at(place)``,
    an ensemble's ``daily(field, destination=place)``).
    """
    if place is not None:
        if hasattr(result, "at"):
            return _daily_source(result.at(place))
        ensemble_daily = result.daily
        result = _AtPlace(result, lambda field: ensemble_daily(field, destination=place))
    daily = result if isinstance(result, pd.DataFrame) else getattr(result, "daily", None)
    if isinstance(daily, pd.DataFrame):
        frame = daily
        dates = pd.DatetimeIndex(frame.index).normalize()

        def from_frame(field: str) -> np.ndarray:
            return np.asarray(frame[field].to_numpy(dtype=float))[None, :]

        return dates, from_frame, 1
    if callable(daily) and hasattr(result, "dates"):
        dates = pd.DatetimeIndex(result.dates).normalize()
        reps = int(getattr(result, "n", 0)) or int(np.asarray(daily("stock_l")).shape[0])

        def from_ensemble(field: str) -> np.ndarray:
            return np.asarray(daily(field), dtype=float).reshape(reps, len(dates))

        return dates, from_ensemble, reps
    raise TypeError(
        "score_signals needs a RunResult, an EnsembleResult or a daily table "
        f"(got {type(result).__name__})"
    )


class _AtPlace:
    """An ensemble seen at one destination: its ``dates``, ``n`` and a ``daily(field)``."""

    def __init__(self, ensemble: Any, daily: Callable[[str], Any]) -> None:
        self.dates, self.n, self.daily = ensemble.dates, getattr(ensemble, "n", 0), daily


def _depot_place(result: Any) -> str | None:
    scenario = getattr(result, "scenario", None)
    depot = getattr(scenario, "depot", None)
    place = getattr(depot, "place", None)
    return str(place) if place is not None else None


def _not_scored(reason: str, reps: int) -> dict[str, Any]:
    return {
        "scored": False,
        "reason": reason,
        "replications": reps,
        "model_value": np.nan,
        "model_p5": np.nan,
        "model_p95": np.nan,
        "share_inside": np.nan,
        "inside": pd.NA,
    }


def _score_row(
    row: pd.Series, dates: pd.DatetimeIndex, get: _Getter, reps: int, depot: str | None
) -> dict[str, Any]:
    spec = SIGNALS[str(row["signal"])]
    if spec.kind == "unscored" or spec.field is None:
        return _not_scored(f"{spec.name} is not modelled", reps)
    place = str(row["place"])
    if place and depot is not None and place != depot:
        return _not_scored(
            f"the model has one stock, at the depot ({depot}); {place!r} is not scored", reps
        )
    day = pd.Timestamp(row["date"])
    try:
        values = get(spec.field)
        if spec.name == "served_share":
            demand = get("demand_l")
    except KeyError:
        return _not_scored(f"the result has no daily {spec.field!r}", reps)
    low = -np.inf if np.isnan(row["low"]) else float(row["low"])
    high = np.inf if np.isnan(row["high"]) else float(row["high"])
    if spec.kind == "onset":
        on = values != 0
        first = np.where(on.any(axis=1), on.argmax(axis=1), -1)
        offset_days = (dates[0] - day).days
        x = np.where(first >= 0, first + offset_days, np.inf).astype(float)
        inside = (x >= low) & (x <= high)
        # An onset that never came is +inf: a quantile that picks an observation handles it.
        p5, mid, p95 = np.quantile(x, [0.05, 0.5, 0.95], method="inverted_cdf")
        return _scored(reps, float(mid), float(p5), float(p95), inside)
    d = int(dates.searchsorted(day))
    if d >= len(dates) or dates[d] != day:
        return _not_scored(
            f"{day.date()} was not simulated ({dates[0].date()} to {dates[-1].date()})", reps
        )
    if spec.kind == "flag":
        flag = values[:, d] > 0 if spec.field == "shortfall_l" else values[:, d] != 0
        inside = flag == bool(row["value"])
        p5, p95 = np.quantile(flag.astype(float), [0.05, 0.95])
        return _scored(reps, float(flag.mean()), float(p5), float(p95), inside)
    x = values[:, d]
    if spec.name == "served_share":
        with np.errstate(invalid="ignore", divide="ignore"):
            x = np.where(demand[:, d] > 0, x / demand[:, d], np.nan)
    inside = (x >= low) & (x <= high)  # NaN (no demand) is outside
    if np.isnan(x).all():
        return _scored(reps, np.nan, np.nan, np.nan, inside)
    p5, mid, p95 = np.nanquantile(x, [0.05, 0.5, 0.95])
    return _scored(reps, float(mid), float(p5), float(p95), inside)


def _scored(reps: int, mid: float, p5: float, p95: float, inside: np.ndarray) -> dict[str, Any]:
    share = float(np.mean(inside))
    return {
        "scored": True,
        "reason": "",
        "replications": reps,
        "model_value": mid,
        "model_p5": p5,
        "model_p95": p95,
        "share_inside": share,
        "inside": share >= 0.5,
    }


def signal_gaps(scored: pd.DataFrame) -> np.ndarray:
    """How far a scored result is from each scored signal: 0 when it agrees.

    The distance contribution of signals in calibration (:func:`simfuel.calibrate`).

    Parameters
    ----------
    scored : pandas.DataFrame
        What :func:`score_signals` returns.

    Returns
    -------
    numpy.ndarray
        One value per scored row, in order: for a flag, the share of replications that
        disagree (``1 - share_inside``) [-]; for a number or an onset, the distance of the
        median (``model_value``) from ``low``-``high`` in the signal's unit (0 inside;
        ``inf`` for an onset that never came; NaN where the median is missing).
    """
    rows = scored[scored["scored"].astype(bool)]
    out = []
    for _, row in rows.iterrows():
        spec = SIGNALS[str(row["signal"])]
        if spec.kind == "flag":
            out.append(1.0 - float(row["share_inside"]))
            continue
        x = float(row["model_value"])
        low = -np.inf if np.isnan(row["low"]) else float(row["low"])
        high = np.inf if np.isnan(row["high"]) else float(row["high"])
        if np.isnan(x):
            out.append(np.nan)
        elif np.isinf(x):
            out.append(np.inf if not (low <= x <= high) else 0.0)
        else:
            out.append(max(low - x, x - high, 0.0))
    return np.array(out, dtype=float)
