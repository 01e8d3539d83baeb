"""EnsembleResult.to_csv and the units of to_xarray (issue 13 §6)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.results import SUMMARY_METRICS, column_unit
from simfuel.sim.recorder import DAILY_FIELDS

NUMBER = re.compile(r"^-?\d+(\.(\d+))?$")
ISO_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")
N = 6


@pytest.fixture(scope="module")
def ensemble() -> simfuel.EnsembleResult:
    scenario = simfuel.load_scenario("mali-2025")
    return simfuel.run_ensemble(scenario, N, seed=3, workers=1, progress=False)


@pytest.fixture(scope="module")
def written(ensemble, tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    out = tmp_path_factory.mktemp("ens")
    return out, ensemble.to_csv(out)


def test_to_csv_writes_the_four_tables_as_one_set(written):
    out, paths = written
    assert set(paths) == {"replications", "bands", "probabilities", "summary"}
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{k}.csv" for k in paths)


def test_replications_csv_one_row_each_counts_as_integers_dates_as_days(ensemble, written):
    table = pd.read_csv(written[1]["replications"], index_col="replication")
    assert list(table.index) == list(ensemble.replications.index)
    assert list(table.columns) == list(SUMMARY_METRICS)
    for col in ("delivered_l", "tankers_lost", "attacks", "convoys"):
        assert table[col].dtype.kind == "i", col
        np.testing.assert_array_equal(table[col], ensemble.replications[col])
    with open(written[1]["replications"], newline="") as fh:
        for row in csv.DictReader(fh):
            for col in ("first_rationing", "first_stockout"):
                assert row[col] == "" or ISO_DAY.match(row[col]), row[col]
    days = pd.to_datetime(table["first_stockout"])
    np.testing.assert_array_equal(days.to_numpy(), ensemble.replications["first_stockout"])


def test_bands_csv_are_the_bands_rounded(ensemble, written):
    bands = pd.read_csv(written[1]["bands"], parse_dates=["date"])
    numeric = [f for f in DAILY_FIELDS if f not in ("rationing", "stockout")]
    assert list(bands.columns) == ["date", "field", "unit", "p5", "p25", "p50", "p75", "p95"]
    assert len(bands) == len(numeric) * len(ensemble.dates)
    assert set(bands["field"]) == set(numeric)
    stock = bands[bands["field"] == "stock_l"].set_index("date")
    assert (stock["unit"] == "L").all()
    exact = ensemble.bands("stock_l")
    np.testing.assert_allclose(stock["p50"], exact[0.5], rtol=0, atol=0.05 + 1e-6)
    cover = bands[bands["field"] == "days_of_cover"]
    assert (cover["unit"] == "days").all()


def test_probabilities_csv(ensemble, written):
    p = pd.read_csv(written[1]["probabilities"], index_col=0, parse_dates=True)
    assert list(p.columns) == ["p_rationing", "p_stockout", "p_stockout_by_date"]
    assert len(p) == len(ensemble.dates)
    exact = ensemble.probability("stockout > 0", cumulative=True)
    np.testing.assert_allclose(p["p_stockout_by_date"], exact, atol=5e-4)
    assert (np.diff(p["p_stockout_by_date"]) >= 0).all()


def test_summary_csv_has_units_and_intervals(ensemble, written):
    s = pd.read_csv(written[1]["summary"], index_col="metric")
    assert list(s.index) == list(SUMMARY_METRICS)
    assert list(s.columns) == ["unit", "median", "low", "high", "share_never"]
    assert s.loc["delivered_l", "unit"] == "L"
    assert s.loc["tankers_lost", "unit"] == "tankers"
    exact = ensemble.summary_table()
    # One column holds numbers and dates (as summary_table does), so it reads back as text.
    median_lost = float(s.loc["tankers_lost", "median"])
    assert median_lost == pytest.approx(exact.loc["tankers_lost", "median"])
    median_stockout = exact.loc["first_stockout", "median"]
    written_stockout = s.loc["first_stockout", "median"]
    if median_stockout is None:
        assert pd.isna(written_stockout)
    else:
        assert written_stockout == median_stockout.isoformat()


def test_ensemble_csvs_have_no_long_numbers(written):
    for path in written[1].values():
        with open(path, newline="") as fh:
            for row in csv.DictReader(fh):
                for col, text in row.items():
                    if (m := NUMBER.match(text)) and m.group(2):
                        litres = column_unit(col) == "L" or row.get("unit") == "L"
                        assert len(m.group(2)) <= (1 if litres else 3), (path.name, col, text)


def test_to_csv_rejects_quantiles_out_of_range(ensemble, tmp_path):
    with pytest.raises(ValueError, match="quantiles"):
        ensemble.to_csv(tmp_path / "x", q=(0.5, 1.5))
    assert not (tmp_path / "x").exists()


def test_to_xarray_has_units_per_variable(ensemble):
    pytest.importorskip("xarray")
    ds = ensemble.to_xarray()
    assert set(ds.data_vars) == set(DAILY_FIELDS)
    units = {name: var.attrs["units"] for name, var in ds.data_vars.items()}
    assert units["stock_l"] == "L"
    assert units["days_of_cover"] == "days"
    assert units["tankers_waiting"] == "tankers"
    assert units["rationing"] == units["stockout"] == "1"
    assert all(units.values())
    assert all(var.attrs["long_name"] for var in ds.data_vars.values())
