"""Sections of the decision brief (``simfuel compare``): bottom line, options, all metrics.

Every number comes from the options' ensembles through :mod:`.compare_stats`; this module
only words and lays them out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..ensemble import EnsembleResult
from ..labels import (
    FUEL,
    MEDIAN_DATE_RULE,
    Vocabulary,
    format_date,
    format_number,
    format_proportion,
    format_share,
    summary_label,
)
from ..results import SUMMARY_METRICS
from ..scenario import Scenario
from .compare_stats import (
    BOOTSTRAP_RESAMPLES,
    LEVEL,
    OptionOutcome,
    PairedDifference,
    diverging_date,
    option_outcome,
    paired_metric,
)
from .html import Html, esc, join, table, tag

__all__ = [
    "BriefNumbers",
    "brief_numbers",
    "brief_vocabulary",
    "caveat",
    "destination_name",
    "method_note",
    "section_bottom_line",
    "section_metrics",
    "section_options",
]

_PCT = f"{LEVEL * 100:.0f} %"


@dataclass(frozen=True)
class BriefNumbers:
    """The bottom line of every option and its paired differences against the first."""

    outcomes: dict[str, OptionOutcome]
    #: label -> {"stockout_happened" | "first_stockout" | "tankers_lost": difference}
    differences: dict[str, dict[str, PairedDifference]]
    #: The place with stock they are of (None: the main destination).
    destination: str | None = None


def brief_numbers(
    ensembles: Mapping[str, EnsembleResult], destination: str | None = None
) -> BriefNumbers:
    """Outcomes of every option and the paired differences of the others against the first.

    ``destination``: the place with stock they are of (default: the main destination);
    see :meth:`EnsembleResult.replications_at`.
    """
    first = next(iter(ensembles.values()))
    outcomes = {k: option_outcome(e, destination) for k, e in ensembles.items()}
    differences = {
        k: {m: paired_metric(first, e, m, destination=destination) for m in _HEADLINE}
        for k, e in list(ensembles.items())[1:]
    }
    return BriefNumbers(outcomes, differences, destination)


def brief_vocabulary(ensembles: Mapping[str, EnsembleResult]) -> Vocabulary:
    """The words and units of a brief: the reference's (``Scenario.vocabulary``).

    Food in tonnes carried by trucks reads ``supplies delivered to the depot [t]`` and
    ``trucks lost``; a fuel scenario keeps ``ML`` and ``tankers``.
    """
    return next(iter(ensembles.values())).scenario.vocabulary


def destination_name(
    ensembles: Mapping[str, EnsembleResult], destination: str | None
) -> str | None:
    """The display name of the destination a brief is about (None: the main destination).

    The main destination given by its key is the main destination: None as well.
    """
    if destination is None:
        return None
    first = next(iter(ensembles.values()))
    if destination == first.main_destination:
        return None
    place = first.scenario.places.get(destination)
    return (place.name if place is not None else None) or destination


def _at(ensembles: Mapping[str, EnsembleResult], destination: str | None) -> str:
    """`` at Mopti`` for a brief about a destination other than the main one, else ``""``."""
    name = destination_name(ensembles, destination)
    return "" if name is None else f" at {name}"


def _about(ensembles: Mapping[str, EnsembleResult], destination: str | None) -> Html | str:
    """The paragraph that says which destination every figure is of (nothing: the main)."""
    name = destination_name(ensembles, destination)
    if name is None:
        return ""
    first = next(iter(ensembles.values()))
    main = first.scenario.places.get(first.main_destination)
    main_name = (main.name if main is not None else None) or first.main_destination
    return tag(
        "p",
        join(
            [
                tag("strong", f"At {name}. "),
                f"Every figure of this brief is {name}'s: its stock, days of cover, "
                "rationing and stock-outs, and the deliveries, losses and convoys of the "
                f"corridors that end there (without a destination, the brief is of the main "
                f"destination, {main_name}).",
            ]
        ),
        cls="note",
        id="destination",
    )


_HEADLINE = ("stockout_happened", "first_stockout", "tankers_lost")


def _minus(text: str) -> str:
    return text.replace("-", "−")  # a real minus sign: a hyphen reads as a dash


def _signed(value: float, digits: int = 0) -> str:
    if pd.isna(value):
        return "n/a"
    if round(value, digits) == 0:
        value = 0.0  # no "−0"
    return _minus(f"{value:+,.{digits}f}")


def _interval(d: PairedDifference, scale: float = 1.0, digits: int = 0) -> str:
    return f"{_signed(d.low * scale, digits)} to {_signed(d.high * scale, digits)}"


def _points(d: PairedDifference) -> str:
    """A difference of probabilities in percentage points, with its interval."""
    return f"{_signed(d.estimate * 100, 1)} points ({_PCT} interval {_interval(d, 100, 1)})"


def _days(d: PairedDifference) -> str:
    """``2.5 days later on average (90 % interval +1.0 to +4.0 days)``."""
    if d.pairs == 0:
        return "n/a (no replication ran dry under both)"
    size = abs(round(d.estimate, 1))
    when = (
        "on the same day"
        if size == 0
        else f"{size:.1f} days " + ("later" if d.estimate > 0 else "earlier")
    )
    return f"{when} on average ({_PCT} interval {_interval(d, 1, 1)} days)"


def _tankers(d: PairedDifference, vocab: Vocabulary = FUEL) -> str:
    return f"{_signed(d.estimate)} {vocab.vehicles} ({_PCT} interval {_interval(d)})"


def _median_date(o: OptionOutcome) -> str:
    """The median over all replications (``never`` when more than half never ran dry)."""
    if o.stockouts == 0:
        return "no stock-out"
    return format_date(o.median_stockout)


def caveat(ensembles: Mapping[str, EnsembleResult]) -> Html:
    """The assumptions caveat, shown at the top of the brief."""
    return tag(
        "div",
        join(
            [
                tag("strong", "Read this first. "),
                "Many parameters of these scenarios are assumptions (each scenario's "
                "parameters name their sources and notes): the simulation is a model of "
                "the mechanism, not a measurement or a forecast. Compare the options with "
                "each other rather than read any one number as what will happen; a "
                "difference that an assumption shared by every option drives is as "
                "uncertain as that assumption.",
            ]
        ),
        cls="caveat",
        role="note",
        id="caveat",
    )


def method_note(ensembles: Mapping[str, EnsembleResult]) -> Html:
    """How the paired differences and their intervals are computed."""
    first_label, first = next(iter(ensembles.items()))
    return tag(
        "p",
        f"Every option ran the same {first.n} replications: replication i of every option "
        f"runs on the same seed (child i of root seed {first.seed_entropy}; common random "
        "numbers), so two options' i-th replications differ by the options, not by luck. "
        f"A difference is the option minus {first_label}, replication by replication; "
        f"shown is its mean with a {_PCT} interval from a paired bootstrap of the mean "
        f"difference ({BOOTSTRAP_RESAMPLES:,} resamples of the replications, the same "
        "replications for both options; 5th to 95th percentile of the resampled means). "
        "The interval says how well the replications pin the mean down; the spread of the "
        "differences themselves is in the table of all metrics. A stock-out date difference "
        "counts the replications in which both options ran dry; a stock-out is a day on "
        "which even rationed demand could not be served.",
        cls="note",
    )


def _note(d: PairedDifference) -> str:
    """Whether one headline difference stands out of the replications' noise."""
    if d.identical:
        return "identical to the reference in every replication"
    if d.clear:
        return "clear of the replications' noise"
    return f"not clear of the replications' noise (the {_PCT} interval includes 0)"


