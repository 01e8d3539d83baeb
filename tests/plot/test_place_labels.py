"""Plots of a place other than the main destination speak of that place; escort kinds in words.

A fan chart of Mopti's stock once read "depot stock [ML]" (the depot is Bamako), and the
convoy timeline's legend showed the raw key ``escort: air_hourly`` in the colour of the
first corridor, since the hourly air cover had no colour of its own.
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

import simfuel
from simfuel.labels import DAILY_LABELS, ESCORT_KIND_LABELS, daily_label, escort_kind_label
from simfuel.plot import (
    CORRIDOR_PALETTE,
    ESCORT_COLORS,
    compare_fans,
    convoy_timeline,
    delivery_distribution,
    stock_fan,
)
from simfuel.plot._style import OTHER_ESCORT_COLOR
from simfuel.sim.escort_kinds import ESCORT_KINDS

from .artists import legend_texts

#: The escort kinds simfuel ships.
SHIPPED_KINDS = ("air", "air_hourly", "ground")


@pytest.fixture(scope="module")
def mali_run() -> simfuel.RunResult:
    return simfuel.run(simfuel.load_scenario("mali-2025"), seed=0)


@pytest.fixture(scope="module")
def tutorial() -> simfuel.Scenario:
    return simfuel.load_scenario("tutorial-network")


@pytest.fixture(scope="module")
def tutorial_ensemble(tutorial: simfuel.Scenario) -> simfuel.EnsembleResult:
    return simfuel.run_ensemble(tutorial, 2, seed=0, workers=1, progress=False)


# ---------------------------------------------------------------- a place's labels


def test_a_label_at_a_place_names_it_instead_of_the_depot() -> None:
    assert DAILY_LABELS["stock_l"].at("Mopti").axis == "Mopti stock [ML]"
    assert daily_label("arrived_l", place="Mopti").label == "arrived at Mopti"
    assert daily_label("delivered_l", place="Mopti").label == "fuel delivered to Mopti"
    cover = DAILY_LABELS["days_of_cover"]
    assert cover.at("Mopti") is cover  # it speaks of no depot
    assert DAILY_LABELS["stock_l"].at(None).axis == "depot stock [ML]"  # the main one


def test_a_fan_of_mopti_speaks_of_mopti(mali_run: simfuel.RunResult) -> None:
    ax = stock_fan(mali_run, "stock_l", destination="mopti")
    assert ax.get_ylabel() == "Mopti stock [ML]"
    assert "Mopti stock" in ax.get_title() and "depot" not in ax.get_title()
    assert " at Mopti" not in ax.get_title()  # named once
    plt.close(ax.figure)
    cover = stock_fan(mali_run, "days_of_cover", destination="mopti")
    assert "days of cover at Mopti" in cover.get_title()
    plt.close(cover.figure)


def test_a_fan_of_the_main_destination_still_says_depot(mali_run: simfuel.RunResult) -> None:
    ax = stock_fan(mali_run, "stock_l")
    assert ax.get_ylabel() == "depot stock [ML]"
    plt.close(ax.figure)


def test_ensemble_plots_of_a_town_name_it(tutorial_ensemble: simfuel.EnsembleResult) -> None:
    ax = delivery_distribution(tutorial_ensemble, destination="corran")
    assert ax.get_xlabel() == "fuel delivered to Corran [ML]"
    assert "depot" not in ax.get_title()
    plt.close(ax.figure)
    ax = compare_fans({"a": tutorial_ensemble}, "stock_l", destination="corran")
    assert ax.get_ylabel() == "Corran stock [ML]"
    assert ax.get_title().startswith("Corran stock: median")
    plt.close(ax.figure)


# ---------------------------------------------------------------- escort kinds


def _mixes() -> list[str]:
    """Every ``escort_kind`` a convoy escorted by shipped kinds can have, and ``none``."""
    out = ["none"]
    for n in range(1, len(SHIPPED_KINDS) + 1):
        out += ["+".join(sorted(c)) for c in itertools.combinations(SHIPPED_KINDS, n)]
    return out


def test_the_shipped_kinds_are_these() -> None:
    assert set(SHIPPED_KINDS) <= set(ESCORT_KINDS.names())
    assert set(ESCORT_KIND_LABELS) == {"none", *SHIPPED_KINDS}


@pytest.mark.parametrize("kind", _mixes())
def test_every_escort_kind_has_a_colour_and_words(kind: str) -> None:
    assert kind in ESCORT_COLORS
    words = escort_kind_label(kind)
    assert "_" not in words and "+" not in words.replace(" + ", "")
    assert kind == "none" or all(ESCORT_KIND_LABELS[k] in words for k in kind.split("+"))


def test_escort_colours_are_distinct_and_no_corridor_s() -> None:
    colours = [to_hex(c) for c in ESCORT_COLORS.values()]
    assert len(set(colours)) == len(colours)
    palette = {to_hex(c) for c in CORRIDOR_PALETTE}
    assert set(colours).isdisjoint(palette)
    assert to_hex(OTHER_ESCORT_COLOR) not in palette | set(colours)


def test_the_timeline_names_hourly_air_cover(tutorial: simfuel.Scenario) -> None:
    run = simfuel.run(tutorial, seed=0)
    assert "air_hourly" in set(run.convoys["escort_kind"])
    ax = convoy_timeline(run)
    legend = legend_texts(ax)
    assert "air cover (hourly bank)" in legend
    assert not any("_" in text or text.startswith("escort:") for text in legend)
    bars = {to_hex(p.get_facecolor()) for p in ax.patches if isinstance(p, Rectangle)}
    assert ESCORT_COLORS["air_hourly"] in bars and OTHER_ESCORT_COLOR not in bars
    plt.close(ax.figure)
