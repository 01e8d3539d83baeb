"""Stock fan chart: a destination's stock or days of cover over time, with the timeline."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.path import Path as MplPath
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox, ScaledTranslation, Transform

from ..ensemble import EnsembleResult
from ..ensemble.destinations import resolve_destination
from ..labels import describe_event
from ..results import RunResult
from ..scenario import Scenario
from ..scenario.schema import (
    DISRUPTION_EVENTS,
    BlockadeEvent,
    ContractEvent,
    EscortPolicyEvent,
    RationingEvent,
    ScriptedAttackEvent,
)
from ._layout import (
    FONT_MIN,
    at_draw_time,
    fit_figure,
    is_free,
    padded,
    reserve_above,
    text_box,
)
from ._style import (
    ATTACK_COLOR,
    BAND_COLOR,
    axis_label,
    format_dates,
    get_ax,
    metric_label,
    place_name,
    plain,
    stock_place_name,
)

__all__ = ["stock_fan", "timeline_marks"]


def timeline_marks(scenario: Scenario) -> list[tuple[dt.date, str]]:
    """The scenario's turning points as ``(date, label)``, one entry per date.

    The first blockade, escort-policy changes, contracts and disruptions (closures,
    reopenings, speed and border-delay changes), each with its note; scripted attacks are
    drawn separately, as markers.
    """
    marks: dict[dt.date, list[str]] = defaultdict(list)
    blockade_seen = False
    for ev in scenario.events:
        if isinstance(ev, BlockadeEvent):
            if ev.intensity <= 0 or blockade_seen:
                continue
            blockade_seen = True
        elif not isinstance(ev, (EscortPolicyEvent, ContractEvent, *DISRUPTION_EVENTS)):
            continue
        text = describe_event(ev, scenario, short=True)
        if isinstance(ev, DISRUPTION_EVENTS) and ev.note:
            text = f"{text} ({ev.note})"
        # One mark per change, whatever the corridors it was written for.
        if text not in marks[ev.date]:
            marks[ev.date].append(text)
    return [(d, "; ".join(labels)) for d, labels in sorted(marks.items())]


def _threshold(
    scenario: Scenario, dates: pd.Index, metric: str, place: str | None = None
) -> np.ndarray | None:
    """The rationing threshold per day, in the metric's units (None if not applicable).

    ``place``: a destination's place key (None: the depot's rule and demand).
    """
    if metric not in ("days_of_cover", "stock_l"):
        return None
    depot = scenario.depot.place
    stock = next((d for d in scenario.destinations.values() if d.place == place), None)
    rule = scenario.rationing if stock is None else stock.rationing
    base = scenario.demand if stock is None else stock.demand
    thresholds = np.full(len(dates), rule.threshold_days)
    demand = np.full(len(dates), base.demand_l_per_day)
    from ..scenario.schema import DemandEvent

    here = depot if stock is None else stock.place
    for ev in sorted(scenario.events, key=lambda e: e.date):
        if isinstance(ev, (RationingEvent, DemandEvent)) and (ev.place or depot) != here:
            continue
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
    destination: str | None = None,
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
    destination : str, optional
        The place with stock to draw (default: the main destination, the depot); its
        own rationing threshold, and its name in the title.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    UnknownDestination
        If ``destination`` is not a place with stock of the scenario.
    """
    if len(bands) != 4:
        raise ValueError(
            f"bands needs 4 quantiles (outer low, inner low, inner high, outer high), got {bands}"
        )
    scenario = result.scenario
    place = resolve_destination(scenario, destination)  # before a figure is made
    ax = get_ax(ax)
    vocab = scenario.vocabulary
    scale = metric_label(metric, daily=True, vocab=vocab).scale
    name = label or plain(scenario.name)
    if isinstance(result, EnsembleResult):
        lo90, lo50, hi50, hi90 = bands
        q = result.bands(metric, q=(lo90, lo50, 0.5, hi50, hi90), destination=place) / scale
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
        daily = result.daily if place is None else result.at(place)
        dates = daily.index
        ax.plot(dates, daily[metric] / scale, color=color, lw=2, label=name)
        n_text = f", seed {result.seed}"

    if threshold:
        values = _threshold(scenario, dates, metric, place)
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
    here = stock_place_name(scenario, place)  # None at the main destination: "depot"
    ax.set_ylabel(axis_label(metric, daily=True, vocab=vocab, place=here))
    ax.set_xlabel("date")
    # The numbered marks sit in a strip of their own above the axes: the title goes above it.
    what = metric_label(metric, daily=True, vocab=vocab, place=here).label
    name_here = "" if place is None else place_name(scenario, place)
    where = "" if place is None or name_here in what else f" at {name_here}"
    ax.set_title(title or f"{plain(scenario.name)}: {what}{where}{n_text}", wrap=True)
    ax.grid(alpha=0.3)
    format_dates(ax)
    finish(ax)
    return ax


