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
from ._layout import FONT_MIN, at_draw_time, fit_figure, padded, text_box
from ._style import ATTACK_COLOR, corridor_colors, corridor_label, get_ax, place_name, plain

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
    dash-dotted lines and sea corridors dotted ones, never drawn as threatened roads: thicker
    only where a leg is given a ``risk``. The legend gives each corridor its colour and
    each mode present its line style once ("air bridge", "sea route"). The depot is a
    star, the further destinations (places with a stock of their own) squares. A run's
    attacks are red circles at the middle of their leg, sized by tankers lost; without a
    run, the scenario's scripted attacks are drawn as open circles. The title names the
    places with stock ("corridors to Bamako, Ségou and Mopti"; beyond three, "corridors
    to Aldmere and 4 other destinations").

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
        Write place names: True writes the depot, the destinations, staging points and
        origins first, then the other places, each beside its point, inside the axes,
        where it crosses no drawn leg, covers no point or name already written and is
        nearer its own point than any other (a name with no such place is left out; a
        place whose marker overlaps a more important one's is not named). The depot and
        the destinations are always named: where their roads leave no side free, a little
        farther out with a leader, else where the fewest legs cross. "all" writes every
        name, where it crosses the fewest legs; False none.
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

    names: list[tuple[list[tuple[float, float]], str]] = []
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
                # Where a road crosses its middle, the name may move a degree or two
                # within the country (and the view).
                inside = MplPath(largest)
                spots = [
                    (cx + dx, cy + dy)
                    for dx, dy in _COUNTRY_MOVES
                    if xlim[0] < cx + dx < xlim[1]
                    and ylim[0] < cy + dy < ylim[1]
                    and inside.contains_point((cx + dx, cy + dy))
                ]
                names.append((spots or [(cx, cy)], plain(country["name"]).upper()))

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
        # The corridor's colour only: its mode's line style is said once, in the mode keys.
        handles.append(Line2D([], [], color=colors[key], lw=3, label=corridor_label(sc, key)))

    stocks = {d.place for d in sc.destinations.values()} - {depot}
    for key, p in sc.places.items():
        is_depot = key == depot
        ax.scatter(
            p.lon,
            p.lat,
            s=_marker_size(sc, key),
            marker="*" if is_depot else "s" if key in stocks else "o",
            color="black",
            zorder=4,
        )
    if stocks:
        handles.append(
            Line2D([], [], marker="s", ls="", color="black", ms=5, label="destination (own stock)")
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
    ax.set_title(title or f"{plain(sc.name)}: corridors to {_destination_names(sc)}")
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


def _destination_names(sc: Scenario) -> str:
    """The places with stock, the depot's first: "Bamako", "Bamako, Ségou and Mopti";
    beyond three, "Aldmere and 4 other destinations" (a title must fit over the map)."""
    keys = list(dict.fromkeys([sc.depot.place, *(d.place for d in sc.destinations.values())]))
    names = [place_name(sc, key) for key in keys]
    if len(names) == 1:
        return names[0]
    if len(names) > 3:
        return f"{names[0]} and {len(names) - 1} other destinations"
    return ", ".join(names[:-1]) + " and " + names[-1]


#: Where a country's name may go [degrees from the middle of its largest part], nearest
#: first: its middle, then a degree or two around it.
_COUNTRY_MOVES = sorted(
    ((dx, dy) for dx in (0, -1, 1, -2, 2) for dy in (0, -1, 1, -2, 2)),
    key=lambda d: d[0] ** 2 + d[1] ** 2,
)

#: Line styles of the legs of air and sea corridors (road legs: solid, or dashed before
#: the staging point): each style means one thing on the map and in its legend.
MODE_STYLE = {"air": "-.", "sea": ":"}
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
#: The same sides farther out, joined to the point by a leader: tried for the names that
#: must be found (depot, destinations) when no spot next to the point is free, as where
#: several roads meet.
_FAR = tuple(((3 * dx, 3 * dy), ha, va) for (dx, dy), ha, va in _OFFSETS)


def _label_map(
    ax: Axes,
    sc: Scenario,
    countries: list[tuple[list[tuple[float, float]], str]],
    everything: bool,
    places: bool,
) -> None:
    """Write place names (most important first), then country names where room is left.

    Placed at every draw, once the layout is final, in display coordinates (the legs as
    drawn, offsets and widths included): a name goes to the first spot of
    :data:`_OFFSETS` beside its point where :func:`_clash` finds nothing; with none free
    it is hidden. The depot's and the destinations' names are never hidden: they try the
    spots of :data:`_FAR` too (with a leader), then take the spot that clashes least,
    fewest legs crossed first (``everything``: every name takes its least bad spot). A
    place whose marker overlaps a more important one's is not named (:func:`_under`).
    """
    stocks = [d.place for d in sc.destinations.values()]
    key_rank = {sc.depot.place: 0, **dict.fromkeys(stocks, 1)}
    for c in sc.corridors.values():
        key_rank.setdefault(c.staging, 2)
        key_rank.setdefault(c.origin, 3)
    order = sorted(sc.places, key=lambda k: key_rank.get(k, 4)) if places else []
    names = []
    for key in order:
        p = sc.places[key]
        (dx, dy), ha, va = _OFFSETS[0]
        text = ax.annotate(
            plain(p.name or key),
            (p.lon, p.lat),
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=FONT_MIN + 1 if key == sc.depot.place else FONT_MIN,
            zorder=5,
            gid="place name",
            arrowprops=_LEADER if key_rank.get(key) in (0, 1) else None,
        )
        if text.arrow_patch is not None:
            text.arrow_patch.set_visible(False)  # shown only for a spot of _FAR
        names.append(text)
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
        for (cx, cy), name in [(where[0], name) for where, name in countries]
    ]
    lonlat = np.array([(p.lon, p.lat) for p in sc.places.values()])
    own = [list(sc.places).index(key) for key in order]
    radii = np.sqrt([_marker_size(sc, key) for key in sc.places]) / 2  # [points]

    def place(renderer: Any) -> None:
        legs = _drawn(ax)
        points = ax.transData.transform(lonlat)
        frame = ax.get_window_extent(renderer)
        placed: list[Bbox] = [
            a.get_window_extent(renderer) for a in ax.artists if a.get_gid() == "scale bar"
        ]
        kept = sum(t.arrow_patch is not None for t in names)  # ranked first
        under = set() if everything else _under(points, own, radii * ax.figure.dpi / 72, kept)
        seen = np.delete(points, sorted(under), axis=0)
        for text, k in zip(names, own, strict=True):
            text.set_visible(k not in under)
            if k in under:
                continue
            leader = text.arrow_patch is not None
            must = everything or leader
            spots = _OFFSETS + _FAR if leader else _OFFSETS
            best: tuple[tuple[int, ...], int, Bbox] | None = None
            for i, spot in enumerate(spots):
                box = _try(text, spot, renderer)
                cost = _clash(box, frame, placed, legs, seen, points[k])
                if not any(cost):
                    best = (cost, i, box)
                    break
                if must and (best is None or cost < best[0]):
                    best = (cost, i, box)
            if best is None:
                text.set_visible(False)
                continue
            _, i, box = best
            _try(text, spots[i], renderer)
            if text.arrow_patch is not None:
                text.arrow_patch.set_visible(i >= len(_OFFSETS))
            placed.append(box)
        for country, (where, _) in zip(background, countries, strict=True):
            country.set_visible(True)
            for xy in where:
                country.set_position(xy)
                box = text_box(country, renderer)
                if not any(_clash(box, frame, placed, legs, seen)):
                    placed.append(box)
                    break
            else:
                country.set_visible(False)

    at_draw_time(ax, "map labels", place)


def _marker_size(sc: Scenario, key: str) -> float:
    """A place's marker area [points²] as ``scatter`` takes it: the depot's star, a
    destination's square, a dot."""
    if key == sc.depot.place:
        return 90.0
    return 30.0 if any(d.place == key for d in sc.destinations.values()) else 14.0


def _under(points: np.ndarray, order: list[int], radii_px: np.ndarray, kept: int = 0) -> set[int]:
    """The points of ``order`` (indices into ``points``, display) whose marker (of radius
    ``radii_px``) overlaps that of a point before them in ``order`` that is itself seen:
    the two read as one (Kati under Bamako's star). Such a point is not named, and no
    name has to keep clear of it. The first ``kept`` of ``order`` (the depot and the
    destinations, always named) are never under another."""
    out: set[int] = set()
    for j, k in enumerate(order):
        ahead = [m for m in order[:j] if m not in out]
        if j < kept or not ahead:
            continue
        apart = np.hypot(*(points[ahead] - points[k]).T)
        if (apart < radii_px[ahead] + radii_px[k]).any():
            out.add(k)
    return out


#: The leader of a name written away from its point (:data:`_FAR`).
_LEADER = {"arrowstyle": "-", "lw": 0.6, "color": "#555555", "shrinkA": 1, "shrinkB": 2}


def _drawn(ax: Axes) -> list[tuple[MplPath, Bbox, float]]:
    """The legs as drawn, for :func:`_clash`: each visible line's path in display
    coordinates, its extent and half its width [pixels] (as ``_layout.crosses_line``)."""
    out = []
    for ln in ax.lines:
        if not ln.get_visible() or ln.get_linestyle() in ("None", "", " "):
            continue
        path = ln.get_transform().transform_path(ln.get_path())
        half = ln.get_linewidth() * ax.figure.dpi / 72 / 2
        out.append((path, path.get_extents(), half))
    return out


def _try(text: Any, spot: tuple, renderer: Any) -> Bbox:
    """Put ``text`` at ``spot`` (offset, alignments) of :data:`_OFFSETS`; its box there."""
    (dx, dy), ha, va = spot
    text.xyann = (dx, dy)
    text.set(horizontalalignment=ha, verticalalignment=va)
    return text_box(text, renderer)


def _clash(
    box: Bbox,
    frame: Bbox,
    placed: list[Bbox],
    legs: list[tuple[MplPath, Bbox, float]],
    points: np.ndarray,
    own: np.ndarray | None = None,
) -> tuple[int, int, int, int, int]:
    """What a name in ``box`` (display) would spoil, worst first: whether it leaves the
    axes ``frame``, how many drawn legs cross it, how many names and points it covers,
    and (given the name's ``own`` point) whether another point is nearer to it.

    With a margin of 2 pixels, as :func:`._layout.is_free`; all zero: the spot is free.
    """
    outside = not (
        frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
    )
    grown = padded(box, 2.0)
    crossing = sum(
        path.intersects_bbox(padded(grown, half), filled=False)
        for path, extent, half in legs
        if padded(extent, half).overlaps(grown)
    )
    names = sum(grown.overlaps(other) for other in placed)
    x, y = points[:, 0], points[:, 1]
    near = padded(grown, 2.0)  # as covers_point
    inside = (x >= near.x0) & (x <= near.x1) & (y >= near.y0) & (y <= near.y1)
    nearer = 0
    if own is not None:
        inside &= (x != own[0]) | (y != own[1])  # its own point is beside it, not under it
        gap = np.hypot(
            np.maximum.reduce([box.x0 - x, np.zeros_like(x), x - box.x1]),
            np.maximum.reduce([box.y0 - y, np.zeros_like(y), y - box.y1]),
        )
        mine = np.hypot(
            max(box.x0 - own[0], 0, own[0] - box.x1), max(box.y0 - own[1], 0, own[1] - box.y1)
        )
        nearer = int((gap < mine - 1e-6).any())
    return int(outside), crossing, names, int(inside.sum()), nearer


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
