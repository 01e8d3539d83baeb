"""Without threat, convoys take exactly the driving time; the pipeline is full at the start."""

from __future__ import annotations

from collections import Counter

import pytest

import simfuel
from tests.helpers import tiny_scenario
from tests.sim.builders import BORDER_H, CAPACITY_L, date, hours_after


def _threat_off(kind: str) -> dict:
    s = tiny_scenario()
    if kind == "zero_hazard":
        # Hazard 0 with a blockade in force.
        s["threat"]["hazard_per_100km"] = 0.0
        s["events"] = [{"date": date(0), "type": "blockade", "intensity": 2.0}]
    else:
        # A hazard but no blockade (intensity 0).
        s["threat"]["hazard_per_100km"] = 5.0
    return s


@pytest.mark.parametrize("kind", ["zero_hazard", "zero_intensity"])
@pytest.mark.parametrize("staging", ["border", "town"])
def test_threat_off_transit_times(kind, staging):
    s = _threat_off(kind)
    s["corridors"]["main"]["staging"] = staging
    approach_h, route_h = hours_after(staging, s["corridors"]["main"]["legs"])
    horizon_h = 24.0 * 20
    r = simfuel.run(s, seed=11)
    r.check_balance()
    c, ev = r.convoys, r.events

    assert r.summary()["tankers_lost"] == 0
    assert r.summary()["attacks"] == 0
    assert not c["attacked"].any()
    assert set(c["outcome"]) <= {"arrived", "in_transit"}
    assert not ev["kind"].isin(["attacked", "destroyed", "captured", "lost"]).any()

    done = c[c["outcome"] == "arrived"]
    assert len(done) > 50
    transit = done["ended_h"] - done["departed_h"]
    assert transit.to_numpy() == pytest.approx([route_h] * len(done), abs=1e-9)
    assert (done["tankers_arrived"] == done["tankers_departed"]).all()
    # Only convoys too late to finish are still on the road.
    late = c[c["outcome"] == "in_transit"]
    assert (late["departed_h"] > horizon_h - route_h - 1e-9).all()

    # Unescorted convoys leave as soon as their tankers are staged.
    assert (c["formed_h"] == c["departed_h"]).all()
    assert (c["escort_wait_h"] == 0).all()

    # Loading -> staging = approach + fixed border delay: every batch loaded at t leaves
    # the staging point at t + approach + delay, as one convoy of the same size.
    lag = approach_h + BORDER_H
    loaded = ev[ev["kind"] == "loaded"]
    expected = Counter(
        (round(t + lag, 6), int(n))
        for t, n in zip(loaded["t_h"], loaded["tankers"], strict=True)
        if t + lag < horizon_h
    )
    seen = Counter(
        (round(t, 6), int(n))
        for t, n in zip(c["departed_h"], c["tankers_departed"], strict=True)
        if lag - 1e-9 <= t < horizon_h
    )
    assert len(expected) > 50
    assert seen == expected


def _warm(speed_kmh: float | None, border_delay_h: object) -> simfuel.RunResult:
    s = tiny_scenario()
    c = s["corridors"]["main"]
    c["border_delay_h"] = border_delay_h
    if speed_kmh is not None:
        for leg in c["legs"]:
            leg["speed_kmh"] = speed_kmh
    s["depot"]["capacity_l"] = 1e9
    r = simfuel.run(s, seed=5)
    r.check_balance()
    return r


STEADY_L = 10 * CAPACITY_L  # 10 tankers a day


def test_warmup_fills_the_pipeline():
    r = _warm(None, 12)
    d = r.daily
    # Fixed times and 10 tankers a day in batches of 2, 3, 2, 3: exactly 10 tankers
    # reach the depot every day, the first day included, and the road holds the same
    # number of tankers at the end of every day.
    assert (d["arrived_l"] == STEADY_L).all()
    assert (d["delivered_l"] == STEADY_L).all()
    assert (d["in_transit_l"] == d["in_transit_l"].iloc[-1]).all()
    # The pipeline on the road at the start counts as loaded on day 1.
    assert d["loaded_l"].iloc[0] == STEADY_L + d["in_transit_l"].iloc[0]
    # Nothing is logged before the start: warm-up flows are not events of the scenario.
    assert (r.events["t_h"] >= 0).all()


def test_warmup_with_random_border_delay():
    d = _warm(None, {"distribution": "uniform", "low": 30, "high": 60}).daily
    # Random delays: loading to depot takes 5 + [30, 60] + 9 = 44..74 h, so the tankers
    # reaching the depot on day 1 ([0, 24] h) were loaded in [-74, -20] h: at most 10
    # batches of the 6-hourly 2, 3, 2, 3 pattern, i.e. 25 tankers.
    assert 0 < d["arrived_l"].iloc[0] <= 25 * CAPACITY_L
    assert (d["arrived_l"] <= 25 * CAPACITY_L).all()


def test_warmup_long_trip_arrivals_from_day_one():
    # A 102-hour trip (40 h approach, 12 h border, 50 h route): the warm-up spans days.
    d = _warm(5.0, 12).daily
    assert d["arrived_l"].iloc[0] > 0
    assert (d["arrived_l"].iloc[1:] == STEADY_L).all()


def test_warmup_long_trip_day_one_is_a_steady_day():
    d = _warm(5.0, 12).daily
    assert d["arrived_l"].iloc[0] == STEADY_L


def test_warmup_convoys_are_not_counted_as_convoys():
    # 4 batches a day, each leaving as its own convoy (no escort policy): 80 departures in
    # the 20 days; the warm-up's convoys are in the table but not in the count.
    r = _warm(None, 12)
    c = r.convoys
    assert (c["departed_h"] < 0).sum() > 0
    assert (c["departed_h"] >= 0).sum() == 80
    assert r.summary()["convoys"] == 80
    assert (r.events["kind"] == "departed").sum() == 80
