"""Every place with stock in an ensemble: the worker's arrays, the store and the selector."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import simfuel
from simfuel.ensemble import run_ensemble
from simfuel.ensemble.destinations import UnknownDestination
from simfuel.ensemble.store import EnsembleStore, StoreError
from simfuel.results import SUMMARY_METRICS
from simfuel.sim.recorder import DAILY_FIELDS
from tests.helpers import tiny_scenario
from tests.sim.test_places import chain


def network() -> simfuel.Scenario:
    """The depot ``city`` feeding ``b``, ``b`` feeding ``c``, under threat everywhere."""
    raw = chain()
    raw["threat"].update(hazard_per_100km=0.6, capture_fraction=0.3)
    raw["demand"]["cv"] = 0.2
    for corridor in raw["corridors"].values():
        corridor["blockade_intensity"] = 0.5
    return simfuel.load_scenario(raw)


def same_value(a: Any, b: Any) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or pd.isna(b)
    if hasattr(a, "year"):
        return pd.Timestamp(b).date() == a
    return bool(a == b)


def assert_matches_single_runs(ens: simfuel.EnsembleResult) -> None:
    for i in ens.replications.index:
        run = simfuel.run(*ens.replication_inputs(int(i)))
        for place in ens.destinations:
            at = run.at(place)
            for f in DAILY_FIELDS:
                np.testing.assert_array_equal(
                    ens.daily(f, destination=place)[i], at[f].to_numpy(float), err_msg=place + f
                )
            row = ens.replications_at(place).loc[i]
            for metric, value in run.summary(place).items():
                assert same_value(value, row[metric]), (place, metric, value, row[metric])


def test_every_destination_agrees_with_single_runs_of_the_same_seeds() -> None:
    ens = run_ensemble(network(), 4, seed=11, workers=1, progress=False)
    assert ens.destinations == ["city", "b", "c"]
    assert_matches_single_runs(ens)
    # Not a copy of the depot's: the towns' own figures.
    assert not np.array_equal(ens.daily("stock_l", "b"), ens.daily("stock_l"))
    assert ens.replications_at("c")["tankers_lost"].sum() > 0


def test_the_shipped_regions_scenario_agrees_per_town() -> None:
    ens = run_ensemble("mali-2025-regions", 2, seed=3, workers=1, progress=False)
    assert ens.destinations == ["bamako", "segou", "mopti"]
    assert_matches_single_runs(ens)


def test_the_selector_defaults_to_the_main_destination() -> None:
    ens = run_ensemble(network(), 5, seed=2, workers=1, progress=False)
    pd.testing.assert_frame_equal(ens.bands("stock_l", destination="city"), ens.bands("stock_l"))
    pd.testing.assert_frame_equal(ens.replications_at(), ens.replications)
    pd.testing.assert_frame_equal(ens.summary_table(destination="city"), ens.summary_table())
    b = ens.daily("days_of_cover", "b")
    expected = pd.Series((b < 3).mean(axis=0), index=ens.dates)
    np.testing.assert_array_equal(
        ens.probability("days_of_cover < 3", destination="b").to_numpy(), expected.to_numpy()
    )
    np.testing.assert_array_equal(
        ens.probability(lambda d: d["stock_l"] < 1, destination="c").to_numpy(),
        (ens.daily("stock_l", "c") < 1).mean(axis=0),
    )
    table = ens.summary_table(destination="b")
    median = np.median(ens.replications_at("b")["delivered_l"].to_numpy(float))
    assert table.loc["delivered_l", "median"] == median
    np.testing.assert_allclose(
        ens.bands("stock_l", q=(0.5,), destination="c")[0.5].to_numpy(),
        np.median(ens.daily("stock_l", "c"), axis=0),
    )


def test_an_unknown_destination_is_one_clear_error() -> None:
    ens = run_ensemble(network(), 2, seed=2, workers=1, progress=False)
    for call in (
        lambda: ens.bands("stock_l", destination="nowhere"),
        lambda: ens.probability("stockout == 1", destination="nowhere"),
        lambda: ens.probability(lambda d: d["stock_l"] < 0, destination="nowhere"),
        lambda: ens.summary_table(destination="nowhere"),
        lambda: ens.daily("stock_l", "nowhere"),
    ):
        with pytest.raises(UnknownDestination, match=r"'nowhere'.*places with stock: city, b, c"):
            call()
    assert issubclass(UnknownDestination, ValueError)


def test_the_store_round_trips_every_place(tmp_path: Path) -> None:
    memory = run_ensemble(network(), 5, seed=4, workers=1, progress=False)
    stored = run_ensemble(network(), 5, seed=4, workers=1, progress=False, store=tmp_path / "s")
    copied = simfuel.EnsembleResult.from_parquet(memory.to_parquet(tmp_path / "c"))
    again = simfuel.EnsembleResult.from_parquet(tmp_path / "s")
    assert json.loads((tmp_path / "s" / "manifest.json").read_text())["places"] == [
        "city",
        "b",
        "c",
    ]
    for other in (stored, copied, again):
        pd.testing.assert_frame_equal(other.replications, memory.replications)
        for place in memory.destinations:
            pd.testing.assert_frame_equal(
                other.replications_at(place), memory.replications_at(place)
            )
            for f in DAILY_FIELDS:
                np.testing.assert_array_equal(other.daily(f, place), memory.daily(f, place))


def test_a_resumed_store_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    whole = run_ensemble(network(), 6, seed=9, workers=1, progress=False)
    run_ensemble(network(), 3, seed=9, workers=1, progress=False, store=tmp_path, batch_size=2)
    done = run_ensemble(
        network(), 6, seed=9, workers=1, progress=False, store=tmp_path, resume=True
    )
    for place in whole.destinations:
        pd.testing.assert_frame_equal(done.replications_at(place), whole.replications_at(place))
        np.testing.assert_array_equal(done.daily("stock_l", place), whole.daily("stock_l", place))


def test_a_damaged_place_column_is_computed_again_on_resume(tmp_path: Path) -> None:
    whole = run_ensemble(network(), 4, seed=5, workers=1, progress=False)
    run_ensemble(network(), 4, seed=5, workers=1, progress=False, store=tmp_path, batch_size=2)
    part = sorted((tmp_path / "parts").glob("summary-*.parquet"))[0]
    table = pq.read_table(part)
    pq.write_table(table.drop(["delivered_l@b"]), part)  # an old part among new ones
    done = run_ensemble(
        network(), 4, seed=5, workers=1, progress=False, store=tmp_path, resume=True
    )
    pd.testing.assert_frame_equal(done.replications_at("b"), whole.replications_at("b"))


def _as_previous_version(store: Path) -> None:
    """Rewrite a store as simfuel wrote it before places: no ``places``, no ``@`` columns."""
    manifest = json.loads((store / "manifest.json").read_text())
    del manifest["places"]
    (store / "manifest.json").write_text(json.dumps(manifest))
    for part in (store / "parts").glob("*.parquet"):
        table = pq.read_table(part)
        pq.write_table(table.drop([c for c in table.column_names if "@" in c]), part)


def test_a_store_of_the_previous_version_reads_resumes_and_says_what_it_lacks(
    tmp_path: Path,
) -> None:
    whole = run_ensemble(network(), 4, seed=6, workers=1, progress=False)
    run_ensemble(network(), 2, seed=6, workers=1, progress=False, store=tmp_path)
    _as_previous_version(tmp_path)
    old = simfuel.EnsembleResult.from_parquet(tmp_path)
    pd.testing.assert_frame_equal(old.replications, whole.replications.loc[[0, 1]])
    with pytest.raises(StoreError, match=r"earlier simfuel.*main destination.*'b'"):
        old.bands("stock_l", destination="b")
    with pytest.raises(StoreError, match="earlier simfuel"):
        old.summary_table(destination="c")
    # Resumed by this version, its new parts stay in its own form (the depot's only).
    done = run_ensemble(
        network(), 4, seed=6, workers=1, progress=False, store=tmp_path, resume=True
    )
    pd.testing.assert_frame_equal(done.replications, whole.replications)
    for part in (tmp_path / "parts").glob("*.parquet"):
        assert not [c for c in pq.read_table(part).column_names if "@" in c]


def test_a_one_depot_store_holds_exactly_what_it_held(tmp_path: Path) -> None:
    run_ensemble(simfuel.load_scenario(tiny_scenario()), 2, seed=1, workers=1, progress=False,
                 store=tmp_path)  # fmt: skip
    assert EnsembleStore(tmp_path).places() == ["city"]
    summary = sorted((tmp_path / "parts").glob("summary-*.parquet"))[0]
    daily = sorted((tmp_path / "parts").glob("daily-*.parquet"))[0]
    assert pq.read_table(summary).column_names == ["replication", *SUMMARY_METRICS]
    assert pq.read_table(daily).column_names == ["replication", "day", *DAILY_FIELDS]


def test_an_ensemble_is_the_same_on_one_or_two_workers_at_every_place() -> None:
    one = run_ensemble(network(), 4, seed=8, workers=1, progress=False, batch_size=1)
    two = run_ensemble(network(), 4, seed=8, workers=2, progress=False, batch_size=3)
    for place in one.destinations:
        pd.testing.assert_frame_equal(one.replications_at(place), two.replications_at(place))
        np.testing.assert_array_equal(one.daily("queued_l", place), two.daily("queued_l", place))


# ---------------------------------------------------------------- one run's totals and files


def test_summary_by_place_total_adds_up_the_places() -> None:
    run = simfuel.run(network(), seed=1)
    table = run.summary_by_place(total=True)
    places = table.drop(index="total")
    assert list(table.index) == ["city", "b", "c", "total"]
    pd.testing.assert_frame_equal(places, run.summary_by_place())
    total = table.loc["total"]
    for metric in ("delivered_l", "tankers_lost", "attacks", "convoys", "shortfall_l"):
        assert total[metric] == places[metric].sum()
    assert total["tankers_lost"] > 0
    assert total["min_days_of_cover"] == places["min_days_of_cover"].min()
    assert total["first_stockout"] == min(d for d in places["first_stockout"] if d is not None)
    short = np.zeros(len(run.daily), dtype=bool)
    for place in run.place_keys:
        short |= run.at(place)["shortfall_l"].to_numpy() > 1e-6
    assert total["days_with_shortfall"] == short.sum()
    assert total["days_with_shortfall"] >= places["days_with_shortfall"].max()


def test_to_csv_writes_places_beside_daily_only_for_several_places(tmp_path: Path) -> None:
    run = simfuel.run(network(), seed=1)
    paths = run.to_csv(tmp_path / "net")
    assert set(paths) == {"daily", "convoys", "events", "places", "summary"}
    places = pd.read_csv(paths["places"])
    assert list(places["place"].unique()) == ["city", "b", "c"]
    assert len(places) == 3 * len(run.daily)
    mine = places[places["place"] == "c"]
    np.testing.assert_allclose(mine["stock_l"].to_numpy(), run.at("c")["stock_l"], atol=0.05)
    one = simfuel.run(simfuel.load_scenario(tiny_scenario()), seed=1).to_csv(tmp_path / "one")
    assert set(one) == {"daily", "convoys", "events", "summary"}
    assert not (tmp_path / "one" / "places.csv").exists()


# ---------------------------------------------------------------- sweeps and fleet sizing


def test_a_sweep_at_a_destination_holds_that_places_metrics(tmp_path: Path) -> None:
    from simfuel.ensemble import sweep
    from simfuel.scenario import apply_overrides

    grid = {"threat.hazard_per_100km": [0.2, 0.9]}
    table = sweep(network(), grid, 3, seed=5, workers=1, progress=False, destination="b")
    stored = sweep(
        network(), grid, 3, seed=5, workers=1, progress=False, destination="b", store=tmp_path
    )
    depot = sweep(network(), grid, 3, seed=5, workers=1, progress=False)
    pd.testing.assert_frame_equal(table, stored)
    for k, hazard in enumerate(grid["threat.hazard_per_100km"]):
        sc = apply_overrides(network(), {"threat.hazard_per_100km": hazard})
        ens = run_ensemble(sc, 3, seed=5, workers=1, progress=False)
        rows = table[table["point"] == k].set_index("replication")[list(SUMMARY_METRICS)]
        expected = ens.replications_at("b")[list(SUMMARY_METRICS)]
        pd.testing.assert_frame_equal(rows, expected, check_names=False)
    assert not table["delivered_l"].equals(depot["delivered_l"])
    with pytest.raises(UnknownDestination):
        sweep(network(), grid, 2, seed=5, workers=1, progress=False, destination="z")


@pytest.mark.filterwarnings("ignore:3 replications cannot show")
def test_size_fleet_judges_the_cover_of_the_destination_asked_for() -> None:
    from simfuel.analysis import size_fleet
    from simfuel.scenario import apply_overrides

    sc = network()
    force = next(iter(sc.escorts))
    kwargs = dict(units=[0, 2], reps=3, seed=4, workers=1, progress=False, n_boot=0)
    at_c = size_fleet(sc, force, after=sc.start, min_cover_days=2, destination="c", **kwargs)
    depot = size_fleet(sc, force, after=sc.start, min_cover_days=2, **kwargs)
    assert at_c.destination == "c" and depot.destination is None
    assert "days of cover at c" in at_c.describe() and " at c" not in depot.describe()
    for i, units in enumerate((0, 2)):
        variant = apply_overrides(sc, {f"escorts.{force}.units": units})
        ens = run_ensemble(variant, 3, seed=4, workers=1, progress=False)
        for place, sizing in (("c", at_c), (None, depot)):
            shares = (ens.daily("days_of_cover", place) >= 2).mean(axis=1)
            np.testing.assert_allclose(sizing.day_shares[i], shares)
    assert not np.array_equal(at_c.day_shares, depot.day_shares)


def test_to_dataframe_takes_a_destination() -> None:
    ens = run_ensemble(network(), 2, seed=1, workers=1, progress=False)
    frame = ens.to_dataframe(destination="c")
    np.testing.assert_array_equal(frame["stock_l"].to_numpy(), ens.daily("stock_l", "c").ravel())
    pd.testing.assert_frame_equal(ens.to_dataframe(), ens.to_dataframe("city"))


def test_a_place_that_stocks_two_commodities_is_its_main_commoditys_row() -> None:
    """Another commodity's stock at the same place must not stand in for the main one."""
    raw = simfuel.load_scenario(
        Path(__file__).parents[1] / "data" / "commodities-mixed.yaml"
    ).model_dump(by_alias=True, exclude_unset=True)
    raw["places"]["town"] = {"lat": 12.5, "lon": -7.5}
    raw["destinations"] = {
        "town": {
            "place": "town",
            "capacity_l": 2_000_000,
            "initial_stock_l": 600_000,
            "demand": {"demand_l_per_day": 90_000, "cv": 0.1},
            "commodities": {"food": {"capacity": 900, "initial": 100, "demand": {"per_day": 30}}},
        }
    }
    raw["corridors"]["feeder"] = {
        "origin": "city",
        "staging": "city",
        "tankers_per_day": 2,
        "vehicle": "truck",
        "legs": [{"from": "city", "to": "town", "length_km": 80, "speed_kmh": 40}],
    }
    s = simfuel.load_scenario(raw)
    ens = run_ensemble(s, 3, seed=5, workers=1, progress=False)
    assert ens.destinations == ["city", "town"]
    assert_matches_single_runs(ens)
