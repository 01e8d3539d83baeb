"""Calibration of threat parameters to reported incidents by approximate Bayesian computation.

Rejection ABC on summary statistics of the incident table: draw parameters from a uniform
prior, simulate, keep the draws whose simulated statistics are closest to the reported
ones. Why not a library sampler: pyabc (the natural choice) pulls in a database, redis,
scikit-learn and a web stack, and draws from NumPy's global random state, which breaks
simfuel's one-seed reproducibility; rejection ABC on a handful of parameters is short,
exact about its assumptions, and runs on simfuel's own executors (process pool or Dask).

The statistics (see :class:`IncidentStats`):

* per month of the window: reported tankers lost, and the number of reported attacks;
* per corridor: reported tankers lost over the window;
* the mean loss of a reported attack over the window (it separates "many small attacks"
  from "few large ones", which the totals alone confound); *missing* (NaN) when the window
  holds no reported attack, since 0 would read as "many small attacks".

One rule says what is *reported*, for the table and the model alike (:func:`reportable`):
an attack losing at least ``report_threshold`` tankers, because small attacks rarely make
the news. Reported incidents with an unknown count count as attacks of
``report_threshold`` tankers (the least a reported attack lost); rows below the threshold
(incident-free convoys, "up to 3") contribute nothing.

The distance (:func:`abc_distance`) compares the statistics after a square root, each
scaled by its spread across the prior draws; a statistic missing on one side only counts
as the largest discrepancy any draw shows for it, missing on both sides as none.

Two methods (``method=``): ``"rejection"`` (the default, as before: one batch of prior
draws, the closest ``accept`` share kept) and ``"smc"``, sequential Monte Carlo ABC
(:mod:`simfuel.analysis.smc`): ``generations`` rounds of ``draws`` simulations each, every
round proposing from the last one's population under a tolerance that never grows, so
that ten parameters fit in a few thousand runs instead of the millions plain rejection
would need. Its generation 0 is exactly the rejection method's prior draws (same seeds).

Dated signals (``signals=``, a :func:`simfuel.signals` table) add to the distance: each
signal dated in the window that :func:`~simfuel.observations.score_signals` scores gives a
gap (:func:`~simfuel.observations.signal_gaps`: a flag's share of replications wrong; a
number's or an onset's distance from the reported range), scaled by its spread across the
prior draws as the incident statistics are. So supply, rationing and escort parameters,
which decide *when* stocks run low rather than how many tankers burn, are fitted too. A
signal at a place with a stock of its own (a destination, e.g. mali-2025's Mopti) is
scored at that stock: the fit's runs keep the daily figures of the places the signals
name, and of no other (:attr:`Calibration.places`). A signal that no prior draw reaches
(not one replication of generation 0 inside its reported range) is left out of the
distance with a warning naming it (:attr:`Calibration.unreachable_signals`): it cannot
tell draws apart on what it says, only on how far each falls short, which drags the fit
towards whatever edge of the prior comes least short.

Scripted attacks: by default they are dropped from the scenario while fitting
(``scripted="drop"``), so the hazard has to explain every reported loss, and the
calibrated scenario drops them too; that way no reported attack is counted twice.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..ensemble.points import EnsembleError
from ..ensemble.result import EnsembleResult
from ..ensemble.seeds import point_seed, prior_seed, root_seed
from ..ensemble.worker import ReplicationFailure
from ..observations import SIGNALS, parse_flags, score_signals, signal_gaps
from ..results import SUMMARY_METRICS
from ..run import SeedLike
from ..scenario import Scenario, apply_overrides, dump_yaml, load_scenario
from ..scenario.paths import get_path, set_path
from ..scenario.schema import ScriptedAttackEvent, stock_places
from ..seeds import Role, role_seed
from ..sim import Recorder
from ..sim.recorder import DAILY_FIELDS
from .evaluate import PointResults, evaluate_points
from .smc import smc_abc, systematic_resample

__all__ = [
    "METHODS",
    "Calibration",
    "IncidentStats",
    "abc_distance",
    "calibrate",
    "reportable",
    "signal_places",
]

#: The calibration methods: plain rejection (the default) and sequential Monte Carlo ABC.
METHODS = ("rejection", "smc")


def reportable(lost_tankers: Any, report_threshold: float) -> Any:
    """Whether attacks would be reported: they lost at least ``report_threshold`` tankers.

    The one rule for the incident table and the model alike.

    Parameters
    ----------
    lost_tankers : float or array-like
        Tankers lost (destroyed and captured) in each attack [tankers].
    report_threshold : float
        Smallest loss that is reported [tankers].

    Returns
    -------
    bool or numpy.ndarray of bool
    """
    return np.asarray(lost_tankers, dtype=float) >= report_threshold


@dataclass(frozen=True)
class IncidentStats:
    """Summary statistics of attacks, for the table and for a simulated run alike.

    Parameters
    ----------
    start : datetime.date
        First day of the window.
    end : datetime.date
        Last day of the window (included).
    corridors : tuple of str
        Corridor keys, in order.
    report_threshold : int
        Smallest loss [tankers] of an attack that would be reported.
    """

    start: dt.date
    end: dt.date
    corridors: tuple[str, ...]
    report_threshold: int

    @property
    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month touching the window."""
        out, d = [], dt.date(self.start.year, self.start.month, 1)
        while d <= self.end:
            out.append((d.year, d.month))
            d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        return out

    @property
    def names(self) -> list[str]:
        """Names of the statistics, in vector order."""
        months = [f"{y}-{m:02d}" for y, m in self.months]
        return (
            [f"lost {m}" for m in months]
            + [f"attacks {m}" for m in months]
            + [f"lost {c}" for c in self.corridors]
            + ["mean loss per attack"]
        )

    #: The event kinds a simulated run's statistics read (the run keeps only those).
    event_kinds: ClassVar[frozenset[str]] = frozenset({"attacked"})

    def vector(self, attacks: pd.DataFrame) -> np.ndarray:
        """Statistics of attacks given as rows of ``date``, ``corridor``, ``lost``, ``counts``.

        ``counts`` (bool) says whether a row is one attack (False for aggregate rows that
        only add losses).
        """
        columns = (attacks[k] for k in ("date", "corridor", "lost", "counts"))
        return self._vector(zip(*columns, strict=True))

    def _vector(self, rows: Iterable[tuple[dt.date, str, float, bool]]) -> np.ndarray:
        """:meth:`vector` of ``(date, corridor, lost, counts)`` rows (those outside the
        window left out)."""
        months = self.months
        lost_m = np.zeros(len(months))
        count_m = np.zeros(len(months))
        lost_c = np.zeros(len(self.corridors))
        index = {m: i for i, m in enumerate(months)}
        cindex = {c: i for i, c in enumerate(self.corridors)}
        for d, corridor, lost, counts in rows:
            if not self.start <= d <= self.end:
                continue
            i = index[(d.year, d.month)]
            lost_m[i] += lost
            count_m[i] += bool(counts)
            if corridor in cindex:
                lost_c[cindex[corridor]] += lost
        attacks_n = count_m.sum()
        # No reported attack: the mean loss is missing, not 0 ("many small attacks").
        mean_loss = lost_m.sum() / attacks_n if attacks_n else math.nan
        return np.concatenate([lost_m, count_m, lost_c, [mean_loss]])

    def __call__(self, rec: Recorder, scenario: Scenario) -> np.ndarray:
        """The statistics of one simulated run (its reportable attacks); no DataFrame."""
        start = dt.datetime.combine(scenario.start, dt.time())
        return self._vector(
            ((start + dt.timedelta(hours=e.t_h)).date(), e.corridor, float(e.tankers), True)
            for e in rec.events
            if e.kind == "attacked" and reportable(e.tankers, self.report_threshold)
        )


