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
