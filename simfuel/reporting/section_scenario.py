"""Report section "Scenario": the facts of the scenario, its corridors and escort forces."""

from __future__ import annotations

from ..labels import format_hours, format_number
from ..sim.escort_kinds import ESCORT_KINDS
from ._common import Context, _place, _with_source
from .html import Html, join, table, tag


def section_scenario(ctx: Context) -> Html:
    """The scenario in facts, its corridors and its escort forces."""
    sc = ctx.sc
    # The corridors' table is of every corridor: the scenario's words, whatever the page.
    unit, v, amount = ctx.unit, ctx.sc.vocabulary, ctx.amount
    parts: list[object] = []
    if sc.description:
        parts.append(tag("p", sc.description, cls="lead"))
    depot = sc.depot
    demand = sc.demand.demand_l_per_day
    prov = ctx.ensemble.provenance
    facts = [
        # What was run, as the CLI header and summary.json say it: two reports of one
        # scenario with other --set overrides must not read the same.
        ("Scenario", prov.label),
        ("Overrides", "; ".join(prov.overrides) or "none (the scenario as written)"),
        (
            "Provenance",
            f"root seed {prov.seed_text} · scenario SHA-256 {prov.scenario_sha256[:16]} · "
            f"simfuel {prov.simfuel_version}",
        ),
        ("Horizon", f"{sc.start} to {sc.end} (both included), {sc.horizon_days} days"),
        ("Depot", f"{_place(sc, depot.place)}: capacity {amount(depot.capacity_l)} {unit}"),
        (
            "Initial stock",
            f"{amount(depot.initial_stock_l)} {unit} "
            f"({depot.initial_stock_l / demand:.1f} days of demand), "
            f"strategic reserve {amount(depot.reserve_l)} {unit} held apart",
        ),
        ("Demand", f"{amount(demand, 2)} {unit}/day at the start"),
        (
            "Network",
            f"{len(sc.corridors)} corridors · {len(sc.escorts)} escort forces · "
            f"{len(sc.events)} dated events",
        ),
    ]
    parts.append(tag("dl", join(join([tag("dt", k), tag("dd", v)]) for k, v in facts), cls="facts"))

    rows = []
    for key, c in sc.corridors.items():
        starts = [leg.from_ for leg in c.legs]
        total = sum(leg.length_km for leg in c.legs)
        threatened = sum(leg.length_km for leg in c.legs[starts.index(c.staging) :])
        hours = sum(leg.length_km / leg.speed_kmh for leg in c.legs)
        rows.append(
            [
                _with_source(c.name or key, c.source),
                # Where the corridor ends: the depot, or a destination it feeds.
                f"{_place(sc, c.origin)} → {_place(sc, c.staging)} → {_place(sc, c.legs[-1].to)}",
                format_number(total),
                format_number(threatened),
                format_hours(hours),
                format_number(c.tankers_per_day, 1 if c.tankers_per_day % 1 else 0),
                format_number(c.tanker_capacity_l),
            ]
        )
    parts.append(tag("h3", "Corridors"))
    parts.append(
        table(
            [
                "corridor",
                "route (origin → staging → depot)"
                if not sc.destinations
                else "route (origin → staging → destination)",
                "length [km]",
                "under threat [km]",
                "driving time",
                f"{v.vehicles}/day at start",
                f"{v.vehicle} load [{v.unit}]",
            ],
            rows,
            numeric=(2, 3, 4, 5, 6),
            cls="first-wide",
            caption="Under threat: from the staging point (the border) to the depot; "
            "driving time at the legs' mean convoy speeds, without border or escort waits.",
        )
    )

    parts.append(tag("h3", "Escort forces"))
    if sc.escorts:
        frows = []
        for key, f in sc.escorts.items():
            extra = ESCORT_KINDS.get(f.kind).describe(f)
            frows.append(
                [
                    _with_source(f.name or key, f.source),
                    f.kind,
                    str(f.units),
                    f"{f.deterrence:g}",
                    f"{f.protection:g}",
                    extra,
                ]
            )
        parts.append(
            table(
                ["force", "kind", "units", "deterrence", "protection", "availability"],
                frows,
                numeric=(2, 3, 4),
                caption="Deterrence multiplies the attack hazard, protection the mean share "
                "of a convoy lost when attacked (1: no effect; lower is better).",
            )
        )
    else:
        parts.append(tag("p", "No escort forces in this scenario.", cls="note"))
    return join(parts)
