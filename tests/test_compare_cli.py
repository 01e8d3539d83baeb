"""``simfuel compare`` on the command line: a brief, or one line and exit 2 for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from simfuel.cli import main
from tests.report.conftest import write_two_options


@pytest.fixture
def options(tmp_path: Path) -> tuple[Path, Path]:
    return write_two_options(tmp_path)


def test_compare_writes_the_brief(
    options: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    early, late = options
    out = tmp_path / "brief"
    args = ["compare", str(early), f"four days late={late}", "--reps", "4", "--seed", "2"]
    code = main([*args, "--out", str(out), "--workers", "1", "--quiet"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.splitlines()[-1] == f"wrote {out / 'compare.html'}"
    html = (out / "compare.html").read_text(encoding="utf-8")
    assert "<strong>four days late</strong> against early" in html
    assert "4 replications" in html


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "compare needs at least two options (got 1: 'early')"),
        (["{early}"], "two options are labelled 'early'"),
        (["nothere.yaml"], "nothere.yaml: file not found"),
        (["no-such-scenario"], "no shipped scenario named 'no-such-scenario'"),
        (["=x.yaml"], "write LABEL=PATH"),
        (["{late}", "--incidents", "nothere.csv"], "--incidents nothere.csv"),
        (["{late}", "--reps", "0"], "--reps"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    options: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    early, late = options
    args = [a.format(early=early, late=late) for a in extra]
    code = main(["compare", str(early), *args, "--out", str(tmp_path / "o"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "o").exists()  # refused before any work


def test_help_documents_the_paired_intervals(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "paired bootstrap of the mean difference" in text
    assert "LABEL=FILE" in text and "(default: 200)" in text
