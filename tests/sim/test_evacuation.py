"""An evacuation: people carried by bus away from a besieged town, a commodity in ``people``.

The scenario, written here: ``town`` (the depot, the main destination) holds ``N`` people
of the commodity ``evacuees``; a secondary corridor ``out`` loads buses of 50 from the
town's stock and drives them 120 km to ``camp`` (a destination) through a threat. The
schema's smallest demand, one person a day at each place, stands for people who leave on
their own (the town) or move on (the camp): it is in every balance below.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import yaml

import simfuel
from simfuel.cli import format_summary, main
from simfuel.labels import daily_label, summary_label
from simfuel.plot import loss_distribution, stock_fan
from simfuel.scenario import ScenarioError
from tests.helpers import tiny_scenario

BUS = 50  # people a bus carries
N = 510  # people waiting in the town: 10 full buses, and 10 who never fill one
BUSES_PER_DAY = 4
#: Words of fuel outputs that an evacuation must not show.
FUEL_WORDS = re.compile(r"\bML\b|\btankers?\b|\bfuel\b|litres?\b|\bL/day\b", re.IGNORECASE)


def evacuation(hazard: float = 0.0, people: float = N, **bus: Any) -> dict[str, Any]:
    """The town of ``people`` and the camp, one corridor of buses between them."""
    s = tiny_scenario()
    s["end"] = "2025-01-30"
    s["commodities"] = {"evacuees": {"unit": "people"}}
    s["vehicles"] = {"bus": {"payload": {"evacuees": BUS}, "words": "buses", **bus}}
    del s["demand"]
    s["places"] = {"town": {"lat": 11.5, "lon": -8.5}, "camp": {"lat": 12.0, "lon": -8.0}}
    waiting = {"capacity": people, "initial": people, "demand": {"per_day": 1}}
    s["depot"] = {"place": "town", "commodities": {"evacuees": waiting}}
    camp = {"capacity": 10 * N, "initial": 0, "demand": {"per_day": 1}}
    s["destinations"] = {"camp": {"place": "camp", "commodities": {"evacuees": camp}}}
    s["threat"] = {"hazard_per_100km": hazard, "loss_fraction_mean": 0.3, "capture_fraction": 0.3}
    s["escorts"] = {}
    s["corridors"] = {
        "out": {
            "origin": "town",
            "staging": "town",
            "tankers_per_day": BUSES_PER_DAY,
            "vehicle": "bus",
            "upstream_keep_days": 0,
            "blockade_intensity": 1.0,
            "legs": [{"from": "town", "to": "camp", "length_km": 120, "speed_kmh": 30}],
        }
    }
    return s


def run(hazard: float = 0.0, seed: int = 0) -> simfuel.RunResult:
    r = simfuel.run(evacuation(hazard), seed=seed)
    r.check_balance()  # per place, to the unit
    return r


# ---------------------------------------------------------------- known answers


def test_without_risk_every_person_who_boards_arrives_at_the_camp() -> None:
    r = run()
    town, camp = r.at("town"), r.at("camp")
    boarded = int(town["loaded_out_l"].sum())
    assert boarded == 10 * BUS  # ten full buses; the last 10 people fill none
    assert int(camp["delivered_l"].sum()) == boarded
    assert int(camp[["destroyed_l", "captured_l"]].to_numpy().sum()) == 0
    # What the town lost is what boarded plus its one a day; the camp gained what arrived
    # less its one a day: whole people, every day.
    np.testing.assert_array_equal(
        town["stock_l"].to_numpy(),
        N - town["loaded_out_l"].cumsum().to_numpy() - town["served_l"].cumsum().to_numpy(),
    )
    np.testing.assert_array_equal(
        camp["stock_l"].to_numpy(),
        camp["delivered_l"].cumsum().to_numpy() - camp["served_l"].cumsum().to_numpy(),
    )
    assert (camp["served_l"].to_numpy() <= 1).all() and camp["served_l"].iloc[-1] == 1
    assert camp["stock_l"].iloc[-1] == boarded - camp["served_l"].sum()
    assert len(town) == 30
    assert set(r.places["unit"]) == {"people"}


def test_with_risk_the_people_lost_are_the_buses_lost_times_fifty() -> None:
    r = run(hazard=0.5, seed=3)
    c, camp = r.convoys, r.at("camp")
    buses_lost = int(c["destroyed"].sum() + c["captured"].sum())
    assert buses_lost > 0  # the case tests something
    people_lost = int(camp["destroyed_l"].sum() + camp["captured_l"].sum())
    assert people_lost == BUS * buses_lost
    assert int(camp["destroyed_l"].sum()) == BUS * int(c["destroyed"].sum())
    assert r.summary("camp")["tankers_lost"] == buses_lost
    # Everyone who boarded arrived or was lost (nothing is on the road at the end).
    boarded = int(r.at("town")["loaded_out_l"].sum())
    assert boarded == int(camp["delivered_l"].sum()) + people_lost
    assert camp["in_transit_l"].iloc[-1] == 0


@pytest.mark.parametrize("hazard", [0.0, 0.5])
def test_the_town_never_goes_below_zero_and_no_bus_leaves_it_part_full(hazard: float) -> None:
    r = run(hazard=hazard, seed=3)
    town = r.at("town")
    stock = town["stock_l"].to_numpy()
    assert (stock >= 0).all()
    # Every loading is whole buses, and none after fewer than a busload was left.
    out = town["loaded_out_l"].to_numpy()
    assert (out % BUS == 0).all()
    last = int(np.flatnonzero(out)[-1])
    assert (stock[last:] < BUS).all()
    assert stock[-1] == 0  # the last ten left on their own, one a day, and then none
    assert town["stockout"].iloc[-1]
    loaded = r.events[r.events["kind"] == "loaded"]
    assert (loaded["litres"] == BUS * loaded["tankers"]).all()


# ---------------------------------------------------------------- words


def test_an_evacuation_speaks_of_people_and_buses() -> None:
    sc = simfuel.Scenario.model_validate(evacuation())
    vocab = sc.vocabulary
    assert (vocab.unit, vocab.shown_unit, vocab.scale) == ("people", "people", 1.0)
    assert (vocab.vehicle, vocab.vehicles) == ("bus", "buses")
    lost = summary_label("tankers_lost", vocab)
    assert (lost.label, lost.unit) == ("buses lost", "buses")
    delivered = summary_label("delivered_l", vocab, "camp")
    assert delivered.axis == "evacuees delivered to camp [people]"
    assert delivered.format(500, unit=True) == "500 people"  # whole people, no ML
    assert daily_label("stock_l", vocab).axis == "depot stock [people]"
    assert daily_label("demand_l", vocab).unit == "people/day"


def test_the_printed_summary_says_people_and_buses() -> None:
    sc = simfuel.Scenario.model_validate(evacuation(hazard=0.5))
    r = simfuel.run(sc, seed=3)
    text = format_summary(r.summary("camp"), sc.vocabulary, "camp")
    assert "people" in text and "buses lost" in text
    assert not FUEL_WORDS.findall(text), text
    delivered = int(r.at("camp")["delivered_l"].sum())
    assert re.search(rf"delivered to camp\s+{delivered:,} people", text), text
    lost = r.summary("camp")["tankers_lost"]
    assert re.search(rf"buses lost\s+{lost} {'bus' if lost == 1 else 'buses'}$", text, re.M)


def test_the_command_line_prints_people_and_buses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "evacuation.yaml"
    path.write_text(yaml.safe_dump(evacuation(hazard=0.5)))
    assert main(["run", str(path), "--seed", "3", "--destination", "camp"]) == 0
    out = capsys.readouterr().out
    assert "people" in out and "buses" in out
    assert not FUEL_WORDS.findall(out), out


def test_plots_of_an_evacuation_label_people_and_buses() -> None:
    matplotlib.use("Agg")
    ens = simfuel.run_ensemble(evacuation(hazard=0.5), 3, seed=2, workers=1, progress=False)
    drawn = []
    for draw in (
        lambda: stock_fan(ens, "stock_l", destination="camp"),
        lambda: stock_fan(run(hazard=0.5), "stock_l"),
        lambda: loss_distribution(ens),
    ):
        ax = draw()
        texts = [ax.get_xlabel(), ax.get_ylabel(), ax.get_title()]
        legend = ax.get_legend()
        texts += [t.get_text() for t in legend.get_texts()] if legend is not None else []
        drawn.append(" | ".join(texts))
        plt.close(ax.get_figure(root=True))
    assert [FUEL_WORDS.findall(t) for t in drawn] == [[]] * len(drawn), drawn
    assert "[people]" in drawn[0] and "[people]" in drawn[1] and "buses lost" in drawn[2]


# ---------------------------------------------------------------- bad input


def one_problem(raw: dict[str, Any]) -> str:
    """The one line of the ScenarioError that loading ``raw`` raises."""
    with pytest.raises(ScenarioError) as info:
        simfuel.load_scenario(raw)
    lines = str(info.value).splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_half_a_person_in_a_bus_is_one_line_naming_the_payload() -> None:
    s = evacuation()
    s["vehicles"]["bus"]["payload"]["evacuees"] = 49.5
    assert "vehicles.bus.payload.evacuees" in one_problem(s)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("depot", "initial"),
        ("depot", "capacity"),
        ("depot", "reserve"),
        ("destinations.camp", "initial"),
    ],
)
def test_a_fractional_stock_of_people_is_one_line_naming_it(path: str, field: str) -> None:
    s = evacuation()
    place = s["depot"] if path == "depot" else s["destinations"]["camp"]
    value = 600.5 if field == "capacity" else 100.5  # above the initial 510, or below it
    place["commodities"]["evacuees"][field] = value
    line = one_problem(s)
    assert f"{path}.commodities.evacuees.{field}: {value:g} people" in line
    assert "whole number of people" in line


def test_the_command_line_rejects_a_fractional_stock_of_people(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = evacuation()
    s["depot"]["commodities"]["evacuees"]["initial"] = 200.5
    path = tmp_path / "half.yaml"
    path.write_text(yaml.safe_dump(s))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "depot.commodities.evacuees.initial" in err[0] and "whole number" in err[0]


def test_litres_and_tonnes_do_not_apply_to_people() -> None:
    s = evacuation()
    contract = {"type": "contract", "date": "2025-01-03", "period_days": 5}
    s["events"] = [{**contract, "quantity_t": 100, "split": {"out": 1.0}}]
    assert re.search(r"events\[0\]\.quantity_t: tonnes, .* in people", one_problem(s))
    s = evacuation()
    del s["corridors"]["out"]["vehicle"]
    s["corridors"]["out"]["tanker_capacity_l"] = 50
    assert re.search(r"tanker_capacity_l: litres, .* in people", one_problem(s))
