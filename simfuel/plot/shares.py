"""Share of replications rationing or out of stock, day by day."""

from __future__ import annotations

import matplotlib.dates as mdates
from matplotlib.axes import Axes

from ..ensemble import EnsembleResult
from ..ensemble.destinations import resolve_destination
from ._layout import FONT_MIN, fit_figure
from ._style import format_dates, get_ax, place_name, plain

__all__ = ["daily_shares"]


def daily_shares(
    ensemble: EnsembleResult,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    destination: str | None = None,
) -> Axes:
    """Share of replications [%] with rationing in force, and out of stock, on each day.

    Three curves: rationing in force that day (shaded), stock-out that day, and stock-out
    on any day so far (cumulative).

    Parameters
    ----------
    ensemble : EnsembleResult
        The replications.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.
    title : str, optional
        Axes title.
    destination : str, optional
        The place with stock (default: the main destination, the depot).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    UnknownDestination
        If ``destination`` is not a place with stock of the scenario.
    """
    place = resolve_destination(ensemble.scenario, destination)
    ax = get_ax(ax, figsize=(10.5, 3.6))
    fit_figure(ax)
    dates = ensemble.dates
    rationing = ensemble.probability("rationing == 1", destination=place) * 100
    stockout_by = ensemble.probability("stockout == 1", cumulative=True, destination=place) * 100
    stockout = ensemble.probability("stockout == 1", destination=place) * 100
    ax.fill_between(dates, 0, rationing, color="#e6ab02", alpha=0.25, lw=0)
    ax.plot(dates, rationing, color="#b8860b", lw=1.8, label="rationing in force that day")
    ax.plot(dates, stockout, color="#d7301f", lw=1.8, label="stock-out that day")
    ax.plot(
        dates, stockout_by, color="#7f0000", lw=1.8, ls="--", label="stock-out on any day so far"
    )
    ax.set_ylim(0, 102)
    ax.set_xlim(float(mdates.date2num(dates[0])), float(mdates.date2num(dates[-1])))
    ax.set_ylabel("share of replications [%]")
    ax.set_xlabel("date")
    name = plain(ensemble.scenario.name)
    where = "" if place is None else f" at {place_name(ensemble.scenario, place)}"
    ax.set_title(
        title or f"{name}: rationing and stock-out{where}, {ensemble.n} replications", wrap=True
    )
    # No offset label ("2025-Nov" at the axis end): the concise ticks already show the
    # year where it changes and the month under every first tick of a month.
    format_dates(ax)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=FONT_MIN, frameon=False)
    return ax
