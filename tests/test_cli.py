"""The command line: exit codes, files written, messages without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from simfuel.cli import main
from tests.helpers import SCENARIOS, tiny_scenario


@pytest.fixture
def tiny_file(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_scenario()))
    return path


def test_run_writes_tables_and_prints_summary(tiny_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(tiny_file), "--seed", "4", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "delivered to the depot" in printed
    assert "tiny" in printed
    for name in ("daily.csv", "convoys.csv", "events.csv", "summary.json"):
        assert (out / name).stat().st_size > 0, name
    daily = pd.read_csv(out / "daily.csv", index_col="date", parse_dates=True)
    assert len(daily) == 20
    assert daily.index[0] == pd.Timestamp("2025-01-01")
    meta = json.loads((out / "summary.json").read_text())
    assert meta["seed"] == 4
    assert meta["summary"]["delivered_l"] == int(daily["delivered_l"].sum())
    # No temporary files are left behind by the atomic writes.
    assert sorted(p.name for p in out.iterdir()) == [
        "convoys.csv",
        "daily.csv",
        "events.csv",
        "summary.json",
    ]


def test_run_same_seed_same_files(tiny_file, tmp_path):
    for name in ("a", "b"):
        assert main(["run", str(tiny_file), "--seed", "9", "--out", str(tmp_path / name)]) == 0
    for table in ("daily.csv", "convoys.csv", "events.csv"):
        assert (tmp_path / "a" / table).read_bytes() == (tmp_path / "b" / table).read_bytes()


def test_run_set_override_changes_the_run(tiny_file, tmp_path, capsys):
    args = ["run", str(tiny_file), "--out", str(tmp_path / "o")]
    assert main([*args, "--set", "corridors.main.tankers_per_day=0"]) == 0
    daily = pd.read_csv(tmp_path / "o" / "daily.csv")
    # Only the warm-up pipeline (rate 0: empty) can arrive.
    assert daily["loaded_l"].sum() == 0


def test_run_invalid_override_exits_2_without_traceback(tiny_file, capsys):
    code = main(["run", str(tiny_file), "--set", "threat.hazard_per_100km=-1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "threat.hazard_per_100km: must be >= 0" in err
    assert str(tiny_file) in err
    assert "Traceback" not in err


def test_run_missing_file_exits_2(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_validate_exit_codes(tiny_file, tmp_path, capsys):
    assert main(["validate", str(tiny_file)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nstart: 2025-01-01\n")
    assert main(["validate", str(tiny_file), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml: end: required field is missing" in err


def test_schema_is_json_schema(capsys):
    assert main(["schema"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["title"] == "Scenario"
    assert "corridors" in doc["properties"]
    assert doc["additionalProperties"] is False


def test_python_dash_m_and_console_script_agree():
    proc = subprocess.run(
        [sys.executable, "-m", "simfuel", "validate", str(SCENARIOS / "mali-2025.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok: ")


def test_mali_2025_end_to_end(tmp_path, capsys):
    out = tmp_path / "mali"
    assert main(["run", str(SCENARIOS / "mali-2025.yaml"), "--seed", "1", "--out", str(out)]) == 0
    daily = pd.read_csv(out / "daily.csv", index_col="date", parse_dates=True)
    assert daily.index[0] == pd.Timestamp("2025-08-01")
    assert daily.index[-1] == pd.Timestamp("2025-11-30")
    convoys = pd.read_csv(out / "convoys.csv")
    assert convoys["attacked"].any()
    events = pd.read_csv(out / "events.csv")
    # The 22 October attack (37 tankers) is replayed exactly.
    scripted = events[events["detail"].fillna("").str.contains("attack-22oct")]
    assert (scripted["kind"] == "attacked").sum() == 1
    assert int(scripted.loc[scripted["kind"] == "attacked", "tankers"].iloc[0]) == 37
