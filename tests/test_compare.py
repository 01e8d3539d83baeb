"""``simfuel.compare``: options on common random numbers, paired differences, the brief."""

from __future__ import annotations

import html as html_module
import re
import shlex
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

import simfuel
from simfuel.reporting.compare import CompareError, parse_options, render_brief
from simfuel.reporting.compare_stats import (
    diverging_date,
    option_outcome,
    paired_difference,
    paired_metric,
)
from simfuel.reporting.section_compare import scenario_differences
from tests.report.conftest import report_scenario
from tests.report.pages import Page


def html_text(text: str) -> str:
    return html_module.escape(text, quote=True)


# ---------------------------------------------------------------- the shared past

POLICY_DATE = "2025-10-20"

#: Dated events an option may add from POLICY_DATE on, one of each kind that acts later.
MALI_POLICIES: dict[str, dict[str, Any]] = {
    "escort": {
        "type": "escort_policy",
        "corridors": ["dakar_rn1", "mauritania", "ci_tengrela", "ci_pogo"],
        "forces": ["africa_corps", "army_ground"],
        "required": True,
        "min_size": 30,
        "max_size": 300,
    },
    "blockade": {"type": "blockade", "corridors": ["dakar_rn1"], "intensity": 0.3},
}


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _options(tmp_path: Path, parent: str, event: dict[str, Any]) -> tuple[Path, Path]:
    """Two files extending ``parent``: one as it is, one with ``event`` added."""
    base = _write(tmp_path / "as-is.yaml", {"extends": parent, "name": "as-is"})
    policy = _write(
        tmp_path / "policy.yaml",
        {"extends": parent, "name": "policy", "events": [{"id": "new-policy", **event}]},
    )
    return base, policy


def _assert_same_past(a: simfuel.EnsembleResult, b: simfuel.EnsembleResult, date: str) -> None:
    """Every column of the daily tables equal before ``date``, replication by replication."""
    cut = pd.Timestamp(date)
    assert a.replications.index.equals(b.replications.index)
    changed_after = 0
    for i in a.replications.index:
        sa, seed_a = a.replication_inputs(i)
        sb, seed_b = b.replication_inputs(i)
        assert seed_a.spawn_key == seed_b.spawn_key  # common random numbers
        da, db = simfuel.run(sa, seed=seed_a).daily, simfuel.run(sb, seed=seed_b).daily
        assert list(da.columns) == list(db.columns)
        pd.testing.assert_frame_equal(da[da.index < cut], db[db.index < cut], check_exact=True)
        changed_after += not da[da.index >= cut].equals(db[db.index >= cut])
    # The option did change something: the equality before the date is not vacuous.
    assert changed_after > 0


@pytest.mark.parametrize("policy", sorted(MALI_POLICIES))
def test_mali_options_share_their_past_up_to_a_policy_date(tmp_path: Path, policy: str) -> None:
    base, other = _options(tmp_path, "mali-2025", {"date": POLICY_DATE, **MALI_POLICIES[policy]})
    a = simfuel.run_ensemble(base, 3, seed=11, workers=1, progress=False)
    b = simfuel.run_ensemble(other, 3, seed=11, workers=1, progress=False)
    _assert_same_past(a, b, POLICY_DATE)
    # the ensembles' own daily arrays agree too, and diverge on the policy date at the earliest
    day = diverging_date({"as-is": a, "policy": b}, "policy")
    assert day is not None and day >= pd.Timestamp(POLICY_DATE)


TINY_DATE = "2025-01-10"
TINY_POLICIES: dict[str, dict[str, Any]] = {
    "escort": {
        "type": "escort_policy",
        "forces": ["army"],
        "required": True,
        "min_size": 5,
        "max_size": 40,
    },
    "blockade": {"type": "blockade", "intensity": 0.2},
    "demand": {"type": "demand", "demand_l_per_day": 300_000},
    "rationing": {"type": "rationing", "threshold_days": 3.0, "served_fraction": 0.6},
    "supply": {"type": "supply_rate", "tankers_per_day": 30},
}


@pytest.mark.parametrize("policy", sorted(TINY_POLICIES))
def test_every_kind_of_dated_event_leaves_the_past_alone(tmp_path: Path, policy: str) -> None:
    parent = _write(tmp_path / "parent.yaml", report_scenario())
    base, other = _options(tmp_path, str(parent), {"date": TINY_DATE, **TINY_POLICIES[policy]})
    a = simfuel.run_ensemble(base, 6, seed=3, workers=1, progress=False)
    b = simfuel.run_ensemble(other, 6, seed=3, workers=1, progress=False)
    _assert_same_past(a, b, TINY_DATE)


# ---------------------------------------------------------------- paired differences


