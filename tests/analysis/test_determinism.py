"""Same seed, same analysis: serially, on a process pool, on Dask, in any batch size."""

from __future__ import annotations

import concurrent.futures as cf
import warnings

import numpy as np
import pandas as pd
import pytest

from simfuel.analysis import calibrate, sensitivity, size_fleet
from tests.analysis.test_calibrate import PRIOR, blockaded, synthetic_incidents
from tests.analysis.test_fleet import scarce_escorts
from tests.analysis.test_sensitivity import PARAMS, attacked
from tests.ensemble.harness import local_dask_client


def analyses(**where):
    """A small sensitivity analysis, fleet sizing and calibration, run ``where`` says."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # few replications
        sens = sensitivity(
            attacked(), PARAMS, "tankers_lost", method="morris", n=3, reps=2, seed=4, **where
        )
        fleet = size_fleet(scarce_escorts(), "army", units=[1, 2, 3], reps=4, seed=4, **where)
        cal = calibrate(
            blockaded(), synthetic_incidents(), PRIOR, draws=12, accept=0.25, seed=4, **where
        )
    return sens, fleet, cal


def assert_same(a, b):
    sens_a, fleet_a, cal_a = a
    sens_b, fleet_b, cal_b = b
    np.testing.assert_array_equal(sens_a.replications, sens_b.replications)
    pd.testing.assert_frame_equal(sens_a.to_df(), sens_b.to_df())
    np.testing.assert_array_equal(fleet_a.day_shares, fleet_b.day_shares)
    pd.testing.assert_frame_equal(fleet_a.curve, fleet_b.curve)
    pd.testing.assert_frame_equal(cal_a.samples, cal_b.samples)
    pd.testing.assert_frame_equal(cal_a.posterior, cal_b.posterior)


@pytest.fixture(scope="module")
def serial():
    return analyses(workers=1, progress=False)


def test_pool_and_batch_sizes_equal_serial(serial):
    with cf.ProcessPoolExecutor(max_workers=2) as pool:
        sens = sensitivity(
            attacked(),
            PARAMS,
            "tankers_lost",
            method="morris",
            n=3,
            reps=2,
            seed=4,
            executor=pool,
            batch_size=1,
            progress=False,
        )
        np.testing.assert_array_equal(serial[0].replications, sens.replications)
        assert_same(serial, analyses(executor=pool, progress=False))


def test_dask_equals_serial(serial):
    with local_dask_client() as client:
        assert_same(serial, analyses(executor=client, progress=False))
