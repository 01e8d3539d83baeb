"""A hindcast's figure: the held-back observations over the model's band."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._style import ATTACK_COLOR, BAND_COLOR, format_dates

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..analysis.hindcast import Hindcast

__all__ = ["hindcast_figure"]

_HIT_COLOR = "#1a9641"


def hindcast_figure(hindcast: Hindcast, fig: Figure | None = None) -> Figure:
    """Draw a hindcast: days of cover and shortage over time, then every scored row.

    Parameters
    ----------
    hindcast : Hindcast
        What :func:`simfuel.hindcast` returned.
    fig : matplotlib.figure.Figure, optional
        An empty figure to draw on (default: a new one).

    Returns
    -------
    matplotlib.figure.Figure
        Top: the forward runs' days of cover (median line, 5 %-95 % band), the share of
        runs short of full demand (thin line, right axis; dashed, labelled: at each other
        place with stock a signal names), the ``as_of`` date (dashed), and the signals on
        the depot's days of cover as reported ranges (red bars) and shortage flags (red
        triangles; a town's labelled with its place). Bottom: one row per scored
        observation, the model's 90 % interval (bar) and median (tick) beside what was
        reported (a diamond: green inside the interval, red outside), each on its own
        scale (the interval's ends mapped to 0 and 1), labelled with the reported figure.
    """
    import matplotlib.pyplot as plt  # here: importing simfuel must not import pyplot

    h = hindcast
    scored = h.scored.reset_index(drop=True)
    if fig is None:
        fig = plt.figure(figsize=(10, 4.5 + 0.35 * max(len(scored), 1)), layout="constrained")
    top, bottom = fig.subplots(2, 1, height_ratios=[3, 1 + 0.25 * max(len(scored), 1)])
    dates = h.dates
    cover = h.daily["days_of_cover"]
    p5, mid, p95 = np.nanquantile(cover, [0.05, 0.5, 0.95], axis=0)
    top.fill_between(dates, p5, p95, color=BAND_COLOR, alpha=0.25, label="model 5-95 %")
    top.plot(dates, mid, color=BAND_COLOR, label="model median")
    top.axvline(pd.Timestamp(h.as_of), color="black", ls="--", lw=1, label="as of")
    top.set_ylabel("days of cover [days]")
    short = top.twinx()
    share = (h.daily["shortfall_l"] > 0).mean(axis=0)
    short.plot(dates, share, color="#777777", lw=0.8, label="share of runs short")
    # The other places a signal named: their own share short (dashed), labelled at the end.
    for place, arrays in getattr(h, "place_daily", {}).items():
        at = (arrays["shortfall_l"] > 0).mean(axis=0)
        short.plot(dates, at, color="#777777", lw=0.8, ls="--")
        short.annotate(
            f"short at {place}", (dates[-1], at[-1]), xytext=(-4, 3), textcoords="offset points",
            ha="right", fontsize=7, color="#555555",
        )  # fmt: skip
    short.set_ylim(0, 1.05)
    short.set_ylabel("share of runs short of demand")
    signals = h.signals_after
    if signals is not None:
        for _, r in signals.iterrows():
            day = pd.Timestamp(r["date"])
            # Days of cover are drawn at the depot's band: a town's figure would mislead.
            at_depot = str(r.get("place", "") or "") not in getattr(h, "place_daily", {})
            if r["signal"] == "days_of_cover" and at_depot:
                lo = r["low"] if not np.isnan(r["low"]) else r["value"]
                hi = r["high"] if not np.isnan(r["high"]) else r["value"]
                top.vlines(day, lo, hi, color=ATTACK_COLOR, lw=3, label="reported")
            elif r["signal"] in ("shortage", "stockout", "rationing") and r["value"] == 1:
                short.plot([day], [1.0], marker="v", color=ATTACK_COLOR, ms=9, ls="")
                if not at_depot:
                    short.annotate(
                        str(r["place"]), (day, 1.0), xytext=(0, -12), textcoords="offset points",
                        ha="center", fontsize=7, color=ATTACK_COLOR,
                    )  # fmt: skip
    top.set_xlim(dates[0], dates[-1])
    format_dates(top)
    handles, labels = top.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    top.legend(unique.values(), unique.keys(), loc="upper left", fontsize=8)
    top.set_title(f"Hindcast as of {h.as_of}: observations after it against the model")
    _rows(bottom, scored)
    return fig


def _rows(ax: Any, scored: pd.DataFrame) -> None:
    """One line per scored observation, on the scale of its own model interval."""
    for i, r in scored.iterrows():
        lo, hi, y = float(r["model_p5"]), float(r["model_p95"]), float(r["observed"])
        span = hi - lo if np.isfinite(hi - lo) and hi > lo else 1.0

        def place(v: float, lo: float = lo, span: float = span) -> float:
            return float(np.clip((v - lo) / span, -0.6, 1.6)) if np.isfinite(v) else 1.6

        ax.plot([place(lo), place(hi)], [i, i], color=BAND_COLOR, lw=6, alpha=0.5)
        ax.plot([place(float(r["model_median"]))], [i], marker="|", color=BAND_COLOR, ms=12)
        color = _HIT_COLOR if bool(r["inside_90"]) else ATTACK_COLOR
        ax.plot([place(y)], [i], marker="D", color=color, ms=7, ls="")
        ax.annotate(
            f"{y:.3g} {r['unit']}",
            (place(y), i),
            xytext=(6, 4),
            textcoords="offset points",
            fontsize=7,
        )
    ax.set_yticks(range(len(scored)), [str(v) for v in scored["id"]], fontsize=8)
    ax.set_xticks([0, 1], ["model 5 %", "model 95 %"])
    ax.set_xlim(-0.7, 1.7)
    ax.set_ylim(len(scored) - 0.5, -0.5)
    ax.set_title("Each observation against the model's 90 % interval (own scale)", fontsize=9)
