"""EnsembleResult: many replications of one scenario, as distributions."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..io import atomic_path, write_file_set
from ..labels import FUEL, Vocabulary, daily_label
from ..results import (
    COUNT_METRICS,
    LITRE_DECIMALS,
    OTHER_DECIMALS,
    SUMMARY_METRICS,
    column_unit,
    table_for_file,
)
from ..scenario import Scenario
from ..scenario.provenance import Provenance, provenance_of
from ..sim.recorder import DAILY_FIELDS
from .destinations import destinations_of, resolve_destination
from .inputs import INPUTS_FILE
from .seeds import replication_seed
from .store import EnsembleStore, IncompleteStore, ReplicationInputs, StoreDamaged, StoreMissing

__all__ = ["EnsembleResult", "date_quantiles"]

_DATE_METRICS = ("first_rationing", "first_stockout")
#: Daily fields that are 0/1 flags: shares in ``probabilities.csv``, not quantile bands.
_FLAGS = ("rationing", "stockout")
_PART_SIZE = 100  # replications per part written by to_parquet
_COMPARISON = re.compile(r"^\s*([a-z_]+)\s*(<=|>=|==|!=|<|>)\s*(-?[0-9.eE+_-]+)\s*$")
_OPS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


class EnsembleResult:
    """Replications of one scenario: a summary table and daily distributions.

    Daily values live in memory for an ensemble run without a store, and on disk
    (Parquet, read one field at a time) for one run with ``store=`` or loaded with
    :meth:`from_parquet`.

    Attributes
    ----------
    scenario : Scenario
        The scenario every replication ran.
    seed_entropy : int
        Entropy of the root SeedSequence; with ``spawn_key`` it rebuilds every stream.
    spawn_key : tuple of int
        Spawn key of the root SeedSequence.
    replications : pandas.DataFrame
        One row per replication (index ``replication``, the seed index: replication ``i``
        ran on ``replication_seed(root, i)``) with the metrics of :meth:`RunResult.summary`;
        ``first_rationing`` and ``first_stockout`` as timestamps (NaT: never).
    dates : pandas.DatetimeIndex
        The simulated days.
    replication_scenarios : dict of int to Scenario, or None
        The scenario each replication ran, by replication index, when they differ (a
        posterior ensemble runs one posterior draw per group of replications); None:
        every replication ran :attr:`scenario`.
    replication_spawn_keys : dict of int to tuple of int, or None
        The full spawn key of each replication's SeedSequence (with ``seed_entropy``),
        when it is not the default :func:`~simfuel.ensemble.seeds.replication_seed`;
        None: the default. Both are kept by :meth:`to_parquet` (``replications.json``).
    complete : bool
        False only for a store opened with ``from_parquet(..., allow_incomplete=True)``
        that misses replications.
    n_planned : int or None
        Replications the store's manifest plans (None for an ensemble held in memory).
    provenance : Provenance
        Scenario name, ``--set`` overrides, content hash, seed and simfuel version (from
        the store's manifest for one read back; a store written before they were recorded
        gives its scenario and seed, without overrides).

    Notes
    -----
    Every place with stock has its figures (:attr:`destinations`: the depot, the main
    destination, then the scenario's ``destinations``): :meth:`daily`, :meth:`bands`,
    :meth:`probability`, :meth:`summary_table`, :meth:`replications_at` and the
    conversions (:meth:`to_dataframe`, :meth:`to_xarray`, :meth:`to_csv`) take a
    ``destination=`` place key, the main destination by default (:meth:`to_xarray` also
    a list of them, for a ``place`` dimension). :attr:`replications` is the main
    destination's table; :meth:`to_parquet` keeps every place's. A store written by a
    simfuel before 0.2 holds only the main destination's figures: asking it for another
    place raises a ``StoreError`` saying so.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed_entropy: int,
        spawn_key: tuple[int, ...],
        summary: pd.DataFrame,
        daily: dict[str, np.ndarray] | None = None,
        store: EnsembleStore | None = None,
        *,
        replication_scenarios: Sequence[Scenario] | None = None,
        replication_spawn_keys: Sequence[tuple[int, ...]] | None = None,
        provenance: Provenance | None = None,
        place_summaries: Mapping[str, pd.DataFrame] | None = None,
        place_daily: Mapping[str, Mapping[str, np.ndarray]] | None = None,
    ) -> None:
        if daily is None and store is None:
            raise ValueError("an EnsembleResult needs its daily arrays or a store")
        self.scenario = scenario
        self.seed_entropy = seed_entropy
        self.spawn_key = tuple(spawn_key)
        self.provenance = provenance or provenance_of(
            scenario, seed=seed_entropy, spawn_key=self.spawn_key
        )
        self.dates = pd.date_range(scenario.start, periods=scenario.horizon_days, freq="D")
        self.dates.name = "date"
        self.replications = _summary_table(summary, scenario.start)
        self._daily = daily
        self._store = store
        # Per-replication inputs, aligned with ``summary``'s rows as given, kept by index.
        self.replication_scenarios = _by_replication(summary, replication_scenarios, "scenarios")
        keys = _by_replication(summary, replication_spawn_keys, "spawn keys")
        self.replication_spawn_keys = (
            {i: tuple(int(x) for x in k) for i, k in keys.items()} if keys is not None else None
        )
        # The other places' figures when held in memory (a store reads its own on demand).
        self._place_summary_cache: dict[str, pd.DataFrame] = {
            key: _summary_table(frame, scenario.start)
            for key, frame in (place_summaries or {}).items()
        }
        self._place_daily = {k: dict(v) for k, v in (place_daily or {}).items()}

    # ------------------------------------------------------------------ places

    @property
    def destinations(self) -> list[str]:
        """The places with stock of the scenario: the main destination (depot) first."""
        return destinations_of(self.scenario)

    @property
    def main_destination(self) -> str:
        """The place key of the main destination (the depot): the default ``destination``."""
        return self.destinations[0]

    @property
    def held_destinations(self) -> list[str]:
        """The places with stock whose figures this ensemble holds, the main one first.

        All of :attr:`destinations`, but for a store written before places were recorded
        (the main destination only) or a result built by hand without them.
        """
        if self._store is not None:
            stored = self._store.places() or []
            return [self.main_destination, *(p for p in self.destinations[1:] if p in stored)]
        return [
            self.main_destination,
            *(p for p in self.destinations[1:] if p in self._place_daily),
        ]

    def _held(self, key: str) -> None:
        """Raise unless this result holds the figures of place ``key`` (not the depot)."""
        if self._store is not None or key in self._place_daily:
            return
        raise ValueError(
            f"this ensemble of {self.scenario.name} holds only the main destination's "
            f"figures ({self.main_destination}), not {key!r}"
        )

    def replications_at(self, destination: str | None = None) -> pd.DataFrame:
        """:attr:`replications` of one place with stock: its summary metrics per replication.

        Parameters
        ----------
        destination : str, optional
            A place key of a place with stock (default: the main destination, whose table
            is :attr:`replications`). The stock figures are the place's; flows, losses and
            convoys those of the corridors that end there, as
            :meth:`RunResult.summary(place) <simfuel.RunResult.summary>` gives them.

        Raises
        ------
        UnknownDestination
            If ``destination`` is not a place with stock of the scenario.
        """
        key = resolve_destination(self.scenario, destination)
        if key is None:
            return self.replications
        if key not in self._place_summary_cache:
            self._held(key)
            assert self._store is not None
            frame = self._store.read_summary(key)
            frame = _summary_table(frame, self.scenario.start)
            self._place_summary_cache[key] = frame.reindex(self.replications.index)
        return self._place_summary_cache[key]

    # ------------------------------------------------------------------ access

    @property
    def n(self) -> int:
        """Number of replications."""
        return len(self.replications)

    def daily(self, field: str, destination: str | None = None) -> np.ndarray:
        """One daily field as an array of shape ``(replications, days)``.

        Rows follow :attr:`replications`' index order. Fields are those of
        :attr:`RunResult.daily` (``stock_l``, ``days_of_cover``, ...); ``destination``: a
        place with stock (default: the main destination), whose
        :meth:`RunResult.at(place) <simfuel.RunResult.at>` columns they are.
        """
        if field not in DAILY_FIELDS:
            raise KeyError(f"unknown daily metric {field!r}; known: {', '.join(DAILY_FIELDS)}")
        key = resolve_destination(self.scenario, destination)
        if key is not None:
            self._held(key)
            if key in self._place_daily:
                return self._place_daily[key][field]
            assert self._store is not None
            return self._store.read_daily([field], key)[field]
        if self._daily is not None:
            return self._daily[field]
        assert self._store is not None
        return self._store.read_daily([field])[field]

    def bands(
        self,
        metric: str,
        q: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
        *,
        destination: str | None = None,
    ) -> pd.DataFrame:
        """Daily quantiles of a daily metric across replications.

        Parameters
        ----------
        metric : str
            A daily field, e.g. ``"days_of_cover"`` [days] or ``"stock_l"`` [L].
        q : sequence of float
            Quantiles in [0, 1].
        destination : str, optional
            A place with stock (default: the main destination).

        Returns
        -------
        pandas.DataFrame
            Index ``date``, one column per quantile (linear interpolation, numpy's
            default).
        """
        qs = [float(x) for x in q]
        if any(not 0 <= x <= 1 for x in qs):
            raise ValueError(f"quantiles must be in [0, 1] (got {qs})")
        values = np.quantile(self.daily(metric, destination), qs, axis=0)
        return pd.DataFrame(values.T, index=self.dates, columns=pd.Index(qs, name="q"))

    def probability(
        self,
        expr: str | Callable[[Mapping[str, np.ndarray]], np.ndarray],
        *,
        cumulative: bool = False,
        destination: str | None = None,
    ) -> pd.Series:
        """Share of replications in which a daily condition holds, day by day.

        Parameters
        ----------
        expr : str or callable
            ``"<field> <op> <number>"`` with op one of ``< <= > >= == !=``, e.g.
            ``"days_of_cover < 3"`` or ``"stockout == 1"``; or a function taking a
            mapping of field name to ``(replications, days)`` array and returning a
            boolean array of that shape. No ``eval``: strings are parsed.
        cumulative : bool
            If True, the share in which the condition has held on at least one day up
            to each date (e.g. the probability of a stock-out by a date).
        destination : str, optional
            A place with stock whose daily fields the condition reads (default: the main
            destination).

        Returns
        -------
        pandas.Series
            Index ``date``, values in [0, 1].
        """
        if callable(expr):
            resolve_destination(self.scenario, destination)  # an unknown one fails first
            flags = np.asarray(expr(_LazyFields(self, destination)), dtype=bool)
            name = getattr(expr, "__name__", "condition")
        else:
            m = _COMPARISON.match(expr)
            if m is None:
                raise ValueError(
                    f"cannot read condition {expr!r}: write '<field> <op> <number>', "
                    "e.g. 'days_of_cover < 3'"
                )
            field, op, number = m.groups()
            flags = _OPS[op](self.daily(field, destination), float(number))
            name = expr.strip()
        if flags.shape != (self.n, len(self.dates)):
            raise ValueError(
                f"condition has shape {flags.shape}, expected {(self.n, len(self.dates))}"
            )
        if cumulative:
            flags = np.logical_or.accumulate(flags, axis=1)
        return pd.Series(flags.mean(axis=0), index=self.dates, name=name)

    def replication_inputs(self, replication: int) -> tuple[Scenario, np.random.SeedSequence]:
        """The scenario and seed that re-run one replication exactly.

        ``simfuel.run(*ensemble.replication_inputs(i))`` reproduces replication ``i``:
        its daily rows and summary, bit for bit, for a plain ensemble
        (:func:`~simfuel.ensemble.seeds.replication_seed` of the root, :attr:`scenario`)
        and for one whose replications ran other scenarios or seeds (a posterior
        ensemble: posterior draw and its own seed), also after :meth:`to_parquet` and
        :meth:`from_parquet`.

        Parameters
        ----------
        replication : int
            A replication index (a label of :attr:`replications`' index).

        Returns
        -------
        (Scenario, numpy.random.SeedSequence)

        Raises
        ------
        KeyError
            If the ensemble has no such replication.
        """
        i = int(replication)
        if i not in self.replications.index:
            raise KeyError(f"replication {i} is not in the ensemble (n={self.n})")
        scenario = self.scenario
        if self.replication_scenarios is not None:
            scenario = self.replication_scenarios[i]
        if self.replication_spawn_keys is not None:
            key = self.replication_spawn_keys[i]
            return scenario, np.random.SeedSequence(self.seed_entropy, spawn_key=key)
        root = np.random.SeedSequence(self.seed_entropy, spawn_key=self.spawn_key)
        return scenario, replication_seed(root, i)

    #: Metrics whose medians :meth:`representative_replication` is closest to.
    REPRESENTATIVE_METRICS: tuple[str, ...] = (
        "delivered_l",
        "tankers_lost",
        "attacks",
        "days_with_shortfall",
        "min_days_of_cover",
    )

    def representative_replication(self, metrics: Sequence[str] | None = None) -> int:
        """The replication closest to the ensemble's medians: a typical run to show.

        For each metric every replication gets its mid-rank percentile
        (``(rank - 0.5) / n``, ties averaged; a missing value counts as the far end); the
        replication with the smallest sum of distances of those percentiles from 50 % is
        chosen, the lowest index on ties. ``simfuel.run(*self.replication_inputs(k))``
        re-runs it.

        Parameters
        ----------
        metrics : sequence of str, optional
            Summary metrics to be typical in (default :attr:`REPRESENTATIVE_METRICS`:
            delivered fuel, tankers lost, attacks, days with shortfall, minimum cover).

        Returns
        -------
        int
            A replication index (a label of :attr:`replications`' index).

        Raises
        ------
        ValueError
            If the ensemble has no replications.
        KeyError
            If a metric is not a column of :attr:`replications`.
        """
        reps = self.replications
        n = len(reps)
        if n == 0:
            raise ValueError("the ensemble has no replications")
        chosen = self.REPRESENTATIVE_METRICS if metrics is None else tuple(metrics)
        if unknown := [m for m in chosen if m not in reps.columns]:
            raise KeyError(f"unknown metrics {unknown}; known: {', '.join(SUMMARY_METRICS)}")
        distance = np.zeros(n)
        for metric in chosen:
            # Ranks treat dates and numbers alike; NaN/NaT rank as NaN, then as far as can be.
            pct = (reps[metric].rank(method="average").to_numpy(float) - 0.5) / n
            distance += np.abs(np.nan_to_num(pct, nan=1.0) - 0.5)
        best = np.flatnonzero(np.isclose(distance, distance.min(), rtol=0, atol=1e-12))
        return int(reps.index[best].min())

    # ------------------------------------------------------------------ conversions

    def to_dataframe(self, destination: str | None = None) -> pd.DataFrame:
        """Long form: one row per (replication, date), one column per daily field.

        ``destination``: a place with stock (default: the main destination).
        """
        data = {f: self.daily(f, destination).ravel() for f in DAILY_FIELDS}
        index = pd.MultiIndex.from_product(
            [self.replications.index, self.dates], names=["replication", "date"]
        )
        return pd.DataFrame(data, index=index)

    def to_xarray(self, destination: str | Sequence[str] | None = None) -> Any:
        """An :class:`xarray.Dataset` with dims (replication, date), if xarray is installed.

        Every variable has ``attrs["units"]`` (``"L"``, ``"days"``, ``"tankers"``, or the
        main commodity's unit and vehicles, ``"t"``, ``"trucks"``; ``"1"``
        for the 0/1 flags ``rationing`` and ``stockout``, as CF conventions write a
        dimensionless quantity) and ``attrs["long_name"]``.

        Parameters
        ----------
        destination : str or sequence of str, optional
            One place with stock (default: the main destination): its daily fields, dims
            (replication, date), with ``attrs["destination"]`` its place key. A list of
            places (``result.destinations`` for all of them) adds a first dimension
            ``place`` (coordinate: the place keys in the order given, and ``place_name``
            their names): dims (place, replication, date).

        Raises
        ------
        UnknownDestination
            If a destination is not a place with stock of the scenario.
        ValueError
            If a list of places is empty or names a place twice.
        """
        try:
            import xarray as xr
        except ImportError as exc:
            raise ImportError("to_xarray needs xarray: pip install 'simfuel[xarray]'") from exc
        coords: dict[str, Any] = {
            "replication": self.replications.index.to_numpy(),
            "date": self.dates,
        }
        attrs = {"scenario": self.scenario.name, "seed_entropy": str(self.seed_entropy)}
        dims: tuple[str, ...] = ("replication", "date")
        if destination is None or isinstance(destination, str):
            if destination is not None:
                resolve_destination(self.scenario, destination)
                attrs["destination"] = destination

            def values(field: str) -> np.ndarray:
                return self.daily(field, destination)

        else:
            places = [str(p) for p in destination]
            for place in places:
                resolve_destination(self.scenario, place)  # an unknown one fails before a read
            if not places or len(set(places)) != len(places):
                raise ValueError(
                    f"to_xarray needs distinct places with stock (got {places}); known: "
                    f"{', '.join(self.destinations)}"
                )
            names = [(self.scenario.places[p].name or p) for p in places]
            coords = {"place": places, "place_name": ("place", names), **coords}
            dims = ("place", *dims)

            def values(field: str) -> np.ndarray:
                return np.stack([self.daily(field, p) for p in places])

        vocab = self.scenario.vocabulary
        data_vars = {f: (dims, values(f), _daily_attrs(f, vocab)) for f in DAILY_FIELDS}
        ds = xr.Dataset(data_vars, coords=coords)
        ds.attrs.update(attrs)
        return ds

    def to_csv(
        self,
        directory: str | os.PathLike[str],
        q: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
        *,
        destination: str | None = None,
    ) -> dict[str, Path]:
        """Write the ensemble as CSV tables a spreadsheet opens, replaced as one set.

        Every table is of one place with stock: the main destination (the depot) unless
        ``destination`` names another. For every place, write one folder each::

            for place in result.destinations:
                result.to_csv(out / place, destination=place)

        * ``replications.csv``: one row per replication (index ``replication``) with
          the metrics of :meth:`RunResult.summary`; dates as ``YYYY-MM-DD`` (empty:
          never), counts as integers.
        * ``bands.csv``: long form, one row per (``date``, ``field``) with the field's
          ``unit`` and its quantiles across replications (``p5`` ... ``p95``), for every
          daily field but the flags.
        * ``probabilities.csv``: by ``date``, the share of replications rationing
          (``p_rationing``), in stock-out (``p_stockout``) and stocked out on at least one
          day so far (``p_stockout_by_date``).
        * ``summary.csv`` (last: the set's marker): :meth:`summary_table`, one row per
          metric with its ``unit``, ``median``, ``low`` and ``high`` (5 % and 95 %) and
          ``share_never``.

        Every ``unit`` is the main commodity's (``Scenario.vocabulary``: ``t`` and
        ``trucks`` for supplies in tonnes by truck, ``L`` and ``tankers`` for fuel); the
        field and metric names keep their ``_l``. Rounded as :meth:`RunResult.to_csv`
        rounds (litres to 0.1 L, the rest to 0.001).
        Unlike :meth:`to_parquet` this is for reading, not for reloading.

        Parameters
        ----------
        directory : path
            Folder to write into; created if missing.
        q : sequence of float
            Quantiles of ``bands.csv``, in [0, 1].
        destination : str, optional
            A place key of a place with stock (default: the main destination): the
            tables are its figures, as :meth:`replications_at`, :meth:`bands`,
            :meth:`probability` and :meth:`summary_table` give them for it.

        Returns
        -------
        dict of str to Path
            The paths written, by table name.

        Raises
        ------
        UnknownDestination
            If ``destination`` is not a place with stock (nothing is written).
        """
        qs = [float(x) for x in q]
        if any(not 0 <= x <= 1 for x in qs):
            raise ValueError(f"quantiles must be in [0, 1] (got {qs})")
        at = destination
        replications = table_for_file(
            self.replications_at(at), integers=COUNT_METRICS, dates=_DATE_METRICS
        )
        bands = pd.concat(
            [self._band_rows(f, qs, at) for f in DAILY_FIELDS if f not in _FLAGS],
            ignore_index=True,
        )

        def share(expr: str, cumulative: bool = False) -> np.ndarray:
            return self.probability(expr, cumulative=cumulative, destination=at).to_numpy()

        probabilities = pd.DataFrame(
            {
                "p_rationing": share("rationing > 0"),
                "p_stockout": share("stockout > 0"),
                "p_stockout_by_date": share("stockout > 0", cumulative=True),
            },
            index=self.dates,
        ).round(OTHER_DECIMALS)
        summary = _summary_for_file(self.summary_table(destination=at), self.scenario.vocabulary)
        tables = {
            "replications.csv": (replications, True),
            "bands.csv": (bands, False),
            "probabilities.csv": (probabilities, True),
            "summary.csv": (summary, True),  # last: the set's marker
        }

        def writer(frame: pd.DataFrame, index: bool) -> Callable[[Path], None]:
            def write(path: Path) -> None:
                with open(path, "w", encoding="utf-8", newline="") as fh:
                    frame.to_csv(fh, index=index)

            return write

        paths = write_file_set(directory, {n: writer(*t) for n, t in tables.items()})
        return {name.split(".")[0]: path for name, path in paths.items()}

    def _band_rows(
        self, field: str, qs: list[float], destination: str | None = None
    ) -> pd.DataFrame:
        values = (
            np.quantile(self.daily(field, destination), qs, axis=0)
            if self.n
            else np.full((len(qs), len(self.dates)), np.nan)
        )
        rows = pd.DataFrame(
            np.round(values.T, _decimals(field)) + 0.0, columns=[_q_name(x) for x in qs]
        )
        rows.insert(0, "unit", column_unit(field, self.scenario.vocabulary))
        rows.insert(0, "field", field)
        rows.insert(0, "date", self.dates.strftime("%Y-%m-%d"))
        return rows

    def to_parquet(self, directory: str | os.PathLike[str]) -> Path:
        """Write the ensemble as a store folder (manifest and Parquet parts).

        :meth:`from_parquet` reads it back. Returns the folder. The folder is locked
        while it is written, and parts hold at most 100 replications each, so reading a
        daily field back needs no more memory than the field itself.

        Raises
        ------
        FileExistsError
            If ``directory`` already holds an ensemble.
        StoreLocked
            If a run is writing into ``directory`` now.
        """
        target = Path(directory)
        if self._store is not None and self._store.dir.resolve() == target.resolve():
            return target
        store = EnsembleStore(target)
        with store.writing():
            if store.exists():
                raise FileExistsError(f"{target} already holds an ensemble")
            if self._store is not None:
                # The parts are sound and finished (they were read to build this result);
                # the manifest goes last, so a copy cut short holds no ensemble.
                store.parts.mkdir(parents=True, exist_ok=True)
                for part in sorted(self._store.parts.glob("*.parquet")):
                    with atomic_path(store.parts / part.name) as tmp:
                        shutil.copyfile(part, tmp)
                names = ["scenario.json", INPUTS_FILE, "manifest.json"]
                for name in (n for n in names if (self._store.dir / n).is_file()):
                    with atomic_path(target / name) as tmp:
                        shutil.copyfile(self._store.dir / name, tmp)
                return target
            from .worker import BatchOutput

            others = [p for p in self.destinations[1:] if p in self._place_daily]
            store.initialise(
                self.scenario,
                self.seed_entropy,
                self.spawn_key,
                self.n,
                resume=False,
                provenance=self.provenance,
                inputs=self._own_inputs(),
                places=[self.main_destination, *others],
            )
            summary = self._raw_summary(self.replications)
            index = self.replications.index.to_numpy(np.int64)
            daily = {f: self.daily(f) for f in DAILY_FIELDS}
            place_summary = (
                np.stack([self._raw_summary(self.replications_at(p)) for p in others], axis=1)
                if others
                else None
            )
            for lo in range(0, self.n, _PART_SIZE):
                rows = slice(lo, lo + _PART_SIZE)
                store.write_batch(
                    BatchOutput(
                        indices=index[rows],
                        summary=summary[rows],
                        daily=np.stack([daily[f][rows] for f in DAILY_FIELDS], axis=-1),
                        place_summary=None if place_summary is None else place_summary[rows],
                        place_daily=np.stack(
                            [
                                np.stack(
                                    [self._place_daily[p][f][rows] for f in DAILY_FIELDS],
                                    axis=-1,
                                )
                                for p in others
                            ],
                            axis=1,
                        )
                        if others
                        else None,
                    )
                )
        return target

    def _raw_summary(self, table: pd.DataFrame) -> np.ndarray:
        """A replications table as the store's float array (dates as day offsets)."""
        raw = table.copy()
        for col in _DATE_METRICS:
            raw[col] = (raw[col] - pd.Timestamp(self.scenario.start)).dt.days.astype(float)
        return raw[list(SUMMARY_METRICS)].to_numpy(float)

    def _own_inputs(self) -> ReplicationInputs | None:
        """The replications' own scenarios and seeds, for the store (None: the default)."""
        if self.replication_scenarios is None and self.replication_spawn_keys is None:
            return None
        index = self.replications.index.astype(np.int64).tolist()
        scenarios, keys = self.replication_scenarios, self.replication_spawn_keys
        return ReplicationInputs(
            indices=index,
            scenarios=None if scenarios is None else [scenarios[i] for i in index],
            spawn_keys=None if keys is None else [keys[i] for i in index],
        )

    @classmethod
    def from_parquet(
        cls, directory: str | os.PathLike[str], *, allow_incomplete: bool = False
    ) -> EnsembleResult:
        """Open an ensemble written by :meth:`to_parquet` or by ``run_ensemble(store=...)``.

        Parameters
        ----------
        directory : path
            The store folder.
        allow_incomplete : bool
            Open a store that holds fewer replications than its manifest plans (a run
            interrupted, failed or still going): the result holds the finished ones and
            has :attr:`complete` False. By default such a store raises.

        Raises
        ------
        StoreMissing
            If the folder holds no ensemble (a ``FileNotFoundError`` too).
        IncompleteStore
            If replications are missing and ``allow_incomplete`` is False.
        StoreDamaged
            If the manifest or a part cannot be read, or two parts overlap.
        """
        store = EnsembleStore(directory)
        if not store.exists():
            raise StoreMissing(f"{directory} holds no ensemble (no manifest.json)")
        m = store.manifest()
        summary = store.read_summary()
        planned = int(m["n"])
        missing = np.setdiff1d(np.arange(planned), summary.index.to_numpy())
        if missing.size and not allow_incomplete:
            writer = store.writer()
            why = (
                f"a run is writing it now ({writer})"
                if writer
                else "finish it with resume=True (--resume)"
            )
            raise IncompleteStore(
                f"{directory}: holds {planned - missing.size} of {planned} replications "
                f"(missing {_ranges(missing)}): {why}, or pass allow_incomplete=True",
                done=planned - int(missing.size),
                planned=planned,
            )
        summary = summary[summary.index < planned]
        scenarios, keys = store.replication_inputs()
        rows = summary.index.astype(np.int64).tolist()
        for what, by_index in (("scenario", scenarios), ("spawn key", keys)):
            if by_index is not None and (lost := sorted(set(rows) - set(by_index))):
                raise StoreDamaged(
                    f"{store.dir / INPUTS_FILE}: no {what} for replications "
                    f"{_ranges(np.asarray(lost))}; the store is damaged"
                )
        result = cls(
            scenario=store.scenario(),
            seed_entropy=int(m["seed_entropy"]),
            spawn_key=tuple(m["spawn_key"]),
            summary=summary,
            store=store,
            provenance=store.provenance(),
            replication_scenarios=None if scenarios is None else [scenarios[i] for i in rows],
            replication_spawn_keys=None if keys is None else [keys[i] for i in rows],
        )
        result.complete = not missing.size
        result.n_planned = planned
        return result

    #: False for a store opened with ``allow_incomplete=True`` that misses replications.
    complete: bool = True
    #: Replications the store's manifest plans (None for an ensemble run in memory).
    n_planned: int | None = None

    def summary_table(
        self, q: tuple[float, float] = (0.05, 0.95), *, destination: str | None = None
    ) -> pd.DataFrame:
        """Median and interval of every summary metric across replications.

        Dates are summarised as dates, over **all** replications: one in which the event
        (rationing, stock-out) never happened counts as later than any date, so a median
        or bound that falls among those is ``None`` ("never"), never a date of the runs
        where it happened. ``share_never`` gives the share of replications in which it
        never happened. ``destination``: a place with stock (default: the main
        destination), whose :meth:`replications_at` table is summarised.
        """
        rows: dict[str, dict[str, Any]] = {}
        start = self.scenario.start
        table = self.replications_at(destination)
        for col in SUMMARY_METRICS:
            s = table[col]
            if col in _DATE_METRICS:
                if s.size == 0:
                    rows[col] = {"median": None, "low": None, "high": None, "share_never": np.nan}
                    continue
                never = float(s.isna().mean())
                when = date_quantiles(s, start, (0.5, *q))
                rows[col] = {
                    "median": when[0],
                    "low": when[1],
                    "high": when[2],
                    "share_never": never,
                }
            else:
                values = s.dropna().to_numpy(float)
                if values.size == 0:
                    rows[col] = {
                        "median": np.nan,
                        "low": np.nan,
                        "high": np.nan,
                        "share_never": np.nan,
                    }
                    continue
                qs = np.quantile(values, [0.5, *q])
                rows[col] = {"median": qs[0], "low": qs[1], "high": qs[2], "share_never": np.nan}
        return pd.DataFrame.from_dict(rows, orient="index")

    def __repr__(self) -> str:
        where = f", store={str(self._store.dir)!r}" if self._store is not None else ""
        return f"EnsembleResult({self.scenario.name!r}, n={self.n}{where})"


