"""Reported losses against the model: cumulative tankers destroyed, reported and simulated."""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..ensemble import EnsembleResult
from ..observations import cumulative_losses, reported_losses, validate_incidents
from ..observations import incidents as load_incidents
from ..results import RunResult
from ..scenario import Scenario
from ._style import ATTACK_COLOR, BAND_COLOR, format_dates, get_ax, plain

__all__ = ["incidents_vs_model", "model_cumulative_tankers"]

REPORTED_LABEL = "reported (low-high)"


def _capacity(scenario: Scenario) -> float:
    """The tanker capacity that turns the ensemble's daily litres into tankers [L]."""
    capacities = sorted({c.tanker_capacity_l for c in scenario.corridors.values()})
    if len(capacities) == 1:
        return float(capacities[0])
    mean = float(np.mean([c.tanker_capacity_l for c in scenario.corridors.values()]))
    warnings.warn(
        f"corridors of {scenario.name!r} carry {capacities[0]:,} to {capacities[-1]:,} L a "
        f"tanker and an ensemble keeps only daily litres over all corridors: tankers are "
        f"litres / {mean:,.0f} L (the corridors' mean), an approximation; pass a RunResult "
        "for exact counts",
        UserWarning,
        stacklevel=3,
    )
    return mean


def model_cumulative_tankers(
    result: RunResult | EnsembleResult,
    *,
    corridor: str | None = None,
    include_captured: bool = False,
) -> pd.DataFrame:
    """The model's tankers destroyed, accumulated from the start of the horizon.

    Parameters
    ----------
    result : RunResult or EnsembleResult
        One run or an ensemble.
    corridor : str, optional
        Only this corridor's losses. Needs a :class:`RunResult` (from its event log): an
        ensemble keeps daily totals over all corridors only.
    include_captured : bool
        Count captured tankers too (tankers lost rather than destroyed).

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (the scenario's days); one column per replication (an ensemble's
        ``replications`` index) or one column ``run``; values: tankers destroyed (and
        captured) from the start up to the end of that day [tankers]. A run counts its
        logged tankers exactly; an ensemble converts its daily ``destroyed_l``
        (+ ``captured_l``) [L] with the corridors' ``tanker_capacity_l`` [L/tanker].

    Raises
    ------
    ValueError
        For a corridor the scenario does not have, or a corridor with an ensemble.
    """
    scenario = result.scenario
    dates = pd.date_range(scenario.start, periods=scenario.horizon_days, freq="D", name="date")
    if corridor is not None and corridor not in scenario.corridors:
        raise ValueError(
            f"unknown corridor {corridor!r}; {scenario.name!r} has {', '.join(scenario.corridors)}"
        )
    if isinstance(result, EnsembleResult):
        if corridor is not None:
            raise ValueError(
                "an EnsembleResult keeps daily losses summed over all corridors, not per "
                f"corridor: compare corridor {corridor!r} with a RunResult (simfuel.run), "
                "or use corridor=None for the totals"
            )
        litres = result.daily("destroyed_l").astype(float)
        if include_captured:
            litres = litres + result.daily("captured_l").astype(float)
        tankers = np.cumsum(litres, axis=1) / _capacity(scenario)
        return pd.DataFrame(tankers.T, index=dates, columns=result.replications.index)
    kinds = ["destroyed", "captured"] if include_captured else ["destroyed"]
    ev = result.events
    mask = ev["kind"].isin(kinds) & (ev["t_h"] >= 0)
    if corridor is not None:
        mask &= ev["corridor"] == corridor
    hit = ev[mask]
    day = np.floor(hit["t_h"].to_numpy(float) / 24.0).astype(np.int64)
    per_day = np.bincount(
        day, weights=hit["tankers"].to_numpy(float), minlength=scenario.horizon_days
    )[: scenario.horizon_days]
    return pd.DataFrame({"run": np.cumsum(per_day)}, index=dates)