def test_a_constant_shift_is_found_exactly() -> None:
    a = np.arange(50.0)
    d = paired_difference(a, a + 3.0, seed=1)
    assert (d.estimate, d.low, d.high, d.pairs) == (3.0, 3.0, 3.0, 50)
    assert d.clear
    same = paired_difference(a, a.copy(), seed=1)
    assert (same.estimate, same.low, same.high) == (0.0, 0.0, 0.0)
    assert not same.clear


def test_pairs_with_a_missing_value_are_left_out() -> None:
    a = np.array([1.0, np.nan, 3.0, 4.0])
    b = np.array([2.0, 5.0, np.nan, 6.0])
    d = paired_difference(a, b, seed=0)
    assert d.pairs == 2 and d.estimate == pytest.approx(1.5)
    none = paired_difference(np.array([np.nan]), np.array([1.0]))
    assert none.pairs == 0 and np.isnan(none.estimate) and not none.clear


def test_the_bootstrap_interval_covers_the_mean_and_narrows_with_more_pairs() -> None:
    rng = np.random.default_rng(7)
    widths = []
    for n in (40, 4000):
        a = rng.normal(10, 3, n)
        b = a + rng.normal(1.0, 2.0, n)  # true mean difference 1, sd 2
        d = paired_difference(a, b, seed=5)
        assert d.low <= d.estimate <= d.high
        # a 90 % interval of the mean: about +-1.645 sd / sqrt(n)
        assert d.high - d.low == pytest.approx(2 * 1.645 * 2.0 / np.sqrt(n), rel=0.3)
        # the spread of the differences themselves: about +-1.645 sd, whatever n
        assert d.spread_high - d.spread_low == pytest.approx(2 * 1.645 * 2.0, rel=0.35)
        widths.append(d.high - d.low)
    assert widths[1] < widths[0] / 5
    again = paired_difference(a, b, seed=5)
    assert (again.low, again.high) == (d.low, d.high)  # reproducible


def test_pairing_removes_the_noise_the_options_share() -> None:
    # b is a plus a small effect: paired, the effect is clear; unpaired it would drown.
    rng = np.random.default_rng(3)
    a = rng.normal(100, 30, 200)
    b = a + 2.0 + rng.normal(0, 0.5, 200)
    d = paired_difference(a, b, seed=0)
    assert d.clear and 1.8 < d.low < d.high < 2.2


@pytest.fixture(scope="module")
def tiny_options() -> dict[str, simfuel.EnsembleResult]:
    early, late = report_scenario(), report_scenario()
    early["name"], late["name"] = "early", "late"
    late["events"][-1]["date"] = "2025-01-16"  # escorts four days later
    return {
        "early": simfuel.run_ensemble(early, 16, seed=5, workers=1, progress=False),
        "late": simfuel.run_ensemble(late, 16, seed=5, workers=1, progress=False),
    }


def test_paired_metrics_match_the_replications(tiny_options: dict[str, Any]) -> None:
    a, b = tiny_options["early"], tiny_options["late"]
    d = paired_metric(a, b, "tankers_lost")
    expected = (b.replications["tankers_lost"] - a.replications["tankers_lost"]).mean()
    assert d.estimate == pytest.approx(expected) and d.pairs == a.n
    p = paired_metric(a, b, "stockout_happened")
    assert p.estimate == pytest.approx(option_outcome(b).p_stockout - option_outcome(a).p_stockout)
    days = paired_metric(a, b, "first_stockout")
    both = a.replications["first_stockout"].notna() & b.replications["first_stockout"].notna()
    delta = b.replications["first_stockout"] - a.replications["first_stockout"]
    assert days.pairs == int(both.sum())
    assert days.estimate == pytest.approx((delta[both] / pd.Timedelta(days=1)).mean())


def test_paired_differences_refuse_ensembles_on_other_seeds(tiny_options: dict[str, Any]) -> None:
    other = simfuel.run_ensemble(report_scenario(), 16, seed=6, workers=1, progress=False)
    with pytest.raises(ValueError, match="same root seed"):
        paired_metric(tiny_options["early"], other, "tankers_lost")


def test_option_outcome_counts_stockouts(tiny_options: dict[str, Any]) -> None:
    ens = tiny_options["late"]
    o = option_outcome(ens)
    dates = ens.replications["first_stockout"]
    assert o.stockouts == int(dates.notna().sum()) and o.p_stockout == o.stockouts / ens.n
    # over all replications, never counting as later than any date (summary_table's rule)
    assert o.median_stockout == ens.summary_table().loc["first_stockout", "median"]
    assert o.tankers_lost == ens.replications["tankers_lost"].median()


def test_the_options_agree_until_their_timelines_part(tiny_options: dict[str, Any]) -> None:
    # "early" has escorts from 12 January, "late" from 16 January: they part on the 12th.
    assert diverging_date(tiny_options, "late") == pd.Timestamp("2025-01-12")
    assert diverging_date({"a": tiny_options["early"], "b": tiny_options["early"]}, "b") is None


