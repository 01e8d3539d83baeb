"""Known answers for air cover by day only (``escorts.<key>.daylight_h``, issue 11).

A force with a window covers a leg (its deterrence and protection apply) only if the
convoy enters the leg at an hour of the day in ``[from, to)``; an ``air_hourly`` convoy
takes only the threatened hours it drives inside the window.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import pytest
import simpy

import simfuel
from simfuel.sim.escort_kinds import ESCORT_KINDS, window_overlap_h
from simfuel.sim.plan import compile_plan
from tests.sim.builders import LEG_H, date, tiny

DAY = (6.0, 18.0)
FIRST_LEG_H = LEG_H["border-town"]  # 4 h: the second leg is entered 4 h after departure


def _night_ambush(daylight_h: tuple[float, float] | None) -> dict[str, Any]:
    """Every convoy needs ``air`` (deterrence 0, ample hours) on two threatened legs whose
    hazard makes an uncovered leg all but certain to be attacked; losses tiny."""
    s = tiny(hazard_per_100km=1000.0, loss_fraction_mean=0.001)
    s["escorts"]["air"].update(units=10, deterrence=0.0, protection=1.0)
    if daylight_h is not None:
        s["escorts"]["air"]["daylight_h"] = list(daylight_h)
    s["corridors"]["main"]["escort_policy"] = {"forces": ["air"], "required": True}
    s["events"] = [{"date": date(0), "type": "blockade", "intensity": 1.0}]
    return s


def _night_legs(departed_h: pd.Series) -> pd.Series:
    """How many of a convoy's two legs it enters outside the day window."""

    def night(t: pd.Series) -> pd.Series:
        hour = t % 24
        return ((hour < DAY[0]) | (hour >= DAY[1])).astype(int)

    return night(departed_h) + night(departed_h + FIRST_LEG_H)


def test_uncovered_at_night_covered_by_day():
    c = simfuel.run(_night_ambush(DAY), seed=0).convoys
    c = c[(c["departed_h"] >= 0) & (c["outcome"] == "arrived")]
    expected = _night_legs(c["departed_h"])
    # Departures at 5, 11, 17 and 23 h: legs entered by day and by night, both.
    assert 0 < expected.sum() < 2 * len(c)
    assert c["attacks"].tolist() == expected.tolist()


def test_without_a_window_deterrence_zero_means_never_attacked():
    c = simfuel.run(_night_ambush(None), seed=0).convoys
    assert len(c) > 20
    assert (c["attacks"] == 0).all()


def _some_attacks(window: tuple[float, float] | None, seed: int) -> simfuel.RunResult:
    s = _night_ambush(window)
    s["threat"].update(hazard_per_100km=0.5, loss_fraction_mean=0.3)
    s["escorts"]["air"].update(deterrence=0.5, protection=0.6)
    return simfuel.run(s, seed=seed)


def test_a_window_of_the_whole_day_is_no_window():
    # Every leg entered in [0, 24): covered, the same products: the same run to the bit.
    for seed in range(2):
        a, b = _some_attacks(None, seed), _some_attacks((0.0, 24.0), seed)
        assert a.convoys["attacks"].sum() > 0
        for x, y in zip(
            (a.daily, a.convoys, a.events), (b.daily, b.convoys, b.events), strict=True
        ):
            pd.testing.assert_frame_equal(x, y)


def test_ground_escort_keeps_its_effect_at_night():
    # Ground (deterrence 0) with the night-only air: no leg is ever attacked.
    s = _night_ambush(DAY)
    s["escorts"]["army"].update(units=20, deterrence=0.0)
    s["corridors"]["main"]["escort_policy"] = {"forces": ["army", "air"], "required": True}
    c = simfuel.run(s, seed=0).convoys
    assert len(c) > 20
    assert (c["attacks"] == 0).all()


# ---------------------------------------------------------------- hours taken


@pytest.mark.parametrize(
    ("start_h", "hours", "expected_h"),
    [
        (3.0, 4.0, 1.0),  # 03-07: 06-07
        (7.0, 5.0, 5.0),  # inside
        (15.0, 4.0, 3.0),  # 15-19: 15-18
        (19.0, 5.0, 0.0),  # night
        (0.0, 48.0, 24.0),  # two days: 12 h each
        (-3.0, 12.0, 3.0),  # warm-up: -3 .. 9 h, 06-09 of day 0
        (17.0, 14.0, 2.0),  # 17-07 next day: 17-18 and 06-07
    ],
)
def test_window_overlap(start_h, hours, expected_h):
    assert window_overlap_h(start_h, hours, *DAY) == pytest.approx(expected_h)


