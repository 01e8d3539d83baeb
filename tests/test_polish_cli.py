"""The command line after a first user's notes: overwrites, exports, headers, hints."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simfuel.cli import main
from tests.report.conftest import report_scenario


@pytest.fixture
def options(tmp_path: Path) -> tuple[Path, Path]:
    early, late = report_scenario(), report_scenario()
    late["events"][-1]["date"] = "2025-01-16"
    paths = tmp_path / "early.yaml", tmp_path / "late.yaml"
    for path, data in zip(paths, (early, late), strict=True):
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return paths


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
