"""Report section "Distributions": four metrics across replications."""

from __future__ import annotations

from ..labels import COVER_DEFINITION
from ._common import Context
from .html import Html, figure, join, tag


def section_distributions(ctx: Context) -> Html:
    """Four metrics across replications: losses, deliveries, shortfall, cover."""
    n = ctx.ensemble.n
    note = f" across {n} replications; black line: median, grey band: 90 % interval."
    return join(
        [
            tag(
                "div",
                join(
                    [
                        figure(
                            ctx.images["lost"],
                            "Distribution of tankers lost",
                            "Tankers lost (destroyed + captured) [tankers]" + note,
                            "fig-lost",
                        ),
                        figure(
                            ctx.images["delivered"],
                            "Distribution of fuel delivered",
                            "Fuel delivered to the depot over the horizon [ML]" + note,
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
                            "Lowest days of cover over the horizon [days] "
                            f"({COVER_DEFINITION})" + note,
                            "fig-min-cover",
                        ),
                    ]
                ),
                cls="grid2",
            )
        ]
    )
