"""EnsembleResult: quantile bands, probabilities, conversions, checked against numpy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from simfuel.ensemble import EnsembleResult, run_ensemble
from simfuel.sim.recorder import DAILY_FIELDS


@pytest.fixture(scope="module")
def ens():
    from tests.ensemble.conftest import threatened

    return run_ensemble(threatened(), 30, seed=3, workers=1, progress=False)


def test_bands_match_numpy_quantiles(ens):
    cover = ens.daily("days_of_cover")
    bands = ens.bands("days_of_cover", q=(0.1, 0.5, 0.9))
    assert list(bands.columns) == [0.1, 0.5, 0.9]
    assert len(bands) == ens.scenario.horizon_days
    day = 12
    expected = [np.quantile(cover[:, day], q) for q in (0.1, 0.5, 0.9)]
    np.testing.assert_allclose(bands.iloc[day].to_numpy(), expected)
    assert (bands[0.1] <= bands[0.5]).all() and (bands[0.5] <= bands[0.9]).all()


def test_probability_matches_direct_count(ens):
    cover = ens.daily("days_of_cover")
    p = ens.probability("days_of_cover < 3")
    np.testing.assert_allclose(p.to_numpy(), (cover < 3).mean(axis=0))
    assert p.index[0] == pd.Timestamp(ens.scenario.start)
    by_date = ens.probability("days_of_cover < 3", cumulative=True)
    np.testing.assert_allclose(
        by_date.to_numpy(), np.logical_or.accumulate(cover < 3, axis=1).mean(axis=0)
    )
    assert (np.diff(by_date.to_numpy()) >= 0).all()
    custom = ens.probability(lambda d: (d["stock_l"] < 1e6) & (d["rationing"] > 0))
    np.testing.assert_allclose(
        custom.to_numpy(),
        ((ens.daily("stock_l") < 1e6) & (ens.daily("rationing") > 0)).mean(axis=0),
    )


@pytest.mark.parametrize("bad", ["days_of_cover <", "import os", "cover < 3", "x < 1"])
def test_probability_rejects_what_it_cannot_read(ens, bad):
    with pytest.raises((ValueError, KeyError)):
        ens.probability(bad)


def test_parquet_roundtrip(ens, tmp_path):
    path = ens.to_parquet(tmp_path / "ens")
    back = EnsembleResult.from_parquet(path)
    pdt.assert_frame_equal(ens.replications, back.replications)
    for field in DAILY_FIELDS:
        np.testing.assert_array_equal(ens.daily(field), back.daily(field))
    assert back.scenario == ens.scenario
    with pytest.raises(FileExistsError):
        ens.to_parquet(path)


def test_to_dataframe_long_form(ens):
    frame = ens.to_dataframe()
    assert frame.shape == (ens.n * ens.scenario.horizon_days, len(DAILY_FIELDS))
    assert frame.index.names == ["replication", "date"]
    rep, date = 7, ens.dates[5]
    assert frame.loc[(rep, date), "stock_l"] == ens.daily("stock_l")[7, 5]


def test_to_xarray(ens):
    pytest.importorskip("xarray")
    ds = ens.to_xarray()
    assert ds["stock_l"].dims == ("replication", "date")
    np.testing.assert_array_equal(ds["stock_l"].to_numpy(), ens.daily("stock_l"))


def test_summary_table_median_matches_numpy(ens):
    table = ens.summary_table()
    assert table.loc["tankers_lost", "median"] == pytest.approx(
        np.median(ens.replications["tankers_lost"])
    )
    assert table.loc["tankers_lost", "low"] == pytest.approx(
        np.quantile(ens.replications["tankers_lost"], 0.05)
    )
