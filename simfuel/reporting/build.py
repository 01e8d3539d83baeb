"""``make_report``: one self-contained HTML page about a scenario and its ensemble."""

from __future__ import annotations

import datetime as dt
import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._version import __version__
from ..data import BORDERS_CREDIT
from ..ensemble import EnsembleResult, run_ensemble
from ..ensemble.seeds import replication_seed
from ..io import write_text
from ..results import SUMMARY_METRICS, RunResult
from ..run import SeedLike, run
from ..scenario import Scenario, ScenarioError, load_scenario, read_source, to_yaml
from ..scenario.schema import (
    BlockadeEvent,
    ContractEvent,
    DemandEvent,
    EscortPolicyEvent,
    FixedDelay,
    LognormalDelay,
    RationingEvent,
    ScriptedAttackEvent,
    SupplyRateEvent,
    TriangularDelay,
    UniformDelay,
)
from .figures import report_figures
from .html import Html, Image, details, esc, figure, join, page, table, tag

__all__ = ["REPRESENTATIVE_METRICS", "make_report", "render_html", "representative_replication"]

ScenarioLike = Scenario | str | os.PathLike[str] | Mapping[str, Any]

#: Metrics whose medians the representative replication is closest to.
REPRESENTATIVE_METRICS = (
    "delivered_l",
    "tankers_lost",
    "attacks",
    "days_with_shortfall",
    "min_days_of_cover",
)


def make_report(
    scenario: ScenarioLike | None = None,
    *,
    reps: int = 200,
    seed: SeedLike = 0,
    out: str | os.PathLike[str] = "out/report",
    workers: int | None = None,
    executor: Any = None,
    progress: bool = True,
    ensemble: EnsembleResult | None = None,
) -> Path:
    """Run an ensemble of a scenario and write a self-contained ``report.html``.

    The page holds the scenario summary, key figures (median and 90 % interval across
    replications), fan charts of days of cover and stock, the share of replications
    rationing or out of stock, the convoy timeline and corridor map of one representative
    replication (see :func:`representative_replication`), distributions of losses,
    deliveries, shortfall days and minimum cover, the scenario's parameters and timeline,
    and the full scenario as YAML. Figures are embedded PNGs (``data:`` URIs); the page
    loads nothing from anywhere.

    Parameters
    ----------
    scenario : Scenario, path or mapping, optional
        What to run (anything :func:`simfuel.load_scenario` accepts). May be omitted when
        ``ensemble`` is given; if both are given they must be the same scenario.
    reps : int
        Replications of the ensemble (ignored with ``ensemble``).
    seed : int or numpy.random.SeedSequence
        Root seed of the ensemble (ignored with ``ensemble``).
    out : path
        Folder to write ``report.html`` into (created if missing).
    workers, executor, progress
        As for :func:`simfuel.run_ensemble`.
    ensemble : EnsembleResult, optional
        An ensemble already run (or opened with :meth:`EnsembleResult.from_parquet`): the
        report reuses it instead of running one.

    Returns
    -------
    pathlib.Path
        The path of ``report.html``, written atomically.

    Raises
    ------
    ScenarioError
        If the scenario is invalid.
    ValueError
        If neither ``scenario`` nor ``ensemble`` is given, or they disagree.
    EnsembleError
        If replications failed.
    """
    t0 = time.perf_counter()
    source_path: Path | None = None
    if isinstance(scenario, str | os.PathLike):
        source_path = Path(scenario)
    if ensemble is None:
        if scenario is None:
            raise ValueError("make_report needs a scenario or an ensemble")
        sc = load_scenario(scenario)
        ensemble = run_ensemble(
            sc, reps, seed=seed, workers=workers, executor=executor, progress=progress
        )
    elif scenario is not None:
        sc = load_scenario(scenario)
        if sc.model_dump(by_alias=True) != ensemble.scenario.model_dump(by_alias=True):
            raise ValueError(
                f"the ensemble was run on another scenario ({ensemble.scenario.name!r}) "
                f"than the one given ({sc.name!r})"
            )
    source = _read_source(source_path)
    text = render_html(ensemble, source=source, started=t0)
    return write_text(Path(out) / "report.html", text)


