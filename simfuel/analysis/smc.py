"""Sequential Monte Carlo ABC (population Monte Carlo) on a box-shaped uniform prior.

The algorithm of Beaumont, Cornuet, Marin and Robert (2009, *Biometrika* 96: 983-990),
with the adaptive tolerance of Del Moral, Doucet and Jasra (2012): generation 0 draws
from the prior and keeps the closest ``keep`` draws; generation ``t`` proposes from the
previous population (a particle chosen by weight, moved by a Gaussian kernel with twice
the population's weighted variance, truncated to the prior box), keeps the proposals
within a tolerance that never grows (the ``keep``-th smallest distance of the generation,
or the previous tolerance if smaller), and weighs each by prior over proposal density.

Pure: it knows nothing of scenarios. The caller passes ``distance(theta, generation)``,
which simulates a matrix of parameter rows and returns one distance per row (NaN: a
failed simulation, never kept). Every random draw comes from the Generators the caller
passes, one per generation, so a fit is reproducible from one seed whatever runs the
simulations. The kernel is diagonal so that its truncation to the box has an exact
normalising constant (a product of one-dimensional normal masses): the weights stay
exact importance weights, not an approximation near the prior's edges.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["SMCResult", "effective_sample_size", "smc_abc", "systematic_resample"]

#: Proposals tried per needed one before giving up on the box (a kernel far wider than it).
_MAX_TRIES = 1000


@dataclass
class SMCResult:
    """What :func:`smc_abc` returns.

    Attributes
    ----------
    theta : numpy.ndarray, shape (n, k)
        Every proposal of every generation, generation after generation.
    distance : numpy.ndarray, shape (n,)
        Their distances (NaN: failed).
    generation : numpy.ndarray of int, shape (n,)
        The generation of each proposal.
    population : numpy.ndarray of int
        Rows of ``theta`` in the last population.
    weights : numpy.ndarray
        Their normalised importance weights (sum 1).
    tolerances : list of float
        The tolerance of each generation (non-increasing).
    ess : list of float
        The effective sample size of each generation's population.
    accepted : list of int
        Population size of each generation.
    """

    theta: np.ndarray
    distance: np.ndarray
    generation: np.ndarray
    population: np.ndarray
    weights: np.ndarray
    tolerances: list[float]
    ess: list[float]
    accepted: list[int]


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` of importance weights."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w**2).sum()) if w.size and (w**2).sum() > 0 else 0.0


def systematic_resample(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` indices drawn in proportion to ``weights`` by systematic resampling.

    One uniform draw places ``n`` evenly spaced pointers on the cumulative weights: every
    index appears ``floor(n w)`` or ``ceil(n w)`` times, less noise than multinomial.
    """
    w = np.asarray(weights, dtype=float)
    cum = np.cumsum(w / w.sum())
    cum[-1] = 1.0  # rounding must not leave the last pointer past the end
    pointers = (rng.random() + np.arange(n)) / n
    return np.searchsorted(cum, pointers, side="right").clip(0, len(w) - 1)


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    erf = np.vectorize(math.erf, otypes=[float])
    return np.asarray(0.5 * (1.0 + erf(np.asarray(x, dtype=float) / math.sqrt(2.0))))


def _kernel_sd(theta: np.ndarray, w: np.ndarray, lows: np.ndarray, highs: np.ndarray) -> np.ndarray:
    """Twice the weighted variance per coordinate (Beaumont et al.), as a standard deviation.

    A floor of 1e-6 of the prior width keeps a collapsed coordinate (one distinct value)
    moving.
    """
    mean = (w[:, None] * theta).sum(axis=0)
    var = (w[:, None] * (theta - mean) ** 2).sum(axis=0)
    return np.sqrt(np.maximum(2.0 * var, (1e-6 * (highs - lows)) ** 2))


