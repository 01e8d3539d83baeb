"""The named records of one run: one source for the columns of every output table."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.results import RunResult
from simfuel.scenario import load_scenario
from simfuel.sim import Simulation, compile_plan
from simfuel.sim.recorder import (
    CONVOY_FIELDS,
    DAILY_FIELDS,
    EVENT_FIELDS,
    ConvoyRecord,
    DailyRecord,
    EventRecord,
    Recorder,
)
from tests.helpers import tiny_scenario

_RECORDS = [(DailyRecord, DAILY_FIELDS), (ConvoyRecord, CONVOY_FIELDS), (EventRecord, EVENT_FIELDS)]


def _threatened() -> dict:
    s = tiny_scenario()
    s["threat"].update(hazard_per_100km=0.8, capture_fraction=0.4, turn_back_probability=0.3)
    s["corridors"]["main"]["blockade_intensity"] = 1.0
    return s


@pytest.fixture(scope="module")
def result() -> RunResult:
    r = simfuel.run(_threatened(), seed=8)
    assert r.summary()["attacks"] > 0  # else the convoy updates below are not exercised
    return r


@pytest.mark.parametrize(("record", "names"), _RECORDS)
def test_field_tuples_are_the_record_fields(record, names):
    assert names == tuple(f.name for f in dataclasses.fields(record))


def test_table_columns_follow_the_records(result):
    assert tuple(result.daily.columns) == DAILY_FIELDS
    # The tables add calendar times next to the hour offsets, nothing else.
    convoy_columns = [c for c in result.convoys.columns if c not in ("formed", "departed", "ended")]
    assert tuple(convoy_columns) == CONVOY_FIELDS
    assert list(result.events.columns) == ["time", *EVENT_FIELDS]


@pytest.mark.parametrize("record", [DailyRecord, ConvoyRecord, EventRecord])
def test_records_have_slots_so_a_misspelt_field_fails(record):
    row = record(**{f.name: 0 for f in dataclasses.fields(record)})
    with pytest.raises(AttributeError):
        row.not_a_field = 1


def _hand_made() -> tuple[Recorder, dict, dict, dict]:
    day = {name: float(i + 1) for i, name in enumerate(DAILY_FIELDS)}
    day.update(rationing=1.0, stockout=0.0)
    convoy = dict(
        convoy_id=7,
        corridor="main",
        escort_forces="gendarmerie",
        escort_kind="ground",
        formed_h=2.0,
        departed_h=3.5,
        ended_h=30.25,
        outcome="arrived",
        tankers_departed=12,
        tankers_arrived=9,
        destroyed=2,
        captured=1,
        attacked=True,
        attacks=1,
        escort_wait_h=1.5,
        capacity_l=45_000,
    )
    event = dict(
        t_h=20.0,
        kind="attacked",
        corridor="main",
        convoy_id=7,
        tankers=3,
        litres=135_000,
        leg_from="Dakar",
        leg_to="Kayes",
        detail="Dakar-Kayes",
    )
    rec = Recorder(
        daily=[DailyRecord(**day)],
        convoys=[ConvoyRecord(**convoy)],
        events=[EventRecord(**event)],
    )
    return rec, day, convoy, event


def test_records_built_by_name_round_trip_to_the_tables():
    rec, day, convoy, event = _hand_made()
    r = RunResult.from_records(load_scenario(tiny_scenario()), rec, 1, ())
    assert r.daily.iloc[0].to_dict() == pytest.approx(day)
    assert {k: r.convoys.iloc[0][k] for k in CONVOY_FIELDS} == convoy
    assert {k: r.events.iloc[0][k] for k in EVENT_FIELDS} == event
    assert r.events["time"].iloc[0] == pd.Timestamp(r.scenario.start) + pd.Timedelta(hours=20)


def test_daily_array_is_the_daily_columns_by_name():
    rec, day, _, _ = _hand_made()
    assert rec.daily_array().tolist() == [[day[name] for name in DAILY_FIELDS]]
    assert Recorder().daily_array().shape == (0, len(DAILY_FIELDS))


def test_events_are_sorted_stably_by_time():
    rec = Recorder()
    rec.log(5.0, "z")
    rec.log(1.0, "y")
    rec.log(5.0, "a")
    assert rec.event_columns()["kind"] == ("y", "z", "a")


def test_empty_recorder_gives_empty_tables_with_every_column():
    r = RunResult.from_records(load_scenario(tiny_scenario()), Recorder(), 1, ())
    assert r.daily.empty and tuple(r.daily.columns) == DAILY_FIELDS
    assert r.convoys.empty and set(CONVOY_FIELDS) <= set(r.convoys.columns)
    assert r.events.empty and list(r.events.columns) == ["time", *EVENT_FIELDS]


def test_engine_updates_convoys_by_attribute():
    plan = compile_plan(load_scenario(_threatened()))
    rec = Simulation(plan, np.random.SeedSequence(8)).run()
    assert any(c.attacks for c in rec.convoys)
    for c in rec.convoys:
        assert c.attacked == (c.attacks > 0)
        assert c.outcome in ("arrived", "turned_back", "lost", "in_transit")
        if c.outcome == "arrived":
            assert c.tankers_arrived == c.tankers_departed - c.destroyed - c.captured
            assert c.ended_h > c.departed_h
        if c.outcome == "in_transit":
            assert math.isnan(c.ended_h)
    attacked = [e for e in rec.events if e.kind == "attacked"]
    assert sum(e.tankers for e in attacked) == sum(c.destroyed + c.captured for c in rec.convoys)
