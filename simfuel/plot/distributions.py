"""Distributions across replications, scenario comparisons and sweep heatmaps."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..ensemble import EnsembleResult
from ..ensemble.destinations import resolve_destination
from ..results import RunResult
from ._layout import FONT_MIN
from ._style import (
    BAND_COLOR,
    CORRIDOR_PALETTE,
    axis_label,
    format_dates,
    get_ax,
    metric_label,
    place_name,
    plain,
    stock_place_name,
)
from .fan import stock_fan

__all__ = [
    "compare_scenarios",
    "compare_summary",
    "delivery_distribution",
    "distribution",
    "loss_distribution",
    "sweep_heatmap",
]


def distribution(
    ensemble: EnsembleResult,
    metric: str = "tankers_lost",
    *,
    ax: Axes | None = None,
    bins: int | str = "auto",
    color: str = BAND_COLOR,
    title: str | None = None,
    destination: str | None = None,
) -> Axes:
    """Histogram of a summary metric across replications, with its median and 90 % interval.

    Parameters
    ----------
    ensemble : EnsembleResult
        The replications.
    metric : str
        A column of ``ensemble.replications`` (see :data:`simfuel.results.SUMMARY_METRICS`).
    ax, bins, color, title
        Axes (new figure if None), histogram bins, bar colour, axes title.
    destination : str, optional
        The place with stock whose metric is drawn (default: the main destination).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if metric not in ensemble.replications.columns:
        raise KeyError(f"{metric!r} is not a metric of the ensemble's replications")
    column = ensemble.replications_at(destination)[metric]
    place = resolve_destination(ensemble.scenario, destination)
    here = stock_place_name(ensemble.scenario, place)  # None at the main destination
    is_date = pd.api.types.is_datetime64_any_dtype(column)
    ax = get_ax(ax, figsize=(7, 4))
    vocab = ensemble.scenario.vocabulary
    lab = metric_label(metric, vocab=vocab, place=here)
    name_here = "" if place is None else place_name(ensemble.scenario, place)
    where = "" if place is None or name_here in lab.label else f" at {name_here}"
    scale = lab.scale
    if is_date:  # dates as matplotlib day numbers, on a date axis
        values = mdates.date2num(column.dropna())
    else:
        values = column.dropna().to_numpy(float) / scale
    if values.size == 0:
        raise ValueError(f"{metric} has no values in this ensemble")
    # The interval goes behind the bars so it does not grey them.
    ax.hist(values, bins=bins, color=color, alpha=0.75, edgecolor="white", zorder=2)
    lo, med, hi = np.quantile(values, [0.05, 0.5, 0.95])
    unit = lab.unit
    if is_date:

        def show(v: float) -> str:
            return f"{mdates.num2date(v):%d %b %Y}"

    else:

        def show(v: float) -> str:
            return f"{v:,.{lab.digits}f}"

    never = int(column.isna().sum())
    ax.axvline(med, color="black", lw=2, zorder=3, label=f"median {show(med)} {unit}".rstrip())
    ax.axvspan(
        lo,
        hi,
        color="grey",
        alpha=0.15,
        zorder=1,
        label=f"90 % interval [{show(lo)}, {show(hi)}]",
    )
    if is_date:
        format_dates(ax)
        ax.set_xlabel(f"{lab.label} [date]" + (f" ({never} never)" if never else ""))
    else:
        ax.set_xlabel(lab.axis)
    if show(lo) == show(hi):
        # One bar says little and looks like a bug: say what it means.
        who = f"all {values.size}" if np.ptp(values) == 0 else "90 % of the"
        ax.text(
            0.5,
            0.6,
            f"{who} replications: {show(med)} {unit}".rstrip()
            + ("" if not never else f" ({never} never)"),
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=10,
            bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": "#999999", "lw": 0.6},
            gid="no spread",
        )
    ax.set_ylabel("replications")
    ax.set_title(
        title or f"{plain(ensemble.scenario.name)}: {lab.label}{where} ({ensemble.n} replications)"
    )
    ax.legend(fontsize=FONT_MIN, loc="best")
    ax.grid(alpha=0.3)
    return ax


def loss_distribution(
    ensemble: EnsembleResult, *, ax: Axes | None = None, destination: str | None = None
) -> Axes:
    """Histogram of vehicles lost (destroyed + captured) per replication."""
    return distribution(ensemble, "tankers_lost", ax=ax, color="#d7301f", destination=destination)


def delivery_distribution(
    ensemble: EnsembleResult, *, ax: Axes | None = None, destination: str | None = None
) -> Axes:
    """Histogram of the goods delivered to the destination per replication [ML for fuel]."""
    return distribution(ensemble, "delivered_l", ax=ax, color="#1b9e77", destination=destination)


