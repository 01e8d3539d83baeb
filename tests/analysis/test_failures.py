"""A run that raises in an analysis: calibration drops its draw, the others say which failed."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from simfuel.analysis import calibrate, sensitivity, size_fleet
from simfuel.analysis.calibrate import IncidentStats
from simfuel.ensemble import EnsembleError
from simfuel.ensemble.seeds import point_seed
from tests.analysis.test_calibrate import PRIOR, blockaded, synthetic_incidents
from tests.analysis.test_fleet import scarce_escorts
from tests.analysis.test_sensitivity import PARAMS, attacked
from tests.ensemble.harness import fail_runs

HAZARD = "threat.hazard_per_100km"
LIMIT = 0.45  # draws above this hazard fail (PRIOR's range: 0.01-0.6)


@pytest.fixture
def high_hazard_fails(monkeypatch):
    """A replication raises when its draw's hazard is high: a model bug in part of the prior."""
    real = IncidentStats.__call__

    def stats(self, rec, scenario):
        if scenario.threat.hazard_per_100km > LIMIT:
            raise ZeroDivisionError("a model bug at high hazard")
        return real(self, rec, scenario)

    monkeypatch.setattr(IncidentStats, "__call__", stats)


def fit(**kw):
    args = {"draws": 40, "accept": 0.1, "reps": 2, "seed": 5, "workers": 1, "progress": False}
    args.update(kw)
    return calibrate(blockaded(), synthetic_incidents(), PRIOR, **args)


@pytest.mark.usefixtures("high_hazard_fails")
def test_a_calibration_with_failing_draws_finishes_and_reports_them():
    with pytest.warns(UserWarning, match=r"draws failed and were dropped") as record:
        cal = fit()
    bad = np.flatnonzero(cal.samples[HAZARD].to_numpy() > LIMIT).tolist()
    assert 0 < len(bad) < 40
    assert cal.failed_draws == bad
    assert f"{len(bad)} of 40 draws failed" in str(record[0].message)
    # Every replication of a failed draw is listed, with its own seed (draw, replication).
    assert sorted((f.point, f.index) for f in cal.failures) == [(d, r) for d in bad for r in (0, 1)]
    root = np.random.SeedSequence(5)
    own = [tuple(point_seed(root, f.point, f.index, False).spawn_key) for f in cal.failures]
    assert [f.spawn_key for f in cal.failures] == own and {f.entropy for f in cal.failures} == {5}
    assert all("a model bug at high hazard" in f.error for f in cal.failures)
    # Dropped: no distance, never accepted; accept is a share of the draws that ran.
    assert cal.samples["distance"].isna().to_numpy().nonzero()[0].tolist() == bad
    assert not set(cal.posterior["draw"]) & set(bad)
    assert len(cal.posterior) == round(0.1 * (40 - len(bad)))
    assert (cal.posterior[HAZARD] <= LIMIT).all()


@pytest.mark.usefixtures("high_hazard_fails")
def test_failing_draws_are_the_same_on_a_pool():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        serial, pooled = fit(), fit(workers=2)  # forked workers inherit the fault
    assert serial.failed_draws == pooled.failed_draws
    assert serial.samples.equals(pooled.samples)
    assert serial.posterior.equals(pooled.posterior)


def test_a_calibration_whose_every_draw_fails_raises(monkeypatch):
    def stats(self, rec, scenario):
        raise ZeroDivisionError("always")

    monkeypatch.setattr(IncidentStats, "__call__", stats)
    with pytest.raises(EnsembleError, match=r"80 calibration run\(s\) failed"):
        fit()


@pytest.fixture
def replication_one_fails(monkeypatch):
    fail_runs(monkeypatch, lambda key: key[-1] == 1, "boom in replication one")


@pytest.mark.usefixtures("replication_one_fails")
def test_sensitivity_names_the_failed_points():
    with pytest.raises(EnsembleError, match=r"sensitivity run\(s\) failed") as info:
        sensitivity(
            attacked(), PARAMS, "tankers_lost", n=4, reps=2, seed=11, workers=1, progress=False
        )
    failures = info.value.failures
    assert {f.index for f in failures} == {1} and len(failures) == 4 * (3 + 2)
    assert "point 0, replication 1" in str(info.value)
    assert "boom in replication one" in failures[0].error


@pytest.mark.usefixtures("replication_one_fails")
def test_fleet_sizing_names_the_failed_candidates():
    with pytest.raises(EnsembleError, match=r"army units run\(s\) failed") as info:
        size_fleet(scarce_escorts(), "army", units=[1, 2], reps=2, seed=1, workers=1)
    assert [(f.point, f.index) for f in info.value.failures] == [(0, 1), (1, 1)]


def test_a_posterior_ensemble_with_a_failing_replication_raises(monkeypatch):
    cal = fit(draws=20)
    key01 = tuple(point_seed(np.random.SeedSequence(3), 0, 1, False).spawn_key)
    fail_runs(monkeypatch, lambda key: key == key01, "boom")
    with pytest.raises(EnsembleError, match="point 0, replication 1"):
        cal.posterior_ensemble(2, seed=3, draws=2, workers=1, progress=False)
