"""The engine's event budget (issue 12): events only where something happens.

Event counts, not timings: they do not depend on the machine. The walk ahead of a convoy
(leg entry times known at departure) must give the same tables as stopping at every leg
entry, which is what the engine does for a threat model it cannot ask ahead.
"""

from __future__ import annotations

import copy
import itertools

import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.scenario import load_json, load_scenario
from simfuel.sim import Simulation, compile_plan, engine
from simfuel.sim.escort_kinds import HourlyAirCover
from simfuel.sim.threats import THREAT_MODELS, DefaultThreat
from tests.helpers import SCENARIOS, tiny_scenario


def _events(s: dict | simfuel.Scenario, seed: int = 3) -> tuple[int, int]:
    """(SimPy events processed, convoys) of one run."""
    sc = s if isinstance(s, simfuel.Scenario) else load_json(s)
    rec = Simulation(compile_plan(sc), np.random.SeedSequence(seed)).run()
    return rec.events_processed, len(rec.convoys)


def _split_legs(s: dict, parts: int) -> dict:
    """``s`` with each leg after the staging point cut into ``parts`` equal legs."""
    out = copy.deepcopy(s)
    c = out["corridors"]["main"]
    legs = []
    for leg in c["legs"]:
        if leg["from"] == "port":  # before the staging point: a batch, not a convoy
            legs.append(leg)
            continue
        names = [leg["from"]] + [f"{leg['from']}_{k}" for k in range(1, parts)] + [leg["to"]]
        for a, b in itertools.pairwise(names):
            for p in (a, b):
                if p not in out["places"]:
                    out["places"][p] = dict(out["places"][leg["to"]])
            legs.append({**leg, "from": a, "to": b, "length_km": leg["length_km"] / parts})
    c["legs"] = legs
    return out


def test_a_leg_where_nothing_happens_costs_no_event():
    # Four times the legs, same road: the same events (one per leg before the walk ahead).
    s = tiny_scenario()
    base, convoys = _events(s)
    split, split_convoys = _events(_split_legs(s, 4))
    assert convoys == split_convoys > 20
    assert split == base


@pytest.mark.parametrize("seed", [0, 1])
def test_mali_2025_events_per_convoy_within_budget(seed):
    # The engine before issue 12 spent 11.6 events per convoy here (a timeout per leg, the
    # convoy's start and end, a wake-up of the former per batch, a timeout per corridor
    # and batch); with the walk ahead 4.35 (bound 4.6: the drive of each batch to the
    # staging point a timeout, two a convoy); then 3.38, an event only for the batch that
    # lets a convoy form (about one a convoy).
    # mali-2025 now flies its air cover as `air_hourly`, whose bank filled by one timeout
    # an hour of the run (5.40 events a convoy as shipped); its clock is now stepped by
    # the run loop, no event: 3.13-3.14 measured (seeds 0-3). Then the secondary
    # corridors' batches, which reach their staging points together at each dispatch,
    # form their convoys in their own steps instead of waking the formers: 2.74-2.75.
    sc = load_scenario(SCENARIOS / "mali-2025.yaml")
    assert sc.escorts["russia_air"].kind == "air_hourly"
    events, convoys = _events(sc, seed)
    assert convoys > 2000
    assert events / convoys <= 2.8


def test_the_hourly_air_banks_accrual_costs_no_event(monkeypatch):
    # Its process (clocked=False) spent 4,508 events on mali-2025 seed 0 over 3,144 hours
    # of warm-up and horizon: a timeout every hour, and a put event in the hours the bank
    # is not full. Clocked (the engine's way), none of them, and the same tables
    # (tests/sim/test_clocked_air_bank.py).
    sc = load_scenario(SCENARIOS / "mali-2025.yaml")
    clocked, _ = _events(sc, 0)
    monkeypatch.setattr(HourlyAirCover, "clocked", False)
    process, _ = _events(sc, 0)
    plan = compile_plan(sc)
    hours = plan.warmup_h + plan.horizon_h
    assert hours <= process - clocked <= 2 * hours


