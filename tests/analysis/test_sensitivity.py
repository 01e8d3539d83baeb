"""Sensitivity analysis: a parameter with no effect gets indices of 0, an effective one not."""

from __future__ import annotations

from typing import Any

import matplotlib
import numpy as np
import pytest

from simfuel import ScenarioError
from simfuel.analysis import PointResults
from simfuel.analysis.sensitivity import SensitivityResult, sensitivity
from tests.helpers import tiny_scenario

matplotlib.use("Agg")

HAZARD = "threat.hazard_per_100km"
LAT = "places.port.lat"  # used only by maps: no effect on the simulation
AIR = "escorts.air.units"  # a force no policy uses: no effect either
PARAMS = {HAZARD: (0.0, 0.5), LAT: (5.0, 15.0), AIR: (0, 4)}


def attacked() -> dict[str, Any]:
    """The tiny corridor under blockade: the hazard sets how many tankers are lost."""
    t = tiny_scenario()
    t["corridors"]["main"]["blockade_intensity"] = 1.0
    t["threat"]["hazard_per_100km"] = 0.2
    return t


def analyse(method: str = "sobol", **kw: Any) -> SensitivityResult:
    args: dict[str, Any] = {
        "method": method,
        "n": 32 if method == "sobol" else 12,
        "reps": 2,
        "seed": 11,
        "workers": 1,
        "progress": False,
    }
    args.update(kw)
    return sensitivity(attacked(), PARAMS, "tankers_lost", **args)


@pytest.fixture(scope="module")
def sobol() -> SensitivityResult:
    return analyse("sobol")


@pytest.fixture(scope="module")
def morris() -> SensitivityResult:
    return analyse("morris")


def test_sobol_finds_the_parameter_that_matters(sobol: SensitivityResult) -> None:
    df = sobol.to_df()
    assert list(df.columns) == ["S1", "S1_conf", "ST", "ST_conf"]
    assert list(df.index) == [HAZARD, LAT, AIR]
    # The hazard explains (nearly) all the variance, and clearly so.
    assert df.loc[HAZARD, "ST"] > 0.7
    assert df.loc[HAZARD, "ST"] - df.loc[HAZARD, "ST_conf"] > 0.3
    assert df.loc[HAZARD, "S1"] > 0.5
    # With common random numbers a parameter with no effect changes no replication: its
    # indices are 0, and so are their bootstrap intervals, well inside any tolerance.
    for name in (LAT, AIR):
        for col in ("S1", "ST"):
            assert abs(df.loc[name, col]) <= 0.02
            assert abs(df.loc[name, col]) <= df.loc[name, f"{col}_conf"] + 1e-12
    assert sobol.n_points == 32 * (3 + 2)
    assert sobol.n_evaluations == sobol.n_points * 2
    assert sobol.replications.shape == (sobol.n_points, 2)
    np.testing.assert_allclose(sobol.outputs, sobol.replications.mean(axis=1))


def test_morris_finds_the_parameter_that_matters(morris: SensitivityResult) -> None:
    df = morris.to_df()
    assert list(df.columns) == ["mu_star", "mu_star_conf", "sigma", "mu"]
    assert df.loc[HAZARD, "mu_star"] - df.loc[HAZARD, "mu_star_conf"] > 5.0  # tankers
    assert df.loc[HAZARD, "mu"] > 0  # more hazard, more losses
    for name in (LAT, AIR):
        assert df.loc[name, "mu_star"] <= 1e-9 * df.loc[HAZARD, "mu_star"]
        assert df.loc[name, "sigma"] <= 1e-9 * df.loc[HAZARD, "mu_star"]
    assert morris.n_points == 12 * (3 + 1)
    assert morris.num_levels == 4


def test_whole_number_fields_are_rounded(sobol: SensitivityResult) -> None:
    assert sobol.integer == (AIR,)
    air = [p[AIR] for p in sobol.points]
    assert all(type(v) is int for v in air)
    assert set(air) == {0, 1, 2, 3, 4}  # every whole number of the range is drawn
    assert all(isinstance(p[HAZARD], float) for p in sobol.points)
    table = sobol.samples_df()
    assert list(table.columns) == [HAZARD, LAT, AIR, "tankers_lost"]
    assert len(table) == sobol.n_points


def test_same_seed_same_indices(morris: SensitivityResult) -> None:
    again = analyse("morris")
    assert again.to_df().equals(morris.to_df())
    np.testing.assert_array_equal(again.samples, morris.samples)
    other = analyse("morris", seed=12)
    assert not np.array_equal(other.samples, morris.samples)


def mean_cover(results: PointResults) -> np.ndarray:
    return results.daily["days_of_cover"].mean(axis=2)


def test_callable_metric_on_a_daily_field() -> None:
    res = sensitivity(
        attacked(),
        {HAZARD: (0.0, 0.5), LAT: (5.0, 15.0)},
        mean_cover,
        method="morris",
        n=4,
        reps=1,
        seed=2,
        fields=("days_of_cover",),
        workers=1,
        progress=False,
    )
    assert res.metric == "mean_cover"
    df = res.to_df()
    assert df.loc[HAZARD, "mu_star"] > 0
    assert df.loc[LAT, "mu_star"] == 0


def test_no_effect_at_all_warns_and_gives_zeros() -> None:
    with pytest.warns(UserWarning, match="same at every point"):
        res = sensitivity(
            attacked(),
            {LAT: (5.0, 15.0)},
            "tankers_lost",
            n=4,
            reps=1,
            seed=1,
            workers=1,
            progress=False,
        )
    assert (res.to_df() == 0).all().all()


def test_bad_input() -> None:
    def run(params: Any, metric: Any = "tankers_lost", **kw: Any) -> None:
        sensitivity(attacked(), params, metric, n=4, seed=1, workers=1, progress=False, **kw)

    with pytest.raises(ScenarioError, match="nonsense"):
        run({"threat.nonsense": (0.0, 1.0)})
    with pytest.raises(ScenarioError, match="hazard_per_100km"):
        run({HAZARD: (-1.0, 1.0)})  # the low end is not a valid scenario
    with pytest.raises(ValueError, match="low must be < high"):
        run({HAZARD: (0.5, 0.5)})
    with pytest.raises(ValueError, match="low must be < high"):
        run({HAZARD: (0.5, 0.1)})
    with pytest.raises(ValueError, match="range"):
        run({HAZARD: (0.1,)})
    with pytest.raises(ValueError, match="at least one parameter"):
        run({})
    with pytest.raises(ValueError, match="unknown metric"):
        run({HAZARD: (0.0, 0.5)}, "tankers_burnt")
    with pytest.raises(ValueError, match="method"):
        run({HAZARD: (0.0, 0.5)}, method="fast")
    with pytest.raises(ValueError, match="whole-number"):
        run({AIR: (1.2, 1.8)})
    with pytest.raises(ValueError, match="num_levels"):
        run({HAZARD: (0.0, 0.5)}, method="morris", num_levels=3)


def test_plots(sobol: SensitivityResult, morris: SensitivityResult) -> None:
    for res in (sobol, morris):
        ax = res.plot()
        assert [t.get_text() for t in ax.get_yticklabels()] == [HAZARD, LAT, AIR]
        assert "tankers lost" in ax.get_xlabel()
        matplotlib.pyplot.close(ax.figure)
