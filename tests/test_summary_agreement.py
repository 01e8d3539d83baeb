"""One run summary: RunResult.summary() and the ensemble's summary agree on every metric."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.ensemble.seeds import replication_seed
from simfuel.results import SUMMARY_METRICS

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))


def _as_number(value: object, start: dt.date) -> float:
    if value is None or value is pd.NaT:
        return math.nan
    if isinstance(value, pd.Timestamp):
        return float((value.date() - start).days)
    if isinstance(value, dt.date):
        return float((value - start).days)
    return float(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_run_and_ensemble_summaries_agree(path: Path) -> None:
    scenario = simfuel.load_scenario(path)
    seed = 11
    ens = simfuel.run_ensemble(scenario, 2, seed=seed, progress=False)
    root = np.random.SeedSequence(seed)
    for i in range(2):
        one = simfuel.run(scenario, seed=replication_seed(root, i)).summary()
        row = ens.replications.loc[i]
        for metric in SUMMARY_METRICS:
            want = _as_number(one[metric], scenario.start)
            got = _as_number(row[metric], scenario.start)
            assert (math.isnan(want) and math.isnan(got)) or got == pytest.approx(want), (
                f"{path.stem} replication {i}: {metric} run={want} ensemble={got}"
            )


def test_mean_escort_wait_is_over_escorted_convoys_only() -> None:
    """A known answer from the convoy table: the wait averages escorted, departed convoys."""
    scenario = simfuel.load_scenario(SCENARIOS[0].parent / "mali-2025.yaml")
    result = simfuel.run(scenario, seed=3)
    c = result.convoys
    escorted = (c["escort_forces"] != "") & (c["departed_h"] >= 0)
    assert escorted.any() and (~escorted).any(), "needs escorted and unescorted convoys"
    want = c.loc[escorted, "escort_wait_h"].mean()
    assert result.summary()["mean_escort_wait_h"] == pytest.approx(want)
    ens = simfuel.run_ensemble(scenario, 1, seed=3, progress=False)
    one = simfuel.run(scenario, seed=replication_seed(np.random.SeedSequence(3), 0))
    c1 = one.convoys
    esc1 = (c1["escort_forces"] != "") & (c1["departed_h"] >= 0)
    assert float(ens.replications.loc[0, "mean_escort_wait_h"]) == pytest.approx(
        c1.loc[esc1, "escort_wait_h"].mean()
    )
