"""Diagnostics of an ABC calibration: prior vs posterior, parameter pairs, statistics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..analysis.calibrate import Calibration

__all__ = ["calibration_diagnostics"]

_PRIOR_COLOR = "#bbbbbb"
_POSTERIOR_COLOR = "#3b6ea8"
_REPORTED_COLOR = "#d7301f"


def calibration_diagnostics(calibration: Calibration, fig: Figure | None = None) -> Figure:
    """A figure: prior vs posterior marginals, the first pair, observed vs simulated statistics.

    Parameters
    ----------
    calibration : Calibration
        What :func:`simfuel.calibrate` returned.
    fig : matplotlib.figure.Figure, optional
        An empty figure to draw on (default: a new one, sized to the parameters).

    Returns
    -------
    matplotlib.figure.Figure
        Top row: one histogram per parameter (prior draws grey, accepted draws blue, the
        posterior median a black line), then, with two parameters or more, the prior and
        accepted draws of the first two (a trade-off shows as a ridge). Bottom row: every
        summary statistic, reported (red diamond, absent where missing) beside the accepted
        draws' median and 90 % range [tankers or attacks].
    """
    import matplotlib.pyplot as plt  # here: importing simfuel must not import pyplot

    cal = calibration
    names = list(cal.params)
    k = len(names)
    cols = k + (1 if k >= 2 else 0)  # marginals, then the first pair
    if fig is None:
        fig = plt.figure(figsize=(4 * max(cols, 2), 7.5), layout="constrained")
    grid = fig.add_gridspec(2, max(cols, 2))
    for j, p in enumerate(names):
        ax = fig.add_subplot(grid[0, j])
        lo, hi = cal.params[p]
        bins = np.linspace(lo, hi, 25).tolist()
        ax.hist(cal.samples[p], bins=bins, density=True, color=_PRIOR_COLOR, label="prior draws")
        ax.hist(
            cal.posterior[p],
            bins=bins,
            density=True,
            color=_POSTERIOR_COLOR,
            alpha=0.8,
            label="posterior",
        )
        ax.axvline(float(cal.posterior[p].median()), color="black", lw=1.5, label="median")
        ax.set_xlabel(p)
        ax.set_ylabel("density")
        ax.legend(fontsize=8)
    if k >= 2:
        # Parameters that trade off (more attacks, smaller losses) show as a ridge here.
        a, b = names[0], names[1]
        ax = fig.add_subplot(grid[0, k])
        ax.scatter(cal.samples[a], cal.samples[b], s=6, color=_PRIOR_COLOR, label="prior draws")
        ax.scatter(
            cal.posterior[a], cal.posterior[b], s=14, color=_POSTERIOR_COLOR, label="posterior"
        )
        ax.set_xlabel(a)
        ax.set_ylabel(b)
        ax.legend(fontsize=8)
    ax = fig.add_subplot(grid[1, :])
    obs = cal.observed.to_numpy(float)
    lo, med, hi = _quantiles_of_present(cal.simulated.to_numpy(float), (0.05, 0.5, 0.95))
    x = np.arange(len(obs))
    ax.errorbar(
        x,
        med,
        yerr=[med - lo, hi - med],
        fmt="o",
        color=_POSTERIOR_COLOR,
        capsize=3,
        label="simulated (accepted draws): median, 90 %",
    )
    ax.scatter(x, obs, marker="D", color=_REPORTED_COLOR, zorder=5, label="reported")
    ax.set_xticks(x, list(cal.observed.index), rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("tankers / attacks")
    ax.set_title("summary statistics: reported vs simulated")
    ax.legend(fontsize=8)
    if k >= 2:
        fig.suptitle(f"ABC posterior ({len(cal.posterior)} of {len(cal.samples)} draws)")
    return fig


def _quantiles_of_present(values: np.ndarray, q: tuple[float, ...]) -> Any:
    """Quantiles per column of the values present (a mean loss is missing without attacks).

    NaN for a column with none, without numpy's all-NaN warning.
    """
    out = np.full((len(q), values.shape[1]), np.nan)
    for j in range(values.shape[1]):
        column = values[~np.isnan(values[:, j]), j]
        if column.size:
            out[:, j] = np.quantile(column, q)
    return out
