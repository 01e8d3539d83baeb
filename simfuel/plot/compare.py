"""Options side by side: overlaid fan charts, stock-out curves and reported losses.

What a decision brief (``simfuel compare``) draws: one colour per option, the first option
the reference. Where an option's timeline departs from the first option's (a policy from
20 October, say), a dashed line in its colour marks the date, named in the legend.
"""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from collections.abc import Mapping

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..ensemble import EnsembleResult
from ..ensemble.destinations import resolve_destination
from ..labels import describe_event
from ._style import (
    CORRIDOR_PALETTE,
    axis_label,
    format_dates,
    get_ax,
    metric_label,
    place_name,
    plain,
    stock_place_name,
)
from .fan import _threshold
from .incidents import incidents_vs_model, model_cumulative_tankers

__all__ = ["compare_fans", "compare_incidents", "compare_stockout", "option_departures"]


def _color(i: int) -> str:
    return CORRIDOR_PALETTE[i % len(CORRIDOR_PALETTE)]


def _check(results: Mapping[str, EnsembleResult], what: str) -> None:
    if not results:
        raise ValueError(f"{what} needs at least one ensemble")
    for name, r in results.items():
        if not isinstance(r, EnsembleResult):
            raise TypeError(f"{what}: {name!r} is a {type(r).__name__}, not an EnsembleResult")


def _destination(results: Mapping[str, EnsembleResult], destination: str | None) -> str | None:
    """``destination`` checked against every option: None for the first's main destination.

    Raises
    ------
    UnknownDestination
        If it is not a place with stock of one of the options (that option named).
    """
    for r in results.values():
        resolve_destination(r.scenario, destination)
    return resolve_destination(next(iter(results.values())).scenario, destination)


def _where(results: Mapping[str, EnsembleResult], place: str | None, label: str = "") -> str:
    """`` at Mopti`` for a destination other than the main one, else ``""``.

    Also ``""`` when ``label`` names the place already (``Mopti stock``).
    """
    if place is None:
        return ""
    name = place_name(next(iter(results.values())).scenario, place)
    return "" if name in label else f" at {name}"


def _here(results: Mapping[str, EnsembleResult], place: str | None) -> str | None:
    """The display name :func:`metric_label` puts labels at (None: the main destination)."""
    return stock_place_name(next(iter(results.values())).scenario, place)


def option_departures(
    results: Mapping[str, EnsembleResult],
) -> dict[str, list[tuple[dt.date, str]]]:
    """For each option after the first, the dated events where its timeline departs.

    Returns
    -------
    dict of str to list of (date, description)
        Sorted by date: the events the option has and the first one lacks (an added or
        changed event), then those the first has and the option lacks (``without: ...``).
        The description is :func:`simfuel.labels.describe_event`'s short form.
    """
    items = list(results.items())
    if not items:
        return {}
    first = items[0][1].scenario
    reference = [ev.model_dump(mode="json") for ev in first.events]
    out: dict[str, list[tuple[dt.date, str]]] = {}
    for name, res in items[1:]:
        sc = res.scenario
        mine = [ev.model_dump(mode="json") for ev in sc.events]
        new = [
            (ev.date, describe_event(ev, sc, short=True))
            for ev, d in zip(sc.events, mine, strict=True)
            if d not in reference
        ]
        gone = [
            (ev.date, "without: " + describe_event(ev, first, short=True))
            for ev, d in zip(first.events, reference, strict=True)
            if d not in mine and ev.id not in {e.id for e in sc.events if e.id}
        ]
        out[name] = sorted(new + gone, key=lambda t: t[0])
    return out


def _mark_departures(ax: Axes, results: Mapping[str, EnsembleResult]) -> None:
    departures = option_departures(results)
    for i, name in enumerate(results):
        for day, text in departures.get(name, []):
            ax.axvline(
                float(mdates.date2num(pd.Timestamp(day))),
                color=_color(i),
                lw=1.2,
                ls="--",
                # wrapped: a long label would squeeze the axes beside the legend
                label=textwrap.fill(f"{plain(name)} from {day:%d %b}: {plain(text)}", 46),
            )


def _limits(ax: Axes, results: Mapping[str, EnsembleResult]) -> None:
    start = min(r.dates[0] for r in results.values())
    end = max(r.dates[-1] for r in results.values())
    ax.set_xlim(float(mdates.date2num(start)), float(mdates.date2num(end)))


