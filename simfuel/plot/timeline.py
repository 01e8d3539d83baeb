"""Convoy timeline: one lane per corridor, one bar per convoy, attacks marked."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..labels import escort_kind_label
from ..results import RunResult
from ._layout import FONT_MIN, at_draw_time, fit_figure, text_box
from ._style import (
    ATTACK_COLOR,
    ESCORT_COLORS,
    OTHER_ESCORT_COLOR,
    corridor_label,
    format_dates,
    get_ax,
    hours_to_num,
    plain,
)

__all__ = ["convoy_timeline"]


def convoy_timeline(
    result: RunResult,
    *,
    ax: Axes | None = None,
    label_losses_from: int = 5,
    title: str | None = None,
) -> Axes:
    """Every convoy as a bar from departure to arrival (or loss), one lane per corridor.

    Bars are coloured by escort kind (:data:`~simfuel.plot.ESCORT_COLORS`: none, ground,
    air, air_hourly and their mixes), and the legend names the kinds drawn in words
    (:func:`simfuel.labels.escort_kind_label`); convoys share a lane in thin rows so
    overlapping trips stay visible. Attacks are red crosses at the time
    of the attack, labelled with the tankers lost when at least ``label_losses_from``
    (a label that finds no free place beside its cross is hidden).

    Parameters
    ----------
    result : RunResult
        One run.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.
    label_losses_from : int
        Smallest loss [tankers] written beside its cross.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    sc = result.scenario
    vehicles = plain(sc.vocabulary.vehicles)
    ax = get_ax(ax, figsize=(11, 1.0 + 0.9 * len(sc.corridors)))
    fit_figure(ax)
    horizon_h = sc.horizon_h
    conv = result.convoys
    conv = conv[(conv["ended_h"].fillna(horizon_h) >= 0) & (conv["departed_h"] <= horizon_h)]
    lanes = {key: i for i, key in enumerate(sc.corridors)}
    rows_per_lane = 6  # convoys cycle through thin rows within a lane
    height = 0.8 / rows_per_lane
    row_of: dict[int, float] = {}  # convoy id -> y of its bar's middle

    for key, lane in lanes.items():
        mine = conv[conv["corridor"] == key]
        if mine.empty:
            continue
        start_h = np.clip(mine["departed_h"].to_numpy(), 0, horizon_h)
        end_h = np.clip(mine["ended_h"].fillna(horizon_h).to_numpy(), 0, horizon_h)
        slot = np.arange(len(mine)) % rows_per_lane
        y = lane - 0.4 + slot * height
        row_of.update(zip(mine["convoy_id"].tolist(), (y + height * 0.45).tolist(), strict=True))
        for kind in mine["escort_kind"].unique():
            color = ESCORT_COLORS.get(kind, OTHER_ESCORT_COLOR)
            sel = (mine["escort_kind"] == kind).to_numpy()
            if sel.any():
                ax.barh(
                    y[sel],
                    (end_h[sel] - start_h[sel]) / 24.0,
                    left=hours_to_num(sc.start, start_h[sel]),
                    height=height * 0.9,
                    align="edge",
                    color=color,
                    lw=0,
                )

    attacks = result.events[result.events["kind"] == "attacked"]
    if not attacks.empty:
        xs = hours_to_num(sc.start, attacks["t_h"].to_numpy())
        # On the attacked convoy's own bar (its lane's centre if it left in the warm-up).
        ys = np.array(
            [
                row_of.get(int(cid), float(lanes[corr]))
                for cid, corr in zip(attacks["convoy_id"], attacks["corridor"], strict=True)
            ]
        )
        ax.scatter(
            xs, ys, marker="X", s=50, color=ATTACK_COLOR, edgecolor="white", lw=0.5, zorder=5
        )
        to_label = [
            (x, yv, int(lost))
            for x, yv, lost in zip(xs, ys, attacks["tankers"], strict=True)
            if lost >= label_losses_from
        ]
    else:
        to_label = []

    ax.set_yticks(list(lanes.values()), [corridor_label(sc, k) for k in lanes], fontsize=FONT_MIN)
    ax.set_ylim(-0.6, len(lanes) - 0.4)
    ax.invert_yaxis()
    ax.set_xlim(hours_to_num(sc.start, 0.0), hours_to_num(sc.start, horizon_h))
    ax.set_xlabel("date (bar: departure from staging to arrival or loss)")
    ax.grid(axis="x", alpha=0.3)
    format_dates(ax)
    present = set(conv["escort_kind"])
    handles: list[Artist] = [
        Patch(color=c, label=escort_kind_label(k)) for k, c in ESCORT_COLORS.items() if k in present
    ]
    others = sorted(present - set(ESCORT_COLORS))
    if others:  # kinds registered by the user share one colour, named in the legend
        label = f"escort: {', '.join(plain(k) for k in others)}"
        handles.append(Patch(color=OTHER_ESCORT_COLOR, label=label))
    handles.append(
        Line2D([], [], marker="X", color=ATTACK_COLOR, ls="", label=f"attack ({vehicles} lost)")
    )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=FONT_MIN,
        frameon=False,
    )
    ax.set_title(title or f"{plain(sc.name)}: convoys by corridor (seed {result.seed})", wrap=True)
    _label_attacks(ax, to_label)
    return ax


_OFFSETS = ((3, 3), (3, -10), (10, 9), (10, -16))  # [points]: beside, below, further right


def _label_attacks(ax: Axes, points: list[tuple[float, float, int]]) -> None:
    """Write tankers lost beside each cross, moving a label that would overlap another
    (above, below, then further right) and hiding it if no place is free.

    Placed at every draw, once the layout is final (a user's subplot is resized after).
    """
    labels = [
        ax.annotate(
            str(lost),
            (x, y),
            xytext=_OFFSETS[0],
            textcoords="offset points",
            fontsize=FONT_MIN,
            color=ATTACK_COLOR,
            fontweight="bold",
            gid="attack label",
        )
        for x, y, lost in points
    ]

    def place(renderer: Any) -> None:
        placed: list[Any] = []
        for text in labels:
            text.set_visible(True)  # a hidden text measures as a unit box
            for offset in _OFFSETS:
                text.xyann = offset
                box = text_box(text, renderer)
                if not any(box.overlaps(other) for other in placed):
                    placed.append(box)
                    break
            else:
                text.set_visible(False)

    at_draw_time(ax, "timeline labels", place)
