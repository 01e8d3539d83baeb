"""Escort-fleet sizing: the fewest units of a force that keep a destination supplied.

``size_fleet`` runs the same replications (common random numbers) at every candidate
number of units of one escort force and asks, for each replication, whether the
destination's days of cover (the main destination's unless ``destination=`` names
another place with stock) stayed at or above ``min_cover_days`` on at least
``day_share`` of the days of a window (by default from the first day the force escorts
to the end). The share of replications that meet this criterion, with a Wilson score
interval, gives the curve *units -> probability*; the answer is the smallest candidate
whose estimated probability reaches the target.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..ensemble.destinations import resolve_destination
from ..ensemble.seeds import bootstrap_seed, root_seed
from ..model.binomial import wilson_interval
from ..run import SeedLike
from ..scenario import Problem, Scenario, ScenarioError, load_scenario
from ..scenario.schema import EscortPolicyEvent
from .evaluate import evaluate_points

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["FleetSizing", "first_escort_date", "size_fleet", "wilson_interval"]

DateLike = dt.date | str


@dataclass(frozen=True)
class FleetSizing:
    """What :func:`size_fleet` returns.

    Attributes
    ----------
    force : str
        The escort force sized.
    curve : pandas.DataFrame
        One row per candidate: ``units``, ``probability`` (share of replications meeting
        the criterion), ``low`` and ``high`` (Wilson score interval at ``confidence``),
        ``successes``, ``reps``.
    answer : int or None
        The smallest candidate whose probability is >= the target (None: no candidate).
    answer_range : (int or None, int or None)
        The answer's uncertainty from the intervals: the smallest candidate whose upper
        bound reaches the target (fewer units are, at this confidence, not enough) and the
        smallest whose lower bound reaches it (this many are enough at this confidence).
        None where no candidate qualifies (e.g. too few replications to be confident).
    answer_distribution : pandas.Series
        Bootstrap over replications (the same resample at every candidate): the share of
        resamples giving each answer (index: units, with -1 for "no candidate").
    min_cover_days, day_share, probability : float
        The criterion: cover >= ``min_cover_days`` on >= ``day_share`` of the window's
        days, in >= ``probability`` of replications.
    after, until : datetime.date
        The window (both included).
    confidence : float
        Coverage of the intervals.
    reps : int
        Replications per candidate.
    day_shares : numpy.ndarray, shape (candidates, reps)
        Share of the window's days with enough cover, per candidate and replication.
    seed_entropy : int
        Entropy of the root SeedSequence.
    spawn_key : tuple of int
        Spawn key of the root SeedSequence.
    destination : str or None
        The place with stock whose cover was judged (None: the main destination).
    """

    force: str
    curve: pd.DataFrame
    answer: int | None
    answer_range: tuple[int | None, int | None]
    answer_distribution: pd.Series
    min_cover_days: float
    day_share: float
    probability: float
    after: dt.date
    until: dt.date
    confidence: float
    reps: int
    day_shares: np.ndarray
    seed_entropy: int
    spawn_key: tuple[int, ...] = ()
    destination: str | None = None

    def describe(self) -> str:
        """One sentence: the criterion and the answer with its uncertainty."""
        where = "" if self.destination is None else f" at {self.destination}"
        crit = (
            f"days of cover{where} >= {self.min_cover_days:g} on >= {self.day_share:.0%} of days "
            f"{self.after:%Y-%m-%d}..{self.until:%Y-%m-%d} in >= {self.probability:.0%} of "
            f"replications ({self.reps} per candidate)"
        )
        lo, hi = self.answer_range
        if self.answer is None:
            head = f"no candidate number of {self.force} units meets the target"
        else:
            head = f"{self.answer} unit{'s' if self.answer != 1 else ''} of {self.force}"
        conf = f"{self.confidence:.0%}"
        if lo is None:
            rng = f"no candidate's {conf} interval reaches the target"
        elif hi is None:
            rng = (
                f"at least {lo} plausibly needed, but no candidate is shown sufficient at "
                f"{conf} confidence (more replications, or more units, needed)"
            )
        else:
            rng = f"{conf} range {lo} to {hi}"
        return f"{head}; {rng}. Criterion: {crit}."

    def plot(self, ax: Axes | None = None) -> Axes:
        """The curve units -> probability with its intervals, the target and the answer.

        Drawn by :func:`simfuel.plot.fleet_curve` (imported here, on use: the analysis
        floor does not load matplotlib).
        """
        from ..plot.fleet import fleet_curve

        return fleet_curve(self, ax=ax)


def _as_date(value: DateLike, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name} must be a date YYYY-MM-DD (got {value!r})") from None


def first_escort_date(scenario: Scenario, force: str) -> dt.date | None:
    """The first day a convoy-formation policy lists ``force`` (None: never)."""
    if any(force in c.escort_policy.forces for c in scenario.corridors.values()):
        return scenario.start
    dates = [
        ev.date
        for ev in scenario.events
        if isinstance(ev, EscortPolicyEvent) and force in ev.forces
    ]
    return min(dates) if dates else None


def _candidates(units: Iterable[int]) -> list[int]:
    out = []
    for u in units:
        if isinstance(u, bool) or not isinstance(u, int | np.integer) or u < 0:
            raise ValueError(f"units must be whole numbers >= 0 (got {u!r})")
        out.append(int(u))
    if not out:
        raise ValueError("units needs at least one candidate")
    return sorted(set(out))


def _smallest(units: list[int], ok: np.ndarray) -> int | None:
    hits = np.flatnonzero(ok)
    return units[int(hits[0])] if hits.size else None


def size_fleet(
    scenario: Scenario | str | os.PathLike[str] | Mapping[str, Any],
    force: str,
    *,
    units: Iterable[int] = range(0, 11),
    min_cover_days: float = 3.0,
    day_share: float = 0.9,
    probability: float = 0.9,
    after: DateLike | None = None,
    until: DateLike | None = None,
    reps: int = 100,
    seed: SeedLike,
    confidence: float = 0.95,
    n_boot: int = 1000,
    executor: Any = None,
    workers: int | None = None,
    batch_size: int | None = None,
    progress: bool = True,
    destination: str | None = None,
) -> FleetSizing:
    """The smallest number of units of an escort force that keeps a destination supplied.

    The criterion, per replication: the destination's days of cover are >=
    ``min_cover_days`` on at least ``day_share`` of the days from ``after`` to ``until``
    (both included). The target: the criterion holds in at least ``probability`` of the
    replications.

    Parameters
    ----------
    scenario : Scenario, path or mapping
        The base scenario.
    force : str
        Key of the escort force (``escorts.<force>.units`` is varied).
    units : iterable of int
        Candidate numbers of units (sorted; duplicates dropped).
    min_cover_days : float
        Cover threshold [days].
    day_share : float
        Share of the window's days that must meet it, in (0, 1].
    probability : float
        Target share of replications, in (0, 1].
    after : date or "YYYY-MM-DD", optional
        First day of the window. Default: the first day a convoy policy lists the force
        (e.g. 2025-11-06 for ``africa_corps`` in mali-2025), else the scenario's start.
    until : date or "YYYY-MM-DD", optional
        Last day of the window (default: the scenario's end).
    reps : int
        Replications per candidate; replication ``r`` uses the same seed at every
        candidate (common random numbers), so differences come from the units.
    seed : int or SeedSequence
        Root seed (the replications and the bootstrap).
    confidence : float
        Coverage of the Wilson intervals.
    n_boot : int
        Bootstrap resamples of the replications for ``answer_distribution`` (0: skip).
    executor, workers, batch_size, progress
        As for :func:`simfuel.run_ensemble`.
    destination : str, optional
        The place with stock whose days of cover are judged (default: the main
        destination, the depot).

    Returns
    -------
    FleetSizing
        ``.curve``, ``.answer``, ``.answer_range``, ``.answer_distribution``,
        ``.describe()``, ``.plot()``.

    Raises
    ------
    ScenarioError
        ``force`` is not an escort force of the scenario, or a candidate is invalid.
    UnknownDestination
        ``destination`` is not a place with stock of the scenario.
    ValueError
        Bad criterion, window or candidates.
    EnsembleError
        A replication raised; the message names each failed candidate (``point`` is its
        position in the sorted ``units``), replication and seed.
    """
    base = load_scenario(scenario)
    if force not in base.escorts:
        known = ", ".join(base.escorts) or "none"
        raise ScenarioError(
            f"<scenario {base.name}>",
            [Problem(f"escorts.{force}", f"no such escort force (known: {known})")],
        )
    place = resolve_destination(base, destination)
    cands = _candidates(units)
    for name, value in (("day_share", day_share), ("probability", probability)):
        if not 0 < value <= 1:
            raise ValueError(f"{name} must be in (0, 1] (got {value})")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1) (got {confidence})")
    if reps < 1:
        raise ValueError(f"reps must be >= 1 (got {reps})")

    if after is None:
        first = first_escort_date(base, force)
        if first is None:
            warnings.warn(
                f"no escort policy lists {force!r}: its units change nothing",
                UserWarning,
                stacklevel=2,
            )
        start = first or base.start
    else:
        start = _as_date(after, "after")
    stop = base.end if until is None else _as_date(until, "until")
    if not base.start <= start <= stop <= base.end:
        raise ValueError(
            f"the window {start}..{stop} must lie within the horizon {base.start}..{base.end} "
            "with after <= until"
        )
    lo_day, hi_day = (start - base.start).days, (stop - base.start).days

    root = root_seed(seed, pinned=True)
    assert isinstance(root.entropy, int)
    points = [{f"escorts.{force}.units": u} for u in cands]
    results = evaluate_points(
        base, points, reps=reps, seed=root, fields=("days_of_cover",),
        executor=executor, workers=workers, batch_size=batch_size, progress=progress,
        desc=f"{force} units", places=() if place is None else (place,),
    )  # fmt: skip
    # A candidate with a failed replication has no success share: an error, named.
    results.raise_failures(f"{force} units run")
    daily = results.daily if place is None else results.place_daily[place]
    daily_cover = daily["days_of_cover"]
    cover = daily_cover[:, :, lo_day : hi_day + 1]
    shares = (cover >= min_cover_days).mean(axis=2)  # (candidates, reps)
    met = shares >= day_share - 1e-12
    successes = met.sum(axis=1)
    p = successes / reps
    low, high = wilson_interval(successes, reps, confidence)
    curve = pd.DataFrame(
        {
            "units": cands,
            "probability": p,
            "low": low,
            "high": high,
            "successes": successes.astype(int),
            "reps": reps,
        }
    )
    target = probability - 1e-12
    answer = _smallest(cands, p >= target)
    answer_range = (_smallest(cands, high >= target), _smallest(cands, low >= target))

    best_low = float(wilson_interval(reps, reps, confidence)[0])
    if best_low < probability:
        need = (
            math.ceil(
                NormalDist().inv_cdf(0.5 + confidence / 2) ** 2 * probability / (1 - probability)
            )
            if probability < 1
            else None
        )
        warnings.warn(
            f"{reps} replications cannot show a probability >= {probability:g} at "
            f"{confidence:.0%} confidence (best lower bound {best_low:.3f})"
            + (f"; use at least {need}" if need else ""),
            UserWarning,
            stacklevel=2,
        )

    counts: dict[int, int] = {}
    if n_boot > 0:
        rng = np.random.default_rng(bootstrap_seed(root))
        for _ in range(n_boot):
            idx = rng.integers(0, reps, size=reps)
            ans = _smallest(cands, met[:, idx].mean(axis=1) >= target)
            key = -1 if ans is None else ans
            counts[key] = counts.get(key, 0) + 1
    dist = pd.Series({k: v / n_boot for k, v in sorted(counts.items())}, name="share", dtype=float)
    dist.index.name = "units"

    return FleetSizing(
        force=force,
        curve=curve,
        answer=answer,
        answer_range=answer_range,
        answer_distribution=dist,
        min_cover_days=float(min_cover_days),
        day_share=float(day_share),
        probability=float(probability),
        after=start,
        until=stop,
        confidence=confidence,
        reps=reps,
        day_shares=shares,
        seed_entropy=int(root.entropy),
        spawn_key=tuple(root.spawn_key),
        destination=place,
    )
