"""Corridor map: country outlines, corridors leg by leg shaded by risk, attacks located."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon

from ..data import BORDERS_CREDIT, country_outlines
from ..ensemble import EnsembleResult
from ..results import RunResult
from ..scenario import Scenario
from ..scenario.schema import ScriptedAttackEvent
from ._style import ATTACK_COLOR, corridor_colors, corridor_label, get_ax, plain

__all__ = ["attack_locations", "corridor_map"]


def attack_locations(result: RunResult) -> pd.DataFrame:
    """Attacks of a run located at the middle of their leg: ``lon``, ``lat``, ``tankers``.

    The model knows the leg an attack happened on, not the point: the leg's midpoint
    stands for it.
    """
    sc = result.scenario
    ev = result.events[result.events["kind"] == "attacked"]
    rows = []
    for _, e in ev.iterrows():
        a, b = sc.places.get(e["leg_from"]), sc.places.get(e["leg_to"])
        if a is None or b is None:
            continue
        rows.append(
            {
                "time": e["time"],
                "corridor": e["corridor"],
                "lon": (a.lon + b.lon) / 2,
                "lat": (a.lat + b.lat) / 2,
                "tankers": int(e["tankers"]),
                "scripted": "scripted" in str(e["detail"]),
            }
        )
    return pd.DataFrame(rows, columns=["time", "corridor", "lon", "lat", "tankers", "scripted"])


def corridor_map(
    source: Scenario | RunResult | EnsembleResult,
    *,
    ax: Axes | None = None,
    attacks: bool = True,
    labels: bool | str = True,
    title: str | None = None,
) -> Axes:
    """Map of the corridors on country outlines (longitude/latitude, equal aspect).

    Legs after the staging point are drawn solid, thicker where their ``risk`` weight is
    higher; legs before it (no threat in the model) dashed. A run's attacks are red
    circles at the middle of their leg, sized by tankers lost; without a run, the
    scenario's scripted attacks are drawn as open circles.

    Parameters
    ----------
    source : Scenario, RunResult or EnsembleResult
        What to map; attacks come from a RunResult's event log.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.
    attacks : bool
        Draw attacks.
    labels : bool or "all"
        Write place names: True writes the depot, staging points and origins first, then
        the other places where their name does not overlap one already written; "all"
        writes every name, overlapping or not; False none.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    sc = source if isinstance(source, Scenario) else source.scenario
    ax = get_ax(ax, figsize=(9, 8))
    lons = np.array([p.lon for p in sc.places.values()])
    lats = np.array([p.lat for p in sc.places.values()])
    pad = 1.0
    xlim = (lons.min() - pad, lons.max() + pad)
    ylim = (lats.min() - pad, lats.max() + pad)

    for iso, country in country_outlines().items():
        for ring in country["rings"]:
            face = "#efe9dc" if iso == "MLI" else "#f7f7f5"
            ax.add_patch(
                Polygon(ring, closed=True, facecolor=face, edgecolor="#a0a0a0", lw=0.6, zorder=0)
            )
        xs = np.array([x for ring in country["rings"] for x, _ in ring])
        ys = np.array([y for ring in country["rings"] for _, y in ring])
        cx, cy = xs.mean(), ys.mean()
        if xlim[0] < cx < xlim[1] and ylim[0] < cy < ylim[1]:
            ax.text(
                cx,
                cy,
                country["name"].upper(),
                fontsize=7,
                color="#9a9a9a",
                ha="center",
                va="center",
                zorder=1,
            )

    colors = corridor_colors(sc)
    max_risk = max((leg.risk for c in sc.corridors.values() for leg in c.legs), default=1.0) or 1.0
    handles = []
    for i, (key, c) in enumerate(sc.corridors.items()):
        staged = False
        offset = (i - (len(sc.corridors) - 1) / 2) * 0.03  # keep shared roads visible
        for leg in c.legs:
            staged = staged or leg.from_ == c.staging
            a, b = sc.places[leg.from_], sc.places[leg.to]
            xy = ([a.lon + offset, b.lon + offset], [a.lat + offset, b.lat + offset])
            if staged:
                width = 1.2 + 3.5 * leg.risk / max_risk
                ax.plot(
                    *xy,
                    color=colors[key],
                    lw=width,
                    alpha=0.55 + 0.45 * leg.risk / max_risk,
                    solid_capstyle="round",
                    zorder=2,
                )
            else:
                ax.plot(*xy, color=colors[key], lw=1.2, ls="--", alpha=0.8, zorder=2)
        handles.append(Line2D([], [], color=colors[key], lw=3, label=corridor_label(sc, key)))

    depot = sc.depot.place
    for key, p in sc.places.items():
        is_depot = key == depot
        ax.scatter(
            p.lon,
            p.lat,
            s=90 if is_depot else 14,
            marker="*" if is_depot else "o",
            color="black",
            zorder=4,
        )

    if attacks:
        if isinstance(source, RunResult):
            loc = attack_locations(source)
            if not loc.empty:
                ax.scatter(
                    loc["lon"],
                    loc["lat"],
                    s=20 + 6 * loc["tankers"],
                    color=ATTACK_COLOR,
                    alpha=0.45,
                    edgecolor="darkred",
                    zorder=6,
                )
                handles.append(
                    Line2D(
                        [],
                        [],
                        marker="o",
                        ls="",
                        color=ATTACK_COLOR,
                        alpha=0.45,
                        label="attack (size: tankers lost)",
                    )
                )
        else:
            pts = _scripted_points(sc)
            if pts:
                px, py, sizes = zip(*pts, strict=True)
                ax.scatter(
                    px,
                    py,
                    s=[20 + 6 * s for s in sizes],
                    facecolor="none",
                    edgecolor=ATTACK_COLOR,
                    lw=1.5,
                    zorder=6,
                )
                handles.append(
                    Line2D(
                        [],
                        [],
                        marker="o",
                        ls="",
                        mfc="none",
                        color=ATTACK_COLOR,
                        label="reported attack (size: tankers)",
                    )
                )

    handles.append(
        Line2D([], [], color="grey", lw=1.2, ls="--", label="before staging (no threat)")
    )
    handles.append(Line2D([], [], color="grey", lw=4, label="thicker: higher risk"))
    ax.legend(handles=handles, loc="lower left", fontsize=7, framealpha=0.9)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("longitude [°E]")
    ax.set_ylabel("latitude [°N]")
    ax.set_title(title or f"{plain(sc.name)}: corridors to {plain(sc.places[depot].name or depot)}")
    ax.text(
        0.99,
        0.01,
        BORDERS_CREDIT,
        transform=ax.transAxes,
        fontsize=6,
        ha="right",
        va="bottom",
        color="#777777",
    )
    if labels:  # last: the layout must be final to measure the names
        _label_places(ax, sc, everything=labels == "all")
    return ax


