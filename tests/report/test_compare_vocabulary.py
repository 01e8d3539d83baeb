"""The decision brief speaks the scenario's words: a brief of tonnes by truck never reads "ML".

Issue 10: a food (supplies) scenario never prints "ML", "fuel" or "tankers" unless told
to. ``simfuel compare lachin-2022-2023 lachin-no-checkpoint`` wrote ``fuel delivered to
the depot [ML] 0.0`` (tonnes divided by 1e6) in its table of all metrics, a heading
"Fuel cover and stock-outs" and "tankers lost" in its bottom line. A fuel brief (the tiny
scenario) must keep its ML and tankers: the control that shows the checks can fail.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import pytest

import simfuel
from simfuel.cli import main
from simfuel.ensemble import EnsembleResult
from simfuel.labels import format_number
from simfuel.reporting.compare import render_brief
from tests.helpers import SCENARIOS
from tests.report.conftest import report_scenario

#: Words of fuel outputs that a brief of supplies in tonnes must not show.
FUEL_WORDS = re.compile(r"\bML\b|\btankers?\b|\bfuel\b", re.IGNORECASE)
LACHIN = ("lachin-2022-2023", "lachin-no-checkpoint")
REPS = 3
SEED = 4


def fuel_words(text: str) -> list[str]:
    """The fuel words of a page's text, tags' attributes (alt texts) included, images not."""
    text = re.sub(r'src="data:[^"]*"', "", text)  # base64 may hold "/ML/"
    return FUEL_WORDS.findall(html.unescape(text))


@cache
def ensembles(*names: str) -> dict[str, EnsembleResult]:
    return {
        name: simfuel.run_ensemble(
            SCENARIOS / f"{name}.yaml", REPS, seed=SEED, workers=1, progress=False
        )
        for name in names
    }


@cache
def lachin_brief() -> str:
    return render_brief(ensembles(*LACHIN))


def metric_row(brief: str, label: str) -> list[str]:
    """The two medians in the row of all metrics named ``label``."""
    section = brief[brief.index('id="metrics"') :]
    cell = r'</td><td class="num">([^<]*)'
    match = re.search("<tr><td>" + re.escape(html.escape(label)) + cell + cell, section)
    assert match, f"no row {label!r} in the table of all metrics"
    return [match.group(1), match.group(2)]


def test_a_brief_of_tonnes_by_truck_has_no_fuel_words() -> None:
    brief = lachin_brief()
    assert fuel_words(brief) == []
    assert "Supplies cover and stock-outs" in brief
    assert " trucks lost (median" in brief


def test_the_delivered_tonnes_of_the_brief_are_the_ensembles() -> None:
    """Not 0.0: the tonnes are shown in t, not divided by a million into ML."""
    cells = metric_row(lachin_brief(), "supplies delivered to the depot [t]")
    delivered = [
        e.summary_table().loc["delivered_l", "median"] for e in ensembles(*LACHIN).values()
    ]
    assert min(delivered) > 1_000  # thousands of tonnes reach Stepanakert
    assert cells == [format_number(t, 1) for t in delivered]


def test_the_printed_output_of_compare_has_no_fuel_words(tmp_path: Path, capsys) -> None:
    options = [str(SCENARIOS / f"{name}.yaml") for name in LACHIN]
    out = tmp_path / "brief"
    args = ["compare", *options, "--reps", "2", "-w", "1", "-q", "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr()
    assert fuel_words(printed.out + printed.err) == []
    assert fuel_words((out / "compare.html").read_text(encoding="utf-8")) == []


def test_a_fuel_brief_keeps_megalitres_and_tankers() -> None:
    tiny = report_scenario()
    brief = render_brief(
        {
            label: simfuel.run_ensemble(tiny, REPS, seed=SEED, workers=1, progress=False)
            for label in ("one", "two")
        }
    )
    words = {w.lower() for w in fuel_words(brief)}
    assert {"ml", "tankers", "fuel"} <= words
    assert "fuel delivered to the depot [ML]" in brief
    assert " tankers lost (median" in brief
    assert "Fuel cover and stock-outs" in brief


@pytest.mark.parametrize("label", ["loaded at the origins [t]", "final stock [t]"])
def test_other_quantities_are_in_tonnes(label: str) -> None:
    cells = metric_row(lachin_brief(), label)
    metric = {"loaded at the origins [t]": "loaded_l", "final stock [t]": "final_stock_l"}[label]
    medians = [e.summary_table().loc[metric, "median"] for e in ensembles(*LACHIN).values()]
    assert cells == [format_number(t, 1) for t in medians]
