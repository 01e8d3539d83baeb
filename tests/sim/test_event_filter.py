"""A run that keeps only some kinds of event (or none) records the same run otherwise.

The ensemble path keeps no event log and a calibration keeps only the attacks
(``Simulation(events_kept=...)``, ``Statistic.event_kinds``): this holds only if nothing
the simulation does reads the log, so every other record must be the same as a full run's,
and the kept rows must be exactly the full log's rows of those kinds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

import simfuel
from simfuel.analysis.calibrate import IncidentStats
from simfuel.ensemble.worker import PointSpec, run_tasks, simulate_arrays
from simfuel.sim import Simulation, compile_plan

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def mali():
    return simfuel.load_scenario(ROOT / "scenarios" / "mali-2025.yaml")


def _run(plan, seed, kept=None):
    return Simulation(plan, np.random.SeedSequence(seed), events_kept=kept).run()


@pytest.mark.parametrize("kept", [(), ("attacked",), ("departed", "arrived", "loaded")])
def test_kept_kinds_are_the_full_logs_rows_and_nothing_else_changes(mali, kept) -> None:
    plan = compile_plan(mali)
    full, part = _run(plan, 3), _run(plan, 3, kept)
    assert part.events == [e for e in full.events if e.kind in kept]
    assert bool(part.events) == bool(kept)  # each kept kind happened in this run
    assert part.daily == full.daily
    assert part.convoys == full.convoys
    assert [p.daily for p in part.places] == [p.daily for p in full.places]
    assert part.events_processed == full.events_processed
    assert len(full.events) > len(part.events)  # the full log had other kinds to drop


def test_the_ensemble_path_gives_the_arrays_of_a_full_run(mali) -> None:
    plan = compile_plan(mali)
    daily, summary = simulate_arrays(plan, np.random.SeedSequence(4))
    full = _run(plan, 4)
    from simfuel.ensemble.worker import arrays_from_records

    want_daily, want_summary = arrays_from_records(full)
    np.testing.assert_array_equal(daily, want_daily)
    np.testing.assert_array_equal(summary, want_summary)


class _KindCounter:
    """A statistic that counts the event rows it is given, by kind."""

    KINDS = ("attacked", "departed", "arrived", "loaded")

    def __init__(self, event_kinds=None) -> None:
        if event_kinds is not None:
            self.event_kinds = frozenset(event_kinds)

    def __call__(self, rec, scenario) -> np.ndarray:
        return np.array([sum(e.kind == k for e in rec.events) for k in self.KINDS], float)


def test_a_statistic_gets_the_kinds_it_asks_for_or_every_kind(mali) -> None:
    root = np.random.SeedSequence(11)
    spec = dict(base=mali, entropy=root.entropy, spawn_key=())
    every = run_tasks(PointSpec(**spec, stat=_KindCounter()), [(0, 0)]).stats[0]
    asked = run_tasks(PointSpec(**spec, stat=_KindCounter({"departed"})), [(0, 0)]).stats[0]
    assert every[1] > 0 and every[2] > 0 and every[3] > 0
    assert asked.tolist() == [0.0, every[1], 0.0, 0.0]


def test_incident_statistics_of_records_are_those_of_their_table(mali) -> None:
    stats = IncidentStats(dt.date(2025, 9, 1), dt.date(2025, 10, 31), tuple(mali.corridors), 5)
    rec = _run(compile_plan(mali), 2)
    attacks = simfuel.run(mali, seed=2).events
    attacks = attacks[(attacks["kind"] == "attacked") & (attacks["tankers"] >= 5)]
    import pandas as pd

    table = pd.DataFrame(
        {
            "date": [t.date() for t in attacks["time"]],
            "corridor": list(attacks["corridor"]),
            "lost": [float(x) for x in attacks["tankers"]],
            "counts": [True] * len(attacks),
        }
    )
    assert len(table) > 3  # attacks in the window to count
    got, want = stats(rec, mali), stats.vector(table)
    np.testing.assert_array_equal(got, want)
    assert stats.event_kinds == frozenset({"attacked"})
