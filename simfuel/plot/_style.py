"""Colours, labels and units shared by every plot, so a corridor looks the same everywhere."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import matplotlib.dates as mdates

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
ESCORT_COLORS = {
    "none": "#9e9e9e",
    "ground": "#8c510a",
    "air": "#2166ac",
    "air+ground": "#762a83",
}
ATTACK_COLOR = "#d7301f"
BAND_COLOR = "#3b6ea8"

# metric -> (label, unit shown, divisor)
_METRICS: dict[str, tuple[str, str, float]] = {
    "stock_l": ("depot stock", "ML", 1e6),
    "days_of_cover": ("days of cover", "days", 1.0),
    "demand_l": ("demand", "ML/day", 1e6),
    "served_l": ("fuel served", "ML/day", 1e6),
    "shortfall_l": ("demand not served", "ML/day", 1e6),
    "loaded_l": ("loaded", "ML/day", 1e6),
    "arrived_l": ("arrived at the depot", "ML/day", 1e6),
    "delivered_l": ("delivered", "ML", 1e6),
    "destroyed_l": ("destroyed", "ML", 1e6),
    "captured_l": ("captured", "ML", 1e6),
    "in_transit_l": ("on the road", "ML", 1e6),
    "queued_l": ("queued", "ML", 1e6),
    "tankers_waiting": ("tankers waiting at staging points", "tankers", 1.0),
    "tankers_waiting_unload": ("tankers waiting to unload", "tankers", 1.0),
    "reserve_l": ("strategic reserve left", "ML", 1e6),
    "rationing": ("rationing in force", "share", 1.0),
    "stockout": ("stock-out", "share", 1.0),
    "tankers_lost": ("tankers lost", "tankers", 1.0),
    "tankers_destroyed": ("tankers destroyed", "tankers", 1.0),
    "tankers_captured": ("tankers captured", "tankers", 1.0),
    "attacks": ("attacks", "attacks", 1.0),
    "convoys": ("convoys", "convoys", 1.0),
    "days_with_shortfall": ("days with shortfall", "days", 1.0),
    "min_days_of_cover": ("minimum cover", "days", 1.0),
    "final_stock_l": ("final stock", "ML", 1e6),
    "mean_escort_wait_h": ("mean escort wait", "h", 1.0),
}


def plain(text: object) -> str:
    """``text`` to be drawn as written, never parsed as matplotlib mathtext.

    Matplotlib reads a string with a pair of ``$`` as mathtext: a scenario, corridor or
    place named ``$\\foo$`` would stop the drawing with a parse error (and ``$x$`` would be
    typeset). Every ``$`` is escaped; matplotlib draws ``\\$`` as a plain ``$``. Scenario
    text (names, ids, notes, dotted paths) goes through this before it reaches a label.
    """
    return str(text).replace("$", r"\$")


def metric_info(metric: str) -> tuple[str, str, float]:
    """``(label, unit, divisor)`` for a metric; litres are shown in megalitres (ML)."""
    if metric in _METRICS:
        return _METRICS[metric]
    if metric.endswith("_l"):
        return (plain(metric[:-2].replace("_", " ")), "ML", 1e6)
    return (plain(metric.replace("_", " ")), "", 1.0)


def axis_label(metric: str) -> str:
    """Axis label with the unit in brackets, e.g. ``Bamako stock [ML]``."""
    label, unit, _ = metric_info(metric)
    return f"{label} [{unit}]" if unit else label


def corridor_colors(scenario: Scenario) -> dict[str, str]:
    """One colour per corridor, by its position in the scenario (stable across plots)."""
    return {
        key: CORRIDOR_PALETTE[i % len(CORRIDOR_PALETTE)] for i, key in enumerate(scenario.corridors)
    }


def corridor_label(scenario: Scenario, key: str) -> str:
    """A corridor's display name (its ``name``, else its key), safe for a label."""
    return plain(scenario.corridors[key].name or key)


def get_ax(ax: Axes | None, figsize: tuple[float, float] = (10, 5)) -> Axes:
    """The axes to draw on: ``ax``, or new ones on a new figure."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # here: importing simfuel.plot must not start pyplot

    _, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


def format_dates(ax: Axes) -> None:
    """Concise date ticks on the x axis."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def hours_to_num(start: dt.date, hours: Any) -> Any:
    """Hours from the start of ``start`` as matplotlib date numbers."""
    return mdates.date2num(dt.datetime.combine(start, dt.time())) + hours / 24.0
