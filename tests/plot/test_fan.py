"""stock_fan and timeline_marks: what the fan chart draws, read back against the data."""

from __future__ import annotations

import datetime as dt

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.plot import stock_fan, timeline_marks
from simfuel.scenario.schema import ScriptedAttackEvent

from .artists import (
    band_edges,
    caption,
    collection,
    datenum,
    legend_texts,
    line,
    overlapping,
    texts_coloured,
    vertical_lines,
    xy,
)

D = dt.date
ATTACK_COLOR = "#d7301f"
SCRIPTED = "reported attack (scripted): tankers lost"


# ---------------------------------------------------------------- timeline_marks


def test_timeline_marks_of_the_scenario(scenario: simfuel.Scenario) -> None:
    assert timeline_marks(scenario) == [
        (D(2025, 1, 5), "blockade declared"),
        (D(2025, 1, 8), "escort: army (required); escort: army + Air force (required)"),
        (D(2025, 1, 15), "import contract 20 ML"),
    ]


def test_timeline_marks_of_mali_2025(mali: simfuel.Scenario) -> None:
    sc = mali
    marks = timeline_marks(sc)
    days = [d for d, _ in marks]
    assert days == sorted(set(days))  # one entry per date, in order
    assert sum("blockade declared" in text for _, text in marks) == 1
    assert any("import contract 200,000 t" in text for _, text in marks)
    escort_names = {f.name for f in sc.escorts.values() if f.name}
    assert any(name in text for name in escort_names for _, text in marks)


@pytest.mark.parametrize(
    ("forces", "required", "text"),
    [
        ([], False, "escort: none"),
        ([], True, "escort: none"),
        (["army"], False, "escort: army"),
        (["army", "air"], True, "escort: army + air (required)"),
    ],
)
def test_timeline_marks_escort_policy(
    tiny: dict, forces: list[str], required: bool, text: str
) -> None:
    tiny["events"] = [
        {"date": "2025-01-03", "type": "escort_policy", "forces": forces, "required": required}
    ]
    assert timeline_marks(simfuel.load_scenario(tiny)) == [(D(2025, 1, 3), text)]


# ---------------------------------------------------------------- ensemble, days of cover


@pytest.fixture
def fan(ensemble: simfuel.EnsembleResult) -> plt.Axes:
    return stock_fan(ensemble)


def test_median_is_the_daily_median(fan: plt.Axes, ensemble: simfuel.EnsembleResult) -> None:
    x, y = xy(line(fan, "plotted: median"))
    np.testing.assert_allclose(x, datenum(ensemble.dates))
    np.testing.assert_allclose(y, ensemble.bands("days_of_cover")[0.5].to_numpy())
    np.testing.assert_allclose(y, np.median(ensemble.daily("days_of_cover"), axis=0))


@pytest.mark.parametrize(
    ("label", "lo", "hi"), [("90 % band", 0.05, 0.95), ("50 % band", 0.25, 0.75)]
)
def test_bands_span_their_quantiles(
    fan: plt.Axes, ensemble: simfuel.EnsembleResult, label: str, lo: float, hi: float
) -> None:
    edges = band_edges(collection(fan, f"plotted: {label}"))
    q = ensemble.bands("days_of_cover", q=(lo, hi))
    np.testing.assert_allclose(edges.index, datenum(ensemble.dates))
    np.testing.assert_allclose(edges["min"], q[lo].to_numpy())
    np.testing.assert_allclose(edges["max"], q[hi].to_numpy())
    assert (q[hi] > q[lo]).any()  # a real band, not a line


def test_threshold_steps_with_the_rationing_event(
    fan: plt.Axes, ensemble: simfuel.EnsembleResult
) -> None:
    ln = line(fan, "rationing threshold")
    assert ln.get_drawstyle() == "steps-post"
    assert ln.get_linestyle() == "--"
    x, y = xy(ln)
    np.testing.assert_allclose(x, datenum(ensemble.dates))
    expected = np.where(ensemble.dates < pd.Timestamp("2025-01-12"), 2.0, 4.0)
    np.testing.assert_array_equal(y, expected)


