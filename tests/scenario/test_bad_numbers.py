"""Numbers mean what they say: non-finite, boolean, huge and out-of-calendar values.

Each case writes a small YAML file that extends ``base.yaml`` (a tiny valid scenario) and
changes one thing, so the value goes through the real YAML reader (``.inf``, ``yes`` and
``1e-3`` are read as PyYAML reads them). Every case must raise a ScenarioError whose
message has a line ``<file>: <field path>: <problem>``. The last tests run scenarios at
the bounds that are still accepted and check they finish within the convoy estimate.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import simfuel
from simfuel.scenario import ScenarioError, load_scenario
from simfuel.scenario.schema import MAX_CONVOYS, convoy_estimate

BASE = Path(__file__).resolve().parent / "base.yaml"

# The base scenario's legs, for cases that change one leg (a child list replaces the list).
LEGS = """\
    legs:
      - {{from: port, to: border, length_km: 200, speed_kmh: 40, risk: 0}}
      - {{from: border, to: town, length_km: {length}, speed_kmh: {speed}}}
      - {{from: town, to: city, length_km: 150, speed_kmh: 30}}
"""


def legs(length: str = "100", speed: str = "25") -> str:
    """``corridors: main: legs:`` with the middle leg's length and speed as given."""
    return "corridors:\n  main:\n" + LEGS.format(length=length, speed=speed)


def case(name: str, yaml: str, where: str, *fragments: str) -> Any:
    return pytest.param(yaml, where, fragments, id=name)


NON_FINITE = [
    # rates
    case(
        "rate-inf",
        "corridors: {main: {tankers_per_day: .inf}}",
        "corridors.main.tankers_per_day",
        "finite",
        "inf",
    ),
    case(
        "rate-nan", "threat: {hazard_per_100km: .nan}", "threat.hazard_per_100km", "finite", "nan"
    ),
    case(
        "rate-text-inf",
        "corridors: {main: {tankers_per_day: inf}}",
        "corridors.main.tankers_per_day",
        "expected a number",
        "'inf'",
    ),
    case(
        "intensity-inf",
        "corridors: {main: {blockade_intensity: .inf}}",
        "corridors.main.blockade_intensity",
        "finite",
    ),
    # delays
    case(
        "delay-bare-inf",
        "corridors: {main: {border_delay_h: .inf}}",
        "corridors.main.border_delay_h.value",
        "finite",
    ),
    case(
        "delay-uniform-inf",
        "threat: {attack_delay_h: {distribution: uniform, low: 0, high: .inf}}",
        "threat.attack_delay_h.high",
        "finite",
    ),
    case(
        "turnaround-nan",
        "escorts: {army: {turnaround_h: .nan}}",
        "escorts.army.turnaround_h",
        "finite",
    ),
    # capacities
    case("depot-capacity-inf", "depot: {capacity_l: .inf}", "depot.capacity_l", "finite"),
    case(
        "tanker-capacity-inf",
        "corridors: {main: {tanker_capacity_l: .inf}}",
        "corridors.main.tanker_capacity_l",
        "finite",
    ),
    case("reserve-minus-inf", "depot: {reserve_l: -.inf}", "depot.reserve_l", "finite", "-inf"),
    # demand
    case("demand-nan", "demand: {demand_l_per_day: .nan}", "demand.demand_l_per_day", "finite"),
    case(
        "demand-event-minus-inf",
        "events: [{id: more, date: 2025-01-06, type: demand, demand_l_per_day: -.inf}]",
        "events[3].demand_l_per_day",
        "finite",
    ),
    # lengths
    case("length-minus-inf", legs(length="-.inf"), "corridors.main.legs[1].length_km", "finite"),
    case("speed-inf", legs(speed=".inf"), "corridors.main.legs[1].speed_kmh", "finite"),
    case("latitude-nan", "places: {town: {lat: .nan}}", "places.town.lat", "finite"),
    # shares: NaN passed the sum check (abs(nan - 1) > 1e-6 is False)
    case(
        "split-nan", "events: [{id: deal, split: {main: .nan}}]", "events[1].split.main", "finite"
    ),
    case(
        "split-inf", "events: [{id: deal, split: {main: .inf}}]", "events[1].split.main", "finite"
    ),
    case(
        "contract-quantity-inf",
        "events: [{id: deal, quantity_t: .inf}]",
        "events[1].quantity_t",
        "finite",
    ),
]