def _label_places(ax: Axes, sc: Scenario, everything: bool) -> None:
    """Write place names, most important first, skipping those that would overlap."""
    key_rank = {sc.depot.place: 0}
    for c in sc.corridors.values():
        key_rank.setdefault(c.staging, 1)
        key_rank.setdefault(c.origin, 2)
    order = sorted(sc.places, key=lambda k: key_rank.get(k, 3))
    # Lay the figure out now so the text extents measured below are the final ones.
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    placed: list[Any] = []
    for key in order:
        p = sc.places[key]
        text = ax.annotate(
            plain(p.name or key),
            (p.lon, p.lat),
            xytext=(3, 3),
            textcoords="offset points",
            fontsize=8 if key == sc.depot.place else 7,
            zorder=5,
        )
        if everything:
            continue
        box = text.get_window_extent(renderer)
        if any(box.overlaps(other) for other in placed):
            text.remove()
        else:
            placed.append(box)


def _scripted_points(sc: Scenario) -> list[tuple[float, float, int]]:
    out = []
    for ev in sc.events:
        if not isinstance(ev, ScriptedAttackEvent):
            continue
        c = sc.corridors[ev.corridor]
        starts = [leg.from_ for leg in c.legs]
        first = starts.index(c.staging)
        leg = c.legs[starts.index(ev.leg_from)] if ev.leg_from else c.legs[first]
        a, b = sc.places[leg.from_], sc.places[leg.to]
        out.append(
            ((a.lon + b.lon) / 2, (a.lat + b.lat) / 2, ev.tankers_destroyed + ev.tankers_captured)
        )
    return out
