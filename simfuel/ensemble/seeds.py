"""Seeds of an ensemble: one root SeedSequence, one child per replication.

Replication ``i`` always gets the child with spawn key ``root.spawn_key + (i,)``: the
same stream ``root.spawn(n)[i]`` would give, but built directly so it does not depend on
how many children were spawned before, on the batch it ran in, or on the executor.
"""

from __future__ import annotations

import numpy as np

from ..run import SeedLike, as_seed_sequence
from ..sim.engine import child_seed

__all__ = ["replication_seed", "root_seed"]


def root_seed(seed: SeedLike) -> np.random.SeedSequence:
    """The ensemble's root SeedSequence (None draws OS entropy, recorded in the result)."""
    return as_seed_sequence(seed)


def replication_seed(root: np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    """The SeedSequence of replication ``index`` (>= 0) of the ensemble rooted at ``root``."""
    if index < 0:
        raise ValueError(f"replication index must be >= 0 (got {index})")
    return child_seed(root, index)