BOOLEANS = [
    case(
        "length-true",
        legs(length="true"),
        "corridors.main.legs[1].length_km",
        "not a boolean",
        "True",
    ),
    case(
        "rate-yes",
        "corridors: {main: {tankers_per_day: yes}}",
        "corridors.main.tankers_per_day",
        "not a boolean",
    ),
    case("units-true", "escorts: {army: {units: true}}", "escorts.army.units", "not a boolean"),
    case(
        "capacity-on",
        "corridors: {main: {tanker_capacity_l: on}}",
        "corridors.main.tanker_capacity_l",
        "not a boolean",
    ),
    case(
        "share-true",
        "events: [{id: deal, split: {main: true}}]",
        "events[1].split.main",
        "not a boolean",
    ),
    case(
        "fraction-false",
        "threat: {loss_fraction_mean: false}",
        "threat.loss_fraction_mean",
        "not a boolean",
    ),
    case(
        "required-one",
        "corridors: {main: {escort_policy: {forces: [army], required: 1}}}",
        "corridors.main.escort_policy.required",
        "boolean",
        "(got 1)",
    ),
]

DATES = [
    case("start-zero", "start: 0", "start", "expected a date written YYYY-MM-DD", "(got 0)"),
    case("start-text-zero", "start: '0'", "start", "YYYY-MM-DD", "'0'"),
    case("end-digits", "end: 20250120", "end", "YYYY-MM-DD", "20250120"),
    case("event-epoch", "events: [{id: cut, date: 1736035200}]", "events[0].date", "YYYY-MM-DD"),
    case("start-float", "start: 1.7e+9", "start", "YYYY-MM-DD"),
    case("start-true", "start: true", "start", "YYYY-MM-DD", "True"),
    case("start-time-of-day", "start: 2025-01-01T06:00:00", "start", "YYYY-MM-DD"),
]

HUGE = [
    case(
        "speed-tiny",
        legs(speed="1.0e-300"),
        "corridors.main.legs[1].speed_kmh",
        "must be >= 1",
        "1e-300",
    ),
    case(
        "speed-zero-point-five",
        legs(speed="0.5"),
        "corridors.main.legs[1].speed_kmh",
        "must be >= 1",
    ),
    case(
        "length-1e12",
        legs(length="1.0e+12"),
        "corridors.main.legs[1].length_km",
        "must be <= 100000",
    ),
    case(
        "rate-1e9",
        "corridors: {main: {tankers_per_day: 1.0e+9}}",
        "corridors.main.tankers_per_day",
        "must be <= 100000",
    ),
    case(
        "contract-1e308-l",
        "events: [{id: deal, quantity_t: null, quantity_l: 1.0e+308}]",
        "events[1].quantity_l",
        "must be <= 1e+12",
    ),
    case(
        "contract-period-tiny",
        "events: [{id: deal, period_days: 1.0e-300}]",
        "events[1].period_days",
        "must be >= 0.01",
    ),
    case(
        "demand-1e300",
        "demand: {demand_l_per_day: 1.0e+300}",
        "demand.demand_l_per_day",
        "must be <= 1e+10",
    ),
    case(
        "hazard-1e300",
        "threat: {hazard_per_100km: 1.0e+300}",
        "threat.hazard_per_100km",
        "must be <= 1000",
    ),
    case(
        "delay-1e300",
        "corridors: {main: {border_delay_h: 1.0e+300}}",
        "corridors.main.border_delay_h.value",
        "must be <= 8760",
    ),
    case(
        "lognormal-spread",
        "corridors: {main: {border_delay_h: {distribution: lognormal, mean: 1.0e-200, sd: 1000}}}",
        "corridors.main.border_delay_h",
        "sd must be <= 100 x mean",
    ),
    case(
        "pipeline-a-year",
        legs(length="100000", speed="10"),
        "corridors.main",
        "must be <= 365 days",
        "warm-up",
    ),
    case(
        "too-many-convoys",
        "corridors: {main: {tankers_per_day: 100000, escort_policy: {max_size: 1}}}",
        "corridors.main",
        "too many convoys",
        f"must be <= {MAX_CONVOYS}",
        "max_size 1",
    ),
    case(
        "too-many-contract-convoys",
        "events: [{id: deal, quantity_t: null, quantity_l: 1.0e+12}]\n"
        "corridors: {main: {tanker_capacity_l: 1000}}",
        "corridors.main",
        "too many convoys",
    ),
    case(
        "endless-turn-backs",
        "threat: {hazard_per_100km: 1000, turn_back_probability: 1, loss_fraction_mean: 0}\n"
        "corridors:\n  main:\n    blockade_intensity: 1000\n"
        + LEGS.format(length="1.0e-6", speed="25"),
        "corridors.main",
        "too many convoys",
        "trips",
        "turn_back_probability",
    ),
]

