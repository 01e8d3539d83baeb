"""Global sensitivity analysis (Sobol' indices or Morris screening) with SALib.

Which uncertain inputs drive an outcome? ``sensitivity`` samples the parameters over
their ranges with SALib, runs the model at every sample point with
:func:`~simfuel.analysis.evaluate_points` (``reps`` replications per point, the *same*
seeds at every point: common random numbers), averages the metric over the replications
and hands the averages to SALib's analyser.

Because of the common random numbers the model seen by SALib is deterministic: a
parameter that does not affect the metric leaves every replication unchanged, so its
indices come out exactly 0, not merely "near 0 up to Monte Carlo noise".

Every random number comes from one seed: the replications use the children of the root
``SeedSequence`` and SALib's sampler and bootstrap use an integer drawn from the root's
own state.

The metric is the main destination's (the depot's) unless ``destination=`` names another
place with stock: the same runs and seeds, read at that place (the first stock-out at
Mopti, say).
"""

from __future__ import annotations

import importlib
import math
import os
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ..ensemble.destinations import resolve_destination
from ..ensemble.seeds import root_seed, salib_seed
from ..results import SUMMARY_METRICS
from ..run import SeedLike
from ..scenario import Scenario, apply_overrides, load_scenario
from ..scenario.paths import PathError, walk
from .evaluate import PointResults, evaluate_points

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["SensitivityResult", "sensitivity"]

Method = Literal["sobol", "morris"]
#: A metric computed from the runs: ``metric(results) -> array (points, reps) or (points,)``.
MetricFn = Callable[[PointResults], np.ndarray]

_DATE_METRICS = ("first_rationing", "first_stockout")


# ---------------------------------------------------------------- the result


