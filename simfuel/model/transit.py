"""Transit times and delay distributions: pure functions."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

__all__ = [
    "ONE_UNIFORM",
    "delay_sampler",
    "draw_delay_h",
    "leg_hours",
    "route_hours",
]

#: Delay families whose draw is one uniform of the stream, transformed (``fixed`` takes
#: none): :func:`delay_sampler` can take those uniforms from a block drawn ahead.
ONE_UNIFORM = frozenset({"fixed", "uniform", "triangular"})


def leg_hours(length_km: float, speed_kmh: float) -> float:
    """Driving time of one leg [h] = ``length_km`` [km] / ``speed_kmh`` [km/h]."""
    return length_km / speed_kmh


def route_hours(lengths_km: Sequence[float], speeds_kmh: Sequence[float]) -> float:
    """Driving time of a sequence of legs [h], without stops or delays."""
    return float(sum(length / speed for length, speed in zip(lengths_km, speeds_kmh, strict=True)))


def draw_delay_h(distribution: str, params: Sequence[float], rng: np.random.Generator) -> float:
    """Draw one delay [h].

    Parameters
    ----------
    distribution : {"fixed", "uniform", "triangular", "lognormal"}
        Family of the delay distribution.
    params : sequence of float
        ``fixed``: (value_h,); ``uniform``: (low_h, high_h); ``triangular``:
        (low_h, mode_h, high_h); ``lognormal``: (mean_h, sd_h) of the delay itself.
    rng : numpy.random.Generator
        Stream to draw from (not used for ``fixed``).

    Returns
    -------
    float
        The delay [h], >= 0.
    """
    if distribution == "fixed":
        return float(params[0])
    if distribution == "uniform":
        low, high = params
        return float(rng.uniform(low, high)) if high > low else float(low)
    if distribution == "triangular":
        low, mode, high = params
        return float(rng.triangular(low, mode, high)) if high > low else float(low)
    if distribution == "lognormal":
        mean, sd = params
        if sd == 0:
            return float(mean)
        # Parameters of the underlying normal from the mean and sd of the delay.
        sigma2 = math.log1p((sd / mean) ** 2)
        mu = math.log(mean) - sigma2 / 2
        return float(rng.lognormal(mu, math.sqrt(sigma2)))
    raise ValueError(f"unknown delay distribution {distribution!r}")


def delay_sampler(
    distribution: str,
    params: Sequence[float],
    rng: np.random.Generator,
    uniform: Callable[[], float] | None = None,
) -> Callable[[], float]:
    """A zero-argument function drawing delays [h] as :func:`draw_delay_h` would.

    The simulation's hot loop calls it once per batch or attack; binding the family and
    its parameters once avoids re-dispatching on every draw. Draws are identical, in the
    same order, to calling :func:`draw_delay_h` with the same ``rng``.

    ``uniform``: for a family of :data:`ONE_UNIFORM`, a function returning ``rng``'s next
    uniform in [0, 1) (``Generator.random``, e.g. from a block drawn ahead) to draw from
    instead of ``rng``, with the same delays bit for bit: numpy's ``Generator.uniform`` is
    ``low + (high - low) * u`` and ``Generator.triangular`` the inverse of its CDF at ``u``,
    in double precision (``math.sqrt`` and C's ``sqrt`` are both correctly rounded). Other
    families ignore it and draw from ``rng``.
    """
    if distribution == "fixed":
        value = float(params[0])
        return lambda: value
    if uniform is not None and distribution in ONE_UNIFORM and params[-1] > params[0]:
        return _from_uniform(distribution, params, uniform)
    if distribution == "triangular" and params[2] > params[0]:
        low, mode, high = (float(p) for p in params)
        triangular = rng.triangular
        return lambda: float(triangular(low, mode, high))
    draw = draw_delay_h
    args = (distribution, tuple(params), rng)
    draw(*args[:2], np.random.default_rng(0))  # fail now, not mid-run, on a bad family
    return lambda: draw(*args)


def _from_uniform(
    distribution: str, params: Sequence[float], uniform: Callable[[], float]
) -> Callable[[], float]:
    """Numpy's transform of one uniform for ``uniform`` or ``triangular`` (high > low)."""
    if distribution == "uniform":
        low, high = (float(p) for p in params)
        scale = high - low
        return lambda: low + scale * uniform()
    low, mode, high = (float(p) for p in params)
    base = high - low
    ratio = (mode - low) / base
    left, right = (mode - low) * base, (high - mode) * base
    sqrt = math.sqrt

    def triangular() -> float:
        u = uniform()
        return low + sqrt(u * left) if u <= ratio else high - sqrt((1.0 - u) * right)

    return triangular