def _propose(
    theta: np.ndarray,
    w: np.ndarray,
    sd: np.ndarray,
    lows: np.ndarray,
    highs: np.ndarray,
    n: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """``n`` draws from the mixture of truncated kernels around the weighted particles."""
    out = np.empty((0, theta.shape[1]))
    for _ in range(_MAX_TRIES):
        need = n - len(out)
        parents = rng.choice(len(theta), size=need, p=w)
        moved = theta[parents] + sd * rng.standard_normal((need, theta.shape[1]))
        inside = ((moved >= lows) & (moved <= highs)).all(axis=1)
        out = np.concatenate([out, moved[inside]])
        if len(out) >= n:
            return out[:n]
    raise RuntimeError("smc_abc: the kernel proposes almost nothing inside the prior box")


def _weights(
    new: np.ndarray,
    old: np.ndarray,
    w_old: np.ndarray,
    sd: np.ndarray,
    lows: np.ndarray,
    highs: np.ndarray,
) -> np.ndarray:
    """Prior density (constant on the box) over the proposal density, normalised."""
    # Mass of each parent's kernel inside the box: the truncation's normaliser.
    mass = np.prod(_normal_cdf((highs - old) / sd) - _normal_cdf((lows - old) / sd), axis=1)
    z = (new[:, None, :] - old[None, :, :]) / sd  # (new, old, k)
    log_k = -0.5 * (z**2).sum(axis=2) - np.log(sd).sum()  # up to a constant shared by all
    dens = (np.exp(log_k) * (w_old / np.maximum(mass, 1e-300))[None, :]).sum(axis=1)
    raw = 1.0 / np.maximum(dens, 1e-300)
    return np.asarray(raw / raw.sum())


def smc_abc(
    distance: Callable[[np.ndarray, int], np.ndarray],
    lows: Sequence[float] | np.ndarray,
    highs: Sequence[float] | np.ndarray,
    *,
    proposals: int,
    keep: int,
    generations: int,
    rngs: Sequence[np.random.Generator],
) -> SMCResult:
    """Run population Monte Carlo ABC on the uniform prior over ``[lows, highs]``.

    Parameters
    ----------
    distance : callable
        ``distance(theta, generation)``: one distance per row of ``theta`` (shape
        ``(proposals, k)``); NaN for a failed simulation.
    lows, highs : sequence of float
        The prior box.
    proposals : int
        Simulations per generation.
    keep : int
        Proposals kept per generation at most (the tolerance is the ``keep``-th smallest
        distance); ``1 <= keep <= proposals``.
    generations : int
        Generations, the prior draws included (1: plain rejection ABC).
    rngs : sequence of numpy.random.Generator
        One stream per generation (its proposals; generation 0: the prior draws).

    Returns
    -------
    SMCResult

    Raises
    ------
    ValueError
        For bad sizes, or when a generation has no finite distance.
    """
    lo, hi = np.asarray(lows, dtype=float), np.asarray(highs, dtype=float)
    if not 1 <= keep <= proposals:
        raise ValueError(f"keep must be in [1, proposals] (got {keep} of {proposals})")
    if generations < 1 or len(rngs) < generations:
        raise ValueError(f"need generations >= 1 and one rng each (got {generations})")
    thetas, dists, gens = [], [], []
    tolerances: list[float] = []
    ess: list[float] = []
    accepted: list[int] = []
    pop = np.empty((0, len(lo)))
    w = np.empty(0)
    pop_rows = np.empty(0, dtype=int)
    offset = 0
    for g in range(generations):
        rng = rngs[g]
        if g == 0:
            theta = lo + (hi - lo) * rng.random((proposals, len(lo)))
            sd = np.ones(len(lo))
        else:
            sd = _kernel_sd(pop, w, lo, hi)
            theta = _propose(pop, w, sd, lo, hi, proposals, rng)
        d = np.asarray(distance(theta, g), dtype=float)
        finite = np.isfinite(d)
        if not finite.any():
            raise ValueError(f"smc_abc: every simulation of generation {g} failed")
        order = np.argsort(np.where(finite, d, np.inf), kind="stable")
        eps = float(d[order[min(keep, int(finite.sum())) - 1]])
        if tolerances:
            eps = min(eps, tolerances[-1])
        kept = order[: int((np.where(finite, d, np.inf) <= eps).sum())]
        if len(kept) == 0:  # nothing under the old tolerance: keep the single closest
            kept = order[:1]
            eps = float(d[kept[0]])
        new_w = (
            np.full(len(kept), 1.0 / len(kept))
            if g == 0
            else _weights(theta[kept], pop, w, sd, lo, hi)
        )
        pop, w = theta[kept], new_w
        pop_rows = offset + kept
        thetas.append(theta)
        dists.append(d)
        gens.append(np.full(proposals, g))
        tolerances.append(eps)
        ess.append(effective_sample_size(w))
        accepted.append(len(kept))
        offset += proposals
    return SMCResult(
        theta=np.concatenate(thetas),
        distance=np.concatenate(dists),
        generation=np.concatenate(gens),
        population=pop_rows,
        weights=w,
        tolerances=tolerances,
        ess=ess,
        accepted=accepted,
    )
