"""RunResult's tables of the opt-in mechanisms: consumer classes, filling stations, fleets."""

from __future__ import annotations

import numpy as np

import simfuel
from simfuel.sim.fleet import STATE_FIELDS
from tests.helpers import tiny_scenario


def _drawdown() -> dict:
    """No supply: 2,000,000 L against 450,000 L a day, rationing at 60 % below 3 days."""
    s = tiny_scenario()
    s["corridors"]["main"]["tankers_per_day"] = 0
    s["rationing"] = {"threshold_days": 3.0, "served_fraction": 0.6}
    return s


def test_consumers_table_holds_each_class_every_day_and_adds_up_to_the_day() -> None:
    s = _drawdown()
    s["demand"]["priority"] = [{"name": "hospitals", "share": 0.5}, {"name": "power", "share": 0.3}]
    r = simfuel.run(s, seed=2)
    t = r.consumers
    assert list(t.columns) == [
        "date",
        "place",
        "commodity",
        "consumer",
        "demand_l",
        "served_l",
        "shortfall_l",
    ]
    assert sorted(t["consumer"].unique()) == ["hospitals", "other", "power"]
    by_day = t.groupby("date")[["demand_l", "served_l"]].sum()
    np.testing.assert_allclose(by_day["demand_l"].to_numpy(), r.daily["demand_l"], rtol=1e-12)
    np.testing.assert_allclose(by_day["served_l"].to_numpy(), r.daily["served_l"], rtol=1e-12)
    assert (by_day.index == r.daily.index).all()
    hosp = t[t["consumer"] == "hospitals"]
    # Hospitals come first: short only on days when nothing at all is left for the rest.
    other = t[t["consumer"] == "other"].set_index("date")
    for _, row in hosp[hosp["shortfall_l"] > 1e-6].iterrows():
        assert other.loc[row["date"], "served_l"] == 0
    assert (t["shortfall_l"] >= -1e-9).all()


def test_no_classes_no_stations_no_fleet_give_empty_tables() -> None:
    r = simfuel.run(tiny_scenario(), seed=1)
    assert r.consumers.empty and r.stations.empty and r.fleet.empty
    assert "consumer" in r.consumers.columns and "dry_share" in r.stations.columns
    assert list(r.fleet.columns) == ["date", "corridor", *STATE_FIELDS]


def test_stations_table_is_one_row_a_day_with_what_the_stock_sent() -> None:
    s = _drawdown()
    s["demand"]["stations"] = {
        "count": 3,
        "capacity_l": 300_000,
        "trucks_per_day": 3,
        "truck_l": 300_000,
    }
    r = simfuel.run(s, seed=3)
    t = r.stations
    assert len(t) == len(r.daily) and (t["place"] == s["depot"]["place"]).all()
    np.testing.assert_allclose(t["sent_l"].to_numpy(), r.daily["served_l"], rtol=1e-12)
    assert t["dry_share"].between(0, 1).all()
    assert t["dry_share"].iloc[-1] > 0  # no supply: the stations end dry


def test_fleet_table_counts_every_vehicle_every_day() -> None:
    s = tiny_scenario()
    s["corridors"]["main"]["fleet"] = {"vehicles": 30}
    r = simfuel.run(s, seed=1)
    t = r.fleet
    assert len(t) == len(r.daily) and (t["corridor"] == "main").all()
    assert (t[list(STATE_FIELDS)].sum(axis=1) == 30).all()
    assert (t["date"].to_numpy() == r.daily.index.to_numpy()).all()


def test_geojson_gives_an_air_leg_without_a_written_risk_risk_0(tmp_path) -> None:
    import json

    from tests.sim.test_modes import airlift

    r = simfuel.run(airlift(), seed=1)
    doc = json.loads(r.to_geojson(tmp_path / "run.geojson").read_text(encoding="utf-8"))
    legs = [f["properties"] for f in doc["features"] if f["properties"]["layer"] == "leg"]
    air = [p for p in legs if r.scenario.corridors[p["corridor"]].mode == "air"]
    road = [p for p in legs if r.scenario.corridors[p["corridor"]].mode == "road"]
    assert air and all(p["risk"] == 0.0 for p in air)
    assert any(p["risk"] > 0 for p in road)
