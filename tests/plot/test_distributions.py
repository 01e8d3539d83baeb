"""Histograms, scenario comparisons and sweep heatmaps, read back against the data."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import PathPatch, Rectangle

import simfuel
from simfuel.plot import (
    CORRIDOR_PALETTE,
    compare_scenarios,
    compare_summary,
    delivery_distribution,
    distribution,
    loss_distribution,
    stock_fan,
    sweep_heatmap,
    timeline_marks,
)

from .artists import (
    band_edges,
    caption,
    collection,
    legend_texts,
    line,
    texts,
    vertical_lines,
    xy,
)


def hist_bars(ax: plt.Axes) -> list[Rectangle]:
    """Histogram bars: every Rectangle but the 90 % interval span."""
    return [
        p
        for p in ax.patches
        if isinstance(p, Rectangle) and not p.get_label().startswith("90 % interval")
    ]


# ---------------------------------------------------------------- distribution


@pytest.mark.parametrize(
    ("plot", "metric", "scale", "xlabel", "color"),
    [
        (lambda e: distribution(e), "tankers_lost", 1, "tankers lost [tankers]", "#3b6ea8"),
        (loss_distribution, "tankers_lost", 1, "tankers lost [tankers]", "#d7301f"),
        (delivery_distribution, "delivered_l", 1e6, "fuel delivered to the depot [ML]", "#1b9e77"),
        (
            lambda e: distribution(e, "min_days_of_cover", bins=5),
            "min_days_of_cover",
            1,
            "minimum days of cover [days]",
            "#3b6ea8",
        ),
    ],
    ids=["distribution", "loss", "delivery", "min_cover"],
)
def test_histogram_counts_every_replication(
    ensemble: simfuel.EnsembleResult, plot, metric: str, scale: float, xlabel: str, color: str
) -> None:
    ax = plot(ensemble)
    values = ensemble.replications[metric].to_numpy(float) / scale
    assert np.ptp(values) > 0  # a real spread
    drawn = hist_bars(ax)
    heights = np.array([b.get_height() for b in drawn])
    assert heights.sum() == ensemble.n
    left = min(b.get_x() for b in drawn)
    right = max(b.get_x() + b.get_width() for b in drawn)
    assert left == pytest.approx(values.min()) and right == pytest.approx(values.max())
    # each bar counts the values in its bin
    for b in drawn:
        lo, hi = b.get_x(), b.get_x() + b.get_width()
        last = hi == pytest.approx(right)
        inside = (values >= lo - 1e-9) & ((values <= hi + 1e-9) if last else (values < hi - 1e-9))
        assert b.get_height() == inside.sum()
    assert {to_hex(b.get_facecolor()) for b in drawn} == {color}
    assert ax.get_xlabel() == xlabel
    assert ax.get_ylabel() == "replications"


def test_median_line_and_interval(ensemble: simfuel.EnsembleResult) -> None:
    ax = delivery_distribution(ensemble)
    values = ensemble.replications["delivered_l"].to_numpy(float) / 1e6
    (median,) = [ln for ln in ax.lines if ln.get_label().startswith("median")]
    np.testing.assert_allclose(median.get_xdata(), [np.median(values)] * 2)
    assert median.get_label() == f"median {np.median(values):,.1f} ML"
    lo, hi = np.quantile(values, [0.05, 0.95])
    (span,) = [p for p in ax.patches if p.get_label().startswith("90 % interval")]
    assert span.get_x() == pytest.approx(lo)
    assert span.get_x() + span.get_width() == pytest.approx(hi)
    assert legend_texts(ax) == [
        f"median {np.median(values):,.1f} ML",
        f"90 % interval [{lo:,.1f}, {hi:,.1f}]",
    ]
    assert ax.get_title() == f"plotted: fuel delivered to the depot ({ensemble.n} replications)"


def test_counts_are_labelled_as_whole_numbers(ensemble: simfuel.EnsembleResult) -> None:
    ax = loss_distribution(ensemble)
    values = ensemble.replications["tankers_lost"].to_numpy(float)
    lo, med, hi = np.quantile(values, [0.05, 0.5, 0.95])
    assert legend_texts(ax) == [
        f"median {med:,.0f} tankers",
        f"90 % interval [{lo:,.0f}, {hi:,.0f}]",
    ]


def test_distribution_bad_metric(ensemble: simfuel.EnsembleResult) -> None:
    with pytest.raises(KeyError, match="tankers_lots"):
        distribution(ensemble, "tankers_lots")


def test_distribution_of_a_metric_without_values(calm_ensemble: simfuel.EnsembleResult) -> None:
    assert calm_ensemble.replications["first_stockout"].isna().all()
    with pytest.raises(ValueError, match="first_stockout has no values"):
        distribution(calm_ensemble, "first_stockout")


# ---------------------------------------------------------------- compare_scenarios


@pytest.fixture
def comparison(ensemble: simfuel.EnsembleResult, calm_ensemble: simfuel.EnsembleResult) -> plt.Axes:
    return compare_scenarios({"threat": ensemble, "calm": calm_ensemble})


def test_one_median_and_band_per_scenario(
    comparison: plt.Axes, ensemble: simfuel.EnsembleResult, calm_ensemble: simfuel.EnsembleResult
) -> None:
    medians = [ln for ln in comparison.lines if ln.get_label().endswith(": median")]
    assert [ln.get_label() for ln in medians] == ["threat: median", "calm: median"]
    for i, (name, ens) in enumerate([("threat", ensemble), ("calm", calm_ensemble)]):
        _, y = xy(line(comparison, f"{name}: median"))
        np.testing.assert_allclose(y, np.median(ens.daily("days_of_cover"), axis=0))
        assert line(comparison, f"{name}: median").get_color() == CORRIDOR_PALETTE[i]
        edges = band_edges(collection(comparison, f"{name}: 90 % band"))
        q = ens.bands("days_of_cover", q=(0.05, 0.95))
        np.testing.assert_allclose(edges["min"], q[0.05].to_numpy())
        np.testing.assert_allclose(edges["max"], q[0.95].to_numpy())
    bands = [c.get_label() for c in comparison.collections if "band" in c.get_label()]
    assert bands == ["threat: 90 % band", "calm: 90 % band"]  # no 50 % bands
    y_threat = xy(line(comparison, "threat: median"))[1]
    y_calm = xy(line(comparison, "calm: median"))[1]
    assert not np.allclose(y_threat, y_calm)


def test_comparison_annotates_once(comparison: plt.Axes, scenario: simfuel.Scenario) -> None:
    assert [ln.get_label() for ln in comparison.lines].count("rationing threshold") == 1
    assert len(vertical_lines(comparison)) == len(timeline_marks(scenario))
    assert "blockade declared" in caption(comparison)  # one caption (asserted by caption)
    numbers = [t for t in texts(comparison) if t.isdigit() and len(t) == 1]
    assert sorted(numbers) == ["1", "2", "3", "3", "7"]  # marks 1-3, tankers 3 and 7
    scripted = collection(comparison, "reported attack (scripted): tankers lost")
    assert len(scripted.get_offsets()) == 2
    assert comparison.get_title() == "days of cover: threat vs calm"
    assert comparison.get_ylabel() == "days of cover [days]"


def test_compare_runs_and_ensembles(
    run_result: simfuel.RunResult, ensemble: simfuel.EnsembleResult
) -> None:
    ax = compare_scenarios({"one run": run_result, "many": ensemble}, "stock_l", title="t")
    _, y = xy(line(ax, "one run"))
    np.testing.assert_allclose(y, run_result.daily["stock_l"].to_numpy() / 1e6)
    _, y = xy(line(ax, "many: median"))
    np.testing.assert_allclose(y, np.median(ensemble.daily("stock_l"), axis=0) / 1e6)
    assert ax.get_ylabel() == "depot stock [ML]"
    assert ax.get_title() == "t"


def test_compare_draws_on_the_given_axes(ensemble: simfuel.EnsembleResult) -> None:
    _, ax = plt.subplots()
    assert compare_scenarios({"a": ensemble}, ax=ax) is ax
    assert stock_fan(ensemble, ax=ax) is ax


# ---------------------------------------------------------------- compare_summary


def box_extent(box: PathPatch) -> tuple[float, float, float, float]:
    v = box.get_path().vertices
    return v[:, 0].min(), v[:, 0].max(), v[:, 1].min(), v[:, 1].max()


def test_one_box_per_scenario(
    ensemble: simfuel.EnsembleResult, calm_ensemble: simfuel.EnsembleResult
) -> None:
    results = {"threat": ensemble, "calm": calm_ensemble}
    ax = compare_summary(results)
    boxes = [p for p in ax.patches if isinstance(p, PathPatch)]
    assert len(boxes) == 2
    assert [t.get_text() for t in ax.get_xticklabels()] == ["threat", "calm"]
    assert ax.get_ylabel() == "tankers lost [tankers]"
    for i, (box, ens) in enumerate(zip(boxes, results.values(), strict=True)):
        values = ens.replications["tankers_lost"].to_numpy(float)
        x0, x1, q1, q3 = box_extent(box)
        assert x0 < i + 1 < x1
        np.testing.assert_allclose([q1, q3], np.percentile(values, [25, 75]))
        assert to_hex(box.get_facecolor()) == CORRIDOR_PALETTE[i]
        # the median: a horizontal line as wide as the box
        (median,) = [
            ln
            for ln in ax.lines
            if np.allclose(ln.get_xdata(), [x0, x1]) and np.ptp(ln.get_ydata()) == 0
        ]
        assert median.get_ydata()[0] == pytest.approx(np.median(values))
        # whiskers: to the farthest replication within the 5th-95th percentiles
        tips = sorted(
            y for ln in ax.lines if np.allclose(ln.get_xdata(), i + 1) for y in (ln.get_ydata()[1],)
        )
        p5, p95 = np.percentile(values, [5, 95])
        np.testing.assert_allclose(tips, [values[values >= p5].min(), values[values <= p95].max()])


def test_summary_in_megalitres(
    ensemble: simfuel.EnsembleResult, calm_ensemble: simfuel.EnsembleResult
) -> None:
    ax = compare_summary({"a": ensemble, "b": calm_ensemble}, "delivered_l")
    assert ax.get_ylabel() == "fuel delivered to the depot [ML]"
    boxes = [p for p in ax.patches if isinstance(p, PathPatch)]
    _, _, q1, q3 = box_extent(boxes[0])
    values = ensemble.replications["delivered_l"].to_numpy(float) / 1e6
    np.testing.assert_allclose([q1, q3], np.percentile(values, [25, 75]))


def test_summary_bad_metric(ensemble: simfuel.EnsembleResult) -> None:
    with pytest.raises(KeyError, match="tanker_lost"):
        compare_summary({"a": ensemble}, "tanker_lost")


# ---------------------------------------------------------------- sweep_heatmap

X, Y = "threat.hazard_per_100km", "escorts.army.units"


def cells(ax: plt.Axes) -> np.ndarray:
    return np.ma.getdata(ax.images[0].get_array())


def colorbar_label(ax: plt.Axes) -> str:
    return ax.images[0].colorbar.ax.get_ylabel()


def test_heatmap_cells_are_group_medians(sweep_table: pd.DataFrame) -> None:
    ax = sweep_heatmap(sweep_table, X, Y, "tankers_lost")
    expected = sweep_table.groupby([Y, X])["tankers_lost"].median().unstack(X)
    assert cells(ax).shape == (3, 2)  # rows: units (y), columns: hazard (x)
    np.testing.assert_allclose(cells(ax), expected.to_numpy())
    assert np.ptp(cells(ax)) > 0
    assert ax.images[0].origin == "lower"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.1", "0.3"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "2", "4"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == (X, Y)
    assert colorbar_label(ax) == "median of tankers lost [tankers]"
    assert ax.get_title() == f"median tankers lost\nby {Y} and {X}"


def test_heatmap_annotations(sweep_table: pd.DataFrame) -> None:
    ax = sweep_heatmap(sweep_table, X, Y, "tankers_lost")
    grid = cells(ax)
    written = {(round(t.get_position()[0]), round(t.get_position()[1])): t for t in ax.texts}
    assert len(written) == grid.size
    for (j, i), t in written.items():
        assert t.get_text() == f"{grid[i, j]:,.3g}"
    assert len(sweep_heatmap(sweep_table, X, Y, "tankers_lost", annotate=False).texts) == 0


@pytest.mark.parametrize(
    ("stat", "name", "reduce"),
    [
        ("mean", "mean", lambda s: s.mean()),
        (0.9, "q0.9", lambda s: s.quantile(0.9)),
        (np.max, "max", lambda s: s.max()),
    ],
    ids=["mean", "quantile", "callable"],
)
def test_heatmap_statistics(sweep_table: pd.DataFrame, stat, name: str, reduce) -> None:
    ax = sweep_heatmap(sweep_table, X, Y, "delivered_l", stat=stat)
    expected = sweep_table.groupby([Y, X])["delivered_l"].apply(reduce).unstack(X) / 1e6
    np.testing.assert_allclose(cells(ax), expected.to_numpy())
    assert colorbar_label(ax) == f"{name} of fuel delivered to the depot [ML]"


@pytest.mark.parametrize("column", ["x", "y", "metric"])
def test_heatmap_unknown_column(sweep_table: pd.DataFrame, column: str) -> None:
    args = {"x": X, "y": Y, "metric": "tankers_lost"}
    args[column] = "threat.hazard"
    with pytest.raises(KeyError, match=r"'threat\.hazard' is not a column of the sweep table"):
        sweep_heatmap(sweep_table, **args)
    assert plt.get_fignums() == []  # no empty figure left behind
