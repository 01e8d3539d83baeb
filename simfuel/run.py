"""``run``: one replication of a scenario."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from typing import Any

from .results import RunResult
from .scenario import Scenario, load_scenario
from .scenario.provenance import provenance_of
from .seeds import SeedLike, as_seed_sequence  # re-exported: their home before the seeds floor
from .sim import Simulation, compile_plan
from .sim.plan import warn_unstaffed

__all__ = ["SeedLike", "as_seed_sequence", "run"]


def run(
    scenario: Scenario | str | os.PathLike[str] | Mapping[str, Any],
    seed: SeedLike = None,
    *,
    overrides: Mapping[str, Any] | Sequence[str] | None = None,
) -> RunResult:
    """Simulate one replication of a scenario.

    Parameters
    ----------
    scenario : Scenario, path or mapping
        A validated :class:`Scenario`, or anything :func:`simfuel.load_scenario` accepts.
    seed : int, numpy.random.SeedSequence or None
        Root of every random draw of the run. The same seed gives the same result. None
        draws fresh entropy from the OS (recorded in ``RunResult.seed``).
    overrides : mapping or sequence of "path=value", optional
        Field overrides applied before running, as in ``simfuel run --set``.

    Returns
    -------
    RunResult
        Daily, convoy and event tables, with :meth:`~RunResult.summary` and
        :meth:`~RunResult.check_balance`; ``provenance`` records the scenario, its
        overrides, content hash, seed and simfuel version.

    Raises
    ------
    ScenarioError
        If the scenario (or an override) is invalid.

    Examples
    --------
    >>> import simfuel
    >>> result = simfuel.run("scenarios/mali-2025.yaml", seed=1)  # doctest: +SKIP
    >>> result.daily["days_of_cover"].min()  # doctest: +SKIP
    """
    sc = load_scenario(scenario, overrides)
    warn_unstaffed(sc)
    ss = as_seed_sequence(seed)
    rec = Simulation(compile_plan(sc), ss).run()
    entropy = ss.entropy if isinstance(ss.entropy, int) else None
    result = RunResult.from_records(sc, rec, entropy, tuple(ss.spawn_key))
    prov = provenance_of(sc, seed=entropy, spawn_key=tuple(ss.spawn_key))
    return dataclasses.replace(result, provenance=prov)