def compare_scenarios(
    results: Mapping[str, EnsembleResult | RunResult],
    metric: str = "days_of_cover",
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Several scenarios' fan charts on one axes: median and 90 % band each.

    The first scenario's timeline is annotated; each scenario has its own colour.
    """
    if not results:
        raise ValueError("compare_scenarios needs at least one result")
    ax = get_ax(ax)
    vocab = next(iter(results.values())).scenario.vocabulary
    for i, (name, res) in enumerate(results.items()):
        stock_fan(
            res,
            metric,
            ax=ax,
            annotate=i == 0,
            threshold=i == 0,
            bands=(0.05, 0.05, 0.95, 0.95),  # one 90 % band: two bands per scenario clutter
            color=CORRIDOR_PALETTE[i % len(CORRIDOR_PALETTE)],
            label=plain(name),
        )
    starts = [r.scenario.start for r in results.values()]
    ends = [r.scenario.end for r in results.values()]
    ax.set_xlim(
        mdates.date2num(pd.Timestamp(min(starts))), mdates.date2num(pd.Timestamp(max(ends)))
    )
    ax.set_title(
        title
        or f"{metric_label(metric, daily=True, vocab=vocab).label}: "
        + " vs ".join(map(plain, results))
    )
    return ax


def compare_summary(
    results: Mapping[str, EnsembleResult],
    metric: str = "tankers_lost",
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Box plots of a summary metric across replications, one box per scenario."""
    if not results:
        raise ValueError("compare_summary needs at least one result")
    for name, r in results.items():
        if metric not in r.replications.columns:
            raise KeyError(f"{metric!r} is not a metric of {name!r}'s replications")
    ax = get_ax(ax, figsize=(8, 4))
    vocab = next(iter(results.values())).scenario.vocabulary
    lab = metric_label(metric, vocab=vocab)
    data = [r.replications[metric].dropna().to_numpy(float) / lab.scale for r in results.values()]
    box = ax.boxplot(
        data,
        tick_labels=[plain(name) for name in results],
        patch_artist=True,
        whis=(5, 95),
        showfliers=False,
        medianprops={"color": "black", "lw": 2},
    )
    for i, patch in enumerate(box["boxes"]):
        patch.set_facecolor(CORRIDOR_PALETTE[i % len(CORRIDOR_PALETTE)])
        patch.set_alpha(0.6)
    ax.set_ylabel(axis_label(metric, vocab=vocab))
    ax.set_title(title or f"{lab.label} by scenario (box: quartiles, whiskers: 5-95 %)")
    ax.grid(axis="y", alpha=0.3)
    ax.tick_params(axis="x", labelsize=8)
    return ax


def sweep_heatmap(
    table: pd.DataFrame,
    x: str,
    y: str,
    metric: str,
    *,
    stat: str | float | Callable[[pd.Series], float] = "median",
    ax: Axes | None = None,
    annotate: bool = True,
    cmap: str = "viridis",
    title: str | None = None,
) -> Axes:
    """Heatmap of a statistic of ``metric`` over two swept parameters.

    Parameters
    ----------
    table : pandas.DataFrame
        The tidy output of :func:`simfuel.sweep`.
    x, y : str
        Swept parameter columns (dotted paths) for the two axes.
    metric : str
        A summary metric column, e.g. ``"tankers_lost"``.
    stat : "median", "mean", a quantile in [0, 1], or a function of a Series
        What to show per cell.
    ax, annotate, cmap, title
        Axes (new figure if None), write values in cells, colour map, title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    for col in (x, y, metric):
        if col not in table.columns:
            raise KeyError(f"{col!r} is not a column of the sweep table")
    if pd.api.types.is_datetime64_any_dtype(table[metric]):
        raise TypeError(
            f"sweep_heatmap shows numbers; {metric} is a date: plot days from the start, e.g. "
            f"table.assign(days=(table['{metric}'] - start).dt.days)"
        )
    ax = get_ax(ax, figsize=(7, 5))
    lab = metric_label(metric)
    grouped = table.groupby([y, x])[metric]
    stat_name: str
    if isinstance(stat, int | float) and not isinstance(stat, bool):
        values = grouped.quantile(float(stat))
        stat_name = f"q{float(stat):g}"
    elif callable(stat):
        values = grouped.agg(stat)
        stat_name = plain(getattr(stat, "__name__", "stat"))
    else:
        values = grouped.agg(str(stat))
        stat_name = plain(stat)
    grid = values.unstack(x) / lab.scale
    image = ax.imshow(grid.to_numpy(float), origin="lower", aspect="auto", cmap=cmap)
    ax.set_xticks(
        range(grid.shape[1]),
        [f"{v:g}" if isinstance(v, float) else plain(v) for v in grid.columns],
    )
    ax.set_yticks(
        range(grid.shape[0]),
        [f"{v:g}" if isinstance(v, float) else plain(v) for v in grid.index],
    )
    ax.set_xlabel(plain(x))
    ax.set_ylabel(plain(y))
    bar = ax.figure.colorbar(image, ax=ax)
    bar.set_label(f"{stat_name} of {axis_label(metric)}")
    if annotate:
        cells = grid.to_numpy(float)
        mid = np.nanmean(cells)
        for i in range(grid.shape[0]):
            for j in range(grid.shape[1]):
                v = cells[i, j]
                ax.text(
                    j,
                    i,
                    f"{v:,.3g}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if v < mid else "black",
                )
    ax.set_title(
        title or f"{stat_name} {lab.label}\nby {plain(y)} and {plain(x)}",
        fontsize=10,
        wrap=True,
    )
    return ax
