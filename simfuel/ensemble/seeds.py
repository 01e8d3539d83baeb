"""Every seed the many-runs code uses, by name, over the layout of :mod:`simfuel.seeds`.

One root SeedSequence per call (ensemble, sweep, calibration, sensitivity analysis, fleet
sizing); every stream below is a child of it with a fixed-length key
``root.spawn_key + (role, x, y, z)`` (:func:`simfuel.seeds.role_seed`), built without
mutating the root:

* replication ``r`` of an ensemble, and of every point under common random numbers:
  ``(REPLICATION, 0, 0, r)`` (:func:`replication_seed`), which depends neither on how
  many replications run, nor on the batch or the executor;
* replication ``r`` of point ``p`` without common random numbers: ``(POINT, 0, p, r)``
  (:func:`point_seed`);
* the prior draws of a calibration: ``(PRIOR, 0, 0, 0)`` (:func:`prior_seed`);
* SALib's sampler and bootstrap: an int from the state of ``(SALIB, 0, 0, 0)``
  (:func:`salib_seed`);
* the bootstrap of a fleet sizing: ``(BOOTSTRAP, 0, 0, 0)`` (:func:`bootstrap_seed`).

The root itself is only a parent: no Generator draws from its own state.
"""

from __future__ import annotations

import numpy as np

from ..seeds import Role, SeedLike, as_seed_sequence, role_seed

__all__ = [
    "PRIOR_STREAM",
    "bootstrap_seed",
    "point_seed",
    "prior_seed",
    "replication_seed",
    "root_seed",
    "salib_seed",
]

#: The role of a calibration's prior draws, apart from the replications.
PRIOR_STREAM = Role.PRIOR


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
    return role_seed(root, Role.REPLICATION, index)


def point_seed(
    root: np.random.SeedSequence, point: int, rep: int, common_random_numbers: bool
) -> np.random.SeedSequence:
    """The seed of replication ``rep`` at point ``point`` (both >= 0) under ``root``.

    With common random numbers, replication ``rep`` draws the same streams at every point
    (:func:`replication_seed`, as in an ensemble); without, every (point, replication)
    has its own child ``(POINT, 0, point, rep)``. :meth:`EnsembleResult.replication_inputs` re-runs
    from these.
    """
    if common_random_numbers:
        return replication_seed(root, rep)
    return role_seed(root, Role.POINT, point, rep)


def prior_seed(root: np.random.SeedSequence) -> np.random.SeedSequence:
    """The stream of a calibration's prior draws."""
    return role_seed(root, Role.PRIOR)


def salib_seed(root: np.random.SeedSequence) -> int:
    """An int for SALib, from the state of the root's SALIB child."""
    state = int(role_seed(root, Role.SALIB).generate_state(1, dtype=np.uint32)[0])
    return state % (2**31 - 2) + 1  # SALib's Sobol analyser treats 0 as "no seed"


def bootstrap_seed(root: np.random.SeedSequence) -> np.random.SeedSequence:
    """The seed of a fleet sizing's bootstrap of replications (the root's BOOTSTRAP child)."""
    return role_seed(root, Role.BOOTSTRAP)
