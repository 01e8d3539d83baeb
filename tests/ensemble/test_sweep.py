"""Sweeps: the grid, common random numbers, the tidy table and the CLI."""

from __future__ import annotations

import pandas as pd
import pytest

from simfuel.cli import main
from simfuel.ensemble import grid_points, run_ensemble, sweep
from simfuel.scenario import ScenarioError, apply_overrides


def test_grid_points_full_grid_and_given_points():
    grid = grid_points({"a": [1, 2, 3], "b": [0.1, 0.2]})
    assert len(grid) == 6
    assert {"a": 3, "b": 0.2} in grid
    assert grid_points([{"a": 1}, {"a": 5}]) == [{"a": 1}, {"a": 5}]
    with pytest.raises(ValueError, match="non-empty list"):
        grid_points({"a": []})


def test_sweep_table_and_common_random_numbers(scenario):
    params = {"escorts.army.units": [1, 3], "threat.hazard_per_100km": [0.0, 0.5]}
    table = sweep(scenario, params, 5, seed=12, workers=1, progress=False)
    assert len(table) == 4 * 5
    assert {"point", "escorts.army.units", "threat.hazard_per_100km", "replication"} <= set(
        table.columns
    )
    # Zero hazard: no losses at either fleet size.
    assert (table.loc[table["threat.hazard_per_100km"] == 0.0, "tankers_lost"] == 0).all()
    # Common random numbers: a point equals the ensemble of its scenario with the same seed.
    point = table[(table["escorts.army.units"] == 3) & (table["threat.hazard_per_100km"] == 0.5)]
    alone = run_ensemble(
        apply_overrides(scenario, {"escorts.army.units": 3, "threat.hazard_per_100km": 0.5}),
        5,
        seed=12,
        workers=1,
        progress=False,
    )
    pd.testing.assert_series_equal(
        point.set_index("replication")["delivered_l"],
        alone.replications["delivered_l"],
        check_names=False,
    )


def test_sweep_validates_every_point_first(scenario):
    with pytest.raises(ScenarioError, match="units"):
        sweep(scenario, {"escorts.army.units": [1, -2]}, 2, seed=1, workers=1, progress=False)


def test_cli_sweep_writes_tidy_csv(tmp_path, capsys):
    import yaml

    from tests.ensemble.conftest import threatened

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(threatened().model_dump(mode="json", by_alias=True)))
    code = main(
        [
            "sweep",
            str(path),
            "--param",
            "escorts.army.units=1,2",
            "--reps",
            "3",
            "--workers",
            "1",
            "--quiet",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 0
    table = pd.read_csv(tmp_path / "out" / "sweep.csv")
    assert len(table) == 6
    assert sorted(table["escorts.army.units"].unique()) == [1, 2]
    assert "median [5%, 95%]" in capsys.readouterr().out


def test_cli_ensemble_run_and_usage_errors(tmp_path, capsys):
    import yaml

    from tests.ensemble.conftest import threatened

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(threatened().model_dump(mode="json", by_alias=True)))
    out = tmp_path / "ens"
    args = ["run", str(path), "--reps", "4", "--workers", "1", "--quiet", "--out", str(out)]
    assert main(args) == 0
    assert "median [5%, 95%]" in capsys.readouterr().out
    assert main(args) == 2  # the folder holds an ensemble and --resume was not given
    assert "--resume" in capsys.readouterr().err
    assert main([*args, "--resume"]) == 0
    assert main(["run", str(path), "--resume"]) == 2
    assert main(["run", str(path), "--reps", "0"]) == 2
