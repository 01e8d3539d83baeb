"""A posterior ensemble written to Parquet keeps each replication's scenario and seed."""

from __future__ import annotations

import json

import numpy as np
import pytest

import simfuel
from simfuel.analysis import calibrate
from simfuel.ensemble import EnsembleResult, StoreMismatch, run_ensemble
from simfuel.ensemble.inputs import INPUTS_FILE
from simfuel.ensemble.store import StoreDamaged
from simfuel.sim.recorder import DAILY_FIELDS
from tests.analysis.test_calibrate import PRIOR, blockaded, synthetic_incidents


@pytest.fixture(scope="module")
def posterior():
    """Six replications: three posterior draws (distinct scenarios), two seeds each."""
    cal = calibrate(
        blockaded(), synthetic_incidents(), PRIOR, draws=20, accept=0.25, seed=2,
        workers=1, progress=False,
    )  # fmt: skip
    ens = cal.posterior_ensemble(2, seed=3, draws=3, workers=1, progress=False)
    assert ens.replication_scenarios is not None and ens.replication_spawn_keys is not None
    assert len({sc.threat.hazard_per_100km for sc in ens.replication_scenarios.values()}) == 3
    return ens


def rerun_matches(ens, i):
    sc, seed = ens.replication_inputs(i)
    again = simfuel.run(sc, seed=seed)
    for f in DAILY_FIELDS:
        np.testing.assert_array_equal(again.daily[f].to_numpy(float), ens.daily(f)[i], f)
    assert again.summary()["tankers_lost"] == ens.replications.loc[i, "tankers_lost"]


def test_a_stored_posterior_ensemble_reruns_each_replication(posterior, tmp_path):
    back = EnsembleResult.from_parquet(posterior.to_parquet(tmp_path / "post"))
    assert back.replication_spawn_keys == posterior.replication_spawn_keys
    assert back.replication_scenarios == posterior.replication_scenarios
    for i in range(back.n):
        rerun_matches(back, i)
    # A copy of the stored ensemble keeps them too.
    copy = EnsembleResult.from_parquet(back.to_parquet(tmp_path / "copy"))
    assert copy.replication_spawn_keys == posterior.replication_spawn_keys
    rerun_matches(copy, 5)
    # The distinct scenarios are stored once each.
    data = json.loads((tmp_path / "post" / INPUTS_FILE).read_text())
    assert len(data["scenarios"]) == 3 and data["scenario"] == [0, 0, 1, 1, 2, 2]


def test_a_plain_ensemble_writes_no_inputs_file(tmp_path):
    ens = run_ensemble(blockaded(), 2, seed=1, workers=1, progress=False)
    back = EnsembleResult.from_parquet(ens.to_parquet(tmp_path / "plain"))
    assert not (tmp_path / "plain" / INPUTS_FILE).exists()
    assert back.replication_scenarios is None and back.replication_spawn_keys is None
    rerun_matches(back, 1)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p, d: p.unlink(), "cannot be read"),
        (lambda p, d: p.write_text("{"), "cannot be read"),
        (lambda p, d: d.update(spawn_key=d["spawn_key"][:-1]), "spawn_key: not a list of 6"),
        (lambda p, d: d["spawn_key"][2].append(-1), r"spawn_key\[2\]: not a list of 32-bit"),
        (lambda p, d: d.update(replication=[0, 1, 2, 3, 4, 4]), "an index appears twice"),
        (lambda p, d: d.update(replication=[0, 1, 2, 3, 4, 7]), "no scenario for replications 5"),
        (lambda p, d: d["scenario"].__setitem__(0, 9), r"scenario: an index outside 0\.\.2"),
        (lambda p, d: d["scenarios"][1]["threat"].update(hazard_per_100km=0.9), "scenarios"),
    ],
)
def test_a_damaged_inputs_file_is_refused_naming_the_field(posterior, tmp_path, damage, message):
    folder = posterior.to_parquet(tmp_path / "post")
    path = folder / INPUTS_FILE
    data = json.loads(path.read_text())
    damage(path, data)
    if path.exists() and path.read_text() != "{":
        path.write_text(json.dumps(data))
    with pytest.raises(StoreDamaged, match=message) as info:
        EnsembleResult.from_parquet(folder)
    assert str(path) in str(info.value)


def test_a_stored_posterior_ensemble_cannot_be_resumed(posterior, tmp_path):
    folder = posterior.to_parquet(tmp_path / "post")
    with pytest.raises(StoreMismatch, match="cannot be resumed or extended"):
        run_ensemble(
            posterior.scenario, 8, seed=3, workers=1, store=folder, resume=True, progress=False
        )