def _tables(name: str, seed: int) -> dict[str, pd.DataFrame]:
    r = simfuel.run(load_scenario(SCENARIOS / name), seed=seed)
    return {"daily": r.daily, "convoys": r.convoys, "events": r.events}


@pytest.mark.parametrize(
    ("name", "seed"),
    [("mali-2025.yaml", 2), ("kayes-closed.yaml", 5), ("mali-2025-regions.yaml", 1)],
)
def test_walking_ahead_gives_the_tables_of_stopping_at_every_leg(name, seed, monkeypatch):
    # Scripted attacks (mali-2025), closures and holds (kayes-closed), secondary corridors
    # (regions): asking each leg's attack at its entry (no threat model asked ahead)
    # must give the same tables, to the last bit, as the walk ahead.
    ahead = _tables(name, seed)
    monkeypatch.setattr(DefaultThreat, "ahead", False)
    per_leg = _tables(name, seed)
    for key, table in ahead.items():
        pd.testing.assert_frame_equal(table, per_leg[key], check_exact=True)


def test_stopping_at_every_leg_costs_an_event_per_leg(monkeypatch):
    # The fallback is real: without the walk ahead, more legs cost more events.
    monkeypatch.setattr(DefaultThreat, "ahead", False)
    s = tiny_scenario()
    base, _ = _events(s)
    split, _ = _events(_split_legs(s, 4))
    assert split > base


@pytest.mark.parametrize("opts_in", [False, True])
def test_a_plugin_threat_model_is_asked_ahead_only_when_its_class_says_so(opts_in, monkeypatch):
    # A subclass of the default model does not inherit its lookahead (its own attack may
    # keep state): asked at every leg entry, unless it sets ``ahead`` itself.
    class Plugin(DefaultThreat):
        name = "default"

    if opts_in:
        Plugin.ahead = True
    monkeypatch.setitem(THREAT_MODELS._classes, "default", Plugin)
    s = tiny_scenario()
    base, _ = _events(s)
    split, _ = _events(_split_legs(s, 4))
    assert (split == base) is opts_in


def _variants() -> list[tuple[str, dict]]:
    """Cases that read or change the staging count between events."""
    from tests.sim.test_modes import sealift

    sea = sealift()
    sea["corridors"]["sealift"].update(tankers_per_day=25)  # ships fill from batches
    sea["corridors"]["sealift"]["initial"] = {"staged_tankers": 4, "warmup": True}
    turned = tiny_scenario()  # convoys turn back to the staging point; a fleet
    turned["threat"].update(hazard_per_100km=2.0, loss_fraction_mean=0.3)
    turned["threat"]["turn_back_probability"] = 0.6
    turned["events"].append({"date": "2025-01-03", "type": "blockade", "intensity": 1.0})
    fleet = copy.deepcopy(turned)
    fleet["corridors"]["main"]["fleet"] = {"vehicles": 40}
    return [("sea", sea), ("turned_back", turned), ("fleet", fleet)]


@pytest.mark.parametrize(
    ("name", "seed"),
    [
        ("mali-2025.yaml", 0),
        ("kayes-closed.yaml", 3),
        ("guinea-blockaded.yaml", 4),
        ("tutorial-network.yaml", 1),
        *((v, 2) for v in ("sea", "turned_back", "fleet")),
    ],
)
def test_batches_counted_in_when_read_give_the_tables_of_a_timeout_each(name, seed, monkeypatch):
    # Batches to the staging point without an event (counted in by the next read of the
    # counts) must give, to the last bit, the tables of one timeout per batch.
    sc = (
        load_scenario(SCENARIOS / name)
        if name.endswith(".yaml")
        else load_json(dict(_variants())[name])
    )

    def tables() -> tuple[dict[str, pd.DataFrame], int]:
        r = simfuel.run(sc, seed=seed)
        return {"daily": r.daily, "convoys": r.convoys, "events": r.events}, r.events_processed

    lazy, lazy_events = tables()
    monkeypatch.setattr(engine, "_PURE_RULES", ())
    each, each_events = tables()
    assert len(lazy["convoys"]) > 10
    assert lazy_events <= each_events
    for key, table in lazy.items():
        pd.testing.assert_frame_equal(table, each[key], check_exact=True)


