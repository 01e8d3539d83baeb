"""The report and the CLI on a scenario with several destinations: selector and table."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import yaml

import simfuel
from simfuel.cli import main
from simfuel.ensemble.destinations import UnknownDestination
from simfuel.labels import format_date
from simfuel.reporting import make_report, render_html
from tests.ensemble.test_destinations import network
from tests.helpers import tiny_scenario


@pytest.fixture(scope="module")
def ensemble() -> simfuel.EnsembleResult:
    return simfuel.run_ensemble(network(), 6, seed=3, workers=1, progress=False)


def section(page: str, name: str) -> str:
    found = re.search(rf'<section id="{name}">(.*?)</section>', page, re.S)
    assert found is not None, name
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def row(page: str, place: str) -> str:
    found = re.search(rf'<tr id="destination-{place}">(.*?)</tr>', page, re.S)
    assert found is not None, place
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def test_the_key_figures_have_a_row_per_destination_with_its_own_numbers(ensemble) -> None:
    page = render_html(ensemble)
    for place in ("city", "b", "c"):
        stats = ensemble.summary_table(destination=place)
        cells = row(page, place)
        assert format_date(stats.loc["first_stockout", "median"]) in cells
        shortfall = f"{stats.loc['days_with_shortfall', 'median']:,.0f}"
        assert re.search(rf"\b{shortfall}\b", cells), (place, shortfall, cells)
        reached = ensemble.n - round(stats.loc["first_stockout", "share_never"] * ensemble.n)
        assert f"({reached} of {ensemble.n};" in cells
    # The three places differ: the table is not the depot's three times.
    assert len({row(page, p) for p in ("city", "b", "c")}) == 3


def test_a_one_destination_report_has_no_destinations_table() -> None:
    ens = simfuel.run_ensemble(tiny_scenario(), 2, seed=3, workers=1, progress=False)
    page = render_html(ens)
    assert 'id="destinations"' not in page and "destination-" not in page


def test_the_selector_puts_a_town_on_the_page(ensemble) -> None:
    page = render_html(ensemble, destination="b")
    key = section(page, "key-figures")
    stats = ensemble.summary_table(destination="b")
    assert (
        key.split("Bottom line.")[1]
        .lstrip()
        .startswith(f"Over {ensemble.scenario.start} – {ensemble.scenario.end}, b ran out of fuel")
    )
    assert format_date(stats.loc["first_stockout", "median"]) in key.split("Every destination")[0]
    assert "fuel delivered to b" in key
    assert 'id="stocks"><h2>Fuel in b</h2>' in page
    # The main destination's page says the depot.
    main_page = render_html(ensemble)
    assert "Fuel delivered to the depot" in section(main_page, "key-figures")


def test_an_unknown_destination_is_refused_before_any_run(tmp_path: Path, monkeypatch) -> None:
    def no_runs(*args, **kwargs):
        raise AssertionError("an ensemble ran")

    monkeypatch.setattr("simfuel.reporting.build.run_ensemble", no_runs)
    with pytest.raises(UnknownDestination, match=r"'nowhere'.*places with stock: city, b, c"):
        make_report(network(), reps=2, out=tmp_path, destination="nowhere")
    assert not (tmp_path / "report.html").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["run"],
        ["run", "-r", "2"],
        ["report", "--reps", "2"],
        ["sweep", "--param", "threat.hazard_per_100km=0.1", "-r", "2"],
        ["size-fleet", "--force", "army", "-r", "2"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_an_unknown_destination_at_the_cli_is_one_line_exit_2(
    command: list[str], tmp_path: Path, capsys
) -> None:
    out = ["--out", str(tmp_path / "out")] if command[0] != "size-fleet" else []
    argv = [command[0], "mali-2025-regions", *command[1:], *out, "--destination", "timbuktu"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "error: --destination timbuktu: not a place with stock of mali-2025-regions "
        "(places with stock: bamako, segou, mopti)"
    ]
    assert not (tmp_path / "out").exists()


def test_the_cli_prints_the_destination_asked_for(tmp_path: Path, capsys) -> None:
    path = tmp_path / "net.yaml"
    doc = json.loads(network().model_dump_json(by_alias=True, exclude_unset=True))
    path.write_text(yaml.safe_dump(doc))
    assert main(["run", str(path), "--seed", "2", "--destination", "c"]) == 0
    printed = capsys.readouterr().out
    assert ", at c, seed 2" in printed.splitlines()[0]
    run = simfuel.run(network(), seed=2)
    delivered = f"{run.summary('c')['delivered_l'] / 1e6:,.1f}"
    assert re.search(rf"fuel delivered to c\s+{re.escape(delivered)} ML", printed)
    assert main(["run", str(path), "--seed", "2"]) == 0
    plain = capsys.readouterr().out
    assert "fuel delivered to the depot" in plain and ", at " not in plain


def test_the_corridor_table_ends_each_route_where_its_corridor_ends(ensemble) -> None:
    page = html.unescape(render_html(ensemble))
    assert "route (origin → staging → destination)" in page
    assert "b → b → c" in page and "city → city → b" in page


def test_a_store_of_the_previous_version_still_makes_a_report(tmp_path: Path) -> None:
    from tests.ensemble.test_destinations import _as_previous_version

    simfuel.run_ensemble(network(), 2, seed=3, workers=1, progress=False, store=tmp_path)
    _as_previous_version(tmp_path)
    old = simfuel.EnsembleResult.from_parquet(tmp_path)
    assert old.destinations == ["city", "b", "c"] and old.held_destinations == ["city"]
    page = render_html(old)
    assert 'id="destinations"' not in page and "Bottom line" in page