def _difference(text: str, d: PairedDifference) -> str:
    """``a difference of <text>; <note>``, or only the note when nothing differs."""
    if d.identical:
        return _note(d)
    return f"{text}; {_note(d)}"


def _stockouts(o: OptionOutcome) -> str:
    """``96 % of replications (48 of 50; 95 % CI 87–99 %)``, as the CLI and the report say it."""
    return format_proportion(o.stockouts, o.n, o.p_stockout_low, o.p_stockout_high)


def _sentence(
    label: str,
    o: OptionOutcome,
    ref: str,
    d: Mapping[str, PairedDifference],
    at: str = "",
    vocab: Vocabulary = FUEL,
) -> Html:
    stock = d["stockout_happened"]
    parts: list[object] = [
        tag("strong", label),
        f" against {ref}: a stock-out{at} in {_stockouts(o)}, "
        + _difference(f"a difference of {_points(stock)}", stock),
    ]
    if o.stockouts:
        parts.append(f"; median stock-out date {_median_date(o)}")
    date = d["first_stockout"]
    if date.pairs:
        parts.append(
            "; when both run dry, the stock-out date is " + _note(date)
            if date.identical
            else f"; when both run dry, the stock-out comes {_days(date)} (in {date.pairs} "
            f"of {o.n} replications); {_note(date)}"
        )
    lost = d["tankers_lost"]
    parts.append(
        f"; {format_number(o.tankers_lost)} {vocab.vehicles} lost (median), "
        + _difference(f"a mean difference of {_tankers(lost, vocab)}", lost)
        + "."
    )
    return tag("p", join(parts))


