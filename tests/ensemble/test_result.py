"""EnsembleResult: quantile bands, probabilities, conversions, checked against numpy."""

from __future__ import annotations

import copy

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


def test_summary_table_dates_count_never_as_later_than_any_date(ens):
    """A median or bound among the replications where the event never happened is 'never'."""
    table = ens.summary_table(q=(0.05, 0.95))
    start = ens.scenario.start
    for metric in ("first_rationing", "first_stockout"):
        days = (ens.replications[metric] - pd.Timestamp(start)).dt.days.to_numpy(float)
        ordered = np.sort(np.nan_to_num(days, nan=np.inf))  # never sorts last
        n = len(ordered)
        for col, q in (("median", 0.5), ("low", 0.05), ("high", 0.95)):
            want = ordered[max(int(np.ceil(q * n)) - 1, 0)]  # inverted-CDF order statistic
            got = table.loc[metric, col]
            if np.isinf(want):
                assert pd.isna(got), (metric, col, got)
            else:
                assert got == start + pd.Timedelta(days=int(want)).to_pytimedelta(), (metric, col)


def test_summary_table_median_is_never_when_most_never_happen(ens):
    summary = ens.replications.copy()
    k = ens.n // 2 + 1
    summary.loc[summary.index[:k], "first_stockout"] = pd.NaT
    made = copy.copy(ens)
    made.replications = summary
    row = made.summary_table().loc["first_stockout"]
    assert pd.isna(row["median"]) and pd.isna(row["high"])
    assert row["share_never"] == pytest.approx(summary["first_stockout"].isna().mean())


# ---------------------------------------------------------------- representative replication


def _made_up(values: dict[str, list[float]], n: int = 5) -> EnsembleResult:
    """An ensemble whose summary holds ``values`` (other metrics 0, dates never)."""
    from simfuel.results import SUMMARY_METRICS
    from tests.ensemble.conftest import threatened

    sc = threatened()
    summary = pd.DataFrame(
        {m: np.zeros(n) for m in SUMMARY_METRICS}, index=pd.Index(range(n), dtype=np.int64)
    )
    summary["first_rationing"] = np.nan
    summary["first_stockout"] = np.nan
    for metric, column in values.items():
        summary[metric] = column
    daily = {f: np.zeros((n, sc.horizon_days)) for f in DAILY_FIELDS}
    return EnsembleResult(sc, 0, (), summary, daily=daily)


def test_representative_replication_is_the_one_nearest_every_median() -> None:
    middle = [10.0, 50.0, 40.0, 30.0, 20.0]  # replication 3 holds the median
    ens = _made_up({m: middle for m in EnsembleResult.REPRESENTATIVE_METRICS})
    assert ens.representative_replication() == 3
    # Only the metrics asked about count: replication 0 is the median of this one.
    ens = _made_up({"convoys": [30.0, 10.0, 50.0, 40.0, 20.0]})
    assert ens.representative_replication(["convoys"]) == 0


def test_representative_replication_sums_distances_over_metrics() -> None:
    # Distinct values: a replication's rank is its position in the sorted column.
    rng = np.random.default_rng(7)
    metrics = ["delivered_l", "attacks", "tankers_lost"]
    n = 21
    ens = _made_up({m: rng.permutation(n) * 1.5 for m in metrics}, n=n)
    values = ens.replications[metrics].to_numpy()
    ranks = values.argsort(axis=0).argsort(axis=0) + 1
    distance = np.abs((ranks - 0.5) / n - 0.5).sum(axis=1)
    assert np.sum(np.isclose(distance, distance.min())) == 1  # the draw has one answer
    assert ens.representative_replication(metrics) == int(np.argmin(distance))


def test_representative_replication_ties_go_to_the_lowest_index() -> None:
    ens = _made_up({m: [7.0] * 5 for m in EnsembleResult.REPRESENTATIVE_METRICS})
    assert ens.representative_replication() == 0


def test_representative_replication_of_a_real_ensemble_reruns(ens) -> None:
    import simfuel

    k = ens.representative_replication()
    assert k in ens.replications.index
    again = simfuel.run(*ens.replication_inputs(k)).summary()
    assert again["tankers_lost"] == ens.replications.loc[k, "tankers_lost"]


def test_representative_replication_refuses_unknown_metrics(ens) -> None:
    with pytest.raises(KeyError, match="tankers_lots"):
        ens.representative_replication(["tankers_lots"])
