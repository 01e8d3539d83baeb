"""Problems found while writing the plot tests.

Each test states the behaviour we want. Most were fixed and are now plain regression
tests; those still marked xfail (strict) fail today: when one is fixed its test XPASSes,
which strict mode reports as a failure, and then its ``xfail`` mark goes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

import simfuel
from simfuel.plot import (
    compare_scenarios,
    convoy_timeline,
    corridor_map,
    distribution,
    stock_fan,
    sweep_heatmap,
)

from .artists import caption, datenum, overlapping


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


# ---------------------------------------------------------------- bad input, wrong values


def test_distribution_of_a_date_metric(ensemble: simfuel.EnsembleResult) -> None:
    firsts = ensemble.replications["first_rationing"].dropna()
    assert len(firsts) > 0
    try:
        ax = distribution(ensemble, "first_rationing")
    except (TypeError, ValueError):
        return  # refusing clearly is fine too
    (median,) = [ln for ln in ax.lines if ln.get_label().startswith("median")]
    lo, hi = datenum(ensemble.dates[[0, -1]])
    days = ensemble.scenario.horizon_days
    x = median.get_xdata()[0]
    assert lo <= x <= hi or 0 <= x <= days  # a date, or days from the start


def test_heatmap_of_a_date_metric_fails_clearly(sweep_table: pd.DataFrame) -> None:
    with pytest.raises((TypeError, ValueError), match="first_rationing"):
        sweep_heatmap(
            sweep_table, "threat.hazard_per_100km", "escorts.army.units", "first_rationing"
        )


def test_heatmap_integer_quantile(sweep_table: pd.DataFrame) -> None:
    x, y = "threat.hazard_per_100km", "escorts.army.units"
    ax = sweep_heatmap(sweep_table, x, y, "tankers_lost", stat=1)
    expected = sweep_table.groupby([y, x])["tankers_lost"].max().unstack(x)
    np.testing.assert_allclose(np.ma.getdata(ax.images[0].get_array()), expected.to_numpy())


def test_compare_nothing_raises() -> None:
    with pytest.raises(ValueError):
        compare_scenarios({})


def test_fan_bands_of_the_wrong_length(ensemble: simfuel.EnsembleResult) -> None:
    with pytest.raises(ValueError, match="bands"):
        stock_fan(ensemble, bands=(0.1, 0.5, 0.9))


def test_compare_covers_every_horizon(tiny: dict) -> None:
    short = dict(tiny, name="short", end="2025-01-10")
    long_ens = simfuel.run_ensemble(tiny, 3, seed=1, workers=1, progress=False)
    short_ens = simfuel.run_ensemble(short, 3, seed=1, workers=1, progress=False)
    ax = compare_scenarios({"long": long_ens, "short": short_ens})
    np.testing.assert_allclose(ax.get_xlim(), datenum(long_ens.dates[[0, -1]]))


# ---------------------------------------------------------------- legibility


def test_interval_span_behind_bars(ensemble: simfuel.EnsembleResult) -> None:
    ax = distribution(ensemble)
    (span,) = [p for p in ax.patches if p.get_label().startswith("90 % interval")]
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p is not span]
    assert ax.patches.index(span) < ax.patches.index(bars[0]) or span.get_zorder() < min(
        b.get_zorder() for b in bars
    )


def test_heatmap_title_fits(sweep_table: pd.DataFrame) -> None:
    long_y = "escorts.africa_corps.units"
    table = sweep_table.rename(columns={"escorts.army.units": long_y})
    ax = sweep_heatmap(table, "threat.hazard_per_100km", long_y, "tankers_lost")
    ax.figure.canvas.draw()
    box = ax.title.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= ax.figure.bbox.width


def test_timeline_attack_labels_do_not_overlap(mali_run: simfuel.RunResult) -> None:
    ax = convoy_timeline(mali_run)
    assert len(ax.texts) > 10
    assert overlapping(ax, list(ax.texts)) == []


def test_map_place_names_do_not_overlap(mali: simfuel.Scenario) -> None:
    ax = corridor_map(mali)
    names = {p.name or k for k, p in mali.places.items()}
    assert overlapping(ax, [t for t in ax.texts if t.get_text() in names]) == []


def test_fan_marks_clear_of_each_other_and_the_title(mali: simfuel.Scenario) -> None:
    ens = simfuel.run_ensemble(mali, 3, seed=1, workers=1, progress=False)
    ax = stock_fan(ens)
    assert caption(ax)
    marks = [t for t in ax.texts if t.get_bbox_patch() is not None]
    assert [t.get_text() for t in marks] == [str(i) for i in range(1, len(marks) + 1)]
    assert len(marks) >= 4
    assert overlapping(ax, [*marks, ax.title]) == []
