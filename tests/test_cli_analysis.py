"""The analysis commands: report, calibrate, sensitivity, size-fleet."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

import simfuel
from simfuel.cli import main
from tests.analysis.test_calibrate import blockaded, synthetic_incidents


@pytest.fixture
def scenario_file(tmp_path):
    path = tmp_path / "blockaded.yaml"
    path.write_text(yaml.safe_dump(blockaded(hazard_per_100km=0.2, loss_fraction_mean=0.4)))
    return path


def test_calibrate_writes_posterior_and_a_loadable_yaml(scenario_file, tmp_path, capsys):
    incidents = tmp_path / "incidents.csv"
    table = synthetic_incidents()
    table["source"] = "synthetic"
    table.to_csv(incidents, index=False)
    out = tmp_path / "cal"
    code = main(
        [
            "calibrate",
            str(scenario_file),
            "--incidents",
            str(incidents),
            "--param",
            "threat.hazard_per_100km=0.01:0.6",
            "--draws",
            "40",
            "--accept",
            "0.25",
            "--workers",
            "1",
            "--quiet",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    posterior = pd.read_csv(out / "posterior.csv")
    assert len(posterior) == 10
    assert posterior["threat.hazard_per_100km"].between(0.01, 0.6).all()
    calibrated = simfuel.load_scenario(out / "calibrated.yaml")
    assert calibrated.threat.hazard_per_100km == pytest.approx(
        posterior["threat.hazard_per_100km"].median()
    )
    assert (out / "diagnostics.png").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("param", "message"),
    [("threat.hazard_per_100km=0.5", "LOW:HIGH"), ("threat.hazard_per_100km=a:b", "numbers")],
)
def test_calibrate_bad_param_exits_2(scenario_file, tmp_path, capsys, param, message):
    args = ["calibrate", str(scenario_file), "--incidents", "mali-2025", "--param", param]
    assert main([*args, "--out", str(tmp_path / "x")]) == 2
    assert message in capsys.readouterr().err


def test_sensitivity_and_size_fleet_commands(scenario_file, tmp_path, capsys):
    code = main(
        [
            "sensitivity",
            str(scenario_file),
            "--param",
            "threat.hazard_per_100km=0.05:0.5",
            "--param",
            "places.port.lat=9:11",
            "--method",
            "morris",
            "--n",
            "4",
            "--reps",
            "1",
            "--workers",
            "1",
            "--quiet",
            "--out",
            str(tmp_path / "sens"),
        ]
    )
    assert code == 0, capsys.readouterr().err
    indices = pd.read_csv(tmp_path / "sens" / "indices.csv", index_col=0)
    assert indices.loc["places.port.lat", "mu_star"] == 0
    assert indices.loc["threat.hazard_per_100km", "mu_star"] > 0
    code = main(
        [
            "size-fleet",
            str(scenario_file),
            "--force",
            "army",
            "--units",
            "1,2",
            "--reps",
            "4",
            "--workers",
            "1",
            "--quiet",
            "--out",
            str(tmp_path / "fleet"),
        ]
    )
    assert code == 0, capsys.readouterr().err
    curve = pd.read_csv(tmp_path / "fleet" / "curve.csv")
    assert curve["units"].tolist() == [1, 2]
    assert main(["size-fleet", str(scenario_file), "--force", "nope", "--units", "1"]) == 2


def test_report_command(scenario_file, tmp_path, capsys):
    out = tmp_path / "rep"
    code = main(
        [
            "report",
            str(scenario_file),
            "--reps",
            "4",
            "--workers",
            "1",
            "--quiet",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 5
    assert main(["report", str(scenario_file), "--reps", "0"]) == 2
