"""One layout for every random stream simfuel creates.

Every stream is a child of a :class:`numpy.random.SeedSequence` whose spawn key is the
parent's spawn key followed by exactly :data:`KEY_WIDTH` words::

    parent.spawn_key + (role, x, y, z)

``role`` is a :class:`Role` (all values distinct, whatever the level), then its indices
right-aligned, unused positions 0 on the left (so the last word is always the finest
index: the replication, the corridor, the leg), every word in ``[0, 2**32)``
(SeedSequence hashes a key as 32-bit words, so a larger word would be two words and break
the fixed width). Hence two different ``(role, x, y, z)`` under one parent never give the
same key, and a key of one level is never a prefix of a key of the same level. The levels:

* many-runs roots (ensemble, sweep, calibration, sensitivity analysis, fleet sizing):
  replication ``r`` (also replication ``r`` of every point under common random
  numbers) is ``(REPLICATION, 0, 0, r)``; replication ``r`` of point ``p`` without
  common random numbers is ``(POINT, 0, p, r)``; a calibration's prior draws
  ``(PRIOR, 0, 0, 0)``; SALib's sampler ``(SALIB, 0, 0, 0)``; a fleet sizing's bootstrap
  ``(BOOTSTRAP, 0, 0, 0)``;
* one run's seed (a replication above, or the root of :func:`simfuel.run`): per corridor
  ``c`` the streams ``(THREAT, 0, 0, c)``, ``(LOSSES, 0, 0, c)``, ``(DELAYS, 0, 0, c)``,
  ``(ATTACK_DELAYS, 0, 0, c)``, the depot's demand stream ``(DEMAND, 0, 0, 0)`` (the
  ``p``-th destination's ``(DEMAND, 0, 0, p)``; commodity ``k >= 1`` at place ``p``,
  ``(DEMAND, k, 0, p)``) and the loss
  fraction of leg ``j`` of the ``n``-th convoy of corridor ``c``, ``(LEG_LOSS, c, n, j)``;
  with ``threat.outcomes`` only, the attack modes of corridor ``c``,
  ``(ATTACK_MODE, 0, 0, c)`` (a stream of its own, so the others are the same with or
  without it); with a finite ``fleet`` only, the ``n``-th return trip of corridor ``c``
  draws its uniforms and attack delays from ``(RETURN_LEG, c, n, 0)`` and the loss
  fraction of its leg ``j`` from ``(RETURN_LEG, c, n, j + 1)``, so the outbound streams
  are the same whatever happens on the way back.

A run seed is a parent only: no Generator is made from it, and no Generator's key is the
parent of another. Pure numpy: the bottom floor of the package.
"""

from __future__ import annotations

import enum

import numpy as np

__all__ = [
    "KEY_WIDTH",
    "Role",
    "SeedLike",
    "as_seed_sequence",
    "child_seed",
    "role_seed",
    "stream",
]

#: What every public entry point accepts as a seed: an int, a SeedSequence, or None (OS
#: entropy, recorded in the result).
SeedLike = int | np.random.SeedSequence | None

#: Words every child adds to its parent's spawn key: the role and three indices.
KEY_WIDTH = 4

_WORD = 2**32


class Role(enum.IntEnum):
    """What a child stream is for; the first word of its key (values never reused)."""

    # Children of a many-runs root.
    REPLICATION = 1
    POINT = 2
    PRIOR = 3
    SALIB = 4
    BOOTSTRAP = 5
    # Children of one run's seed.
    THREAT = 16
    LOSSES = 17
    DELAYS = 18
    ATTACK_DELAYS = 19
    DEMAND = 20
    LEG_LOSS = 21
    ATTACK_MODE = 22
    RETURN_LEG = 23


def as_seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """Turn an integer (or None, for fresh OS entropy) into a :class:`~numpy.random.SeedSequence`.

    A SeedSequence passed in is returned as is; simfuel never calls ``spawn`` on it (child
    streams are built from its entropy and spawn key), so the caller's object is not
    changed and the same object always gives the same run.
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)):
        raise TypeError(f"seed must be an int, a numpy SeedSequence or None (got {seed!r})")
    if seed is not None and seed < 0:
        raise ValueError(f"seed must be >= 0 (got {seed})")
    return np.random.SeedSequence(None if seed is None else int(seed))


def role_seed(parent: np.random.SeedSequence, role: Role, *index: int) -> np.random.SeedSequence:
    """The child of ``parent`` for ``role`` at ``index`` (up to three indices).

    Parameters
    ----------
    parent : numpy.random.SeedSequence
        Never mutated (unlike ``spawn``): the child is built from its entropy and key.
    role : Role
        What the child is for.
    *index : int
        The role's indices, each in ``[0, 2**32)``, coarsest first.

    Returns
    -------
    numpy.random.SeedSequence
        Spawn key ``parent.spawn_key + (role, 0, ..., *index)``, always
        :data:`KEY_WIDTH` words longer than the parent's.

    Raises
    ------
    ValueError
        If there are more than three indices, or one is negative or does not fit in 32 bits.
    """
    if len(index) >= KEY_WIDTH:
        raise ValueError(f"a {Role(role).name.lower()} key has at most {KEY_WIDTH - 1} indices")
    key = (int(Role(role)), *(0,) * (KEY_WIDTH - 1 - len(index)), *index)
    for i in index:
        if not 0 <= i < _WORD:
            raise ValueError(f"{Role(role).name.lower()} index must be in [0, 2**32) (got {i})")
    return child_seed(parent, *key)


def child_seed(root: np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    """The child of ``root`` at the raw ``key``, without mutating ``root``.

    Low level: simfuel's streams go through :func:`role_seed`, which fixes the layout.
    """
    return np.random.SeedSequence(entropy=root.entropy, spawn_key=(*root.spawn_key, *key))


def stream(parent: np.random.SeedSequence, role: Role, *index: int) -> np.random.Generator:
    """A Generator on :func:`role_seed` ``(parent, role, *index)``."""
    return np.random.default_rng(role_seed(parent, role, *index))