def observed_attacks(incidents: pd.DataFrame, report_threshold: int) -> pd.DataFrame:
    """The incident table as rows of ``date``, ``corridor``, ``lost``, ``counts``.

    Lost = central reported figure (mean of low and high; low alone when high is missing)
    of destroyed plus captured; unknown counts are taken as ``report_threshold``. Rows
    that are not :func:`reportable` (incident-free convoys, losses below the threshold)
    are left out, as the model's small attacks are; rows flagged ``aggregate`` add losses
    but not attacks.
    """
    frame = incidents.copy()

    def column(name: str) -> pd.Series:
        if name not in frame:
            return pd.Series(np.nan, index=frame.index)
        return pd.Series(pd.to_numeric(frame[name], errors="coerce"), index=frame.index)

    low, high = column("destroyed_low"), column("destroyed_high")
    central = (low + high.fillna(low)) / 2
    captured = column("captured").fillna(0.0)
    lost = (central + captured).fillna(float(report_threshold))
    # Read strictly: astype(bool) would take the text "false" for true.
    aggregate = pd.Series(
        parse_flags(frame["aggregate"].tolist(), "aggregate", frame.attrs.get("source", "<table>"))
        if "aggregate" in frame
        else False,
        index=frame.index,
    )
    out = pd.DataFrame(
        {
            "date": pd.to_datetime(frame["date"]).dt.date,
            "corridor": frame.get("corridor", pd.Series("", index=frame.index)).fillna(""),
            "lost": lost,
            "counts": ~aggregate,
        }
    )
    return out[reportable(out["lost"], report_threshold)].reset_index(drop=True)


