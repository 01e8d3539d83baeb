"""One median stock-out date everywhere: the CLI summary, the report and the brief agree.

The rule (``EnsembleResult.summary_table``): the median over **all** replications, a
replication that never ran dry counting as later than any date, each date the calendar
day of one replication (no half days).
"""

from __future__ import annotations

import html as html_module
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.cli import format_ensemble_summary
from simfuel.labels import MEDIAN_DATE_RULE
from simfuel.reporting._common import Context
from simfuel.reporting.section_compare import brief_numbers, section_bottom_line
from simfuel.reporting.section_key_figures import bottom_line
from tests.report.conftest import report_scenario

DATE = r"(\d{4}-\d\d-\d\d|never)"


def _text(html: str) -> str:
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _all_runs_median(ens: simfuel.EnsembleResult) -> str:
    """The median by hand: never sorts last, the lower middle of an even count."""
    days = (
        pd.to_datetime(ens.replications["first_stockout"]) - pd.Timestamp(ens.scenario.start)
    ).dt.days.to_numpy(float)
    ordered = np.sort(np.nan_to_num(days, nan=np.inf))
    middle = ordered[(ordered.size + 1) // 2 - 1]
    if np.isinf(middle):
        return "never"
    return (pd.Timestamp(ens.scenario.start) + pd.Timedelta(days=int(middle))).date().isoformat()


@pytest.fixture(scope="module")
def ensemble() -> simfuel.EnsembleResult:
    """A real ensemble whose stock-out dates are set so that the medians' rules differ.

    Nine replications run dry on days 3 .. 11 and three never do: the median among the
    dry runs is day 7, the median over all runs (never last) day 8.
    """
    ens = simfuel.run_ensemble(report_scenario(), 12, seed=0, workers=1, progress=False)
    start = pd.Timestamp(ens.scenario.start)
    planted = [start + pd.Timedelta(days=d) for d in range(3, 12)] + [pd.NaT] * 3
    ens.replications = ens.replications.copy()
    ens.replications["first_stockout"] = pd.to_datetime(pd.Series(planted).to_numpy())
    assert _all_runs_median(ens) == (start + pd.Timedelta(days=8)).date().isoformat()
    return ens


def test_cli_report_and_brief_give_the_same_median_stockout_date(
    ensemble: simfuel.EnsembleResult,
) -> None:
    expected = _all_runs_median(ensemble)
    cli = format_ensemble_summary(ensemble.summary_table(), ensemble.n)
    line = next(x for x in cli.splitlines() if "first day of stock-out" in x)
    cli_date = re.search(DATE, line)
    assert cli_date is not None and cli_date.group(1) == expected, line

    ctx: Any = Context(ensemble, run=None, replication=0, images={})  # type: ignore[arg-type]
    report = _text(str(bottom_line(ctx)))
    report_date = re.search(rf"median date {DATE}", report)
    assert report_date is not None and report_date.group(1) == expected, report

    ensembles = {"a": ensemble, "b": ensemble}
    brief = _text(str(section_bottom_line(ensembles, brief_numbers(ensembles))))
    brief_date = re.search(rf"a \(the reference\):.*?median stock-out date {DATE}", brief)
    assert brief_date is not None and brief_date.group(1) == expected, brief


def test_every_output_states_the_rule_in_the_same_words(
    ensemble: simfuel.EnsembleResult,
) -> None:
    cli = " ".join(format_ensemble_summary(ensemble.summary_table(), ensemble.n).split())
    ctx: Any = Context(ensemble, run=None, replication=0, images={})  # type: ignore[arg-type]
    ensembles = {"a": ensemble, "b": ensemble}
    brief = _text(str(section_bottom_line(ensembles, brief_numbers(ensembles))))
    for text in (cli, _text(str(bottom_line(ctx))), brief):
        assert MEDIAN_DATE_RULE in text
        assert "among" not in text  # no second definition left under another name
