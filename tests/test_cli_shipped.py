"""The CLI commands for shipped scenarios and for a report built from a stored ensemble."""

from __future__ import annotations

from pathlib import Path

import pytest

import simfuel
from simfuel.cli import main


def test_scenarios_lists_every_shipped_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split()[0] for line in lines]
    assert names == sorted(simfuel.shipped_scenarios())
    assert "mali-2025" in names
    assert all(len(line.split(maxsplit=1)) == 2 for line in lines), "each has a description"


def test_init_writes_the_scenario_and_its_parent_then_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mine"
    assert main(["init", "no-blockade", str(folder)]) == 0
    written = sorted(p.name for p in folder.iterdir())
    assert written == ["mali-2025.yaml", "no-blockade.yaml"]
    copy = simfuel.load_scenario(folder / "no-blockade.yaml")
    assert copy == simfuel.load_scenario("no-blockade")
    capsys.readouterr()
    assert main(["init", "no-blockade", str(folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "exists already" in err
    assert main(["init", "no-blockade", str(folder), "--force"]) == 0


def test_init_of_an_unknown_name_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "mali-2024", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "mali-2025" in err
    assert not (tmp_path / "x").exists()


def test_report_from_a_stored_ensemble_runs_nothing_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "ens"
    args = ["--seed", "3", "--reps", "3", "--quiet", "--set", "end=2025-08-20"]
    assert main(["run", "no-blockade", *args, "--out", str(store)]) == 0

    def no_runs(*a: object, **k: object) -> None:
        raise AssertionError("report --from must not run an ensemble")

    monkeypatch.setattr("simfuel.reporting.build.run_ensemble", no_runs)
    out = tmp_path / "rep"
    assert main(["report", "--from", str(store), "--out", str(out), "--quiet"]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "no-blockade" in html


def test_report_needs_a_scenario_or_a_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report"]) == 2
    assert "--from" in capsys.readouterr().err


def test_report_from_an_incomplete_store_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--from", str(tmp_path / "nothing"), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "holds no ensemble" in err
    assert not err.startswith("error: writing to")


def test_report_from_refuses_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["report", "--from", str(tmp_path), "--set", "threat.hazard_per_100km=0.1"])
    assert code == 2
    assert "drop --set" in capsys.readouterr().err


def test_report_from_refuses_reps_and_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--from", str(tmp_path), "--reps", "5", "--seed", "1"]) == 2
    assert "drop --reps, --seed" in capsys.readouterr().err


def test_sweep_refuses_a_parameter_given_twice(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["sweep", "no-blockade", "--reps", "1"]
    p = "threat.hazard_per_100km"
    assert main([*args, "--param", f"{p}=0,0.1", "--param", f"{p}=0.2"]) == 2
    assert "given twice" in capsys.readouterr().err


def test_sweep_refuses_a_huge_grid(capsys: pytest.CaptureFixture[str]) -> None:
    values = ",".join(str(i) for i in range(1, 101))
    args = ["sweep", "no-blockade", "--reps", "1", "--param", f"threat.hazard_per_100km={values}"]
    assert main([*args, "--param", f"corridors.dakar.tankers_per_day={values}"]) == 2
    err = capsys.readouterr().err
    assert "10,000 points" in err and len(err.strip().splitlines()) == 1


def test_sensitivity_refuses_a_parameter_given_twice(capsys: pytest.CaptureFixture[str]) -> None:
    p = "threat.hazard_per_100km"
    argv = ["sensitivity", "no-blockade", "--param", f"{p}=0:0.1", "--param", f"{p}=0:0.2"]
    assert main(argv) == 2
    assert "given twice" in capsys.readouterr().err


def test_an_empty_out_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "no-blockade", "--out", ""]) == 2
    assert "empty path" in capsys.readouterr().err


def test_reps_and_salib_samples_are_bounded(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "no-blockade", "--reps", "1000000000000"]) == 2
    assert "must be <= 10,000,000" in capsys.readouterr().err
    p = "threat.hazard_per_100km=0:0.1"
    assert main(["sensitivity", "no-blockade", "--param", p, "--n", str(2**40)]) == 2
    assert "--n" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["latin1", "folder", "fifo"])
def test_an_incident_table_that_is_not_a_text_file_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    import os

    table = tmp_path / "t.csv"
    if kind == "latin1":
        table.write_bytes(b"date,corridor\n2025-09-06,k\xe9\n")
        want = "is not UTF-8 text"
    elif kind == "folder":
        table.mkdir()
        want = "is a folder"
    else:
        os.mkfifo(table)
        want = "not a regular file"
    argv = ["calibrate", "no-blockade", "--incidents", str(table)]
    argv += [
        "--param",
        "threat.hazard_per_100km=0:0.1",
        "--draws",
        "4",
        "--out",
        str(tmp_path / "o"),
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(table) in err and want in err


@pytest.mark.parametrize(
    ("argv", "want"),
    [
        (
            ["sweep", "no-blockade", "--reps", "1", "--param", "threat.nope=1,2"],
            "--param threat.nope:",
        ),
        (
            ["sweep", "no-blockade", "--reps", "1", "--param", "threat.hazard_per_100km=1,-1"],
            "--param threat.hazard_per_100km: threat.hazard_per_100km: must be >= 0",
        ),
        (["size-fleet", "mali-2025", "--force", "nope", "--units", "1:2"], "--force nope:"),
    ],
)
def test_a_bad_param_or_force_names_its_argument(
    argv: list[str], want: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert want in err and "<scenario" not in err and len(err.splitlines()) == 1


def test_param_values_are_read_like_set_values(capsys: pytest.CaptureFixture[str]) -> None:
    """One YAML reader for --set and --param: a base-60 number is refused, not read as 90."""
    path = "corridors.dakar_rn1.border_delay_h.value"
    assert main(["sweep", "no-blockade", "--reps", "1", "--param", f"{path}=1:30,2"]) == 2
    assert "ambiguous number '1:30'" in capsys.readouterr().err