@dataclass(frozen=True)
class SensitivityResult:
    """What :func:`sensitivity` returns.

    Attributes
    ----------
    method : {"sobol", "morris"}
        The method used.
    metric : str
        The metric analysed (a name of ``SUMMARY_METRICS``, or the callable's name).
    params : dict of str to (float, float)
        The ranges, by dotted path, in the order given.
    integer : tuple of str
        The parameters rounded to whole numbers before they were applied.
    indices : dict of str to numpy.ndarray
        SALib's raw output, one value per parameter: ``S1``, ``S1_conf``, ``ST``,
        ``ST_conf`` (and ``S2``, ``S2_conf`` matrices with ``second_order``) for Sobol;
        ``mu``, ``mu_star``, ``mu_star_conf``, ``sigma`` for Morris.
    samples : numpy.ndarray, shape (points, params)
        SALib's sample matrix (continuous; integer parameters before rounding).
    points : list of dict
        The overrides actually applied at every point (integers rounded).
    outputs : numpy.ndarray, shape (points,)
        The metric at every point, averaged over the replications (what SALib analysed).
    replications : numpy.ndarray, shape (points, reps)
        The metric of every replication.
    n : int
        Sobol: base sample size N; Morris: number of trajectories.
    reps : int
        Replications per point.
    conf_level : float
        Level of the bootstrap confidence intervals (``*_conf`` are half-widths).
    seed_entropy : int
        Entropy of the root SeedSequence (with ``spawn_key``, rebuilds every stream).
    spawn_key : tuple of int
        Spawn key of the root SeedSequence.
    num_levels : int or None
        Morris grid levels.
    second_order : bool
        Sobol: whether second-order indices were computed.
    notes : list of str
        Warnings raised on the way (an unbalanced Sobol' sample, a metric with no effect).
    destination : str or None
        The place key of the place with stock whose metric was analysed (None: the main
        destination, the depot).
    destination_name : str or None
        Its display name (None: the main destination).
    """

    method: Method
    metric: str
    params: dict[str, tuple[float, float]]
    integer: tuple[str, ...]
    indices: dict[str, np.ndarray]
    samples: np.ndarray
    points: list[dict[str, Any]]
    outputs: np.ndarray
    replications: np.ndarray
    n: int
    reps: int
    conf_level: float
    seed_entropy: int
    spawn_key: tuple[int, ...] = ()
    num_levels: int | None = None
    second_order: bool = False
    notes: list[str] = field(default_factory=list)
    destination: str | None = None
    destination_name: str | None = None

    @property
    def n_points(self) -> int:
        """Parameter points evaluated (rows of :attr:`samples`)."""
        return int(self.samples.shape[0])

    @property
    def n_evaluations(self) -> int:
        """Simulations run: points x replications."""
        return self.n_points * self.reps

    def to_df(self) -> pd.DataFrame:
        """The indices, one row per parameter (index ``parameter``).

        Sobol: ``S1``, ``S1_conf``, ``ST``, ``ST_conf``. Morris: ``mu_star``,
        ``mu_star_conf``, ``sigma``, ``mu``. ``*_conf`` is the half-width of the
        bootstrap confidence interval at :attr:`conf_level`. Morris values are in the
        metric's own unit, per step of the normalised range.
        """
        cols = (
            ("S1", "S1_conf", "ST", "ST_conf")
            if self.method == "sobol"
            else ("mu_star", "mu_star_conf", "sigma", "mu")
        )
        df = pd.DataFrame(
            {c: np.asarray(self.indices[c], dtype=float) for c in cols},
            index=pd.Index(list(self.params), name="parameter"),
        )
        return df

    def samples_df(self) -> pd.DataFrame:
        """Every point: the applied parameter values and the mean metric (``metric`` column).

        The metric is :attr:`destination`'s (None: the main destination's); the column is
        named after the metric alone, as for the main destination.
        """
        df = pd.DataFrame(self.points, columns=list(self.params))
        df.index.name = "point"
        df[self.metric] = self.outputs
        return df

    def plot(self, ax: Axes | None = None) -> Axes:
        """Horizontal bars of the indices with their confidence intervals.

        Sobol: first-order ``S1`` and total ``ST`` side by side. Morris: ``mu_star``
        with ``sigma`` as markers. Parameters top to bottom in the order given. Drawn by
        :func:`simfuel.plot.sensitivity_bars` (imported here, on use: the analysis floor
        does not load matplotlib).
        """
        from ..plot.sensitivity import sensitivity_bars

        return sensitivity_bars(self, ax=ax)


# ---------------------------------------------------------------- helpers


def _salib(module: str) -> Any:
    try:
        return importlib.import_module(f"SALib.{module}")
    except ImportError as exc:  # pragma: no cover
        raise ImportError("sensitivity analysis needs SALib: pip install SALib") from exc


def _walk(scenario: Scenario, path: str) -> tuple[Any, Any]:
    """The current value at a dotted path and its declared type (None if unknown)."""
    try:
        step = walk(scenario, path)[-1]
    except PathError:
        return None, None
    return step.value, step.annotation


def _is_integer(scenario: Scenario, path: str) -> bool:
    """Whether the field at ``path`` holds whole numbers (declared ``int``, or an int now)."""
    value, annotation = _walk(scenario, path)
    if annotation is int:
        return True
    if annotation is None:
        return isinstance(value, int | np.integer) and not isinstance(value, bool)
    return False