def finish(ax: Axes) -> None:
    """The legend beside the axes, and room for it."""
    fit_figure(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=FONT_MIN, frameon=False)


def _lifted(ax: Axes, row: int) -> Transform:
    """x in data, y at the top of the axes raised to mark row ``row`` (0 or 1)."""
    fig = ax.get_figure(root=False)
    assert fig is not None
    return ax.get_xaxis_transform() + ScaledTranslation(
        0, (3 + _MARK_PT * row) / 72, fig.dpi_scale_trans
    )


def _lay_out(ax: Axes, renderer: Any) -> None:
    """At draw time: marks too close to read side by side go up a row; attack labels go
    where no line strikes them through."""
    _stack_marks(ax, renderer)
    _place_attack_labels(ax, renderer)


def _stack_marks(ax: Axes, renderer: Any) -> None:
    """Raise a mark to the upper row when it would touch the last one of the lower row."""
    marks = [t for t in ax.texts if t.get_gid() == "timeline mark"]
    gap = 2.0 * ax.figure.dpi / 72  # 2 pt apart
    last: list[Bbox | None] = [None, None]  # the last mark of each row
    for text in marks:
        for row in (0, 1):
            text.set_transform(_lifted(ax, row))
            box = padded(text_box(text, renderer), gap)
            before = last[row]
            if before is None or not box.overlaps(before):
                break
        last[row] = box  # with both rows taken, the upper one (three marks in a day)


#: Height [pt] of a numbered mark's circle, and of the strip holding two rows of them.
_MARK_PT = 15.0


def _annotate(ax: Axes, scenario: Scenario) -> None:
    # Numbered marks on the top edge, explained in a key under the axes: labels written
    # on the chart itself overlap each other and cover the bands.
    marks = timeline_marks(scenario)
    if marks:
        reserve_above(ax, 2 * _MARK_PT + 4)
    entries = []
    for i, (day, text) in enumerate(marks, start=1):
        x = mdates.date2num(pd.Timestamp(day))
        ax.axvline(x, color="#555555", lw=0.8, ls=":")
        ax.text(
            x,
            1.0,
            str(i),
            transform=_lifted(ax, 0),
            ha="center",
            va="bottom",
            fontsize=FONT_MIN,
            color="#333333",
            clip_on=False,
            gid="timeline mark",
            bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "#555555", "lw": 0.6},
        )
        entries.append(f"({i}) {day:%d %b}: {plain(text)}")
    if entries:
        # Under the x label whatever the axes' height: a key at a fixed fraction of the
        # axes lands on the tick labels of a short one.
        ax.annotate(
            _pack(entries, _chars_across(ax, FONT_MIN)),
            xy=(0.0, 0.0),
            xycoords=("axes fraction", ax.xaxis.label),
            xytext=(0, -4),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=FONT_MIN,
            color="#333333",
            gid="timeline key",
            annotation_clip=False,
        )
    attacks = _attacks(scenario)
    if attacks:
        xs = [mdates.date2num(pd.Timestamp(ev.date)) for ev in attacks]
        ax.scatter(
            xs,
            [_ATTACK_Y] * len(xs),
            transform=ax.get_xaxis_transform(),
            marker="^",
            s=40,
            color=ATTACK_COLOR,
            zorder=5,
            clip_on=False,
            label=f"reported attack (scripted): {plain(scenario.vocabulary.vehicles)} lost",
            gid="attacks",
        )
        for x, ev in zip(xs, attacks, strict=True):
            ax.annotate(
                str(ev.tankers_destroyed + ev.tankers_captured),
                (x, _ATTACK_Y),
                xycoords=ax.get_xaxis_transform(),
                xytext=(0, 9),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=FONT_MIN,
                color=ATTACK_COLOR,
                fontweight="bold",
                gid="attack label",
                arrowprops={
                    "arrowstyle": "-",
                    "color": ATTACK_COLOR,
                    "lw": 0.6,
                    "shrinkA": 0,
                    "shrinkB": 4,
                },
            )
    at_draw_time(ax, "fan layout", lambda renderer: _lay_out(ax, renderer))


