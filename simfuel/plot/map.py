"""Corridor map: country outlines, corridors leg by leg shaded by risk, attacks located."""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from matplotlib.transforms import Bbox
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar  # type: ignore[import-untyped]

from ..data import BORDERS_CREDIT, country_outlines, read_outlines
from ..ensemble import EnsembleResult
from ..results import RunResult
from ..scenario import Scenario
from ..scenario.schema import ScriptedAttackEvent, leg_risk
from ._layout import FONT_MIN, at_draw_time, fit_figure, is_free, text_box
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
    outlines: str | PathLike[str] | None = None,
) -> Axes:
    """Map of the corridors on country outlines (longitude/latitude), with a scale bar.

    Legs after the staging point are drawn solid, thicker where their ``risk`` weight is
    higher; legs before it (no threat in the model) dashed. Air corridors are straight
    dashed lines and sea corridors dotted ones, marked "(air)" or "(sea)" in the legend,
    never drawn as threatened roads: thicker only where a leg is given a ``risk``. A
    run's attacks are red circles at the middle of their leg, sized by tankers lost;
    without a run, the scenario's scripted attacks are drawn as open circles.

    The view is the places' bounding box plus 1°; the countries drawn are those whose
    outline reaches into it, so a scenario anywhere in the world draws its own region. The
    country holding the depot is shaded. The aspect is ``1 / cos(latitude)`` at the view's
    middle, so a kilometre is as long east-west as north-south there, and the scale bar
    holds across the map.

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
        the other places, each beside its point where it crosses no road, point or name
        already written (a name with no such place is left out); "all" writes every name
        beside its point, overlapping or not; False none.
    title : str, optional
        Axes title.
    outlines : str or path-like, optional
        A GeoJSON file of your own outlines (Polygon or MultiPolygon features in degrees;
        a ``name`` property is written on the map) instead of the shipped Natural Earth
        1:110m countries. A file that cannot be used raises
        :class:`simfuel.data.OutlinesError` (a ``ValueError``) in one line.

    Returns
    -------
    matplotlib.axes.Axes
    """
    sc = source if isinstance(source, Scenario) else source.scenario
    shapes = country_outlines() if outlines is None else read_outlines(outlines)
    credit = BORDERS_CREDIT if outlines is None else f"Outlines: {plain(Path(outlines).name)}"
    ax = get_ax(ax, figsize=(10, 7.5), layout="compressed")
    fit_figure(ax, "compressed")
    lons = np.array([p.lon for p in sc.places.values()])
    lats = np.array([p.lat for p in sc.places.values()])
    pad = 1.0
    xlim = (lons.min() - pad, lons.max() + pad)
    ylim = (lats.min() - pad, lats.max() + pad)
    depot = sc.depot.place
    home = (sc.places[depot].lon, sc.places[depot].lat)

    names: list[tuple[float, float, str]] = []
    for country in shapes.values():
        rings = [r for r in country["rings"] if _reaches(r, xlim, ylim)]
        if not rings:
            continue
        shaded = any(MplPath(ring).contains_point(home) for ring in country["rings"])
        for ring in rings:
            ax.add_patch(
                Polygon(
                    ring,
                    closed=True,
                    facecolor="#efe9dc" if shaded else "#f7f7f5",
                    edgecolor="#a0a0a0",
                    lw=0.6,
                    zorder=0,
                )
            )
        if country["name"]:
            # The middle of its largest part: an overseas island does not pull it to sea.
            largest = np.asarray(max(country["rings"], key=_area))
            cx, cy = largest.mean(axis=0)
            if xlim[0] < cx < xlim[1] and ylim[0] < cy < ylim[1]:
                names.append((cx, cy, plain(country["name"]).upper()))

    colors = corridor_colors(sc)
    risks = [leg_risk(c, leg) for c in sc.corridors.values() for leg in c.legs]
    max_risk = max(risks, default=1.0) or 1.0
    handles = []
    for i, (key, c) in enumerate(sc.corridors.items()):
        staged = False
        offset = (i - (len(sc.corridors) - 1) / 2) * 0.03  # keep shared roads visible
        for leg in c.legs:
            staged = staged or leg.from_ == c.staging
            a, b = sc.places[leg.from_], sc.places[leg.to]
            xy = ([a.lon + offset, b.lon + offset], [a.lat + offset, b.lat + offset])
            if c.mode != "road":
                # An air or sea leg is no road: a straight line in the mode's own style,
                # thicker only where the scenario gives it a risk.
                width = 1.2 + 3.5 * leg_risk(c, leg) / max_risk
                ax.plot(*xy, color=colors[key], lw=width, ls=MODE_STYLE[c.mode], zorder=2)
            elif staged:
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
        label = corridor_label(sc, key) + ("" if c.mode == "road" else f" ({c.mode})")
        style = MODE_STYLE.get(c.mode, "-")
        handles.append(Line2D([], [], color=colors[key], lw=3, ls=style, label=label))

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
        handles += _draw_attacks(ax, source, sc)

    handles.append(
        Line2D([], [], color="grey", lw=1.2, ls="--", label="before staging (no threat)")
    )
    handles.append(Line2D([], [], color="grey", lw=4, label="thicker: higher risk"))
    for mode, words in MODE_KEYS.items():
        if any(c.mode == mode for c in sc.corridors.values()):
            handles.append(Line2D([], [], color="grey", lw=1.2, ls=MODE_STYLE[mode], label=words))
    # Beside the map, never over it: inside, it would hide places and roads somewhere.
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        fontsize=FONT_MIN,
        frameon=False,
    )
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    mid_lat = float(np.mean(ylim))
    ax.set_aspect(1.0 / np.cos(np.radians(mid_lat)))
    ax.set_xlabel("longitude [°E]")
    ax.set_ylabel("latitude [°N]")
    ax.set_title(title or f"{plain(sc.name)}: corridors to {plain(sc.places[depot].name or depot)}")
    ax.text(
        1.02,
        0.0,
        credit,
        transform=ax.transAxes,
        fontsize=FONT_MIN,
        ha="left",
        va="bottom",
        color="#666666",
    )
    _scale_bar(ax, sc, xlim, ylim, mid_lat)
    _label_map(ax, sc, names if labels else [], everything=labels == "all", places=bool(labels))
    return ax


