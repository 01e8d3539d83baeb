"""Transport modes (``corridors.<key>.mode``): the air bridge and the sea port's berths.

Known answers on TINY plus one corridor of the mode under test: an air corridor
``airlift`` (airfield -> city, 400 km at 200 km/h: a 2 h flight) or a sea corridor
``sealift`` (harbour -> city, 240 km at 20 km/h: a 12 h voyage).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simfuel
from simfuel.cli import main
from simfuel.scenario import ScenarioError, load_scenario
from simfuel.sim.plan import UnstaffedEscortWarning, unstaffed_escorts
from tests.helpers import tiny_scenario
from tests.sim.builders import date

PAYLOAD_L = 20_000
FLIGHT_H = 400 / 200
VOYAGE_H = 240 / 20
DAYS = 20  # TINY's horizon


def airlift(**air: Any) -> dict[str, Any]:
    """TINY with an air corridor ``airlift`` (4 aircraft, 2 sorties a day unless given)."""
    s = tiny_scenario()
    s["depot"]["capacity_l"] = 100_000_000
    s["places"]["airfield"] = {"lat": 10.0, "lon": -12.0}
    s["corridors"]["airlift"] = {
        "mode": "air",
        "origin": "airfield",
        "staging": "airfield",
        "tankers_per_day": 100,
        "tanker_capacity_l": PAYLOAD_L,
        "air": {"aircraft": 4, "sorties_per_day": 2, **air},
        "legs": [{"from": "airfield", "to": "city", "length_km": 400, "speed_kmh": 200}],
    }
    return s


def sealift(berths: int = 1, ships: int = 2, loads: int = 10) -> dict[str, Any]:
    """TINY with a sea corridor ``sealift``: ``ships`` ships at sea at the start, nothing more."""
    s = tiny_scenario()
    s["depot"]["capacity_l"] = 100_000_000
    s["places"]["harbour"] = {"lat": 5.0, "lon": -12.0}
    s["corridors"]["sealift"] = {
        "mode": "sea",
        "origin": "harbour",
        "staging": "harbour",
        "tankers_per_day": 0,
        "tanker_capacity_l": 1_000_000,
        "sea": {"berths": berths, "berth_hours": 36, "loads_per_ship": loads},
        "initial": {"on_road": [{"leg": 0, "tankers": ships * loads}], "warmup": False},
        "legs": [{"from": "harbour", "to": "city", "length_km": 240, "speed_kmh": 20}],
    }
    return s


def threatened(s: dict[str, Any]) -> dict[str, Any]:
    """``s`` under a heavy blockade of every corridor from the start."""
    s["threat"].update(hazard_per_100km=2.0, loss_fraction_mean=0.5)
    s["events"] = [{"date": date(0), "type": "blockade", "intensity": 1.0}]
    return s


def convoys_on(r: simfuel.RunResult, key: str) -> Any:
    return r.convoys[r.convoys["corridor"] == key]


# ---------------------------------------------------------------- air


def test_an_airlift_at_risk_0_is_never_attacked_while_the_road_is() -> None:
    sc = load_scenario(threatened(airlift()))
    road_attacks = 0
    for seed in range(25):
        r = simfuel.run(sc, seed=seed)
        r.check_balance()
        air = convoys_on(r, "airlift")
        assert len(air) > 100
        assert not air["attacked"].any()
        assert (air["outcome"] == "arrived").all()
        road_attacks += int(convoys_on(r, "main")["attacked"].sum())
    assert road_attacks > 0  # the threat is real: only the air legs escape it


def test_an_air_leg_given_a_risk_can_be_attacked() -> None:
    s = threatened(airlift())
    s["corridors"]["airlift"]["legs"][0]["risk"] = 1.0  # MANPADS on the approach
    r = simfuel.run(s, seed=1)
    r.check_balance()
    assert convoys_on(r, "airlift")["attacked"].any()


def test_every_sortie_is_one_load_without_escort() -> None:
    s = airlift()
    r = simfuel.run(s, seed=2)
    air = convoys_on(r, "airlift")
    assert (air["tankers_departed"] == 1).all()
    assert (air["escort_kind"] == "none").all()
    assert (air["capacity_l"] == PAYLOAD_L).all()


def test_the_fleet_flies_exactly_aircraft_times_sorties_a_day() -> None:
    # 1000 loads wait at the airfield at the start, none before: the 4 aircraft take off
    # together at 0, 12, 24, ... h; every sortie that lands before the end is delivered.
    s = airlift()
    s["corridors"]["airlift"].update(
        tankers_per_day=0, initial={"staged_tankers": 1000, "warmup": False}
    )
    r = simfuel.run(s, seed=0)
    r.check_balance()
    air = convoys_on(r, "airlift")
    landed = air[air["ended_h"] < 24 * DAYS]
    cycle_h = 24 / 2
    sorties = sum(1 for k in range(1000) if k * cycle_h + FLIGHT_H < 24 * DAYS)
    assert sorties == 2 * DAYS
    assert landed["tankers_arrived"].sum() == 4 * sorties
    assert sorted(set(air["departed_h"]))[:3] == [0.0, 12.0, 24.0]
    assert (air.groupby("departed_h").size() == 4).all()
    # The rest waits at the airfield: 1000 - the sorties flown (and in the air) at the end.
    last = r.daily.iloc[-1]
    assert last["tankers_waiting"] == 1000 - len(air)


def test_a_turnaround_gives_the_sortie_rate() -> None:
    # 2 h there, 2 h back, 4 h on the ground: a take-off every 8 h, 3 sorties a day.
    s = airlift()
    s["corridors"]["airlift"].update(
        air={"aircraft": 2, "turnaround_h": 4},
        tankers_per_day=0,
        initial={"staged_tankers": 500, "warmup": False},
    )
    r = simfuel.run(s, seed=0)
    r.check_balance()
    air = convoys_on(r, "airlift")
    assert sorted(set(air["departed_h"]))[:4] == [0.0, 8.0, 16.0, 24.0]
    assert (air.groupby("departed_h").size() == 2).all()
    assert air.loc[air["ended_h"] < 24 * DAYS, "tankers_arrived"].sum() == 2 * 3 * DAYS


@pytest.mark.parametrize("seed", [0, 5])
def test_deliveries_are_bounded_by_the_fleet_when_loads_are_plenty(seed: int) -> None:
    # 100 loads a day offered, 8 sorties a day flown: the fleet is the bottleneck.
    r = simfuel.run(airlift(), seed=seed)
    r.check_balance()
    air = convoys_on(r, "airlift")
    landed = int(air.loc[(air["ended_h"] >= 0) & (air["ended_h"] < 24 * DAYS)].shape[0])
    assert 4 * (2 * DAYS - 1) <= landed <= 4 * (2 * DAYS + 1)
    assert r.daily["tankers_waiting"].iloc[-1] > 1000  # the loads the fleet could not fly


def test_more_aircraft_deliver_more() -> None:
    small = simfuel.run(airlift(aircraft=2), seed=1)
    large = simfuel.run(airlift(aircraft=6), seed=1)
    assert large.daily["delivered_l"].sum() > small.daily["delivered_l"].sum()


def test_a_closed_air_corridor_flies_nothing() -> None:
    s = airlift()
    s["events"] = [{"date": date(5), "type": "close", "corridors": "airlift"}]
    r = simfuel.run(s, seed=1)
    r.check_balance()
    air = convoys_on(r, "airlift")
    assert not (air["departed_h"] >= 24 * 5).any()
    assert (air["departed_h"] < 24 * 5).any()


# ---------------------------------------------------------------- sea


def test_a_ship_waits_for_the_berth() -> None:
    # Two ships reach the port together at 12 h; one berth of 36 h: the second unloads
    # when the first leaves the berth.
    r = simfuel.run(sealift(berths=1), seed=0)
    r.check_balance()
    ships = convoys_on(r, "sealift").sort_values("ended_h")
    assert ships["tankers_departed"].tolist() == [10, 10]
    assert ships["ended_h"].tolist() == [VOYAGE_H + 36, VOYAGE_H + 2 * 36]
    # Waiting at the port and at the berth counts as waiting to unload.
    assert r.daily["tankers_waiting_unload"].iloc[0] == 20
    assert r.daily["tankers_waiting_unload"].iloc[4] == 0


def test_two_berths_unload_two_ships_at_once() -> None:
    r = simfuel.run(sealift(berths=2), seed=0)
    ships = convoys_on(r, "sealift")
    assert ships["ended_h"].tolist() == [VOYAGE_H + 36] * 2


def test_ships_sail_full_one_by_one() -> None:
    s = sealift(ships=0, loads=10)
    del s["corridors"]["sealift"]["initial"]
    s["corridors"]["sealift"]["tankers_per_day"] = 4  # a ship fills in 2.5 days
    r = simfuel.run(s, seed=0)
    r.check_balance()
    ships = convoys_on(r, "sealift")
    assert len(ships) >= 5
    assert (ships["tankers_departed"] == 10).all()


def test_a_sea_leg_is_safe_unless_given_a_risk() -> None:
    s = threatened(sealift(berths=3, ships=3))
    r = simfuel.run(s, seed=3)
    assert not convoys_on(r, "sealift")["attacked"].any()
    s["corridors"]["sealift"]["legs"][0]["risk"] = 5.0
    r = simfuel.run(s, seed=3)
    assert convoys_on(r, "sealift")["attacked"].any()


# ---------------------------------------------------------------- the format


def test_road_corridors_dump_as_before() -> None:
    dumped = load_scenario(tiny_scenario()).model_dump(mode="json", by_alias=True)
    assert not {"mode", "air", "sea", "initial"} & set(dumped["corridors"]["main"])


def test_an_airlift_round_trips_through_its_dump() -> None:
    sc = load_scenario(airlift())
    again = load_scenario(sc.model_dump(mode="json", by_alias=True))
    assert again == sc
    assert again.corridors["airlift"].air is not None


def _error(s: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(s)
    lines = str(info.value).splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def _without_mode_block(s: dict[str, Any], key: str, block: str) -> dict[str, Any]:
    del s["corridors"][key][block]
    return s


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: _road_with_air(),
            "corridors.main: air: only for mode: air (got mode: road)",
        ),
        (
            lambda: _without_mode_block(airlift(), "airlift", "air"),
            "corridors.airlift: air: mode: air needs an `air:` block",
        ),
        (lambda: airlift(aircraft=0), "corridors.airlift.air.aircraft: must be >= 1"),
        (lambda: airlift(sorties_per_day=0), "corridors.airlift.air.sorties_per_day"),
        (
            lambda: airlift(sorties_per_day=7),
            "corridors.airlift: air.sorties_per_day: a round trip of 4 h",
        ),
        (
            lambda: airlift(turnaround_h=3),
            "corridors.airlift.air: give either sorties_per_day or turnaround_h",
        ),
        (lambda: airlift(sorties_per_day=None), "give either sorties_per_day or turnaround_h"),
        (lambda: _escorted_airlift(), "corridors.airlift: escort_policy.forces: an air bridge"),
        (
            lambda: _without_mode_block(sealift(), "sealift", "sea"),
            "corridors.sealift: sea: mode: sea needs a",
        ),
        (lambda: _half_ship(), "corridors.sealift: initial.on_road[0].tankers: ships at sea"),
        (lambda: _mode("boat"), "corridors.main.mode"),
    ],
)
def test_bad_modes_get_one_clear_line(build: Any, message: str) -> None:
    assert message in _error(build())


def _road_with_air() -> dict[str, Any]:
    s = tiny_scenario()
    s["corridors"]["main"]["air"] = {"aircraft": 2, "sorties_per_day": 1}
    return s


def _escorted_airlift() -> dict[str, Any]:
    s = airlift()
    s["corridors"]["airlift"]["escort_policy"] = {"forces": ["air"]}
    return s


def _half_ship() -> dict[str, Any]:
    s = sealift(loads=10)
    s["corridors"]["sealift"]["initial"]["on_road"][0]["tankers"] = 15
    return s


def _mode(mode: str) -> dict[str, Any]:
    s = tiny_scenario()
    s["corridors"]["main"]["mode"] = mode
    return s


def test_the_cli_rejects_a_bad_mode_in_one_line_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(airlift(aircraft=0)), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "corridors.airlift.air.aircraft" in err[0]
    assert "Traceback" not in err[0]


def test_an_airlift_of_too_many_sorties_is_refused_before_it_runs() -> None:
    # Every load is a sortie: 50 000 loads a day over the warm-up and 20 days are too many
    # convoys, though as road convoys of 50 they would not be.
    s = airlift(aircraft=100_000, sorties_per_day=4)
    s["corridors"]["airlift"]["tankers_per_day"] = 50_000
    assert "one run would form too many convoys" in _error(s)
    s["corridors"]["airlift"]["mode"] = "road"
    del s["corridors"]["airlift"]["air"]
    load_scenario(s)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(
    st.integers(1, 6),
    st.sampled_from([0.5, 1.0, 2.0, 3.0]),
    st.integers(0, 60),
    st.booleans(),
    st.integers(1, 3),
    st.integers(0, 3),
)
def test_any_air_and_sea_mix_keeps_the_balance_and_the_fleet_bound(
    aircraft: int, sorties: float, rate: int, warmup: bool, berths: int, seed: int
) -> None:
    s = threatened(airlift(aircraft=aircraft, sorties_per_day=sorties))
    s["corridors"]["airlift"].update(
        tankers_per_day=rate, initial={"staged_tankers": 5, "warmup": warmup}
    )
    sea = sealift(berths=berths)["corridors"]["sealift"]
    s["places"]["harbour"] = {"lat": 5.0, "lon": -12.0}
    s["corridors"]["sealift"] = sea
    r = simfuel.run(s, seed=seed)
    r.check_balance()
    air = convoys_on(r, "airlift")
    assert not air["attacked"].any()
    landed = air.loc[(air["ended_h"] >= 0) & (air["ended_h"] < 24 * DAYS), "tankers_arrived"]
    assert landed.sum() <= aircraft * (sorties * DAYS + 1)
    assert (air["tankers_departed"] == 1).all()
    ships = convoys_on(r, "sealift").sort_values("ended_h")
    # Two ships reach the port together: with one berth they leave it 36 h apart.
    gaps = ships["ended_h"].diff().dropna().tolist()
    assert gaps == ([36.0] if berths == 1 else [0.0])


def test_an_escort_policy_for_all_corridors_does_not_ground_the_airlift() -> None:
    s = airlift()
    s["escorts"]["army"]["units"] = 0
    s["events"] = [
        {
            "date": date(0),
            "type": "escort_policy",
            "corridors": "all",
            "forces": ["army"],
            "required": True,
        }
    ]
    sc = load_scenario(s)
    assert unstaffed_escorts(sc) == [("main", "army")]  # the road waits; the airlift does not
    with pytest.warns(UnstaffedEscortWarning, match="main needs army"):
        r = simfuel.run(sc, seed=1)
    air = convoys_on(r, "airlift")
    assert (air["departed_h"] >= 0).sum() >= 4 * 2 * (DAYS - 1)