def _check_params(
    base: Scenario, params: Mapping[str, Sequence[float]], integer: Collection[str]
) -> tuple[dict[str, tuple[float, float]], list[str], list[list[float]]]:
    """Validate the ranges; return them, the integer paths and SALib's bounds."""
    if not params:
        raise ValueError("sensitivity analysis needs at least one parameter")
    ranges: dict[str, tuple[float, float]] = {}
    for path, bounds in params.items():
        if isinstance(bounds, str | bytes) or len(bounds) != 2:
            raise ValueError(f"{path}: give a range (low, high) (got {bounds!r})")
        low, high = bounds
        if isinstance(low, bool) or isinstance(high, bool):
            raise ValueError(f"{path}: the range must be numbers (got {bounds!r})")
        low, high = float(low), float(high)
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError(f"{path}: the range must be finite (got {bounds!r})")
        if low >= high:
            raise ValueError(f"{path}: low must be < high (got {low:g}, {high:g})")
        ranges[str(path)] = (low, high)
    unknown = set(integer) - set(ranges)
    if unknown:
        raise ValueError(f"integer names paths that are not parameters: {sorted(unknown)}")
    ints = [p for p in ranges if p in integer or _is_integer(base, p)]
    bounds_out: list[list[float]] = []
    for path, (low, high) in ranges.items():
        if path in ints:
            lo, hi = math.ceil(low), math.floor(high)
            if lo >= hi:
                raise ValueError(
                    f"{path}: a whole-number parameter needs at least two whole numbers in "
                    f"its range (got {low:g}, {high:g})"
                )
            # Sample [lo - 0.5, hi + 0.5) and round: every whole number equally likely.
            bounds_out.append([lo - 0.5, hi + 0.5])
        else:
            bounds_out.append([low, high])
    # Fail before sampling: both ends of every range must give a valid scenario.
    for path, (low, high) in ranges.items():
        for value in (low, high):
            v: float | int = round(value) if path in ints else value
            apply_overrides(base, {path: v})
    return ranges, ints, bounds_out


def _to_points(
    samples: np.ndarray,
    names: list[str],
    ints: list[str],
    ranges: Mapping[str, tuple[float, float]],
) -> list[dict[str, Any]]:
    points = []
    for row in samples:
        point: dict[str, Any] = {}
        for name, value in zip(names, row, strict=True):
            if name in ints:
                lo, hi = math.ceil(ranges[name][0]), math.floor(ranges[name][1])
                point[name] = int(min(max(math.floor(value + 0.5), lo), hi))
            else:
                point[name] = float(value)
        points.append(point)
    return points


def _metric_values(
    results: PointResults, metric: str | MetricFn, horizon_days: int
) -> tuple[str, np.ndarray]:
    if callable(metric):
        name = getattr(metric, "__name__", "metric")
        values = np.asarray(metric(results), dtype=float)
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim != 2 or values.shape[0] != len(results.points):
            raise ValueError(
                f"metric {name!r} must return an array of shape (points, reps) or (points,) "
                f"(got {values.shape})"
            )
        return name, values
    values = results.metric(metric).copy()
    if metric in _DATE_METRICS:
        # Day offsets; NaN means "never within the horizon": count it as the horizon.
        values[np.isnan(values)] = float(horizon_days)
    return metric, values


# ---------------------------------------------------------------- the analysis


