"""One seed layout: no two roles, nor two indices of one role, share a stream.

Every key a run or a many-runs call makes is enumerated over a grid of indices, for the
layout of :mod:`simfuel.seeds` and for the layout simfuel used before it; the checker must
pass the first and find the collision of the second (issue 9: the non-CRN demand stream
of point p, replication r was the CRN threat stream of replication p).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pytest

import simfuel
import simfuel.sim.engine as engine
from simfuel.ensemble.seeds import (
    bootstrap_seed,
    point_seed,
    prior_seed,
    replication_seed,
    salib_seed,
)
from simfuel.scenario import apply_overrides, load_scenario
from simfuel.seeds import KEY_WIDTH, Role, role_seed, stream

Key = tuple[int, ...]
SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "mali-2025.yaml"
POINTS = REPS = range(51)
CORRIDORS = range(11)
CONVOYS, LEGS = range(4), range(3)
PER_CORRIDOR = (Role.THREAT, Role.LOSSES, Role.DELAYS, Role.ATTACK_DELAYS)
#: Per-corridor streams a run makes only when the scenario asks (threat.outcomes).
OPTIONAL_PER_CORRIDOR = (Role.ATTACK_MODE,)


PLACES = range(3)  # mali-2025: Bamako, Ségou, Mopti


def new_run_suffixes() -> list[Key]:
    """Keys, relative to a run's seed, of every Generator one run makes."""
    out: list[Key] = [(int(role), 0, 0, c) for role in PER_CORRIDOR for c in CORRIDORS]
    # One demand stream per stock: the depot (0) and each destination (1, 2, ...).
    out += [(int(Role.DEMAND), 0, 0, p) for p in PLACES]
    out += [(int(Role.LEG_LOSS), c, n, j) for c in CORRIDORS for n in CONVOYS for j in LEGS]
    out += [(int(role), 0, 0, c) for role in OPTIONAL_PER_CORRIDOR for c in CORRIDORS]
    return out


def old_run_suffixes() -> list[Key]:
    """The same before simfuel.seeds: (subsystem, corridor) and (demand,)."""
    sub = {"threat": 0, "losses": 1, "delays": 2, "demand": 3, "attack_delays": 4}
    out: list[Key] = [
        (sub[name], c)
        for name in ("threat", "losses", "delays", "attack_delays")
        for c in CORRIDORS
    ]
    return [*out, (sub["demand"],)]


def enumerate_keys(
    root: Key,
    replication: Callable[[int], Key],
    point: Callable[[int, int], Key],
    own: Iterable[Key],
    run_suffixes: list[Key],
) -> tuple[dict[Key, str], set[Key], list[str]]:
    """Every Generator key (with its role), every parent key, and the keys made twice.

    ``own``: Generators made from children of the root itself (prior, SALib, bootstrap).
    The root is also the seed of a single ``simfuel.run``, so its run streams count too.
    """
    generators: dict[Key, str] = {}
    clashes: list[str] = []

    def add(key: Key, role: str) -> None:
        if key in generators:
            clashes.append(f"{role} and {generators[key]} share key {key}")
        generators.setdefault(key, role)

    runs: dict[str, Key] = {"run": root}
    runs.update({f"replication {r}": replication(r) for r in REPS})
    runs.update({f"point {p} replication {r}": point(p, r) for p in POINTS for r in REPS})
    for name, seed in runs.items():
        for s in run_suffixes:
            add((*seed, *s), f"stream {s} of {name}")
    for i, key in enumerate(own):
        add(key, f"root stream {i}")
    return generators, set(runs.values()), clashes


def problems(generators: dict[Key, str], parents: set[Key], clashes: list[str]) -> list[str]:
    """Shared keys, Generator keys that are parents, Generator keys prefixing others."""
    out = list(clashes)
    for key, role in generators.items():
        if key in parents:
            out.append(f"{role} is also a parent: {key}")
        for n in range(len(key)):
            if key[:n] in generators:
                out.append(f"{generators[key[:n]]} is a prefix of {role}")
    return out


ROOT = np.random.SeedSequence(2025, spawn_key=(7,))


def new_layout() -> tuple[dict[Key, str], set[Key], list[str]]:
    def key(ss: np.random.SeedSequence) -> Key:
        return tuple(ss.spawn_key)

    own = [key(prior_seed(ROOT)), key(role_seed(ROOT, Role.SALIB)), key(bootstrap_seed(ROOT))]
    return enumerate_keys(
        key(ROOT),
        lambda r: key(replication_seed(ROOT, r)),
        lambda p, r: key(point_seed(ROOT, p, r, False)),
        own,
        new_run_suffixes(),
    )


def test_no_two_roles_share_a_stream():
    generators, parents, clashes = new_layout()
    assert len(generators) > 51 * 51 * len(new_run_suffixes())
    assert problems(generators, parents, clashes) == []


