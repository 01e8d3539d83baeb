"""Disruptions: closures of corridors, legs and places; dated leg speeds and border delays.

Known answers on TINY (``tests.sim.builders``): no threat, fixed delays, so every time is
exact. Main: port -> border 5 h (before staging), border delay 12 h, border -> town 4 h,
town -> city 5 h; 10 tankers a day in 4 batches. East (``add_east``): port_e -> border_e
6 h, border delay 8.25 h, border_e -> city 3 h.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simfuel
from simfuel.scenario import ScenarioError
from tests.helpers import tiny_scenario
from tests.sim.builders import APPROACH_H, BORDER_H, LEG_H, add_east, date, tiny

T5, T7, T10 = 24.0 * 5, 24.0 * 7, 24.0 * 10


def _run(s: dict[str, Any], seed: int = 1) -> simfuel.RunResult:
    r = simfuel.run(s, seed=seed)
    r.check_balance()
    return r


def _kind(r: simfuel.RunResult, kind: str, corridor: str | None = None) -> pd.DataFrame:
    ev = r.events
    sel = ev["kind"] == kind
    if corridor is not None:
        sel &= ev["corridor"] == corridor
    return ev[sel]


def _between(df: pd.DataFrame, t0: float, t1: float) -> pd.DataFrame:
    return df[(df["t_h"] >= t0) & (df["t_h"] < t1)]


def _closed(what: dict[str, Any], t0: int, t1: int | None) -> list[dict[str, Any]]:
    out = [{"type": "close", "date": date(t0), **what}]
    if t1 is not None:
        out.append({"type": "reopen", "date": date(t1), **what})
    return out


# ---------------------------------------------------------------- corridors


def test_a_closed_corridor_carries_nothing_while_closed_and_resumes_after():
    s = tiny_scenario()
    s["events"] = _closed({"corridors": ["main"]}, 5, 10)
    r = _run(s)
    daily = r.daily
    assert (daily["loaded_l"].iloc[5:10] == 0).all()
    assert (daily["loaded_l"].iloc[10:] > 0).all()
    assert (daily["loaded_l"].iloc[:5] > 0).all()
    departed = _kind(r, "departed")
    assert _between(departed, T5, T10).empty
    # The tankers that reached the staging point meanwhile leave at the reopening at once.
    assert departed[departed["t_h"] >= T10]["t_h"].min() == T10
    assert daily["tankers_waiting"].iloc[6:10].min() > 0


def test_a_closure_without_reopen_lasts_to_the_end():
    s = tiny_scenario()
    s["events"] = _closed({"corridors": "all"}, 5, None)
    r = _run(s)
    assert (r.daily["loaded_l"].iloc[5:] == 0).all()
    assert _kind(r, "departed")["t_h"].max() < T5


def test_contracts_are_not_caught_up_after_a_closure():
    s = tiny_scenario()
    s["corridors"]["main"]["tankers_per_day"] = 0
    s["events"] = [
        {
            "type": "contract",
            "date": date(2),
            "quantity_l": 45_000 * 40,
            "period_days": 8,
            "split": {"main": 1.0},
        },
        *_closed({"corridors": ["main"]}, 4, 6),
    ]
    r = _run(s)
    # 5 tankers a day for 8 days, less the 2 closed days.
    assert _kind(r, "loaded")["tankers"].sum() == 5 * 6


# ---------------------------------------------------------------- legs


def test_a_convoy_waits_at_a_closed_leg_and_arrives_after_the_reopening():
    s = tiny_scenario()
    s["events"] = _closed({"corridor": "main", "leg_from": "town"}, 5, 7)
    r = _run(s)
    conv = r.convoys
    at_town = conv["departed_h"] + LEG_H["border-town"]
    held = conv[(at_town >= T5) & (at_town < T7)]
    assert len(held) > 5
    # Held at town to the reopening, then the last leg.
    assert (held["ended_h"] == T7 + LEG_H["town-city"]).all()
    assert (held["ended_h"] >= T7).all()
    free = conv[(at_town < T5) | (at_town >= T7)].dropna(subset=["ended_h"])
    assert (free["ended_h"] - free["departed_h"] == LEG_H["border-town"] + LEG_H["town-city"]).all()
    logged = _kind(r, "held")
    assert set(logged["convoy_id"]) == set(held["convoy_id"])
    assert (logged["leg_from"] == "town").all() and (logged["leg_to"] == "city").all()
    # Formation at the border is not closed: departures go on during the closure.
    assert not _between(_kind(r, "departed"), T5, T7).empty


def test_a_convoy_on_a_leg_when_it_closes_finishes_it():
    s = tiny_scenario()
    s["events"] = _closed({"corridor": "main", "leg_from": "town"}, 5, 7)
    r = _run(s)
    conv = r.convoys
    at_town = conv["departed_h"] + LEG_H["border-town"]
    on_leg = conv[(at_town < T5) & (at_town + LEG_H["town-city"] > T5)]
    assert not on_leg.empty
    assert (on_leg["ended_h"] == at_town[on_leg.index] + LEG_H["town-city"]).all()


def test_a_closure_of_the_first_leg_keeps_tankers_at_the_staging_point():
    s = tiny_scenario()
    s["events"] = _closed({"corridor": "main", "leg_from": "border"}, 5, 7)
    r = _run(s)
    assert _between(_kind(r, "departed"), T5, T7).empty
    assert not _between(_kind(r, "loaded"), T5, T7).empty  # loading goes on
    assert r.daily["tankers_waiting"].iloc[6] > 0


def test_a_closed_leg_before_staging_holds_tankers_on_the_approach():
    s = tiny_scenario()
    s["events"] = _closed({"corridor": "main", "leg_from": "port"}, 5, 7)
    r = _run(s)
    # Batches loaded during the closure (and the one loaded at the reopening) all reach
    # the staging point APPROACH_H + BORDER_H after the reopening: one convoy of them all.
    departed = _kind(r, "departed")
    assert _between(departed, T5 + APPROACH_H + BORDER_H, T7 + APPROACH_H + BORDER_H).empty
    first = departed[departed["t_h"] >= T7]
    assert first["t_h"].min() == T7 + APPROACH_H + BORDER_H
    loaded = _kind(r, "loaded")
    behind = loaded[(loaded["t_h"] >= T5) & (loaded["t_h"] <= T7)]["tankers"].sum()
    assert int(first.loc[first["t_h"].idxmin(), "tankers"]) == behind > 20
    held = _kind(r, "held")  # batches, not convoys: each logged once, where it waits
    assert (held["convoy_id"] == -1).all() and (held["leg_from"] == "port").all()
    assert held["tankers"].sum() == behind - _between(loaded, T7, T7 + 1)["tankers"].sum()


def test_waiting_convoys_draw_nothing_extra_and_other_corridors_are_untouched():
    # With a threat, every convoy's attacks and losses come from its own fixed draws: a
    # convoy held at a closed leg meets the same outcome, and the other corridor the same
    # convoys, whatever is closed on main.
    def scenario(events: list[dict[str, Any]]) -> dict[str, Any]:
        s = add_east(tiny(hazard_per_100km=0.5), blockade_intensity=1.0)
        s["corridors"]["main"]["blockade_intensity"] = 1.0
        s["events"] = events
        return s

    cols = ["convoy_id", "tankers_departed", "attacks", "destroyed", "captured"]
    base = _run(scenario([])).convoys
    held = _run(scenario(_closed({"corridor": "main", "leg_from": "town"}, 5, 7))).convoys
    assert base["attacks"].sum() > 5
    pd.testing.assert_frame_equal(base[cols], held[cols])
    closed = _run(scenario(_closed({"corridors": ["main"]}, 5, 10))).convoys
    east = [c for c in base.columns if c != "convoy_id"]
    pd.testing.assert_frame_equal(
        base[base["corridor"] == "east"][east].reset_index(drop=True),
        closed[closed["corridor"] == "east"][east].reset_index(drop=True),
    )


# ---------------------------------------------------------------- places


def test_a_closed_place_stops_every_corridor_through_it():
    s = add_east(tiny_scenario())
    s["events"] = _closed({"place": "city"}, 5, 7)
    r = _run(s)
    for corridor, last_leg_h in (("main", LEG_H["town-city"]), ("east", 3.0)):
        arrived = _kind(r, "arrived", corridor)
        # Convoys already on the last leg finish it; then nothing until the reopening.
        assert _between(arrived, T5 + last_leg_h, T7 + last_leg_h).empty
        assert not _between(arrived, T5, T5 + last_leg_h + 1e-9).empty or corridor == "east"
        assert arrived[arrived["t_h"] >= T7]["t_h"].min() == T7 + last_leg_h
    # Main's convoys are held at town (its last leg is not its first); east's last leg is
    # its first after staging, so its convoys do not form.
    assert not _kind(r, "held", "main").empty
    assert _kind(r, "held", "east").empty
    assert _between(_kind(r, "departed", "east"), T5, T7).empty


def test_closing_an_origin_stops_its_loading_only():
    s = add_east(tiny_scenario())
    s["events"] = _closed({"place": "port"}, 5, 10)
    r = _run(s)
    assert _between(_kind(r, "loaded", "main"), T5, T10).empty
    assert len(_between(_kind(r, "loaded", "east"), T5, T10)) == 5 * 3


def test_closure_and_reopen_of_overlapping_targets():
    # Main's first leg is closed by the place border until day 7 and the corridor until
    # day 9: no convoy leaves before both have reopened.
    s = tiny_scenario()
    s["events"] = [*_closed({"place": "border"}, 3, 7), *_closed({"corridors": ["main"]}, 5, 9)]
    r = _run(s)
    assert _between(_kind(r, "departed"), 72.0, 24.0 * 9).empty
    assert _kind(r, "departed")["t_h"].loc[lambda t: t >= 72.0].min() == 24.0 * 9


# ---------------------------------------------------------------- speeds and delays


@pytest.mark.parametrize("speed", [{"factor": 0.5}, {"speed_kmh": 15}])
def test_a_slower_leg_makes_arrivals_later_by_exactly_the_extra_hours(speed):
    base = _run(tiny_scenario()).convoys.set_index("convoy_id")
    s = tiny_scenario()
    s["events"] = [{"type": "leg_speed", "date": date(5), "corridor": "main", "leg_from": "town"}]
    s["events"][0].update(speed)
    slow = _run(s).convoys.set_index("convoy_id")
    enters = base["departed_h"] + LEG_H["border-town"]
    extra = (slow["ended_h"] - base["ended_h"]).dropna()
    expected = (enters >= T5).astype(float) * (150 / 15 - LEG_H["town-city"])
    pd.testing.assert_series_equal(extra, expected[extra.index], check_names=False)
    assert (extra > 0).sum() > 10


def test_a_speed_factor_of_one_restores_the_leg():
    s = tiny_scenario()
    s["events"] = [
        {"type": "leg_speed", "date": date(5), "corridors": "all", "factor": 0.5},
        {"type": "leg_speed", "date": date(5), "corridors": "all", "factor": 1.0},
    ]
    pd.testing.assert_frame_equal(_run(s).convoys, _run(tiny_scenario()).convoys)


def test_a_border_delay_change_applies_to_batches_loaded_after_the_date_only():
    s = tiny_scenario()
    s["events"] = [{"type": "border_delay", "date": date(5), "delay_h": 30}]
    r = _run(s)
    loads = _kind(r, "loaded")["t_h"].to_numpy()
    formed = set(r.convoys["formed_h"])
    # No escort policy: a convoy forms as each batch reaches the staging point.
    expected = {t + APPROACH_H + (BORDER_H if t < T5 else 30.0) for t in loads}
    assert {t for t in expected if t < r.scenario.horizon_h} <= formed
    assert T5 - 6 + APPROACH_H + BORDER_H in formed  # the last batch before the date
    assert T5 + APPROACH_H + 30.0 in formed and T5 + APPROACH_H + BORDER_H not in formed


def test_a_border_delay_change_moves_no_other_corridor():
    def scenario(events: list[dict[str, Any]]) -> dict[str, Any]:
        s = add_east(tiny_scenario())
        s["corridors"]["east"]["border_delay_h"] = {
            "distribution": "uniform",
            "low": 4,
            "high": 20,
        }
        s["corridors"]["main"]["border_delay_h"] = {
            "distribution": "uniform",
            "low": 4,
            "high": 20,
        }
        s["events"] = events
        return s

    ev = {"type": "border_delay", "date": date(5), "corridors": ["main"]}
    ev["delay_h"] = {"distribution": "lognormal", "mean": 30, "sd": 10}
    base, changed = _run(scenario([])).convoys, _run(scenario([ev])).convoys
    cols = ["formed_h", "departed_h", "ended_h", "tankers_departed"]
    for corridor, same in (("east", True), ("main", False)):
        a = base[base["corridor"] == corridor][cols].reset_index(drop=True)
        b = changed[changed["corridor"] == corridor][cols].reset_index(drop=True)
        assert a.equals(b) is same
    # Before the date main is untouched too.
    early = base[(base["corridor"] == "main") & (base["formed_h"] < T5)][cols]
    assert early.equals(changed[(changed["corridor"] == "main") & (changed["formed_h"] < T5)][cols])


# ---------------------------------------------------------------- the events log


def test_every_disruption_is_in_the_events_log_in_words():
    s = tiny_scenario()
    s["events"] = [
        *_closed({"place": "town"}, 3, 4),
        {"type": "leg_speed", "date": date(5), "corridors": "all", "factor": 0.8},
        {"type": "border_delay", "date": date(6), "delay_h": 20, "note": "new checks"},
    ]
    r = _run(s)
    log = r.events[r.events["kind"].str.startswith("timeline:")]
    assert list(log["kind"]) == [
        "timeline:close",
        "timeline:reopen",
        "timeline:leg_speed",
        "timeline:border_delay",
    ]
    details = list(log["detail"])
    assert details[0].startswith("town closed") and "corridors: main" in details[0]
    assert details[2] == "legs of all corridors driven at 80% of their speed; corridors: all"
    assert details[3].endswith("(new checks)")
    assert all("=" not in d for d in details)


def test_reopening_something_never_closed_is_an_error():
    s = tiny_scenario()
    s["events"] = [{"type": "reopen", "date": date(5), "place": "town"}]
    with pytest.raises(ScenarioError, match=r"events\[0\]: reopens place town"):
        simfuel.run(s, seed=1)


def test_a_leg_closed_to_the_end_keeps_its_convoys_on_the_road():
    s = tiny_scenario()
    s["events"] = _closed({"corridor": "main", "leg_from": "town"}, 5, None)
    r = _run(s)  # the balance holds: they are on the road
    conv = r.convoys
    at_town = conv["departed_h"] + LEG_H["border-town"]
    held = conv[at_town >= T5]
    assert len(held) > 10
    assert held["ended_h"].isna().all() and (held["outcome"] == "in_transit").all()
    assert (r.daily["arrived_l"].iloc[6:] == 0).all()
    assert r.daily["in_transit_l"].iloc[-1] > 0


def test_the_shipped_kayes_closed_what_if_holds_convoys_at_kayes():
    sc = simfuel.load_scenario("kayes-closed")
    closed_h = 24.0 * (dt.date(2025, 10, 1) - sc.start).days
    reopen_h = closed_h + 24.0 * 14
    r = simfuel.run(sc, seed=1)
    held = _kind(r, "held", "dakar_rn1")
    assert not held.empty
    assert (held["leg_from"] == "kayes").all()
    assert ((held["t_h"] >= closed_h) & (held["t_h"] < reopen_h)).all()
    ended = r.convoys.set_index("convoy_id").loc[held["convoy_id"], "ended_h"].dropna()
    assert (ended >= reopen_h).all()
    # No convoy enters the leg while it is closed, so none is attacked on it (after those
    # already on it: an ambush strikes halfway, 237 km at 15 km/h).
    attacks = _between(_kind(r, "attacked", "dakar_rn1"), closed_h + 237 / 15 / 2, reopen_h)
    assert not (attacks["leg_from"] == "kayes").any()


# ---------------------------------------------------------------- labels and properties


def test_disruptions_have_short_marks_for_the_charts():
    from simfuel.labels import describe_event

    sc = simfuel.load_scenario("kayes-closed")
    close, reopen = sc.events[-2:]
    assert describe_event(close, sc, short=True) == "closed: leg Kayes – Diéma"
    assert describe_event(reopen, sc, short=True) == "reopened: leg Kayes – Diéma"
    s = tiny_scenario()
    s["events"] = [
        {"type": "leg_speed", "date": date(2), "place": "town", "speed_kmh": 12},
        {
            "type": "border_delay",
            "date": date(2),
            "delay_h": {"distribution": "uniform", "low": 10, "high": 30},
        },
        {"type": "close", "date": date(3), "corridors": "all"},
    ]
    tiny_sc = simfuel.load_scenario(s)
    marks = [describe_event(ev, tiny_sc, short=True) for ev in tiny_sc.events]
    assert marks == ["town: 12 km/h", "border delay: mean 20 h", "closed: all corridors"]
    assert describe_event(tiny_sc.events[1], tiny_sc).startswith("border delay 10–30 h")


@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    {"corridors": ["main"]},
                    {"corridors": "all"},
                    {"place": "city"},
                    {"place": "port"},
                    {"place": "border_e"},
                    {"corridor": "main", "leg_from": "town"},
                    {"corridor": "east", "leg_from": "port_e"},
                ]
            ),
            st.integers(0, 19),
            st.one_of(st.none(), st.integers(0, 10)),
        ),
        max_size=4,
        unique_by=lambda c: str(c[0]),  # a target closed twice could not reopen twice
    ),
    st.integers(0, 3),
)
@settings(max_examples=25, deadline=None, derandomize=True)
def test_fuel_balances_and_the_same_seed_gives_the_same_tables_under_closures(closures, seed):
    s = add_east(tiny(hazard_per_100km=0.3), blockade_intensity=1.0)
    events: list[dict[str, Any]] = []
    for what, day, length in closures:
        events += _closed(what, day, None if length is None else min(day + length, 19))
    s["events"] = events
    sc = simfuel.load_scenario(s)
    a, b = simfuel.run(sc, seed=seed), simfuel.run(sc, seed=seed)
    a.check_balance()
    assert (a.daily["stock_l"] >= 0).all()
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.convoys, b.convoys)


# ---------------------------------------------------------------- the lookups themselves


def test_windows_merge_touching_spans_and_look_up_the_reopening():
    from simfuel.sim.disruptions import Windows

    w = Windows.merge([(30.0, 40.0), (10.0, 20.0), (20.0, 25.0), (5.0, 5.0)])
    assert w is not None
    assert (w.starts_h, w.ends_h) == ((10.0, 30.0), (25.0, 40.0))
    assert [w.open_at(t) for t in (0.0, 10.0, 24.9, 25.0, 35.0, 40.0)] == [
        0.0,
        25.0,
        25.0,
        25.0,
        40.0,
        40.0,
    ]
    assert Windows.merge([(5.0, 5.0)]) is None
    forever = Windows.merge([(10.0, math.inf)])
    assert forever is not None and forever.open_at(50.0) == math.inf


def test_a_rate_zeroed_while_closed_integrates_to_the_open_hours_only():
    from simfuel.model.schedule import StepSchedule, integrate
    from simfuel.sim.disruptions import Windows

    rate = StepSchedule(2.0, [(50.0, 4.0)])
    w = Windows.merge([(10.0, 20.0), (45.0, 60.0)])
    assert w is not None
    zeroed = w.zeroed(rate)
    assert integrate(zeroed, 0.0, 100.0) == 2.0 * (10 + 25) + 4.0 * 40


def test_a_walk_waits_at_each_closed_leg_and_drives_at_the_speed_of_its_entry():
    from simfuel.model.schedule import StepSchedule
    from simfuel.sim.disruptions import DatedLegs, Windows

    legs = DatedLegs(
        closed=(None, Windows.merge([(12.0, 30.0)])),
        hours=(StepSchedule(5.0, [(8.0, 10.0)]), StepSchedule(4.0)),
        places=(("a", "b"), ("b", "c")),
    )
    assert legs.walk(0.0) == (9.0, [])  # 5 h, then 4 h: b reached before the closure
    assert legs.walk(8.0) == (34.0, [(1, 18.0, 30.0)])  # 10 h from 8, waits 18 -> 30
    assert legs.route_h(8.0) == 14.0