OVERFLOW = [
    case(
        "tanker-1e30-float",
        "corridors: {main: {tanker_capacity_l: 1.0e+30}}",
        "corridors.main.tanker_capacity_l",
        "must be <= 1e+06",
    ),
    case(
        "tanker-1e30-integer",
        "corridors: {main: {tanker_capacity_l: 1000000000000000000000000000000}}",
        "corridors.main.tanker_capacity_l",
        "must be <= 1e+06",
    ),
    case(
        "units-1e30", "escorts: {army: {units: 1.0e+30}}", "escorts.army.units", "must be <= 100000"
    ),
    case(
        "destroyed-1e30",
        "events: [{id: hit, tankers_destroyed: 1000000000000000000000000000000}]",
        "events[2].tankers_destroyed",
        "must be <= 1e+06",
    ),
    case(
        "max-size-1e30",
        "corridors: {main: {escort_policy: {max_size: 1.0e+30}}}",
        "corridors.main.escort_policy.max_size",
        "must be <=",
    ),
]

CALENDAR = [
    case("start-1600", "start: 1600-01-01", "start", "must be between 1700-01-01 and 2200-12-31"),
    case("end-2300", "end: 2300-01-01", "end", "must be between", "2300-01-01"),
    case(
        "event-2263", "events: [{id: cut, date: 2263-01-01}]", "events[0].date", "must be between"
    ),
    case("horizon-300-years", "start: 1725-01-01", "end", "horizon", "must be <= 36525 days"),
    case(
        "warm-up-before-1700",
        "start: 1700-01-02\nend: 1700-01-20\nevents: []",
        "start",
        "warm-up",
        "1700-01-01",
    ),
]