def _pool_at(depart_h: float, **force: object) -> tuple[simpy.Environment, Any, Any]:
    s = tiny()
    s["escorts"]["air"].update(kind="air_hourly", convoy_hours_per_day=24, **force)
    plan = compile_plan(simfuel.load_scenario(s))
    index = [f.key for f in plan.forces].index("air")
    env = simpy.Environment(initial_time=depart_h)
    pool = ESCORT_KINDS.get("air_hourly")(env, index, plan.forces[index])
    return env, pool, plan.corridors[0]


@pytest.mark.parametrize(
    ("depart_h", "expected_h"),
    [
        (3.0, 1.0 + 5.0),  # border-town 03-07 (1 h by day), town-city 07-12 (5 h)
        (15.0, 3.0 + 0.0),  # 15-19 (3 h), 19-24 (none)
        (21.0, 0.0 + 0.0),  # 21-01, 01-06: all night
        (48.0 + 9.0, 4.0 + 5.0),  # day 2, 09-18: all by day
    ],
)
def test_air_hourly_takes_the_daylight_part_of_the_threatened_hours(depart_h, expected_h):
    env, pool, corridor = _pool_at(depart_h, daylight_h=list(DAY))
    assert pool.covered_h(corridor, depart_h) == pytest.approx(expected_h)
    grant = pool.request_for(corridor, corridor.route_h)
    env.run(until=depart_h + 0.5)
    assert grant.granted
    assert grant.hours == pytest.approx(expected_h)
    assert pool.hours.level == pytest.approx(24.0 - expected_h)


def test_air_hourly_daylight_hours_of_threatened_legs_only():
    # town-city not threatened: only border-town's daylight hour is taken.
    # (The pool's first look at the corridor: it keeps that corridor's legs.)
    _env, pool, corridor = _pool_at(3.0, daylight_h=list(DAY))
    legs = list(corridor.legs)
    length, speed, _risk, h, frm, to = legs[1]
    legs[1] = (length, speed, 0.0, h, frm, to)
    assert pool.covered_h(replace(corridor, legs=legs), 3.0) == pytest.approx(1.0)


def test_air_hourly_without_a_window_takes_every_threatened_hour():
    _env, pool, corridor = _pool_at(21.0)
    assert pool.covered_h(corridor, 21.0) == pytest.approx(sum(LEG_H.values()))


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kind", "window", "message"),
    [
        ("ground", [6, 18], "escorts.army.daylight_h: only for the air kinds"),
        ("air", [6, 25], "escorts.army.daylight_h: hours must be in [0, 24]"),
        ("air", [-1, 18], "escorts.army.daylight_h: hours must be in [0, 24]"),
        ("air", [18, 6], "escorts.army.daylight_h: from must be < to"),
        ("air_hourly", [6, 6], "escorts.army.daylight_h: from must be < to"),
    ],
)
def test_bad_windows_are_one_clear_line(kind, window, message):
    s = tiny()
    s["escorts"]["army"].update(kind=kind, daylight_h=window)
    with pytest.raises(ValueError, match=r"^[^\n]*" + message.replace("[", r"\[")) as err:
        simfuel.load_scenario(s)
    assert len(str(err.value).splitlines()) == 1


def test_absent_window_is_not_dumped():
    for name in simfuel.scenario.shipped_scenarios():
        dumped = simfuel.load_scenario(name).model_dump()
        assert all("daylight_h" not in f for f in dumped["escorts"].values()), name
    s = tiny()
    s["escorts"]["air"]["daylight_h"] = [6, 18]
    assert simfuel.load_scenario(s).model_dump()["escorts"]["air"]["daylight_h"] == [6.0, 18.0]


def test_escort_at_night_keeps_only_the_forces_without_a_window():
    from simfuel.sim.plan import ForcePlan
    from simfuel.sim.threats import Escort

    ground = ForcePlan("army", "ground", 1, 0.5, 0.8, 12.0, 0.0)
    air = ForcePlan("air", "air", 1, 0.2, 0.5, 12.0, 0.0, daylight_h=DAY)
    escort = Escort((ground, air), 0.5 * 0.2, 0.8 * 0.5, None, (None, DAY))
    day, night = escort.at(24.0 * 3 + 6.0), escort.at(24.0 * 3 + 18.0)  # 18:00 is night
    assert (day.deterrence, day.protection) == (0.5 * 0.2, 0.8 * 0.5)
    assert (night.deterrence, night.protection) == (0.5, 0.8)
    assert night.at(12.0) is night  # resolved: no windows left