@dataclass
class Calibration:
    """The result of :func:`calibrate`.

    Attributes
    ----------
    base : Scenario
        The scenario that was fitted (scripted attacks dropped unless ``scripted="keep"``).
    params : dict
        Prior ranges by dotted path.
    samples : pandas.DataFrame
        Every prior draw: parameter columns and ``distance`` (NaN for a failed draw).
    posterior : pandas.DataFrame
        The accepted draws (the posterior sample), closest first.
    observed : pandas.Series
        Observed statistics, by name.
    simulated : pandas.DataFrame
        Simulated statistics of the accepted draws.
    source_path : Path or None
        The scenario file, if it came from one (for :meth:`to_yaml`).
    failures : list of ReplicationFailure
        The replications that raised (``point`` is the draw); their draws were dropped
        (:attr:`failed_draws`) and the accepted share is taken of the draws that ran.
        With ``method="smc"``, ``point`` counts the draws of all generations in order.
    method : str
        ``"rejection"`` or ``"smc"``. With ``"smc"``, ``samples`` holds every generation's
        proposals (``generation`` and ``weight`` columns: the importance weight of the last
        population's members, NaN for the others) and ``posterior`` is the last
        population resampled by weight (rows in random order, equally weighted; ``draw``
        is the row of ``samples``).
    generations : pandas.DataFrame
        One row per generation: ``tolerance``, ``proposals``, ``accepted``, ``ess``
        (effective sample size); one row for rejection.
    sources : dict of str to str
        SHA-256 of the files fitted to, by role (``incidents``, ``signals``), where known.
    signals : pandas.DataFrame or None
        The signals table fitted to (those dated in the window), if one was given.
    places : tuple of str
        The places with stock other than the depot whose daily figures the fit's runs
        kept, to score the signals at them: those the signals name, in the scenario's
        order (empty: the depot's only).
    unreachable_signals : tuple of str
        The ids of the signals that no prior draw (generation 0) reached: not one
        replication inside the reported range. They are left out of the distance (each
        with a ``UserWarning`` naming it), since steering towards what the model cannot
        produce only drags the fit to the prior's edge; :meth:`summary` lists them in
        ``attrs["unreachable_signals"]``. E.g. mali-2025's "stocks last about two weeks"
        (10-18 days of cover) against a depot that holds at most 6.4 days.
    """

    base: Scenario
    params: dict[str, tuple[float, float]]
    samples: pd.DataFrame
    posterior: pd.DataFrame
    observed: pd.Series
    simulated: pd.DataFrame
    dropped_events: list[str] = field(default_factory=list)
    source_path: Path | None = None
    failures: list[ReplicationFailure] = field(default_factory=list)
    method: str = "rejection"
    generations: pd.DataFrame = field(default_factory=pd.DataFrame)
    sources: dict[str, str] = field(default_factory=dict)
    signals: pd.DataFrame | None = None
    places: tuple[str, ...] = ()
    unreachable_signals: tuple[str, ...] = ()

    @property
    def failed_draws(self) -> list[int]:
        """Prior draws dropped because a replication raised (their ``distance`` is NaN)."""
        return sorted({int(f.point or 0) for f in self.failures})

    def summary(self, q: tuple[float, float] = (0.05, 0.95)) -> pd.DataFrame:
        """Median and interval of every parameter's posterior, and how well the data pin it.

        Returns
        -------
        pandas.DataFrame
            One row per parameter: ``prior_low``, ``prior_high``, ``median``, ``low``,
            ``high`` (the ``q`` quantiles), then identifiability:

            * ``width_ratio``: the posterior's ``q`` interval over the prior's (uniform:
              ``(q[1] - q[0]) * (high - low)``); near 1, the data say nothing about the
              parameter; near 0, they pin it down;
            * ``trades_off_with``, ``rank_corr``: the other parameter whose posterior
              Spearman rank correlation with this one is strongest, and that correlation
              (a strong one: the data fix a combination of the two, not each; blank and
              NaN with a single parameter).

            ``attrs["sources"]`` holds the SHA-256 of the files fitted to, and
            ``attrs["unreachable_signals"]`` the ids of the signals no prior draw reached,
            left out of the fit (:attr:`unreachable_signals`): the data the parameters
            were *not* fitted to.
        """
        corr = self.correlations()
        rows = {}
        for p, (lo, hi) in self.params.items():
            v = self.posterior[p].to_numpy(float)
            low, high = float(np.quantile(v, q[0])), float(np.quantile(v, q[1]))
            others = corr[p].drop(p).dropna() if p in corr else pd.Series(dtype=float)
            partner = str(others.abs().idxmax()) if len(others) else ""
            rows[p] = {
                "prior_low": lo,
                "prior_high": hi,
                "median": float(np.median(v)),
                "low": low,
                "high": high,
                "width_ratio": (high - low) / ((q[1] - q[0]) * (hi - lo)),
                "trades_off_with": partner,
                "rank_corr": float(others[partner]) if partner else math.nan,
            }
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.attrs["sources"] = dict(self.sources)
        out.attrs["unreachable_signals"] = tuple(self.unreachable_signals)
        return out

    def correlations(self) -> pd.DataFrame:
        """Spearman rank correlations of the parameters across the posterior sample.

        A parameter that does not vary in the posterior (one distinct value) has NaN.
        """
        return self.posterior[list(self.params)].astype(float).corr(method="spearman")

    def point(self) -> dict[str, Any]:
        """The posterior median of each parameter (rounded where the field is an integer).

        Medians taken one parameter at a time: when parameters trade off (a curved ridge
        in :meth:`plot_diagnostics`' pair panel) this point need not be one the data
        favour; use :meth:`posterior_scenarios` or :meth:`posterior_ensemble` to carry the
        whole posterior.
        """
        return {p: _cast(self.base, p, float(self.posterior[p].median())) for p in self.params}

    def scenario(self) -> Scenario:
        """The scenario at the posterior median."""
        return apply_overrides(self.base, self.point())

    def posterior_scenarios(self, k: int | None = None) -> list[Scenario]:
        """Scenarios for the first ``k`` posterior draws (all if None), closest first."""
        rows = self.posterior.head(k) if k is not None else self.posterior
        return [
            apply_overrides(self.base, {p: _cast(self.base, p, float(r[p])) for p in self.params})
            for _, r in rows.iterrows()
        ]

    def posterior_draws(self, draws: int | None = None, *, seed: SeedLike) -> pd.DataFrame:
        """Exactly ``draws`` rows of :attr:`posterior` (all of them if None), in order.

        Up to the posterior's size, its first ``draws`` rows (as before). Asked for more
        (an SMC population can keep fewer than ``accept * draws``: ties and a tolerance
        that may not grow), every row once and then the rest drawn uniformly **with
        replacement** (the rows are equally weighted: a rejection posterior's accepted
        draws, or an SMC population already resampled by weight), from the child
        ``(PRIOR, 0, 4, 0)`` of ``seed``; a ``UserWarning`` says so, since repeated draws
        carry no new parameter information (their replications still run on seeds of
        their own). Choosing this over running fewer silently: a caller that asked for
        30 draws gets 30, and the result's size is what was asked.

        Raises
        ------
        ValueError
            If ``draws`` is below 1.
        """
        n = len(self.posterior)
        if draws is None or draws == n:
            return self.posterior
        if draws < 1:
            raise ValueError(f"draws must be >= 1 (got {draws})")
        if draws < n:
            return self.posterior.head(draws)
        rng = np.random.default_rng(role_seed(root_seed(seed), Role.PRIOR, 4, 0))
        extra = rng.integers(0, n, size=draws - n)
        warnings.warn(
            f"posterior: {draws} draws asked, the posterior holds {n}; the other "
            f"{draws - n} drawn again from it with replacement (repeated parameter values)",
            UserWarning,
            stacklevel=3,
        )
        return self.posterior.iloc[np.concatenate([np.arange(n), extra])].reset_index(drop=True)

    def posterior_ensemble(
        self,
        reps_per_draw: int = 1,
        *,
        seed: SeedLike,
        draws: int | None = None,
        executor: Any = None,
        workers: int | None = None,
        progress: bool = True,
        places: Sequence[str] = (),
    ) -> EnsembleResult:
        """Second-order Monte Carlo: replications across posterior draws.

        Runs ``reps_per_draw`` replications of each of ``draws`` posterior draws, so the
        spread of the result carries parameter uncertainty as well as chance. Returns an
        :class:`EnsembleResult` (scenario: the posterior median) whose ``replications``
        table has a ``posterior_draw`` column; replication ``i`` is draw ``i //
        reps_per_draw``, and ``result.replication_inputs(i)`` gives that draw's scenario
        and the seed it ran on, to re-run it exactly.

        ``draws``: how many posterior draws to run (default: all of :attr:`posterior`),
        exactly that many: more than the posterior holds (an SMC population can keep fewer
        than ``accept * draws``) are made up by drawing again, with replacement, as
        :meth:`posterior_draws` says (with a ``UserWarning``).

        ``places``: other places with stock whose figures the result holds too, e.g.
        :attr:`places` (the towns the fitted signals name), so that
        :func:`~simfuel.score_signals` reads a town's signal at its own stock; default
        none, the main destination's only (other places raise when asked for).

        Raises :class:`~simfuel.ensemble.EnsembleError` (naming the draw and seed of each)
        if any replication raised, as :func:`simfuel.run_ensemble` does.
        """
        rows = self.posterior_draws(draws, seed=seed)
        points = [
            {p: _cast(self.base, p, float(r[p])) for p in self.params} for _, r in rows.iterrows()
        ]
        where = {"executor": executor, "workers": workers, "progress": progress}
        res = _run_draws(
            self.base, points, reps_per_draw, seed, "posterior", where, DAILY_FIELDS,
            places=tuple(places),
        )  # fmt: skip
        res.raise_failures("posterior replication")
        n_points, reps = res.summary.shape[:2]
        summary = pd.DataFrame(
            res.summary.reshape(n_points * reps, -1), columns=list(SUMMARY_METRICS)
        )
        summary.insert(0, "posterior_draw", np.repeat(np.arange(n_points), reps))
        daily = {f: res.daily[f].reshape(n_points * reps, -1) for f in DAILY_FIELDS}
        place_daily = {
            key: {f: np.ascontiguousarray(a.reshape(n_points * reps, -1)) for f, a in d.items()}
            for key, d in res.place_daily.items()
        }
        place_summaries = {
            key: pd.DataFrame(a.reshape(n_points * reps, -1), columns=list(SUMMARY_METRICS))
            for key, a in res.place_summary.items()
        }
        root = root_seed(seed)
        assert isinstance(root.entropy, int)
        # Each replication ran its own draw on its own seed: record both, so a report can
        # re-run replication i (not the median scenario on replication_seed(root, i)).
        scenarios = [apply_overrides(self.base, pt) for pt in points]
        inputs = [(p, r) for p in range(n_points) for r in range(reps)]
        return EnsembleResult(
            self.scenario(),
            root.entropy,
            tuple(root.spawn_key),
            summary,
            daily=daily,
            replication_scenarios=[scenarios[p] for p, _ in inputs],
            replication_spawn_keys=[
                tuple(point_seed(root, p, r, _DRAW_CRN).spawn_key) for p, r in inputs
            ],
            place_summaries=place_summaries,
            place_daily=place_daily,
        )

    def to_yaml(self, path: str | os.PathLike[str]) -> Path:
        """Write the calibrated scenario as YAML that ``extends`` the original file.

        Only mapping paths can be written this way (not list items).
        """
        if self.source_path is None:
            raise ValueError("to_yaml needs a scenario loaded from a file (source_path)")
        target = Path(path)
        rel = os.path.relpath(self.source_path.resolve(), target.resolve().parent)
        doc: dict[str, Any] = {"extends": rel, "name": f"{self.base.name}-calibrated"}
        for p, value in self.point().items():
            set_path(doc, p, value)
        if self.dropped_events:
            doc["events"] = [{"id": i, "remove": True} for i in self.dropped_events]
        what = "accepted ABC draws" if self.method == "rejection" else "SMC-ABC posterior draws"
        header = (
            f"# Calibrated by simfuel.calibrate: posterior medians of {len(self.posterior)} "
            f"{what}.\n"
            + "".join(
                f"# {p}: median {r['median']:.4g}, 90% interval [{r['low']:.4g}, {r['high']:.4g}]\n"
                for p, r in self.summary().iterrows()
            )
            + "".join(f"# {role} sha256: {sha}\n" for role, sha in self.sources.items())
        )
        dump_yaml(doc, target, header=header)
        return target

    def plot_diagnostics(self) -> Any:
        """A figure: prior vs posterior marginals, pairs, observed vs simulated statistics.

        See :func:`simfuel.plot.calibration.calibration_diagnostics`.
        """
        # Imported here: the analysis floor must not import plot/ (nor matplotlib) on import.
        from ..plot.calibration import calibration_diagnostics

        if "generation" in self.samples:
            # SMC: the figure's "prior draws" are generation 0's, not every proposal.
            prior = self.samples[self.samples["generation"] == 0]
            return calibration_diagnostics(replace(self, samples=prior))
        return calibration_diagnostics(self)


