"""Placing text where it stays readable: measured boxes, free spots, a figure that fits.

Labels are placed at draw time, once the layout is final (:class:`DrawTimeLayout`), against
what is drawn: other labels, lines (a label struck through by a line is unreadable) and
markers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

#: The smallest font size [pt] any plot writes: 7 pt on a screen at 90 dpi is a smudge.
FONT_MIN = 8.0


def fit_figure(ax: Axes, layout: Literal["constrained", "compressed"] = "constrained") -> None:
    """Give ``ax``'s figure a layout engine if it has none, so what is drawn outside the axes
    (a legend beside them, a key under them) gets room and is not clipped.

    A user's ``plt.subplots()`` has no layout engine; constrained layout is the one the
    plots are designed for ("compressed" for a map, whose aspect is fixed: constrained
    layout leaves a fixed-aspect axes' legend outside the figure until a second draw). A
    figure that has a layout engine keeps it.
    """
    fig = ax.get_figure(root=True)
    if fig is not None and fig.get_layout_engine() is None:
        fig.set_layout_engine(layout)


def text_box(text: Text, renderer: Any) -> Bbox:
    """The box of a text's letters (its frame if it has one), never its leader line.

    ``Annotation.get_window_extent`` holds the arrow too, which reaches the point labelled.
    """
    if isinstance(text, Annotation):
        text.update_positions(renderer)  # where its offset puts it, as a draw would
    patch = text.get_bbox_patch()
    if patch is not None:
        return patch.get_window_extent(renderer)
    return Text.get_window_extent(text, renderer)


def padded(box: Bbox, pixels: float) -> Bbox:
    return Bbox.from_extents(box.x0 - pixels, box.y0 - pixels, box.x1 + pixels, box.y1 + pixels)


def crosses_line(box: Bbox, lines: Iterable[Line2D]) -> bool:
    """Whether any of ``lines`` (visible, drawn with a line style) passes through ``box``.

    The line's width counts: the box is grown by half of it.
    """
    for ln in lines:
        if not ln.get_visible() or ln.get_linestyle() in ("None", "", " "):
            continue
        path = ln.get_transform().transform_path(ln.get_path())
        half = ln.get_linewidth() * ln.figure.dpi / 72 / 2 if ln.figure else 1.0
        if path.intersects_bbox(padded(box, half), filled=False):
            return True
    return False


def covers_point(box: Bbox, points: np.ndarray, pixels: float = 2.0) -> bool:
    """Whether ``box`` (display) holds any of ``points`` (display, shape (n, 2))."""
    if len(points) == 0:
        return False
    b = padded(box, pixels)
    x, y = points[:, 0], points[:, 1]
    return bool(((x >= b.x0) & (x <= b.x1) & (y >= b.y0) & (y <= b.y1)).any())


def is_free(
    box: Bbox,
    placed: Sequence[Bbox],
    lines: Iterable[Line2D] = (),
    points: np.ndarray | None = None,
) -> bool:
    """``box`` overlaps no box of ``placed``, no line of ``lines``, no point of ``points``.

    With a margin of 2 pixels: a layout that moves a little when the figure is saved at
    another size must not bring a label onto a line.
    """
    box = padded(box, 2.0)
    if any(box.overlaps(other) for other in placed):
        return False
    if crosses_line(box, lines):
        return False
    return points is None or not covers_point(box, points)


def reserve_above(ax: Axes, height_pt: float) -> Any:
    """An empty, invisible strip ``height_pt`` tall on top of ``ax``, made its child axes.

    Matplotlib places a title above its axes' children and constrained layout makes room
    for them, so marks drawn in that strip stay clear of any title, including one the
    caller sets later with a plain ``ax.set_title``. Returns the strip (one per axes).
    """
    for child in ax.child_axes:
        if child.get_gid() == "room above":
            return child

    def locate(_: object, __: object) -> Bbox:
        fig = ax.get_figure(root=False)
        assert fig is not None
        box = ax.get_position(original=False)
        height = height_pt / 72 * fig.dpi / fig.bbox.height
        return Bbox.from_bounds(box.x0, box.y1, box.width, height)

    strip = ax.inset_axes((0.0, 1.0, 1.0, 0.05))
    strip.set_axes_locator(locate)
    strip.set_axis_off()
    strip.set_navigate(False)
    strip.set_gid("room above")
    return strip


class DrawTimeLayout(Artist):
    """An invisible artist, drawn first on its axes, that places labels at every draw.

    Placement waits for the draw because only then is the layout final: a plot drawn on a
    user's subplot is resized when the next subplot is drawn, when a title is set, when the
    figure is saved at another size. ``place(renderer)`` moves or hides labels before
    they are drawn (matplotlib places an axes title during its draw the same way).
    """

    def __init__(self, place: Callable[[Any], None]) -> None:
        super().__init__()
        self._place = place
        self.set_zorder(-1e6)
        self.set_in_layout(False)

    def draw(self, renderer: Any) -> None:
        if self.get_visible():
            self._place(renderer)
        self.stale = False


def at_draw_time(ax: Axes, gid: str, place: Callable[[Any], None]) -> None:
    """Run ``place(renderer)`` at every draw of ``ax``, before its texts are drawn (once
    per ``gid``: a second call replaces the first)."""
    for artist in list(ax.artists):
        if artist.get_gid() == gid:
            artist.remove()
    layout = DrawTimeLayout(place)
    layout.set_gid(gid)
    ax.add_artist(layout)
