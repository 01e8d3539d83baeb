"""The reported incidents beside the model (``simfuel.plot.incidents_vs_model``)."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported anywhere

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.container import ErrorbarContainer

import simfuel
from simfuel.observations import cumulative_losses
from simfuel.plot.incidents import (
    REPORTED_LABEL,
    incidents_vs_model,
    model_cumulative_tankers,
)
from tests.observations.conftest import MALI, TANKER_L


@pytest.fixture(scope="module")
def ensemble() -> simfuel.EnsembleResult:
    return simfuel.run_ensemble(MALI, 8, seed=1, workers=1, progress=False)


@pytest.fixture(scope="module")
def run() -> simfuel.RunResult:
    return simfuel.run(MALI, seed=1)


@pytest.fixture(autouse=True)
def _close_figures() -> object:
    yield
    plt.close("all")


def reported_container(ax: Axes) -> ErrorbarContainer:
    found = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(found) == 1, f"{len(found)} error-bar sets"
    assert found[0].get_label().startswith(REPORTED_LABEL)
    return found[0]


def points_and_bars(ax: Axes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """x and y of the reported points, and the bottom and top of their error bars."""
    cont = reported_container(ax)
    data_line, _caps, bar_cols = cont.lines
    xy = np.asarray(data_line.get_xydata(), float)
    assert bar_cols, "no error bars drawn"
    segments = np.asarray(bar_cols[0].get_segments(), float)  # (points, 2 ends, x/y)
    np.testing.assert_allclose(segments[:, 0, 0], xy[:, 0])
    return xy[:, 0], xy[:, 1], segments[:, :, 1].min(axis=1), segments[:, :, 1].max(axis=1)


def datenums(index: pd.Index) -> np.ndarray:
    return np.asarray(mdates.date2num(pd.to_datetime(index)), float)


def labelled(ax: Axes, label: str) -> list[object]:
    return [a for a in [*ax.lines, *ax.collections] if a.get_label() == label]


def test_plot_over_an_ensemble(ensemble: simfuel.EnsembleResult, table: pd.DataFrame) -> None:
    ax = incidents_vs_model(ensemble, table)
    assert isinstance(ax, Axes)
    # the reported points: cumulative table values, error bars low..high
    cum = cumulative_losses(table)
    x, y, bottom, top = points_and_bars(ax)
    np.testing.assert_allclose(x, datenums(cum.index))
    np.testing.assert_allclose(y, cum["cum_central"])
    np.testing.assert_allclose(bottom, cum["cum_low"])
    np.testing.assert_allclose(top, cum["cum_high"])
    assert (top > bottom).any()
    # the model: median and bands of the cumulative tankers destroyed
    tankers = np.cumsum(ensemble.daily("destroyed_l"), axis=1) / TANKER_L
    (median,) = labelled(ax, "model: median")
    np.testing.assert_allclose(median.get_ydata(), np.median(tankers, axis=0))  # type: ignore[attr-defined]
    assert list(pd.to_datetime(median.get_xdata())) == list(ensemble.dates)  # type: ignore[attr-defined]
    (band90,) = labelled(ax, "model: 90 % band")
    verts = np.concatenate([p.vertices for p in band90.get_paths()])  # type: ignore[attr-defined]
    edges = pd.DataFrame(verts, columns=["x", "y"]).groupby("x")["y"].agg(["min", "max"])
    np.testing.assert_allclose(edges["min"], np.quantile(tankers, 0.05, axis=0))
    np.testing.assert_allclose(edges["max"], np.quantile(tankers, 0.95, axis=0))
    assert len(labelled(ax, "model: 50 % band")) == 1
    # labels, axes, legend outside the data
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["?, 60-80", "0", "?", "20-40", "≥37", "0"]
    assert ax.get_ylabel() == "tankers destroyed, cumulative [tankers]"
    assert "8 replications" in ax.get_title()
    legend = ax.get_legend()
    assert legend is not None
    assert legend.get_bbox_to_anchor().x0 > ax.get_window_extent().x1
    assert ax.get_xlim() == pytest.approx(tuple(datenums(ensemble.dates[[0, -1]])))


def test_plot_of_a_run_and_one_corridor(run: simfuel.RunResult, table: pd.DataFrame) -> None:
    ax = incidents_vs_model(run, "mali-2025", corridor="dakar_rn1")
    (line,) = labelled(ax, "model: seed 1")
    ev = run.events[(run.events["kind"] == "destroyed") & (run.events["corridor"] == "dakar_rn1")]
    by_day = ev.groupby(ev["time"].dt.normalize())["tankers"].sum()
    expected = by_day.reindex(run.daily.index, fill_value=0).cumsum()
    np.testing.assert_allclose(line.get_ydata(), expected)  # type: ignore[attr-defined]
    assert expected.iloc[-1] > 0
    # only that corridor's reports; the rows without a corridor are counted in the legend
    cum = cumulative_losses(table[table["corridor"] == "dakar_rn1"])
    x, y, bottom, top = points_and_bars(ax)
    np.testing.assert_allclose(x, datenums(cum.index))
    np.testing.assert_allclose(y, cum["cum_central"])
    np.testing.assert_allclose(bottom, cum["cum_low"])
    np.testing.assert_allclose(top, cum["cum_high"])
    assert reported_container(ax).get_label().endswith("2 row(s) without a corridor left out")


def test_run_and_ensemble_count_tankers_alike(run: simfuel.RunResult) -> None:
    """A run counts logged tankers; the daily litres over the capacity say the same.

    The litres of every stock's corridors: mali-2025's towns are fed by corridors of
    their own, whose losses are in the log but not in the depot's daily table.
    """
    flows = run.places.groupby("date")[["destroyed_l", "captured_l"]].sum()
    from_events = model_cumulative_tankers(run)["run"]
    from_litres = flows["destroyed_l"].cumsum().to_numpy() / TANKER_L
    np.testing.assert_allclose(from_events, from_litres)
    lost = model_cumulative_tankers(run, include_captured=True)["run"]
    both = (flows["destroyed_l"] + flows["captured_l"]).cumsum().to_numpy() / TANKER_L
    np.testing.assert_allclose(lost, both)


def test_corridor_with_an_ensemble_is_refused(ensemble: simfuel.EnsembleResult) -> None:
    with pytest.raises(ValueError, match="EnsembleResult keeps daily losses summed over all"):
        incidents_vs_model(ensemble, "mali-2025", corridor="dakar_rn1")
    with pytest.raises(ValueError, match="unknown corridor 'rn1'"):
        incidents_vs_model(ensemble, "mali-2025", corridor="rn1")


def test_reports_outside_the_horizon_are_left_out_with_a_warning(
    ensemble: simfuel.EnsembleResult, table: pd.DataFrame
) -> None:
    late = table.copy()
    late.loc[len(late)] = late.iloc[-1]
    late.loc[len(late) - 1, ["id", "date"]] = ["late", pd.Timestamp("2026-01-05")]
    with pytest.warns(UserWarning, match="1 reported event.*2026-01-05"):
        ax = incidents_vs_model(ensemble, late)
    x, *_ = points_and_bars(ax)
    assert len(x) == len(cumulative_losses(table))


def test_the_shipped_plot_warns_about_nothing(ensemble: simfuel.EnsembleResult) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        incidents_vs_model(ensemble)
