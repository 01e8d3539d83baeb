"""The escort-fleet sizing curve: units -> probability of keeping the depot supplied."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._layout import FONT_MIN, fit_figure
from ._style import BAND_COLOR, get_ax, plain

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..analysis.fleet import FleetSizing

__all__ = ["fleet_curve"]


def fleet_curve(sizing: FleetSizing, *, ax: Axes | None = None) -> Axes:
    """The curve units -> probability with its intervals, the target and the answer.

    What :meth:`simfuel.FleetSizing.plot` draws.

    Parameters
    ----------
    sizing : FleetSizing
        What :func:`simfuel.size_fleet` returned.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (a new figure if None).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = get_ax(ax, figsize=(9, 4.5))
    fit_figure(ax)
    c = sizing.curve
    ax.fill_between(c["units"], c["low"], c["high"], color=BAND_COLOR, alpha=0.2, lw=0)
    ax.errorbar(
        c["units"],
        c["probability"],
        yerr=[c["probability"] - c["low"], c["high"] - c["probability"]],
        fmt="o-",
        color=BAND_COLOR,
        capsize=3,
        label=f"share of replications meeting the criterion ({sizing.confidence:.0%} Wilson)",
    )
    ax.axhline(sizing.probability, color="0.3", ls="--", lw=1, label="target")
    lo, hi = sizing.answer_range
    if lo is not None:
        right = hi if hi is not None else c["units"].max()
        ax.axvspan(
            lo - 0.3,
            right + 0.3,
            color="#e6ab02",
            alpha=0.15,
            lw=0,
            label="answer range" if hi is not None else "answer range (upper end open)",
        )
    if sizing.answer is not None:
        ax.axvline(sizing.answer, color="#d95f02", lw=1.5, label=f"answer: {sizing.answer}")
    ax.set_xlabel(f"units of {plain(sizing.force)} [-]")
    ax.set_ylabel("probability [share of replications]")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xticks(c["units"])
    ax.set_title(
        f"cover ≥ {sizing.min_cover_days:g} days on ≥ {sizing.day_share:.0%} of days "
        f"{sizing.after:%d %b}–{sizing.until:%d %b %Y}",
        fontsize="medium",
        wrap=True,
    )
    # Beside the axes: inside, wherever it goes, it hides a point of some curve.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=FONT_MIN, frameon=False)
    return ax
