"""simfuel.labels: every metric and field named, values written one way, events described."""

from __future__ import annotations

import datetime as dt
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel import labels
from simfuel.labels import (
    DAILY_LABELS,
    SUMMARY_LABELS,
    daily_label,
    describe_event,
    format_count,
    format_date,
    format_hours,
    format_litres,
    format_number,
    format_share,
    summary_label,
)
from simfuel.results import SUMMARY_METRICS
from simfuel.sim.recorder import DAILY_FIELDS

UNITS = {"ML", "ML/day", "tankers", "attacks", "convoys", "days", "h", "share", "date"}


@pytest.mark.parametrize("name", SUMMARY_METRICS)
def test_every_summary_metric_has_a_label_and_a_unit(name: str) -> None:
    lab = SUMMARY_LABELS.get(name)
    assert lab is not None, f"{name} is in SUMMARY_METRICS but has no line in simfuel.labels"
    assert lab.name == name
    assert lab.label and lab.label == lab.label.strip()
    assert lab.unit in UNITS


@pytest.mark.parametrize("name", DAILY_FIELDS)
def test_every_daily_field_has_a_label_and_a_unit(name: str) -> None:
    lab = DAILY_LABELS.get(name)
    assert lab is not None, f"{name} is in DAILY_FIELDS but has no line in simfuel.labels"
    assert lab.name == name
    assert lab.label and lab.unit in UNITS - {"date"}


def test_no_label_for_a_name_that_does_not_exist() -> None:
    # A metric renamed or removed must take its label with it.
    assert set(SUMMARY_LABELS) == set(SUMMARY_METRICS)
    assert set(DAILY_LABELS) == set(DAILY_FIELDS)


@pytest.mark.parametrize("table", [SUMMARY_LABELS, DAILY_LABELS], ids=["summary", "daily"])
def test_litres_are_shown_in_megalitres_and_nothing_else_is_scaled(table) -> None:
    for name, lab in table.items():
        if name.endswith("_l"):
            assert lab.unit.startswith("ML") and lab.scale == 1e6, name
        else:
            assert lab.scale == 1.0 and not lab.unit.startswith("ML"), name


def test_daily_flows_are_per_day_and_levels_are_not() -> None:
    # The summary totals a flow over the horizon; the daily table holds one day of it.
    for name in ("delivered_l", "loaded_l", "destroyed_l", "captured_l", "shortfall_l"):
        assert SUMMARY_LABELS[name].unit == "ML"
        assert DAILY_LABELS[name].unit == "ML/day"
    for name in ("stock_l", "in_transit_l", "queued_l", "reserve_l"):
        assert DAILY_LABELS[name].unit == "ML"


def test_long_title_and_axis_forms() -> None:
    lost = SUMMARY_LABELS["tankers_lost"]
    assert lost.long == "tankers lost (destroyed + captured)"
    assert lost.title == "Tankers lost"
    assert lost.axis == "tankers lost [tankers]"
    assert DAILY_LABELS["stock_l"].axis == "depot stock [ML]"
    assert SUMMARY_LABELS["convoys"].long == "convoys"  # no note, no brackets


@pytest.mark.parametrize(
    ("name", "unit", "scale"),
    [("fuel_moved_l", "ML", 1e6), ("wait_at_gate_h", "h", 1.0), ("odd_metric", "", 1.0)],
)
def test_unknown_names_get_a_label_from_their_suffix(name: str, unit: str, scale: float) -> None:
    for lab in (summary_label(name), daily_label(name)):
        assert (lab.name, lab.unit, lab.scale) == (name, unit, scale)
        assert "_" not in lab.label


def test_known_names_are_looked_up_not_guessed() -> None:
    assert summary_label("delivered_l") is SUMMARY_LABELS["delivered_l"]
    assert daily_label("delivered_l") is DAILY_LABELS["delivered_l"]
    assert summary_label("min_days_of_cover").unit == "days"


