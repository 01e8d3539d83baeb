"""``simfuel.compare`` / ``simfuel compare`` of any destination (issue 10): mali-2025's Mopti."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pytest

import simfuel
from simfuel.cli import main
from simfuel.ensemble.destinations import UnknownDestination
from simfuel.labels import format_number, format_proportion
from simfuel.plot.compare import compare_fans, compare_stockout
from simfuel.reporting import compare as compare_module
from simfuel.reporting.compare_stats import diverging_date, option_outcome, paired_metric
from simfuel.reporting.section_compare import (
    brief_numbers,
    section_bottom_line,
    section_metrics,
    section_options,
)
from tests.report.pages import Page

matplotlib.use("Agg")

REPS = 2
SEED = 4
OPTIONS = ("mali-2025", "ground-escort-mid-september")


@pytest.fixture(scope="module")
def ensembles() -> dict[str, simfuel.EnsembleResult]:
    return {
        name: simfuel.run_ensemble(name, REPS, seed=SEED, workers=1, progress=False)
        for name in OPTIONS
    }


@pytest.fixture(scope="module")
def runs(ensembles) -> dict[str, list[dict]]:
    """Mopti's summary of every replication of both options, from single runs."""
    return {
        name: [simfuel.run(*e.replication_inputs(i)).summary("mopti") for i in range(REPS)]
        for name, e in ensembles.items()
    }