def sensitivity(
    scenario: Scenario | str | os.PathLike[str] | Mapping[str, Any],
    params: Mapping[str, Sequence[float]],
    metric: str | MetricFn,
    *,
    method: Method = "sobol",
    n: int = 64,
    reps: int = 4,
    seed: SeedLike,
    integer: Collection[str] = (),
    num_levels: int = 4,
    second_order: bool = False,
    conf_level: float = 0.95,
    num_resamples: int = 1000,
    fields: Sequence[str] = (),
    executor: Any = None,
    workers: int | None = None,
    batch_size: int | None = None,
    progress: bool = True,
    destination: str | None = None,
) -> SensitivityResult:
    """Global sensitivity of a metric to scenario parameters (Sobol' or Morris, via SALib).

    Parameters
    ----------
    scenario : Scenario, path or mapping
        The base scenario.
    params : mapping of dotted path to (low, high)
        The uncertain parameters and their ranges (sampled uniformly), e.g.
        ``{"threat.hazard_per_100km": (0.04, 0.12), "escorts.africa_corps.units": (1, 6)}``.
        Paths are those of ``simfuel run --set``. Whole-number fields (declared ``int`` in
        the schema, e.g. ``units``, ``min_size``) are sampled on ``[low - 0.5, high + 0.5]``
        and rounded, so every whole number in the range is equally likely.
    metric : str or callable
        A summary metric (``simfuel.results.SUMMARY_METRICS``: ``tankers_lost``,
        ``delivered_l``, ``days_with_shortfall``, ``min_days_of_cover``, ...), or a
        function ``metric(point_results) -> array (points, reps)`` (ask for daily fields
        with ``fields``). ``first_rationing`` / ``first_stockout`` count "never" as the
        horizon length [days].
    method : {"sobol", "morris"}
        ``"sobol"``: first-order and total Sobol' indices (Saltelli/Jansen estimators;
        ``n * (D + 2)`` points, ``n * (2D + 2)`` with ``second_order``). ``"morris"``:
        elementary-effects screening, ``n`` trajectories of ``D + 1`` points.
    n : int
        Sobol: base sample size (a power of 2 keeps the Sobol' sequence balanced; others
        warn). Morris: number of trajectories.
    reps : int
        Replications per point; the metric is averaged over them. Replication ``r`` uses
        the same seed at every point (common random numbers).
    seed : int or SeedSequence
        Root seed of everything: replications and SALib's sampler and bootstrap.
    integer : collection of str
        Further paths to round to whole numbers (whole-number fields are detected).
    num_levels : int
        Morris: levels of the grid (even).
    second_order : bool
        Sobol: also compute second-order indices (in ``indices["S2"]``).
    conf_level : float
        Level of the bootstrap confidence intervals.
    num_resamples : int
        Bootstrap resamples for the intervals.
    fields : sequence of str
        Daily fields a callable ``metric`` needs.
    executor, workers, batch_size, progress
        As for :func:`simfuel.run_ensemble`.
    destination : str, optional
        The place with stock whose metric is analysed (default: the main destination, the
        depot), e.g. ``"mopti"`` for the first stock-out at Mopti: its figures as
        :meth:`RunResult.summary(place) <simfuel.RunResult.summary>` gives them (its
        stock, and the flows, losses and convoys of the corridors that end there). A
        callable ``metric`` gets that place's summary and daily fields. The runs, their
        seeds and SALib's samples are the same whatever the destination.

    Returns
    -------
    SensitivityResult
        ``.to_df()`` (indices with confidence half-widths), ``.plot()``, and the raw
        samples and outputs.

    Raises
    ------
    UnknownDestination
        If ``destination`` is not a place with stock of the scenario (before any run).
    ScenarioError
        A path that is not a scenario field, or a range end that makes the scenario
        invalid.
    ValueError
        A bad range (``low >= high``), method, metric or size.
    EnsembleError
        A replication raised (SALib's estimators need every point); the message names
        each failed point, replication and seed, and ``.failures`` holds them.
    """
    if method not in ("sobol", "morris"):
        raise ValueError(f"method must be 'sobol' or 'morris' (got {method!r})")
    if isinstance(metric, str) and metric not in SUMMARY_METRICS:
        raise ValueError(f"unknown metric {metric!r}; known: {', '.join(SUMMARY_METRICS)}")
    if n < 2:
        raise ValueError(f"n must be >= 2 (got {n})")
    if reps < 1:
        raise ValueError(f"reps must be >= 1 (got {reps})")
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be in (0, 1) (got {conf_level})")
    if method == "morris" and (num_levels < 2 or num_levels % 2):
        raise ValueError(f"num_levels must be an even number >= 2 (got {num_levels})")

    base = load_scenario(scenario)
    place = resolve_destination(base, destination)
    ranges, ints, bounds = _check_params(base, params, integer)
    names = list(ranges)
    problem: dict[str, Any] = {"num_vars": len(names), "names": names, "bounds": bounds}
    root = root_seed(seed, pinned=True)
    assert isinstance(root.entropy, int)
    salib = salib_seed(root)

    notes: list[str] = []
    if method == "sobol":
        if n & (n - 1):
            msg = f"Sobol' sample size n={n} is not a power of 2; its balance is lost"
            warnings.warn(msg, UserWarning, stacklevel=2)
            notes.append(msg)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*balance properties of Sobol")
            samples = _salib("sample.sobol").sample(
                problem, n, calc_second_order=second_order, seed=salib
            )
    else:
        samples = _salib("sample.morris").sample(problem, n, num_levels=num_levels, seed=salib)
    samples = np.asarray(samples, dtype=float)
    points = _to_points(samples, names, ints, ranges)

    results = evaluate_points(
        base,
        points,
        reps=reps,
        seed=root,
        fields=fields,
        executor=executor,
        workers=workers,
        batch_size=batch_size,
        progress=progress,
        desc=f"{method} points",
        places=() if place is None else (place,),
    )
    if place is not None:  # the place's figures where the main destination's would be
        results = PointResults(
            results.points,
            results.place_summary[place],
            results.place_daily[place],
            None,
            results.failures,
        )
    # SALib's estimators need every point: a failed run is an error, named with its seed.
    results.raise_failures("sensitivity run")
    metric_name, per_rep = _metric_values(results, metric, base.horizon_days)
    bad = ~np.isfinite(per_rep).all(axis=1)
    if bad.any():
        raise ValueError(
            f"metric {metric_name!r} is undefined (NaN) at {int(bad.sum())} of {len(points)} "
            "points (e.g. mean_escort_wait_h with no escorted convoy); choose another metric"
        )
    outputs = per_rep.mean(axis=1)

    # The confidence intervals' bootstrap, the same for either method.
    bootstrap = {"num_resamples": num_resamples, "conf_level": conf_level, "seed": salib}
    indices: dict[str, np.ndarray]
    if np.ptp(outputs) <= np.finfo(float).eps * max(1.0, float(np.abs(outputs).max())):
        msg = f"{metric_name} is the same at every point: no parameter has an effect"
        warnings.warn(msg, UserWarning, stacklevel=2)
        notes.append(msg)
        keys: tuple[str, ...] = (
            ("S1", "S1_conf", "ST", "ST_conf")
            if method == "sobol"
            else ("mu", "mu_star", "mu_star_conf", "sigma")
        )
        indices = {k: np.zeros(len(names)) for k in keys}
        if method == "sobol" and second_order:
            indices["S2"] = np.zeros((len(names), len(names)))
            indices["S2_conf"] = np.zeros((len(names), len(names)))
    elif method == "sobol":
        si = _salib("analyze.sobol").analyze(
            problem,
            outputs,
            calc_second_order=second_order,
            **bootstrap,
        )
        keys = ("S1", "S1_conf", "ST", "ST_conf") + (("S2", "S2_conf") if second_order else ())
        indices = {k: np.asarray(si[k], dtype=float) for k in keys}
    else:
        si = _salib("analyze.morris").analyze(
            problem,
            samples,
            outputs,
            num_levels=num_levels,
            **bootstrap,
        )
        indices = {
            k: np.asarray(si[k], dtype=float) for k in ("mu", "mu_star", "mu_star_conf", "sigma")
        }

    return SensitivityResult(
        method=method,
        metric=metric_name,
        params=ranges,
        integer=tuple(ints),
        indices=indices,
        samples=samples,
        points=points,
        outputs=outputs,
        replications=per_rep,
        n=n,
        reps=reps,
        conf_level=conf_level,
        seed_entropy=int(root.entropy),
        spawn_key=tuple(root.spawn_key),
        num_levels=num_levels if method == "morris" else None,
        second_order=second_order if method == "sobol" else False,
        notes=notes,
        destination=place,
        destination_name=None if place is None else (base.places[place].name or place),
    )
