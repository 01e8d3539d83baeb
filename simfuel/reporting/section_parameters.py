"""Report section "Parameters": main figures, corridors, legs, events, the scenario as YAML."""

from __future__ import annotations

from ..labels import describe_event, event_corridors, format_number, format_share
from ..scenario import Scenario, to_yaml
from ._common import Context, _corridors, _delay, _forces, _place, _with_source
from .html import Html, details, esc, join, table, tag


def section_parameters(ctx: Context, source: tuple[str, str] | None) -> Html:
    """Main parameters, corridors and legs, the timeline of events, the scenario as YAML."""
    sc = ctx.sc
    d, t, r = sc.depot, sc.threat, sc.rationing
    demand = sc.demand
    unit, amount = ctx.unit, ctx.amount
    params = [
        ("Calendar", "start – end", f"{sc.start} – {sc.end}", f"{sc.horizon_days} days"),
        ("Depot", "capacity", amount(d.capacity_l), unit),
        ("Depot", "initial stock", amount(d.initial_stock_l), unit),
        ("Depot", "strategic reserve", amount(d.reserve_l), unit),
        ("Depot", "reserve released below", f"{d.reserve_release_days:g}", "days of cover"),
        (
            "Demand",
            "demand",
            amount(demand.demand_l_per_day, 2),
            f"{unit}/day",
        ),
        ("Demand", "day-to-day variation (CV)", f"{demand.cv:g}", "–"),
        ("Rationing", "rationing below", f"{r.threshold_days:g}", "days of cover"),
        ("Rationing", "share of demand served", format_share(r.served_fraction), ""),
        ("Threat", "hazard", f"{t.hazard_per_100km:g}", "attacks per 100 km at intensity 1"),
        (
            "Threat",
            "mean share of an unescorted convoy lost",
            format_share(t.loss_fraction_mean),
            "",
        ),
        ("Threat", "loss concentration (Beta a + b)", f"{t.loss_fraction_concentration:g}", "–"),
        ("Threat", "share of losses captured", format_share(t.capture_fraction), ""),
        ("Threat", "delay after an attack", _delay(t.attack_delay_h), ""),
        (
            "Threat",
            "chance an attacked convoy turns back",
            format_share(t.turn_back_probability),
            "",
        ),
    ]
    sources = {"Depot": d.source, "Demand": demand.source}
    rows = [
        [
            group,
            _with_source(name, sources.get(group) if name.startswith(("cap", "dem")) else None),
            value,
            unit,
        ]
        for group, name, value, unit in params
    ]
    parts: list[object] = [
        tag("h3", "Main parameters"),
        table(
            ["part", "parameter", "value", "unit"],
            rows,
            numeric=(2,),
            caption="A leg of length L is attacked with probability "
            "1 − exp(−hazard × intensity × risk × deterrence × L / 100).",
        ),
    ]

    crows = []
    for key, c in sc.corridors.items():
        p = c.escort_policy
        policy = (
            f"{_forces(sc, p.forces)}"
            + (
                f" (required, {p.min_size}–{p.max_size} {sc.vocabulary.vehicles})"
                if p.required
                else ""
            )
            if p.forces
            else f"none (groups of up to {p.max_size})"
        )
        crows.append(
            [
                c.name or key,
                _delay(c.border_delay_h),
                f"{c.dispatches_per_day}",
                f"{c.blockade_intensity:g}",
                policy,
            ]
        )
    parts += [
        tag("h3", "Corridors at the start"),
        table(
            [
                "corridor",
                "border delay",
                "dispatches/day",
                "blockade intensity",
                "escort policy",
            ],
            crows,
            numeric=(2, 3),
            cls="first-wide nowrap-2",
        ),
    ]
    legs = []
    for key, c in sc.corridors.items():
        staged = False
        lrows = []
        for leg in c.legs:
            staged = staged or leg.from_ == c.staging
            lrows.append(
                [
                    _with_source(_place(sc, leg.from_), leg.source),
                    _place(sc, leg.to),
                    format_number(leg.length_km),
                    f"{leg.speed_kmh:g}",
                    f"{leg.risk:g}" if staged else "– (before staging)",
                ]
            )
        legs.append(
            table(
                ["from", "to", "length [km]", "speed [km/h]", "risk weight"],
                lrows,
                numeric=(2, 3, 4),
                caption=f"{c.name or key} ({key})",
            )
        )
    parts.append(details("Legs of every corridor", join(legs)))

    parts += [tag("h3", "Timeline of events"), _events_table(sc)]

    scenario_yaml = to_yaml(
        # exclude_unset: what the file (and its extends chain) set; defaults stay implicit,
        # so the text loads again with simfuel.load_scenario.
        sc.model_dump(mode="json", by_alias=True, exclude_unset=True),
        flow_leaves=True,  # leaves (places, legs, events) on one line each
        width=110,
    )
    parts.append(
        details(
            "Full scenario as YAML (extends resolved; loads with simfuel.load_scenario)",
            tag("pre", tag("code", scenario_yaml)),
        )
    )
    if source is not None:
        name, text = source
        parts.append(
            details(
                f"Scenario file as written, with its comments: {name}",
                tag("pre", tag("code", text)),
            )
        )
    return join(parts)


def _where(ev: object, sc: Scenario) -> str:
    """What an event with no corridors concerns: its place, else the whole scenario."""
    place = getattr(ev, "place", None)
    return _place(sc, place) if place else "everywhere"


def _events_table(sc: Scenario) -> Html:
    if not sc.events:
        return tag("p", "No dated events: the initial settings hold throughout.", cls="note")
    rows = []
    for ev in sorted(sc.events, key=lambda e: e.date):
        keys = event_corridors(ev, sc)
        where = _corridors(sc, keys) if keys else esc(_where(ev, sc))
        note = join(
            [
                esc(ev.note or ""),
                tag("span", f"Source: {ev.source}", cls="src") if ev.source else "",
            ]
        )
        kind = join(
            [
                tag("strong", ev.type.replace("_", " ")),
                tag("span", ev.id, cls="src") if ev.id else "",
            ]
        )
        rows.append([ev.date.isoformat(), kind, describe_event(ev, sc), where, note])
    return table(
        ["date", "event", "what", "corridors", "note and source"],
        rows,
        caption="Every event takes effect at 00:00 on its date. Reported attacks are replayed "
        "in every replication; the hazard stands for the background of smaller attacks.",
        cls="events",
    )
