"""The report's figures, drawn with :mod:`simfuel.plot` and embedded as PNG.

Figures are built as :class:`matplotlib.figure.Figure` objects, not through pyplot: they
use the Agg renderer whatever the session's backend (a Jupyter kernel keeps its own),
are never registered with pyplot, and are cleared after saving so their memory goes
at once.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..ensemble import EnsembleResult
from ..plot import (
    convoy_timeline,
    corridor_map,
    daily_shares,
    delivery_distribution,
    distribution,
    loss_distribution,
    stock_fan,
)
from ..plot._style import plain
from ..results import RunResult
from .html import Image

__all__ = ["DPI", "render", "report_figures"]

#: Resolution of the PNGs; shown at 96 dpi CSS pixels, so sharp on HiDPI screens too.
DPI = 144


def render(draw: Callable[[Axes], object], figsize: tuple[float, float]) -> Image:
    """Draw on a new Agg figure of ``figsize`` inches and return it as a PNG :class:`Image`."""
    fig = Figure(figsize=figsize, layout="constrained", facecolor="white")
    FigureCanvasAgg(fig)
    try:
        draw(fig.add_subplot())
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.08)
    finally:
        fig.clear()
    return Image.from_png(buf.getvalue(), scale=DPI / 96)


def report_figures(
    ensemble: EnsembleResult, run: RunResult, replication: int, destination: str | None = None
) -> dict[str, Image]:
    """Every figure of the report, by key.

    ``cover`` and ``stock`` (fan charts of the ensemble), ``probability`` (share of
    replications rationing / out of stock), ``timeline`` and ``map`` (the representative
    ``run``, replication ``replication``), ``lost``, ``delivered``, ``shortfall``,
    ``min_cover`` (distributions across replications). The fan charts, shares and
    distributions are of ``destination`` (a place with stock; None: the main one).
    """
    at = destination
    sc = ensemble.scenario
    name = plain(sc.name)  # the titles below are drawn as written, never as mathtext
    lanes = len(sc.corridors)
    return {
        "cover": render(
            lambda ax: stock_fan(ensemble, "days_of_cover", ax=ax, destination=at), (10.5, 5.0)
        ),
        "stock": render(
            lambda ax: stock_fan(ensemble, "stock_l", ax=ax, destination=at), (10.5, 5.0)
        ),
        "probability": render(
            lambda ax: daily_shares(ensemble, ax=ax, destination=at), (10.5, 3.6)
        ),
        "timeline": render(
            lambda ax: convoy_timeline(
                run,
                ax=ax,
                title=f"{name}: convoys by corridor, replication {replication}",
            ),
            (11.0, 1.4 + 0.9 * lanes),
        ),
        "map": render(
            lambda ax: corridor_map(
                run,
                ax=ax,
                title=f"{name}: corridors and the attacks of replication {replication}",
            ),
            (9.0, 8.0),
        ),
        "lost": render(lambda ax: loss_distribution(ensemble, ax=ax, destination=at), (7.0, 4.2)),
        "delivered": render(
            lambda ax: delivery_distribution(ensemble, ax=ax, destination=at), (7.0, 4.2)
        ),
        "shortfall": render(
            lambda ax: distribution(
                ensemble, "days_with_shortfall", ax=ax, color="#7570b3", destination=at
            ),
            (7.0, 4.2),
        ),
        "min_cover": render(
            lambda ax: distribution(
                ensemble, "min_days_of_cover", ax=ax, color="#e6ab02", destination=at
            ),
            (7.0, 4.2),
        ),
    }