#: Line styles of the legs of air and sea corridors (road legs: solid, or dashed before
#: the staging point).
MODE_STYLE = {"air": "--", "sea": ":"}
MODE_KEYS = {
    "air": "air bridge (straight line; no threat unless a leg has a risk)",
    "sea": "sea route (straight line; no threat unless a leg has a risk)",
}


def _reaches(
    ring: list[tuple[float, float]], xlim: tuple, ylim: tuple, margin: float = 1.0
) -> bool:
    """Whether a ring's bounding box reaches into the view (grown by ``margin`` degrees)."""
    xs = [x for x, _ in ring]
    ys = [y for _, y in ring]
    return (
        min(xs) <= xlim[1] + margin
        and max(xs) >= xlim[0] - margin
        and min(ys) <= ylim[1] + margin
        and max(ys) >= ylim[0] - margin
    )


def _area(ring: list[tuple[float, float]]) -> float:
    xy = np.asarray(ring)
    x, y = xy[:, 0], xy[:, 1]
    return float(abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) / 2)


def _draw_attacks(ax: Axes, source: object, sc: Scenario) -> list[Line2D]:
    if isinstance(source, RunResult):
        loc = attack_locations(source)
        if loc.empty:
            return []
        ax.scatter(
            loc["lon"],
            loc["lat"],
            s=20 + 6 * loc["tankers"],
            color=ATTACK_COLOR,
            alpha=0.45,
            edgecolor="darkred",
            zorder=6,
        )
        return [
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                color=ATTACK_COLOR,
                alpha=0.45,
                label="attack (size: tankers lost)",
            )
        ]
    pts = _scripted_points(sc)
    if not pts:
        return []
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
    return [
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            mfc="none",
            color=ATTACK_COLOR,
            label="reported attack (size: tankers)",
        )
    ]


#: Kilometres per degree of latitude (and of longitude at the equator), mean Earth radius.
KM_PER_DEGREE = 111.195


def scale_bar_km(view_km: float) -> float:
    """A round length [km] (1, 2 or 5 times a power of ten) near a fifth of ``view_km``."""
    target = max(view_km / 5, 1e-3)
    power = 10 ** np.floor(np.log10(target))
    return float(max(s * power for s in (1, 2, 5) if s * power <= target))