def test_timeline_is_annotated(fan: plt.Axes, scenario: simfuel.Scenario) -> None:
    marks = timeline_marks(scenario)
    xs = datenum(d for d, _ in marks)
    np.testing.assert_allclose(vertical_lines(fan), xs)
    # a numbered mark on each line, explained in the caption under the axes
    numbers = {
        t.get_text(): t.get_position()[0]
        for t in fan.texts
        if t.get_text().isdigit() and t not in texts_coloured(fan, ATTACK_COLOR)
    }
    assert sorted(numbers) == [str(i) for i in range(1, len(marks) + 1)]
    for i, x in enumerate(xs, start=1):
        assert numbers[str(i)] == pytest.approx(x)
    expected = "   ".join(f"({i}) {d:%d %b}: {text}" for i, (d, text) in enumerate(marks, 1))
    assert caption(fan) == " ".join(expected.split())
    assert "(1) 05 Jan: blockade declared" in caption(fan)
    assert "(3) 15 Jan: import contract 20 ML" in caption(fan)


def test_scripted_attacks_are_marked_with_tankers(
    fan: plt.Axes, scenario: simfuel.Scenario
) -> None:
    scripted = [e for e in scenario.events if isinstance(e, ScriptedAttackEvent)]
    markers = collection(fan, SCRIPTED)
    offsets = np.asarray(markers.get_offsets())
    np.testing.assert_allclose(offsets[:, 0], datenum(e.date for e in scripted))
    counts = texts_coloured(fan, ATTACK_COLOR)
    assert len(counts) == len(scripted)
    # each count is joined to its own triangle: the point it annotates is the attack's
    at = {round(t.xy[0], 6): t.get_text() for t in counts}
    for x, ev in zip(offsets[:, 0], scripted, strict=True):
        assert at[round(x, 6)] == str(ev.tankers_destroyed + ev.tankers_captured)
    assert sorted(at.values()) == ["3", "7"]


def test_attack_counts_stay_readable(mali_run: simfuel.RunResult) -> None:
    """Mali 2025 has scripted attacks a few days apart: their counts must not collide."""
    ax = stock_fan(mali_run)
    counts = texts_coloured(ax, ATTACK_COLOR)
    scripted = [e for e in mali_run.scenario.events if isinstance(e, ScriptedAttackEvent)]
    assert len(counts) == len(scripted) >= 4
    assert overlapping(ax, counts) == []


def test_labels_limits_and_legend(fan: plt.Axes, ensemble: simfuel.EnsembleResult) -> None:
    assert fan.get_ylabel() == "days of cover [days]"
    assert fan.get_xlabel() == "date"
    assert fan.get_ylim()[0] == 0
    np.testing.assert_allclose(fan.get_xlim(), datenum(ensemble.dates[[0, -1]]))
    assert fan.get_title() == f"plotted: days of cover, {ensemble.n} replications"
    assert legend_texts(fan) == [
        "plotted: 90 % band",
        "plotted: 50 % band",
        "plotted: median",
        "rationing threshold",
        SCRIPTED,
    ]


# ---------------------------------------------------------------- ensemble, stock in ML


def test_stock_is_drawn_in_megalitres(ensemble: simfuel.EnsembleResult) -> None:
    ax = stock_fan(ensemble, "stock_l")
    assert ax.get_ylabel() == "depot stock [ML]"
    _, y = xy(line(ax, "plotted: median"))
    np.testing.assert_allclose(y, np.median(ensemble.daily("stock_l"), axis=0) / 1e6)
    edges = band_edges(collection(ax, "plotted: 90 % band"))
    q = ensemble.bands("stock_l", q=(0.05, 0.95)) / 1e6
    np.testing.assert_allclose(edges["min"], q[0.05].to_numpy())
    np.testing.assert_allclose(edges["max"], q[0.95].to_numpy())


def test_stock_threshold_follows_threshold_and_demand(ensemble: simfuel.EnsembleResult) -> None:
    ax = stock_fan(ensemble, "stock_l")
    _, y = xy(line(ax, "rationing threshold"))
    dates = ensemble.dates
    expected = np.select(
        [dates < pd.Timestamp("2025-01-12"), dates < pd.Timestamp("2025-01-20")],
        [2.0 * 0.7, 4.0 * 0.7],
        4.0 * 0.8,
    )  # threshold [days] x demand [ML/day]
    np.testing.assert_allclose(y, expected)