def section_bottom_line(ensembles: Mapping[str, EnsembleResult], numbers: BriefNumbers) -> Html:
    """The bottom line: sentences, then the table of outcomes and paired differences.

    Of ``numbers.destination`` (the brief names it when it is not the main destination).
    """
    labels = list(ensembles)
    ref = labels[0]
    o0 = numbers.outcomes[ref]
    name = destination_name(ensembles, numbers.destination)
    at = "" if name is None else f" at {name}"
    vocab = brief_vocabulary(ensembles)
    lines: list[object] = [
        _about(ensembles, numbers.destination),
        tag(
            "p",
            join(
                [
                    tag("strong", ref),
                    f" (the reference): a stock-out{at} in {_stockouts(o0)}"
                    + (
                        f", median stock-out date {_median_date(o0)}"
                        if o0.stockouts
                        else ", none in the horizon"
                    )
                    + f"; {format_number(o0.tankers_lost)} {vocab.vehicles} lost "
                    f"(median; {_PCT} of "
                    f"replications {format_number(o0.tankers_lost_low)} to "
                    f"{format_number(o0.tankers_lost_high)}).",
                ]
            ),
        ),
    ]
    lines += [
        _sentence(k, numbers.outcomes[k], ref, numbers.differences[k], at, vocab)
        for k in labels[1:]
    ]
    lines.append(tag("p", f"Median stock-out date: {MEDIAN_DATE_RULE}.", cls="note"))
    rows = []
    for k in labels:
        o = numbers.outcomes[k]
        base = [
            tag("strong", k),
            f"{format_share(o.p_stockout)} ({o.stockouts} of {o.n}; 95 % CI "
            f"{o.p_stockout_low * 100:.0f}–{format_share(o.p_stockout_high)})",
            _median_date(o),
            f"{format_number(o.tankers_lost)} ({format_number(o.tankers_lost_low)}–"
            f"{format_number(o.tankers_lost_high)})",
        ]
        if k == ref:
            rows.append([*base, "reference", "reference", "reference"])
            continue
        d = numbers.differences[k]
        date = d["first_stockout"]
        rows.append(
            [
                *base,
                _diff_cell(_signed(d["stockout_happened"].estimate * 100, 1), d, "points"),
                _diff_cell(_signed(date.estimate, 1), d, "days", pairs=date.pairs, n=o.n)
                if date.pairs
                else "n/a",
                _diff_cell(_signed(d["tankers_lost"].estimate), d, "tankers"),
            ]
        )
    headers = [
        "option",
        f"stock-out probability{at}",
        f"median stock-out date{at}",
        f"{vocab.vehicles} lost{'' if name is None else ' on the way to ' + name}: "
        f"median ({_PCT} range)",
        f"Δ stock-out probability vs {ref} [points]",
        f"Δ stock-out date vs {ref} [days]",
        f"Δ {vocab.vehicles} lost vs {ref}",
    ]
    return join(
        [
            tag("div", join(lines), cls="bottom-line"),
            table(
                headers,
                rows,
                numeric=(1, 3, 4, 5, 6),
                cls="brief",
                caption=("" if name is None else f"At {name}. ")
                + "Per option across its replications; Δ: mean paired difference "
                f"against {ref} with its {_PCT} bootstrap interval in brackets. Median "
                f"stock-out date: {MEDIAN_DATE_RULE}.",
            ),
            method_note(ensembles),
        ]
    )


