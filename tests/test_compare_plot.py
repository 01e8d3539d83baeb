"""The figures of a decision brief (``simfuel.plot.compare``)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported anywhere

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.plot import compare_fans, compare_incidents, compare_stockout, option_departures
from tests.report.conftest import report_scenario


@pytest.fixture(scope="module")
def options() -> dict[str, simfuel.EnsembleResult]:
    early, late, bare = report_scenario(), report_scenario(), report_scenario()
    late["events"][-1]["date"] = "2025-01-16"
    bare["events"] = bare["events"][:-1]  # no escorts at all
    return {
        name: simfuel.run_ensemble(raw, 8, seed=2, workers=1, progress=False)
        for name, raw in (("early", early), ("late", late), ("bare", bare))
    }


@pytest.fixture(autouse=True)
def _close() -> object:
    yield
    plt.close("all")


def _labels(ax: plt.Axes) -> list[str]:
    return [str(a.get_label()) for a in [*ax.lines, *ax.collections]]


def test_fans_draw_each_options_median(options: dict[str, simfuel.EnsembleResult]) -> None:
    ax = compare_fans(options)
    medians = {lab: line for line in ax.lines if (lab := str(line.get_label())).endswith("median")}
    assert sorted(medians) == ["bare: median", "early: median", "late: median"]
    for name, ens in options.items():
        expected = ens.bands("days_of_cover", q=(0.5,)).iloc[:, 0].to_numpy()
        np.testing.assert_allclose(medians[f"{name}: median"].get_ydata(), expected)
    colors = {line.get_color() for line in medians.values()}
    assert len(colors) == 3


def test_departures_are_marked_in_the_options_colour(
    options: dict[str, simfuel.EnsembleResult],
) -> None:
    found = option_departures(options)
    assert [d for d, _ in found["late"]] == [pd.Timestamp("2025-01-16").date()]
    assert found["bare"][0][1].startswith("without: ")
    ax = compare_fans(options)
    marks = [line for line in ax.lines if str(line.get_label()).startswith("late from 16 Jan")]
    assert len(marks) == 1
    x = marks[0].get_xdata()[0]
    assert mdates.num2date(x).date().isoformat() == "2025-01-16"
    late_median = next(line for line in ax.lines if line.get_label() == "late: median")
    assert marks[0].get_color() == late_median.get_color()


def test_stockout_curves_are_the_cumulative_probabilities(
    options: dict[str, simfuel.EnsembleResult],
) -> None:
    ax = compare_stockout(options)
    for line in ax.lines:
        name = str(line.get_label())
        if name in options:
            p = options[name].probability("stockout == 1", cumulative=True) * 100
            np.testing.assert_allclose(line.get_ydata(), p.to_numpy())


def test_incidents_name_every_options_model(options: dict[str, simfuel.EnsembleResult]) -> None:
    table = simfuel.incidents("mali-2025").iloc[:0]  # no reports in the tiny horizon
    ax = compare_incidents(options, table)
    labels = _labels(ax)
    for name in options:
        assert f"{name}: median" in labels
    assert not any(lab.startswith("model:") for lab in labels)


def test_no_options_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        compare_fans({})