#: Every draw its own noise (no common random numbers): ABC compares each draw with the
#: table, not draws with each other. The posterior ensemble records its seeds by this too.
_DRAW_CRN = False


def _run_draws(
    base: Scenario,
    points: list[dict[str, Any]],
    reps: int,
    seed: SeedLike,
    desc: str,
    where: Mapping[str, Any],
    fields: tuple[str, ...] = (),
    stat: IncidentStats | None = None,
    places: tuple[str, ...] = (),
) -> PointResults:
    """``reps`` replications of every draw; ``where``: executor, workers, progress.

    ``places``: the places with stock (not the depot) whose ``fields`` to keep too.
    """
    return evaluate_points(
        base, points, reps=reps, seed=seed, fields=fields, stat=stat, desc=desc,
        common_random_numbers=_DRAW_CRN, places=places, **where,
    )  # fmt: skip


def _mean_of_present(stats: np.ndarray) -> np.ndarray:
    """Mean over replications (axis 1) of the values present; NaN where none is."""
    present = ~np.isnan(stats)
    n = present.sum(axis=1)
    total = np.where(present, stats, 0.0).sum(axis=1)
    return np.divide(total, n, out=np.full(total.shape, np.nan), where=n > 0)


def abc_distance(
    simulated: np.ndarray, observed: np.ndarray, scale: np.ndarray | None = None
) -> np.ndarray:
    """Distance of every draw's statistics from the observed ones.

    Statistics are compared after a square root (counts and sums of counts become roughly
    homoscedastic), each divided by its spread across the draws, so none dominates by its
    units; the distance is the Euclidean norm of the scaled differences.

    Missing statistics (NaN: a mean loss with no reported attack) are handled the same
    way on both sides: missing in the draw and in the observation is no discrepancy (0);
    missing on one side only is the largest scaled discrepancy any draw shows for that
    statistic (or, if no draw has it on both sides, for any statistic; 1 if none has
    any), so a draw that lacks what the table has is never closer on it than the worst
    draw that has it.

    Parameters
    ----------
    simulated : numpy.ndarray, shape (draws, k)
        Simulated statistics per draw (NaN: missing).
    observed : numpy.ndarray, shape (k,)
        Observed statistics (NaN: missing).
    scale : numpy.ndarray, shape (k,), optional
        Spread of each statistic after the square root. Default: the median absolute
        deviation of the present draws times 1.4826 (the standard deviation of a normal
        sample), else their standard deviation, else 1.

    Returns
    -------
    numpy.ndarray, shape (draws,)
    """
    t_sim = np.sqrt(np.asarray(simulated, dtype=float))
    t_obs = np.sqrt(np.asarray(observed, dtype=float))
    if scale is None:
        scale = np.array([_spread(t_sim[:, j]) for j in range(t_sim.shape[1])])
    gap = np.abs(t_sim - t_obs) / scale
    sim_missing, obs_missing = np.isnan(t_sim), np.isnan(t_obs)
    one_side = sim_missing != obs_missing
    finite = np.isfinite(gap)
    worst_any = float(gap[finite].max()) if finite.any() else 1.0
    worst = np.array(
        [
            float(gap[finite[:, j], j].max()) if finite[:, j].any() else worst_any
            for j in range(gap.shape[1])
        ]
    )
    gap = np.where(one_side, worst, gap)
    gap = np.where(sim_missing & obs_missing, 0.0, gap)
    return np.sqrt((gap**2).sum(axis=1))