def _diff_cell(
    text: str,
    d: Mapping[str, PairedDifference],
    unit: str,
    *,
    pairs: int | None = None,
    n: int | None = None,
) -> Html:
    key = {"points": "stockout_happened", "days": "first_stockout", "tankers": "tankers_lost"}[unit]
    diff = d[key]
    scale, digits = (100.0, 1) if unit == "points" else (1.0, 1 if unit == "days" else 0)
    extra = f"; {pairs} of {n} pairs" if pairs is not None else ""
    if diff.identical:
        return tag("span", "identical in every replication", cls="ci")
    return join(
        [
            tag("span", text, cls="strong" if diff.clear else None),
            tag("span", f"[{_interval(diff, scale, digits)}{extra}]", cls="ci"),
        ],
        " ",
    )


def _flatten(value: Any, path: str = "") -> dict[str, Any]:
    """Dotted paths to leaves; an item of a list of mappings (an event) is one leaf, named
    by its ``id`` when it has one, so a changed or added event is one difference."""
    out: dict[str, Any] = {}
    if isinstance(value, Mapping):
        for k, v in value.items():
            out.update(_flatten(v, f"{path}.{k}" if path else str(k)))
    elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        for i, v in enumerate(value):
            out[f"{path}.{v.get('id') or i}"] = v
    else:
        out[path] = value
    return out


def scenario_differences(first: Scenario, other: Scenario, most: int = 8) -> list[str]:
    """The dotted paths where ``other`` differs from ``first`` (name and description aside)."""
    a = _flatten(first.model_dump(mode="json", by_alias=True))
    b = _flatten(other.model_dump(mode="json", by_alias=True))
    keys = sorted(
        k for k in set(a) | set(b) if k not in ("name", "description") and a.get(k) != b.get(k)
    )
    shown = [k + (" (added)" if k not in a else " (removed)" if k not in b else "") for k in keys]
    shown = shown[:most]
    if len(keys) > most:
        shown.append(f"and {len(keys) - most} more")
    return shown


def _same_days(
    ensembles: Mapping[str, EnsembleResult], label: str, destination: str | None = None
) -> str:
    first = next(iter(ensembles.values()))
    if not first.dates.equals(ensembles[label].dates):
        return "another horizon"
    day = diverging_date(ensembles, label, destination=destination)
    if day is None:
        return "every day"
    if day == first.dates[0]:
        return "none (differs from the first day)"
    return f"until {format_date(day - pd.Timedelta(days=1))}"


