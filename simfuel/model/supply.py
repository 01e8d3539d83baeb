"""Supply that responds to losses: pure functions of numbers and numpy arrays.

Drivers and owners load fewer vehicles on a corridor where vehicles were recently lost,
and load again as the memory fades. The *recent losses* on a corridor are an
exponentially decaying count of the vehicles lost there (destroyed or captured, on the
way out or back)::

    L(t) = sum_i n_i * 0.5 ** ((t - t_i) / half_life)      (over losses with t_i <= t)

and the dispatch rate is multiplied by the *supply factor* ``exp(-sensitivity * L(t))``:
1 with no loss, ``exp(-sensitivity * n)`` just after ``n`` vehicles are lost, back halfway
to 1 (in ``L``) one half-life later. The functional form is an assumption (no source
measures reluctance to drive); the parameters are the scenario's.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["decay", "recent_losses", "supply_factor"]


def decay(elapsed_h: float, half_life_h: float) -> float:
    """The weight left of a loss ``elapsed_h`` [h] ago under a half-life of ``half_life_h`` [h].

    ``0.5 ** (elapsed_h / half_life_h)``: 1 at once, 0.5 after one half-life.

    Raises
    ------
    ValueError
        If ``half_life_h`` is not > 0 or ``elapsed_h`` is negative.
    """
    if not half_life_h > 0:
        raise ValueError(f"half_life_h must be > 0 (got {half_life_h})")
    if elapsed_h < 0:
        raise ValueError(f"elapsed_h must be >= 0 (got {elapsed_h})")
    return float(0.5 ** (elapsed_h / half_life_h))


def recent_losses(
    loss_times_h: npt.ArrayLike,
    vehicles_lost: npt.ArrayLike,
    t_h: npt.ArrayLike,
    half_life_h: float,
) -> npt.NDArray[np.float64]:
    """The decaying count of vehicles lost before ``t_h``, ``L(t)`` of the module [vehicles].

    Parameters
    ----------
    loss_times_h : array_like
        When each loss happened [h].
    vehicles_lost : array_like
        Vehicles lost at each of those times [vehicles] (same shape).
    t_h : array_like
        The times to evaluate at [h]; a loss counts from its own time on (inclusive).
    half_life_h : float
        Time for a loss's weight to halve [h] (> 0).

    Returns
    -------
    numpy.ndarray
        ``L`` at each ``t_h`` [vehicles], the shape of ``t_h``.
    """
    if not half_life_h > 0:
        raise ValueError(f"half_life_h must be > 0 (got {half_life_h})")
    times = np.asarray(loss_times_h, dtype=float).ravel()
    lost = np.asarray(vehicles_lost, dtype=float).ravel()
    if times.shape != lost.shape:
        raise ValueError(
            f"loss_times_h and vehicles_lost differ in length ({times.size} != {lost.size})"
        )
    t = np.asarray(t_h, dtype=float)
    elapsed = t[..., None] - times  # (..., losses)
    weights = np.where(elapsed >= 0, 0.5 ** (np.maximum(elapsed, 0.0) / half_life_h), 0.0)
    return np.asarray((weights * lost).sum(axis=-1), dtype=float)


def supply_factor(
    recent_lost: npt.ArrayLike, loss_sensitivity_per_vehicle: float
) -> npt.NDArray[np.float64]:
    """The share of the dispatch rate still loaded: ``exp(-sensitivity * recent_lost)`` [-].

    Parameters
    ----------
    recent_lost : array_like
        Recent losses ``L`` [vehicles] (>= 0).
    loss_sensitivity_per_vehicle : float
        How much one recent loss deters loading [1/vehicle] (>= 0; 0: supply does not
        respond).

    Returns
    -------
    numpy.ndarray
        The factor in ``(0, 1]``, the shape of ``recent_lost``.
    """
    if loss_sensitivity_per_vehicle < 0:
        raise ValueError(
            f"loss_sensitivity_per_vehicle must be >= 0 (got {loss_sensitivity_per_vehicle})"
        )
    lost = np.asarray(recent_lost, dtype=float)
    if (lost < 0).any():
        raise ValueError("recent_lost must be >= 0")
    return np.asarray(np.exp(-loss_sensitivity_per_vehicle * lost), dtype=float)
