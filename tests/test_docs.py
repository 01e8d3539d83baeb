"""Documentation that runs: the README's Python and the generated format reference."""

from __future__ import annotations

import os
import re

import matplotlib

from simfuel.scenario.reference import format_reference
from tests.helpers import ROOT

matplotlib.use("Agg")


def test_format_reference_is_current():
    committed = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    assert committed == format_reference(), "run `make docs` and commit docs/scenario-format.md"


def test_readme_python_blocks_run(monkeypatch):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no python example"
    monkeypatch.chdir(ROOT)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
    assert os.getcwd() == str(ROOT)


def test_format_reference_names_each_type_once():
    # A union of the four delay models once read "delay or delay or TriangularDelay or ...".
    for line in format_reference().splitlines():
        if line.startswith("| `"):
            kinds = line.split(" | ")[1].split(" or ")
            assert len(kinds) == len(set(kinds)), line
            assert "Delay" not in line.split(" | ")[1], line
