"""Sensitivity indices as horizontal bars: Sobol' S1 and ST, or Morris mu* and sigma."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from ._style import BAND_COLOR, get_ax, metric_label, plain

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..analysis.sensitivity import SensitivityResult

__all__ = ["sensitivity_bars"]


def sensitivity_bars(result: SensitivityResult, *, ax: Axes | None = None) -> Axes:
    """Horizontal bars of the indices with their confidence intervals.

    What :meth:`simfuel.SensitivityResult.plot` draws. Sobol: first-order ``S1`` and total
    ``ST`` side by side. Morris: ``mu_star`` with ``sigma`` as markers. Parameters top to
    bottom in the order given. The metric of a destination other than the main one is
    named with its place (``first stock-out at Mopti``, ``fuel delivered to Mopti``).

    Parameters
    ----------
    result : SensitivityResult
        What :func:`simfuel.sensitivity` returned.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (a new figure if None).

    Returns
    -------
    matplotlib.axes.Axes
    """
    names = list(result.params)
    ax = get_ax(ax, figsize=(8, 1.2 + 0.6 * len(names)))
    y = np.arange(len(names), dtype=float)
    df = result.to_df()
    label = _label(result)
    if result.method == "sobol":
        h = 0.38
        ax.barh(
            y - h / 2,
            df["S1"],
            height=h,
            xerr=df["S1_conf"],
            color=BAND_COLOR,
            alpha=0.55,
            capsize=3,
            label="first order $S_1$",
        )
        ax.barh(
            y + h / 2,
            df["ST"],
            height=h,
            xerr=df["ST_conf"],
            color=BAND_COLOR,
            capsize=3,
            label="total $S_T$",
        )
        ax.axvline(0.0, color="0.3", lw=0.8)
        ax.set_xlabel(f"Sobol' index of {label} [share of variance]")
    else:
        ax.barh(
            y,
            df["mu_star"],
            height=0.6,
            xerr=df["mu_star_conf"],
            color=BAND_COLOR,
            capsize=3,
            label=r"$\mu^*$ (mean |elementary effect|)",
        )
        ax.plot(df["sigma"], y, "o", color="#d95f02", label=r"$\sigma$ (interactions)")
        axis = replace(metric_label(result.metric), label=label).axis
        ax.set_xlabel(f"Morris effect on {axis}")
    ax.set_yticks(y, [plain(name) for name in names])  # dotted paths, drawn as written
    ax.invert_yaxis()
    ax.legend(loc="best", fontsize="small")
    ci = f"{result.conf_level:.0%} intervals"
    ax.set_title(
        f"{'Sobol' if result.method == 'sobol' else 'Morris'} sensitivity of {label}: "
        f"{result.n_points} points × {result.reps} reps, {ci}",
        fontsize="medium",
    )
    return ax


def _label(result: SensitivityResult) -> str:
    """The metric's label, of the destination analysed when it is not the main one."""
    label = metric_label(result.metric).label
    name = result.destination_name
    if name is None:
        return label
    name = plain(name)
    return label.replace("the depot", name) if "the depot" in label else f"{label} at {name}"
