"""Ambush hazard and attack losses: pure functions, units in every docstring."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "attack_probability",
    "beta_parameters",
    "captured_tankers",
    "lost_tankers",
]


def attack_probability(
    hazard_per_100km: ArrayLike,
    intensity: ArrayLike,
    risk: ArrayLike,
    deterrence: ArrayLike,
    length_km: ArrayLike,
) -> NDArray[np.float64]:
    """Probability that a convoy is attacked on one leg.

    ``p = 1 - exp(-hazard_per_100km * intensity * risk * deterrence * length_km / 100)``:
    attacks arrive as a Poisson process along the road, and a convoy counts as attacked
    on the leg if at least one arrives.

    Parameters
    ----------
    hazard_per_100km : array_like
        Expected attacks per 100 km at blockade intensity 1 [1/100 km].
    intensity : array_like
        Blockade intensity on the corridor at the time [-]; 0 means no attacks.
    risk : array_like
        Relative risk weight of the leg [-].
    deterrence : array_like
        Product of the escorting forces' deterrence factors; 1 when unescorted [-].
    length_km : array_like
        Leg length [km].

    Returns
    -------
    numpy.ndarray
        Probability in [0, 1] [-].
    """
    rate = (
        np.asarray(hazard_per_100km, dtype=float)
        * np.asarray(intensity, dtype=float)
        * np.asarray(risk, dtype=float)
        * np.asarray(deterrence, dtype=float)
        * np.asarray(length_km, dtype=float)
        / 100.0
    )
    return -np.expm1(-rate)


def attack_probability_scalar(
    hazard_per_100km: float, intensity: float, risk: float, deterrence: float, length_km: float
) -> float:
    """Scalar form of :func:`attack_probability` for the simulation's inner loop [-]."""
    return -math.expm1(-hazard_per_100km * intensity * risk * deterrence * length_km / 100.0)


def beta_parameters(mean: float, concentration: float) -> tuple[float, float]:
    """Beta ``(a, b)`` with the given mean and concentration ``a + b``.

    Parameters
    ----------
    mean : float
        Mean fraction of the convoy lost in an attack [-], clipped into (1e-9, 1 - 1e-9)
        so that the Beta distribution stays proper.
    concentration : float
        ``a + b`` [-]; larger means less spread around the mean.

    Returns
    -------
    tuple of float
        ``(a, b)``.
    """
    m = min(max(mean, 1e-9), 1.0 - 1e-9)
    return m * concentration, (1.0 - m) * concentration


def lost_tankers(n_tankers: int, fraction: float, u: float) -> int:
    """Tankers lost in an attack: ``floor(fraction * n_tankers + u)``, at most ``n_tankers``.

    Stochastic rounding with a uniform ``u`` in [0, 1) keeps the expected loss equal to
    ``fraction * n_tankers`` [tankers] and makes the survivors a non-decreasing function of
    the convoy size, so more attacks never leave more tankers alive.

    Parameters
    ----------
    n_tankers : int
        Tankers in the convoy [tankers].
    fraction : float
        Fraction lost, e.g. a Beta draw [-].
    u : float
        Uniform draw in [0, 1) [-].
    """
    return min(n_tankers, math.floor(fraction * n_tankers + u))


def captured_tankers(lost: int, capture_fraction: float, u: float) -> int:
    """How many of ``lost`` tankers are captured rather than burned [tankers].

    ``floor(capture_fraction * lost + u)`` with a uniform ``u`` in [0, 1), at most ``lost``.
    """
    return min(lost, math.floor(capture_fraction * lost + u))
