"""The on-disk form of an ensemble: a manifest and Parquet parts, written atomically.

Layout of a store folder::

    manifest.json                       scenario, seed, n, dates, fields (written first)
    scenario.json                       the validated scenario, to rebuild the result
    parts/daily-0000000-0000099.parquet    rows (replication, day) x daily fields
    parts/summary-0000000-0000099.parquet  rows replication x summary metrics

A batch is finished when its ``summary`` part exists: it is renamed into place after
its ``daily`` part, so a crash between the two leaves a daily part that a resumed run
simply writes again. Memory does not grow with ``n``: nothing but the small summary
table is read back until a daily metric is asked for, and then one column at a time.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..io import atomic_path, write_text
from ..results import SUMMARY_METRICS
from ..scenario import Scenario
from ..sim.recorder import DAILY_FIELDS
from .worker import BatchOutput

__all__ = ["EnsembleStore", "StoreMismatch", "scenario_digest"]

FORMAT_VERSION = 1


class StoreMismatch(ValueError):
    """A store folder holds another ensemble (other scenario, seed or size)."""


def scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON: two equal scenarios share it."""
    return hashlib.sha256(scenario.model_dump_json(by_alias=True).encode()).hexdigest()


def _import_pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is a dependency
        raise ImportError("Parquet output needs pyarrow: pip install pyarrow") from exc
    return pa, pq


class EnsembleStore:
    """A folder of Parquet parts holding an ensemble's finished replications."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.dir = Path(directory)
        self.parts = self.dir / "parts"

    # ------------------------------------------------------------------ manifest

    @property
    def manifest_path(self) -> Path:
        """Path of ``manifest.json``."""
        return self.dir / "manifest.json"

    def exists(self) -> bool:
        """Whether the folder already holds an ensemble."""
        return self.manifest_path.is_file()

    def manifest(self) -> dict[str, Any]:
        """The manifest as a dict."""
        return dict(json.loads(self.manifest_path.read_text(encoding="utf-8")))

    def initialise(
        self, scenario: Scenario, entropy: int, spawn_key: tuple[int, ...], n: int, resume: bool
    ) -> None:
        """Create the store, or check that the one there is the same ensemble.

        Raises
        ------
        StoreMismatch
            If the folder holds another ensemble, or holds this one and ``resume`` is False.
        """
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
        }
        if self.exists():
            old = self.manifest()
            if not resume:
                raise StoreMismatch(
                    f"{self.dir} already holds an ensemble ({old.get('scenario')}, "
                    f"{len(self.done())} of {old.get('n')} replications done): pass "
                    "resume=True (--resume) to finish it, or choose another folder"
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
            self._remove_unfinished()
            return
        if self.parts.exists() and any(self.parts.iterdir()):
            raise StoreMismatch(f"{self.parts} has parts but no manifest.json")
        self.parts.mkdir(parents=True, exist_ok=True)
        write_text(
            self.dir / "scenario.json",
            scenario.model_dump_json(by_alias=True, exclude_unset=True, indent=2) + "\n",
        )
        write_text(self.manifest_path, json.dumps(manifest, indent=2) + "\n")

    def scenario(self) -> Scenario:
        """The scenario the ensemble ran."""
        text = (self.dir / "scenario.json").read_text(encoding="utf-8")
        return Scenario.model_validate_json(text)

    # ------------------------------------------------------------------ parts

    def _remove_unfinished(self) -> None:
        """Delete what an interrupted run left half done: daily parts whose batch never
        got its summary part, and temporary files of interrupted writes."""
        finished = {p.name.replace("summary-", "daily-") for p in self._summary_parts()}
        for p in self.parts.glob("daily-*.parquet"):
            if p.name not in finished:
                p.unlink()
        for p in self.parts.glob(".*.tmp"):
            p.unlink()

    def _summary_parts(self) -> list[Path]:
        return sorted(self.parts.glob("summary-*.parquet"))

    def done(self) -> np.ndarray:
        """Indices of the finished replications, sorted."""
        _, pq = _import_pyarrow()
        found = [
            pq.read_table(p, columns=["replication"]).column(0).to_numpy()
            for p in self._summary_parts()
        ]
        return np.sort(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)

    def write_batch(self, batch: BatchOutput) -> None:
        """Write a finished batch: the daily part, then the summary part that marks it done."""
        if batch.indices.size == 0:
            return
        pa, pq = _import_pyarrow()
        first, last = int(batch.indices.min()), int(batch.indices.max())
        stem = f"{first:07d}-{last:07d}"
        k, days, width = batch.daily.shape
        daily_cols: dict[str, Any] = {
            "replication": np.repeat(batch.indices, days).astype(np.int64),
            "day": np.tile(np.arange(days, dtype=np.int32), k),
        }
        flat = batch.daily.reshape(k * days, width)
        for j, name in enumerate(DAILY_FIELDS):
            daily_cols[name] = flat[:, j]
        summary_cols: dict[str, Any] = {"replication": batch.indices.astype(np.int64)}
        for j, name in enumerate(SUMMARY_METRICS):
            summary_cols[name] = batch.summary[:, j]
        for kind, cols in (("daily", daily_cols), ("summary", summary_cols)):
            with atomic_path(self.parts / f"{kind}-{stem}.parquet") as tmp:
                pq.write_table(pa.table(cols), tmp)

    def read_summary(self) -> pd.DataFrame:
        """All finished replications' summary metrics, indexed by replication."""
        _, pq = _import_pyarrow()
        frames = [pq.read_table(p).to_pandas() for p in self._summary_parts()]
        if not frames:
            return pd.DataFrame(columns=["replication", *SUMMARY_METRICS]).set_index("replication")
        out = pd.concat(frames, ignore_index=True).sort_values("replication")
        return out.drop_duplicates("replication").set_index("replication")

    def read_daily(self, fields: Iterable[str]) -> dict[str, np.ndarray]:
        """Daily fields as ``(replications, days)`` arrays, rows in replication order.

        Reads only the requested columns of each part, so memory is one array per field.
        """
        _, pq = _import_pyarrow()
        fields = list(fields)
        days = int(self.manifest()["days"])
        done = self.done()
        position = {int(r): i for i, r in enumerate(done)}
        out = {f: np.empty((done.size, days)) for f in fields}
        for p in self._summary_parts():
            daily_part = p.with_name(p.name.replace("summary-", "daily-"))
            table = pq.read_table(daily_part, columns=["replication", "day", *fields])
            reps = table.column("replication").to_numpy()
            day = table.column("day").to_numpy()
            rows = np.fromiter((position[int(r)] for r in reps), dtype=np.int64, count=reps.size)
            for f in fields:
                out[f][rows, day] = table.column(f).to_numpy()
        return out
