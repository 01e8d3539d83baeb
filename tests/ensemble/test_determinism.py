"""Same seed, same ensemble: serially, on a process pool, on Dask, in any batch size."""

from __future__ import annotations

import concurrent.futures as cf

import numpy as np
import pandas.testing as pdt
import pytest

import simfuel
from simfuel.ensemble import run_ensemble
from simfuel.ensemble.seeds import replication_seed
from simfuel.sim.recorder import DAILY_FIELDS
from tests.ensemble.harness import local_dask_client


def assert_same(a, b):
    pdt.assert_frame_equal(a.replications, b.replications)
    for field in DAILY_FIELDS:
        np.testing.assert_array_equal(a.daily(field), b.daily(field), err_msg=field)


def test_serial_equals_pool_for_any_batch_size(scenario):
    serial = run_ensemble(scenario, 12, seed=11, workers=1, progress=False)
    with cf.ProcessPoolExecutor(max_workers=2) as pool:
        for batch_size in (1, 5, 12):
            pooled = run_ensemble(
                scenario, 12, seed=11, executor=pool, batch_size=batch_size, progress=False
            )
            assert_same(serial, pooled)
    default_pool = run_ensemble(scenario, 12, seed=11, workers=2, progress=False)
    assert_same(serial, default_pool)


def test_replication_i_is_run_with_its_replication_seed(scenario):
    ens = run_ensemble(scenario, 5, seed=11, workers=1, progress=False)
    for i in (0, 4):
        seed = replication_seed(np.random.SeedSequence(11), i)
        single = simfuel.run(scenario, seed=seed)
        assert single.summary()["delivered_l"] == ens.replications.loc[i, "delivered_l"]
        np.testing.assert_array_equal(single.daily["stock_l"].to_numpy(), ens.daily("stock_l")[i])


def test_different_seeds_differ(scenario):
    a = run_ensemble(scenario, 6, seed=1, workers=1, progress=False)
    b = run_ensemble(scenario, 6, seed=2, workers=1, progress=False)
    assert not np.array_equal(a.daily("stock_l"), b.daily("stock_l"))


def test_growing_n_keeps_the_first_replications(scenario):
    small = run_ensemble(scenario, 4, seed=5, workers=1, progress=False)
    large = run_ensemble(scenario, 9, seed=5, workers=1, progress=False)
    pdt.assert_frame_equal(small.replications, large.replications.loc[:3])


def test_dask_local_cluster_equals_serial(scenario):
    serial = run_ensemble(scenario, 10, seed=21, workers=1, progress=False)
    with local_dask_client() as client:
        on_dask = run_ensemble(scenario, 10, seed=21, executor=client, batch_size=3, progress=False)
    assert_same(serial, on_dask)


def test_bad_arguments(scenario):
    with pytest.raises(ValueError, match="positive integer"):
        run_ensemble(scenario, 0, seed=1, progress=False)
    with pytest.raises(ValueError, match="batch_size"):
        run_ensemble(scenario, 3, seed=1, batch_size=-1, workers=1, progress=False)