@pytest.fixture(scope="module")
def cli(tmp_path_factory) -> tuple[str, str]:
    """``simfuel compare ... --destination mopti``: what it printed and the brief it wrote.

    The same seeds and replications as ``ensembles``: the same numbers.
    """
    out = tmp_path_factory.mktemp("brief")
    args = ["compare", *OPTIONS, "--reps", str(REPS), "--seed", str(SEED), "--workers", "1"]
    with pytest.MonkeyPatch.context() as mp:
        printed: list[str] = []
        mp.setattr("builtins.print", lambda *a, **k: printed.append(" ".join(map(str, a))))
        code = main([*args, "--destination", "mopti", "--out", str(out), "--quiet"])
    assert code == 0
    return "\n".join(printed), (Path(out) / "compare.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def brief(cli) -> str:
    return cli[1]


def test_the_outcome_at_mopti_is_moptis_runs(ensembles, runs):
    for name, e in ensembles.items():
        o = option_outcome(e, "mopti")
        lost = [r["tankers_lost"] for r in runs[name]]
        assert o.tankers_lost == pytest.approx(np.median(lost))
        assert o.stockouts == sum(r["first_stockout"] is not None for r in runs[name])
        dates = sorted(r["first_stockout"] for r in runs[name] if r["first_stockout"])
        if len(dates) == REPS:  # the lower median of two: an order statistic, never a mean
            assert o.median_stockout == dates[0]
        bamako = option_outcome(e)
        assert (bamako.tankers_lost, bamako.median_stockout) != (
            o.tankers_lost,
            o.median_stockout,
        )


def test_the_paired_difference_at_mopti_is_of_moptis_runs(ensembles, runs):
    first, other = (ensembles[k] for k in OPTIONS)
    d = paired_metric(first, other, "tankers_lost", destination="mopti")
    a, b = ([r["tankers_lost"] for r in runs[k]] for k in OPTIONS)
    assert d.estimate == pytest.approx(np.mean(np.subtract(b, a)))
    main_d = paired_metric(first, other, "tankers_lost")
    expected_main = np.mean(
        other.replications["tankers_lost"].to_numpy() - first.replications["tankers_lost"]
    )
    assert main_d.estimate == pytest.approx(expected_main)
    assert d.estimate != main_d.estimate
    numbers = brief_numbers(ensembles, "mopti")
    assert numbers.destination == "mopti"
    assert numbers.differences[OPTIONS[1]]["tankers_lost"] == d


def test_the_brief_of_mopti_names_it_and_shows_its_numbers(ensembles, runs, brief):
    page = Page(brief)
    assert "Decision brief: mali-2025 and ground-escort-mid-september, at Mopti" in brief
    assert "At Mopti." in page.text_by_id["destination"]
    assert "the main destination, Bamako" in page.text_by_id["destination"]
    bottom = page.text_by_id["bottom-line"]
    o = option_outcome(ensembles[OPTIONS[0]], "mopti")
    stock = format_proportion(o.stockouts, o.n, o.p_stockout_low, o.p_stockout_high)
    assert f"(the reference): a stock-out at Mopti in {stock}" in bottom
    lost = np.median([r["tankers_lost"] for r in runs[OPTIONS[0]]])
    assert f"; {format_number(lost)} tankers lost (median;" in bottom
    assert "Fuel cover and stock-outs at Mopti" in brief
    assert "(the stock at Mopti before that day's demand is served" in page.text_by_id["cover"]
    assert "All metrics at Mopti" in page.text_by_id["metrics"]
    assert "fuel delivered to Mopti" in page.text_by_id["metrics"]
    assert "--destination mopti" in brief


def test_the_brief_of_the_main_destination_by_name_is_the_default(ensembles):
    """Every section but the figures (drawn by the plots' own test below), and the footer."""
    named = brief_numbers(ensembles, "bamako")
    default = brief_numbers(ensembles)
    # repr: a difference with no pairs is NaN, which == never equals
    assert repr(named.outcomes) == repr(default.outcomes)
    assert repr(named.differences) == repr(default.differences)
    assert section_bottom_line(ensembles, named) == section_bottom_line(ensembles, default)
    assert section_metrics(ensembles, "bamako") == section_metrics(ensembles)
    assert section_options(ensembles, {}, "bamako") == section_options(ensembles, {})
    assert "At Mopti" not in section_bottom_line(ensembles, default)
    at_mopti = section_bottom_line(ensembles, brief_numbers(ensembles, "mopti"))
    assert at_mopti != section_bottom_line(ensembles, default)


def test_the_days_the_options_agree_on_are_read_at_the_destination(ensembles):
    day = diverging_date(ensembles, OPTIONS[1], destination="mopti")
    first, other = (ensembles[k] for k in OPTIONS)
    differs = np.zeros(len(first.dates), dtype=bool)
    for field in ("stock_l", "delivered_l", "days_of_cover"):
        differs |= (first.daily(field, "mopti") != other.daily(field, "mopti")).any(axis=0)
    hits = np.flatnonzero(differs)
    assert day is not None and hits.size
    assert day <= first.dates[hits[0]]


def test_the_plots_draw_the_destination(ensembles):
    ax = compare_fans(ensembles, "days_of_cover", destination="mopti")
    assert "at Mopti" in ax.get_title()
    medians = [ln for ln in ax.lines if str(ln.get_label()).endswith(": median")]
    expected = ensembles[OPTIONS[0]].bands("days_of_cover", q=(0.5,), destination="mopti")
    np.testing.assert_allclose(medians[0].get_ydata(), expected[0.5].to_numpy())
    ax = compare_stockout(ensembles, destination="mopti")
    assert ax.get_title() == "Probability of a stock-out at Mopti by each date"
    p = ensembles[OPTIONS[1]].probability("stockout == 1", cumulative=True, destination="mopti")
    np.testing.assert_allclose(ax.lines[1].get_ydata(), p.to_numpy() * 100)
    with pytest.raises(UnknownDestination, match="'gao'"):
        compare_stockout(ensembles, destination="gao")


def test_compare_refuses_an_unknown_destination_before_any_run(monkeypatch, tmp_path):
    def no_runs(*args, **kwargs):
        raise AssertionError("a replication ran")

    monkeypatch.setattr(compare_module, "run_ensemble", no_runs)
    with pytest.raises(UnknownDestination, match=r"^mali-2025: destination 'gao' is not a pl"):
        simfuel.compare(OPTIONS, reps=2, out=tmp_path, destination="gao", progress=False)
    # A place of the first option that another lacks: that option is named.
    with pytest.raises(
        UnknownDestination,
        match=r"^option 'tut': tutorial-network: destination 'mopti' .*\(places with stock: aldm",
    ):
        simfuel.compare(["mali-2025", "tut=tutorial-network"], out=tmp_path, destination="mopti")
    assert not (tmp_path / "compare.html").exists()


def test_cli_unknown_destination_is_one_line_and_exit_2(tmp_path, capsys):
    out = tmp_path / "o"
    code = main(["compare", *OPTIONS, "--destination", "gao", "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1, err
    assert "--destination gao: not a place with stock of mali-2025" in err
    assert "bamako, segou, mopti" in err
    assert not out.exists()


def test_cli_compare_at_mopti_prints_the_destination(cli, ensembles):
    headers = [ln for ln in cli[0].splitlines() if ln.startswith(OPTIONS)]
    assert len(headers) == 2 and all(", at Mopti, seed 4" in h for h in headers), headers
    o = option_outcome(ensembles[OPTIONS[1]], "mopti")  # the same seeds: the same numbers
    stock = format_proportion(o.stockouts, o.n, o.p_stockout_low, o.p_stockout_high)
    bottom = Page(cli[1]).text_by_id["bottom-line"]
    assert f"against mali-2025: a stock-out at Mopti in {stock}" in bottom
