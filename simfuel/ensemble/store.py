"""The on-disk form of an ensemble: a manifest and Parquet parts, written atomically.

Layout of a store folder::

    manifest.json                       scenario, seed, n, dates, fields, places (first)
    scenario.json                       the validated scenario, to rebuild the result
    replications.json                   only when replications ran other scenarios or
                                        seeds (a posterior ensemble): each one's own
                                        (ensemble/inputs.py; named by the manifest)
    parts/daily-0000000-0000099.parquet    rows (replication, day) x daily fields
    parts/summary-0000000-0000099.parquet  rows replication x summary metrics
    .lock                               held (``flock``) by the one process writing

The columns of the main destination (the depot) are named by field or metric
(``stock_l``); those of each other place with stock that the manifest's ``places`` lists
(the depot first, then the destinations) carry its key after an ``@`` (``stock_l@segou``).
A store written before places were recorded has no ``places`` (only the depot's columns):
it reads and resumes as before, and asking it for another place says so.

A batch is finished when its ``summary`` part exists: it is renamed into place after
its ``daily`` part, so a crash between the two leaves a daily part that a resumed run
simply writes again. Every part is flushed to disk before its rename.

What cannot happen, by construction or by a check:

* two writers: a run or resume holds an exclusive lock on ``.lock`` from start to end,
  and a second one is refused (:class:`StoreLocked`); the kernel drops the lock when
  its holder dies, so a killed run never leaves the store locked;
* a replication in two parts, or a (replication, day) row missing or written twice:
  reading refuses such a store (:class:`StoreDamaged`), never filling in garbage;
* a damaged part going unnoticed: a resume reads every part whole and recomputes the
  batches it cannot read;
* a partial store passing for a whole one: :class:`IncompleteStore` unless asked for.

Memory does not grow with ``n``: nothing but the small summary table is read back until
a daily metric is asked for, and then one column at a time.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..io import FolderLocked, atomic_path, exclusive_lock, lock_holder, write_text
from ..results import SUMMARY_METRICS
from ..scenario import Scenario, load_json, read_source
from ..scenario.provenance import Provenance, content_hash
from ..scenario.schema import stock_places
from ..sim.recorder import DAILY_FIELDS
from .inputs import INPUTS_FILE, read_inputs, write_inputs
from .worker import BatchOutput

__all__ = [
    "EnsembleStore",
    "IncompleteStore",
    "ReplicationInputs",
    "StoreDamaged",
    "StoreError",
    "StoreLocked",
    "StoreMismatch",
    "place_column",
    "scenario_digest",
]

FORMAT_VERSION = 1
_PART = re.compile(r"^(daily|summary)-(\d{7,})-(\d{7,})\.parquet$")
_MANIFEST_KEYS = {
    "format": int,
    "scenario": str,
    "scenario_sha256": str,
    "seed_entropy": str,
    "spawn_key": list,
    "n": int,
    "start": str,
    "days": int,
}


#: Bounds of a manifest's ``n`` and ``days``, above anything a run can write (the CLI allows
#: 10 million replications; a scenario at most 36,525 days).
_MAX_STORE_REPS = 100_000_000
_MAX_STORE_DAYS = 40_000


def place_column(name: str, place: str | None) -> str:
    """The store's column of a daily field or summary metric at a place (None: the depot)."""
    return name if place is None else f"{name}@{place}"


class StoreError(InputError):
    """A store folder that cannot be used as asked. Base of the store's errors.

    An :class:`~simfuel.errors.InputError` (so a ``ValueError``): the message names the
    folder or file and what to do, in one line.
    """


class StoreMismatch(StoreError):
    """A store folder holds another ensemble (other scenario, seed or size)."""


class StoreMissing(StoreError, FileNotFoundError):
    """A folder that holds no ensemble (no ``manifest.json``): also a ``FileNotFoundError``."""


class StoreLocked(StoreError):
    """Another run (or resume) is writing into the store folder right now."""


class StoreDamaged(StoreError):
    """A store's manifest or parts cannot be read, overlap, or miss rows."""