def representative_replication(ensemble: EnsembleResult) -> int:
    """The replication closest to the ensemble's medians.

    For each of :data:`REPRESENTATIVE_METRICS` every replication gets its mid-rank
    percentile (``(rank - 0.5) / n``, ties averaged); the replication with the smallest
    sum of distances of those percentiles from 50 % is chosen, the lowest index on ties.
    """
    reps = ensemble.replications
    n = len(reps)
    if n == 0:
        raise ValueError("the ensemble has no replications")
    distance = np.zeros(n)
    for metric in REPRESENTATIVE_METRICS:
        pct = (reps[metric].rank(method="average").to_numpy(float) - 0.5) / n
        distance += np.abs(np.nan_to_num(pct, nan=1.0) - 0.5)
    best = np.flatnonzero(np.isclose(distance, distance.min(), rtol=0, atol=1e-12))
    return int(reps.index[best].min())


def representative_run(ensemble: EnsembleResult, replication: int) -> RunResult:
    """Re-run replication ``replication`` of the ensemble with :func:`simfuel.run`.

    Its seed is child ``replication`` of the ensemble's root SeedSequence, the stream the
    ensemble ran it on, so the run reproduces that replication exactly.
    """
    root = np.random.SeedSequence(ensemble.seed_entropy, spawn_key=ensemble.spawn_key)
    return run(ensemble.scenario, seed=replication_seed(root, replication))


def render_html(
    ensemble: EnsembleResult,
    *,
    replication: int | None = None,
    source: tuple[str, str] | None = None,
    started: float | None = None,
) -> str:
    """The report page of an ensemble as an HTML string (what :func:`make_report` writes).

    Parameters
    ----------
    ensemble : EnsembleResult
        The replications.
    replication : int, optional
        The replication whose convoys and attacks are shown (default:
        :func:`representative_replication`).
    source : (name, text), optional
        The scenario file as written, shown with its comments.
    started : float, optional
        ``time.perf_counter()`` at the start of the work, to report the time taken.
    """
    t0 = time.perf_counter() if started is None else started
    k = representative_replication(ensemble) if replication is None else int(replication)
    if k not in ensemble.replications.index:
        raise ValueError(f"replication {k} is not in the ensemble")
    result = representative_run(ensemble, k)
    images = report_figures(ensemble, result, k)
    ctx = _Context(ensemble, result, k, images)
    sections = [
        ("scenario", "Scenario", _section_scenario(ctx)),
        ("key-figures", "Key figures", _section_key_figures(ctx)),
        ("stocks", f"Fuel in {_place(ctx.sc, ctx.sc.depot.place)}", _section_stocks(ctx)),
        ("replication", f"Replication {k}", _section_replication(ctx)),
        ("distributions", "Distributions", _section_distributions(ctx)),
        ("parameters", "Parameters", _section_parameters(ctx, source)),
    ]
    body = join(tag("section", join([tag("h2", t), c]), id=a) for a, t, c in sections)
    elapsed = time.perf_counter() - t0
    return page(
        title=f"simfuel report: {ensemble.scenario.name}",
        header=_header(ctx),
        toc=[(a, t) for a, t, _ in sections],
        body=body,
        footer=_footer(ctx, elapsed),
        images_total=len(images),
    )


# ---------------------------------------------------------------- context and formatting


@dataclass
class _Context:
    ensemble: EnsembleResult
    run: RunResult
    replication: int
    images: dict[str, Image]

    @property
    def sc(self) -> Scenario:
        return self.ensemble.scenario


def _read_source(path: Path | None) -> tuple[str, str] | None:
    if path is None:
        return None
    try:
        return str(path), read_source(path)
    except ScenarioError:  # the report still shows the scenario as loaded
        return None


