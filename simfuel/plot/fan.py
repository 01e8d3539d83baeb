"""Stock fan chart: Bamako's stock or days of cover over time, with the timeline."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..ensemble import EnsembleResult
from ..labels import describe_event
from ..results import RunResult
from ..scenario import Scenario
from ..scenario.schema import (
    BlockadeEvent,
    ContractEvent,
    EscortPolicyEvent,
    RationingEvent,
    ScriptedAttackEvent,
)
from ._style import (
    ATTACK_COLOR,
    BAND_COLOR,
    axis_label,
    format_dates,
    get_ax,
    metric_label,
    plain,
)

__all__ = ["stock_fan", "timeline_marks"]


def timeline_marks(scenario: Scenario) -> list[tuple[dt.date, str]]:
    """The scenario's turning points as ``(date, label)``, one entry per date.

    The first blockade, escort-policy changes, contracts; scripted attacks are drawn
    separately, as markers.
    """
    marks: dict[dt.date, list[str]] = defaultdict(list)
    blockade_seen = False
    for ev in scenario.events:
        if isinstance(ev, BlockadeEvent):
            if ev.intensity <= 0 or blockade_seen:
                continue
            blockade_seen = True
        elif not isinstance(ev, EscortPolicyEvent | ContractEvent):
            continue
        text = describe_event(ev, scenario, short=True)
        # One mark per escort change, whatever the corridors it was written for.
        if not (isinstance(ev, EscortPolicyEvent) and text in marks[ev.date]):
            marks[ev.date].append(text)
    return [(d, "; ".join(labels)) for d, labels in sorted(marks.items())]


def _threshold(scenario: Scenario, dates: pd.Index, metric: str) -> np.ndarray | None:
    """The rationing threshold per day, in the metric's units (None if not applicable)."""
    if metric not in ("days_of_cover", "stock_l"):
        return None
    thresholds = np.full(len(dates), scenario.rationing.threshold_days)
    demand = np.full(len(dates), scenario.demand.demand_l_per_day)
    from ..scenario.schema import DemandEvent

    for ev in sorted(scenario.events, key=lambda e: e.date):
        after = dates >= pd.Timestamp(ev.date)
        if isinstance(ev, RationingEvent):
            thresholds[after] = ev.threshold_days
        elif isinstance(ev, DemandEvent):
            demand[after] = ev.demand_l_per_day
    if not thresholds.any():
        return None
    return thresholds if metric == "days_of_cover" else thresholds * demand


