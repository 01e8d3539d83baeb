"""The hindcast command, and calibrate with an ACLED export: outputs and one-line errors."""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest
import yaml

from simfuel.cli import main
from tests.analysis.test_calibrate import blockaded, synthetic_incidents
from tests.analysis.test_hindcast import signal_table
from tests.helpers import ROOT, SCENARIOS

ACLED = ROOT / "tests" / "observations" / "data" / "acled_synthetic_mali.csv"


@pytest.fixture
def files(tmp_path):
    scenario = tmp_path / "blockaded.yaml"
    scenario.write_text(yaml.safe_dump(blockaded(hazard_per_100km=0.3, loss_fraction_mean=0.4)))
    incidents = tmp_path / "incidents.csv"
    table = synthetic_incidents()
    table["source"] = "synthetic"
    table.to_csv(incidents, index=False)
    signals = tmp_path / "signals.csv"
    sig = signal_table()
    sig["date"] = sig["date"].dt.strftime("%Y-%m-%d")
    sig.to_csv(signals, index=False)
    return scenario, incidents, signals


def hindcast_args(files, out, *extra):
    scenario, incidents, signals = files
    return [
        "hindcast", str(scenario), "--observations", str(incidents), "--observations",
        str(signals), "--as-of", "2025-02-01", "--until", "2025-02-20",
        "--param", "threat.hazard_per_100km=0.01:0.6", "--draws", "10", "--accept", "0.5",
        "--generations", "2", "--forward-draws", "3", "--workers", "1", "-q",
        "--seed", "2", "--out", str(out), *extra,
    ]  # fmt: skip


def test_hindcast_writes_the_table_and_the_figure(files, tmp_path, capsys):
    out = tmp_path / "hc"
    assert main(hindcast_args(files, out)) == 0
    printed = capsys.readouterr().out
    assert "MISSED: days_of_cover" in printed and "cover-feb-impossible" in printed
    assert "incidents: sha256 " + hashlib.sha256(files[1].read_bytes()).hexdigest() in printed
    for name in ("hindcast.csv", "posterior.csv", "hindcast.png"):
        assert (out / name).stat().st_size > 0


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("error: ")
    return err[0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--as-of": "2025-02-30"}, "--as-of must be a date YYYY-MM-DD"),
        ({"--as-of": "2026-02-01"}, "outside the scenario's horizon"),
        ({"--until": "2025-01-10"}, "until 2025-01-10 must be from as_of"),
    ],
)
def test_hindcast_bad_dates_exit_2(files, tmp_path, capsys, change, message):
    args = hindcast_args(files, tmp_path / "hc")
    for flag, value in change.items():
        args[args.index(flag) + 1] = value
    assert main(args) == 2
    assert message in one_error_line(capsys)


def test_hindcast_missing_file_exits_2(files, tmp_path, capsys):
    args = hindcast_args(files, tmp_path / "hc")
    args[args.index("--observations") + 1] = str(tmp_path / "nope.csv")
    assert main(args) == 2
    line = one_error_line(capsys)
    assert "nope.csv" in line and "no such file" in line


def test_calibrate_reads_an_acled_export_and_records_its_hash(tmp_path, capsys):
    acled = tmp_path / "export.csv"
    shutil.copy(ACLED, acled)
    out = tmp_path / "cal"
    code = main(
        [
            "calibrate", str(SCENARIOS / "mali-2025.yaml"), "--incidents", str(acled),
            "--actor", "JNIM", "--event-type", "Violence against civilians",
            "--method", "smc", "--generations", "2",
            "--param", "threat.hazard_per_100km=0.01:0.3", "--draws", "4", "--accept", "0.5",
            "--workers", "1", "-q", "--seed", "1", "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    sha = hashlib.sha256(acled.read_bytes()).hexdigest()
    assert f"incidents: sha256 {sha}" in capsys.readouterr().out
    header = (out / "calibrated.yaml").read_text()
    assert f"# incidents sha256: {sha}" in header and "SMC-ABC" in header
    samples = pd.read_csv(out / "samples.csv")
    assert sorted(samples["generation"].unique()) == [0, 1]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--actor", "NOBODY AT ALL"], "actor"),
        (["--event-type", "No such type"], "event_type"),
    ],
)
def test_calibrate_acled_filter_that_matches_nothing_exits_2(tmp_path, capsys, extra, message):
    code = main(
        [
            "calibrate", str(SCENARIOS / "mali-2025.yaml"), "--incidents", str(ACLED),
            "--param", "threat.hazard_per_100km=0.01:0.3", "--draws", "4", "-q",
            "--out", str(tmp_path / "cal"), *extra,
        ]
    )  # fmt: skip
    assert code == 2
    line = one_error_line(capsys)
    assert "acled_synthetic_mali.csv" in line and message in line


def test_an_acled_export_needs_a_filter(tmp_path, capsys):
    code = main(
        [
            "calibrate", str(SCENARIOS / "mali-2025.yaml"), "--incidents", str(ACLED),
            "--param", "threat.hazard_per_100km=0.01:0.3", "--out", str(tmp_path / "c"),
        ]
    )  # fmt: skip
    assert code == 2
    line = one_error_line(capsys)
    assert "is an ACLED export" in line and "--actor" in line


def test_calibrate_filters_need_an_acled_export(files, tmp_path, capsys):
    scenario, incidents, _ = files
    code = main(
        [
            "calibrate", str(scenario), "--incidents", str(incidents), "--actor", "JNIM",
            "--param", "threat.hazard_per_100km=0.01:0.3", "--out", str(tmp_path / "c"),
        ]
    )  # fmt: skip
    assert code == 2
    assert "ACLED export" in one_error_line(capsys)


def test_calibrate_bad_incidents_file_exits_2(files, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe not text")
    code = main(
        [
            "calibrate", str(files[0]), "--incidents", str(bad),
            "--param", "threat.hazard_per_100km=0.01:0.3", "--out", str(tmp_path / "c"),
        ]
    )  # fmt: skip
    assert code == 2
    assert "bad.csv" in one_error_line(capsys)


def test_hindcast_scores_a_towns_signal_at_the_towns_stock(tmp_path, capsys):
    """From the command line too: c's shortage (its own stock) is read there, not at the
    depot that never runs short (:func:`tests.analysis.test_calibrate.two_towns`)."""
    from tests.analysis.test_calibrate import two_towns
    from tests.analysis.test_hindcast import town_signals

    scenario = tmp_path / "towns.yaml"
    scenario.write_text(yaml.safe_dump(two_towns()))
    signals = tmp_path / "signals.csv"
    table = town_signals()
    table["date"] = table["date"].dt.strftime("%Y-%m-%d")
    table.to_csv(signals, index=False)
    out = tmp_path / "hc"
    code = main(
        [
            "hindcast", str(scenario), "--observations", str(signals),
            "--as-of", "2025-01-05", "--param", "threat.hazard_per_100km=0:0.3",
            "--method", "rejection", "--draws", "2", "--accept", "0.5",
            "--forward-draws", "1", "--reps-per-draw", "2", "--workers", "1", "-q",
            "--seed", "5", "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    line = next(x for x in printed.splitlines() if "(c-short," in x)
    assert line.strip().startswith("reproduced: shortage at c") and "100% of runs" in line
    rows = pd.read_csv(out / "hindcast.csv").set_index("id")
    assert rows.loc["c-short", "scored"] and rows.loc["c-short", "model_median"] == 1.0
