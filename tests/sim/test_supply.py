"""Supply: contracts add tankers on top of the base rate."""

from __future__ import annotations

import pytest

import simfuel
from tests.helpers import tiny_scenario
from tests.sim.builders import CAPACITY_L, add_east, date


def _loaded_in(r: simfuel.RunResult, corridor: str, t0: float, t1: float) -> int:
    ev = r.events
    sel = (ev["kind"] == "loaded") & (ev["corridor"] == corridor)
    sel &= (ev["t_h"] >= t0) & (ev["t_h"] < t1)
    return int(ev.loc[sel, "tankers"].sum())


# Loading keeps a fractional carry in [0, 1) tankers: over a window that starts and ends
# on dispatch times, the tankers loaded differ from rate x time by less than one.


@pytest.mark.parametrize(
    ("quantity", "period_days"),
    [({"quantity_l": 2_000_000}, 7), ({"quantity_t": 500, "product": "diesel"}, 3)],
)
def test_contract_adds_its_quantity_over_its_period(quantity, period_days):
    s = add_east(tiny_scenario())
    s["events"] = [
        {
            "date": date(4),
            "type": "contract",
            "period_days": period_days,
            "split": {"main": 0.6, "east": 0.4},
            **quantity,
        }
    ]
    litres = quantity.get("quantity_l") or quantity["quantity_t"] * 1192  # diesel L/t
    r = simfuel.run(s, seed=1)
    r.check_balance()
    t0, t1 = 96.0, 96.0 + 24.0 * period_days
    for corridor, base, cap, share in (("main", 10, CAPACITY_L, 0.6), ("east", 4, 36_000, 0.4)):
        expected = base * period_days + litres * share / cap
        assert abs(_loaded_in(r, corridor, t0, t1) - expected) < 1.0 + 1e-9
        # Outside the period, the base rate alone.
        assert abs(_loaded_in(r, corridor, 0.0, t0) - base * 4) < 1.0 + 1e-9
        assert abs(_loaded_in(r, corridor, t1, 480.0) - base * (20 - 4 - period_days)) < 1.0


def test_contract_alone_on_an_idle_corridor():
    s = tiny_scenario()
    s["corridors"]["main"]["tankers_per_day"] = 0
    s["events"] = [
        {
            "date": date(2),
            "type": "contract",
            "quantity_l": 900_000,
            "period_days": 5,
            "split": {"main": 1.0},
        }
    ]
    r = simfuel.run(s, seed=1)
    r.check_balance()
    # 900,000 L / 45,000 L = exactly 20 tankers, all loaded inside the period.
    assert _loaded_in(r, "main", 0.0, 480.0) == 20
    assert _loaded_in(r, "main", 48.0, 48.0 + 120.0) == 20


@pytest.mark.parametrize("period_days", [2.5, 0.5])
def test_contract_with_a_fractional_period(period_days):
    s = tiny_scenario()
    c = s["corridors"]["main"]
    c["tankers_per_day"] = 0
    c["dispatches_per_day"] = 1
    s["events"] = [
        {
            "date": date(2),
            "type": "contract",
            "quantity_l": 450_000,
            "period_days": period_days,
            "split": {"main": 1.0},
        }
    ]
    r = simfuel.run(s, seed=1)
    assert abs(_loaded_in(r, "main", 0.0, 480.0) - 10) < 1.0


def test_timeline_events_are_logged_in_words_with_corridors_and_note():
    s = tiny_scenario()
    s["events"] = [
        {
            "id": "cut",
            "date": date(3),
            "type": "demand",
            "demand_l_per_day": 300_000,
            "note": "why",
            "source": "paper",
        },
        {"date": date(4), "type": "blockade", "intensity": 0.5},
        {"date": date(5), "type": "supply_rate", "corridors": ["main"], "tankers_per_day": 4},
    ]
    ev = simfuel.run(s, seed=1).events
    timeline = ev[ev["kind"].str.startswith("timeline:")]
    # The words of simfuel.labels.describe_event, the corridors by key, the note.
    assert timeline[["t_h", "kind", "detail"]].to_dict("records") == [
        {"t_h": 72.0, "kind": "timeline:demand", "detail": "demand 0.30 ML/day (why)"},
        {
            "t_h": 96.0,
            "kind": "timeline:blockade",
            "detail": "blockade intensity 0.5; corridors: all",
        },
        {
            "t_h": 120.0,
            "kind": "timeline:supply_rate",
            "detail": "4 tankers/day loaded; corridors: main",
        },
    ]


def test_an_event_for_one_corridor_leaves_the_others_alone():
    s = add_east(tiny_scenario())
    s["threat"]["hazard_per_100km"] = 5.0
    s["events"] = [{"date": date(0), "type": "blockade", "corridors": ["east"], "intensity": 1}]
    c = simfuel.run(s, seed=1).convoys
    assert c.loc[c["corridor"] == "east", "attacked"].any()
    assert not c.loc[c["corridor"] == "main", "attacked"].any()


def test_loaded_events_carry_tankers_and_litres_but_no_convoy():
    ev = simfuel.run(tiny_scenario(), seed=1).events
    loaded = ev[ev["kind"] == "loaded"]
    assert len(loaded) == 80  # 4 batches a day for 20 days
    assert (loaded["convoy_id"] == -1).all()
    assert (loaded["corridor"] == "main").all()
    assert (loaded["litres"] == loaded["tankers"] * CAPACITY_L).all()
    assert loaded["tankers"].sum() == 200