def _scale_bar(ax: Axes, sc: Scenario, xlim: tuple, ylim: tuple, mid_lat: float) -> None:
    """A scale bar, true east-west at the view's middle latitude, in the emptiest corner."""
    km_per_lon = KM_PER_DEGREE * np.cos(np.radians(mid_lat))
    km = scale_bar_km((xlim[1] - xlim[0]) * km_per_lon)
    pts = np.array([(p.lon, p.lat) for p in sc.places.values()])
    fx = (pts[:, 0] - xlim[0]) / (xlim[1] - xlim[0])
    fy = (pts[:, 1] - ylim[0]) / (ylim[1] - ylim[0])
    corners = {
        "lower left": (fx < 0.3) & (fy < 0.15),
        "lower right": (fx > 0.7) & (fy < 0.15),
        "upper left": (fx < 0.3) & (fy > 0.85),
        "upper right": (fx > 0.7) & (fy > 0.85),
    }
    loc = min(corners, key=lambda k: int(corners[k].sum()))  # first of the emptiest
    bar = AnchoredSizeBar(
        ax.transData,
        km / km_per_lon,
        f"{km:g} km",
        loc,
        pad=0.4,
        borderpad=0.6,
        sep=3,
        frameon=True,
        size_vertical=(ylim[1] - ylim[0]) * 0.006,
        color="#333333",
        fontproperties=FontProperties(size=FONT_MIN),
    )
    bar.patch.set(alpha=0.8, edgecolor="none")
    bar.set_zorder(7)
    bar.set_gid("scale bar")
    ax.add_artist(bar)


#: Where a name goes beside its point [points], tried in order; with its alignment.
_OFFSETS = (
    ((4, 3), "left", "bottom"),
    ((4, -3), "left", "top"),
    ((-4, 3), "right", "bottom"),
    ((-4, -3), "right", "top"),
    ((6, 0), "left", "center"),
    ((-6, 0), "right", "center"),
    ((0, 6), "center", "bottom"),
    ((0, -6), "center", "top"),
)


def _label_map(
    ax: Axes,
    sc: Scenario,
    countries: list[tuple[float, float, str]],
    everything: bool,
    places: bool,
) -> None:
    """Write place names (most important first), then country names where room is left.

    Placed at every draw, once the layout is final: a name goes to the first spot beside
    its point that overlaps no name written, no road and no place; with none free it is
    hidden (``everything``: the first spot, always).
    """
    key_rank = {sc.depot.place: 0}
    for c in sc.corridors.values():
        key_rank.setdefault(c.staging, 1)
        key_rank.setdefault(c.origin, 2)
    order = sorted(sc.places, key=lambda k: key_rank.get(k, 3)) if places else []
    names = []
    for key in order:
        p = sc.places[key]
        (dx, dy), ha, va = _OFFSETS[0]
        names.append(
            ax.annotate(
                plain(p.name or key),
                (p.lon, p.lat),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=FONT_MIN + 1 if key == sc.depot.place else FONT_MIN,
                zorder=5,
                gid="place name",
            )
        )
    if names and order[0] == sc.depot.place:
        # The depot is always named, where its roads meet: a white halo keeps it readable.
        names[0].set_path_effects([withStroke(linewidth=3, foreground="white")])
        names[0].set_gid("depot name")
    background = [
        ax.text(
            cx,
            cy,
            name,
            fontsize=FONT_MIN,
            color="#9a9a9a",
            ha="center",
            va="center",
            zorder=1,
            gid="country name",
        )
        for cx, cy, name in countries
    ]
    lonlat = [(p.lon, p.lat) for p in sc.places.values()]

    def place(renderer: Any) -> None:
        roads = [ln for ln in ax.lines if ln.get_visible()]
        points = ax.transData.transform(lonlat)
        placed: list[Bbox] = [
            a.get_window_extent(renderer) for a in ax.artists if a.get_gid() == "scale bar"
        ]
        for text in names:
            text.set_visible(True)  # a hidden text measures as a unit box
            crossing = [] if text.get_gid() == "depot name" else roads
            for (dx, dy), ha, va in _OFFSETS:
                text.xyann = (dx, dy)
                text.set(horizontalalignment=ha, verticalalignment=va)
                box = text_box(text, renderer)
                if everything or is_free(box, placed, crossing, points):
                    placed.append(box)
                    break
            else:
                text.set_visible(False)
        for country in background:
            country.set_visible(True)
            box = text_box(country, renderer)
            if is_free(box, placed, roads, points):
                placed.append(box)
            else:
                country.set_visible(False)

    at_draw_time(ax, "map labels", place)


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