def _strict_alone(self: Simulation, ci: int, forces: tuple[int, ...]) -> bool:
    """The guard before: nothing at all due now (no event, no escort clock)."""
    now = self.env.now
    return self.env.peek() > now and all(k.due[0] > now for k in self.escorts.clocks)


def _strict_nothing_arrives(self: Simulation, ci: int) -> bool:
    """The guard before: no batch of any corridor reaches its staging point later now."""
    now = self.env.now
    for cj, p in enumerate(self._approach):
        if p and p[0][0] <= now:
            self._flush(cj)
            if p and p[0][0] <= now:
                return False
    return True


def _same_hour(border_delay_h: float) -> dict:
    """Three corridors whose batches reach their staging points at the same times (on the
    hour of the air bank's clock with a whole ``border_delay_h``), two of them with
    optional escorts from one ground unit and an hourly air bank; convoys turned back."""
    s = tiny_scenario()
    s["escorts"]["army"].update(units=1, turnaround_h=2)
    s["escorts"]["air"].update(kind="air_hourly", convoy_hours_per_day=12)
    s["threat"].update(hazard_per_100km=1.0, turn_back_probability=0.5)
    s["events"].append({"date": "2025-01-03", "type": "blockade", "intensity": 1.0})
    main = s["corridors"].pop("main")
    main.update(
        border_delay_h=border_delay_h, escort_policy={"forces": ["army", "air"], "required": False}
    )
    s["corridors"] = {
        "west": {**copy.deepcopy(main), "escort_policy": {}},  # first: forms among the others
        "main": main,
        "east": {**copy.deepcopy(main), "tankers_per_day": 6},
    }
    return s


@pytest.mark.parametrize(
    ("name", "seed"),
    [
        ("mali-2025.yaml", 0),
        ("no-blockade.yaml", 2),
        ("tutorial-network.yaml", 1),
        ("same_hour", 0),
        ("same_hour", 1),
        ("on_the_hour", 0),
        ("on_the_hour", 1),
        ("held", 0),
    ],
)
def test_forming_among_other_corridors_batches_gives_the_tables_of_waking(name, seed, monkeypatch):
    # A batch that lets an unescorted convoy form forms it in its own step, not by waking
    # the former, also when other corridors' batches (or the clock of a force the policy
    # does not ask for) are due at the same time: those would run before the wake-up and
    # read nothing that forming changes. Same tables, to the last bit, as waking the
    # former whenever anything else is due now.
    if name.endswith(".yaml"):
        sc = load_scenario(SCENARIOS / name)
    else:
        s = _same_hour(12.5 if name == "same_hour" else 12.0)
        if name == "held":  # west's batches held before its staging point arrive at once
            what = {"corridor": "west", "leg_from": "port"}
            s["events"] += [
                {"type": "close", "date": "2025-01-05", **what},
                {"type": "reopen", "date": "2025-01-07", **what},
            ]
        sc = load_json(s)

    def tables() -> tuple[dict[str, pd.DataFrame], int]:
        r = simfuel.run(sc, seed=seed)
        return {"daily": r.daily, "convoys": r.convoys, "events": r.events}, r.events_processed

    relaxed, relaxed_events = tables()
    monkeypatch.setattr(Simulation, "_alone_now", _strict_alone)
    monkeypatch.setattr(Simulation, "_nothing_arrives_now", _strict_nothing_arrives)
    strict, strict_events = tables()
    assert len(relaxed["convoys"]) > 50
    if name != "tutorial-network.yaml":
        assert relaxed_events < strict_events  # the case is exercised
    for key, table in relaxed.items():
        pd.testing.assert_frame_equal(table, strict[key], check_exact=True)