class _LazyFields(Mapping[str, np.ndarray]):
    """Daily fields read on first access (for callable conditions)."""

    def __init__(self, result: EnsembleResult, destination: str | None = None) -> None:
        self._result = result
        self._destination = destination
        self._cache: dict[str, np.ndarray] = {}

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self._cache:
            self._cache[key] = self._result.daily(key, self._destination)
        return self._cache[key]

    def __iter__(self) -> Any:
        return iter(DAILY_FIELDS)

    def __len__(self) -> int:
        return len(DAILY_FIELDS)


def date_quantiles(
    dates: pd.Series | Sequence[Any], start: dt.date, qs: Sequence[float]
) -> list[dt.date | None]:
    """Quantiles of event dates over **all** replications: the one rule of simfuel.

    A replication where the event never happened (NaT) counts as later than any date, so
    a quantile that falls among those is None ("never"): the median is "never" when more
    than half the replications never had the event. Quantiles are order statistics (no
    interpolation: always the date of one replication), each timestamp taken as its
    calendar day (floored), so there are no half days to round. Every output that shows
    a median stock-out or rationing date (the CLI summary, the report, the brief) uses
    this function, through :meth:`EnsembleResult.summary_table`.

    Parameters
    ----------
    dates : pandas.Series or sequence
        One timestamp per replication (NaT or None: never happened).
    start : datetime.date
        The horizon's first day (days are counted from its midnight).
    qs : sequence of float
        The quantiles, in [0, 1].

    Returns
    -------
    list of datetime.date or None
    """
    stamps = pd.to_datetime(pd.Series(dates))
    if stamps.size == 0:
        return [None for _ in qs]
    days = (stamps - pd.Timestamp(start)).dt.days.to_numpy(float)
    q = np.quantile(np.nan_to_num(days, nan=np.inf), list(qs), method="inverted_cdf")
    return [None if np.isinf(v) else start + dt.timedelta(days=int(v)) for v in q]


