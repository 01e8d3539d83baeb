"""The command line after a first user's notes: overwrites, exports, headers, hints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import simfuel
from simfuel.cli import main
from tests.report.conftest import report_scenario, write_two_options


@pytest.fixture
def options(tmp_path: Path) -> tuple[Path, Path]:
    return write_two_options(tmp_path)


def test_compare_refuses_to_overwrite_a_brief_without_force(
    options: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    early, late = options
    out = tmp_path / "brief"
    out.mkdir()
    (out / "compare.html").write_text("the 200-replication brief", encoding="utf-8")
    args = ["compare", str(early), str(late), "--reps", "2", "--out", str(out), "--quiet"]
    assert main([*args, "--workers", "1"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        f"error: --out {out}: already holds compare.html; add --force to overwrite it"
    )
    assert (out / "compare.html").read_text(encoding="utf-8") == "the 200-replication brief"
    assert main([*args, "--workers", "1", "--force"]) == 0
    assert "<!DOCTYPE html>" in (out / "compare.html").read_text(encoding="utf-8")


def _header(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[str]:
    assert main(argv) == 0
    return capsys.readouterr().out.splitlines()[:2]


def test_report_and_compare_print_what_ran_first_as_run_does(
    options: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    early, late = options
    common = ["--reps", "2", "--seed", "3", "--quiet"]
    store = tmp_path / "store"
    run = _header(capsys, ["run", str(early), *common, "--out", str(store)])
    assert run[0].endswith(": 2025-01-01 .. 2025-01-20, 2 replications, seed 3")
    assert run[1].startswith("  scenario sha256 ")
    report = ["report", str(early), *common, "--workers", "1", "--out", str(tmp_path / "r")]
    assert _header(capsys, report) == run
    stored = ["report", "--from", str(store), "--out", str(tmp_path / "r2"), "--quiet"]
    assert _header(capsys, stored) == run
    argv = ["compare", str(early), str(late), *common, "--workers", "1"]
    assert main([*argv, "--out", str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out.splitlines()
    late_run = _header(capsys, ["run", str(late), *common, "--out", str(tmp_path / "s2")])
    assert out[:4] == [f"early = {run[0]}", run[1], f"late = {late_run[0]}", late_run[1]]
    assert out[-1].startswith("wrote ")


def test_an_ensemble_with_format_csv_writes_its_tables_beside_the_store(
    options: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    early, _ = options
    out = tmp_path / "ens"
    argv = ["run", str(early), "--reps", "3", "--format", "csv", "--out", str(out), "-q"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    names = ("replications", "bands", "probabilities", "summary")
    for name in names:
        assert f"wrote {out / 'csv' / name}.csv" in printed
    again = simfuel.EnsembleResult.from_parquet(out).to_csv(tmp_path / "again")
    for name in names:
        written = (out / "csv" / f"{name}.csv").read_text(encoding="utf-8")
        assert written == again[name].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--reps", "2", "--format", "csv"], "--format csv with --reps needs --out DIR"),
        (["--reps", "2", "--format", "geojson", "--out", "o"], "--format geojson is for one run"),
        (["--format", "geojson"], "--format geojson needs --out DIR"),
    ],
)
def test_export_formats_refuse_what_they_cannot_write(
    options: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    early, _ = options
    args = [str(tmp_path / a) if a == "o" else a for a in extra]
    assert main(["run", str(early), *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1
    assert message in captured.err
    assert not (tmp_path / "o").exists()


def test_one_run_writes_its_map_with_format_geojson(
    options: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    early, _ = options
    out = tmp_path / "map"
    assert main(["run", str(early), "--seed", "1", "--format", "geojson", "--out", str(out)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"wrote {out / 'run.geojson'}"
    written = json.loads((out / "run.geojson").read_text(encoding="utf-8"))
    expected = tmp_path / "expected.geojson"
    simfuel.run(simfuel.load_scenario(early), seed=1).to_geojson(expected)
    assert written == json.loads(expected.read_text(encoding="utf-8"))
    assert sorted(p.name for p in out.iterdir()) == ["run.geojson"]


@pytest.mark.parametrize("suffix", [".yaml", ".yml"])
def test_a_name_missing_its_suffix_suggests_the_file_here(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    suffix: str,
) -> None:
    (tmp_path / f"siege{suffix}").write_text(yaml.safe_dump(report_scenario()), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["run", "siege"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: siege: no such file, and no shipped scenario named 'siege'")
    assert err.endswith(f"(did you mean 'siege{suffix}'?)")
    assert main(["run", "mali-2052"]) == 2  # no file here: the shipped name is suggested
    assert capsys.readouterr().err.strip().endswith("(did you mean 'mali-2025'?)")


def test_an_error_about_an_event_names_its_id(
    options: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    early, _ = options
    # addressed by id, reported by merged position: the id says which one that is
    assert main(["run", str(early), "--set", "events.escorts-arrive.date=2026-06-01"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"error: {early}: events[3].date: 2026-06-01 is outside the horizon "
        "2025-01-01 .. 2025-01-20 (events[3] has id 'escorts-arrive')"
    )


def test_every_shipped_description_is_a_sentence() -> None:
    descriptions = simfuel.shipped_scenarios()
    assert "mali-2025" in descriptions
    for name, text in descriptions.items():
        assert text.endswith((".", "...")), (name, text)  # mali-2025's is cut at a colon


def test_mean_escort_wait_says_what_it_leaves_out() -> None:
    from simfuel.labels import SUMMARY_LABELS

    note = SUMMARY_LABELS["mean_escort_wait_h"].long
    assert "escort units only" in note and "minimum size" in note
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    outputs = readme[readme.index("### Outputs") : readme.index("## Command line")]
    assert "mean_escort_wait_h" in outputs and "min_size" in outputs
