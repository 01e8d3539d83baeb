"""Report section "A typical run": the representative replication, its timeline and map."""

from __future__ import annotations

from ..labels import format_date
from ._common import Context, _same
from .html import Html, figure, join, tag


def typical_run_title(replication: int) -> str:
    """The heading of the section: ``A typical run (replication 116)``."""
    return f"A typical run (replication {replication})"


def section_replication(ctx: Context) -> Html:
    """The representative replication: what happened in it, its timeline and map."""
    ens, k = ctx.ensemble, ctx.replication
    s = ctx.run.summary(ctx.destination)
    v = ctx.vocab
    record = ens.replications_at(ctx.destination)
    seed = ens.replication_inputs(k)[1]
    reproduced = all(
        _same(s[m], record.loc[k, m])
        for m in ("delivered_l", "tankers_lost", "attacks", "days_with_shortfall")
    )
    text: list[object] = [
        f"The convoy timeline and the map show a typical run: replication {k}, the one "
        f"closest to the ensemble's medians of delivered {v.commodity}, {v.vehicles} lost, "
        "attacks, days "
        "with shortfall and minimum cover (smallest sum of distances of its percentile "
        "ranks from 50 %). It is re-run here with ",
        tag(
            "code",
            f"simfuel.run(*ensemble.replication_inputs({k})), that is simfuel.run(scenario, "
            f"seed=numpy.random.SeedSequence({seed.entropy}, spawn_key={tuple(seed.spawn_key)}))",
        ),
        ", the stream the ensemble gave it. In it: "
        f"{ctx.amount(s['delivered_l'])} {ctx.unit} delivered, {s['tankers_lost']:,} "
        f"{v.vehicles} lost in "
        f"{s['attacks']:,} attacks on {s['convoys']:,} convoys, "
        f"{s['days_with_shortfall']} days with shortfall, first rationing "
        f"{format_date(s['first_rationing'])}, first stock-out {format_date(s['first_stockout'])}.",
    ]
    parts: list[object] = [tag("p", join(text))]
    if not reproduced:
        parts.append(
            tag(
                "p",
                "Warning: the re-run differs from the ensemble's record of this replication "
                "(was the ensemble run with another version of simfuel?).",
                cls="warn",
            )
        )
    every = ctx.sc.vocabulary  # the figures show every corridor, in the scenario's words
    parts += [
        figure(
            ctx.images["timeline"],
            f"Convoy timeline of a typical run (replication {k})",
            "Each bar is a convoy from its departure at the staging point to its arrival "
            "at the depot or its loss (time axis: dates); one lane per corridor, convoys "
            "spread over thin rows; colour: escort kind. Red crosses: attacks, labelled "
            f"with the {every.vehicles} lost [{every.vehicles}] when 5 or more.",
            "fig-timeline",
        ),
        figure(
            ctx.images["map"],
            f"Map of the corridors with the attacks of a typical run (replication {k})",
            "Corridors on country outlines (longitude/latitude [°]); solid from the staging "
            "point on (the threatened part), thicker where the leg's risk weight is higher; "
            "dashed before it. Red circles: the replication's attacks, placed at the middle "
            f"of their leg (the model knows the leg, not the point), sized by {every.vehicles} "
            "lost. Air corridors dash-dotted and sea routes dotted (straight lines, not "
            "roads); the depot a star, the other destinations squares. "
            "Country outlines: Natural Earth.",
            "fig-map",
        ),
    ]
    return join(parts)