# ---------------------------------------------------------------- options


def test_custom_bands_and_label(ensemble: simfuel.EnsembleResult) -> None:
    ax = stock_fan(ensemble, bands=(0.1, 0.3, 0.7, 0.9), label="mine", color="#ff0000")
    edges = band_edges(collection(ax, "mine: 80 % band"))
    q = ensemble.bands("days_of_cover", q=(0.1, 0.9))
    np.testing.assert_allclose(edges["min"], q[0.1].to_numpy())
    np.testing.assert_allclose(edges["max"], q[0.9].to_numpy())
    collection(ax, "mine: 40 % band")
    assert line(ax, "mine: median").get_color() == "#ff0000"


def test_equal_bands_draw_a_single_band(ensemble: simfuel.EnsembleResult) -> None:
    ax = stock_fan(ensemble, bands=(0.05, 0.05, 0.95, 0.95))
    bands = [c.get_label() for c in ax.collections if "band" in c.get_label()]
    assert bands == ["plotted: 90 % band"]


def test_without_annotation_or_threshold(ensemble: simfuel.EnsembleResult) -> None:
    ax = stock_fan(ensemble, annotate=False, threshold=False, title="bare")
    assert [ln.get_label() for ln in ax.lines] == ["plotted: median"]
    assert len(ax.texts) == 0
    assert ax.get_title() == "bare"


def test_no_threshold_line_for_other_metrics(ensemble: simfuel.EnsembleResult) -> None:
    ax = stock_fan(ensemble, "delivered_l")
    assert "rationing threshold" not in [ln.get_label() for ln in ax.lines]
    assert ax.get_ylabel() == "fuel delivered to the depot [ML/day]"  # a daily flow


def test_no_threshold_line_without_rationing(tiny: dict) -> None:
    ens = simfuel.run_ensemble(tiny, 3, seed=1, workers=1, progress=False)
    ax = stock_fan(ens)
    assert "rationing threshold" not in [ln.get_label() for ln in ax.lines]


def test_draws_on_the_given_axes(ensemble: simfuel.EnsembleResult) -> None:
    _, (left, right) = plt.subplots(1, 2)
    assert stock_fan(ensemble, ax=right) is right
    assert len(left.lines) == 0 and len(right.lines) > 0


def test_unknown_metric_raises(ensemble: simfuel.EnsembleResult) -> None:
    with pytest.raises(KeyError, match="unknown daily metric 'stok_l'"):
        stock_fan(ensemble, "stok_l")


# ---------------------------------------------------------------- one run


@pytest.mark.parametrize(
    ("metric", "scale", "unit"), [("days_of_cover", 1, "days"), ("stock_l", 1e6, "ML")]
)
def test_run_is_one_line(
    run_result: simfuel.RunResult, metric: str, scale: float, unit: str
) -> None:
    ax = stock_fan(run_result, metric)
    x, y = xy(line(ax, "plotted"))
    np.testing.assert_allclose(x, datenum(run_result.daily.index))
    np.testing.assert_allclose(y, run_result.daily[metric].to_numpy() / scale)
    assert not [c for c in ax.collections if "band" in c.get_label()]
    assert ax.get_ylabel().endswith(f"[{unit}]")
    assert ax.get_title().endswith(f", seed {run_result.seed}")
    assert "rationing threshold" in [ln.get_label() for ln in ax.lines]
    assert "blockade declared" in caption(ax)


def test_disruptions_are_timeline_marks_with_their_notes() -> None:
    from simfuel.plot.fan import timeline_marks

    sc = simfuel.load_scenario("kayes-closed")
    marks = dict(timeline_marks(sc))
    closures = [e for e in sc.events if e.type in ("close", "reopen")]
    assert closures
    for ev in closures:
        assert ev.date in marks, ev
        if ev.note:
            assert ev.note in marks[ev.date]