def _spread(values: np.ndarray) -> float:
    """Robust spread of the present values: 1.4826 MAD, else standard deviation, else 1."""
    v = values[~np.isnan(values)]
    if v.size == 0:
        return 1.0
    mad = float(np.median(np.abs(v - np.median(v)))) * 1.4826
    if mad > 0:
        return mad
    sd = float(v.std())
    return sd if sd > 0 else 1.0


def _truncated(sc: Scenario, end: dt.date) -> Scenario:
    """``sc`` ending on ``end``, without the events dated after it."""
    if end >= sc.end:
        return sc
    raw = sc.model_dump(by_alias=True, exclude_unset=True)
    raw["end"] = end.isoformat()
    raw["events"] = [
        e.model_dump(by_alias=True, exclude_unset=True) for e in sc.events if e.date <= end
    ]
    return load_scenario(raw)


def _cast(sc: Scenario, path: str, value: float) -> Any:
    """Round ``value`` if the field at ``path`` holds an integer in ``sc``."""
    node = get_path(sc, path, default=None)
    return round(value) if isinstance(node, int) and not isinstance(node, bool) else value


def calibrate(
    scenario: Scenario | str | os.PathLike[str] | Mapping[str, Any],
    incidents: pd.DataFrame,
    params: Mapping[str, tuple[float, float]],
    *,
    draws: int = 1000,
    accept: float = 0.05,
    reps: int = 1,
    seed: SeedLike,
    window: tuple[dt.date, dt.date] | None = None,
    report_threshold: int = 5,
    scripted: str = "drop",
    executor: Any = None,
    workers: int | None = None,
    progress: bool = True,
    method: str = "rejection",
    generations: int = 4,
    signals: pd.DataFrame | None = None,
) -> Calibration:
    """Fit numeric scenario fields to reported incidents (and signals) by ABC.

    Parameters
    ----------
    scenario : Scenario, path or mapping
        The scenario to calibrate.
    incidents : pandas.DataFrame
        The incident table (:func:`simfuel.incidents`): ``date``, ``corridor``,
        ``destroyed_low``, ``destroyed_high``, ``captured`` (optional ``aggregate``).
    params : mapping of dotted path to (low, high)
        Uniform prior ranges, e.g. ``{"threat.hazard_per_100km": (0.01, 0.5)}``; fields
        holding integers are rounded.
    draws : int
        Prior draws (simulations).
    accept : float
        Share of draws kept, closest first (the ABC tolerance as a quantile).
    reps : int
        Replications per draw, averaged in the statistics.
    seed : int or SeedSequence
        Root seed of the prior draws and of every simulation.
    window : (date, date), optional
        Period compared; default: from the first to the last incident, clipped to the
        horizon, extended to whole months.
    report_threshold : int
        Attacks losing fewer tankers are not "reported", in the model and in the table
        alike [tankers].
    scripted : {"drop", "keep"}
        Drop the scenario's scripted attacks while fitting (the hazard then explains every
        reported loss), or keep them (then leave their incidents out of the table).
    executor, workers, progress
        As for :func:`simfuel.run_ensemble`.
    method : {"rejection", "smc"}
        Rejection ABC (the default: ``draws`` prior draws, the closest ``accept`` share
        kept) or sequential Monte Carlo ABC (``generations`` generations of ``draws``
        simulations, each keeping at most ``accept * draws``; see the module docstring).
    generations : int
        Generations of ``method="smc"``, the prior draws included (>= 1).
    signals : pandas.DataFrame, optional
        A signals table (:func:`simfuel.signals`); those dated from the scenario's start
        to the window's end add their gaps to the distance.

    Returns
    -------
    Calibration
        A draw one of whose replications raised is dropped (with a ``UserWarning``) and
        listed in ``Calibration.failures``; ``accept`` is then a share of the draws that
        ran.

    Raises
    ------
    EnsembleError
        If every draw failed.
    """
    if scripted not in ("drop", "keep"):
        raise ValueError(f"scripted must be 'drop' or 'keep' (got {scripted!r})")
    if not 0 < accept <= 1:
        raise ValueError(f"accept must be in (0, 1] (got {accept})")
    if draws < 2:
        raise ValueError(f"draws must be >= 2 (got {draws})")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)} (got {method!r})")
    if generations < 1:
        raise ValueError(f"generations must be >= 1 (got {generations})")
    for p, (lo, hi) in params.items():
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
            raise ValueError(f"prior range of {p} must be LOW < HIGH (got {lo}, {hi})")
    source_path = None if isinstance(scenario, Scenario | Mapping) else Path(scenario)
    sc = load_scenario(scenario)
    dropped: list[str] = []
    if scripted == "drop":
        kept = [e for e in sc.events if not isinstance(e, ScriptedAttackEvent)]
        dropped = [e.id for e in sc.events if isinstance(e, ScriptedAttackEvent) and e.id]
        raw = sc.model_dump(by_alias=True, exclude_unset=True)
        raw["events"] = [e.model_dump(by_alias=True, exclude_unset=True) for e in kept]
        sc = load_scenario(raw)

    obs_rows = observed_attacks(incidents, report_threshold)
    if window is None:
        if obs_rows.empty:
            raise ValueError(
                "the incident table has no reported attack of at least "
                f"{report_threshold} tankers to calibrate to"
            )
        first, last = min(obs_rows["date"]), max(obs_rows["date"])
        start = max(dt.date(first.year, first.month, 1), sc.start)
        next_month = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
        window = (start, min(next_month - dt.timedelta(days=1), sc.end))
    stats = IncidentStats(window[0], window[1], tuple(sc.corridors), int(report_threshold))
    observed = stats.vector(obs_rows)
    fit = _truncated(sc, window[1])  # nothing after the window matters to the fit

    signal_rows = _signals_in(signals, sc.start, window[1])
    sources = {
        role: str(table.attrs["source_sha256"])
        for role, table in (("incidents", incidents), ("signals", signals))
        if table is not None and table.attrs.get("source_sha256")
    }
    root = root_seed(seed)
    names = list(params)
    lows = np.array([params[p][0] for p in names], dtype=float)
    highs = np.array([params[p][1] for p in names], dtype=float)
    where = {"executor": executor, "workers": workers, "progress": progress}
    places = signal_places(fit, signal_rows)
    objective = _Objective(fit, names, reps, root, stats, observed, signal_rows, where, places)
    common: dict[str, Any] = {
        "base": sc,
        "params": {p: (float(params[p][0]), float(params[p][1])) for p in names},
        "observed": pd.Series(observed, index=stats.names),
        "dropped_events": dropped,
        "source_path": source_path,
        "sources": sources,
        "signals": signal_rows,
        "places": places,
    }
    if method == "rejection":
        rng = np.random.default_rng(prior_seed(root))
        theta = lows + (highs - lows) * rng.random((draws, len(names)))
        distance = objective(theta, 0)
        ok = np.isfinite(distance)
        samples = objective.samples()
        keep = max(1, round(accept * int(ok.sum())))
        order = np.argsort(distance, kind="stable")[:keep]
        posterior = samples.iloc[order].reset_index(names="draw")
        return Calibration(
            samples=samples,
            posterior=posterior,
            simulated=pd.DataFrame(objective.simulated[order], columns=stats.names),
            failures=objective.failures,
            unreachable_signals=objective.unreachable,
            method="rejection",
            generations=pd.DataFrame(
                {
                    "tolerance": [float(distance[order[-1]])],
                    "proposals": [draws],
                    "accepted": [keep],
                    "ess": [float(keep)],
                }
            ),
            **common,
        )
    # Generation g's proposals: stream (PRIOR, 0, 0, g), generation 0's being the
    # rejection method's prior draws; resampling the last population: (PRIOR, 0, 2, 0).
    rngs = [np.random.default_rng(role_seed(root, Role.PRIOR, 0, g)) for g in range(generations)]
    keep = max(1, round(accept * draws))
    fitted = smc_abc(
        objective, lows, highs, proposals=draws, keep=keep, generations=generations, rngs=rngs
    )
    samples = objective.samples()
    samples["generation"] = fitted.generation
    samples["weight"] = np.nan
    samples.loc[fitted.population, "weight"] = fitted.weights
    pick = systematic_resample(
        fitted.weights,
        len(fitted.population),
        np.random.default_rng(role_seed(root, Role.PRIOR, 2, 0)),
    )
    rows = fitted.population[
        np.random.default_rng(role_seed(root, Role.PRIOR, 2, 1)).permutation(pick)
    ]
    posterior = samples.iloc[rows].reset_index(names="draw")
    return Calibration(
        samples=samples,
        posterior=posterior,
        simulated=pd.DataFrame(objective.simulated[rows], columns=stats.names),
        failures=objective.failures,
        unreachable_signals=objective.unreachable,
        method="smc",
        generations=pd.DataFrame(
            {
                "tolerance": fitted.tolerances,
                "proposals": [draws] * generations,
                "accepted": fitted.accepted,
                "ess": fitted.ess,
            }
        ),
        **common,
    )


