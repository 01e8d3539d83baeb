"""Colours shared by every plot, so a corridor looks the same everywhere; labels made safe to draw.

What a metric is called and in what unit comes from :mod:`simfuel.labels`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import matplotlib.dates as mdates

from ..labels import FUEL, Label, Vocabulary, daily_label, summary_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..scenario import Scenario

# ColorBrewer Dark2: distinct on screen and in print, colour-blind tolerant for 5-6 hues.
CORRIDOR_PALETTE = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#666666",
)
#: The bar colour of each ``escort_kind`` a convoy of the shipped kinds can have (its
#: forces' kinds, ``+``-joined in alphabetical order): browns for ground, blues for air,
#: purples for both; none of them a corridor's colour. Named by
#: :func:`simfuel.labels.escort_kind_label`.
ESCORT_COLORS = {
    "none": "#9e9e9e",
    "ground": "#8c510a",
    "air": "#2166ac",
    "air_hourly": "#67a9cf",
    "air+air_hourly": "#053061",
    "air+ground": "#762a83",
    "air_hourly+ground": "#c2a5cf",
    "air+air_hourly+ground": "#40004b",
}
#: Convoys of an escort kind not in ESCORT_COLORS (a kind a user registered, or a mix
#: with one): a colour of no corridor and no shipped kind.
OTHER_ESCORT_COLOR = "#35978f"
ATTACK_COLOR = "#d7301f"
BAND_COLOR = "#3b6ea8"


def plain(text: object) -> str:
    """``text`` to be drawn as written, never parsed as matplotlib mathtext.

    Matplotlib reads a string with a pair of ``$`` as mathtext: a scenario, corridor or
    place named ``$\\foo$`` would stop the drawing with a parse error (and ``$x$`` would be
    typeset). Every ``$`` is escaped; matplotlib draws ``\\$`` as a plain ``$``. Scenario
    text (names, ids, notes, dotted paths) goes through this before it reaches a label.
    """
    return str(text).replace("$", r"\$")


def metric_label(
    metric: str, *, daily: bool = False, vocab: Vocabulary = FUEL, place: str | None = None
) -> Label:
    """The :class:`simfuel.labels.Label` of a summary metric (or, ``daily``, a daily field).

    Its ``label`` is safe to draw (see :func:`plain`): a metric not known to
    :mod:`simfuel.labels` is named after itself, and that name may hold a ``$``. ``vocab``
    (a scenario's :attr:`~simfuel.Scenario.vocabulary`) puts it in the scenario's words;
    ``place``, the display name of a place with stock other than the main destination
    (:func:`place_name`), at that place (``Mopti stock``).
    """
    lab = (daily_label if daily else summary_label)(metric, vocab, place)
    return replace(lab, label=plain(lab.label))


def axis_label(
    metric: str, *, daily: bool = False, vocab: Vocabulary = FUEL, place: str | None = None
) -> str:
    """Axis label with the unit in brackets, e.g. ``depot stock [ML]``, ``Mopti stock [ML]``."""
    return metric_label(metric, daily=daily, vocab=vocab, place=place).axis


def stock_place_name(scenario: Scenario, key: str | None) -> str | None:
    """The display name of a place with stock for :func:`metric_label`'s ``place``.

    None for the main destination (``key`` None, as
    :func:`simfuel.ensemble.destinations.resolve_destination` gives it): its labels speak
    of the depot.
    """
    if key is None:
        return None
    place = scenario.places.get(key)
    return (place.name or key) if place is not None else key


def place_name(scenario: Scenario, key: str) -> str:
    """A place's display name (its ``name``, else its key), safe for a label."""
    place = scenario.places.get(key)
    return plain((place.name or key) if place is not None else key)


def corridor_colors(scenario: Scenario) -> dict[str, str]:
    """One colour per corridor, by its position in the scenario (stable across plots)."""
    return {
        key: CORRIDOR_PALETTE[i % len(CORRIDOR_PALETTE)] for i, key in enumerate(scenario.corridors)
    }


def corridor_label(scenario: Scenario, key: str) -> str:
    """A corridor's display name (its ``name``, else its key), safe for a label."""
    return plain(scenario.corridors[key].name or key)


def get_ax(
    ax: Axes | None, figsize: tuple[float, float] = (10, 5), layout: str = "constrained"
) -> Axes:
    """The axes to draw on: ``ax``, or new ones on a new figure with ``layout``."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # here: importing simfuel.plot must not start pyplot

    _, new = plt.subplots(figsize=figsize, layout=layout)
    return new


def format_dates(ax: Axes) -> None:
    """Concise date ticks on the x axis."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def hours_to_num(start: dt.date, hours: Any) -> Any:
    """Hours from the start of ``start`` as matplotlib date numbers."""
    return mdates.date2num(dt.datetime.combine(start, dt.time())) + hours / 24.0
