"""Scenario text is drawn as written: a ``$...$`` in a name is never parsed as mathtext.

Matplotlib typesets a string holding a pair of ``$`` as mathtext, and an unknown command
(``$\\foo$``) stops the drawing with a ParseFatalException: a corridor named that way made
``simfuel report`` crash.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pytest
from matplotlib import cbook
from matplotlib.axes import Axes
from matplotlib.text import Text

import simfuel
from simfuel.plot import (
    compare_scenarios,
    compare_summary,
    convoy_timeline,
    corridor_map,
    distribution,
    stock_fan,
    sweep_heatmap,
)
from simfuel.plot._style import plain

from .conftest import plotted_raw

EVIL = r"$\foo$"


def evil_raw() -> dict[str, Any]:
    """The plotted scenario with ``$\\foo$`` in every name that reaches a figure."""
    raw = plotted_raw()
    raw["name"] = f"plotted {EVIL}"
    raw["corridors"]["main"]["name"] = f"Main {EVIL}"
    raw["places"]["city"]["name"] = f"Capital {EVIL}"
    raw["places"]["town"]["name"] = f"Town {EVIL}"
    raw["escorts"]["army"]["name"] = f"Army {EVIL}"
    return raw


@pytest.fixture(scope="module")
def evil() -> simfuel.Scenario:
    return simfuel.load_scenario(evil_raw())


@pytest.fixture(scope="module")
def evil_ensemble(evil: simfuel.Scenario) -> simfuel.EnsembleResult:
    return simfuel.run_ensemble(evil, 4, seed=2, workers=1, progress=False)


def drawn_texts(ax: Axes) -> list[Text]:
    """Every text artist of the figure after a full draw (the draw parses mathtext)."""
    ax.figure.canvas.draw()
    return [t for t in ax.figure.findobj(Text) if t.get_text()]


def assert_drawn_as_written(ax: Axes, at_least: int = 1) -> None:
    shown = [t.get_text() for t in drawn_texts(ax) if "foo" in t.get_text()]
    assert len(shown) >= at_least, shown
    for text in shown:
        assert not cbook.is_math_text(text), text
        assert EVIL in text.replace(r"\$", "$"), text


def test_plain_escapes_every_dollar() -> None:
    assert plain(EVIL) == r"\$\foo\$"
    assert plain("no dollars") == "no dollars"
    assert not cbook.is_math_text(plain("$a$ and $b$"))


def test_fan_chart(evil_ensemble: simfuel.EnsembleResult) -> None:
    # title, legend and the caption of the timeline marks (the escort's name)
    assert_drawn_as_written(stock_fan(evil_ensemble), at_least=3)


def test_convoy_timeline(evil: simfuel.Scenario) -> None:
    # title and the main corridor's lane
    assert_drawn_as_written(convoy_timeline(simfuel.run(evil, seed=1)), at_least=2)


def test_corridor_map(evil: simfuel.Scenario) -> None:
    # title (with the depot's name), legend, place labels
    ax = corridor_map(simfuel.run(evil, seed=1), labels="all")
    assert_drawn_as_written(ax, at_least=4)


def test_distributions_and_comparisons(evil_ensemble: simfuel.EnsembleResult) -> None:
    assert_drawn_as_written(distribution(evil_ensemble, "tankers_lost"))
    plt.close("all")
    both = {EVIL: evil_ensemble, "plain": evil_ensemble}
    assert_drawn_as_written(compare_scenarios(both), at_least=2)
    plt.close("all")
    assert_drawn_as_written(compare_summary(both))


def test_sweep_heatmap_axis_names(sweep_table: Any) -> None:
    table = sweep_table.rename(columns={"escorts.army.units": f"units {EVIL}"})
    ax = sweep_heatmap(table, f"units {EVIL}", "threat.hazard_per_100km", "tankers_lost")
    assert_drawn_as_written(ax, at_least=2)