def _num(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def _ml(litres: float, digits: int = 1) -> str:
    return _num(litres / 1e6, digits)


def _pct(share: float) -> str:
    return f"{share * 100:.0f} %"


def _hours(h: float) -> str:
    return f"{h:,.0f} h" if h < 72 else f"{h:,.0f} h ({h / 24:.1f} d)"


def _delay(d: object) -> str:
    if isinstance(d, FixedDelay):
        return f"{d.value:g} h"
    if isinstance(d, UniformDelay):
        return f"uniform {d.low:g}–{d.high:g} h"
    if isinstance(d, TriangularDelay):
        return f"triangular {d.low:g}–{d.high:g} h, mode {d.mode:g} h"
    if isinstance(d, LognormalDelay):
        return f"lognormal, mean {d.mean:g} h, sd {d.sd:g} h"
    return str(d)


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _place(sc: Scenario, key: str) -> str:
    p = sc.places.get(key)
    return (p.name or key) if p is not None else key


def _corridors(sc: Scenario, keys: Sequence[str]) -> Html:
    """Corridor names, one a line; ``all corridors`` when every one is named."""
    if list(keys) == ["all"] or (len(sc.corridors) > 1 and set(keys) == set(sc.corridors)):
        return esc("all corridors")
    names = [sc.corridors[k].name or k if k in sc.corridors else k for k in keys]
    return Html("<br>".join(esc(n) for n in names))


def _forces(sc: Scenario, keys: Sequence[str]) -> str:
    return " + ".join(sc.escorts[f].name or f if f in sc.escorts else f for f in keys)


def _with_source(text: object, source: str | None) -> Html:
    if not source:
        return esc(text)
    return join([esc(text), tag("span", f"Source: {source}", cls="src")])


# ---------------------------------------------------------------- header and footer


def _header(ctx: _Context) -> Html:
    sc, ens = ctx.sc, ctx.ensemble
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    meta = (
        f"{_long_date(sc.start)} – {_long_date(sc.end)} ({sc.horizon_days} days) · "
        f"{ens.n} replications · root seed {ens.seed_entropy}"
        + (f", spawn key {ens.spawn_key}" if ens.spawn_key else "")
        + f" · simfuel {__version__} · generated {generated}"
    )
    inner = join(
        [
            tag("h1", f"Fuel supply under threat: {sc.name}"),
            tag("p", "A simfuel report: a discrete-event simulation ensemble", cls="sub"),
            tag("div", meta, cls="meta"),
        ]
    )
    return tag("header", tag("div", inner, cls="wrap"), cls="top")


def _footer(ctx: _Context, elapsed: float) -> Html:
    ens = ctx.ensemble
    lines = [
        tag(
            "p",
            join(
                [
                    f"Generated by simfuel {__version__} in {elapsed:.1f} s. Reproduce the "
                    "ensemble with ",
                    tag(
                        "code",
                        f"simfuel.run_ensemble(scenario, {ens.n}, seed={ens.seed_entropy})",
                    ),
                    " (replication i runs on child i of the root seed, on any executor)."
                    if not ens.spawn_key
                    else " with the root SeedSequence's spawn key.",
                ]
            ),
        ),
        tag(
            "p",
            f"{BORDERS_CREDIT}: 1:110m admin-0 countries, “Made with Natural Earth”. "
            "Figures: matplotlib. Simulation: SimPy.",
        ),
        tag(
            "p",
            "Many parameters are assumptions (see the scenario's sources and notes): "
            "read the results as a model of the mechanism, not a measurement.",
        ),
    ]
    return join(lines)


# ---------------------------------------------------------------- sections


def _section_scenario(ctx: _Context) -> Html:
    sc = ctx.sc
    parts: list[object] = []
    if sc.description:
        parts.append(tag("p", sc.description, cls="lead"))
    depot = sc.depot
    demand = sc.demand.demand_l_per_day
    facts = [
        ("Scenario", sc.name),
        ("Horizon", f"{sc.start} to {sc.end} (both included), {sc.horizon_days} days"),
        ("Depot", f"{_place(sc, depot.place)}: capacity {_ml(depot.capacity_l)} ML"),
        (
            "Initial stock",
            f"{_ml(depot.initial_stock_l)} ML ({depot.initial_stock_l / demand:.1f} days of "
            f"demand), strategic reserve {_ml(depot.reserve_l)} ML held apart",
        ),
        ("Demand", f"{_ml(demand, 2)} ML/day at the start"),
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
                f"{_place(sc, c.origin)} → {_place(sc, c.staging)} → {_place(sc, depot.place)}",
                _num(total),
                _num(threatened),
                _hours(hours),
                _num(c.tankers_per_day, 1 if c.tankers_per_day % 1 else 0),
                _num(c.tanker_capacity_l),
            ]
        )
    parts.append(tag("h3", "Corridors"))
    parts.append(
        table(
            [
                "corridor",
                "route (origin → staging → depot)",
                "length [km]",
                "under threat [km]",
                "driving time",
                "tankers/day at start",
                "tanker load [L]",
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
            extra = (
                f"{f.convoy_hours_per_day:g} convoy-hours a day per unit"
                if f.kind == "air"
                else f"rest {f.turnaround_h:g} h after the drive back"
            )
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


def _dated(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return "never"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _section_key_figures(ctx: _Context) -> Html:
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


def _section_stocks(ctx: _Context) -> Html:
    ens, sc = ctx.ensemble, ctx.sc
    marks = (
        "Dotted vertical lines mark the timeline (blockade declared, escort changes, "
        "import contracts); red triangles at the bottom are the reported attacks replayed "
        "in every replication, with the tankers they cost."
    )
    return join(
        [
            figure(
                ctx.images["cover"],
                "Fan chart of days of cover",
                f"Days of cover in {_place(sc, sc.depot.place)} [days]: end-of-day stock "
                "divided by the day's nominal demand. Median (line), 50 % and 90 % bands "
                f"across {ens.n} replications; dashed: the rationing threshold [days]. " + marks,
                "fig-cover",
            ),
            figure(
                ctx.images["stock"],
                "Fan chart of the depot stock",
                f"Stock in the depot [ML], strategic reserve excluded until released; "
                f"median, 50 % and 90 % bands across {ens.n} replications; dashed: the "
                "stock at the rationing threshold [ML]. " + marks,
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


def _section_replication(ctx: _Context) -> Html:
    ens, k = ctx.ensemble, ctx.replication
    s = ctx.run.summary()
    reproduced = all(
        _same(s[m], ens.replications.loc[k, m])
        for m in ("delivered_l", "tankers_lost", "attacks", "days_with_shortfall")
    )
    text: list[object] = [
        f"The convoy timeline and the map show one replication: replication {k}, the one "
        "closest to the ensemble's medians of delivered fuel, tankers lost, attacks, days "
        "with shortfall and minimum cover (smallest sum of distances of its percentile "
        "ranks from 50 %). It is re-run here with ",
        tag(
            "code",
            f"simfuel.run(scenario, seed=numpy.random.SeedSequence({ens.seed_entropy}, "
            f"spawn_key={(*ens.spawn_key, k)}))",
        ),
        ", the stream the ensemble gave it. In it: "
        f"{_ml(s['delivered_l'])} ML delivered, {s['tankers_lost']:,} tankers lost in "
        f"{s['attacks']:,} attacks on {s['convoys']:,} convoys, "
        f"{s['days_with_shortfall']} days with shortfall, first rationing "
        f"{_dated(s['first_rationing'])}, first stock-out {_dated(s['first_stockout'])}.",
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
    parts += [
        figure(
            ctx.images["timeline"],
            f"Convoy timeline of replication {k}",
            "Each bar is a convoy from its departure at the staging point to its arrival "
            "at the depot or its loss (time axis: dates); one lane per corridor, convoys "
            "spread over thin rows; colour: escort kind. Red crosses: attacks, labelled "
            "with the tankers lost [tankers] when 5 or more.",
            "fig-timeline",
        ),
        figure(
            ctx.images["map"],
            f"Map of the corridors with the attacks of replication {k}",
            "Corridors on country outlines (longitude/latitude [°]); solid from the staging "
            "point on (the threatened part), thicker where the leg's risk weight is higher; "
            "dashed before it. Red circles: the replication's attacks, placed at the middle "
            "of their leg (the model knows the leg, not the point), sized by tankers lost. "
            "Country outlines: Natural Earth.",
            "fig-map",
        ),
    ]
    return join(parts)


def _same(a: object, b: object) -> bool:
    try:
        return bool(np.isclose(float(a), float(b), rtol=1e-9, atol=1e-6))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return a == b


def _section_distributions(ctx: _Context) -> Html:
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
                            "Lowest end-of-day cover over the horizon [days]" + note,
                            "fig-min-cover",
                        ),
                    ]
                ),
                cls="grid2",
            )
        ]
    )


def _section_parameters(ctx: _Context, source: tuple[str, str] | None) -> Html:
    sc = ctx.sc
    d, t, r = sc.depot, sc.threat, sc.rationing
    demand = sc.demand
    params = [
        ("Calendar", "start – end", f"{sc.start} – {sc.end}", f"{sc.horizon_days} days"),
        ("Depot", "capacity", _ml(d.capacity_l), "ML"),
        ("Depot", "initial stock", _ml(d.initial_stock_l), "ML"),
        ("Depot", "strategic reserve", _ml(d.reserve_l), "ML"),
        ("Depot", "reserve released below", f"{d.reserve_release_days:g}", "days of cover"),
        ("Demand", "national demand", _ml(demand.demand_l_per_day, 2), "ML/day"),
        ("Demand", "day-to-day variation (CV)", f"{demand.cv:g}", "–"),
        ("Rationing", "rationing below", f"{r.threshold_days:g}", "days of cover"),
        ("Rationing", "share of demand served", _pct(r.served_fraction), ""),
        ("Threat", "hazard", f"{t.hazard_per_100km:g}", "attacks per 100 km at intensity 1"),
        ("Threat", "mean share of an unescorted convoy lost", _pct(t.loss_fraction_mean), ""),
        ("Threat", "loss concentration (Beta a + b)", f"{t.loss_fraction_concentration:g}", "–"),
        ("Threat", "share of losses captured", _pct(t.capture_fraction), ""),
        ("Threat", "delay after an attack", _delay(t.attack_delay_h), ""),
        ("Threat", "chance an attacked convoy turns back", _pct(t.turn_back_probability), ""),
    ]
    sources = {"Depot": d.source, "Demand": demand.source}
    rows = [
        [
            group,
            _with_source(name, sources.get(group) if name.startswith(("cap", "nat")) else None),
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
            + (f" (required, {p.min_size}–{p.max_size} tankers)" if p.required else "")
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
                    _num(leg.length_km),
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


def _event_text(sc: Scenario, ev: object) -> str:
    if isinstance(ev, BlockadeEvent):
        return f"blockade intensity {ev.intensity:g}" + (" (lifted)" if ev.intensity == 0 else "")
    if isinstance(ev, EscortPolicyEvent):
        if not ev.forces:
            return f"no escort: groups of up to {ev.max_size} tankers"
        how = "convoys wait for" if ev.required else "convoys take, if free,"
        return f"{how} {_forces(sc, ev.forces)}; convoys of {ev.min_size}–{ev.max_size} tankers"
    if isinstance(ev, SupplyRateEvent):
        return f"{ev.tankers_per_day:g} tankers/day loaded"
    if isinstance(ev, ContractEvent):
        if ev.quantity_t is not None:
            litres = ev.quantity_t * sc.products[ev.product].litres_per_tonne
            qty = f"{ev.quantity_t:,.0f} t of {ev.product} ({_ml(litres, 0)} ML)"
        else:
            qty = f"{_ml(ev.quantity_l or 0.0, 0)} ML"
        split = " / ".join(f"{v * 100:.0f} %" for v in ev.split.values())
        return (
            f"import contract: {qty} over {ev.period_days:g} days, split "
            f"{split} over the corridors listed"
        )
    if isinstance(ev, ScriptedAttackEvent):
        where = f"leg from {_place(sc, ev.leg_from)}" if ev.leg_from else "first threatened leg"
        lost = f"{ev.tankers_destroyed} tankers destroyed"
        if ev.tankers_captured:
            lost += f", {ev.tankers_captured} captured"
        return f"reported attack replayed ({where}): {lost}"
    if isinstance(ev, DemandEvent):
        return f"demand {_ml(ev.demand_l_per_day, 2)} ML/day"
    if isinstance(ev, RationingEvent):
        return (
            f"rationing below {ev.threshold_days:g} days of cover, "
            f"{ev.served_fraction:.0%} of demand served"
        )
    return str(ev)


def _events_table(sc: Scenario) -> Html:
    if not sc.events:
        return tag("p", "No dated events: the initial settings hold throughout.", cls="note")
    rows = []
    for ev in sorted(sc.events, key=lambda e: e.date):
        if isinstance(ev, ScriptedAttackEvent):
            where = _corridors(sc, [ev.corridor])
        elif isinstance(ev, ContractEvent):
            where = _corridors(sc, list(ev.split))
        elif isinstance(ev, BlockadeEvent | EscortPolicyEvent | SupplyRateEvent):
            where = _corridors(sc, ev.corridors)
        else:
            where = esc("national")
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
        rows.append([ev.date.isoformat(), kind, _event_text(sc, ev), where, note])
    return table(
        ["date", "event", "what", "corridors", "note and source"],
        rows,
        caption="Every event takes effect at 00:00 on its date. Reported attacks are replayed "
        "in every replication; the hazard stands for the background of smaller attacks.",
        cls="events",
    )
