"""The Lachin corridor case (lachin-2022-2023): its format, its closures' known answers.

The scenario is the second real case of the network issue: its figures are commented in
the file (and sourced in docs/cases/lachin-2022-2023.md); these tests hold what follows
from the dated events whatever the random draws: a closed corridor carries nothing, a
schedule loads on its dates only while open, the held convoy never arrives, and the stock
balances.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import pandas as pd
import pytest

import simfuel
from simfuel.scenario import Scenario, load_scenario
from simfuel.scenario.schema import (
    CloseEvent,
    ObservationEvent,
    RationingEvent,
    ReopenEvent,
)
from tests.helpers import SCENARIOS

NAME = "lachin-2022-2023"
SEEDS = range(3)


@cache
def scenario(name: str = NAME) -> Scenario:
    return load_scenario(SCENARIOS / f"{name}.yaml")


@cache
def run(name: str, seed: int) -> simfuel.RunResult:
    return simfuel.run(scenario(name), seed=seed)


def closures(sc: Scenario) -> dict[str, list[tuple[dt.date, dt.date]]]:
    """Closed periods [close, reopen) of each whole corridor, from the events."""
    out: dict[str, list[tuple[dt.date, dt.date]]] = {}
    opened: dict[str, dt.date] = {}
    for e in sorted(sc.events, key=lambda e: e.date):
        if isinstance(e, CloseEvent | ReopenEvent) and e.corridors:
            for key in e.corridors:
                if isinstance(e, CloseEvent):
                    opened[key] = e.date
                else:
                    out.setdefault(key, []).append((opened.pop(key), e.date))
    after_end = sc.end + dt.timedelta(days=1)
    for key, since in opened.items():
        out.setdefault(key, []).append((since, after_end))
    return out


def schedule_days(sc: Scenario, key: str) -> list[dt.date]:
    """The days a schedule corridor loads: its dates in the horizon while it is open."""
    d = sc.corridors[key].dispatch
    assert d is not None
    if d.dates is not None:
        days = list(d.dates)
    else:
        assert d.first is not None and d.every_days is not None
        days = []
        day = d.first
        while day <= sc.end:
            days.append(day)
            day += dt.timedelta(days=d.every_days)
    shut = closures(sc).get(key, [])
    return [day for day in days if not any(a <= day < b for a, b in shut)]


# ---------------------------------------------------------------- the file


def test_it_is_shipped_and_validates() -> None:
    assert NAME in simfuel.shipped_scenarios()
    sc = scenario()
    assert sc.name == NAME and sc.description
    assert (sc.start, sc.end) == (dt.date(2022, 12, 1), dt.date(2023, 9, 19))
    assert sc.places[sc.depot.place].name == "Stepanakert"
    words = sc.vocabulary
    assert (words.commodity, words.unit, words.vehicle) == ("supplies", "t", "truck")
    assert sc.vehicles["truck"].payload == {"supplies": 19}  # 361 t on 19 trucks


def test_it_uses_at_least_four_network_capabilities() -> None:
    sc = scenario()
    used = {
        "schedule dispatch": sum(c.dispatch_policy == "schedule" for c in sc.corridors.values())
        >= 2,
        "close and reopen a corridor": any(
            isinstance(e, CloseEvent) and e.corridors for e in sc.events
        )
        and any(isinstance(e, ReopenEvent) and e.corridors for e in sc.events),
        "close a leg": any(isinstance(e, CloseEvent) and e.leg_from for e in sc.events),
        "observations": sum(isinstance(e, ObservationEvent) for e in sc.events) >= 5,
        "dated rationing": any(isinstance(e, RationingEvent) for e in sc.events),
        "two origins": len({c.origin for c in sc.corridors.values()}) >= 2,
        "a commodity in tonnes, by truck": [c.unit for c in sc.commodities.values()] == ["t"]
        and all(c.vehicle in sc.vehicles for c in sc.corridors.values()),
    }
    assert all(used.values()), used
    assert len(used) >= 4


def test_every_event_names_its_source() -> None:
    missing = [e.id for e in scenario().events if not e.source]
    assert missing == []


def test_every_number_in_the_file_is_commented() -> None:
    """A line that sets a number carries a comment (source or "assumption"), outside the
    places (whose section comment says "coordinates [GK]") and the events (which carry a
    ``source:`` field each)."""
    text = (SCENARIOS / f"{NAME}.yaml").read_text(encoding="utf-8")
    section = ""
    bare = []
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(r"[a-z_]+:", line):
            section = line.split(":")[0]
        code = line.split("#")[0]
        if section in ("places", "events") or "#" in line:
            continue
        if re.search(r":\s*-?\d", code):
            bare.append(number)
    assert bare == [], f"lines without a comment: {bare}"


# ---------------------------------------------------------------- known answers


@pytest.mark.parametrize("seed", SEEDS)
def test_the_closed_commercial_road_carries_nothing_after_12_december(seed: int) -> None:
    r = run(NAME, seed)
    c = r.convoys
    road = c[c["corridor"] == "lachin_road"]
    assert len(road) > 0, "the road carried trucks before the blockade"
    blockade = pd.Timestamp("2022-12-12")
    assert (road["departed"] < blockade).all()
    loaded = r.events[(r.events["kind"] == "loaded") & (r.events["corridor"] == "lachin_road")]
    assert (loaded["time"] < blockade).all()


@pytest.mark.parametrize("key", ["icrc", "peacekeepers", "aghdam_road"])
def test_a_schedule_loads_on_its_dates_only_while_open(key: str) -> None:
    sc = scenario()
    r = run(NAME, 0)
    c = r.convoys[r.convoys["corridor"] == key]
    want = schedule_days(sc, key)
    assert sorted(c["formed"].dt.date.unique()) == want  # each one forms on its loading day
    payload = sc.corridors[key].tanker_capacity_l
    per_date = sc.corridors[key].dispatch.tankers  # type: ignore[union-attr]
    assert int(c["tankers_arrived"].sum()) * payload == len(want) * per_date * payload
    for a, b in closures(sc).get(key, []):  # nothing forms while closed
        inside = c["formed"].dt.date.between(a, b - dt.timedelta(days=1))
        assert not inside.any(), (key, a, b)


def test_the_icrc_closures_fall_where_the_reports_put_them() -> None:
    shut = closures(scenario())
    assert shut["icrc"][0] == (dt.date(2023, 4, 23), dt.date(2023, 6, 1))
    assert shut["icrc"][1][0] == shut["peacekeepers"][0][0] == dt.date(2023, 6, 15)
    assert shut["lachin_road"] == [(dt.date(2022, 12, 12), dt.date(2023, 9, 20))]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_kornidzor_convoy_waits_to_the_end(seed: int) -> None:
    r = run(NAME, seed)
    c = r.convoys
    assert c[c["corridor"] == "armenia_convoy"].empty  # no convoy forms: its leg is closed
    last = r.daily.iloc[-1]
    assert last["tankers_waiting"] == 19
    assert last["queued_l"] == 19 * r.scenario.corridors["armenia_convoy"].tanker_capacity_l


@pytest.mark.parametrize("seed", SEEDS)
def test_balance_and_the_coupon_ration(seed: int) -> None:
    r = run(NAME, seed)
    r.check_balance()
    d = r.daily
    assert (d["stock_l"] >= 0).all()
    assert not d.loc[:"2023-01-19", "rationing"].any()
    assert d.loc["2023-01-20":, "rationing"].all()
    served = d.loc["2023-01-20":]
    assert (served["served_l"] <= 0.05 * served["demand_l"] + 1e-6).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_without_the_checkpoint_six_more_icrc_weeks_arrive(seed: int) -> None:
    base = run(NAME, seed).convoys
    cf = run("lachin-no-checkpoint", seed).convoys
    weeks = len(schedule_days(scenario("lachin-no-checkpoint"), "icrc"))
    assert weeks - len(schedule_days(scenario(), "icrc")) == 6  # 24 Apr .. 29 May
    arrived = {
        k: int(t[t["corridor"] == "icrc"]["tankers_arrived"].sum())
        for k, t in (("base", base), ("cf", cf))
    }
    assert arrived["cf"] - arrived["base"] == 6 * 6
    # the same seed, one change: the ration runs out later, or not at all
    out = {
        k: run(k, seed).daily.loc["2023-02-01":, "stockout"].sum()
        for k in (NAME, "lachin-no-checkpoint", "lachin-no-june-ban")
    }
    assert out[NAME] > out["lachin-no-checkpoint"] >= out["lachin-no-june-ban"] == 0