#: Height of the attack triangles [axes fraction].
_ATTACK_Y = 0.02


def _attacks(scenario: Scenario) -> list[ScriptedAttackEvent]:
    return sorted(
        (ev for ev in scenario.events if isinstance(ev, ScriptedAttackEvent)),
        key=lambda ev: ev.date,
    )


def _place_attack_labels(ax: Axes, renderer: Any) -> None:
    """Move each attack label (tankers lost, joined to its triangle by a leader) to the
    lowest free spot above its triangle, then a little right or left.

    Free: crossing no line (a median struck through is unreadable), no other label, no
    triangle, and with a leader that crosses no other label, so a label of a stack reads
    as its own attack's. A label with no free spot is hidden.
    """
    labels = [t for t in ax.texts if isinstance(t, Annotation) and t.get_gid() == "attack label"]
    if not labels:
        return
    lines = [ln for ln in ax.lines if ln.get_visible()]
    tips = np.array([ax.get_xaxis_transform().transform(t.xy) for t in labels])
    placed: list[Bbox] = []
    leaders: list[MplPath] = []
    height_pt = ax.bbox.height * 72 / ax.figure.dpi
    rises = np.arange(9.0, max(height_pt * 0.85, 10.0), 6.0)
    shifts = (0.0, 10.0, 20.0, 30.0, -10.0, -20.0, -30.0)  # rightwards first: date order
    gap = 3.0 * ax.figure.dpi / 72
    for text, tip in zip(labels, tips, strict=True):
        text.set_visible(True)  # a hidden text measures as a unit box
        for dy, dx in ((dy, dx) for dy in rises for dx in shifts):
            text.xyann = (dx, dy)
            box = text_box(text, renderer)
            leader = MplPath([((box.x0 + box.x1) / 2, box.y0), tip])
            if (
                is_free(box, placed, lines, tips)
                and not any(leader.intersects_bbox(padded(b, 2), filled=False) for b in placed)
                and not any(p.intersects_bbox(padded(box, 2), filled=False) for p in leaders)
            ):
                placed.append(padded(box, gap))  # a gap, so "60" and "5" do not read "605"
                leaders.append(leader)
                break
        else:
            text.set_visible(False)


def _chars_across(ax: Axes, fontsize: float) -> int:
    """About how many characters of ``fontsize`` fit across the axes."""
    fig = ax.get_figure(root=True)
    assert fig is not None
    width_pt = fig.get_figwidth() * 72 * ax.get_position().width
    return max(int(width_pt / (0.6 * fontsize)), 20)


def _pack(entries: list[str], width: int) -> str:
    """Entries on lines of at most ``width`` characters, an entry never split across two
    (unless it is longer than a line by itself, when it wraps at spaces)."""
    import textwrap

    lines: list[str] = []
    for entry in entries:
        if lines and len(lines[-1]) + 3 + len(entry) <= width:
            lines[-1] += "   " + entry
        else:
            lines += textwrap.wrap(entry, width=width, break_long_words=False) or [entry]
    return "\n".join(lines)
