"""Outputs about one destination use the vehicle words of the corridors that end there.

The scenario, written here: food (the main commodity, in tonnes) goes by truck to the
depot ``city``; people (``evacuees``) go by bus from ``town`` to the camp, a destination
that only buses reach. ``--destination camp`` must speak of buses, the depot of trucks.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import simfuel
from simfuel.cli import main
from simfuel.reporting import render_html
from tests.helpers import tiny_scenario


def trucks_and_buses() -> dict[str, Any]:
    """Food by truck to the depot ``city``; people by bus from ``town`` to ``camp``."""
    s = tiny_scenario()
    s["name"] = "people"
    s["commodities"] = {"food": {"unit": "t"}, "evacuees": {"unit": "people"}}
    s["vehicles"] = {
        "truck": {"payload": {"food": 20}},
        "bus": {"payload": {"evacuees": 50}, "words": "buses"},
    }
    del s["demand"]
    s["places"]["camp"] = {"lat": 12.5, "lon": -7.5}
    food = {"capacity": 5000, "initial": 1000, "demand": {"per_day": 100}}
    s["depot"] = {"place": "city", "commodities": {"food": food}}
    camp = {
        "food": {"capacity": 100, "initial": 50, "demand": {"per_day": 1}},
        "evacuees": {"capacity": 100_000, "initial": 0, "demand": {"per_day": 1}},
    }
    s["destinations"] = {"camp": {"place": "camp", "commodities": camp}}
    s["escorts"] = {}
    main_corridor = s["corridors"]["main"]
    del main_corridor["tanker_capacity_l"]
    main_corridor["vehicle"] = "truck"
    s["corridors"]["out"] = {
        "origin": "town",
        "staging": "town",
        "tankers_per_day": 4,
        "vehicle": "bus",
        "legs": [{"from": "town", "to": "camp", "length_km": 120, "speed_kmh": 30}],
    }
    return s


@pytest.fixture
def path(tmp_path: Path) -> Path:
    out = tmp_path / "people.yaml"
    out.write_text(yaml.safe_dump(trucks_and_buses(), sort_keys=False), encoding="utf-8")
    return out


def vehicle_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if " lost " in line or "destroyed " in line]


def test_the_camp_printout_speaks_of_buses(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(path), "--reps", "4", "--destination", "camp"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^\s+buses lost\s+\d+ \[\d+, \d+\] buses$", out, re.M), out
    assert "buses captured" in out and "buses destroyed" in out
    assert not re.search(r"\btrucks?\b", out), out


def test_the_depot_printout_speaks_of_trucks(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for extra in ([], ["--destination", "city"]):
        assert main(["run", str(path), "--reps", "4", *extra]) == 0
        out = capsys.readouterr().out
        assert re.search(r"^\s+trucks lost\s+\d+ \[\d+, \d+\] trucks$", out, re.M), out
        assert not re.search(r"\bbus(es)?\b", out), out


def test_one_run_at_the_camp_speaks_of_buses(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(path), "--destination", "camp"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^\s+buses lost\s+\d+ buses?$", out, re.M), out
    assert not re.search(r"\btrucks?\b", out), out


def test_the_vocabulary_at_a_place() -> None:
    sc = simfuel.Scenario.model_validate(trucks_and_buses())
    assert sc.vocabulary_at(None) == sc.vocabulary == sc.vocabulary_at("city")
    assert (sc.vocabulary.vehicle, sc.vocabulary.vehicles) == ("truck", "trucks")
    camp = sc.vocabulary_at("camp")
    assert (camp.vehicle, camp.vehicles) == ("bus", "buses")
    # The figures at the camp are still of the main commodity, food in tonnes.
    assert (camp.commodity, camp.unit, camp.shown_unit) == ("food", "t", "t")


def test_the_report_page_about_the_camp_speaks_of_buses() -> None:
    ens = simfuel.run_ensemble(trucks_and_buses(), 3, seed=3, workers=1, progress=False)
    page = html.unescape(re.sub(r"<[^>]+>", " ", render_html(ens, destination="camp")))
    lost = re.search(r"Bottom line\..*?\d+ (\w+) were lost", page, re.S)
    assert lost is not None and lost.group(1) == "buses", page
    assert "trucks were lost" not in page
    depot = html.unescape(re.sub(r"<[^>]+>", " ", render_html(ens)))
    lost = re.search(r"Bottom line\..*?\d+ (\w+) were lost", depot, re.S)
    assert lost is not None and lost.group(1) == "trucks"