def stock_fan(
    result: RunResult | EnsembleResult,
    metric: str = "days_of_cover",
    *,
    ax: Axes | None = None,
    annotate: bool = True,
    threshold: bool = True,
    bands: Sequence[float] = (0.05, 0.25, 0.75, 0.95),
    color: str = BAND_COLOR,
    label: str | None = None,
    title: str | None = None,
) -> Axes:
    """Fan chart of a daily metric: median and 50 %/90 % bands (a line for one run).

    Parameters
    ----------
    result : RunResult or EnsembleResult
        One run (drawn as a line) or an ensemble (median and bands).
    metric : str
        A daily field, e.g. ``"days_of_cover"`` [days] or ``"stock_l"`` (drawn in ML).
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.
    annotate : bool
        Mark the scenario's timeline: blockade declared, escort changes, contracts
        (vertical lines), scripted attacks (triangles with tankers lost).
    threshold : bool
        Draw the rationing threshold (for ``days_of_cover`` and ``stock_l``).
    bands : sequence of 4 floats
        Outer-low, inner-low, inner-high, outer-high quantiles.
    color, label, title : str, optional
        Colour of the median and bands, legend label, axes title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if len(bands) != 4:
        raise ValueError(
            f"bands needs 4 quantiles (outer low, inner low, inner high, outer high), got {bands}"
        )
    ax = get_ax(ax)
    scenario = result.scenario
    scale = metric_label(metric, daily=True).scale
    name = label or plain(scenario.name)
    if isinstance(result, EnsembleResult):
        lo90, lo50, hi50, hi90 = bands
        q = result.bands(metric, q=(lo90, lo50, 0.5, hi50, hi90)) / scale
        dates = q.index
        # Outer band, then the inner one over it; equal quantiles draw a single band.
        drawn = [(0, 4, lo90, hi90, 0.18)]
        if (lo50, hi50) != (lo90, hi90):
            drawn.append((1, 3, lo50, hi50, 0.35))
        for i, j, lo, hi, alpha in drawn:
            ax.fill_between(
                dates,
                q.iloc[:, i],
                q.iloc[:, j],
                color=color,
                alpha=alpha,
                lw=0,
                label=f"{name}: {round((hi - lo) * 100)} % band",
            )
        ax.plot(dates, q.iloc[:, 2], color=color, lw=2, label=f"{name}: median")
        n_text = f", {result.n} replications"
    else:
        dates = result.daily.index
        ax.plot(dates, result.daily[metric] / scale, color=color, lw=2, label=name)
        n_text = f", seed {result.seed}"

    if threshold:
        values = _threshold(scenario, dates, metric)
        if values is not None:
            ax.step(
                dates,
                values / scale,
                where="post",
                color="#444444",
                ls="--",
                lw=1,
                label="rationing threshold",
            )
    if annotate:
        _annotate(ax, scenario)

    ax.set_ylim(bottom=0)
    ax.set_xlim(dates[0], dates[-1])
    ax.set_ylabel(axis_label(metric, daily=True))
    ax.set_xlabel("date")
    # Room above the axes for the numbered timeline marks.
    ax.set_title(
        title or f"{plain(scenario.name)}: {metric_label(metric, daily=True).label}{n_text}",
        pad=38 if annotate else 6,
    )
    ax.grid(alpha=0.3)
    format_dates(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return ax


def _annotate(ax: Axes, scenario: Scenario) -> None:
    # Numbered marks on the top edge, explained in a caption under the axes: labels
    # written on the chart itself overlap each other and cover the bands.
    marks = timeline_marks(scenario)
    caption = []
    level, last_x = 0, -np.inf
    for i, (day, text) in enumerate(marks, start=1):
        x = mdates.date2num(pd.Timestamp(day))
        # Marks less than a week apart alternate between two heights.
        level = 1 - level if x - last_x < 7 else 0
        last_x = x
        ax.axvline(x, color="#555555", lw=0.8, ls=":")
        ax.text(
            x,
            1.01 + 0.055 * level,
            str(i),
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=7,
            color="#333333",
            bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "#555555", "lw": 0.6},
        )
        caption.append(f"({i}) {day:%d %b}: {plain(text)}")
    if caption:
        ax.text(
            0.0,
            -0.16,
            _wrap("   ".join(caption), 150),
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=7,
            color="#333333",
        )
    attacks = sorted(
        (ev for ev in scenario.events if isinstance(ev, ScriptedAttackEvent)),
        key=lambda ev: ev.date,
    )
    if attacks:
        xs = [mdates.date2num(pd.Timestamp(ev.date)) for ev in attacks]
        ax.scatter(
            xs,
            [0.02] * len(xs),
            transform=ax.get_xaxis_transform(),
            marker="^",
            s=40,
            color=ATTACK_COLOR,
            zorder=5,
            clip_on=False,
            label="reported attack (scripted): tankers",
        )
        level, last_x = 0, -np.inf
        for x, ev in zip(xs, attacks, strict=True):
            # Stack the counts of attacks a few days apart so they stay readable.
            level = level + 1 if x - last_x < 4 else 0
            last_x = x
            lost = ev.tankers_destroyed + ev.tankers_captured
            ax.text(
                x,
                0.05 + 0.05 * (level % 4),
                str(lost),
                transform=ax.get_xaxis_transform(),
                fontsize=7,
                ha="center",
                va="bottom",
                color=ATTACK_COLOR,
            )


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False))
