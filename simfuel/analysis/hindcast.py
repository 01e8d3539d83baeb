"""Hindcasting: calibrate on what was observed before a date, score what was observed after.

:func:`hindcast` splits the observations (an incident table and a signals table) at
``as_of``: those dated before it are the calibration's data (:func:`simfuel.calibrate`,
SMC-ABC by default), those dated from ``as_of`` to ``until`` are held back. The posterior
then runs forward (``reps_per_draw`` replications of each of ``forward_draws`` posterior
draws, from the scenario's start: the model holds no state to restart from, so "forward"
means the whole horizon, with parameters that saw only the early data) and every held-back
observation is scored:

* each **signal** (rationing, shortage, days of cover, onsets...) as
  :func:`~simfuel.observations.score_signals` reads it: at the depot, or at the stock of
  the place it names when that place holds one (the runs keep those places' daily
  figures, and no other's);
* the **incident statistics** of the held-back window (tankers lost and reported attacks
  by month, tankers lost by corridor, the mean loss of an attack), as
  :class:`~simfuel.analysis.calibrate.IncidentStats` counts them for the fit.

For each: the model's median and 90 % interval (5 %-95 % across the replications),
whether the reported figure lies inside that interval, the share of replications inside
the *reported range* (for the incident table, the range of its low and high figures),
and the interval score of Gneiting and Raftery (2007, *JASA* 102: 359-378, eq. 43) at
alpha = 0.1: the interval's width plus 20 times any distance of the observation outside
it (lower is better; in the observation's unit, so only rows of one unit add up).

For an **event or flag** signal (rationing in force, a shortage; rationing began within
days) the 90 % interval says almost nothing: across replications a 0/1 flag's 5 %-95 % is
[0, 1] whenever between 5 % and 95 % of runs have it, so "inside" is nearly always true.
Those rows get a **Brier score** (Brier 1950, *Monthly Weather Review* 78: 1-3) too:
``(p - y) ** 2``, where ``p`` is the share of replications in which the event happens
and ``y`` 1 if it was reported to happen, 0 if reported not to. For a flag the event is
the flag on the day (``y`` the reported value); for an onset, the onset within the
reported window (``y`` = 1: it was reported). 0 is a sure and right forecast, 0.25 a
coin toss, 1 a sure and wrong one; NaN for numbers and incident statistics, which the
interval score serves.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..ensemble.seeds import root_seed
from ..observations import SIGNALS, score_signals
from ..run import SeedLike
from ..scenario import Scenario, load_scenario
from ..seeds import Role, role_seed
from ..sim.recorder import DAILY_FIELDS
from .calibrate import (
    Calibration,
    IncidentStats,
    _cast,
    _DrawDaily,
    _run_draws,
    _signals_in,
    _truncated,
    calibrate,
    observed_attacks,
    signal_places,
)

__all__ = ["HINDCAST_COLUMNS", "Hindcast", "brier_score", "hindcast", "interval_score"]

#: The 90 % interval's miss rate: the alpha of the interval score.
ALPHA = 0.1

#: Columns of :attr:`Hindcast.table`, in order.
HINDCAST_COLUMNS: tuple[str, ...] = (
    "kind",
    "id",
    "date",
    "what",
    "unit",
    "observed",
    "reported_low",
    "reported_high",
    "model_median",
    "model_p5",
    "model_p95",
    "inside_90",
    "share_in_range",
    "interval_score",
    "brier",
    "scored",
    "reason",
)


def brier_score(p: float | np.ndarray, y: float | np.ndarray) -> Any:
    """The Brier score ``(p - y) ** 2`` of a forecast probability ``p`` of an event, for
    the outcome ``y`` (1: it happened, 0: it did not); lower is better, from 0 to 1."""
    return (np.asarray(p, dtype=float) - np.asarray(y, dtype=float)) ** 2


def interval_score(
    low: float | np.ndarray, high: float | np.ndarray, y: float | np.ndarray, alpha: float = ALPHA
) -> Any:
    """The interval score of a central ``1 - alpha`` interval ``[low, high]`` for ``y``.

    ``(high - low) + 2/alpha * (low - y) * [y < low] + 2/alpha * (y - high) * [y > high]``
    (Gneiting and Raftery 2007): a proper score, lower is better, in ``y``'s unit.
    """
    lo, hi, obs = (np.asarray(v, dtype=float) for v in (low, high, y))
    with np.errstate(invalid="ignore"):
        width = np.where(hi > lo, hi - lo, 0.0)
        below = np.where(obs < lo, lo - obs, 0.0)
        above = np.where(obs > hi, obs - hi, 0.0)
    return width + 2.0 / alpha * (below + above)


@dataclass
class Hindcast:
    """What :func:`hindcast` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per held-back observation, :data:`HINDCAST_COLUMNS`: ``kind``
        (``signal`` or ``incidents``), ``id``, ``date`` (a signal's date; the window's
        first day for a statistic), ``what``, ``unit``, ``observed`` (the reported figure:
        a signal's value, else the middle of its finite bounds; a statistic from the
        table's central figures), ``reported_low``/``reported_high``, the model's
        ``model_median``, ``model_p5``, ``model_p95``, ``inside_90`` (observed within the
        model's 5 %-95 %), ``share_in_range`` (replications inside the reported range),
        ``interval_score``, ``brier`` (for an event or flag signal: the Brier score of
        the share of replications with the event, against the report, see the module
        docstring; NaN otherwise), ``scored`` and ``reason`` (why not).
    calibration : Calibration
        The fit on the observations before ``as_of``.
    as_of, until : datetime.date
        First held-back day and last scored day.
    dates : pandas.DatetimeIndex
        Simulated days (the scenario's start to ``until``).
    daily : dict of str to numpy.ndarray, shape (replications, days)
        Daily fields of the forward runs (the depot's).
    place_daily : dict of str to dict of str to numpy.ndarray, shape (replications, days)
        The same at each other place with stock that a signal names (by place key; empty
        when every signal is at the depot): what those signals are scored on.
    incidents_before, signals_before : pandas.DataFrame or None
        The observations the calibration saw.
    signals_after : pandas.DataFrame or None
        The held-back signals, scored (:func:`~simfuel.observations.score_signals`).
    fitted : pandas.DataFrame
        The signals the calibration saw, scored the same way on the same forward runs
        (:data:`HINDCAST_COLUMNS`): how well the fit reproduces its own data, not a test.
    """

    table: pd.DataFrame
    calibration: Calibration
    as_of: dt.date
    until: dt.date
    dates: pd.DatetimeIndex
    daily: dict[str, np.ndarray]
    incidents_before: pd.DataFrame | None
    signals_before: pd.DataFrame | None
    signals_after: pd.DataFrame | None
    fitted: pd.DataFrame
    place_daily: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)

    @property
    def scored(self) -> pd.DataFrame:
        """The rows that were scored."""
        return self.table[self.table["scored"]]

    def missed(self) -> pd.DataFrame:
        """The scored observations outside the model's 90 % interval."""
        s = self.scored
        return s[~s["inside_90"].astype(bool)]

    def score(self) -> dict[str, float]:
        """The headline: observations scored, the share inside the 90 % interval, the
        mean share of replications inside the reported ranges, and the mean Brier score
        of the event and flag signals (NaN if there is none)."""
        s = self.scored
        brier = s["brier"].astype(float).dropna()
        return {
            "scored": float(len(s)),
            "inside_90": float(s["inside_90"].astype(bool).mean()) if len(s) else math.nan,
            "share_in_range": float(s["share_in_range"].mean()) if len(s) else math.nan,
            "brier": float(brier.mean()) if len(brier) else math.nan,
        }

    def describe(self) -> str:
        """Plain lines: the score, then every observation scored, hit or missed."""
        sc = self.score()
        lines = [
            f"hindcast as of {self.as_of} (calibrated on what came before; scored "
            f"{self.as_of} to {self.until}): {int(sc['scored'])} observations scored, "
            f"{sc['inside_90']:.0%} inside the model's 90 % interval"
            + (
                f"; mean Brier score of the event and flag signals {sc['brier']:.3f}"
                if not math.isnan(sc["brier"])
                else ""
            )
        ]
        unreachable = self.calibration.unreachable_signals
        if unreachable:
            lines.append(
                "  left out of the fit (no prior draw reaches them): " + ", ".join(unreachable)
            )
        lines += _verdicts(self.scored)
        for _, r in self.table[~self.table["scored"]].iterrows():
            lines.append(f"  not scored: {r['id']}: {r['reason']}")
        fitted = self.fitted[self.fitted["scored"]] if len(self.fitted) else self.fitted
        if len(fitted):
            lines.append("signals before as-of (fitted to: a check of the fit, not a test):")
            lines += _verdicts(fitted)
        return "\n".join(lines)

    def to_csv(self, path: str | os.PathLike[str]) -> Path:
        """Write :attr:`table` as CSV."""
        target = Path(path)
        self.table.to_csv(target, index=False)
        return target

    def plot(self) -> Any:
        """A figure: the observations over the model's band (:mod:`simfuel.plot.hindcast`)."""
        # Imported here: the analysis floor must not import plot/ (nor matplotlib) on import.
        from ..plot.hindcast import hindcast_figure

        return hindcast_figure(self)


def _verdicts(rows: pd.DataFrame) -> list[str]:
    out = []
    for _, r in rows.iterrows():
        verdict = "reproduced" if bool(r["inside_90"]) else "MISSED"
        out.append(
            f"  {verdict}: {r['what']} ({r['id']}, {pd.Timestamp(r['date']).date()}): "
            f"reported {_fmt(r['observed'])} {r['unit']}; model {_fmt(r['model_median'])} "
            f"[{_fmt(r['model_p5'])}, {_fmt(r['model_p95'])}], "
            f"{r['share_in_range']:.0%} of runs in the reported range"
            + (f"; Brier {float(r['brier']):.3f}" if not math.isnan(float(r["brier"])) else "")
        )
    return out


def _fmt(x: Any) -> str:
    x = float(x)
    if math.isnan(x):
        return "n/a"
    if math.isinf(x):
        return "never" if x > 0 else "-inf"
    return f"{x:.3g}"


def _dates_of(table: pd.DataFrame) -> pd.Series:
    return pd.Series(pd.to_datetime(table["date"]).dt.date, index=table.index)


def _split(
    table: pd.DataFrame | None, as_of: dt.date, until: dt.date
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Rows dated before ``as_of``, and from ``as_of`` to ``until``."""
    if table is None:
        return None, None
    d = _dates_of(table)
    before, after = table[d < as_of].copy(), table[(d >= as_of) & (d <= until)].copy()
    before.attrs = after.attrs = dict(table.attrs)
    return before.reset_index(drop=True), after.reset_index(drop=True)


def hindcast(
    scenario: Scenario | str | os.PathLike[str] | Mapping[str, Any],
    params: Mapping[str, tuple[float, float]],
    *,
    as_of: dt.date | str,
    seed: SeedLike,
    incidents: pd.DataFrame | None = None,
    signals: pd.DataFrame | None = None,
    until: dt.date | str | None = None,
    method: str = "smc",
    draws: int = 200,
    accept: float = 0.2,
    generations: int = 3,
    reps: int = 1,
    forward_draws: int | None = None,
    reps_per_draw: int = 2,
    report_threshold: int = 5,
    executor: Any = None,
    workers: int | None = None,
    progress: bool = True,
) -> Hindcast:
    """Calibrate on the observations before ``as_of``; score those from ``as_of`` on.

    Parameters
    ----------
    scenario : Scenario, path or mapping
        The scenario (its scripted attacks are dropped, as :func:`simfuel.calibrate` does).
    params : mapping of dotted path to (low, high)
        Uniform prior ranges of the fitted fields.
    as_of : date or "YYYY-MM-DD"
        The first held-back day; after the scenario's start, not after its end.
    seed : int or SeedSequence
        Root seed of the calibration and of the forward runs.
    incidents, signals : pandas.DataFrame, optional
        The incident table (:func:`simfuel.incidents`) and the signals table
        (:func:`simfuel.signals`); at least one.
    until : date or "YYYY-MM-DD", optional
        The last day scored (default: the scenario's end); the runs stop there.
    method, draws, accept, generations, reps, report_threshold
        As for :func:`simfuel.calibrate` (default: SMC-ABC, 3 generations of 200).
    forward_draws : int, optional
        Posterior draws run forward (default: all); exactly that many, more than the
        posterior holds being drawn again with replacement
        (:meth:`~simfuel.analysis.calibrate.Calibration.posterior_draws`, with a warning).
    reps_per_draw : int
        Replications of each.
    executor, workers, progress
        As for :func:`simfuel.run_ensemble`.

    Returns
    -------
    Hindcast

    Raises
    ------
    ValueError
        If ``as_of`` or ``until`` is outside the horizon or not a date, if no table is
        given, or if nothing was observed before ``as_of``.
    """
    sc = load_scenario(scenario)
    as_of_d = _as_date(as_of, "as_of")
    until_d = sc.end if until is None else _as_date(until, "until")
    if not sc.start < as_of_d <= sc.end:
        raise ValueError(
            f"as_of {as_of_d} is outside the scenario's horizon (after {sc.start}, up to {sc.end})"
        )
    if not as_of_d <= until_d <= sc.end:
        raise ValueError(f"until {until_d} must be from as_of ({as_of_d}) to the end ({sc.end})")
    if incidents is None and signals is None:
        raise ValueError("hindcast needs observations: an incident table, a signals table or both")
    inc_before, inc_after = _split(incidents, as_of_d, until_d)
    sig_before, sig_after = _split(signals, as_of_d, until_d)
    if not (
        (inc_before is not None and len(inc_before)) or (sig_before is not None and len(sig_before))
    ):
        raise ValueError(f"nothing was observed before as_of ({as_of_d}) to calibrate on")
    base = _truncated(sc, until_d)
    empty = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "corridor": []})
    fit_incidents = inc_before if inc_before is not None else empty
    root = root_seed(seed)
    window = (sc.start, as_of_d - dt.timedelta(days=1))
    cal = calibrate(
        base,
        fit_incidents,
        params,
        draws=draws,
        accept=accept,
        reps=reps,
        seed=root,
        window=window,
        report_threshold=report_threshold,
        method=method,
        generations=generations,
        signals=sig_before,
        executor=executor,
        workers=workers,
        progress=progress,
    )
    for role, table in (("incidents", incidents), ("signals", signals)):
        if table is not None and table.attrs.get("source_sha256"):
            cal.sources.setdefault(role, str(table.attrs["source_sha256"]))
    # The forward runs: their own child of the root, apart from every calibration stream.
    rows = cal.posterior_draws(forward_draws, seed=role_seed(root, Role.PRIOR, 3, 1))
    points = [{p: _cast(cal.base, p, float(r[p])) for p in cal.params} for _, r in rows.iterrows()]
    stats = IncidentStats(as_of_d, until_d, tuple(cal.base.corridors), int(report_threshold))
    where = {"executor": executor, "workers": workers, "progress": progress}
    scored_before = sig_before if sig_before is not None and len(sig_before) else None
    scored_after = sig_after if sig_after is not None and len(sig_after) else None
    # Keep the other places' daily figures only where a signal scored here names them.
    places = signal_places(cal.base, _signals_in(signals, cal.base.start, until_d))
    res = _run_draws(
        cal.base,
        points,
        reps_per_draw,
        role_seed(root, Role.PRIOR, 3, 0),
        "hindcast runs",
        where,
        DAILY_FIELDS,
        stats,
        places,
    )
    res.raise_failures("hindcast replication")
    n = len(points) * reps_per_draw
    daily = {f: res.daily[f].reshape(n, -1) for f in DAILY_FIELDS}
    place_daily = {
        p: {f: a.reshape(n, -1) for f, a in arrays.items()} for p, arrays in res.place_daily.items()
    }
    assert res.stats is not None
    sims = res.stats.reshape(n, -1)
    dates = pd.date_range(cal.base.start, periods=cal.base.horizon_days, freq="D")
    parts = []
    scored_signals = None
    runs = _DrawDaily(cal.base, dates, daily, n, place_daily)
    if scored_after is not None:
        scored_signals = score_signals(scored_after, runs)
        parts.append(_signal_rows(scored_signals, runs))
    if incidents is not None:
        parts.append(_incident_rows(incidents, stats, sims, inc_after, report_threshold))
    fitted = pd.DataFrame(columns=list(HINDCAST_COLUMNS))
    if scored_before is not None:
        before = score_signals(scored_before, runs)
        fitted = _signal_rows(before, runs)[list(HINDCAST_COLUMNS)]
        fitted["scored"] = fitted["scored"].astype(bool)
    table = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=list(HINDCAST_COLUMNS))
    )
    table = table[list(HINDCAST_COLUMNS)]
    table["scored"] = table["scored"].astype(bool)
    return Hindcast(
        table=table,
        calibration=cal,
        as_of=as_of_d,
        until=until_d,
        dates=dates,
        daily=daily,
        incidents_before=inc_before,
        signals_before=sig_before,
        signals_after=scored_signals,
        fitted=fitted,
        place_daily=place_daily,
    )


def _as_date(value: dt.date | str, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{name} must be a date YYYY-MM-DD (got {value!r})") from None


def _reported(row: pd.Series) -> float:
    """The reported figure of a signal: its value, else the middle of its finite bounds."""
    if not math.isnan(row["value"]):
        return float(row["value"])
    bounds = [float(row[k]) for k in ("low", "high") if not math.isnan(row[k])]
    return float(np.mean(bounds)) if bounds else math.nan


def _signal_values(spec_name: str, row: pd.Series, runs: _DrawDaily) -> np.ndarray | None:
    """Every replication's value of the quantity a signal reports (None: not on a day run).

    Read where :func:`~simfuel.observations.score_signals` read it: at the stock of the
    signal's place if the runs kept it, else at the depot.
    """
    spec = SIGNALS[spec_name]
    assert spec.field is not None
    place = str(row["place"]) if isinstance(row["place"], str) else ""
    daily = runs.places.get(place, runs.arrays)
    dates = runs.dates
    values = daily[spec.field]
    day = pd.Timestamp(row["date"])
    if spec.kind == "onset":
        on = values != 0
        first = np.where(on.any(axis=1), on.argmax(axis=1), -1)
        return np.where(first >= 0, first + (dates[0] - day).days, np.inf).astype(float)
    d = int(dates.searchsorted(day))
    if d >= len(dates) or dates[d] != day:
        return None
    if spec.kind == "flag":
        flag = values[:, d] > 0 if spec.field == "shortfall_l" else values[:, d] != 0
        return flag.astype(float)
    x = values[:, d]
    if spec.name == "served_share":
        demand = daily["demand_l"][:, d]
        with np.errstate(invalid="ignore", divide="ignore"):
            x = np.where(demand > 0, x / demand, np.nan)
    return np.asarray(x, dtype=float)


def _signal_rows(scored: pd.DataFrame, runs: _DrawDaily) -> pd.DataFrame:
    rows = []
    for _, r in scored.iterrows():
        y = _reported(r)
        base = {
            "kind": "signal",
            "id": str(r["id"]) or f"{r['signal']}-{pd.Timestamp(r['date']).date()}",
            "date": pd.Timestamp(r["date"]),
            "what": f"{r['signal']} at {r['location'] or r['place'] or 'the depot'}",
            "unit": str(r["unit"]),
            "observed": y,
            "reported_low": float(r["low"]),
            "reported_high": float(r["high"]),
        }
        x = _signal_values(str(r["signal"]), r, runs) if bool(r["scored"]) else None
        if x is None or not bool(r["scored"]):
            rows.append({**base, **_unscored(str(r["reason"]) or "not simulated")})
            continue
        p5, mid, p95 = np.quantile(x, [0.05, 0.5, 0.95], method="inverted_cdf")
        rows.append(
            {
                **base,
                "model_median": float(mid),
                "model_p5": float(p5),
                "model_p95": float(p95),
                "inside_90": bool(p5 <= y <= p95),
                "share_in_range": float(r["share_inside"]),
                "interval_score": float(interval_score(p5, p95, y)),
                "brier": _brier(str(r["signal"]), x, y, float(r["share_inside"])),
                "scored": True,
                "reason": "",
            }
        )
    return pd.DataFrame(rows)


def _brier(signal: str, x: np.ndarray, y: float, share_inside: float) -> float:
    """The Brier score of an event or flag signal's replications ``x``; NaN for others.

    A flag: ``x`` is each replication's 0/1 on the day, ``p`` their mean, ``y`` the
    reported value. An onset: the event is "began within the reported window"; it was
    reported, so ``y`` = 1 and ``p`` is the share of replications whose onset lies in it.
    """
    spec = SIGNALS[signal]
    if spec.kind == "flag":
        return float(brier_score(float(np.mean(x)), y))
    if spec.kind == "onset":
        return float(brier_score(share_inside, 1.0))
    return math.nan


def _unscored(reason: str) -> dict[str, Any]:
    return {
        "model_median": math.nan,
        "model_p5": math.nan,
        "model_p95": math.nan,
        "inside_90": False,
        "share_in_range": math.nan,
        "interval_score": math.nan,
        "brier": math.nan,
        "scored": False,
        "reason": reason,
    }


def _incident_rows(
    incidents: pd.DataFrame,
    stats: IncidentStats,
    sims: np.ndarray,
    after: pd.DataFrame | None,
    threshold: int,
) -> pd.DataFrame:
    """One row per incident statistic of the held-back window."""
    table = incidents if after is None else after
    central = stats.vector(observed_attacks(table, threshold))
    # The reported range: the statistics of the table's low figures, and of its high ones.
    low_t, high_t = table.copy(), table.copy()
    if "destroyed_high" in table and "destroyed_low" in table:
        low_t["destroyed_high"] = table["destroyed_low"]
        high_t["destroyed_low"] = table["destroyed_high"].where(
            table["destroyed_high"].notna(), table["destroyed_low"]
        )
    lows = stats.vector(observed_attacks(low_t, threshold))
    highs = stats.vector(observed_attacks(high_t, threshold))
    rows = []
    for j, name in enumerate(stats.names):
        y = float(central[j])
        lo_r, hi_r = sorted((float(lows[j]), float(highs[j])))
        unit = "attacks" if name.startswith("attacks") else "tankers"
        base = {
            "kind": "incidents",
            "id": name,
            "date": pd.Timestamp(stats.start),
            "what": f"reported {name} ({stats.start} to {stats.end})",
            "unit": unit,
            "observed": y,
            "reported_low": lo_r,
            "reported_high": hi_r,
        }
        x = sims[:, j]
        x = x[~np.isnan(x)]
        if math.isnan(y) or x.size == 0:
            why = "no reported attack in the window" if math.isnan(y) else "no simulated attack"
            rows.append({**base, **_unscored(why)})
            continue
        p5, mid, p95 = np.quantile(x, [0.05, 0.5, 0.95])
        rows.append(
            {
                **base,
                "model_median": float(mid),
                "model_p5": float(p5),
                "model_p95": float(p95),
                "inside_90": bool(p5 <= y <= p95),
                "share_in_range": float(np.mean((sims[:, j] >= lo_r) & (sims[:, j] <= hi_r))),
                "interval_score": float(interval_score(p5, p95, y)),
                "brier": math.nan,
                "scored": True,
                "reason": "",
            }
        )
    return pd.DataFrame(rows)