# ---------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (1234.5678, 1, "1,234.6"),
        (1234.5678, 0, "1,235"),
        (-0.25, 2, "-0.25"),
        (np.float64(12.0), 0, "12"),
        (np.int64(1_000_000), 0, "1,000,000"),
        (None, 1, "n/a"),
        (math.nan, 1, "n/a"),
        (np.nan, 0, "n/a"),
        (pd.NA, 0, "n/a"),
    ],
)
def test_format_number(value, digits: int, text: str) -> None:
    assert format_number(value, digits) == text


def test_format_count_and_litres() -> None:
    assert format_count(1234.4) == "1,234"
    assert format_count(None) == "n/a"
    assert format_litres(1_234_567) == "1.2"
    assert format_litres(1_234_567, 0) == "1"
    assert format_litres(987_654_321, 2) == "987.65"
    assert format_litres(math.nan) == "n/a"


def test_format_share_and_hours() -> None:
    assert format_share(0.25) == "25 %"
    assert format_share(1.0) == "100 %"
    assert format_hours(36) == "36 h"
    assert format_hours(71.9) == "72 h"  # still under three days: no day count
    assert format_hours(96) == "96 h (4.0 d)"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.date(2025, 9, 14), "2025-09-14"),
        (dt.datetime(2025, 9, 14, 18, 30), "2025-09-14"),
        (pd.Timestamp("2025-09-14 06:00"), "2025-09-14"),
        (None, "never"),
        (math.nan, "never"),
        (pd.NaT, "never"),
        (np.datetime64("NaT"), "never"),
    ],
)
def test_format_date(value, text: str) -> None:
    assert format_date(value) == text


def test_label_format_uses_scale_digits_and_unit() -> None:
    delivered = SUMMARY_LABELS["delivered_l"]
    assert delivered.format(12_345_678.0) == "12.3"
    assert delivered.format(12_345_678.0, unit=True) == "12.3 ML"
    assert delivered.format(math.nan, unit=True) == "n/a"  # no unit after n/a
    assert SUMMARY_LABELS["tankers_lost"].format(1234, unit=True) == "1,234 tankers"
    assert SUMMARY_LABELS["min_days_of_cover"].format(2.345) == "2.3"
    first = SUMMARY_LABELS["first_stockout"]
    assert first.is_date
    assert first.format(pd.Timestamp("2025-10-01")) == "2025-10-01"
    assert first.format(pd.NaT) == "never"


def test_a_run_summary_is_written_in_every_metric(calm_summary: dict) -> None:
    for name, value in calm_summary.items():
        text = SUMMARY_LABELS[name].format(value)
        assert text and text != "None", name


@pytest.fixture(scope="module")
def calm_summary() -> dict:
    from tests.helpers import tiny_scenario

    return simfuel.run(simfuel.load_scenario(tiny_scenario()), seed=0).summary()


# ---------------------------------------------------------------- events


@pytest.fixture(scope="module")
def mali() -> simfuel.Scenario:
    return simfuel.load_scenario("scenarios/mali-2025.yaml")


def test_every_event_type_of_the_schema_is_described(mali: simfuel.Scenario) -> None:
    from simfuel.scenario.schema import EVENT_TYPES

    assert set(labels._FULL) == set(EVENT_TYPES)
    assert set(labels._SHORT) == set(EVENT_TYPES)


def test_shipped_events_are_described_in_words(mali: simfuel.Scenario) -> None:
    seen = set()
    for ev in mali.events:
        full, short = describe_event(ev, mali), describe_event(ev, mali, short=True)
        assert full and short and full != str(ev) and short != str(ev)
        assert "=" not in full  # words, not a dump of fields
        seen.add(ev.type)
    assert {"blockade", "escort_policy", "contract"} <= seen


def test_escort_event_names_its_forces(mali: simfuel.Scenario) -> None:
    ev = next(e for e in mali.events if e.type == "escort_policy" and e.forces and e.required)
    names = [mali.escorts[f].name or f for f in ev.forces]
    assert describe_event(ev, mali, short=True) == "escort: " + " + ".join(names) + " (required)"
    full = describe_event(ev, mali)
    assert full.startswith("convoys wait for " + " + ".join(names))
    assert f"{ev.min_size}–{ev.max_size} tankers" in full
    # without the scenario: the forces' keys
    assert describe_event(ev, short=True) == "escort: " + " + ".join(ev.forces) + " (required)"


