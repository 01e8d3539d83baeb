"""The numbers of a decision brief: each option's outcomes and paired differences.

Every option is run with the same root seed and the same number of replications, so
replication ``i`` of every option runs on the same seed (common random numbers): what
differs between the ``i``-th replications of two options is the options, not the luck.
A difference is therefore computed *per replication* (option minus the first option)
and summarised by its mean, with a 90 % interval from a **paired bootstrap of the mean
difference**: :data:`BOOTSTRAP_RESAMPLES` resamples of the replication indices, with
replacement, the same indices for both options; the interval runs from the 5th to the
95th percentile of the resampled means. It says how well the replications pin the mean
difference down (it shrinks as ``reps`` grows), not how much one replication's difference
varies; that spread (5th to 95th percentile of the paired differences themselves) is
given beside it, as ``spread_low`` and ``spread_high``.

The resamples are drawn from a generator of their own, seeded from the ensembles' root
seed, so the same brief gives the same intervals every time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..ensemble import EnsembleResult
from ..ensemble.result import date_quantiles
from ..model.binomial import wilson_interval
from ..sim.recorder import DAILY_FIELDS

__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "LEVEL",
    "OptionOutcome",
    "PairedDifference",
    "diverging_date",
    "option_outcome",
    "paired_difference",
    "paired_metric",
]

#: Bootstrap resamples behind every interval of a paired difference.
BOOTSTRAP_RESAMPLES = 2000
#: Coverage of the intervals.
LEVEL = 0.90
# Spawn key of the bootstrap's generator under the root seed: far from the replications'
# children (0 .. n-1), and it never feeds a simulation anyway.
_BOOTSTRAP_KEY = (0x626F6F74,)
# Most resampled indices held at once (int64: 8 bytes each), so a huge ensemble's
# bootstrap runs in chunks instead of one (resamples x n) array.
_CHUNK_CELLS = 4_000_000


@dataclass(frozen=True)
class PairedDifference:
    """Option minus the first option, replication by replication.

    ``estimate`` is the mean paired difference; ``low`` and ``high`` its 90 % bootstrap
    interval; ``spread_low`` and ``spread_high`` the 5th and 95th percentiles of the
    paired differences themselves; ``pairs`` the replications that entered (both values
    known; for a date, both options ran dry); ``identical`` whether every one of them
    differs by exactly 0. NaN when there are no pairs.
    """

    estimate: float
    low: float
    high: float
    spread_low: float
    spread_high: float
    pairs: int
    #: Every paired difference is exactly 0: the option changed nothing in this metric.
    identical: bool = False

    @property
    def clear(self) -> bool:
        """Whether the interval excludes 0 (the difference is not noise of the replications)."""
        return bool(self.pairs) and (self.low > 0 or self.high < 0)


@dataclass(frozen=True)
class OptionOutcome:
    """The bottom line of one option across its replications.

    ``p_stockout`` is the share of replications with a stock-out in the horizon, and
    ``p_stockout_low`` / ``p_stockout_high`` its 95 % Wilson interval;
    ``median_stockout`` the median first stock-out date over **all** replications, one
    that never ran dry counting as later than any date (None: "never", when more than
    half never ran dry; :func:`simfuel.ensemble.result.date_quantiles`, as everywhere);
    ``tankers_lost`` the median and ``tankers_lost_low`` / ``tankers_lost_high`` the 5th
    and 95th percentiles of tankers lost [tankers]; ``n`` the replications.
    """

    n: int
    p_stockout: float
    stockouts: int
    median_stockout: dt.date | None
    tankers_lost: float
    tankers_lost_low: float
    tankers_lost_high: float
    p_stockout_low: float = float("nan")
    p_stockout_high: float = float("nan")


def option_outcome(ensemble: EnsembleResult, destination: str | None = None) -> OptionOutcome:
    """The probability of a stock-out, its median date and tankers lost of one ensemble.

    ``destination``: the place with stock whose figures they are (default: the main
    destination), as :meth:`EnsembleResult.replications_at` gives them: its stock-outs,
    and the tankers lost on the corridors that end there.
    """
    reps = ensemble.replications_at(destination)
    dates = pd.to_datetime(reps["first_stockout"])
    happened = dates.notna()
    lost = reps["tankers_lost"].to_numpy(float)
    lo, med, hi = np.quantile(lost, [(1 - LEVEL) / 2, 0.5, (1 + LEVEL) / 2])
    # Over all replications, as summary_table, the CLI and the report take it.
    (median,) = date_quantiles(dates, ensemble.scenario.start, (0.5,))
    count = int(happened.sum())
    p_low, p_high = wilson_interval(count, len(reps))
    return OptionOutcome(
        n=len(reps),
        p_stockout=float(happened.mean()),
        stockouts=count,
        median_stockout=median,
        tankers_lost=float(med),
        tankers_lost_low=float(lo),
        tankers_lost_high=float(hi),
        p_stockout_low=float(p_low),
        p_stockout_high=float(p_high),
    )


def paired_difference(
    first: np.ndarray,
    other: np.ndarray,
    *,
    seed: int | np.random.SeedSequence = 0,
    resamples: int = BOOTSTRAP_RESAMPLES,
) -> PairedDifference:
    """Mean of ``other - first``, pair by pair, with its 90 % paired-bootstrap interval.

    Parameters
    ----------
    first, other : numpy.ndarray
        One value per replication, aligned (position ``i``: replication ``i`` of each
        option). Pairs where either is NaN are left out.
    seed : int or numpy.random.SeedSequence
        Seed of the bootstrap's own generator (the same seed resamples the same indices).
    resamples : int
        Bootstrap resamples (>= 1).

    Returns
    -------
    PairedDifference
    """
    a = np.asarray(first, dtype=float)
    b = np.asarray(other, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"paired values need the same 1-d shape (got {a.shape} and {b.shape})")
    d = (b - a)[~(np.isnan(a) | np.isnan(b))]
    n = d.size
    if n == 0:
        nan = float("nan")
        return PairedDifference(nan, nan, nan, nan, nan, 0)
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    step = max(1, _CHUNK_CELLS // n)
    for start in range(0, resamples, step):
        stop = min(resamples, start + step)
        idx = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = d[idx].mean(axis=1)
    tails = [(1 - LEVEL) / 2, (1 + LEVEL) / 2]
    low, high = np.quantile(means, tails)
    spread_low, spread_high = np.quantile(d, tails)
    return PairedDifference(
        float(d.mean()),
        float(low),
        float(high),
        float(spread_low),
        float(spread_high),
        n,
        identical=bool((d == 0).all()),
    )


def _values(ensemble: EnsembleResult, metric: str, destination: str | None = None) -> np.ndarray:
    """A summary metric per replication as floats: dates in days since 1970 (NaN: never)."""
    table = ensemble.replications_at(destination)
    if metric == "stockout_happened":
        return pd.to_datetime(table["first_stockout"]).notna().to_numpy(float)
    column = table[metric]
    if pd.api.types.is_datetime64_any_dtype(column):
        days = (column - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)
        return days.to_numpy(float)
    return column.to_numpy(float)


def paired_metric(
    first: EnsembleResult,
    other: EnsembleResult,
    metric: str,
    *,
    destination: str | None = None,
) -> PairedDifference:
    """The paired difference of a summary metric between two ensembles run on the same seeds.

    ``metric`` is a column of ``replications`` (dates give differences in days, over the
    replications where both happened) or ``"stockout_happened"`` (1 if a stock-out
    happened: the mean difference is the difference in the probability of a stock-out).
    ``destination``: the place with stock both are read at (default: the main
    destination; see :meth:`EnsembleResult.replications_at`). The bootstrap resamples
    the same replications whatever the place.

    Raises
    ------
    ValueError
        If the two ensembles were not run on the same seeds and replications.
    """
    if (
        first.seed_entropy != other.seed_entropy
        or tuple(first.spawn_key) != tuple(other.spawn_key)
        or not first.replications.index.equals(other.replications.index)
    ):
        raise ValueError(
            "paired differences need ensembles run with the same root seed and replications "
            f"(got seeds {first.seed_entropy} and {other.seed_entropy}, "
            f"{first.n} and {other.n} replications)"
        )
    seed = np.random.SeedSequence(first.seed_entropy, spawn_key=_BOOTSTRAP_KEY)
    return paired_difference(
        _values(first, metric, destination), _values(other, metric, destination), seed=seed
    )


def diverging_date(
    ensembles: Mapping[str, EnsembleResult], label: str, *, destination: str | None = None
) -> pd.Timestamp | None:
    """The first date on which option ``label`` differs from the first option.

    Compares every daily field of every replication, day by day, at ``destination`` (a
    place with stock; default: the main destination). Returns None if the two are the
    same on every day.

    Raises
    ------
    ValueError
        If the two options' horizons differ (they cannot be compared day by day).
    """
    first = next(iter(ensembles.values()))
    other = ensembles[label]
    if not first.dates.equals(other.dates):
        raise ValueError(f"option {label!r} has another horizon than the first option")
    differs = np.zeros(len(first.dates), dtype=bool)
    for field in DAILY_FIELDS:
        a, b = first.daily(field, destination), other.daily(field, destination)
        same = (a == b) | (np.isnan(a) & np.isnan(b)) if a.dtype.kind == "f" else a == b
        differs |= ~same.all(axis=0)
    hits = np.flatnonzero(differs)
    return pd.Timestamp(first.dates[hits[0]]) if hits.size else None
