"""The single-scenario report's bottom line and its "typical run" wording."""

from __future__ import annotations

import re

from simfuel.labels import MEDIAN_DATE_RULE, format_date
from simfuel.reporting.section_replication import typical_run_title
from tests.report.conftest import Report
from tests.report.pages import Page


def _words(text: str) -> str:
    return " ".join(text.split())


def test_the_key_figures_open_with_a_bottom_line(tiny_report: Report) -> None:
    html = tiny_report.html
    section = html[html.index('id="key-figures"') :]
    # the sentence comes before the cards and the tables of the section
    assert section.index('id="bottom-line"') < section.index('class="cards"')
    text = _words(Page(html).text_by_id["bottom-line"])
    assert text.startswith("Bottom line. ")
    reps = tiny_report.ensemble.replications
    n = len(reps)
    ran_dry = int(reps["first_stockout"].notna().sum())
    assert 0 < ran_dry < n  # the fixture's scenario: most, not all, replications run dry
    assert f"in {ran_dry / n * 100:.0f} % of replications ({ran_dry} of {n}; 95 % CI " in text
    # the median over all replications, as summary_table and the CLI take it
    median_day = tiny_report.ensemble.summary_table().loc["first_stockout", "median"]
    assert f"median date {format_date(median_day)}" in text
    assert f"Dates: {MEDIAN_DATE_RULE}." in text
    lost = reps["tankers_lost"].median()
    assert re.search(rf"\b{lost:,.0f} tankers were lost \(median; 90 % interval", text), text


def test_the_shown_replication_is_called_a_typical_run(tiny_report: Report) -> None:
    page = Page(tiny_report.html)
    k = tiny_report.ensemble.representative_replication()
    assert typical_run_title(k) == f"A typical run (replication {k})"
    text = _words(page.text_by_id["replication"])
    assert f"show a typical run: replication {k}," in text
    alts = [a.get("alt") or "" for tag, a in page.tags if tag == "img"]
    assert f"Convoy timeline of a typical run (replication {k})" in alts