class IncompleteStore(StoreError):
    """A store holds fewer finished replications than its manifest plans.

    Attributes
    ----------
    done : int
        Finished replications.
    planned : int
        Replications the manifest plans (``n``).
    """

    def __init__(self, message: str, done: int, planned: int) -> None:
        super().__init__(message)
        self.done = done
        self.planned = planned


def scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON: two equal scenarios share it.

    The content hash of a provenance record
    (:func:`simfuel.scenario.provenance.content_hash`).
    """
    return content_hash(scenario)


def _check_overrides(
    directory: Path, manifest: dict[str, Any], provenance: Provenance | None
) -> None:
    """Refuse to add to a store whose ensemble was run with other ``--set`` overrides.

    The content hash alone lets a file that sets a value pass for the shipped scenario with
    that value overridden: the same numbers, but the store's record would be wrong.
    """
    record = manifest.get("provenance")
    if provenance is None or not isinstance(record, dict):
        return
    there = [str(x) for x in record.get("overrides") or []]
    if there != list(provenance.overrides):
        shown = " ".join(there) or "none"
        now = " ".join(provenance.overrides) or "none"
        raise StoreMismatch(
            f"{directory} holds an ensemble run with other overrides ({shown} there, {now} "
            "now): choose another folder, or delete this one"
        )


def _import_pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is a dependency
        raise ImportError("Parquet output needs pyarrow: pip install pyarrow") from exc
    return pa, pq


def _part_range(path: Path) -> tuple[int, int] | None:
    m = _PART.match(path.name)
    return (int(m.group(2)), int(m.group(3))) if m else None


@dataclass(frozen=True)
class ReplicationInputs:
    """What each replication ran when it is not the default (see :mod:`.inputs`).

    Attributes
    ----------
    indices : sequence of int
        Replication indices.
    scenarios : sequence of Scenario, or None
        The scenario of each (aligned with ``indices``); None: the store's scenario.
    spawn_keys : sequence of tuple of int, or None
        The full spawn key of each one's seed; None: ``replication_seed(root, i)``.
    """

    indices: Sequence[int]
    scenarios: Sequence[Scenario] | None
    spawn_keys: Sequence[tuple[int, ...]] | None


@dataclass(frozen=True)
class _Part:
    """A finished batch: its summary part, daily part and replications (sorted)."""

    summary: Path
    daily: Path
    replications: np.ndarray


class EnsembleStore:
    """A folder of Parquet parts holding an ensemble's finished replications."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.dir = Path(directory)
        self.parts = self.dir / "parts"
        self._writing = False
        self._done: set[int] = set()

    # ------------------------------------------------------------------ lock

    @property
    def lock_path(self) -> Path:
        """Path of the lock file that the one writer holds."""
        return self.dir / ".lock"

    @contextlib.contextmanager
    def writing(self) -> Iterator[EnsembleStore]:
        """Hold the store's exclusive lock for the block (creating the folder if needed).

        Raises
        ------
        StoreLocked
            If another process (or another writer in this one) holds it.
        """
        if self.dir.exists() and not self.dir.is_dir():
            raise StoreError(f"{self.dir}: is a file, not a store folder")
        self.dir.mkdir(parents=True, exist_ok=True)
        # flock, not lockf: a second writer in this very process is refused too, and
        # probing the lock (writer()) cannot release it. Forked pool workers share the
        # lock, but they exit as soon as this process dies (executors.exit_with_parent).
        try:
            with exclusive_lock(self.lock_path):
                self._writing = True
                try:
                    yield self
                finally:
                    self._writing = False
        except FolderLocked as exc:
            raise StoreLocked(
                f"{self.dir}: in use by another run ({exc.holder or 'another process'}); "
                "wait for it to finish, or choose another folder"
            ) from None

    def writer(self) -> str | None:
        """Who is writing the store now (``"pid N on HOST"``), or None."""
        return lock_holder(self.lock_path)

    # ------------------------------------------------------------------ manifest

    @property
    def manifest_path(self) -> Path:
        """Path of ``manifest.json``."""
        return self.dir / "manifest.json"

    def exists(self) -> bool:
        """Whether the folder already holds an ensemble."""
        return self.manifest_path.is_file()

    def manifest(self) -> dict[str, Any]:
        """The manifest as a dict.

        Raises
        ------
        StoreDamaged
            If it cannot be read, is not JSON (e.g. truncated) or misses a field.
        """
        path = self.manifest_path
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreDamaged(
                f"{path}: cannot be read ({exc}); the store is damaged: run again into "
                "another folder"
            ) from None
        if not isinstance(data, dict):
            raise StoreDamaged(f"{path}: not a store manifest (a JSON object expected)")
        for key, kind in _MANIFEST_KEYS.items():
            value = data.get(key)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise StoreDamaged(
                    f"{path}: {key}: missing or not {kind.__name__} (got {value!r:.40}); "
                    "the store is damaged"
                )
        if data["n"] < 1 or data["days"] < 1:
            raise StoreDamaged(f"{path}: n and days must be >= 1; the store is damaged")
        if data["n"] > _MAX_STORE_REPS or data["days"] > _MAX_STORE_DAYS:
            # No run writes these: reading them would only end in "out of memory".
            raise StoreDamaged(
                f"{path}: n {data['n']:,} or days {data['days']:,} is implausible (at most "
                f"{_MAX_STORE_REPS:,} and {_MAX_STORE_DAYS:,}); the store is damaged"
            )
        return data

    def initialise(
        self,
        scenario: Scenario,
        entropy: int,
        spawn_key: tuple[int, ...],
        n: int,
        resume: bool,
        provenance: Provenance | None = None,
        *,
        inputs: ReplicationInputs | None = None,
        places: Sequence[str] | None = None,
    ) -> None:
        """Create the store, or check that the one there is the same ensemble.

        Call it inside :meth:`writing`. On ``resume`` every part is read whole; batches
        whose parts cannot be read (truncated, empty, missing rows) are deleted so that
        the run computes them again. ``provenance`` goes into the manifest; a resume
        must bring the same overrides (a store written before provenance was recorded
        accepts any). ``inputs``, for a new store only: the replications' own scenarios
        and spawn keys (:class:`ReplicationInputs`), written to ``replications.json``
        before the manifest that names it. ``places``, for a new store: the places with
        stock whose figures every batch brings, the depot first (default: all of the
        scenario's); a resume keeps the store's own.

        Raises
        ------
        StoreMismatch
            If the folder holds another ensemble, or holds this one and ``resume`` is False.
        StoreDamaged
            If the manifest cannot be read, or two parts hold the same replication.
        """
        self._require_lock()
        manifest = {
            "format": FORMAT_VERSION,
            "scenario": scenario.name,
            "scenario_sha256": scenario_digest(scenario),
            "seed_entropy": str(entropy),
            "spawn_key": list(spawn_key),
            "n": n,
            "start": scenario.start.isoformat(),
            "days": scenario.horizon_days,
            "daily_fields": list(DAILY_FIELDS),
            "summary_metrics": list(SUMMARY_METRICS),
            "places": list(places) if places is not None else stock_places(scenario),
        }
        if provenance is not None:
            manifest["provenance"] = provenance.to_dict()
        if inputs is not None:
            if self.exists():
                raise StoreMismatch(f"{self.dir}: replication inputs only go into a new store")
            manifest["replication_inputs"] = INPUTS_FILE
        if self.exists():
            old = self.manifest()
            _check_overrides(self.dir, old, provenance)
            if not resume:
                try:
                    count = str(len(self.done()))
                except StoreDamaged:
                    count = "some"
                same = all(
                    old.get(key) == manifest[key]
                    for key in ("scenario_sha256", "seed_entropy", "spawn_key", "days", "format")
                )
                # --resume only helps when the folder holds this very ensemble.
                advice = (
                    "pass resume=True (--resume) to finish it, or choose another folder"
                    if same
                    else "it is another ensemble (scenario, seed or horizon differ): choose "
                    "another folder, or delete this one"
                )
                raise StoreMismatch(
                    f"{self.dir} already holds an ensemble ({old.get('scenario')}, "
                    f"{count} of {old.get('n')} replications done): {advice}"
                )
            if old.get("replication_inputs") is not None:
                # Its replications ran their own scenarios and seeds, which a run cannot add to.
                raise StoreMismatch(
                    f"{self.dir} holds an ensemble whose replications ran their own "
                    "scenarios or seeds (a posterior ensemble): it cannot be resumed or "
                    "extended; choose another folder"
                )
            for key in ("scenario_sha256", "seed_entropy", "spawn_key", "days", "format"):
                if old.get(key) != manifest[key]:
                    raise StoreMismatch(
                        f"{self.dir} holds a different ensemble ({key} differs: "
                        f"{old.get(key)!r} there, {manifest[key]!r} now); resume only "
                        "finishes the same scenario with the same seed"
                    )
            if n < old["n"]:
                raise StoreMismatch(
                    f"{self.dir} holds an ensemble of n={old['n']}; resume with n >= that "
                    f"(got {n}) or use another folder"
                )
            if n != old["n"]:
                write_text(self.manifest_path, json.dumps({**old, "n": n}, indent=2) + "\n")
            self._write_scenario_if_unreadable(scenario)
            self.parts.mkdir(exist_ok=True)
            self._repair()
            return
        if self.parts.exists() and any(self.parts.iterdir()):
            raise StoreMismatch(f"{self.parts} has parts but no manifest.json")
        self.parts.mkdir(parents=True, exist_ok=True)
        self._write_scenario(scenario)
        if inputs is not None:
            write_inputs(
                self.dir, inputs.indices, inputs.scenarios, inputs.spawn_keys, scenario_digest
            )
        write_text(self.manifest_path, json.dumps(manifest, indent=2) + "\n")
        self._done = set()

    def places(self) -> list[str] | None:
        """The places with stock the store holds, the depot first (None: only the depot's,
        a store written before places were recorded).

        Raises
        ------
        StoreDamaged
            If the manifest's ``places`` is not a list of place keys.
        """
        raw = self.manifest().get("places")
        if raw is None:
            return None
        if not (isinstance(raw, list) and raw and all(isinstance(p, str) and p for p in raw)):
            raise StoreDamaged(f"{self.manifest_path}: places: not a list of place keys")
        return list(raw)

    def _others(self) -> list[str]:
        """The places other than the depot whose columns the parts hold."""
        return (self.places() or [])[1:]

    def provenance(self) -> Provenance | None:
        """The manifest's provenance record (None for a store written without one)."""
        record = self.manifest().get("provenance")
        return Provenance.from_dict(record) if isinstance(record, dict) else None

    def _write_scenario(self, scenario: Scenario) -> None:
        write_text(
            self.dir / "scenario.json",
            scenario.model_dump_json(by_alias=True, exclude_unset=True, indent=2) + "\n",
        )

    def _write_scenario_if_unreadable(self, scenario: Scenario) -> None:
        # The manifest's digest matched, so this scenario is the store's: rewriting a
        # damaged copy loses nothing.
        try:
            self.scenario()
        except StoreDamaged:
            self._write_scenario(scenario)

    def scenario(self) -> Scenario:
        """The scenario the ensemble ran.

        Raises
        ------
        StoreDamaged
            If ``scenario.json`` cannot be read or is not a valid scenario.
        """
        path = self.dir / "scenario.json"
        try:
            return load_json(read_source(path), str(path))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreDamaged(f"{path}: cannot be read ({first}); the store is damaged") from None

    def replication_inputs(
        self,
    ) -> tuple[dict[int, Scenario] | None, dict[int, tuple[int, ...]] | None]:
        """The replications' own scenarios and spawn keys, by index (None, None: the default).

        Raises
        ------
        StoreDamaged
            If the manifest names ``replications.json`` and it is missing or unsound.
        """
        if self.manifest().get("replication_inputs") is None:
            return None, None
        try:
            return read_inputs(self.dir, scenario_digest)
        except ValueError as exc:
            raise StoreDamaged(f"{exc}; the store is damaged") from None

    # ------------------------------------------------------------------ parts

    def _require_lock(self) -> None:
        if not self._writing:
            raise RuntimeError("write to an EnsembleStore only inside `with store.writing():`")

    def _summary_parts(self) -> list[Path]:
        return sorted(self.parts.glob("summary-*.parquet"))

    def _read_part(self, path: Path, columns: list[str] | None = None) -> Any:
        pa, pq = _import_pyarrow()
        try:
            return pq.read_table(path, columns=columns)
        except (OSError, ValueError, KeyError, pa.ArrowException) as exc:
            raise StoreDamaged(
                f"{path}: cannot be read ({str(exc).strip().splitlines()[0]:.120}); "
                "resume the run (resume=True, --resume) to compute it again"
            ) from None

    def _finished(self) -> list[_Part]:
        """Every finished batch (replications from its summary part), checked for overlaps."""
        parts: list[_Part] = []
        owner: dict[int, Path] = {}
        for p in self._summary_parts():
            reps = self._read_part(p, ["replication"]).column(0).to_numpy()
            part = _Part(p, p.with_name(p.name.replace("summary-", "daily-", 1)), np.sort(reps))
            if np.unique(reps).size != reps.size:
                raise StoreDamaged(f"{p}: holds a replication twice; the store is damaged")
            for r in part.replications.tolist():
                if r in owner:
                    raise StoreDamaged(
                        f"{self.parts}: parts {owner[r].name} and {p.name} both hold "
                        f"replication {r} (two runs wrote into this folder); delete one of "
                        "them and resume"
                    )
                owner[r] = p
            parts.append(part)
        return parts

    def done(self) -> np.ndarray:
        """Indices of the finished replications, sorted.

        Raises
        ------
        StoreDamaged
            If a summary part cannot be read, or two hold the same replication.
        """
        found = [p.replications for p in self._finished()]
        return np.sort(np.concatenate(found)).astype(np.int64) if found else np.empty(0, np.int64)

    def missing(self) -> np.ndarray:
        """Replications the manifest plans that are not finished, sorted."""
        return np.setdiff1d(np.arange(int(self.manifest()["n"]), dtype=np.int64), self.done())

    def _check_part(self, summary: Path, days: int) -> None:
        """Read a finished batch whole; raise StoreDamaged unless it is complete and sound."""
        table = self._read_part(summary)
        others = self._others()
        wanted = {*SUMMARY_METRICS, *(place_column(m, p) for p in others for m in SUMMARY_METRICS)}
        missing = {"replication", *wanted} - set(table.column_names)
        if missing:
            raise StoreDamaged(f"{summary}: columns missing: {', '.join(sorted(missing))}")
        reps = np.sort(table.column("replication").to_numpy())
        span = _part_range(summary)
        if reps.size == 0 or span != (int(reps[0]), int(reps[-1])):
            raise StoreDamaged(f"{summary}: its replications do not match its name")
        daily = summary.with_name(summary.name.replace("summary-", "daily-", 1))
        if not daily.is_file():
            raise StoreDamaged(f"{daily}: missing")
        keys = self._read_part(daily, ["replication", "day"])
        got = np.lexsort((keys.column("day").to_numpy(), keys.column("replication").to_numpy()))
        rep_col = keys.column("replication").to_numpy()[got]
        day_col = keys.column("day").to_numpy()[got]
        if not (
            rep_col.size == reps.size * days
            and np.array_equal(rep_col, np.repeat(reps, days))
            and np.array_equal(day_col, np.tile(np.arange(days), reps.size))
        ):
            raise StoreDamaged(f"{daily}: rows missing or repeated")
        columns = [place_column(f, p) for p in [None, *others] for f in DAILY_FIELDS]
        for field in columns:  # one column at a time: decoding finds damaged pages
            if self._read_part(daily, [field]).num_rows != rep_col.size:  # pragma: no cover
                raise StoreDamaged(f"{daily}: {field}: rows missing")

    def _repair(self) -> None:
        """Before a resume: drop what cannot be trusted, so the run computes it again.

        Temporary files of interrupted writes, daily parts without their summary part
        (the batch never finished), and whole batches with a part that cannot be read.
        Overlapping parts are not guessed at: they raise.
        """
        days = int(self.manifest()["days"])
        for p in self.parts.glob(".*.tmp"):
            p.unlink()
        for p in self._summary_parts():
            try:
                self._check_part(p, days)
            except StoreDamaged:
                p.unlink()  # the completion mark first: the batch is now unfinished
                with contextlib.suppress(FileNotFoundError):
                    p.with_name(p.name.replace("summary-", "daily-", 1)).unlink()
        finished = {p.name.replace("summary-", "daily-", 1) for p in self._summary_parts()}
        for p in self.parts.glob("daily-*.parquet"):
            if p.name not in finished:
                p.unlink()
        self._done = set(self.done().tolist())

    def write_batch(self, batch: BatchOutput) -> None:
        """Write a finished batch: the daily part, then the summary part that marks it done.

        Call it inside :meth:`writing`, after :meth:`initialise`.

        Raises
        ------
        StoreDamaged
            If the batch holds a replication already in the store, or its arrays do not
            have one row per replication (and one per day): nothing is written then.
        """
        self._require_lock()
        if batch.indices.size == 0:
            return
        pa, pq = _import_pyarrow()
        days = int(self.manifest()["days"])
        indices = np.asarray(batch.indices, dtype=np.int64)
        k = indices.size
        if batch.summary.shape != (k, len(SUMMARY_METRICS)) or batch.daily.shape != (
            k,
            days,
            len(DAILY_FIELDS),
        ):
            raise StoreDamaged(
                f"{self.parts}: batch arrays have shapes {batch.summary.shape} and "
                f"{batch.daily.shape} for {k} replications of {days} days"
            )
        others = self._others()
        if others and (
            batch.place_daily is None
            or batch.place_summary is None
            or batch.place_daily.shape != (k, len(others), days, len(DAILY_FIELDS))
            or batch.place_summary.shape != (k, len(others), len(SUMMARY_METRICS))
        ):
            raise StoreDamaged(
                f"{self.parts}: the batch does not hold the arrays of the places "
                f"{', '.join(others)} that the store holds"
            )
        again = sorted(set(indices.tolist()) & self._done) or (
            [] if np.unique(indices).size == k else ["(repeated in the batch)"]
        )
        if again:
            raise StoreDamaged(
                f"{self.parts}: replications {again[:5]} are already stored; not writing them twice"
            )
        first, last = int(indices.min()), int(indices.max())
        stem = f"{first:07d}-{last:07d}"
        if (self.parts / f"summary-{stem}.parquet").exists():  # never replace a finished part
            raise StoreDamaged(f"{self.parts / f'summary-{stem}.parquet'}: already exists")
        daily_cols: dict[str, Any] = {
            "replication": np.repeat(indices, days),
            "day": np.tile(np.arange(days, dtype=np.int32), k),
        }
        flat = batch.daily.reshape(k * days, len(DAILY_FIELDS))
        for j, name in enumerate(DAILY_FIELDS):
            daily_cols[name] = flat[:, j]
        summary_cols: dict[str, Any] = {"replication": indices}
        for j, name in enumerate(SUMMARY_METRICS):
            summary_cols[name] = batch.summary[:, j]
        if others:
            assert batch.place_daily is not None and batch.place_summary is not None
            for i, place in enumerate(others):
                flat = batch.place_daily[:, i].reshape(k * days, len(DAILY_FIELDS))
                for j, name in enumerate(DAILY_FIELDS):
                    daily_cols[place_column(name, place)] = flat[:, j]
                for j, name in enumerate(SUMMARY_METRICS):
                    summary_cols[place_column(name, place)] = batch.place_summary[:, i, j]
        for kind, cols in (("daily", daily_cols), ("summary", summary_cols)):
            path = self.parts / f"{kind}-{stem}.parquet"
            try:
                with atomic_path(path) as tmp:
                    pq.write_table(pa.table(cols), tmp)
            except OSError as exc:  # pyarrow's messages do not name the file
                raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        self._done.update(indices.tolist())

    def _require_place(self, place: str | None) -> None:
        if place is None or place in self._others():
            return
        held = self.places()
        if held is None:
            raise StoreError(
                f"{self.dir}: written by an earlier simfuel that stored only the main "
                f"destination's figures, not {place!r}: run the ensemble again into a new "
                "folder to have every destination"
            )
        raise StoreError(
            f"{self.dir}: no place {place!r} with stock in this store (places: {', '.join(held)})"
        )

    def read_summary(self, place: str | None = None) -> pd.DataFrame:
        """All finished replications' summary metrics, indexed by replication.

        Parameters
        ----------
        place : str, optional
            A place with stock other than the depot (default: the depot's metrics).

        Raises
        ------
        StoreDamaged
            If a part cannot be read or two parts hold the same replication.
        StoreError
            If the store holds no figures of ``place``.
        """
        self._require_place(place)
        parts = self._finished()
        columns = {place_column(m, place): m for m in SUMMARY_METRICS}
        frames = [self._read_part(p.summary).to_pandas() for p in parts]
        for part, frame in zip(parts, frames, strict=True):
            if missing := set(columns) - set(frame.columns):
                raise StoreDamaged(f"{part.summary}: columns missing: {', '.join(sorted(missing))}")
        if not frames:
            return pd.DataFrame(columns=["replication", *SUMMARY_METRICS]).set_index("replication")
        out = pd.concat(
            [f[["replication", *columns]].rename(columns=columns) for f in frames],
            ignore_index=True,
        ).sort_values("replication")
        return out.set_index("replication")

    def read_daily(self, fields: Iterable[str], place: str | None = None) -> dict[str, np.ndarray]:
        """Daily fields as ``(replications, days)`` arrays, rows in replication order.

        Reads only the requested columns of each part, so memory is one array per field.
        Every (replication, day) cell must come from exactly one row of the parts.

        Parameters
        ----------
        fields : iterable of str
            Daily fields.
        place : str, optional
            A place with stock other than the depot (default: the depot's fields).

        Raises
        ------
        StoreDamaged
            If a daily part cannot be read, or rows are missing, repeated or stray.
        StoreError
            If the store holds no figures of ``place``.
        """
        self._require_place(place)
        names = {f: place_column(f, place) for f in fields}
        fields = list(names)
        days = int(self.manifest()["days"])
        parts = self._finished()
        done = np.sort(np.concatenate([p.replications for p in parts])) if parts else np.empty(0)
        out = {f: np.full((done.size, days), np.nan) for f in fields}
        written = np.zeros((done.size, days), dtype=bool)
        for part in parts:
            if not part.daily.is_file():
                raise StoreDamaged(
                    f"{part.daily}: missing; resume the run (--resume) to compute it again"
                )
            table = self._read_part(part.daily, ["replication", "day", *names.values()])
            reps = table.column("replication").to_numpy()
            day = table.column("day").to_numpy()
            rows = np.searchsorted(done, reps)
            stray = (rows >= done.size) | (day < 0) | (day >= days)
            stray[~stray] = done[rows[~stray]] != reps[~stray]
            stray[~stray] = ~np.isin(reps[~stray], part.replications)
            if stray.any():
                raise StoreDamaged(f"{part.daily}: rows of other replications or days")
            if written[rows, day].any() or np.unique(rows * days + day).size != rows.size:
                raise StoreDamaged(f"{part.daily}: a (replication, day) row written twice")
            written[rows, day] = True
            for f in fields:
                out[f][rows, day] = table.column(names[f]).to_numpy()
        if not written.all():
            rep = int(done[np.flatnonzero(~written.all(axis=1))[0]])
            owner = next(p for p in parts if rep in p.replications)
            raise StoreDamaged(
                f"{owner.daily}: rows of replication {rep} missing; resume the run "
                "(--resume) to compute it again"
            )
        return out
