"""The uncertainty of a share of replications: a binomial proportion's interval.

A pure function of counts, on the maths floor so that every floor above (the CLI's
ensemble summary, the report, the brief, the escort-fleet sizing) states the same
interval for the same counts.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

__all__ = ["wilson_interval"]


def wilson_interval(
    successes: np.ndarray | int, trials: int, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided Wilson score interval for a binomial proportion.

    Parameters
    ----------
    successes : int or array of int
        Successes out of ``trials``.
    trials : int
        Number of trials (> 0).
    confidence : float
        Coverage of the interval, e.g. 0.95.

    Returns
    -------
    (low, high) : numpy arrays
    """
    if trials < 1:
        raise ValueError(f"trials must be >= 1 (got {trials})")
    k = np.asarray(successes, dtype=float)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = k / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    # Exact at the ends (0 successes: low 0; all successes: high 1), despite rounding.
    low = np.where(k <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(k >= trials, 1.0, np.clip(centre + half, 0.0, 1.0))
    return np.minimum(low, p), np.maximum(high, p)
