"""Report section "Distributions": four metrics across replications."""

from __future__ import annotations

from ..labels import COVER_DEFINITION
from ._common import Context
from .html import Html, figure, join, tag


def section_distributions(ctx: Context) -> Html:
    """Four metrics across replications: losses, deliveries, shortfall, cover."""
    n = ctx.ensemble.n
    note = f" across {n} replications; black line: median, grey band: 90 % interval."
    v = ctx.vocab
    where = "the depot" if ctx.destination is None else ctx.place_name
    cover = (
        COVER_DEFINITION
        if ctx.destination is None
        else COVER_DEFINITION.replace("the depot stock", f"the stock at {ctx.place_name}")
    )
    return join(
        [
            tag(
                "div",
                join(
                    [
                        figure(
                            ctx.images["lost"],
                            f"Distribution of {v.vehicles} lost",
                            f"{v.vehicles.capitalize()} lost (destroyed + captured) "
                            f"[{v.vehicles}]" + note,
                            "fig-lost",
                        ),
                        figure(
                            ctx.images["delivered"],
                            f"Distribution of {v.commodity} delivered",
                            f"{v.commodity.capitalize()} delivered to {where} over the "
                            f"horizon [{v.shown_unit}]" + note,
                            "fig-delivered",
                        ),
                        figure(
                            ctx.images["shortfall"],
                            "Distribution of days with shortfall",
                            "Days when less than full demand was served [days]" + note,
                            "fig-shortfall",
                        ),
                        figure(
                            ctx.images["min_cover"],
                            "Distribution of the minimum days of cover",
                            f"Lowest days of cover over the horizon [days] ({cover})" + note,
                            "fig-min-cover",
                        ),
                    ]
                ),
                cls="grid2",
            )
        ]
    )
