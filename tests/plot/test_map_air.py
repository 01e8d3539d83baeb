"""corridor_map on air and sea corridors: straight lines in the mode's style, never roads."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_hex

import simfuel
from simfuel.plot import corridor_colors, corridor_map
from tests.helpers import tiny_scenario
from tests.sim.test_modes import airlift, sealift

from .artists import legend_texts


def _lines(ax: plt.Axes, sc: simfuel.Scenario, key: str) -> list[Any]:
    color = corridor_colors(sc)[key]
    return [ln for ln in ax.lines if to_hex(ln.get_color()) == color]


@pytest.fixture
def air_map() -> Any:
    sc = simfuel.load_scenario(airlift())
    ax = corridor_map(sc)
    yield sc, ax
    plt.close(ax.figure)


def test_air_legs_are_dash_dotted_straight_lines(air_map: Any) -> None:
    sc, ax = air_map
    air = _lines(ax, sc, "airlift")
    assert len(air) == 1
    a, b = sc.places["airfield"], sc.places["city"]
    assert air[0].get_linestyle() == "-."  # not dashed: that is a road before staging
    assert list(air[0].get_xdata()) == pytest.approx([a.lon, b.lon], abs=0.05)
    assert list(air[0].get_ydata()) == pytest.approx([a.lat, b.lat], abs=0.05)
    # The road keeps its look: dashed before staging, solid after it.
    assert [ln.get_linestyle() for ln in _lines(ax, sc, "main")] == ["--", "-", "-"]


def test_an_air_leg_at_risk_0_is_drawn_thinner_than_any_threatened_road(air_map: Any) -> None:
    sc, ax = air_map
    (air,) = _lines(ax, sc, "airlift")
    roads = [ln for ln in _lines(ax, sc, "main") if ln.get_linestyle() == "-"]
    assert air.get_linewidth() < min(ln.get_linewidth() for ln in roads)


def test_the_legend_labels_the_air_bridge(air_map: Any) -> None:
    _, ax = air_map
    texts = legend_texts(ax)
    assert "airlift" in texts
    assert any(t.startswith("air bridge") for t in texts)
    assert "main" in texts


def styles(ax: plt.Axes) -> dict[str, str]:
    """Each legend entry's line style, by its text."""
    legend = ax.get_legend()
    return {
        t.get_text(): h.get_linestyle()
        for t, h in zip(legend.get_texts(), legend.legend_handles, strict=True)
    }


def test_the_legend_shows_each_modes_line_style_once() -> None:
    """Two air and two sea corridors: the corridors are told apart by colour, each mode's
    line style is explained once; no corridor entry repeats its mode."""
    s = airlift()
    s["places"]["airfield2"] = {"lat": 10.5, "lon": -12.5}
    s["corridors"]["airlift2"] = {
        **s["corridors"]["airlift"],
        "origin": "airfield2",
        "staging": "airfield2",
        "legs": [{"from": "airfield2", "to": "city", "length_km": 450, "speed_kmh": 200}],
    }
    sea = sealift()
    s["places"]["harbour"] = sea["places"]["harbour"]
    s["places"]["harbour2"] = {"lat": 5.5, "lon": -12.5}
    s["corridors"]["sealift"] = sea["corridors"]["sealift"]
    s["corridors"]["sealift2"] = {
        **sea["corridors"]["sealift"],
        "origin": "harbour2",
        "staging": "harbour2",
        "legs": [{"from": "harbour2", "to": "city", "length_km": 280, "speed_kmh": 20}],
    }
    sc = simfuel.load_scenario(s)
    ax = corridor_map(sc)
    got = styles(ax)
    for key in ("airlift", "airlift2", "sealift", "sealift2", "main"):
        assert got[key] == "-", key  # a colour swatch
    assert not any("(air)" in t or "(sea)" in t for t in got)
    assert [t for t, ls in got.items() if ls == ":"] == [
        "sea route (straight line; no threat unless a leg has a risk)"
    ]
    assert [t for t, ls in got.items() if ls == "-."] == [
        "air bridge (straight line; no threat unless a leg has a risk)"
    ]
    assert [t for t, ls in got.items() if ls == "--"] == ["before staging (no threat)"]
    # on the map, every leg of a mode keeps its style
    for key, ls in (("airlift", "-."), ("airlift2", "-."), ("sealift", ":"), ("sealift2", ":")):
        assert [ln.get_linestyle() for ln in _lines(ax, sc, key)] == [ls], key
    plt.close(ax.figure)


def test_an_air_leg_given_a_risk_is_drawn_thicker() -> None:
    s = airlift()
    s["corridors"]["airlift"]["legs"][0]["risk"] = 2.0
    sc = simfuel.load_scenario(s)
    ax = corridor_map(sc)
    (air,) = _lines(ax, sc, "airlift")
    assert air.get_linestyle() == "-."
    roads = [ln for ln in _lines(ax, sc, "main") if ln.get_linestyle() == "-"]
    assert air.get_linewidth() > max(ln.get_linewidth() for ln in roads)
    plt.close(ax.figure)


def test_sea_legs_are_dotted_and_labelled() -> None:
    sc = simfuel.load_scenario(sealift())
    ax = corridor_map(sc)
    (sea,) = _lines(ax, sc, "sealift")
    assert sea.get_linestyle() == ":"
    assert "sealift" in legend_texts(ax)
    assert any(t.startswith("sea route") for t in legend_texts(ax))
    plt.close(ax.figure)


def test_a_road_scenario_has_no_mode_keys() -> None:
    ax = corridor_map(simfuel.load_scenario(tiny_scenario()))
    assert not any("air" in t or "sea" in t for t in legend_texts(ax))
    plt.close(ax.figure)
