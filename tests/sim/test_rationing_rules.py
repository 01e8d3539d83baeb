"""Rationing rules in a run: hysteresis, minimum duration, priority classes, errors."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.model.stocks import RationingParams, hysteresis_path, hysteresis_step, switches
from simfuel.run import as_seed_sequence
from simfuel.scenario import ScenarioError, load_scenario
from simfuel.scenario.provenance import content_hash
from simfuel.scenario.schema import ENGINE_CHOICES
from simfuel.sim import Simulation, compile_plan, register
from simfuel.sim.rationing import RATIONING_RULES, RationingRule
from tests.helpers import tiny_scenario
from tests.sim.builders import date


def _hovering(**rationing: Any) -> dict[str, Any]:
    """TINY for 60 days with demand a little above supply: cover hovers around 4-5 days.

    450,000 L arrive a day against 500,000 L demanded (cv 0.1); below 4 days, 60 % is
    served, so the stock climbs back: the default rule flips on and off.
    """
    s = tiny_scenario()
    s["end"] = date(59)
    s["demand"].update(demand_l_per_day=500_000, cv=0.1)
    s["rationing"] = {"threshold_days": 4.0, "served_fraction": 0.6, **rationing}
    return s


def _drawdown() -> dict[str, Any]:
    """No supply: 2,000,000 L against 450,000 L a day, rationing at 60 % below 3 days."""
    s = tiny_scenario()
    s["corridors"]["main"]["tankers_per_day"] = 0
    s["rationing"] = {"threshold_days": 3.0, "served_fraction": 0.6}
    return s


def _records(s: dict[str, Any], seed: int = 1):
    """The recorder of one run (its place records hold the consumer classes)."""
    return Simulation(compile_plan(load_scenario(s)), as_seed_sequence(seed)).run()


# ---------------------------------------------------------------- hysteresis and min_days


def test_hysteresis_follows_the_start_and_stop_thresholds_day_by_day():
    r = simfuel.run(_hovering(rule="hysteresis", stop_threshold_days=5.0), seed=1)
    r.check_balance()
    d = r.daily
    # The cover recorded is the one the rule decided on, so the known path applies.
    expected = hysteresis_path(d["days_of_cover"].to_numpy(), 4.0, 5.0)
    assert d["rationing"].astype(bool).tolist() == expected.tolist()
    # In force on days between the thresholds (the day before was in force), not only below.
    between = (d["days_of_cover"] >= 4.0) & (d["days_of_cover"] < 5.0)
    assert (d["rationing"][between] > 0).any()
    assert (d["rationing"][d["days_of_cover"] < 4.0] > 0).all()


def test_hysteresis_switches_less_than_the_default_rule():
    default = simfuel.run(_hovering(), seed=1).daily["rationing"]
    held = simfuel.run(_hovering(rule="hysteresis", stop_threshold_days=5.0), seed=1)
    assert switches(default) >= 10
    assert switches(held.daily["rationing"]) < switches(default) / 2


def test_min_days_keeps_every_rationing_spell_that_long():
    d = simfuel.run(_hovering(rule="hysteresis", min_days=6), seed=1).daily
    on = d["rationing"].to_numpy().astype(int)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], on, [0]])))
    starts, ends = edges[::2], edges[1::2]
    assert len(starts) >= 2
    assert ((ends - starts)[ends < len(on)] >= 6).all()
    expected = hysteresis_path(d["days_of_cover"].to_numpy(), 4.0, 4.0, 6)
    assert on.astype(bool).tolist() == expected.tolist()


def test_the_defaults_written_out_reproduce_the_default_rule_exactly():
    implicit = _hovering()
    explicit = _hovering(rule="default")
    hysteresis = _hovering(rule="hysteresis", stop_threshold_days=4.0, min_days=1)
    a = simfuel.run(implicit, seed=4)
    for other in (explicit, hysteresis):
        b = simfuel.run(other, seed=4)
        pd.testing.assert_frame_equal(a.daily, b.daily)
        pd.testing.assert_frame_equal(a.events, b.events)
    assert content_hash(load_scenario(implicit)) == content_hash(load_scenario(explicit))
    dumped = load_scenario(implicit).model_dump()
    assert dumped["rationing"] == {"threshold_days": 4.0, "served_fraction": 0.6}
    assert "priority" not in dumped["demand"]


def test_a_dated_rationing_event_changes_the_hysteresis_rule():
    s = _hovering(rule="hysteresis", stop_threshold_days=5.0)
    s["events"] = [
        {
            "date": date(30),
            "type": "rationing",
            "threshold_days": 4.5,
            "served_fraction": 0.6,
            "stop_threshold_days": 6.0,
            "min_days": 3,
        }
    ]
    d = simfuel.run(s, seed=2).daily
    cover = d["days_of_cover"].to_numpy()
    on, run, expected = False, 0, []
    for day, c in enumerate(cover):
        rule = (4.0, 5.0, 1) if day < 30 else (4.5, 6.0, 3)
        on = hysteresis_step(on, run, float(c), *rule)
        run = run + 1 if on else 0
        expected.append(on)
    assert d["rationing"].astype(bool).tolist() == expected
    # The event's rule replaces the whole rule: absent fields take their defaults.
    plan = compile_plan(load_scenario(s))
    assert plan.stocks[0].rationing.at(24.0 * 30) == RationingParams(4.5, 0.6, 6.0, 3)
    s["events"][0] = {
        "date": date(30),
        "type": "rationing",
        "threshold_days": 2.0,
        "served_fraction": 0.5,
    }
    plan = compile_plan(load_scenario(s))
    assert plan.stocks[0].rationing.at(24.0 * 30) == RationingParams(2.0, 0.5, 2.0, 1)


def test_a_destination_has_its_own_rule():
    s = _hovering()
    s["places"]["village"] = {"lat": 12.5, "lon": -7.5}
    s["destinations"] = {
        "v": {
            "place": "village",
            "capacity_l": 1_000_000,
            "initial_stock_l": 500_000,
            "demand": {"demand_l_per_day": 100_000},
            "rationing": {
                "threshold_days": 4.0,
                "served_fraction": 0.5,
                "rule": "hysteresis",
                "stop_threshold_days": 100.0,
            },
        }
    }
    r = simfuel.run(s, seed=1)
    v = r.places[r.places["place"] == "village"]
    # No supply to the village: once started below 4 days, it never stops (stop at 100).
    on = v["rationing"].to_numpy().astype(bool)
    first = int(np.argmax(on))
    assert on.any() and on[first:].all() and not on[:first].any()


# ---------------------------------------------------------------- priority consumers


CLASSES = [{"name": "hospitals", "share": 0.1}, {"name": "power", "share": 0.2}]


def _classes(rec, place: int = 0) -> dict[str, np.ndarray]:
    return {k: np.array(v) for k, v in rec.places[place].consumers.items()}


def test_priority_classes_are_served_first_under_rationing():
    s = _hovering()
    s["demand"]["priority"] = copy.deepcopy(CLASSES)
    rec = _records(s)
    d = pd.DataFrame(rec.daily_columns())
    c = _classes(rec)
    assert list(c) == ["hospitals", "power", "other"]
    rationed = d["rationing"].to_numpy() > 0
    assert rationed.any() and not rationed.all()
    for name, share in (("hospitals", 0.1), ("power", 0.2)):
        np.testing.assert_allclose(c[name][:, 0], share * d["demand_l"], rtol=1e-12)
        # 60 % served while rationing covers the 30 % they ask: always served in full.
        np.testing.assert_array_equal(c[name][:, 1], c[name][:, 0])
    # The rest gets what is left: 30 % of demand on rationed days, 70 % on the others.
    other = c["other"][:, 1] / d["demand_l"].to_numpy()
    np.testing.assert_allclose(other[rationed], 0.3, rtol=1e-9)
    np.testing.assert_allclose(other[~rationed], 0.7, rtol=1e-9)


def test_priority_classes_under_shortage_and_balance():
    s = _drawdown()
    s["demand"]["priority"] = [{"name": "hospitals", "share": 0.5}, {"name": "power", "share": 0.3}]
    rec = _records(s)
    d = pd.DataFrame(rec.daily_columns())
    c = _classes(rec)
    assert (d["stockout"] > 0).any()
    # Balance: the classes' demand and served litres add up to the day's.
    np.testing.assert_allclose(sum(v[:, 0] for v in c.values()), d["demand_l"], rtol=1e-12)
    np.testing.assert_allclose(sum(v[:, 1] for v in c.values()), d["served_l"], rtol=1e-12)
    hosp, power, other = (c[k][:, 1] / d["demand_l"].to_numpy() for k in c)
    # Rationed at 60 %: hospitals in full, power gets 10 of its 30 %, the rest nothing.
    rationed = (d["rationing"] > 0) & (d["stockout"] == 0)
    assert rationed.any()
    np.testing.assert_allclose(hosp[rationed], 0.5)
    np.testing.assert_allclose(power[rationed], 0.1)
    np.testing.assert_allclose(other[rationed], 0.0, atol=1e-12)
    # Out of stock: what is left goes to the hospitals first.
    dry = d["stockout"].to_numpy() > 0
    np.testing.assert_allclose(hosp[dry], np.minimum(0.5, d["served_l"][dry] / d["demand_l"][dry]))
    short = [e for e in rec.events if e.kind == "priority_shortfall_started"]
    assert [e.detail.split(":")[0] for e in short] == ["power", "hospitals"]


def test_classes_change_no_table_only_add_their_rows():
    plain = _drawdown()
    classed = _drawdown()
    classed["demand"]["priority"] = copy.deepcopy(CLASSES)
    a, b = simfuel.run(plain, seed=3), simfuel.run(classed, seed=3)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.convoys, b.convoys)
    extra = b.events[b.events["kind"] == "priority_shortfall_started"]
    assert len(extra) == 2
    rest = b.events[b.events["kind"] != "priority_shortfall_started"].reset_index(drop=True)
    pd.testing.assert_frame_equal(a.events.reset_index(drop=True), rest)
    assert _records(plain).places[0].consumers == {}


def test_a_seized_day_serves_no_class():
    s = _hovering()
    s["demand"]["priority"] = copy.deepcopy(CLASSES)
    s["events"] = [
        {"date": date(10), "type": "seize", "place": "city"},
        {"date": date(12), "type": "release", "place": "city"},
    ]
    rec = _records(s)
    c = _classes(rec)
    assert all(len(v) == len(rec.daily) for v in c.values())
    for v in c.values():
        assert (v[10:12, 1] == 0).all() and (v[12:, 1] > 0).any()


# ---------------------------------------------------------------- the extension point


def test_a_registered_rule_is_chosen_by_name(monkeypatch):
    monkeypatch.setattr(RATIONING_RULES, "_classes", dict(RATIONING_RULES._classes))
    monkeypatch.setitem(ENGINE_CHOICES, "rationing rule", list(ENGINE_CHOICES["rationing rule"]))

    @register
    class Always(RationingRule):
        name = "always"

        def in_force(self, t_h: float, cover_days: float, params: RationingParams) -> bool:
            return True

    assert RATIONING_RULES.get("always") is Always
    d = simfuel.run(_hovering(rule="always"), seed=1).daily
    assert (d["rationing"] == 1).all()


def test_the_shipped_rules_are_registered_default_first():
    assert RATIONING_RULES.names() == ("default", "hysteresis")
    assert ENGINE_CHOICES["rationing rule"] == ["default", "hysteresis"]


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        (
            {"rationing": {"threshold_days": 4, "rule": "hysteresis", "stop_threshold_days": 2}},
            "rationing: stop_threshold_days (2) must be >= threshold_days (4)",
        ),
        (
            {"rationing": {"threshold_days": 4, "stop_threshold_days": 6}},
            "rationing: stop_threshold_days: needs rule: hysteresis",
        ),
        (
            {"rationing": {"threshold_days": 4, "min_days": 3}},
            "rationing: min_days: needs rule: hysteresis",
        ),
        (
            {"rationing": {"threshold_days": 4, "rule": "hysteresis", "min_days": 0}},
            "rationing.min_days",
        ),
        ({"rationing": {"rule": "queue"}}, "rationing.rule: unknown rationing rule 'queue'"),
        (
            {
                "demand": {
                    "demand_l_per_day": 1e5,
                    "priority": [CLASSES[0], {"name": "b", "share": 0.95}],
                }
            },
            "demand: priority: the shares must sum to <= 1 (got 1.05)",
        ),
        (
            {"demand": {"demand_l_per_day": 1e5, "priority": [CLASSES[0], CLASSES[0]]}},
            "demand: priority[1].name: 'hospitals' is listed twice",
        ),
        (
            {"demand": {"demand_l_per_day": 1e5, "priority": [{"name": "other", "share": 0.1}]}},
            "demand: priority[0].name: 'other' is the class of the rest of demand",
        ),
        (
            {"demand": {"demand_l_per_day": 1e5, "priority": [{"name": "h", "share": 0}]}},
            "demand.priority[0].share: must be > 0",
        ),
        (
            {
                "events": [
                    {
                        "date": date(3),
                        "type": "rationing",
                        "threshold_days": 3,
                        "served_fraction": 0.5,
                        "stop_threshold_days": 1,
                    }
                ]
            },
            "events[0]: stop_threshold_days (1) must be >= threshold_days (3)",
        ),
        (
            {
                "events": [
                    {
                        "date": date(3),
                        "type": "rationing",
                        "threshold_days": 3,
                        "served_fraction": 0.5,
                        "min_days": 4,
                    }
                ]
            },
            "events[0].min_days: needs rule: hysteresis at its place",
        ),
    ],
)
def test_bad_rules_are_one_line_naming_the_field(patch, message):
    s = tiny_scenario()
    s.update(patch)
    with pytest.raises(ScenarioError) as info:
        load_scenario(s)
    text = str(info.value)
    assert message in text
    assert len(text.strip().splitlines()) == 1


def test_shares_summing_to_one_are_accepted():
    s = tiny_scenario()
    s["demand"]["priority"] = [
        {"name": "a", "share": 0.1},
        {"name": "b", "share": 0.2},
        {"name": "c", "share": 0.7},
    ]
    sc = load_scenario(s)
    assert [c.name for c in sc.demand.priority] == ["a", "b", "c"]


# ---------------------------------------------------------------- filling stations


def _stations(**stations: Any) -> dict[str, Any]:
    """The drawdown with 3 stations of 300,000 L (full at the start), trucks of 300,000 L."""
    s = _drawdown()
    s["demand"]["stations"] = {
        "count": 3,
        "capacity_l": 300_000,
        "trucks_per_day": 3,
        "truck_l": 300_000,
        **stations,
    }
    return s


def _station_days(rec, place: int = 0) -> pd.DataFrame:
    return pd.DataFrame([dataclasses.asdict(x) for x in rec.places[place].stations])


def test_stations_with_trucks_to_spare_pass_the_depot_flows_through():
    plain = simfuel.run(_drawdown(), seed=3)
    s = _stations()
    r = simfuel.run(s, seed=3)
    r.check_balance()
    rec = _records(s, seed=3)
    st = _station_days(rec)
    a, b = plain.daily, r.daily
    # Until the depot runs out, the stations sell and are refilled what the depot serves.
    before = (a["stockout"] == 0).to_numpy()
    assert before.any() and not before.all()
    np.testing.assert_allclose(b["served_l"][before], a["served_l"][before], rtol=1e-12)
    np.testing.assert_allclose(st["sold_l"][before], a["served_l"][before], rtol=1e-12)
    assert (st["dry_share"][before] == 0).all()
    # After it, they sell the 900,000 L their tanks held on top of what the depot had.
    sold = st["sold_l"].sum()
    assert sold == pytest.approx(a["served_l"].sum() + 900_000 - st["stock_l"].iloc[-1])
    assert (st["dry_share"] == 1).any()
    kinds = r.events["kind"].tolist()
    assert kinds.count("stations_dry_started") == 1


def test_stations_balance_day_by_day():
    s = _stations(trucks_per_day=1, demand_spread=0.4, initial_fill=0.5)
    s["corridors"]["main"]["tankers_per_day"] = 8
    s["end"] = date(39)
    r = simfuel.run(s, seed=2)
    r.check_balance()
    st = _station_days(_records(s, seed=2))
    d = r.daily
    np.testing.assert_allclose(st["sent_l"], d["served_l"], rtol=1e-12)
    held = np.concatenate([[450_000.0], st["stock_l"].to_numpy()[:-1]])
    np.testing.assert_allclose(st["stock_l"], held + st["sent_l"] - st["sold_l"], atol=1e-6)
    assert (st["sold_l"].to_numpy() <= d["demand_l"].to_numpy() * (1 + 1e-12)).all()
    assert ((st["stock_l"] >= 0) & (st["stock_l"] <= 900_000 + 1e-6)).all()
    assert 0 < st["dry_share"].max() <= 1


def test_one_truck_a_day_leaves_a_station_dry_on_the_third_day():
    # 150,000 L a station a day; one truck to the emptiest: day 0 tops station 0 up by
    # 150,000 L, day 1 refills station 1 from empty, day 2 station 2 has nothing.
    s = _stations(trucks_per_day=1)
    rec = _records(s)
    st = _station_days(rec)
    np.testing.assert_allclose(st["sent_l"].iloc[:3], [150_000, 300_000, 300_000])
    np.testing.assert_allclose(st["dry_share"].iloc[:3], [0, 0, 1 / 3])
    np.testing.assert_allclose(st["sold_l"].iloc[:3], [450_000, 450_000, 300_000])
    (dry,) = [e for e in rec.events if e.kind == "stations_dry_started"]
    assert dry.t_h == 48.0
    assert dry.detail == "1 of 3 stations dry"
    # The depot sent what one truck could carry: a stock-out of the depot it is not.
    d = pd.DataFrame(rec.daily_columns())
    assert (d["stockout"].iloc[:3] == 0).all()


def test_stations_change_nothing_where_they_are_not_given():
    assert _records(_drawdown()).places[0].stations == []
    dumped = load_scenario(_drawdown()).model_dump()
    assert "stations" not in dumped["demand"]


def test_bad_stations_are_one_line():
    s = _stations(demand_spread=1.0)
    with pytest.raises(ScenarioError) as info:
        load_scenario(s)
    (line,) = str(info.value).strip().splitlines()
    assert "demand.stations.demand_spread: must be < 1" in line


def test_priority_classes_share_what_the_stations_sold():
    s = _stations(trucks_per_day=1)
    s["demand"]["priority"] = copy.deepcopy(CLASSES)
    rec = _records(s)
    sold = _station_days(rec)["sold_l"].to_numpy()
    c = _classes(rec)
    np.testing.assert_allclose(sum(v[:, 1] for v in c.values()), sold, rtol=1e-12)
    # Day 2: a third of the stations dry, 300,000 of 450,000 L sold: the classes in full.
    np.testing.assert_allclose([c["hospitals"][2, 1], c["power"][2, 1]], [45_000, 90_000])
