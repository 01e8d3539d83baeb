"""``simfuel.sensitivity`` / ``simfuel sensitivity`` of any destination (issue 10)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest
import yaml

import simfuel
from simfuel.analysis.sensitivity import SensitivityResult, sensitivity
from simfuel.cli import main
from simfuel.ensemble.destinations import UnknownDestination
from simfuel.ensemble.seeds import replication_seed, root_seed
from tests.ensemble.test_destinations import network

matplotlib.use("Agg")

MOPTI_DEMAND = "destinations.mopti.demand.demand_l_per_day"
HAZARD = "threat.hazard_per_100km"
SEED = 3
MORRIS: dict[str, Any] = {"method": "morris", "n": 2, "reps": 1, "workers": 1, "progress": False}


def day_offset(start: Any, day: Any, horizon: int) -> float:
    """What sensitivity analyses for a date metric: days from the start, never = horizon."""
    return float(horizon if day is None else (day - start).days)


@pytest.fixture(scope="module")
def mopti() -> SensitivityResult:
    """The first stock-out at Mopti against Mopti's demand, on the shipped mali-2025."""
    params = {MOPTI_DEMAND: (300_000, 420_000)}
    return sensitivity(
        "mali-2025", params, "first_stockout", seed=SEED, destination="mopti", **MORRIS
    )


@pytest.fixture(scope="module")
def single_runs(mopti) -> list[simfuel.RunResult]:
    """Points 0 and 1 of the analysis, run alone on the seed of replication 0."""
    base = simfuel.load_scenario("mali-2025")
    seed = replication_seed(root_seed(SEED), 0)
    return [simfuel.run(simfuel.apply_overrides(base, mopti.points[p]), seed=seed) for p in (0, 1)]


def test_the_metric_at_mopti_is_moptis_runs(mopti, single_runs):
    assert mopti.destination == "mopti" and mopti.destination_name == "Mopti"
    assert mopti.points[0] != mopti.points[1]  # two demands, two outcomes to tell apart
    horizon = single_runs[0].scenario.horizon_days
    start = single_runs[0].scenario.start
    at_mopti = [
        day_offset(start, r.summary("mopti")["first_stockout"], horizon) for r in single_runs
    ]
    at_main = [day_offset(start, r.summary()["first_stockout"], horizon) for r in single_runs]
    np.testing.assert_array_equal(mopti.replications[:2, 0], at_mopti)
    assert at_mopti != at_main
    # Mopti's demand moves Mopti's stock-out: a non-zero elementary effect.
    assert mopti.to_df().loc[MOPTI_DEMAND, "mu_star"] > 0
    assert mopti.samples_df()["first_stockout"].tolist() == mopti.outputs.tolist()


def test_the_plot_names_the_destination(mopti):
    ax = mopti.plot()
    assert "first day of stock-out at Mopti" in ax.get_title()
    assert ax.get_xlabel() == "Morris effect on first day of stock-out at Mopti [date]"


def test_a_callable_metric_reads_the_destinations_fields() -> None:
    def destroyed(results: Any) -> np.ndarray:
        return results.daily["destroyed_l"].sum(axis=2)

    base = network()
    kw = {**MORRIS, "fields": ("destroyed_l",), "seed": 2}
    at_c = sensitivity(base, {HAZARD: (0.1, 0.9)}, destroyed, destination="c", **kw)
    assert at_c.to_df().loc[HAZARD, "mu_star"] > 0
    seed = replication_seed(root_seed(2), 0)
    for p in (0, 1):
        run = simfuel.run(simfuel.apply_overrides(base, at_c.points[p]), seed=seed)
        assert at_c.replications[p, 0] == run.at("c")["destroyed_l"].sum()
        assert at_c.replications[p, 0] != run.daily["destroyed_l"].sum()
        lost = sensitivity(base, {HAZARD: (0.1, 0.9)}, "tankers_lost", destination="c", **kw)
        assert lost.replications[p, 0] == run.summary("c")["tankers_lost"]
        assert lost.destination_name == "c"  # a place without a name goes by its key


def test_the_main_destination_by_name_is_the_default() -> None:
    base = network()
    kw = {**MORRIS, "seed": 5}
    named = sensitivity(base, {HAZARD: (0.1, 0.9)}, "tankers_lost", destination="city", **kw)
    default = sensitivity(base, {HAZARD: (0.1, 0.9)}, "tankers_lost", **kw)
    np.testing.assert_array_equal(named.replications, default.replications)
    assert named.destination is None and named.destination_name is None
    at_c = sensitivity(base, {HAZARD: (0.1, 0.9)}, "tankers_lost", destination="c", **kw)
    assert not np.array_equal(at_c.replications, default.replications)


def test_an_unknown_destination_fails_before_any_run(monkeypatch) -> None:
    def no_runs(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a point ran")

    # The module, not the function simfuel.analysis exports under the same name.
    module = importlib.import_module("simfuel.analysis.sensitivity")
    monkeypatch.setattr(module, "evaluate_points", no_runs)
    with pytest.raises(UnknownDestination, match=r"'gao' is not a place with stock .*city, b, c"):
        sensitivity(network(), {HAZARD: (0.1, 0.9)}, "tankers_lost", seed=0, destination="gao")


@pytest.fixture
def network_file(tmp_path: Path) -> Path:
    path = tmp_path / "network.yaml"
    raw = network().model_dump(mode="json", by_alias=True, exclude_unset=True)
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_cli_sensitivity_at_a_destination(network_file, tmp_path, capsys) -> None:
    args = ["sensitivity", str(network_file), "--param", f"{HAZARD}=0.1:0.9", "--seed", "2"]
    args += ["--method", "morris", "--n", "2", "--reps", "1", "--workers", "1", "--quiet"]
    out = tmp_path / "sens"
    code = main([*args, "--destination", "c", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "morris indices of tankers_lost, at c, 4 runs" in captured.out.splitlines()[0]
    expected = sensitivity(
        network(), {HAZARD: (0.1, 0.9)}, "tankers_lost", destination="c", **{**MORRIS, "seed": 2}
    )
    samples = pd.read_csv(out / "samples.csv")
    np.testing.assert_array_equal(samples["tankers_lost"], expected.outputs)


def test_cli_unknown_destination_is_one_line_and_exit_2(network_file, tmp_path, capsys) -> None:
    args = ["sensitivity", str(network_file), "--param", f"{HAZARD}=0.1:0.9", "--quiet"]
    code = main([*args, "--destination", "gao", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1, err
    assert "--destination gao: not a place with stock of" in err and "city, b, c" in err
    assert not (tmp_path / "o").exists()