def _by_replication(summary: pd.DataFrame, values: Sequence[Any] | None, what: str) -> Any:
    """``values`` (one per row of ``summary``, in its order) keyed by replication index."""
    if values is None:
        return None
    if len(values) != len(summary):
        raise ValueError(
            f"{len(values)} replication {what} for {len(summary)} replications: one per row"
        )
    return dict(zip(summary.index.astype(np.int64).tolist(), values, strict=True))


def _summary_table(summary: pd.DataFrame, start: dt.date) -> pd.DataFrame:
    out = summary.copy()
    out.index = out.index.astype(np.int64)
    out.index.name = "replication"
    origin = pd.Timestamp(start)
    for col in _DATE_METRICS:
        if col in out.columns and not pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = origin + pd.to_timedelta(out[col].astype(float), unit="D")
    return out.sort_index()


def _ranges(values: np.ndarray, limit: int = 4) -> str:
    """``0-3, 7, 9-12`` for sorted integers: what is missing, briefly."""
    runs: list[str] = []
    breaks = np.flatnonzero(np.diff(values) != 1)
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [values.size - 1]])
    for a, b in zip(starts[:limit], ends[:limit], strict=True):
        lo, hi = int(values[a]), int(values[b])
        runs.append(str(lo) if lo == hi else f"{lo}-{hi}")
    more = ", ..." if starts.size > limit else ""
    return ", ".join(runs) + more