@pytest.mark.parametrize(
    ("yaml", "where", "fragments"), NON_FINITE + BOOLEANS + DATES + HUGE + OVERFLOW + CALENDAR
)
def test_bad_number_names_file_and_field(
    tmp_path: Path, yaml: str, where: str, fragments: tuple[str, ...]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f"extends: {BASE}\n{textwrap.dedent(yaml)}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    lines = str(info.value).splitlines()
    assert all(line.startswith(f"{path}: ") for line in lines), lines
    mine = [line for line in lines if line.startswith(f"{path}: {where}: ")]
    assert mine, f"no line for {where}: {lines}"
    assert any(all(f in line for f in fragments) for line in mine), mine


# ---------------------------------------------------------------- what stays accepted


@pytest.mark.parametrize(
    ("yaml", "field", "expected"),
    [
        # PyYAML (YAML 1.1) reads 4.5e5 as text; plain decimal text is that number.
        ("demand: {demand_l_per_day: 4.5e5}", ("demand", "demand_l_per_day"), 450_000.0),
        ("demand: {demand_l_per_day: '450000'}", ("demand", "demand_l_per_day"), 450_000.0),
        ("demand: {demand_l_per_day: 450000}", ("demand", "demand_l_per_day"), 450_000.0),
        ("escorts: {army: {units: 3.0}}", ("escorts", "army", "units"), 3),
        (
            "corridors: {main: {tanker_capacity_l: 4.5e4}}",
            ("corridors", "main", "tanker_capacity_l"),
            45_000,
        ),
        (
            "corridors: {main: {border_delay_h: '6.5'}}",
            ("corridors", "main", "border_delay_h", "value"),
            6.5,
        ),
    ],
)
def test_numbers_written_plainly_are_accepted(
    tmp_path: Path, yaml: str, field: tuple[str, ...], expected: float
) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(f"extends: {BASE}\n{yaml}\n", encoding="utf-8")
    node: Any = load_scenario(path)
    for part in field:
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    assert node == expected
    assert type(node) is type(expected)


# ---------------------------------------------------------------- huge but accepted values run


AT_THE_BOUNDS = {
    "longest-fast-leg": [
        "corridors.main.legs.1.length_km=100000",
        "corridors.main.legs.1.speed_kmh=200",
    ],
    "slowest-speed": ["corridors.main.legs.1.speed_kmh=1"],
    "largest-tankers-and-rate": [
        "corridors.main.tankers_per_day=100000",
        "corridors.main.tanker_capacity_l=1000000",
        "corridors.main.escort_policy.max_size=1000000",
        "depot.capacity_l=1.0e+12",
    ],
    "largest-contract-shortest-period": [
        "events.deal.quantity_t=null",
        "events.deal.quantity_l=1.0e+12",
        "events.deal.period_days=0.01",
        "corridors.main.tanker_capacity_l=1000000",
        "corridors.main.escort_policy.max_size=1000000",
    ],
    "largest-stocks-and-demand": [
        "demand.demand_l_per_day=1.0e+10",
        "depot.capacity_l=1.0e+12",
        "depot.initial_stock_l=1.0e+12",
        "depot.reserve_l=1.0e+12",
        "depot.reserve_release_days=36525",
        "rationing.threshold_days=36525",
    ],
    "every-convoy-turns-back": [
        "threat.turn_back_probability=1",
        "threat.hazard_per_100km=1000",
        "threat.loss_fraction_mean=0",
        "corridors.main.blockade_intensity=1000",
    ],
    "longest-delays": [
        "corridors.main.border_delay_h=8000",
        "threat.attack_delay_h={distribution: lognormal, mean: 8760, sd: 8760}",
        "threat.hazard_per_100km=1000",
        "corridors.main.blockade_intensity=1000",
    ],
    "tiny-lognormal": [
        "corridors.main.border_delay_h={distribution: lognormal, mean: 1.0e-6, sd: 5.0e-5}"
    ],
    "first-days-of-the-calendar": ["start=1701-01-01", "end=1701-01-20", "events=[]"],
    "last-days-of-the-calendar": ["start=2200-12-12", "end=2200-12-31", "events=[]"],
}


@pytest.mark.parametrize("overrides", AT_THE_BOUNDS.values(), ids=AT_THE_BOUNDS.keys())
def test_values_at_the_bounds_run_within_the_convoy_estimate(overrides: list[str]) -> None:
    sc = load_scenario(BASE, overrides)
    estimate = sum(e["convoys"] for e in convoy_estimate(sc).values())
    assert estimate <= MAX_CONVOYS
    result = simfuel.run(sc, seed=1)
    assert len(result.convoys) <= estimate
    assert len(result.daily) == sc.horizon_days
    assert result.daily.index[0] == pd.Timestamp(sc.start)
    assert result.daily["stock_l"].notna().all()
