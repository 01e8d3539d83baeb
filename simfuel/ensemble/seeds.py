"""Every seed the many-runs code uses, chosen here and nowhere else.

One root SeedSequence per call (ensemble, sweep, calibration, sensitivity analysis, fleet
sizing); every stream below is derived from it without mutating it:

* replication ``r`` of an ensemble, and of every point under common random numbers:
  the child with spawn key ``root.spawn_key + (r,)`` (:func:`replication_seed`) - the
  stream ``root.spawn(n)[r]`` would give, built directly so that it depends neither on
  how many children were spawned before, nor on the batch or the executor;
* replication ``r`` of point ``p`` without common random numbers: child ``(p, r)``
  (:func:`point_seed`);
* the prior draws of a calibration: child ``(2**31 - 1,)`` (:func:`prior_seed`);
* SALib's sampler and bootstrap: an int from the root's own state (:func:`salib_seed`);
* the bootstrap of a fleet sizing: four words of the root's state (:func:`bootstrap_seed`).

These are the layouts simfuel has always used, so results are unchanged; changing one
is one edit here.
"""

from __future__ import annotations

import numpy as np

from ..run import SeedLike, as_seed_sequence
from ..sim.engine import child_seed

__all__ = [
    "PRIOR_STREAM",
    "bootstrap_seed",
    "point_seed",
    "prior_seed",
    "replication_seed",
    "root_seed",
    "salib_seed",
]

#: Child key of the root for a calibration's prior draws, apart from the replications.
PRIOR_STREAM = 2**31 - 1


def root_seed(seed: SeedLike, *, pinned: bool = False) -> np.random.SeedSequence:
    """The root SeedSequence of a call (None draws OS entropy, recorded in the result).

    With ``pinned``, refuse a SeedSequence whose entropy is not one integer: workers and
    results record the root as ``(entropy, spawn_key)``.
    """
    root = as_seed_sequence(seed)
    if pinned and not isinstance(root.entropy, int):
        raise ValueError("the root SeedSequence must have integer entropy")
    return root


def replication_seed(root: np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    """The SeedSequence of replication ``index`` (>= 0) of the ensemble rooted at ``root``."""
    if index < 0:
        raise ValueError(f"replication index must be >= 0 (got {index})")
    return child_seed(root, index)


def point_seed(
    root: np.random.SeedSequence, point: int, rep: int, common_random_numbers: bool
) -> np.random.SeedSequence:
    """The seed of replication ``rep`` at point ``point`` (both >= 0) under ``root``.

    With common random numbers, replication ``rep`` draws the same streams at every point
    (child ``rep`` of the root, as in an ensemble); without, every (point, replication)
    has its own child ``(point, rep)``. :meth:`EnsembleResult.replication_inputs` re-runs
    from these.
    """
    if common_random_numbers:
        return replication_seed(root, rep)
    return child_seed(root, point, rep)


def prior_seed(root: np.random.SeedSequence) -> np.random.SeedSequence:
    """The stream of a calibration's prior draws."""
    return child_seed(root, PRIOR_STREAM)


def salib_seed(root: np.random.SeedSequence) -> int:
    """An int for SALib from the root's own state (children feed the replications)."""
    state = int(root.generate_state(1, dtype=np.uint32)[0])
    return state % (2**31 - 2) + 1  # SALib's Sobol analyser treats 0 as "no seed"


def bootstrap_seed(root: np.random.SeedSequence) -> np.ndarray:
    """The seed of a fleet sizing's bootstrap of replications (the root's own state)."""
    return root.generate_state(4)
