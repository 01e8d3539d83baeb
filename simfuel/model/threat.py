"""Ambush hazard and attack losses: pure functions, units in every docstring."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "ATTACK_MODES",
    "attack_mode",
    "attack_probability",
    "beta_parameters",
    "captured_tankers",
    "lost_tankers",
    "size_factor",
]

#: The outcomes of an attack, in the order :func:`attack_mode` reads its probabilities.
ATTACK_MODES = ("burn", "seize", "both")


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


def size_factor(
    n_tankers: ArrayLike, reference_tankers: float, exponent: float
) -> NDArray[np.float64]:
    """Hazard multiplier of a convoy: ``(n_tankers / reference_tankers) ** exponent``.

    Multiplies the attack rate of :func:`attack_probability`: with ``exponent`` 0 every
    convoy has the same hazard (the factor is exactly 1); with 1 the hazard is proportional
    to the convoy's size (twice the tankers, twice the expected attacks per km).

    Parameters
    ----------
    n_tankers : array_like
        Tankers in the convoy [tankers] (>= 1).
    reference_tankers : float
        Size whose factor is 1 [tankers] (> 0).
    exponent : float
        Elasticity of the hazard with respect to the convoy's size [-].

    Returns
    -------
    numpy.ndarray
        The factor [-], > 0.
    """
    n = np.asarray(n_tankers, dtype=float)
    return np.asarray(np.power(n / reference_tankers, exponent), dtype=float)


def size_factor_scalar(n_tankers: int, reference_tankers: float, exponent: float) -> float:
    """Scalar form of :func:`size_factor` for the simulation's inner loop [-]."""
    return 1.0 if exponent == 0 else float((n_tankers / reference_tankers) ** exponent)


def attack_mode(probabilities: tuple[float, float, float], u: float) -> str:
    """Which outcome an attack has: ``"burn"``, ``"seize"`` or ``"both"``.

    Parameters
    ----------
    probabilities : tuple of float
        Probabilities of burn, seize and both [-], summing to 1.
    u : float
        Uniform draw in [0, 1) [-]: burn if ``u < p_burn``, seize if
        ``u < p_burn + p_seize``, else both (so a mode with probability 0 never occurs).
    """
    burn, seize, _both = probabilities
    if u < burn:
        return "burn"
    if u < burn + seize:
        return "seize"
    return "both"


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


def lost_tankers(n_tankers: int, fraction: float, u: float, cap: int | None = None) -> int:
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
    cap : int or None
        Most tankers one attack can destroy or capture (the attackers' capacity)
        [tankers]; None for no limit.
    """
    lost = min(n_tankers, math.floor(fraction * n_tankers + u))
    return lost if cap is None else min(lost, cap)


def captured_tankers(lost: int, capture_fraction: float, u: float) -> int:
    """How many of ``lost`` tankers are captured rather than burned [tankers].

    ``floor(capture_fraction * lost + u)`` with a uniform ``u`` in [0, 1), at most ``lost``.
    """
    return min(lost, math.floor(capture_fraction * lost + u))
