"""Read back what a plot drew: lines, bands, markers and texts, in data units."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import Collection, PathCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox


def datenum(dates: Iterable[object]) -> np.ndarray:
    """Dates (or timestamps) as matplotlib date numbers."""
    return np.asarray(mdates.date2num(pd.to_datetime(list(dates))), dtype=float)


def line(ax: Axes, label: str) -> Line2D:
    """The one line labelled ``label``."""
    found = [ln for ln in ax.lines if ln.get_label() == label]
    assert len(found) == 1, f"{len(found)} lines labelled {label!r}: {labels(ax.lines)}"
    return found[0]


def collection(ax: Axes, label: str) -> Collection:
    """The one collection (band, scatter) labelled ``label``."""
    found = [c for c in ax.collections if c.get_label() == label]
    assert len(found) == 1, f"{len(found)} collections labelled {label!r}"
    return found[0]


def labels(artists: Iterable[object]) -> list[str]:
    return [a.get_label() for a in artists]  # type: ignore[attr-defined]


def xy(ln: Line2D) -> tuple[np.ndarray, np.ndarray]:
    """A line's points, units converted (dates as date numbers)."""
    data = ln.get_xydata()
    return np.asarray(data[:, 0], float), np.asarray(data[:, 1], float)


def band_edges(coll: Collection) -> pd.DataFrame:
    """Lower and upper edge of a ``fill_between`` polygon at each x (index: x)."""
    verts = np.concatenate([p.vertices for p in coll.get_paths()])
    return pd.DataFrame(verts, columns=["x", "y"]).groupby("x")["y"].agg(["min", "max"])


def legend_texts(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None, "no legend"
    return [t.get_text() for t in legend.get_texts()]


def texts(ax: Axes) -> list[str]:
    """Every text and annotation on the axes that a draw shows, stripped.

    Labels are placed (moved, or hidden where no place is free) at draw time: draw first.
    """
    ax.figure.canvas.draw()
    return [t.get_text().strip() for t in ax.texts if t.get_visible()]


def vertical_lines(ax: Axes, linestyle: str = ":") -> np.ndarray:
    """x of the ``axvline`` marks drawn with ``linestyle`` (sorted)."""
    xs = [
        ln.get_xdata()[0]
        for ln in ax.lines
        if ln.get_linestyle() == linestyle and np.ptp(np.asarray(ln.get_xdata(), float)) == 0
    ]
    return np.sort(np.asarray(xs, float))


def words(text: str) -> str:
    """Text with every run of whitespace (line breaks of a wrapped caption) as one space."""
    return " ".join(text.split())


def caption(ax: Axes) -> str:
    """The timeline caption under a fan chart: ``(1) 05 Jan: ...``, unwrapped."""
    found = [t.get_text() for t in ax.texts if t.get_text().startswith("(1) ")]
    assert len(found) == 1, f"{len(found)} captions"
    return words(found[0])


def texts_coloured(ax: Axes, color: str) -> list[Text]:
    """The texts of ``color`` that a draw shows."""
    ax.figure.canvas.draw()
    return [t for t in ax.texts if to_hex(t.get_color()) == color and t.get_visible()]


def letters(t: Text, renderer: object) -> Bbox:
    """A text's box once drawn: its frame if framed, else its letters (an annotation's
    own ``get_window_extent`` holds its leader line too)."""
    if isinstance(t, Annotation):
        t.update_positions(renderer)
    patch = t.get_bbox_patch()
    if patch is not None:
        return patch.get_window_extent(renderer)
    return Text.get_window_extent(t, renderer)


def overlapping(ax: Axes, items: list) -> list[tuple[str, str]]:
    """Pairs of texts shown whose boxes (or frames) overlap once drawn."""
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    items = [t for t in items if t.get_visible()]
    boxes = [letters(t, renderer) for t in items]
    return [
        (items[i].get_text(), items[j].get_text())
        for i, j in itertools.combinations(range(len(items)), 2)
        if boxes[i].overlaps(boxes[j])
    ]


def shown_texts(fig: Figure) -> list[Text]:
    """Every text a draw of ``fig`` shows (titles, ticks, legends, labels), non-empty."""
    unused = {id(label) for ax in fig.axes for label in _ticks_out_of_view(ax)}
    return [
        t
        for t in fig.findobj(Text)
        if isinstance(t, Text)
        and t.get_visible()
        and t.get_text().strip()
        and id(t) not in unused
        and _shown(t)
    ]


def _ticks_out_of_view(ax: Axes) -> list[Text]:
    """Tick labels a locator made beyond the axis' limits: never drawn."""
    out = []
    for axis in (ax.xaxis, ax.yaxis):
        lo, hi = sorted(axis.get_view_interval())
        span = hi - lo
        for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
            loc = tick.get_loc()
            if loc is None or not lo - 1e-9 * span <= loc <= hi + 1e-9 * span:
                out += [tick.label1, tick.label2]
    return out


def _shown(artist: Artist) -> bool:
    """Visible, and so are the artists holding it (a hidden axes hides its texts)."""
    a: Any = artist
    while a is not None:
        if not a.get_visible():
            return False
        a = getattr(a, "axes", None) if a is not getattr(a, "axes", None) else None
    return True


def struck(ax: Axes, items: list[Text]) -> list[str]:
    """Texts shown whose letters a visible line of ``ax`` passes through (its width counts)."""
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    out = []
    for t in items:
        if not t.get_visible():
            continue
        box = letters(t, renderer)
        for ln in ax.lines:
            if not ln.get_visible() or ln.get_linestyle() in ("None", "", " "):
                continue
            path = ln.get_transform().transform_path(ln.get_path())
            half = ln.get_linewidth() * ax.figure.dpi / 72 / 2
            grown = Bbox.from_extents(box.x0 - half, box.y0 - half, box.x1 + half, box.y1 + half)
            if path.intersects_bbox(grown, filled=False):
                out.append(f"{t.get_text()!r} by {ln.get_label()!r}")
                break
    return out


def outside_figure(fig: Figure, tolerance_px: float = 1.0) -> list[str]:
    """Texts and legends shown that reach beyond the figure's edges (cut off on screen)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    edge = fig.bbox
    out = []
    items: list[Any] = [*shown_texts(fig)]
    items += [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    for a in items:
        box = letters(a, renderer) if isinstance(a, Text) else a.get_window_extent(renderer)
        if (
            box.x0 < edge.x0 - tolerance_px
            or box.y0 < edge.y0 - tolerance_px
            or box.x1 > edge.x1 + tolerance_px
            or box.y1 > edge.y1 + tolerance_px
        ):
            out.append(a.get_text() if isinstance(a, Text) else "legend")
    return out


def legend_points(ax: Axes) -> list[tuple[float, float]]:
    """Data points (line vertices, scatter points) that the axes' legend covers."""
    legend = ax.get_legend()
    if legend is None:
        return []
    ax.figure.canvas.draw()
    box = legend.get_window_extent(ax.figure.canvas.get_renderer())
    points = [
        ln.get_transform().transform(ln.get_xydata())
        for ln in ax.lines
        if ln.get_visible() and len(ln.get_xydata())
    ]
    points += [
        c.get_offset_transform().transform(c.get_offsets())
        for c in ax.collections
        if isinstance(c, PathCollection) and c.get_visible() and len(c.get_offsets())
    ]
    if not points:
        return []
    xy = np.concatenate(points)
    inside = (xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0) & (xy[:, 1] < box.y1)
    return [tuple(p) for p in xy[inside]]
