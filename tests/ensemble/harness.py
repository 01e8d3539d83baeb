"""Shared by the many-runs tests: a local Dask cluster, and runs made to fail on purpose."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import simfuel.ensemble.worker as worker_module


@contextlib.contextmanager
def local_dask_client() -> Iterator[Any]:
    """A Dask client on a two-process LocalCluster here (skips the test without Dask)."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def fail_runs(
    monkeypatch: pytest.MonkeyPatch, fails: Callable[[tuple[int, ...]], bool], message: str
) -> None:
    """Make every run whose seed's spawn key satisfies ``fails`` raise ``message``.

    Patches the worker's simulation, so runs in this process and in pool workers forked
    after the patch fail alike; ``monkeypatch`` undoes it.
    """
    real = worker_module.simulate_arrays

    def run(plan: Any, seed: Any) -> Any:
        if fails(tuple(seed.spawn_key)):
            raise RuntimeError(message)
        return real(plan, seed)

    monkeypatch.setattr(worker_module, "simulate_arrays", run)