def section_options(
    ensembles: Mapping[str, EnsembleResult],
    sources: Mapping[str, str | None],
    destination: str | None = None,
) -> Html:
    """The options: scenario, file, what differs from the first, and up to when they agree.

    ``destination``: the place with stock whose daily figures are compared for the days
    the options agree on (default: the main destination).
    """
    labels = list(ensembles)
    first = ensembles[labels[0]]
    rows = []
    for k in labels:
        sc = ensembles[k].scenario
        if k == labels[0]:
            differs: object = "the reference"
            past: object = "–"
        else:
            paths = scenario_differences(first.scenario, sc)
            differs = (
                Html("<br>".join(tag("code", p) for p in paths)) if paths else "nothing (same)"
            )
            past = _same_days(ensembles, k, destination)
        rows.append(
            [
                tag("strong", k),
                join([esc(sc.name), tag("span", sc.description or "", cls="src")]),
                tag("code", sources.get(k) or "(given as an object)"),
                differs,
                past,
            ]
        )
    return table(
        ["option", "scenario", "file", f"differs from {labels[0]} in", "same days as it"],
        rows,
        cls="brief-options",
        caption=f"Same days: every daily figure{_at(ensembles, destination)} of every "
        "replication equal to the reference's (same seeds), up to the day before the first "
        "difference. An option that changes only from a date on shares the reference's past "
        "exactly up to that date.",
    )


def section_metrics(
    ensembles: Mapping[str, EnsembleResult], destination: str | None = None
) -> Html:
    """Every summary metric: each option's median, the paired differences and their spread.

    ``destination``: the place with stock they are of (default: the main destination).
    """
    labels = list(ensembles)
    first = ensembles[labels[0]]
    stats = {k: e.summary_table(destination=destination) for k, e in ensembles.items()}
    name = destination_name(ensembles, destination)
    vocab = brief_vocabulary(ensembles)
    rows = []
    for metric in SUMMARY_METRICS:
        # In the scenario's words and units: tonnes shown as t, not divided into "0.0 ML".
        lab = summary_label(metric, vocab, name)
        cells: list[object] = [
            lab.long + (f" [{lab.unit}]" if lab.unit and not lab.is_date else "")
        ]
        cells += [lab.format(stats[k].loc[metric, "median"]) for k in labels]
        for k in labels[1:]:
            d = paired_metric(first, ensembles[k], metric, destination=destination)
            scale = 1.0 if lab.is_date else lab.scale
            digits = 1 if lab.is_date else max(lab.digits, 0)
            if d.pairs == 0:
                cells.append("n/a")
                continue
            lo, hi = _signed(d.spread_low / scale, digits), _signed(d.spread_high / scale, digits)
            spread = f"{lo} to {hi}"
            cells.append(
                join(
                    [
                        tag(
                            "span",
                            _signed(d.estimate / scale, digits),
                            cls="strong" if d.clear else None,
                        ),
                        tag(
                            "span",
                            "[" + _interval(d, 1 / scale, digits) + "]",
                            cls="ci",
                        ),
                        tag("span", f"spread {spread}", cls="ci"),
                    ],
                    " ",
                )
            )
        rows.append(cells)
    headers: list[object] = ["metric", *(f"{k}: median" for k in labels)]
    headers += [f"Δ {k} − {labels[0]}" for k in labels[1:]]
    return table(
        headers,
        rows,
        numeric=tuple(range(1, len(headers))),
        cls="brief-metrics",
        caption=("" if name is None else f"At {name}. ")
        + f"Medians across replications (dates: {MEDIAN_DATE_RULE}). "
        f"Δ: mean paired difference [{_PCT} bootstrap interval of the mean] and the spread "
        f"of the differences themselves (5th to 95th percentile); dates in days, "
        f"{_quantities(vocab)}. "
        "Bold: the interval excludes 0.",
    )


def _quantities(vocab: Vocabulary) -> str:
    """``litres in ML`` (fuel), ``quantities in t`` (tonnes), as the caption says it."""
    if vocab.unit == "L" and vocab.shown_unit == "ML":
        return "litres in ML"
    return f"quantities in {vocab.shown_unit}"


def option_list(labels: Sequence[str]) -> str:
    """``A, B and C``."""
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
