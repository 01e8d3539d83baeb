"""Kinds of defect a careful look at the figures found, each checked on every plot it can hit.

Read back from the renderer after a draw (labels are placed at draw time): a label struck
through by a line; a label that does not say which attack it belongs to; text smaller than
the floor; a key wrapped mid-phrase; marks under the title; text or a legend outside the
figure or over a neighbouring subplot; a legend over a data point; an offset label on a
date axis; a histogram of one value that does not say so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.text import Annotation

import simfuel
from simfuel.analysis.fleet import FleetSizing
from simfuel.plot import (
    compare_scenarios,
    compare_summary,
    convoy_timeline,
    corridor_map,
    daily_shares,
    distribution,
    fleet_curve,
    stock_fan,
    sweep_heatmap,
    timeline_marks,
)
from simfuel.scenario.schema import ScriptedAttackEvent
from tests.helpers import SCENARIOS

from .artists import (
    datenum,
    legend_points,
    letters,
    outside_figure,
    shown_texts,
    struck,
    words,
)

FLOOR_PT = 8.0


@pytest.fixture(scope="module")
def mali_ensemble(mali: simfuel.Scenario) -> simfuel.EnsembleResult:
    return simfuel.run_ensemble(mali, 4, seed=1, workers=1, progress=False)


@pytest.fixture(scope="module")
def no_deal_ensemble() -> simfuel.EnsembleResult:
    return simfuel.run_ensemble(
        SCENARIOS / "no-emergency-deal.yaml", 4, seed=1, workers=1, progress=False
    )


def sizing(curve: dict[str, list[float]]) -> FleetSizing:
    """A sizing result as size_fleet returns it, with the curve given."""
    c = pd.DataFrame(curve)
    c["successes"] = (c["probability"] * 20).round().astype(int)
    c["reps"] = 20
    return FleetSizing(
        force="army",
        curve=c,
        answer=4,
        answer_range=(3, 5),
        answer_distribution=pd.Series({4: 1.0}),
        min_cover_days=2.0,
        day_share=0.9,
        probability=0.8,
        after=pd.Timestamp("2025-01-05").date(),
        until=pd.Timestamp("2025-01-31").date(),
        confidence=0.95,
        reps=20,
        day_shares=np.zeros((len(c), 20)),
        seed_entropy=1,
    )


#: A curve with a point in every corner of the axes, where a legend inside would go.
CORNERS = sizing(
    {
        "units": [1, 2, 3, 4, 5, 6],
        "probability": [0.95, 0.02, 0.5, 0.85, 1.0, 0.03],
        "low": [0.8, 0.0, 0.3, 0.65, 0.85, 0.0],
        "high": [0.99, 0.2, 0.7, 0.95, 1.0, 0.2],
    }
)


def figures(request: pytest.FixtureRequest) -> dict[str, Callable[[Axes | None], Axes]]:
    """Every plot, by name: called with None it draws on a figure of its own."""

    def get(name: str) -> Any:
        return request.getfixturevalue(name)

    return {
        "fan": lambda ax: stock_fan(get("mali_ensemble"), ax=ax),
        "fan of a run": lambda ax: stock_fan(get("mali_run"), "stock_l", ax=ax),
        "compare": lambda ax: compare_scenarios(
            {"mali-2025": get("mali_ensemble"), "no deal": get("no_deal_ensemble")}, ax=ax
        ),
        "timeline": lambda ax: convoy_timeline(get("mali_run"), ax=ax),
        "map of a run": lambda ax: corridor_map(get("mali_run"), ax=ax),
        "map of a scenario": lambda ax: corridor_map(get("scenario"), ax=ax),
        "distribution": lambda ax: distribution(get("ensemble"), ax=ax),
        "daily shares": lambda ax: daily_shares(get("mali_ensemble"), ax=ax),
        "fleet": lambda ax: fleet_curve(CORNERS, ax=ax),
        "heatmap": lambda ax: sweep_heatmap(
            get("sweep_table"),
            "threat.hazard_per_100km",
            "escorts.army.units",
            "tankers_lost",
            ax=ax,
        ),
        "compare summary": lambda ax: compare_summary(
            {"threat": get("ensemble"), "calm": get("calm_ensemble")}, ax=ax
        ),
    }


PLOTS = [
    "fan",
    "fan of a run",
    "compare",
    "timeline",
    "map of a run",
    "map of a scenario",
    "distribution",
    "daily shares",
    "fleet",
    "heatmap",
    "compare summary",
]


def draw(request: pytest.FixtureRequest, name: str) -> Axes:
    ax = figures(request)[name](None)
    ax.figure.canvas.draw()
    return ax


# ---------------------------------------------------------------- every plot


@pytest.mark.parametrize("name", PLOTS)
def test_no_text_below_the_floor(request: pytest.FixtureRequest, name: str) -> None:
    ax = draw(request, name)
    small = [(t.get_text(), t.get_fontsize()) for t in shown_texts(ax.figure)]
    assert [s for s in small if s[1] < FLOOR_PT] == []


@pytest.mark.parametrize("name", PLOTS)
def test_nothing_outside_the_figure(request: pytest.FixtureRequest, name: str) -> None:
    ax = draw(request, name)
    assert outside_figure(ax.figure) == []


@pytest.mark.parametrize("name", PLOTS)
def test_legend_hides_no_data_point(request: pytest.FixtureRequest, name: str) -> None:
    ax = draw(request, name)
    assert legend_points(ax) == []


@pytest.mark.parametrize("name", ["fan", "fan of a run", "compare", "timeline", "daily shares"])
def test_date_axes_have_no_offset_label(request: pytest.FixtureRequest, name: str) -> None:
    """A concise date axis already names months and years: an offset ("2025-Nov") at its
    end reads as a stray label."""
    ax = draw(request, name)
    offset = ax.xaxis.get_offset_text()
    assert not (offset.get_visible() and offset.get_text().strip()), offset.get_text()


# ---------------------------------------------------------------- labels and lines


@pytest.mark.parametrize(
    "name",
    [
        "fan",
        "fan of a run",
        "compare",
        # mali-2025's RN6 (Bamako -> Ségou) leaves Bamako to the east, where the depot's
        # name used to go: the map must find it another side.
        "map of a run",
        "map of a scenario",
    ],
)
def test_no_label_struck_through_by_a_line(request: pytest.FixtureRequest, name: str) -> None:
    """The texts a plot writes itself (attack counts, marks, place names) cross no line."""
    ax = draw(request, name)
    written = [t for t in ax.texts if t.get_visible()]
    assert len(written) >= 5
    assert struck(ax, written) == []


@pytest.mark.parametrize("source", ["mali_ensemble", "mali_run"])
def test_attack_labels_belong_to_their_attack(
    request: pytest.FixtureRequest, source: str, mali: simfuel.Scenario
) -> None:
    """Each count is joined by a leader to its own triangle: a stack of counts a day apart
    says which attack each is."""
    ax = draw(request, "fan" if source == "mali_ensemble" else "fan of a run")
    attacks = sorted(
        (e for e in mali.events if isinstance(e, ScriptedAttackEvent)), key=lambda e: e.date
    )
    labels = [t for t in ax.texts if t.get_visible() and t.get_text().isdigit() and t.get_color()]
    labels = [t for t in labels if isinstance(t, Annotation) and t.get_gid() == "attack label"]
    assert len(labels) == len(attacks) >= 5
    for label, ev in zip(labels, attacks, strict=True):
        assert label.xy[0] == pytest.approx(datenum([ev.date])[0])
        assert label.get_text() == str(ev.tankers_destroyed + ev.tankers_captured)
        assert label.arrow_patch is not None  # the leader
    renderer = ax.figure.canvas.get_renderer()
    boxes = [letters(t, renderer) for t in labels]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_map_names_cross_no_road_and_the_depot_is_named(mali_run: simfuel.RunResult) -> None:
    ax = corridor_map(mali_run)
    ax.figure.canvas.draw()
    names = [t for t in ax.texts if t.get_gid() == "place name" and t.get_visible()]
    assert len(names) >= 20
    assert struck(ax, names) == []
    assert "Bamako" in [t.get_text() for t in ax.texts if t.get_visible()]


# ---------------------------------------------------------------- the timeline key and marks


def test_key_is_readable_and_keeps_its_entries_whole(mali_ensemble: simfuel.EnsembleResult) -> None:
    ax = draw_fan(mali_ensemble)
    (key,) = [t for t in ax.texts if t.get_gid() == "timeline key"]
    assert key.get_fontsize() >= FLOOR_PT
    lines = key.get_text().split("\n")
    marks = timeline_marks(mali_ensemble.scenario)
    assert len(marks) >= 4
    for i, (day, text) in enumerate(marks, start=1):
        entry = words(f"({i}) {day:%d %b}: {text}")
        assert sum(entry in words(line) for line in lines) == 1, (entry, lines)
    # under the x label, not over it
    renderer = ax.figure.canvas.get_renderer()
    assert letters(key, renderer).y1 <= ax.xaxis.label.get_window_extent(renderer).y0


def draw_fan(ens: simfuel.EnsembleResult) -> Axes:
    ax = stock_fan(ens)
    ax.figure.canvas.draw()
    return ax


def readme_figure(*ensembles: simfuel.EnsembleResult) -> Axes:
    """As docs/figures.py draws it: the caller's axes, then a title of the caller's own."""
    fig, ax = plt.subplots(figsize=(11, 5.2), layout="constrained")
    compare_scenarios(dict(zip(["mali-2025", "without the deal"], ensembles, strict=True)), ax=ax)
    ax.set_title("Bamako: days of fuel cover, 200 replications each (median and 90 % band)")
    fig.canvas.draw()
    return ax


def test_marks_clear_of_the_title_set_after(
    mali_ensemble: simfuel.EnsembleResult, no_deal_ensemble: simfuel.EnsembleResult
) -> None:
    for ax in (
        readme_figure(mali_ensemble, no_deal_ensemble),
        compare_scenarios({"a": mali_ensemble, "b": no_deal_ensemble}),
    ):
        ax.figure.canvas.draw()
        renderer = ax.figure.canvas.get_renderer()
        marks = [t for t in ax.texts if t.get_gid() == "timeline mark"]
        assert len(marks) >= 4
        title = ax.title.get_window_extent(renderer)
        assert [t.get_text() for t in marks if letters(t, renderer).overlaps(title)] == []
        boxes = [letters(t, renderer) for t in marks]
        assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


# ---------------------------------------------------------------- the user's own subplots


@pytest.mark.parametrize(
    "plots",
    [("fan", "timeline"), ("compare", "map of a run"), ("fleet", "daily shares")],
)
def test_in_users_subplots_nothing_is_clipped_or_over_the_neighbour(
    request: pytest.FixtureRequest, plots: tuple[str, str]
) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(16, 5))  # no layout engine, as plt gives it
    build = figures(request)
    for ax, name in zip(axes, plots, strict=True):
        assert build[name](ax) is ax
    fig.canvas.draw()
    assert outside_figure(fig) == []
    renderer = fig.canvas.get_renderer()
    left, right = axes
    spill = [left.get_legend(), *[t for t in left.texts if t.get_visible()]]
    neighbour = right.get_window_extent(renderer)
    assert [
        getattr(a, "get_text", lambda: "legend")()
        for a in spill
        if a is not None and a.get_window_extent(renderer).overlaps(neighbour)
    ] == []


# ---------------------------------------------------------------- one value, said so


def test_a_metric_with_no_spread_says_so(tiny: dict) -> None:
    tiny["demand"]["demand_l_per_day"] = 50_000_000  # far beyond supply: out of stock at once
    ens = simfuel.run_ensemble(tiny, 4, seed=1, workers=1, progress=False)
    values = ens.replications["min_days_of_cover"]
    assert values.nunique() == 1
    ax = distribution(ens, "min_days_of_cover")
    notes = [t.get_text() for t in ax.texts if t.get_gid() == "no spread"]
    assert notes == [f"all 4 replications: {values.iloc[0]:.1f} days"]


def test_a_metric_with_spread_has_no_note(ensemble: simfuel.EnsembleResult) -> None:
    ax = distribution(ensemble, "tankers_lost")
    assert [t for t in ax.texts if t.get_gid() == "no spread"] == []
