"""A terminal resupplied by sea, and berths shared by the sea corridors ending at one place.

Known answers on TINY (:mod:`tests.sim.builders`) with a terminal at its origin ``port``
(``main``, the road to ``city``, loads out of it) and a sea corridor ``ship_in`` from
``abroad`` to ``port``: 240 km at 20 km/h, a 12 h voyage; ships of 10 loads of 1,000,000 L
at sea at the start (``initial``, no warm-up), one berth, 36 h at it unless a test says.
A second sea corridor ``ship_in2`` (from ``abroad2``, 260 km at 20 km/h: 13 h) ends at
``port`` too where a test needs two.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simfuel
from simfuel.cli import main
from simfuel.scenario import ScenarioError, load_scenario
from simfuel.sim.disruptions import Windows
from simfuel.sim.modes import berth_end_h
from tests.helpers import tiny_scenario
from tests.sim.builders import date

LOAD_L = 1_000_000
LOADS = 10  # a ship
SHIP_L = LOADS * LOAD_L
VOYAGE_H = 240 / 20
VOYAGE2_H = 260 / 20
BERTH_H = 36.0


def sea_corridor(origin: str, km: float, ships: int, **sea: Any) -> dict[str, Any]:
    """A sea corridor ``origin -> port`` with ``ships`` ships at sea at the start."""
    return {
        "mode": "sea",
        "origin": origin,
        "staging": origin,
        "tankers_per_day": 0,
        "tanker_capacity_l": LOAD_L,
        "sea": {"berth_hours": BERTH_H, "loads_per_ship": LOADS, **sea},
        "initial": {"on_road": [{"leg": 0, "tankers": ships * LOADS}], "warmup": False},
        "legs": [{"from": origin, "to": "port", "length_km": km, "speed_kmh": 20}],
    }


def import_terminal(
    ships: int = 2, initial_l: float = 5_000_000, road_per_day: float = 0, **sea: Any
) -> dict[str, Any]:
    """TINY with a terminal at ``port`` resupplied by ``ship_in``; ``main`` loads out of it.

    ``main`` asks for ``road_per_day`` tankers a day (0: the terminal only fills) and
    loads nothing in the warm-up, so what it carries comes out of the terminal.
    """
    s = tiny_scenario()
    s["places"]["abroad"] = {"lat": 5.0, "lon": -12.0}
    s["terminals"] = {
        "port": {"place": "port", "capacity_l": 100_000_000, "initial_stock_l": initial_l}
    }
    s["corridors"]["main"].update(tankers_per_day=road_per_day, initial={"warmup": False})
    s["corridors"]["ship_in"] = sea_corridor("abroad", 240, ships, **sea)
    return s


def with_second_lane(s: dict[str, Any], ships: int = 1, **sea: Any) -> dict[str, Any]:
    """``s`` with a second sea corridor ``ship_in2`` into ``port`` (a 13 h voyage)."""
    s["places"]["abroad2"] = {"lat": 4.0, "lon": -13.0}
    s["corridors"]["ship_in2"] = sea_corridor("abroad2", 260, ships, **sea)
    return s


def ships_of(r: simfuel.RunResult, key: str = "ship_in") -> Any:
    return r.convoys[r.convoys["corridor"] == key].sort_values("ended_h")


def seized(s: dict[str, Any], start: int, end: int) -> dict[str, Any]:
    """``s`` with the terminal seized from day ``start`` to day ``end`` of the run."""
    s["events"] = [
        {"date": date(start), "type": "seize", "place": "port"},
        {"date": date(end), "type": "release", "place": "port"},
    ]
    return s


# ---------------------------------------------------------------- the terminal's stock


def test_a_terminal_resupplied_by_sea_gains_exactly_what_the_ships_carry() -> None:
    r = simfuel.run(import_terminal(ships=2, initial_l=5_000_000), seed=0)
    r.check_balance()  # per (place, commodity), the terminal included
    port = r.at("port")
    assert port["delivered_l"].sum() == 2 * SHIP_L
    assert port["stock_l"].iloc[-1] == 5_000_000 + 2 * SHIP_L
    assert port["loaded_out_l"].sum() == 0  # main asks for nothing
    # Both ships unloaded, into the terminal, not the depot.
    assert ships_of(r)["tankers_arrived"].tolist() == [LOADS, LOADS]
    assert r.at("city")["delivered_l"].sum() == 0


def test_each_commodity_a_ship_carries_goes_into_the_terminal_s_stock_of_it() -> None:
    # Each load: 1,000,000 L of fuel and 400 t of food; the terminal stocks both.
    s = import_terminal(ships=2, initial_l=5_000_000)
    s["commodities"] = {"fuel": {"unit": "L"}, "food": {"unit": "t"}}
    s["vehicles"] = {"hold": {"payload": {"fuel": LOAD_L, "food": 400}}}
    s["terminals"]["port"]["commodities"] = {"food": {"capacity": 50_000, "initial": 100}}
    ship = s["corridors"]["ship_in"]
    del ship["tanker_capacity_l"]
    ship["vehicle"] = "hold"
    r = simfuel.run(s, seed=0)
    r.check_balance()
    assert r.at("port", "fuel")["delivered_l"].sum() == 2 * SHIP_L
    food = r.at("port", "food")
    assert food["delivered_l"].sum() == 2 * LOADS * 400
    assert food["stock_l"].iloc[-1] == 100 + 2 * LOADS * 400


def test_a_full_terminal_keeps_what_does_not_fit_waiting_to_unload() -> None:
    # Room for one and a half shiploads: 15 whole loads go in, 5 wait to the end.
    s = import_terminal(ships=2, initial_l=0)
    s["terminals"]["port"]["capacity_l"] = 1.5 * SHIP_L
    r = simfuel.run(s, seed=0)
    r.check_balance()
    port = r.at("port")
    assert port["delivered_l"].sum() == 15 * LOAD_L
    assert port["tankers_waiting_unload"].iloc[-1] == 5


def test_the_second_of_two_ships_waits_the_berth_hours() -> None:
    r = simfuel.run(import_terminal(ships=2), seed=0)
    ships = ships_of(r)
    assert ships["ended_h"].tolist() == [VOYAGE_H + BERTH_H, VOYAGE_H + 2 * BERTH_H]
    # Waiting at anchor and at the berth counts as waiting to unload at the terminal.
    assert r.at("port")["tankers_waiting_unload"].iloc[0] == 2 * LOADS


def test_a_port_block_gives_the_terminal_its_berths() -> None:
    s = import_terminal(ships=2)
    s["places"]["port"]["port"] = {"berths": 2, "berth_hours": 20}
    del s["corridors"]["ship_in"]["sea"]["berth_hours"]
    r = simfuel.run(s, seed=0)
    r.check_balance()
    assert ships_of(r)["ended_h"].tolist() == [VOYAGE_H + 20] * 2


# ---------------------------------------------------------------- shared berths


@pytest.mark.parametrize("with_port", [False, True])
def test_two_sea_corridors_share_the_berth_first_come_first_served(with_port: bool) -> None:
    # ship_in's ship is at the port at 12 h, ship_in2's at 13 h; one berth: the second
    # takes it when the first leaves, at 12 + 36 h, and holds it its own 10 h.
    s = with_second_lane(import_terminal(ships=1), berth_hours=10)
    if with_port:
        s["places"]["port"]["port"] = {"berths": 1}
    r = simfuel.run(s, seed=0)
    r.check_balance()
    first, second = ships_of(r, "ship_in"), ships_of(r, "ship_in2")
    assert first["ended_h"].tolist() == [VOYAGE_H + BERTH_H]
    assert second["ended_h"].tolist() == [VOYAGE_H + BERTH_H + 10]
    assert r.at("port")["delivered_l"].sum() == 2 * SHIP_L


def test_two_berths_serve_two_corridors_at_once() -> None:
    s = with_second_lane(import_terminal(ships=1), berth_hours=10)
    s["places"]["port"]["port"] = {"berths": 2}
    r = simfuel.run(s, seed=0)
    assert ships_of(r, "ship_in")["ended_h"].tolist() == [VOYAGE_H + BERTH_H]
    assert ships_of(r, "ship_in2")["ended_h"].tolist() == [VOYAGE2_H + 10]


def test_sea_corridors_into_the_depot_share_its_berths_too() -> None:
    # Two lanes into the depot's place, one berth each written: one queue of them.
    s = with_second_lane(import_terminal(ships=1))
    for key in ("ship_in", "ship_in2"):
        s["corridors"][key]["legs"][0]["to"] = "city"
    r = simfuel.run(s, seed=0)
    r.check_balance()
    ends = sorted([*ships_of(r, "ship_in")["ended_h"], *ships_of(r, "ship_in2")["ended_h"]])
    assert ends == [VOYAGE_H + BERTH_H, VOYAGE_H + 2 * BERTH_H]


# ---------------------------------------------------------------- seizure


def test_a_seized_terminal_receives_nothing_until_it_is_released() -> None:
    # A 48 h voyage; seized from day 1 (24 h) to day 5 (120 h): both ships reach the port
    # at 48 h and wait at anchor; the first takes the berth at the release, the second
    # 36 h later.
    s = import_terminal(ships=2)
    s["corridors"]["ship_in"]["legs"][0]["length_km"] = 48 * 20
    r = simfuel.run(seized(s, 1, 5), seed=0)
    r.check_balance()
    port = r.at("port")
    release_h = 24.0 * 5
    assert ships_of(r)["ended_h"].tolist() == [release_h + BERTH_H, release_h + 2 * BERTH_H]
    assert port["delivered_l"].iloc[:6].sum() == 0  # nothing before day 6, 12:00
    assert port["delivered_l"].sum() == 2 * SHIP_L
    assert (port["tankers_waiting_unload"].iloc[2:5] == 2 * LOADS).all()
    assert port["in_transit_l"].iloc[0] == 2 * SHIP_L  # at sea on day 0
    # The ship at the berth says why it waits (the one at anchor behind it waits for it).
    held = r.events[(r.events["kind"] == "held") & (r.events["corridor"] == "ship_in")]
    assert held["t_h"].tolist() == [48.0]
    assert held["detail"].tolist() == ["port seized; the ship unloads by 2025-01-07 12:00"]


def test_ships_do_not_sail_into_a_seized_terminal() -> None:
    # Seized from day 0: the seize closes the place, so the lane into it, as a `close`
    # does; the ships wait at their origin and sail at the release (120 h).
    r = simfuel.run(seized(import_terminal(ships=2), 0, 5), seed=0)
    r.check_balance()
    sailed_h = 24.0 * 5 + VOYAGE_H
    assert ships_of(r)["ended_h"].tolist() == [sailed_h + BERTH_H, sailed_h + 2 * BERTH_H]
    held = r.events[(r.events["kind"] == "held") & (r.events["corridor"] == "ship_in")]
    assert len(held) == 2


def test_a_seizure_stops_the_berth_hours_of_a_ship_unloading() -> None:
    # At the berth from 12 h; seized on day 1 (24 h) to day 3 (72 h): 12 h done before,
    # the 24 h left after the release.
    r = simfuel.run(seized(import_terminal(ships=1), 1, 3), seed=0)
    r.check_balance()
    assert ships_of(r)["ended_h"].tolist() == [72.0 + (BERTH_H - 12.0)]


def test_a_seized_terminal_loads_nothing_onto_the_road() -> None:
    r = simfuel.run(seized(import_terminal(ships=1, road_per_day=8), 2, 6), seed=0)
    r.check_balance()
    ev = r.events
    loaded = ev[(ev["kind"] == "loaded") & (ev["corridor"] == "main")]
    assert not loaded["t_h"].between(48.0, 144.0, inclusive="left").any()
    assert (loaded["t_h"] < 48.0).any() and (loaded["t_h"] >= 144.0).any()


# ---------------------------------------------------------------- the road out


def test_a_road_from_an_empty_terminal_carries_nothing_until_the_first_ship_unloads() -> None:
    r = simfuel.run(import_terminal(ships=1, initial_l=0, road_per_day=8), seed=0)
    r.check_balance()
    unloaded_h = VOYAGE_H + BERTH_H
    ev = r.events
    loaded = ev[(ev["kind"] == "loaded") & (ev["corridor"] == "main")]
    assert loaded["t_h"].min() >= unloaded_h
    assert loaded["t_h"].min() < unloaded_h + 24 / 4  # the next batch loads
    short = ev[(ev["kind"] == "load_short") & (ev["corridor"] == "main")]
    assert (short["t_h"] < unloaded_h).any()
    # What the road carried came out of the ship: the terminal's loaded_out.
    port = r.at("port")
    assert port["loaded_out_l"].sum() == loaded["litres"].sum()
    assert 0 < loaded["litres"].sum() <= SHIP_L


# ---------------------------------------------------------------- the format


def test_a_port_round_trips_and_an_old_file_dumps_without_one() -> None:
    s = import_terminal()
    s["places"]["port"]["port"] = {"berths": 2, "berth_hours": 30}
    del s["corridors"]["ship_in"]["sea"]["berth_hours"]
    sc = load_scenario(s)
    assert sc.corridors["ship_in"].sea is not None
    assert (sc.corridors["ship_in"].sea.berths, sc.corridors["ship_in"].sea.berth_hours) == (2, 30)
    dumped = sc.model_dump(mode="json", by_alias=True)
    assert dumped["corridors"]["ship_in"]["sea"] == {"loads_per_ship": LOADS}
    assert load_scenario(dumped) == sc
    old = load_scenario(tiny_scenario()).model_dump(mode="json", by_alias=True)
    assert all("port" not in p for p in old["places"].values())


def _error(s: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(s)
    lines = str(info.value).splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def _unknown_end() -> dict[str, Any]:
    s = import_terminal()
    s["corridors"]["ship_in"]["legs"][0]["to"] = "prot"
    return s


def _no_stock_end() -> dict[str, Any]:
    s = import_terminal()
    s["corridors"]["ship_in"]["legs"][0]["to"] = "town"
    return s


def _port_without_ships() -> dict[str, Any]:
    s = import_terminal()
    s["places"]["town"]["port"] = {"berths": 1}
    return s


def _berths_not_the_ports() -> dict[str, Any]:
    s = import_terminal()
    s["places"]["port"]["port"] = {"berths": 2}
    s["corridors"]["ship_in"]["sea"]["berths"] = 3
    return s


def _port_of_no_berths() -> dict[str, Any]:
    s = import_terminal()
    s["places"]["port"]["port"] = {"berths": 0, "berth_hours": 12}
    return s


def _port_hours_not_a_number() -> dict[str, Any]:
    s = import_terminal()
    s["places"]["port"]["port"] = {"berths": 1, "berth_hours": "a day"}
    del s["corridors"]["ship_in"]["sea"]["berth_hours"]
    return s


def _berths_disagree() -> dict[str, Any]:
    return with_second_lane(import_terminal(), berths=2)


def _food_to_a_fuel_terminal() -> dict[str, Any]:
    s = import_terminal()
    s["commodities"] = {"fuel": {"unit": "L"}, "food": {"unit": "t"}}
    s["vehicles"] = {"hold": {"payload": {"food": 500}}}
    s["depot"]["commodities"] = {
        "food": {"capacity": 1000, "initial": 500, "demand": {"per_day": 10}}
    }
    ship = s["corridors"]["ship_in"]
    del ship["tanker_capacity_l"]
    ship["vehicle"] = "hold"
    return s


def _ordering_for_a_terminal() -> dict[str, Any]:
    s = import_terminal()
    s["corridors"]["ship_in"].update(
        dispatch_policy="order_up_to", dispatch={"target_days": 5, "max_tankers_per_day": 10}
    )
    return s


BAD = [
    (_unknown_end, "corridors.ship_in.legs[0].to: unknown place 'prot' (did you mean 'port'?)"),
    (
        _no_stock_end,
        "corridors.ship_in.legs[0].to: the last leg must end at the depot 'city' or at a "
        "terminal (port) (it ends at 'town', which holds no stock)",
    ),
    (
        _port_without_ships,
        "places.town.port: no mode: sea corridor ends at 'town': its berths would serve no "
        "ship (sea corridors end at: port)",
    ),
    (
        _berths_not_the_ports,
        "corridors.ship_in.sea.berths: 3 berths, but places.port.port.berths is 2",
    ),
    (
        _ordering_for_a_terminal,
        "corridors.ship_in.dispatch_policy: order_up_to loads up to days of its destination's "
        "demand, and terminal 'port' has none: it would never load",
    ),
    # A bad port value is the port's error only (not also the corridor's it fills).
    (_port_of_no_berths, "places.port.port.berths: must be >= 1 (got 0)"),
    (_port_hours_not_a_number, "places.port.port.berth_hours: expected a number"),
    (
        _berths_disagree,
        "corridors.ship_in2.sea.berths: 2 berths at 'port', but corridors.ship_in.sea.berths "
        "is 1: sea corridors that end at one place share its berths",
    ),
    (
        _food_to_a_fuel_terminal,
        "corridors.ship_in.vehicle: carries food, which its destination terminal 'port' does "
        "not stock (it stocks: fuel)",
    ),
]


@pytest.mark.parametrize(("build", "message"), BAD, ids=[b.__name__ for b, _ in BAD])
def test_bad_ports_and_ends_get_one_clear_line(build: Any, message: str) -> None:
    assert message in _error(build())


@pytest.mark.parametrize("build", [_unknown_end, _port_without_ships], ids=lambda b: b.__name__)
def test_the_cli_refuses_them_in_one_line_with_exit_2(
    build: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(build()), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]
    assert str(path) in err[0]


# ---------------------------------------------------------------- the berth clock


@pytest.mark.parametrize(
    ("t_h", "hours", "end_h"),
    [
        (0.0, 10.0, 10.0),  # done before the first seizure (20 .. 30 h)
        (15.0, 5.0, 30.0),  # up exactly when it starts: held to the release
        (15.0, 10.0, 35.0),  # 5 h before, 5 h after
        (25.0, 8.0, 38.0),  # taken while seized: all 8 h after the release
        (15.0, 20.0, 65.0),  # 5 h, 10 h between the seizures, 5 h after the second
        (95.0, 10.0, math.inf),  # 5 h, then seized from 100 h to the end
    ],
)
def test_the_berth_hours_stop_while_the_stock_is_seized(
    t_h: float, hours: float, end_h: float
) -> None:
    windows = Windows.merge([(20.0, 30.0), (40.0, 60.0), (100.0, math.inf)])
    assert windows is not None
    assert berth_end_h(windows, t_h, hours) == end_h


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(5, 40),
    st.one_of(st.none(), st.tuples(st.integers(0, 10), st.integers(1, 8))),
    st.integers(0, 10),
)
def test_ships_into_a_terminal_keep_every_balance(
    berths: int,
    ships: int,
    ships2: int,
    hours2: int,
    seizure: tuple[int, int] | None,
    road: int,
) -> None:
    s = with_second_lane(
        import_terminal(ships=ships, road_per_day=road), ships2, berth_hours=hours2
    )
    s["places"]["port"]["port"] = {"berths": berths}
    if seizure is not None:
        seized(s, seizure[0], seizure[0] + seizure[1])
    r = simfuel.run(s, seed=0)
    r.check_balance()
    ended = pd.concat([ships_of(r, "ship_in"), ships_of(r, "ship_in2")])
    done = ended[ended["outcome"] == "arrived"]
    # The terminal has room for all: every ship that left its berth is in its stock.
    assert r.at("port")["delivered_l"].sum() == done["tankers_arrived"].sum() * LOAD_L
    if seizure is None:
        # Each ship holds a berth at least its hours after the voyage; with enough
        # berths, exactly those.
        least = np.where(done["corridor"] == "ship_in", VOYAGE_H + BERTH_H, VOYAGE2_H + hours2)
        assert (done["ended_h"].to_numpy() >= least).all()
        if berths >= ships + ships2:
            assert done["ended_h"].tolist() == least.tolist()
    else:
        t0, t1 = 24.0 * seizure[0], 24.0 * (seizure[0] + seizure[1])
        assert not done["ended_h"].between(t0, t1, inclusive="left").any()