def test_contract_in_tonnes_gives_litres_from_the_product(mali: simfuel.Scenario) -> None:
    ev = next(e for e in mali.events if e.type == "contract" and e.quantity_t)
    litres = ev.quantity_t * mali.products[ev.product].litres_per_tonne
    assert f"({format_litres(litres, 0)} ML)" in describe_event(ev, mali)
    assert describe_event(ev, mali, short=True) == f"import contract {ev.quantity_t:,.0f} t"
    assert "ML" not in describe_event(ev)  # no product table, no litres invented


def test_blockade_short_text_says_declared_or_lifted(mali: simfuel.Scenario) -> None:
    ev = next(e for e in mali.events if e.type == "blockade" and e.intensity > 0)
    assert describe_event(ev, short=True) == "blockade declared"
    lifted = ev.model_copy(update={"intensity": 0.0})
    assert describe_event(lifted, short=True) == "blockade lifted"
    assert describe_event(lifted) == "blockade intensity 0 (lifted)"


def test_something_that_is_not_an_event_is_shown_as_it_is() -> None:
    assert describe_event("a note") == "a note"


def test_labels_stays_on_the_base_floor() -> None:
    # The package's __init__ sets the version and its lazy names; beyond that, nothing but
    # labels itself.
    code = (
        "import sys, simfuel.labels; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pandas', 'numpy', 'matplotlib', 'pydantic') or m.startswith('simfuel.')))"
    )
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "['simfuel._lazy', 'simfuel._version', 'simfuel.labels']"


def test_vocabulary_relabels_fuel_words_and_units():
    from simfuel.labels import FUEL, daily_label, summary_label, vocabulary_for

    food = vocabulary_for("food", "t", "truck")
    lab = summary_label("delivered_l", food)
    assert lab.label == "food delivered to the depot"
    assert lab.unit == "t" and lab.shown(2_000.0) == 2_000.0
    lost = summary_label("tankers_lost", food)
    assert lost.label == "trucks lost" and lost.unit == "trucks"
    assert daily_label("served_l", food).unit == "t/day"
    # The fuel vocabulary leaves every label as it is.
    assert summary_label("delivered_l", FUEL) == summary_label("delivered_l")


def test_vocabulary_for_scales_kilograms_to_tonnes():
    from simfuel.labels import vocabulary_for

    v = vocabulary_for("flour", "kg", "lorry", "lorries")
    assert (v.shown_unit, v.scale, v.vehicles) == ("t", 1e3, "lorries")
    assert vocabulary_for("fuel", "L") == vocabulary_for()


def test_every_scenario_today_speaks_of_fuel_and_tankers():
    from simfuel import load_scenario
    from simfuel.labels import FUEL

    assert load_scenario("mali-2025").vocabulary == FUEL


def test_commodity_events_are_described_in_their_own_unit() -> None:
    from pathlib import Path

    from simfuel import load_scenario
    from simfuel.labels import describe_event
    from simfuel.scenario.schema import DemandEvent, RationingEvent

    s = load_scenario(Path(__file__).parent / "data" / "commodities-mixed.yaml")
    food = DemandEvent(
        id="d", date="2025-01-05", type="demand", commodity="food", demand_l_per_day=80
    )
    assert describe_event(food, s) == "food demand 80.00 t/day"
    fuel = DemandEvent(id="f", date="2025-01-05", type="demand", demand_l_per_day=2_500_000)
    assert describe_event(fuel, s) == "demand 2.50 ML/day"
    rule = RationingEvent(
        id="r",
        date="2025-01-05",
        type="rationing",
        commodity="food",
        threshold_days=3,
        served_fraction=0.5,
    )
    assert describe_event(rule, s).startswith("food rationing below 3 days of cover")


def test_a_hysteresis_rationing_event_says_when_it_stops() -> None:
    from simfuel.labels import describe_event
    from simfuel.scenario.schema import RationingEvent

    ev = RationingEvent(
        id="r",
        date="2025-01-05",
        type="rationing",
        threshold_days=4,
        served_fraction=0.6,
        stop_threshold_days=6,
    )
    assert describe_event(ev).endswith("60% of demand served, until 6 days")
