"""EnsembleResult.to_csv and to_xarray of any destination (issue 10): mali-2025's Mopti."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.ensemble.destinations import UnknownDestination
from simfuel.results import SUMMARY_METRICS
from simfuel.sim.recorder import DAILY_FIELDS

N = 3


@pytest.fixture(scope="module")
def ens() -> simfuel.EnsembleResult:
    return simfuel.run_ensemble("mali-2025", N, seed=5, workers=1, progress=False)


@pytest.fixture(scope="module")
def tables(ens, tmp_path_factory) -> dict[str, dict[str, Path]]:
    out = tmp_path_factory.mktemp("csv")
    return {
        "default": ens.to_csv(out / "default"),
        "bamako": ens.to_csv(out / "bamako", destination="bamako"),
        "mopti": ens.to_csv(out / "mopti", destination="mopti"),
    }


def test_the_shipped_scenario_has_the_three_destinations(ens):
    assert ens.destinations == ["bamako", "segou", "mopti"]


def test_to_csv_of_the_main_destination_is_the_default_byte_for_byte(tables):
    for name, path in tables["default"].items():
        assert path.read_bytes() == tables["bamako"][name].read_bytes(), name


def test_replications_csv_at_mopti_is_moptis_runs(ens, tables):
    table = pd.read_csv(tables["mopti"]["replications"], index_col="replication")
    bamako = pd.read_csv(tables["default"]["replications"], index_col="replication")
    assert list(table.columns) == list(SUMMARY_METRICS)
    mopti = ens.replications_at("mopti")
    for col in ("delivered_l", "tankers_lost", "convoys", "final_stock_l"):
        np.testing.assert_allclose(table[col], mopti[col], rtol=0, atol=0.05)
    assert not np.array_equal(table["delivered_l"], bamako["delivered_l"])
    # ... and what one run of the same seed says at Mopti.
    run = simfuel.run(*ens.replication_inputs(0))
    at = run.summary("mopti")
    assert table.loc[0, "delivered_l"] == pytest.approx(at["delivered_l"], abs=0.05)
    assert table.loc[0, "tankers_lost"] == at["tankers_lost"]
    assert table.loc[0, "first_stockout"] == (
        at["first_stockout"].isoformat() if at["first_stockout"] else np.nan
    )
    assert table.loc[0, "min_days_of_cover"] == pytest.approx(at["min_days_of_cover"], abs=5e-4)


def test_bands_and_probabilities_csv_at_mopti_are_its_arrays(ens, tables):
    bands = pd.read_csv(tables["mopti"]["bands"])
    stock = bands[bands["field"] == "stock_l"]
    exact = np.quantile(ens.daily("stock_l", "mopti"), 0.5, axis=0)
    np.testing.assert_allclose(stock["p50"], exact, rtol=0, atol=0.05 + 1e-6)
    main = pd.read_csv(tables["default"]["bands"])
    assert not np.allclose(stock["p50"], main[main["field"] == "stock_l"]["p50"])

    p = pd.read_csv(tables["mopti"]["probabilities"], index_col=0)
    out = ens.daily("stockout", "mopti") > 0
    np.testing.assert_allclose(p["p_stockout"], out.mean(axis=0), atol=5e-4)
    np.testing.assert_allclose(
        p["p_stockout_by_date"], np.maximum.accumulate(out, axis=1).mean(axis=0), atol=5e-4
    )
    np.testing.assert_allclose(
        p["p_rationing"], (ens.daily("rationing", "mopti") > 0).mean(axis=0), atol=5e-4
    )


def test_summary_csv_at_mopti_is_its_summary_table(ens, tables):
    s = pd.read_csv(tables["mopti"]["summary"], index_col="metric")
    exact = ens.summary_table(destination="mopti")
    assert float(s.loc["tankers_lost", "median"]) == pytest.approx(
        exact.loc["tankers_lost", "median"]
    )
    assert float(s.loc["delivered_l", "median"]) == pytest.approx(
        exact.loc["delivered_l", "median"], abs=0.05
    )
    main = pd.read_csv(tables["default"]["summary"], index_col="metric")
    assert s.loc["delivered_l", "median"] != main.loc["delivered_l", "median"]


def test_to_csv_of_an_unknown_destination_writes_nothing(ens, tmp_path):
    with pytest.raises(UnknownDestination, match=r"'timbuktu'.*bamako, segou, mopti"):
        ens.to_csv(tmp_path / "x", destination="timbuktu")
    assert not (tmp_path / "x").exists()


def test_to_xarray_of_one_destination(ens):
    pytest.importorskip("xarray")
    default = ens.to_xarray()
    assert "destination" not in default.attrs  # the output of existing calls is unchanged
    ds = ens.to_xarray(destination="mopti")
    assert ds.attrs["destination"] == "mopti"
    assert ds["stock_l"].dims == ("replication", "date")
    for f in DAILY_FIELDS:
        np.testing.assert_array_equal(ds[f].to_numpy(), ens.daily(f, "mopti"))
    assert ds["stock_l"].attrs == default["stock_l"].attrs
    assert not np.array_equal(ds["stock_l"].to_numpy(), default["stock_l"].to_numpy())


def test_to_xarray_of_every_destination_has_a_place_dimension(ens):
    pytest.importorskip("xarray")
    ds = ens.to_xarray(destination=ens.destinations)
    assert ds["days_of_cover"].dims == ("place", "replication", "date")
    assert list(ds["place"].to_numpy()) == ["bamako", "segou", "mopti"]
    assert list(ds["place_name"].to_numpy()) == ["Bamako", "Ségou", "Mopti"]
    for place in ens.destinations:
        np.testing.assert_array_equal(
            ds["stock_l"].sel(place=place).to_numpy(), ens.daily("stock_l", place)
        )
    run = simfuel.run(*ens.replication_inputs(1))
    np.testing.assert_array_equal(
        ds["stock_l"].sel(place="mopti", replication=1).to_numpy(),
        run.at("mopti")["stock_l"].to_numpy(float),
    )
    assert ds["stockout"].attrs["units"] == "1"


def test_to_xarray_refuses_an_unknown_or_repeated_place(ens):
    pytest.importorskip("xarray")
    with pytest.raises(UnknownDestination, match="'gao'"):
        ens.to_xarray(destination="gao")
    with pytest.raises(UnknownDestination, match="'gao'"):
        ens.to_xarray(destination=["mopti", "gao"])
    with pytest.raises(ValueError, match="distinct"):
        ens.to_xarray(destination=["mopti", "mopti"])
    with pytest.raises(ValueError, match="distinct"):
        ens.to_xarray(destination=[])


def test_cli_run_reps_writes_the_chosen_destinations_csv(tmp_path):
    # `simfuel run --reps N --format csv --destination mopti` prints Mopti's summary, so the
    # tables it writes must be Mopti's too (they were the main destination's).
    from simfuel.cli import CSV_FOLDER, main

    out = tmp_path / "run"
    args = ["run", "mali-2025", "--reps", "2", "--seed", "5", "--quiet", "--out", str(out)]
    assert main([*args, "--format", "csv", "--destination", "mopti"]) == 0
    ens = simfuel.EnsembleResult.from_parquet(out)
    mopti = ens.to_csv(tmp_path / "mopti", destination="mopti")
    bamako = ens.to_csv(tmp_path / "bamako", destination="bamako")
    for name in ("replications", "summary"):
        written = (out / CSV_FOLDER / f"{name}.csv").read_bytes()
        assert written == Path(mopti[name]).read_bytes()
        assert written != Path(bamako[name]).read_bytes()
