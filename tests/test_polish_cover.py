"""``days_of_cover`` is defined once, as the engine computes it, in the README and captions."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import simfuel
from simfuel.labels import COVER_DEFINITION
from simfuel.reporting.compare import render_brief
from tests.helpers import tiny_scenario
from tests.report.conftest import Report, tiny_report  # noqa: F401  (the fixture)

README = Path(__file__).resolve().parents[1] / "README.md"


def _outputs() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("### Outputs")
    return text[start : text.index("\n## ", start)]


def test_the_column_is_what_the_definition_says() -> None:
    raw = tiny_scenario()  # no reserve, no demand variation: nominal demand is demand_l
    daily = simfuel.run(raw, seed=0).daily
    nominal = raw["demand"]["demand_l_per_day"]
    before_serving = (daily["stock_l"] + daily["served_l"]) / nominal
    np.testing.assert_allclose(daily["days_of_cover"], before_serving, atol=1e-3)
    # ... and not the end-of-day stock over demand, which the captions said it was
    assert np.abs(daily["days_of_cover"] - daily["stock_l"] / nominal).max() > 0.5


def test_the_readme_describes_every_daily_column() -> None:
    outputs = _outputs()
    columns = simfuel.run(tiny_scenario(), seed=0).daily.columns
    for column in columns:
        assert re.search(rf"^\s*\| [^|]*`{column}`", outputs, re.M), column
    row = next(x for x in outputs.splitlines() if x.strip().startswith("| `days_of_cover`"))
    assert "before that day's demand is served" in row and "stock_l + served_l" in row


def test_no_caption_calls_it_end_of_day_stock(tiny_report: Report) -> None:  # noqa: F811
    ens = simfuel.run_ensemble(tiny_scenario(), 4, seed=0, workers=1, progress=False)
    brief = render_brief({"a": ens, "b": ens})
    for page in (brief, tiny_report.html):
        assert "end-of-day stock over" not in page and "end-of-day cover" not in page
        assert "end-of-day stock divided" not in page
    assert f"Days of cover [days] ({COVER_DEFINITION})" in brief.replace("&#x27;", "'")
    report = tiny_report.html.replace("&#x27;", "'")
    assert report.count(COVER_DEFINITION) >= 2  # fan chart and minimum-cover figure