#: Daily fields a signals table can be scored on (and ``demand_l`` for served shares).
_SIGNAL_FIELDS = tuple(dict.fromkeys([s.field for s in SIGNALS.values() if s.field] + ["demand_l"]))


def _signals_in(table: pd.DataFrame | None, start: dt.date, end: dt.date) -> pd.DataFrame | None:
    """The signals dated from ``start`` to ``end`` (None: no table)."""
    if table is None:
        return None
    days = pd.to_datetime(table["date"]).dt.date
    out = table[(days >= start) & (days <= end)].reset_index(drop=True)
    out.attrs = dict(table.attrs)
    return out


def signal_places(scenario: Scenario, signals: pd.DataFrame | None) -> tuple[str, ...]:
    """The places with stock other than the depot at which ``signals`` are scored.

    The places a signal names (its ``place``) that hold a stock of their own in
    ``scenario``, for the signals the model scores (not prices), in the scenario's order:
    what a fit's or a hindcast's runs must keep besides the depot's figures, and nothing
    more (each place kept costs a daily array per draw and replication).

    Parameters
    ----------
    scenario : Scenario
        The scenario run.
    signals : pandas.DataFrame or None
        A signals table (:func:`simfuel.signals`); None: no place.

    Returns
    -------
    tuple of str
        Place keys (empty when every signal is at the depot, or at no place).
    """
    if signals is None or not len(signals) or "place" not in signals:
        return ()
    named = {
        str(place)
        for place, signal in zip(signals["place"], signals["signal"], strict=True)
        if isinstance(place, str) and place and SIGNALS[str(signal)].field is not None
    }
    return tuple(p for p in stock_places(scenario)[1:] if p in named)


