"""Starting state (``corridors.<key>.initial``): vehicles on a corridor at the start date.

Known answers on TINY (see :mod:`tests.sim.builders`: 5 h to the border, a 12 h border
delay, then 4 h and 5 h to the city; 10 tankers a day in 4 batches).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simfuel
from simfuel.scenario import ScenarioError, load_scenario
from tests.helpers import tiny_scenario
from tests.sim.builders import APPROACH_H, BORDER_H, CAPACITY_L, LEG_H, ROUTE_H
from tests.sim.test_places import chain


def with_initial(warmup: bool = False, rate: float = 0, **initial: Any) -> dict[str, Any]:
    s = tiny_scenario()
    s["corridors"]["main"]["tankers_per_day"] = rate
    s["corridors"]["main"]["initial"] = {**initial, "warmup": warmup}
    return s


def test_staged_tankers_leave_in_the_first_convoy_at_the_start() -> None:
    r = simfuel.run(with_initial(staged_tankers=30), seed=1)
    r.check_balance()
    c = r.convoys
    assert len(c) == 1
    first = c.iloc[0]
    assert first["departed_h"] == 0.0
    assert first["tankers_departed"] == 30
    assert first["ended_h"] == pytest.approx(ROUTE_H)
    assert r.summary()["convoys"] == 1
    assert r.daily["loaded_l"].iloc[0] == 30 * CAPACITY_L
    assert r.daily["delivered_l"].sum() == 30 * CAPACITY_L


def test_the_escort_policy_holds_staged_tankers_as_any_others() -> None:
    s = with_initial(staged_tankers=30)
    s["corridors"]["main"]["escort_policy"] = {"max_size": 12}
    r = simfuel.run(s, seed=1)
    assert r.convoys["tankers_departed"].tolist() == [12, 12, 6]
    assert (r.convoys["departed_h"] == 0.0).all()


def test_a_group_on_the_road_enters_its_leg_at_the_start() -> None:
    # legs[2] is town -> city: the group arrives after that leg alone.
    r = simfuel.run(with_initial(on_road=[{"leg": 2, "tankers": 7}]), seed=1)
    r.check_balance()
    row = r.convoys.iloc[0]
    assert (row["departed_h"], row["tankers_departed"]) == (0.0, 7)
    assert row["ended_h"] == pytest.approx(LEG_H["town-city"])
    assert r.daily["in_transit_l"].iloc[0] == 0
    assert r.daily["delivered_l"].iloc[0] == 7 * CAPACITY_L


def test_a_group_before_the_staging_point_drives_on_and_clears_the_border() -> None:
    r = simfuel.run(with_initial(on_road=[{"leg": 0, "tankers": 5}]), seed=1)
    r.check_balance()
    row = r.convoys.iloc[0]
    assert row["departed_h"] == pytest.approx(APPROACH_H + BORDER_H)
    assert row["ended_h"] == pytest.approx(APPROACH_H + BORDER_H + ROUTE_H)


def test_the_initial_state_is_in_addition_to_the_warm_up() -> None:
    plain = simfuel.run(tiny_scenario(), seed=4)
    more = simfuel.run(with_initial(warmup=True, rate=10, staged_tankers=30), seed=4)
    more.check_balance()
    extra = 30 * CAPACITY_L
    assert more.daily["loaded_l"].sum() - plain.daily["loaded_l"].sum() == extra
    assert more.daily["delivered_l"].sum() - plain.daily["delivered_l"].sum() == extra
    # Warm-up convoys are there in both; the initial tankers add a convoy at 00:00.
    assert (more.convoys["departed_h"] < 0).any()
    assert plain.summary()["convoys"] < more.summary()["convoys"]


def test_without_warm_up_nothing_loads_before_the_start() -> None:
    r = simfuel.run(with_initial(rate=10, staged_tankers=3), seed=2)
    r.check_balance()
    assert (r.convoys["departed_h"] >= 0).all()
    # Nothing arrives before the first batch of the day (loaded at 00:00) drives 5+12+9 h.
    first = r.convoys.sort_values("departed_h").iloc[1]
    assert first["departed_h"] == pytest.approx(APPROACH_H + BORDER_H)


def test_the_starting_state_is_logged() -> None:
    r = simfuel.run(with_initial(staged_tankers=3, on_road=[{"leg": 1, "tankers": 2}]), seed=0)
    ev = r.events[r.events["kind"] == "initial"]
    assert ev["tankers"].tolist() == [3, 2]
    assert (ev["t_h"] == 0.0).all()


@pytest.mark.parametrize(
    ("initial", "message"),
    [
        (
            {"on_road": [{"leg": 3, "tankers": 1}]},
            "corridors.main: initial.on_road[0].leg: no leg 3 (the corridor has 3 legs: 0 .. 2)",
        ),
        ({"on_road": [{"leg": -1, "tankers": 1}]}, "corridors.main.initial.on_road[0].leg"),
        ({"on_road": [{"leg": 0, "tankers": 0}]}, "corridors.main.initial.on_road[0].tankers"),
        ({"staged_tankers": -2}, "corridors.main.initial.staged_tankers: must be >= 0"),
        ({"warmup": "no"}, "corridors.main.initial.warmup"),
        ({"parked": 3}, "corridors.main.initial.parked"),
    ],
)
def test_bad_starting_states_get_one_clear_line(initial: dict[str, Any], message: str) -> None:
    s = tiny_scenario()
    s["corridors"]["main"]["initial"] = initial
    with pytest.raises(ScenarioError) as info:
        load_scenario(s)
    lines = str(info.value).splitlines()
    assert len(lines) == 1, lines
    assert message in lines[0]


def test_an_air_bridge_has_no_vehicles_on_the_road() -> None:
    from tests.sim.test_modes import airlift

    s = airlift()
    s["corridors"]["airlift"]["initial"] = {"on_road": [{"leg": 0, "tankers": 2}]}
    with pytest.raises(ScenarioError, match=r"initial.on_road\[0\]: not for an air bridge"):
        load_scenario(s)


def test_a_secondary_corridor_starts_with_its_vehicles_without_taking_from_upstream() -> None:
    s = chain()
    s["corridors"]["city_b"]["initial"] = {"staged_tankers": 5, "warmup": False}
    s["corridors"]["city_b"]["tankers_per_day"] = 0
    r = simfuel.run(s, seed=1)
    r.check_balance()
    b = r.convoys[r.convoys["corridor"] == "city_b"]
    assert b["tankers_departed"].tolist() == [5]
    assert r.at("city")["loaded_out_l"].sum() == 0  # already loaded before the start
    assert r.at("b")["delivered_l"].sum() == 5 * CAPACITY_L


@st.composite
def starting_states(draw: st.DrawFn) -> dict[str, Any]:
    groups = draw(
        st.lists(
            st.fixed_dictionaries({"leg": st.integers(0, 2), "tankers": st.integers(1, 30)}),
            max_size=3,
        )
    )
    s = with_initial(
        warmup=draw(st.booleans()),
        rate=draw(st.sampled_from([0, 10])),
        staged_tankers=draw(st.integers(0, 60)),
        on_road=groups,
    )
    s["threat"].update(hazard_per_100km=draw(st.sampled_from([0.0, 0.5])), loss_fraction_mean=0.4)
    s["corridors"]["main"]["escort_policy"] = {"max_size": draw(st.integers(1, 50))}
    return s


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(starting_states(), st.integers(0, 3))
def test_any_starting_state_keeps_the_balance_and_is_all_loaded(
    s: dict[str, Any], seed: int
) -> None:
    r = simfuel.run(s, seed=seed)
    r.check_balance()
    ini = s["corridors"]["main"]["initial"]
    placed = ini["staged_tankers"] + sum(g["tankers"] for g in ini["on_road"])
    if not ini["warmup"] and s["corridors"]["main"]["tankers_per_day"] == 0:
        # Nothing but the starting state: it is all that is ever loaded.
        assert r.daily["loaded_l"].sum() == placed * CAPACITY_L
        assert r.convoys["tankers_departed"].sum() == placed  # each departs once (no turn-backs)
    else:
        assert r.daily["loaded_l"].iloc[0] >= placed * CAPACITY_L
