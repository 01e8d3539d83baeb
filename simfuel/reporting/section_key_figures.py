"""Report section "Key figures": median and 90 % interval of the main metrics, and all metrics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..results import SUMMARY_METRICS
from ._common import Context, _dated, _ml, _num, _pct
from .html import Html, details, esc, join, table, tag


@dataclass(frozen=True)
class _KeyFigure:
    metric: str
    label: str
    unit: str
    digits: int
    scale: float = 1.0


_KEY_FIGURES = (
    _KeyFigure("delivered_l", "Fuel delivered to the depot", "ML", 1, 1e6),
    _KeyFigure("tankers_lost", "Tankers lost", "tankers", 0),
    _KeyFigure("attacks", "Attacks on convoys", "attacks", 0),
    _KeyFigure("days_with_shortfall", "Days with shortfall", "days", 0),
    _KeyFigure("min_days_of_cover", "Minimum cover", "days", 1),
)


_LABELS: dict[str, tuple[str, str, int, float]] = {
    "loaded_l": ("loaded at the origins", "ML", 1, 1e6),
    "delivered_l": ("delivered to the depot", "ML", 1, 1e6),
    "destroyed_l": ("destroyed", "ML", 1, 1e6),
    "captured_l": ("captured", "ML", 1, 1e6),
    "tankers_lost": ("tankers lost (destroyed + captured)", "tankers", 0, 1.0),
    "tankers_destroyed": ("tankers destroyed", "tankers", 0, 1.0),
    "tankers_captured": ("tankers captured", "tankers", 0, 1.0),
    "attacks": ("attacks", "attacks", 0, 1.0),
    "convoys": ("convoys", "convoys", 0, 1.0),
    "days_with_shortfall": ("days with shortfall", "days", 0, 1.0),
    "shortfall_l": ("demand not served", "ML", 1, 1e6),
    "first_rationing": ("first day of rationing", "date", 0, 1.0),
    "first_stockout": ("first day of stock-out", "date", 0, 1.0),
    "min_days_of_cover": ("minimum days of cover", "days", 1, 1.0),
    "final_stock_l": ("final stock", "ML", 1, 1e6),
    "mean_escort_wait_h": ("mean escort wait (escorted convoys)", "h", 1, 1.0),
}


def section_key_figures(ctx: Context) -> Html:
    """Cards of the main metrics (median, 90 % interval) and the table of all metrics."""
    ens, sc = ctx.ensemble, ctx.sc
    stats: dict[Any, dict[Any, Any]] = ens.summary_table().to_dict(orient="index")
    cards = []
    for kf in _KEY_FIGURES:
        row = stats[kf.metric]
        value = join(
            [
                _num(row["median"] / kf.scale, kf.digits),
                " ",
                tag("span", kf.unit, cls="unit"),
            ]
        )
        rng = (
            f"90 % interval {_num(row['low'] / kf.scale, kf.digits)} – "
            f"{_num(row['high'] / kf.scale, kf.digits)} {kf.unit}"
        )
        extra = ""
        if kf.metric == "days_with_shortfall":
            extra = f"out of {sc.horizon_days} days"
        elif kf.metric == "delivered_l":
            extra = f"demand at the start: {_ml(sc.demand.demand_l_per_day, 2)} ML/day"
        cards.append(_card(kf.metric, kf.label, value, rng, extra))
    for metric, label in (
        ("first_rationing", "First day of rationing"),
        ("first_stockout", "First stock-out"),
    ):
        row = stats[metric]
        never = float(row["share_never"])
        happened = ens.n - round(never * ens.n)
        if _dated(row["median"]) == "never":
            value = esc("never")
            rng = f"in none of the {ens.n} replications"
        else:
            value = esc(_dated(row["median"]))
            rng = f"90 % interval {_dated(row['low'])} – {_dated(row['high'])}"
        extra = f"never in {_pct(never)} of replications ({ens.n - happened} of {ens.n})"
        if 0 < happened < ens.n:
            extra += f"; dates among the {happened} where it happened"
        cards.append(_card(metric, label, value, rng, extra))

    parts: list[object] = [
        tag(
            "p",
            f"Median and 90 % interval (5th to 95th percentile) across {ens.n} "
            f"replications of {sc.start} – {sc.end}. Litres in megalitres (ML = 1,000,000 L). "
            "A day with shortfall is a day when less than full demand was served; a "
            "stock-out day is one when even the rationed demand could not be served.",
        ),
        tag("div", join(cards), cls="cards"),
    ]

    rows = []
    ids = []
    run_summary = ctx.run.summary()
    for metric in SUMMARY_METRICS:
        label, unit, digits, scale = _LABELS[metric]
        row = stats[metric]
        if unit == "date":
            cells = [_dated(row["median"]), _dated(row["low"]), _dated(row["high"])]
            never_text = _pct(float(row["share_never"]))
            mine = _dated(run_summary[metric])
            unit_text = ""
        else:
            cells = [_num(row[c] / scale, digits) for c in ("median", "low", "high")]
            never_text = ""
            mine = _num(float(run_summary[metric]) / scale, digits)
            unit_text = unit
        rows.append([label, unit_text, *cells, never_text, mine])
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
                "shown in the convoy timeline and map. Dates: among replications where the "
                "event happened.",
            ),
            open_=True,
        )
    )
    return join(parts)


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