def test_the_old_layout_is_caught_by_the_same_check():
    root = tuple(ROOT.spawn_key)
    found = problems(
        *enumerate_keys(
            root,
            lambda r: (*root, r),
            lambda p, r: (*root, p, r),
            [(*root, 2**31 - 1)],  # the prior; SALib and the bootstrap drew the root's own state
            old_run_suffixes(),
        )
    )
    # The collision named in the issue: the demand stream (3,) of point 2, replication 0
    # is the threat stream (0, 3) of replication 2 on corridor 3.
    clash = "stream (3,) of point 2 replication 0 and stream (0, 3) of replication 2"
    assert f"{clash} share key (7, 2, 0, 3)" in found


def test_the_role_numbers_are_the_documented_layout():
    """The README gives these numbers, and every published figure depends on them."""
    assert {r.name: int(r) for r in Role} == {
        "REPLICATION": 1,
        "POINT": 2,
        "PRIOR": 3,
        "SALIB": 4,
        "BOOTSTRAP": 5,
        "THREAT": 16,
        "LOSSES": 17,
        "DELAYS": 18,
        "ATTACK_DELAYS": 19,
        "DEMAND": 20,
        "LEG_LOSS": 21,
        "ATTACK_MODE": 22,
        "RETURN_LEG": 23,
    }
    assert len(set(Role)) == len(Role.__members__)  # no alias: no two roles share a number


def test_the_roots_own_children_are_named_roles():
    assert tuple(replication_seed(ROOT, 5).spawn_key) == (7, Role.REPLICATION, 0, 0, 5)
    assert tuple(point_seed(ROOT, 2, 5, False).spawn_key) == (7, Role.POINT, 0, 2, 5)
    assert tuple(prior_seed(ROOT).spawn_key) == (7, Role.PRIOR, 0, 0, 0)
    assert tuple(bootstrap_seed(ROOT).spawn_key) == (7, Role.BOOTSTRAP, 0, 0, 0)
    salib = role_seed(ROOT, Role.SALIB).generate_state(1, dtype=np.uint32)[0]
    assert salib_seed(ROOT) == int(salib) % (2**31 - 2) + 1
    assert ROOT.n_children_spawned == 0  # never mutated


def test_every_stream_the_engine_makes_is_in_the_enumerated_layout(monkeypatch):
    """The grid above is what the engine really does: record its streams on a real run."""
    made: list[Key] = []

    def recording(parent, role, *index):
        made.append(tuple(role_seed(parent, role, *index).spawn_key)[len(parent.spawn_key) :])
        return stream(parent, role, *index)

    monkeypatch.setattr(engine, "stream", recording)
    seed = replication_seed(ROOT, 4)
    # mali-2025 ships attack modes; the layout without them first.
    plain = apply_overrides(load_scenario(SCENARIO), {"threat.outcomes": None})
    result = simfuel.run(plain, seed=seed)
    assert result.summary()["attacks"] > 0  # so leg streams were made
    assert {Role(k[0]) for k in made} == {*PER_CORRIDOR, Role.DEMAND, Role.LEG_LOSS}
    # With attack modes, one stream more per corridor, and only that.
    without = set(made)
    made.clear()
    moded = apply_overrides(
        load_scenario(SCENARIO), {"threat.outcomes": {"burn": 0.5, "both": 0.5}}
    )
    simfuel.run(moded, seed=seed)
    assert {Role(k[0]) for k in set(made) - without} == set(OPTIONAL_PER_CORRIDOR)
    assert set(new_run_suffixes()) >= {k for k in made if k[0] != Role.LEG_LOSS}
    assert all(len(k) == KEY_WIDTH for k in made)
    assert len(made) == len(set(made))  # one Generator per key in a run
    grid = set(new_run_suffixes())
    small = [k for k in made if k[0] != Role.LEG_LOSS or (k[2] in CONVOYS and k[3] in LEGS)]
    assert len(small) < len(made)  # the run had more convoys than the grid: legs keyed
    assert set(small) <= grid


@pytest.mark.parametrize(
    ("role", "index"), [(Role.REPLICATION, -1), (Role.POINT, 2**32), (Role.LEG_LOSS, 2**40)]
)
def test_an_index_outside_32_bits_is_refused(role, index):
    # SeedSequence hashes a big int as several words: it would break the fixed width.
    with pytest.raises(ValueError, match=r"index must be in \[0, 2\*\*32\)"):
        role_seed(ROOT, role, index)


def test_more_indices_than_the_width_are_refused():
    with pytest.raises(ValueError, match="at most 3 indices"):
        role_seed(ROOT, Role.LEG_LOSS, 1, 2, 3, 4)