def incidents_vs_model(
    result: RunResult | EnsembleResult,
    incidents: pd.DataFrame | str | os.PathLike[str] = "mali-2025",
    *,
    ax: Axes | None = None,
    corridor: str | None = None,
    include_captured: bool = False,
    bands: Sequence[float] = (0.05, 0.25, 0.75, 0.95),
    color: str = BAND_COLOR,
    labels: bool = True,
    title: str | None = None,
) -> Axes:
    """Reported cumulative tankers destroyed, as points with ranges, over the model's.

    The model: for an ensemble, the median and the 50 % and 90 % bands of the cumulative
    tankers destroyed across replications; for one run, a line. The reports: one point
    per day with a reported event, at the midpoint of the cumulative low and high
    figures, with an error bar from the cumulative low to the cumulative high (see
    :func:`simfuel.incidents.cumulative_losses`). Each point is labelled with that day's
    figures: ``20-40`` a range, ``≥37`` a lower bound, ``?`` an attack with no figure,
    ``0`` a convoy that arrived without incident.

    Parameters
    ----------
    result : RunResult or EnsembleResult
        The model side.
    incidents : pandas.DataFrame, str or path
        An incident table, a shipped name (``"mali-2025"``) or a CSV path.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.
    corridor : str, optional
        Only this corridor: reported rows with that ``corridor`` (rows with a blank
        corridor are left out, and the legend says how many), and the model's losses on
        it, which needs a :class:`RunResult` (an ensemble has totals only: ValueError).
    include_captured : bool
        Compare losses (destroyed + captured) instead of tankers destroyed.
    bands : sequence of 4 floats
        Outer-low, inner-low, inner-high, outer-high quantiles of the ensemble's bands.
    color : str
        Colour of the model's median and bands.
    labels : bool
        Write each reported day's figures beside its point.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        For a corridor with an ensemble, or a corridor the scenario does not have.

    Notes
    -----
    Reported events outside the scenario's horizon are left out, with a warning. An
    ensemble's daily litres are turned into tankers with the corridors' tanker capacity;
    when the corridors' capacities differ, the mean is used, with a warning.
    """
    scenario = result.scenario
    model = model_cumulative_tankers(result, corridor=corridor, include_captured=include_captured)
    table = (
        validate_incidents(incidents, source=incidents.attrs.get("source", "<table>"))
        if isinstance(incidents, pd.DataFrame)
        else load_incidents(incidents)
    )
    dates = model.index
    ax = get_ax(ax)
    what = "tankers lost (destroyed + captured)" if include_captured else "tankers destroyed"

    # ---- the model
    name = plain(scenario.name)
    if isinstance(result, EnsembleResult):
        lo90, lo50, hi50, hi90 = bands
        q = np.quantile(model.to_numpy(float), [lo90, lo50, 0.5, hi50, hi90], axis=1)
        ax.fill_between(
            dates,
            q[0],
            q[4],
            color=color,
            alpha=0.18,
            lw=0,
            label=f"model: {round((hi90 - lo90) * 100)} % band",
        )
        if (lo50, hi50) != (lo90, hi90):
            ax.fill_between(
                dates,
                q[1],
                q[3],
                color=color,
                alpha=0.35,
                lw=0,
                label=f"model: {round((hi50 - lo50) * 100)} % band",
            )
        ax.plot(dates, q[2], color=color, lw=2, label="model: median")
        n_text = f"{result.n} replications"
    else:
        ax.plot(dates, model["run"], color=color, lw=2, label=f"model: seed {result.seed}")
        n_text = f"seed {result.seed}"

    # ---- the reports
    left_out = 0
    if corridor is not None:
        left_out = int((table["corridor"] == "").sum())
        table = table[table["corridor"] == corridor]
    inside = (table["date"] >= dates[0]) & (table["date"] <= dates[-1])
    if not inside.all():
        outside = table.loc[~inside, "date"].dt.date.astype(str).tolist()
        warnings.warn(
            f"{len(outside)} reported event(s) outside {name!r}'s horizon "
            f"({scenario.start} to {scenario.end}) left out: {', '.join(outside)}",
            UserWarning,
            stacklevel=2,
        )
        table = table[inside]
    reported = cumulative_losses(table, include_captured=include_captured)
    label = REPORTED_LABEL
    if left_out:
        label += f"; {left_out} row(s) without a corridor left out"
    if len(reported):
        y = reported["cum_central"].to_numpy(float)
        yerr = np.vstack(
            [y - reported["cum_low"].to_numpy(float), reported["cum_high"].to_numpy(float) - y]
        )
        ax.errorbar(
            reported.index,
            y,
            yerr=yerr,
            fmt="o",
            color=ATTACK_COLOR,
            ecolor=ATTACK_COLOR,
            ms=5,
            capsize=3,
            lw=1.2,
            zorder=5,
            label=label,
        )
        if labels:
            for day, text, top in zip(
                reported.index,
                _day_labels(table, include_captured),
                reported["cum_high"],
                strict=True,
            ):
                ax.annotate(
                    text,
                    (day, top),
                    xytext=(0, 4),
                    textcoords="offset points",
                    rotation=90,
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    color=ATTACK_COLOR,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
                )

    ax.set_ylim(bottom=0)
    ax.set_xlim(dates[0], dates[-1])
    ax.set_ylabel(f"{what}, cumulative [tankers]")
    ax.set_xlabel("date")
    where = f", corridor {plain(corridor)}" if corridor else ""
    ax.set_title(title or f"{name}: reported vs modelled {what}{where} ({n_text})")
    ax.grid(alpha=0.3)
    format_dates(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return ax


def _day_labels(table: pd.DataFrame, include_captured: bool) -> list[str]:
    """One label per reported day (in date order): that day's figures, row by row."""
    per_row = reported_losses(table)
    out: list[str] = []
    for _, rows in per_row.groupby("date", sort=True):
        low = rows["destroyed_low"].to_numpy(float)
        high = rows["destroyed_high"].to_numpy(float)
        extra = rows["captured"].fillna(0.0).to_numpy(float) if include_captured else 0 * low
        at_least = rows["at_least"].to_numpy(bool)
        parts = []
        for lo, hi, add, open_ended in zip(low, high, extra, at_least, strict=True):
            if np.isnan(lo):
                parts.append("?")
            elif open_ended:
                parts.append(f"≥{lo + add:.0f}")
            elif hi == lo:
                parts.append(f"{lo + add:.0f}")
            else:
                parts.append(f"{lo + add:.0f}-{hi + add:.0f}")
        out.append(", ".join(parts))
    return out