@dataclass
class _DrawDaily:
    """One draw's replications, as :func:`~simfuel.observations.score_signals` reads them.

    ``arrays``: the depot's daily fields, each ``(n, days)``; ``places``: the same for the
    other places with stock that the runs kept, by place key.
    """

    scenario: Scenario
    dates: pd.DatetimeIndex
    arrays: Mapping[str, np.ndarray]
    n: int
    places: Mapping[str, Mapping[str, np.ndarray]] = field(default_factory=dict)

    @property
    def held_destinations(self) -> list[str]:
        """The depot, then the places whose figures these runs kept."""
        return [self.scenario.depot.place, *self.places]

    def daily(self, name: str, destination: str | None = None) -> np.ndarray:
        if destination is None or destination == self.scenario.depot.place:
            return self.arrays[name]
        return self.places[destination][name]


@dataclass
class _Objective:
    """The distance of parameter rows from the observations; it simulates them.

    Generation 0 fixes the scales of every statistic and signal gap (their spread across
    the prior draws), so that later, concentrated generations are measured in the same
    units. Generation ``g >= 1`` runs on the child ``(PRIOR, 0, 1, g)`` of the root;
    generation 0 on the root itself, as rejection ABC always did.
    """

    fit: Scenario
    names: list[str]
    reps: int
    root: np.random.SeedSequence
    stats: IncidentStats
    observed: np.ndarray
    signals: pd.DataFrame | None
    where: Mapping[str, Any]
    places: tuple[str, ...] = ()
    points: list[dict[str, Any]] = field(default_factory=list)
    distances: list[np.ndarray] = field(default_factory=list)
    sims: list[np.ndarray] = field(default_factory=list)
    failures: list[ReplicationFailure] = field(default_factory=list)
    scale: np.ndarray | None = None
    gap_scale: np.ndarray | None = None
    reachable: np.ndarray | None = None
    signal_ids: tuple[str, ...] = ()
    signal_labels: tuple[str, ...] = ()

    @property
    def simulated(self) -> np.ndarray:
        return np.concatenate(self.sims)

    def samples(self) -> pd.DataFrame:
        out = pd.DataFrame({p: [pt[p] for pt in self.points] for p in self.names})
        out["distance"] = np.concatenate(self.distances)
        return out

    def __call__(self, theta: np.ndarray, generation: int) -> np.ndarray:
        points = [
            {p: _cast(self.fit, p, float(v)) for p, v in zip(self.names, row, strict=True)}
            for row in theta
        ]
        seed = self.root if generation == 0 else role_seed(self.root, Role.PRIOR, 1, generation)
        fields = _SIGNAL_FIELDS if self.signals is not None and len(self.signals) else ()
        desc = "ABC draws" if generation == 0 else f"SMC generation {generation}"
        places = self.places if fields else ()
        res = _run_draws(
            self.fit, points, self.reps, seed, desc, self.where, fields, self.stats, places
        )
        offset = len(self.points)
        n = len(points)
        failures = [replace(f, point=offset + int(f.point or 0)) for f in res.failures]
        ok = _drop_failed_draws(res.failed_points, n, res.failures)
        assert res.stats is not None
        sim = _mean_of_present(res.stats)
        if self.scale is None:
            self.scale = np.array([_spread(np.sqrt(sim[ok, j])) for j in range(sim.shape[1])])
        distance = np.full(n, np.nan)  # a failed draw has no distance: never accepted
        distance[ok] = abc_distance(sim[ok], self.observed, self.scale)
        if fields:
            gaps, reached = self._gaps(res, ok)
            if self.gap_scale is None:
                self.gap_scale = np.array([_spread(gaps[:, j]) for j in range(gaps.shape[1])])
                self.reachable = np.asarray(reached.any(axis=0), dtype=bool)
                self._warn_unreachable(gaps)
            assert self.reachable is not None
            used = (gaps[:, self.reachable] / self.gap_scale[self.reachable]) ** 2
            distance[ok] = np.sqrt(distance[ok] ** 2 + used.sum(axis=1))
        self.points.extend(points)
        self.distances.append(distance)
        self.sims.append(sim)
        self.failures.extend(failures)
        return distance

    def _gaps(self, res: PointResults, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each kept draw's gap to each scored signal (an onset that never came: the worst),
        and whether any of the draw's replications lies inside the signal's reported range."""
        assert self.signals is not None
        dates = pd.date_range(self.fit.start, periods=self.fit.horizon_days, freq="D")
        rows, inside = [], []
        for i in np.flatnonzero(ok):
            arrays = {f: res.daily[f][i] for f in res.daily}
            places = {p: {f: a[i] for f, a in d.items()} for p, d in res.place_daily.items()}
            draw = _DrawDaily(self.fit, dates, arrays, self.reps, places)
            scored = score_signals(self.signals, draw)
            rows.append(signal_gaps(scored))
            used = scored[scored["scored"].astype(bool)]
            inside.append(used["share_inside"].to_numpy(float) > 0)
            if not self.signal_ids:
                self.signal_ids = tuple(_signal_key(r) for _, r in used.iterrows())
                self.signal_labels = tuple(_signal_label(r) for _, r in used.iterrows())
        gaps = np.array(rows, dtype=float).reshape(int(ok.sum()), -1)
        reached = np.array(inside, dtype=bool).reshape(gaps.shape)
        for j in range(gaps.shape[1]):
            finite = np.isfinite(gaps[:, j])
            worst = float(gaps[finite, j].max()) if finite.any() else 1.0
            gaps[~finite, j] = worst
        return gaps, reached

    def _warn_unreachable(self, gaps: np.ndarray) -> None:
        """Warn, one line per signal, of the signals no prior draw reaches (left out)."""
        assert self.reachable is not None
        for j in np.flatnonzero(~self.reachable):
            label = self.signal_labels[j] if j < len(self.signal_labels) else f"signal {j}"
            closest = float(gaps[:, j].min()) if gaps.size else math.nan
            warnings.warn(
                f"calibrate: signal {label} is reached by no prior draw (no replication "
                f"inside its reported range; closest gap {closest:.3g}): left out of the "
                "ABC distance (Calibration.unreachable_signals)",
                UserWarning,
                stacklevel=4,
            )

    @property
    def unreachable(self) -> tuple[str, ...]:
        """The signals no prior draw reached, left out of the distance."""
        if self.reachable is None:
            return ()
        return tuple(self.signal_ids[j] for j in np.flatnonzero(~self.reachable))


def _signal_key(row: pd.Series) -> str:
    """A signal's id, or ``signal-date`` when it has none (as the hindcast table names it)."""
    return str(row["id"]) or f"{row['signal']}-{pd.Timestamp(row['date']).date()}"


def _signal_label(row: pd.Series) -> str:
    """A signal as a warning names it: its id, what, where, when and the reported range."""
    where = row["location"] or row["place"] or "the depot"
    day = pd.Timestamp(row["date"]).date()
    return (
        f"{_signal_key(row)!r} ({row['signal']} at {where} on {day}, reported "
        f"{_bound(row['low'])} to {_bound(row['high'])} {row['unit']})"
    )


def _bound(x: Any) -> str:
    x = float(x)
    return "open" if math.isnan(x) else f"{x:g}"


def _drop_failed_draws(
    failed: list[int], draws: int, failures: list[ReplicationFailure]
) -> np.ndarray:
    """Which draws to keep (a mask): those none of whose replications raised.

    A failed draw is dropped with a warning naming it; if every draw failed, there is
    nothing to fit and the failures are raised.
    """
    ok = np.ones(draws, dtype=bool)
    ok[failed] = False
    if not failed:
        return ok
    if not ok.any():
        raise EnsembleError(failures, "calibration run")
    first = str(failures[0])
    warnings.warn(
        f"calibrate: {len(failed)} of {draws} draws failed and were dropped "
        f"(draws {failed[:10]}{' ...' if len(failed) > 10 else ''}; first: {first}); "
        "see Calibration.failures",
        UserWarning,
        stacklevel=3,
    )
    return ok
