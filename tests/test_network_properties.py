"""Properties on generated networks with disruptions: several stocks and commodities,
seizures and closures on random dates, a finite fleet. Whatever is drawn, every stock
balances per (place, commodity), no stock goes negative, and one seed gives one set of
tables."""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simfuel
from tests.sim.builders import date
from tests.sim.test_commodities import network


@st.composite
def disrupted_networks(draw: st.DrawFn) -> dict[str, Any]:
    s = network(
        food_t=draw(st.integers(1, 40)),
        initial=draw(st.integers(0, 1_000)),
        rate=draw(st.integers(0, 20)),
        hazard=draw(st.sampled_from([0.0, 0.8])),
        keep_days=draw(st.sampled_from([0.0, 2.0])),
    )
    events: list[dict[str, Any]] = []
    for place in draw(st.lists(st.sampled_from(["city", "b"]), max_size=2, unique=True)):
        start = draw(st.integers(0, 15))
        events.append(
            {"id": f"seize-{place}", "date": date(start), "type": "seize", "place": place}
        )
        if draw(st.booleans()):
            end = draw(st.integers(start + 1, 19))
            events.append(
                {"id": f"release-{place}", "date": date(end), "type": "release", "place": place}
            )
    if draw(st.booleans()):
        start = draw(st.integers(0, 15))
        events.append(
            {"id": "close-city-b", "date": date(start), "type": "close", "corridors": ["city_b"]}
        )
        if draw(st.booleans()):
            events.append(
                {
                    "id": "reopen-city-b",
                    "date": date(draw(st.integers(start + 1, 19))),
                    "type": "reopen",
                    "corridors": ["city_b"],
                }
            )
    s["events"] = s.get("events", []) + events
    if draw(st.booleans()):
        s["corridors"]["main"]["fleet"] = {
            "vehicles": draw(st.integers(1, 60)),
            "return_risk_factor": draw(st.sampled_from([0.0, 1.0])),
        }
    return s


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s=disrupted_networks(), seed=st.integers(0, 2**16))
def test_disrupted_networks_balance_stay_non_negative_and_repeat(s: dict, seed: int) -> None:
    r = simfuel.run(s, seed=seed)
    r.check_balance()
    assert (r.places["stock_l"] >= 0).all()
    assert (r.places["served_l"] <= r.places["demand_l"] + 1e-6).all()
    again = simfuel.run(s, seed=seed)
    pd.testing.assert_frame_equal(r.places, again.places)
    pd.testing.assert_frame_equal(r.convoys, again.convoys)
    pd.testing.assert_frame_equal(r.events, again.events)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s=disrupted_networks(), seed=st.integers(0, 2**16))
def test_a_seized_stock_is_unchanged_while_seized(s: dict, seed: int) -> None:
    r = simfuel.run(s, seed=seed)
    places = {ev["place"]: ev for ev in s["events"] if ev["type"] == "seize"}
    releases = {ev["place"]: ev["date"] for ev in s["events"] if ev["type"] == "release"}
    for place, ev in places.items():
        end = releases.get(place, "2100-01-01")
        for commodity in ("diesel", "food"):
            at = r.at(place, commodity)
            held = at.loc[(at.index >= ev["date"]) & (at.index < end)]
            # Trapped: nothing served, nothing delivered or loaded out, the stock constant.
            assert (held["served_l"] == 0).all(), (place, commodity)
            assert (held["loaded_out_l"] == 0).all(), (place, commodity)
            assert held["stock_l"].nunique() <= 1, (place, commodity)