def compare_fans(
    results: Mapping[str, EnsembleResult],
    metric: str = "days_of_cover",
    *,
    ax: Axes | None = None,
    band: tuple[float, float] = (0.05, 0.95),
    threshold: bool = True,
    title: str | None = None,
    destination: str | None = None,
) -> Axes:
    """Overlaid fan charts of several options: each option's median and one band.

    Parameters
    ----------
    results : mapping of str to EnsembleResult
        The options by label, the first one the reference; run on the same seeds for a
        fair comparison (see :func:`simfuel.compare`).
    metric : str
        A daily field, e.g. ``"days_of_cover"`` [days] or ``"stock_l"`` (drawn in ML).
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.
    band : (float, float)
        Low and high quantiles of the band drawn around each median (default: 90 %).
    threshold : bool
        Draw the first option's rationing threshold (for ``days_of_cover`` and
        ``stock_l``).
    title : str, optional
        Axes title.
    destination : str, optional
        The place with stock drawn, in every option (default: the main destination), with
        its own rationing threshold and its name in the title.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    UnknownDestination
        If ``destination`` is not a place with stock of every option.

    Notes
    -----
    A dashed line in an option's colour marks each dated event it has and the first
    option lacks (see :func:`option_departures`); the legend names it.
    """
    _check(results, "compare_fans")
    low, high = band
    if not 0 <= low < high <= 1:
        raise ValueError(f"band must be two quantiles with 0 <= low < high <= 1 (got {band})")
    place = _destination(results, destination)  # before a figure is made
    ax = get_ax(ax)
    vocab = next(iter(results.values())).scenario.vocabulary
    scale = metric_label(metric, daily=True, vocab=vocab).scale
    width = round((high - low) * 100)
    for i, (name, res) in enumerate(results.items()):
        q = res.bands(metric, q=(low, 0.5, high), destination=place) / scale
        color = _color(i)
        ax.fill_between(
            q.index,
            q.iloc[:, 0],
            q.iloc[:, 2],
            color=color,
            alpha=0.16,
            lw=0,
            label=f"{plain(name)}: {width} % band",
        )
        ax.plot(q.index, q.iloc[:, 1], color=color, lw=2, label=f"{plain(name)}: median")
    first = next(iter(results.values()))
    if threshold:
        values = _threshold(first.scenario, first.dates, metric, place)
        if values is not None:
            ax.step(
                first.dates,
                values / scale,
                where="post",
                color="#444444",
                ls=":",
                lw=1,
                label="rationing threshold",
            )
    _mark_departures(ax, results)
    _limits(ax, results)
    ax.set_ylim(bottom=0)
    here = _here(results, place)
    ax.set_ylabel(axis_label(metric, daily=True, vocab=vocab, place=here))
    ax.set_xlabel("date")
    n = ", ".join(sorted({str(r.n) for r in results.values()}))
    what = metric_label(metric, daily=True, vocab=vocab, place=here).label
    ax.set_title(
        title
        or f"{what}{_where(results, place, what)}: "
        f"median and {width} % band, {n} replications per option"
    )
    ax.grid(alpha=0.3)
    format_dates(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return ax


def compare_stockout(
    results: Mapping[str, EnsembleResult],
    *,
    ax: Axes | None = None,
    title: str | None = None,
    destination: str | None = None,
) -> Axes:
    """The probability of a stock-out by each date, one curve per option.

    Parameters
    ----------
    results : mapping of str to EnsembleResult
        The options by label, the first one the reference.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.
    title : str, optional
        Axes title.
    destination : str, optional
        The place with stock whose stock-outs are counted, in every option (default: the
        main destination); its name goes in the title.

    Returns
    -------
    matplotlib.axes.Axes
        The share of replications [%] with a stock-out on any day up to each date.

    Raises
    ------
    UnknownDestination
        If ``destination`` is not a place with stock of every option.
    """
    _check(results, "compare_stockout")
    place = _destination(results, destination)  # before a figure is made
    ax = get_ax(ax, figsize=(10, 3.6))
    for i, (name, res) in enumerate(results.items()):
        p = res.probability("stockout == 1", cumulative=True, destination=place) * 100
        ax.step(p.index, p.to_numpy(), where="post", color=_color(i), lw=2, label=plain(name))
    _mark_departures(ax, results)
    _limits(ax, results)
    ax.set_ylim(0, 102)
    ax.set_ylabel("stock-out so far [% of replications]")
    ax.set_xlabel("date")
    ax.set_title(title or f"Probability of a stock-out{_where(results, place)} by each date")
    ax.grid(alpha=0.3)
    format_dates(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return ax


def compare_incidents(
    results: Mapping[str, EnsembleResult],
    incidents: pd.DataFrame | str | os.PathLike[str] = "mali-2025",
    *,
    ax: Axes | None = None,
    include_captured: bool = False,
    title: str | None = None,
) -> Axes:
    """Reported cumulative losses over every option's modelled median and 90 % band.

    The reports are drawn as :func:`incidents_vs_model` draws them (points with their
    ranges); each option adds its median and 90 % band in its colour.

    Parameters
    ----------
    results : mapping of str to EnsembleResult
        The options by label.
    incidents : pandas.DataFrame, str or path
        An incident table, a shipped name (``"mali-2025"``) or a CSV path.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.
    include_captured : bool
        Compare losses (destroyed + captured) instead of tankers destroyed.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _check(results, "compare_incidents")
    ax = get_ax(ax)
    items = list(results.items())
    first_name, first = items[0]
    what = "tankers lost (destroyed + captured)" if include_captured else "tankers destroyed"
    incidents_vs_model(
        first,
        incidents,
        ax=ax,
        include_captured=include_captured,
        bands=(0.05, 0.05, 0.95, 0.95),
        color=_color(0),
        title=title or f"Reported vs modelled {what}: median and 90 % band per option",
    )
    # incidents_vs_model names its model "model"; with several options, name each.
    for artist in [*ax.lines, *ax.collections]:
        label = str(artist.get_label())
        if label.startswith("model:"):
            artist.set_label(f"{plain(first_name)}:{label[len('model:') :]}")
    for i, (name, res) in enumerate(items[1:], start=1):
        model = model_cumulative_tankers(res, include_captured=include_captured)
        q = np.quantile(model.to_numpy(float), [0.05, 0.5, 0.95], axis=1)
        color = _color(i)
        ax.fill_between(
            model.index,
            q[0],
            q[2],
            color=color,
            alpha=0.16,
            lw=0,
            label=f"{plain(name)}: 90 % band",
        )
        ax.plot(model.index, q[1], color=color, lw=2, label=f"{plain(name)}: median")
    _limits(ax, results)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return ax