def _decimals(name: str) -> int:
    return LITRE_DECIMALS if column_unit(name) == "L" else OTHER_DECIMALS


def _q_name(q: float) -> str:
    """``p5`` for the 0.05 quantile, ``p2.5`` for 0.025."""
    return f"p{round(q * 100, 6):g}"


def _daily_attrs(field: str, vocab: Vocabulary = FUEL) -> dict[str, str]:
    """xarray attributes of a daily field: its unit and what it is, in ``vocab``'s words."""
    unit = "1" if field in _FLAGS else column_unit(field, vocab)
    return {"units": unit, "long_name": daily_label(field, vocab).label}


def _summary_for_file(table: pd.DataFrame, vocab: Vocabulary = FUEL) -> pd.DataFrame:
    """:meth:`EnsembleResult.summary_table` with units (``vocab``'s), rounded, ISO days."""

    def cell(metric: str, value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        return round(float(value), _decimals(metric)) + 0.0

    out = pd.DataFrame(
        {
            "unit": [column_unit(m, vocab) for m in table.index],
            **{
                col: [cell(m, v) for m, v in zip(table.index, table[col], strict=True)]
                for col in ("median", "low", "high")
            },
            "share_never": table["share_never"].astype(float).round(OTHER_DECIMALS).to_numpy(),
        },
        index=pd.Index(table.index, name="metric"),
    )
    return out
