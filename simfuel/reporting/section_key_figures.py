"""Report section "Key figures": the bottom line, the main metrics' medians and 90 % intervals."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..labels import (
    MEDIAN_DATE_RULE,
    format_date,
    format_proportion,
    format_share,
    summary_label,
)
from ..model.binomial import wilson_interval
from ..results import SUMMARY_METRICS
from ._common import Context, _place
from .html import Html, details, esc, join, table, tag

#: The metrics shown as cards, in order; their names and units come from ``simfuel.labels``.
_KEY_FIGURES = (
    "delivered_l",
    "tankers_lost",
    "attacks",
    "days_with_shortfall",
    "min_days_of_cover",
)


def section_key_figures(ctx: Context) -> Html:
    """Cards of the main metrics (median, 90 % interval) and the table of all metrics."""
    ens, sc, vocab = ctx.ensemble, ctx.sc, ctx.vocab
    table_now = ens.summary_table(destination=ctx.destination)
    stats: dict[Any, dict[Any, Any]] = table_now.to_dict(orient="index")
    demand_l = getattr(ctx.stock(), "demand", sc.demand).demand_l_per_day
    cards = []
    for metric in _KEY_FIGURES:
        lab, row = ctx.label(metric), stats[metric]
        value = join([lab.format(row["median"]), " ", tag("span", lab.unit, cls="unit")])
        rng = f"90 % interval {lab.format(row['low'])} – {lab.format(row['high'], unit=True)}"
        if lab.format(row["low"]) == lab.format(row["high"]):
            # "0.0 – 0.0 days" reads like a range; say there is none.
            rng = f"no spread: {lab.format(row['low'], unit=True)} in 90 % of replications"
        extra = ""
        if metric == "days_with_shortfall":
            extra = f"out of {sc.horizon_days} days"
        elif metric == "delivered_l":
            extra = f"demand at the start: {ctx.amount(demand_l, 2)} {ctx.unit}/day"
        cards.append(_card(metric, lab.title, value, rng, extra))
    for metric in ("first_rationing", "first_stockout"):
        label, row = ctx.label(metric).title, stats[metric]
        never = float(row["share_never"])
        happened = ens.n - round(never * ens.n)
        value = esc(format_date(row["median"]))
        if happened == 0:
            rng = f"in none of the {ens.n} replications"
        else:
            rng = f"90 % interval {format_date(row['low'])} – {format_date(row['high'])}"
        extra = f"never in {format_share(never)} of replications ({ens.n - happened} of {ens.n})"
        if 0 < happened < ens.n:
            extra += f"; {MEDIAN_DATE_RULE}"
        cards.append(_card(metric, label, value, rng, extra))

    units = " Litres in megalitres (ML = 1,000,000 L)." if vocab.shown_unit == "ML" else ""
    where = "" if ctx.destination is None else f" At {ctx.place_name}."
    parts: list[object] = [
        bottom_line(ctx),
        tag(
            "p",
            f"Median and 90 % interval (5th to 95th percentile) across {ens.n} "
            f"replications of {sc.start} – {sc.end}.{where}{units} "
            "A day with shortfall is a day when less than full demand was served; a "
            "stock-out day is one when even the rationed demand could not be served.",
        ),
        tag("div", join(cards), cls="cards"),
    ]
    if len(ens.held_destinations) > 1:  # a store of an earlier version: the main one only
        parts.append(destinations_table(ctx))

    rows = []
    ids = []
    run_summary = ctx.run.summary(ctx.destination)
    for metric in SUMMARY_METRICS:
        lab, row = ctx.label(metric), stats[metric]
        cells = [lab.format(row[c]) for c in ("median", "low", "high")]
        mine = lab.format(run_summary[metric] if lab.is_date else float(run_summary[metric]))
        never_text = format_share(float(row["share_never"])) if lab.is_date else ""
        rows.append([lab.long, "" if lab.is_date else lab.unit, *cells, never_text, mine])
        ids.append(f"metric-{metric}")
    parts.append(
        details(
            "All metrics",
            table(
                [
                    "metric",
                    "unit",
                    "median",
                    "5 %",
                    "95 %",
                    "never in",
                    f"replication {ctx.replication}",
                ],
                rows,
                numeric=(2, 3, 4, 5, 6),
                row_ids=ids,
                caption=f"Across {ens.n} replications; the last column is the replication "
                f"shown in the convoy timeline and map. Dates: {MEDIAN_DATE_RULE}.",
            ),
            open_=True,
        )
    )
    return join(parts)


def bottom_line(ctx: Context) -> Html:
    """The bottom line of the report in plain sentences, from the ensemble's own numbers.

    How often the depot ran out and when, how often rationing came, the tankers lost and
    the fuel delivered: medians with their 90 % intervals across the replications.
    """
    ens, sc, vocab = ctx.ensemble, ctx.sc, ctx.vocab
    table_now = ens.summary_table(destination=ctx.destination)
    stats: dict[Any, dict[Any, Any]] = table_now.to_dict(orient="index")
    city = ctx.place_name
    n = ens.n

    def happened(metric: str) -> tuple[int, str]:
        row = stats[metric]
        count = n - round(float(row["share_never"]) * n)
        return count, format_share(count / n)

    out_count, _ = happened("first_stockout")
    low, high = wilson_interval(out_count, n)
    row = stats["first_stockout"]
    stockout = (
        f"{city} ran out of {vocab.commodity} (a day when even rationed demand could not be "
        "served) in " + format_proportion(out_count, n, float(low), float(high))
    )
    if out_count:
        stockout += (
            f", median date {format_date(row['median'])} (90 % interval "
            f"{format_date(row['low'])} to {format_date(row['high'])})"
        )
    ration_count, ration_share = happened("first_rationing")
    rationing = (
        "rationing was never needed"
        if ration_count == 0
        else f"rationing began in {ration_share} of replications ({ration_count} of {n}), "
        f"median date {format_date(stats['first_rationing']['median'])}"
    )
    rule = f" Dates: {MEDIAN_DATE_RULE}." if out_count or ration_count else ""
    lost, delivered = summary_label("tankers_lost", vocab), summary_label("delivered_l", vocab)
    reached = "the depot" if ctx.destination is None else city
    lo, hi = stats["tankers_lost"]["low"], stats["tankers_lost"]["high"]
    d = stats["delivered_l"]
    text = (
        f"Over {sc.start} – {sc.end}, {stockout}; {rationing}.{rule} "
        f"{lost.format(stats['tankers_lost']['median'])} {vocab.vehicles} were lost "
        f"(median; 90 % interval {lost.format(lo)} to {lost.format(hi)}) and "
        f"{delivered.format(d['median'])} {delivered.unit} of {vocab.commodity} reached "
        f"{reached} (90 % interval "
        f"{delivered.format(d['low'])} to {delivered.format(d['high'], unit=True)})."
    )
    return tag("p", join([tag("strong", "Bottom line. "), text]), cls="lead", id="bottom-line")


#: Columns of the table of every destination: the summary metrics it shows, in order.
_DESTINATION_FIGURES = (
    "first_stockout",
    "first_rationing",
    "days_with_shortfall",
    "min_days_of_cover",
    "shortfall_l",
    "delivered_l",
    "tankers_lost",
)


def destinations_table(ctx: Context) -> Html:
    """Every place with stock side by side: the share that ran dry and the key medians.

    One row per place (the main destination first): the share of replications with a
    stock-out (and its 95 % Wilson interval), then the median and 90 % interval of the
    metrics of :data:`_DESTINATION_FIGURES`, each from
    :meth:`EnsembleResult.summary_table(destination=...) <simfuel.EnsembleResult.summary_table>`.
    """
    # Of every place: the scenario's words, the same on every page.
    ens, vocab, n = ctx.ensemble, ctx.sc.vocabulary, ctx.ensemble.n
    # "delivered", not "delivered to the depot": each row is its own place's.
    labels = [
        replace(lab, label=lab.label.replace(" to the depot", ""))
        for lab in (summary_label(m, vocab) for m in _DESTINATION_FIGURES)
    ]
    rows, ids = [], []
    for place in ens.held_destinations:
        stats = ens.summary_table(destination=place).to_dict(orient="index")
        never = float(stats["first_stockout"]["share_never"])
        count = n - round(never * n)
        low, high = wilson_interval(count, n)
        cells: list[object] = [
            _place(ctx.sc, place),
            format_proportion(count, n, float(low), float(high)),
        ]
        for metric, lab in zip(_DESTINATION_FIGURES, labels, strict=True):
            row = stats[metric]
            mid, lo, hi = (lab.format(row[c]) for c in ("median", "low", "high"))
            cells.append(mid if mid == lo == hi or lab.is_date else f"{mid} ({lo}–{hi})")
        rows.append(cells)
        ids.append(f"destination-{place}")
    heads = ["place", "stock-out in"] + [
        lab.label if lab.is_date or not lab.unit else f"{lab.label} [{lab.unit}]" for lab in labels
    ]
    return join(
        [
            tag("h3", "Every destination", id="destinations"),
            table(
                heads,
                rows,
                numeric=tuple(range(2, len(heads))),
                row_ids=ids,
                caption=f"Median (90 % interval) across {n} replications at each place with "
                "stock; flows, losses and convoys are those of the corridors that end there. "
                f"Dates: {MEDIAN_DATE_RULE}.",
            ),
        ]
    )


def _card(metric: str, label: str, value: Html, rng: str, extra: str) -> Html:
    return tag(
        "div",
        join(
            [
                tag("div", label, cls="label"),
                tag("div", value, cls="value"),
                tag("div", rng, cls="range"),
                tag("div", extra, cls="extra") if extra else "",
            ]
        ),
        cls="card",
        id=f"kf-{metric}",
    )
