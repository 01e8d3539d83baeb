"""Read back what a plot drew: lines, bands, markers and texts, in data units."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import Collection
from matplotlib.colors import to_hex
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
