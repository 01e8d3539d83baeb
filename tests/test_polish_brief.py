"""The brief's wording of differences, and the stock-out share's interval everywhere."""

from __future__ import annotations

import html as html_module
import re
from typing import Any

import pytest

import simfuel
from simfuel.cli import format_ensemble_summary
from simfuel.model.binomial import wilson_interval
from simfuel.reporting._common import Context
from simfuel.reporting.section_compare import brief_numbers, section_bottom_line
from simfuel.reporting.section_key_figures import bottom_line
from tests.report.conftest import report_scenario


def _text(html: str) -> str:
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def options() -> dict[str, simfuel.EnsembleResult]:
    ref = simfuel.run_ensemble(report_scenario(), 12, seed=0, workers=1, progress=False)
    safer = report_scenario()
    safer["threat"]["hazard_per_100km"] = 0.3
    other = simfuel.run_ensemble(safer, 12, seed=0, workers=1, progress=False)
    # "same" is the reference itself: every paired difference is exactly 0
    return {"ref": ref, "same": ref, "safer": other}


def _sentence(text: str, label: str, following: str | None) -> str:
    start = text.index(f"{label} against ref:")
    end = text.index(f"{following} against ref:") if following else text.index("Median stock-out")
    return text[start:end]


def test_no_difference_reads_identical_not_uncertain(options: dict[str, Any]) -> None:
    text = _text(str(section_bottom_line(options, brief_numbers(options))))
    same = _sentence(text, "same", "safer")
    assert same.count("identical to the reference in every replication") == 3
    assert "noise" not in same and "Neither difference" not in text


def test_each_headline_difference_has_its_own_note(options: dict[str, Any]) -> None:
    numbers = brief_numbers(options)
    d = numbers.differences["safer"]
    text = _text(str(section_bottom_line(options, numbers)))
    safer = _sentence(text, "safer", None)
    notes = re.findall(r"(not clear|clear) of the replications' noise", safer)
    expected = ["clear" if d[m].clear else "not clear" for m in d if d[m].pairs]
    assert notes == expected


def test_the_stockout_share_carries_its_wilson_interval(options: dict[str, Any]) -> None:
    ens = options["safer"]
    count = int(ens.replications["first_stockout"].notna().sum())
    low, high = wilson_interval(count, ens.n)
    line = (
        f"{count / ens.n * 100:.0f} % of replications ({count} of {ens.n}; "
        f"95 % CI {low * 100:.0f}–{high * 100:.0f} %)"
    )
    cli = format_ensemble_summary(ens.summary_table(), ens.n)
    assert cli.splitlines()[0] == f"  stock-out in {line}"
    ctx: Any = Context(ens, run=None, replication=0, images={})  # type: ignore[arg-type]
    assert f"in {line}" in _text(str(bottom_line(ctx)))
    pair = {"ref": options["ref"], "safer": ens}
    assert f"a stock-out in {line}" in _text(str(section_bottom_line(pair, brief_numbers(pair))))


def test_the_cli_states_the_share_when_every_run_ran_dry(options: dict[str, Any]) -> None:
    ens = options["ref"]
    assert ens.replications["first_stockout"].notna().all()
    first = format_ensemble_summary(ens.summary_table(), ens.n).splitlines()[0]
    assert first.startswith(f"  stock-out in 100 % of replications ({ens.n} of {ens.n}; 95 % CI")