# ---------------------------------------------------------------- options and labels


def test_labels_come_from_stems_names_and_label_prefixes(tmp_path: Path) -> None:
    path = _write(tmp_path / "escort-plan.yaml", {"extends": "mali-2025", "name": "x"})
    scenarios, sources = parse_options(["mali-2025", str(path), f"fast={path}"])
    assert list(scenarios) == ["mali-2025", "escort-plan", "fast"]
    assert sources == {"mali-2025": "mali-2025", "escort-plan": str(path), "fast": str(path)}
    assert scenarios["fast"].name == "x"


def test_a_file_whose_name_holds_an_equals_sign_is_a_file(tmp_path: Path) -> None:
    odd = _write(tmp_path / "a=b.yaml", {"extends": "mali-2025"})
    scenarios, _ = parse_options(["mali-2025", str(odd)])
    assert list(scenarios) == ["mali-2025", "a=b"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["mali-2025"], "at least two options"),
        (["mali-2025", "mali-2025"], "labelled 'mali-2025'"),
        (["mali-2025", "=no-blockade"], "LABEL=PATH"),
    ],
)
def test_options_that_cannot_be_compared(options: list[str], message: str) -> None:
    with pytest.raises(CompareError, match=message):
        parse_options(options)


def test_an_unknown_option_names_the_file() -> None:
    with pytest.raises(simfuel.ScenarioError, match="nothere"):
        parse_options(["mali-2025", "nothere"])


def test_scenario_differences_name_the_added_event(tmp_path: Path) -> None:
    base, other = _options(tmp_path, "mali-2025", {"date": POLICY_DATE, **MALI_POLICIES["escort"]})
    diffs = scenario_differences(simfuel.load_scenario(base), simfuel.load_scenario(other))
    assert diffs == ["events.new-policy (added)"]


# ---------------------------------------------------------------- the page


@pytest.fixture(scope="module")
def brief(tiny_options: dict[str, Any]) -> str:
    return render_brief(tiny_options, sources={"early": None, "late": None})


def test_the_brief_opens_with_the_caveat_then_the_bottom_line(brief: str) -> None:
    main = brief[brief.index("<main") :]
    caveat = main.index('id="caveat"')
    bottom = main.index('id="bottom-line"')
    first_figure = main.index("<figure")
    assert caveat < bottom < first_figure
    assert "assumptions" in main[caveat:bottom]
    # the footer no longer carries the caveat alone
    assert "assumptions" not in brief[brief.index("<footer") :]


def test_the_bottom_line_states_the_measured_numbers(
    brief: str, tiny_options: dict[str, Any]
) -> None:
    a, b = tiny_options["early"], tiny_options["late"]
    oa = option_outcome(a)
    text = re.sub(
        r"<[^>]+>", "", brief[brief.index('id="bottom-line"') : brief.index('id="cover"')]
    )
    assert (
        f"a stock-out in {oa.p_stockout * 100:.0f} % of replications ({oa.stockouts} of {a.n}; "
        "95 % CI"
    ) in text
    d = paired_metric(a, b, "tankers_lost")
    shown = f"{d.estimate:+,.0f}".replace("-", "−")
    assert f"{shown} tankers (90 % interval" in text
    assert "paired bootstrap of the mean difference" in text
    page = Page(brief)
    rows = page.all("tr")
    assert len(rows) >= 3


def test_the_brief_is_self_contained(brief: str) -> None:
    assert "default-src &#x27;none&#x27;" in brief
    assert re.search(r"""(src|href)=["']https?:""", brief) is None
    assert brief.count('src="data:image/png;base64,') == 2  # fans and stock-out curves


def test_compare_writes_one_page_with_the_losses_figure(tmp_path: Path) -> None:
    base, other = _options(tmp_path, "mali-2025", {"date": POLICY_DATE, **MALI_POLICIES["escort"]})
    path = simfuel.compare(
        [str(base), f"escort from 20 Oct={other}"],
        reps=2,
        seed=1,
        out=tmp_path / "brief",
        incidents="mali-2025",
        workers=1,
        progress=False,
    )
    assert path == tmp_path / "brief" / "compare.html"
    assert sorted(p.name for p in path.parent.iterdir()) == ["compare.html"]
    html = path.read_text(encoding="utf-8")
    assert 'id="fig-compare-incidents"' in html
    assert html.count('src="data:image/png;base64,') == 3
    assert "until 2025-10-19" in html  # the options share every day before the policy
    assert "events.new-policy (added)" in html
    command = shlex.join(["simfuel", "compare", str(base), f"escort from 20 Oct={other}"])
    assert html_text(command + " --reps 2 --seed 1") in html
