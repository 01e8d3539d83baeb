"""Outputs speak the scenario's words: a food-in-trucks vocabulary never reads "ML" or "tankers".

Every scenario of today carries fuel (``Scenario.vocabulary`` is ``FUEL``), so the tests
give one another vocabulary by patching the property: what the CLI prints, a plot's
axes and the report's key figures must then follow it.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
import yaml

import simfuel
from simfuel.cli import main
from simfuel.labels import FUEL, vocabulary_for
from simfuel.plot import daily_shares, delivery_distribution, loss_distribution, stock_fan
from simfuel.reporting import render_html
from simfuel.scenario import Scenario
from tests.helpers import tiny_scenario

FOOD = vocabulary_for("food", "t", "truck")
#: Words of fuel outputs that a food scenario must not show.
FUEL_WORDS = re.compile(r"\bML\b|\btankers?\b|\bfuel\b|Bamako|national", re.IGNORECASE)


@pytest.fixture
def food(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every scenario speaks of food in tonnes carried by trucks."""
    monkeypatch.setattr(Scenario, "vocabulary", property(lambda self: FOOD))


def threatened() -> dict:
    raw = tiny_scenario()
    raw["threat"]["hazard_per_100km"] = 0.6
    raw["depot"]["initial_stock_l"] = 1_000_000
    return raw


@pytest.fixture
def tiny_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(threatened()))
    return path


def fuel_words(text: str) -> list[str]:
    return FUEL_WORDS.findall(text)


def test_the_fuel_vocabulary_is_what_fuel_scenarios_print(tiny_file: Path, capsys) -> None:
    """The control: without the patch the words are there, so the checks below can fail."""
    assert simfuel.load_scenario(tiny_file).vocabulary == FUEL
    assert main(["run", str(tiny_file), "--seed", "1"]) == 0
    printed = capsys.readouterr().out
    assert " ML" in printed and "tankers lost" in printed


def test_the_printed_summary_of_a_run_uses_the_vocabulary(food, tiny_file: Path, capsys) -> None:
    assert main(["run", str(tiny_file), "--seed", "1"]) == 0
    printed = capsys.readouterr().out
    assert fuel_words(printed) == []
    assert "food delivered to the depot" in printed
    assert "trucks lost" in printed and re.search(r"\d t\b", printed)


def test_the_printed_summary_of_an_ensemble_uses_the_vocabulary(
    food, tiny_file: Path, capsys
) -> None:
    assert main(["run", str(tiny_file), "-r", "3", "-w", "1", "-q"]) == 0
    printed = capsys.readouterr().out
    assert fuel_words(printed) == []
    assert "trucks lost" in printed


def test_a_sweep_table_uses_the_vocabulary(food, tiny_file: Path, capsys) -> None:
    args = ["sweep", str(tiny_file), "--param", "threat.hazard_per_100km=0.1,0.6"]
    assert main([*args, "-r", "2", "-w", "1", "-q"]) == 0
    printed = capsys.readouterr().out
    assert fuel_words(printed) == []
    assert "delivered_t" in printed and "trucks_lost" in printed


def test_plots_label_axes_and_titles_in_the_vocabulary(food) -> None:
    ens = simfuel.run_ensemble(threatened(), 3, seed=2, workers=1, progress=False)
    run = simfuel.run(threatened(), seed=2)
    drawn = []
    for draw in (
        lambda: stock_fan(ens, "stock_l"),
        lambda: stock_fan(run, "stock_l"),
        lambda: loss_distribution(ens),
        lambda: delivery_distribution(ens),
        lambda: daily_shares(ens),
    ):
        ax = draw()
        texts = [ax.get_xlabel(), ax.get_ylabel(), ax.get_title()]
        texts += [t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else []
        drawn.append(" | ".join(texts))
        plt.close(ax.figure)
    assert [fuel_words(t) for t in drawn] == [[]] * len(drawn)
    assert "[t]" in drawn[0] and "trucks lost" in drawn[2]


def test_the_report_key_figures_use_the_vocabulary(food) -> None:
    ens = simfuel.run_ensemble(threatened(), 3, seed=2, workers=1, progress=False)
    page = render_html(ens)
    key = re.search(r'<section id="key-figures">(.*?)</section>', page, re.S)
    assert key is not None
    text = re.sub(r"<[^>]+>", " ", key.group(1))
    assert fuel_words(text) == []
    assert "trucks lost" in text.lower() and "food" in text.lower()
    title = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert title is not None and title.group(1).startswith("Food supply")
    stocks = re.search(r'<section id="stocks">(.*?)</section>', page, re.S)
    assert stocks is not None and fuel_words(re.sub(r"<[^>]+>", " ", stocks.group(1))) == []


def test_a_fuel_report_still_says_fuel_tankers_and_ml() -> None:
    ens = simfuel.run_ensemble(threatened(), 2, seed=2, workers=1, progress=False)
    page = render_html(ens)
    assert "Fuel supply under threat" in page
    key = re.search(r'<section id="key-figures">(.*?)</section>', page, re.S)
    assert key is not None and "tankers were lost" in key.group(1)
    assert "ML of fuel reached the depot" in key.group(1)


def test_schema_descriptions_name_no_mali_place_or_national_demand() -> None:
    from simfuel.scenario.schema import Scenario as Schema

    text = str(Schema.model_json_schema())
    assert not re.search(r"Bamako|national fuel demand|national demand", text)
    reference = (Path(__file__).parents[1] / "docs" / "scenario-format.md").read_text()
    assert not re.search(r"Bamako|national fuel demand|national demand", reference)
