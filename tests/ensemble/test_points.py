"""The one many-runs primitive: same runs everywhere, failures captured, one seed layout."""

from __future__ import annotations

import concurrent.futures as cf

import numpy as np
import pandas as pd
import pytest

from simfuel.analysis import evaluate_points
from simfuel.ensemble import EnsembleError, run_ensemble, sweep
from simfuel.ensemble.points import Execution, run_points, tasks_of
from simfuel.ensemble.seeds import PRIOR_STREAM, point_seed, prior_seed, replication_seed
from simfuel.ensemble.worker import PointSpec
from simfuel.scenario import apply_overrides
from simfuel.seeds import Role, role_seed
from tests.ensemble.harness import fail_runs, local_dask_client

POINTS = [{"threat.hazard_per_100km": h} for h in (0.1, 0.3, 0.6)]


def evaluate(scenario, **kw):
    args = {"reps": 4, "seed": 8, "fields": ("stock_l",), "workers": 1, "progress": False}
    args.update(kw)
    return evaluate_points(scenario, POINTS, **args)


def assert_same_points(a, b):
    np.testing.assert_array_equal(a.summary, b.summary)
    np.testing.assert_array_equal(a.daily["stock_l"], b.daily["stock_l"])


@pytest.mark.parametrize("crn", [True, False])
def test_points_serial_equals_pool_for_any_batch_size(scenario, crn):
    serial = evaluate(scenario, common_random_numbers=crn)
    assert serial.failures == []
    with cf.ProcessPoolExecutor(max_workers=2) as pool:
        for batch_size in (1, 3, 12):
            pooled = evaluate(
                scenario, common_random_numbers=crn, executor=pool, batch_size=batch_size
            )
            assert_same_points(serial, pooled)
    assert_same_points(serial, evaluate(scenario, common_random_numbers=crn, workers=2))


def test_points_on_dask_equal_serial(scenario):
    serial = evaluate(scenario, common_random_numbers=False)
    with local_dask_client() as client:
        on_dask = evaluate(scenario, common_random_numbers=False, executor=client, batch_size=5)
        swept = sweep(scenario, {"demand.cv": [0.0, 0.2]}, 3, seed=4, executor=client)
    assert_same_points(serial, on_dask)
    pd.testing.assert_frame_equal(
        swept, sweep(scenario, {"demand.cv": [0.0, 0.2]}, 3, seed=4, workers=1, progress=False)
    )


def test_a_point_is_the_ensemble_of_its_scenario(scenario):
    """Common random numbers: point p, replication r is replication r of p's ensemble."""
    res = evaluate(scenario)
    for p in (0, 2):
        alone = run_ensemble(apply_overrides(scenario, POINTS[p]), 4, seed=8, workers=1)
        np.testing.assert_array_equal(res.daily["stock_l"][p], alone.daily("stock_l"))


def test_points_draw_their_seeds_from_the_seed_layout():
    """Every point's seeds are the named roles of :mod:`simfuel.seeds` (pinned there)."""
    root = np.random.SeedSequence(5, spawn_key=(9,))

    def key(ss):
        return tuple(ss.spawn_key)

    assert key(replication_seed(root, 3)) == key(role_seed(root, Role.REPLICATION, 3))
    assert key(point_seed(root, 2, 3, True)) == key(replication_seed(root, 3))  # CRN
    assert key(point_seed(root, 2, 3, False)) == key(role_seed(root, Role.POINT, 2, 3))
    assert key(prior_seed(root)) == key(role_seed(root, PRIOR_STREAM))
    assert len({key(point_seed(root, p, r, False)) for p in range(3) for r in range(3)}) == 9
    assert root.spawn_key == (9,) and root.n_children_spawned == 0  # never mutated


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_run_is_captured_with_its_point_and_seed(scenario, monkeypatch, workers):
    clean = evaluate(scenario, common_random_numbers=False)
    bad = tuple(point_seed(np.random.SeedSequence(8), 1, 2, False).spawn_key)
    fail_runs(monkeypatch, lambda key: key == bad, "boom at (1, 2)")
    res = evaluate(scenario, common_random_numbers=False, workers=workers, batch_size=2)
    (failure,) = res.failures
    assert (failure.point, failure.index, failure.entropy) == (1, 2, 8)
    assert failure.spawn_key == bad
    assert "boom at (1, 2)" in failure.error and "point 1, replication 2" in str(failure)
    assert res.failed_points == [1]
    assert np.isnan(res.summary[1, 2]).all() and np.isnan(res.daily["stock_l"][1, 2]).all()
    # Every other run went ahead, unchanged.
    keep = np.ones(res.summary.shape[:2], dtype=bool)
    keep[1, 2] = False
    np.testing.assert_array_equal(res.summary[keep], clean.summary[keep])
    with pytest.raises(EnsembleError, match="point 1, replication 2") as info:
        res.raise_failures("sensitivity run")
    assert "1 sensitivity run(s) failed" in str(info.value)


def test_a_failing_sweep_point_names_the_point(scenario, monkeypatch):
    one = tuple(replication_seed(np.random.SeedSequence(4), 1).spawn_key)  # at every point
    fail_runs(monkeypatch, lambda key: key == one, "boom")
    with pytest.raises(EnsembleError) as info:
        sweep(scenario, {"demand.cv": [0.0, 0.2]}, 3, seed=4, workers=1, progress=False)
    assert [(f.point, f.index) for f in info.value.failures] == [(0, 1), (1, 1)]


def test_sweep_in_memory_equals_sweep_to_a_store(scenario, tmp_path):
    params = {"demand.cv": [0.0, 0.2], "threat.hazard_per_100km": [0.1, 0.4]}
    mem = sweep(scenario, params, 3, seed=6, workers=1, progress=False)
    stored = sweep(scenario, params, 3, seed=6, workers=1, store=tmp_path, progress=False)
    pd.testing.assert_frame_equal(mem, stored)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"point-{k:03d}" for k in range(4)]


def test_run_points_keeps_the_fields_asked_for(scenario):
    spec = PointSpec(scenario, 3, (), fields=("stock_l", "days_of_cover"))
    arrays = run_points(spec, 1, 2, Execution(workers=1, progress=False))
    ens = run_ensemble(scenario, 2, seed=3, workers=1, progress=False)
    np.testing.assert_array_equal(arrays.daily[0, :, :, 1], ens.daily("days_of_cover"))
    assert arrays.stats is None and arrays.failures == []


def test_tasks_go_point_after_point():
    assert tasks_of(2, 3).tolist() == [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]


def test_bad_batch_size():
    with pytest.raises(ValueError, match="batch_size"):
        Execution(workers=1, batch_size=-2)
