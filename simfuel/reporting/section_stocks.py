"""Report section on a destination's stock: fan charts of cover and stock, rationing, stock-outs."""

from __future__ import annotations

from ..labels import COVER_DEFINITION
from ._common import Context
from .html import Html, figure, join


def section_stocks(ctx: Context) -> Html:
    """Fan charts of days of cover and of stock; shares rationing and out of stock."""
    ens = ctx.ensemble
    unit, place = ctx.unit, ctx.place_name
    marks = (
        "Dotted vertical lines mark the timeline (blockade declared, escort changes, "
        "import contracts); red triangles at the bottom are the reported attacks replayed "
        f"in every replication, with the {ctx.vocab.vehicles} they cost."
    )
    return join(
        [
            figure(
                ctx.images["cover"],
                "Fan chart of days of cover",
                f"Days of cover in {place} [days]: {COVER_DEFINITION}. "
                "Median (line), 50 % and 90 % bands "
                f"across {ens.n} replications; dashed: the rationing threshold [days]. " + marks,
                "fig-cover",
            ),
            figure(
                ctx.images["stock"],
                "Fan chart of the depot stock"
                if ctx.destination is None
                else f"Fan chart of the stock in {place}",
                f"Stock in {'the depot' if ctx.destination is None else place} [{unit}], "
                "strategic reserve excluded until released; "
                f"median, 50 % and 90 % bands across {ens.n} replications; dashed: the "
                f"stock at the rationing threshold [{unit}]. " + marks,
                "fig-stock",
            ),
            figure(
                ctx.images["probability"],
                "Share of replications rationing or out of stock",
                "Share of replications [%] with rationing in force on each day, with a "
                "stock-out on each day, and with a stock-out on any day up to each date "
                "(the probability of a stock-out by that date).",
                "fig-probability",
            ),
        ]
    )
