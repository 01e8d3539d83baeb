"""Key-figure cards: a 90 % interval of one value says there is no spread."""

from __future__ import annotations

import html as html_module
import re

import simfuel
from simfuel.labels import SUMMARY_LABELS
from simfuel.reporting._common import Context
from simfuel.reporting.section_key_figures import section_key_figures
from tests.report.conftest import report_scenario
from tests.report.pages import Page


def _card(html: str, metric: str) -> str:
    return " ".join(html_module.unescape(Page(html).text_by_id[f"kf-{metric}"]).split())


def test_a_card_without_spread_says_so_and_the_others_keep_their_interval() -> None:
    ens = simfuel.run_ensemble(report_scenario(), 6, seed=0, workers=1, progress=False)
    ens.replications = ens.replications.copy()
    ens.replications["min_days_of_cover"] = 0.0  # every replication ran to empty
    lost = ens.replications["tankers_lost"]
    assert lost.quantile(0.05) < lost.quantile(0.95)  # this one does spread
    ctx = Context(ens, simfuel.run(report_scenario(), seed=0), 0, {})
    html = str(section_key_figures(ctx))
    cover = _card(html, "min_days_of_cover")
    value = SUMMARY_LABELS["min_days_of_cover"].format(0.0, unit=True)
    assert f"no spread: {value} in 90 % of replications" in cover
    assert "90 % interval" not in cover
    assert re.search(r"90 % interval \d+ – \d+ tankers", _card(html, "tankers_lost"))
