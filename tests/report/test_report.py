"""The HTML report, read structurally: embedded images, no network, content, escaping."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import simfuel
from simfuel.ensemble.seeds import replication_seed
from simfuel.reporting import build as report_build
from simfuel.reporting import make_report, render_html, representative_replication
from simfuel.reporting.build import representative_run
from simfuel.results import SUMMARY_METRICS
from tests.report.conftest import HOSTILE_DESCRIPTION, HOSTILE_NOTE, Report, report_scenario
from tests.report.pages import Page, data_uri_png, decode_png

EXPECTED_FIGURES = {
    "fig-cover",
    "fig-stock",
    "fig-probability",
    "fig-timeline",
    "fig-map",
    "fig-lost",
    "fig-delivered",
    "fig-shortfall",
    "fig-min-cover",
}


@pytest.fixture(scope="module")
def page(tiny_report: Report) -> Page:
    return Page(tiny_report.html)


def test_report_is_one_file_written_atomically(tiny_report: Report) -> None:
    assert tiny_report.path.name == "report.html"
    assert [p.name for p in tiny_report.path.parent.iterdir()] == ["report.html"]
    assert tiny_report.html.startswith("<!DOCTYPE html>")
    assert tiny_report.html.rstrip().endswith("</html>")


def test_every_image_is_an_embedded_valid_png(tiny_report: Report, page: Page) -> None:
    images = page.all("img")
    assert len(images) == len(EXPECTED_FIGURES)
    ids = {a["id"] for name, a in page.tags if name == "figure"}
    assert ids == EXPECTED_FIGURES
    for attrs in images:
        png = decode_png(data_uri_png(attrs["src"] or ""))
        assert png.width >= 600 and png.height >= 250, attrs["alt"]
        assert attrs["alt"], "every image needs alt text"
        # displayed size keeps the PNG's aspect ratio
        w, h = int(attrs["width"] or 0), int(attrs["height"] or 0)
        assert abs(w / h - png.width / png.height) < 0.01
    (body,) = page.all("body")
    assert body["data-images-total"] == str(len(images))


def test_page_references_nothing_outside_itself(tiny_report: Report, page: Page) -> None:
    for name, attrs in page.tags:
        for attr in ("src", "href", "action", "srcset", "poster", "data", "formaction"):
            value = (attrs.get(attr) or "").strip()
            if not value:
                continue
            assert not re.match(r"(?i)^(https?:)?//", value), (name, attr, value)
            if attr == "href":
                assert value.startswith("#"), (name, value)
                assert value[1:] in {a.get("id") for _, a in page.tags}, value
            else:
                assert value.startswith("data:"), (name, attr, value[:40])
    assert not page.all("link") and not page.all("iframe") and not page.all("object")
    scripts = page.all("script")
    assert len(scripts) == 1 and "src" not in scripts[0]
    assert not re.search(r"""(?i)(src|href)\s*=\s*["']?\s*(https?:)?//""", tiny_report.html)
    assert "url(" not in tiny_report.html  # no CSS fetches either
    (csp,) = [a for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in (csp["content"] or "")
    assert "img-src data:" in (csp["content"] or "")


def test_key_figures_show_median_and_interval(tiny_report: Report, page: Page) -> None:
    ens = tiny_report.ensemble
    stats = ens.summary_table()

    def number(value: float, digits: int) -> str:
        return f"{value:,.{digits}f}"

    for metric, scale, digits in (
        ("delivered_l", 1e6, 1),
        ("tankers_lost", 1.0, 0),
        ("attacks", 1.0, 0),
        ("days_with_shortfall", 1.0, 0),
        ("min_days_of_cover", 1.0, 1),
    ):
        text = page.text_by_id[f"kf-{metric}"]
        row = stats.loc[metric]
        assert number(row["median"] / scale, digits) in text, (metric, text)
        interval = f"{number(row['low'] / scale, digits)} – {number(row['high'] / scale, digits)}"
        assert interval in text, (metric, text)
    for metric in ("first_rationing", "first_stockout"):
        text = page.text_by_id[f"kf-{metric}"]
        row = stats.loc[metric]
        shown = [
            "never" if pd.isna(row[c]) else row[c].isoformat() for c in ("median", "low", "high")
        ]
        assert shown[0] in text
        assert f"{shown[1]} – {shown[2]}" in text
        never = ens.replications[metric].isna().sum()
        assert f"never in {never / ens.n * 100:.0f} % of replications ({never} of {ens.n})" in text
    # the scenario is built so that some replications never run out of stock
    assert 0 < ens.replications["first_stockout"].isna().sum() < ens.n
    for metric in SUMMARY_METRICS:
        assert f"metric-{metric}" in page.text_by_id


def test_report_ensemble_is_the_seeded_one(tiny_report: Report, page: Page) -> None:
    """make_report ran run_ensemble with its reps and seed: the all-metrics table agrees."""
    stats = tiny_report.ensemble.summary_table()
    row = page.text_by_id["metric-tankers_lost"]
    assert f"{stats.loc['tankers_lost', 'median']:,.0f}" in row
    assert f"{tiny_report.ensemble.n} replications" in tiny_report.html


def test_scenario_summary_and_parameters(tiny_report: Report, page: Page) -> None:
    sc = tiny_report.ensemble.scenario
    text = page.text_by_id["scenario"]
    assert sc.name in text and HOSTILE_DESCRIPTION in text
    assert f"{sc.start} to {sc.end}" in text and f"{sc.horizon_days} days" in text
    assert "port → border → city" in text  # the corridor's route
    for force in ("army", "air"):
        assert force in text
    params = page.text_by_id["parameters"]
    assert "0.6" in params and "attacks per 100 km" in params  # the hazard


def test_timeline_events_appear_with_notes(page: Page) -> None:
    params = page.text_by_id["parameters"]
    for ev in report_scenario()["events"]:
        assert ev["id"] in params
        assert ev["date"] in params
    assert "six burned, two seized" in params
    assert "6 tankers destroyed, 2 captured" in params
    assert HOSTILE_NOTE in params  # shown as text...
    assert "Source: Test source <b>bold</b>" in params


def test_text_is_escaped(tiny_report: Report, page: Page) -> None:
    raw = tiny_report.html
    assert "<script>alert" not in raw
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in raw
    assert "<img src=x" not in raw and "&lt;img src=x onerror=alert(1)&gt;" in raw
    assert "<b>bold</b>" not in raw
    assert len(page.all("script")) == 1  # ours only
    assert all((a.get("src") or "").startswith("data:") for a in page.all("img"))
    assert "tiny &amp; &quot;blockaded&quot;" in raw


def test_full_scenario_yaml_is_embedded(tiny_report: Report) -> None:
    blocks = re.findall(r"<details>.*?</details>", tiny_report.html, flags=re.S)
    (full,) = [b for b in blocks if "Full scenario as YAML" in b]
    code = re.search(r"<pre><code>(.*)</code></pre>", full, flags=re.S)
    assert code is not None
    data = yaml.safe_load(html.unescape(code.group(1)))
    again = simfuel.load_scenario(data)
    assert again == tiny_report.ensemble.scenario
    # a mapping, not a file: no "as written" block
    assert not any("Scenario file as written" in b for b in blocks)


def test_representative_run_reproduces_its_replication(tiny_report: Report, page: Page) -> None:
    ens = tiny_report.ensemble
    k = representative_replication(ens)
    result = representative_run(ens, k)
    row = ens.replications.loc[k]
    summary = result.summary()
    for metric in ("delivered_l", "tankers_lost", "attacks", "days_with_shortfall", "convoys"):
        assert summary[metric] == row[metric], metric
    assert summary["min_days_of_cover"] == pytest.approx(row["min_days_of_cover"])
    assert f"A typical run (replication {k})" in page.text_by_id["replication"]
    key = tuple(ens.replication_inputs(k)[1].spawn_key)
    assert key == tuple(replication_seed(np.random.SeedSequence(ens.seed_entropy), k).spawn_key)
    assert f"spawn_key={key}" in page.text_by_id["replication"]
    assert "Warning" not in page.text_by_id["replication"]


def test_representative_replication_is_the_one_nearest_the_medians() -> None:
    sc = simfuel.load_scenario(report_scenario())
    n = 5
    summary = pd.DataFrame(
        {m: np.zeros(n) for m in SUMMARY_METRICS}, index=pd.Index(range(n), dtype=np.int64)
    )
    # replication 3 is the median of every metric the choice looks at
    for metric in report_build.REPRESENTATIVE_METRICS:
        summary[metric] = [10.0, 50.0, 40.0, 30.0, 20.0]
    summary["first_rationing"] = np.nan
    summary["first_stockout"] = np.nan
    daily = {f: np.zeros((n, sc.horizon_days)) for f in simfuel.results.DAILY_FIELDS}
    ens = simfuel.EnsembleResult(sc, 0, (), summary, daily=daily)
    assert representative_replication(ens) == 3
    summary["tankers_lost"] = [30.0, 30.0, 30.0, 30.0, 30.0]  # ties everywhere else
    for metric in ("delivered_l", "attacks", "days_with_shortfall", "min_days_of_cover"):
        summary[metric] = 1.0
    ens = simfuel.EnsembleResult(sc, 0, (), summary, daily=daily)
    assert representative_replication(ens) == 0  # lowest index on ties


def test_given_ensemble_is_reused_not_rerun(
    tiny_report: Report, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("make_report ran an ensemble although one was given")

    monkeypatch.setattr(report_build, "run_ensemble", refuse)
    # the same scenario, given as a file, along with the ensemble run from it
    scenario_file = tmp_path / "tiny.yaml"
    text = yaml.safe_dump(report_scenario(), sort_keys=False, allow_unicode=True)
    scenario_file.write_text("# a comment with a source <and> markup\n" + text, "utf-8")
    path = make_report(scenario_file, ensemble=tiny_report.ensemble, out=tmp_path / "again")
    assert path == tmp_path / "again" / "report.html"
    page_text = path.read_text(encoding="utf-8")
    again, first = Page(page_text), Page(tiny_report.html)
    assert again.text_by_id["kf-tankers_lost"] == first.text_by_id["kf-tankers_lost"]
    # the file is shown as written, comments included, escaped
    assert "Scenario file as written" in page_text
    assert "# a comment with a source &lt;and&gt; markup" in page_text
    # another scenario than the ensemble's is refused
    other = report_scenario()
    other["threat"]["hazard_per_100km"] = 0.1
    with pytest.raises(ValueError, match="another scenario"):
        make_report(other, ensemble=tiny_report.ensemble, out=tmp_path / "other")
    assert not (tmp_path / "other").exists()


def test_needs_a_scenario_or_an_ensemble(tmp_path) -> None:
    with pytest.raises(ValueError, match="scenario or an ensemble"):
        make_report(out=tmp_path)


def test_invalid_scenario_raises_scenario_error(tmp_path) -> None:
    bad = report_scenario()
    bad["threat"]["hazard_per_100km"] = -1
    with pytest.raises(simfuel.ScenarioError, match="hazard_per_100km"):
        make_report(bad, reps=2, workers=1, progress=False, out=tmp_path)
    assert not (tmp_path / "report.html").exists()


def test_no_stockout_anywhere_reads_never(tmp_path) -> None:
    calm = report_scenario()
    calm["events"] = []
    ens = simfuel.run_ensemble(calm, 3, seed=1, workers=1, progress=False)
    assert ens.replications["first_stockout"].isna().all()
    page = Page(render_html(ens))
    text = page.text_by_id["kf-first_stockout"]
    assert "never" in text and "in none of the 3 replications" in text
    assert "never in 100 % of replications (3 of 3)" in text
    assert "No dated events" in page.text_by_id["parameters"]
    assert dt.date(2025, 1, 1).isoformat() in page.text_by_id["scenario"]


def test_names_holding_mathtext_are_shown_as_written(tmp_path: Path) -> None:
    # A pair of $ in scenario text made matplotlib parse it as mathtext: `$\foo$` (an
    # unknown command) crashed the report while drawing its figures.
    raw = report_scenario()
    evil = r"$\foo$"
    raw["name"] = f"tiny {evil}"
    raw["corridors"]["main"]["name"] = f"Main {evil}"
    raw["places"]["city"]["name"] = f"Capital {evil}"
    raw["escorts"]["army"]["name"] = f"Army {evil}"
    path = make_report(raw, reps=3, seed=1, out=tmp_path, workers=1, progress=False)
    page = path.read_text(encoding="utf-8")
    assert f"Main {evil}" in page and f"tiny {evil}" in page


def test_the_page_opens_with_the_caveat_then_the_bottom_line(tiny_report):
    text = tiny_report.html
    body = text.split("</header>", 1)[1]
    caveat, first_section = body.find('id="caveat"'), body.find("<section")
    assert 0 <= caveat < first_section, "the assumptions caveat must come before any section"
    assert body[first_section:].startswith('<section id="key-figures"'), body[first_section:][:80]
    footer = text.split("<footer", 1)[1] if "<footer" in text else ""
    assert "Many parameters" not in footer, "the caveat moved to the top; not twice"
