"""Known answers for the optional mechanisms of issue 11 (each off by default).

Convoy size in the threat, attack outcome modes, scripted attacks that respect escorts
and have a window, air cover per hour flown, and escorts' own speed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import simfuel
from tests.sim.builders import date, tiny

SEEDS = range(3)


def _tables(r: simfuel.RunResult) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return r.daily, r.convoys, r.events


def _assert_same_run(a: simfuel.RunResult, b: simfuel.RunResult) -> None:
    for x, y in zip(_tables(a), _tables(b), strict=True):
        pd.testing.assert_frame_equal(x, y)


# ---------------------------------------------------------------- convoy size in the threat


def _single_tankers(hazard: float, **threat: object) -> dict:
    """30 days of one-tanker convoys, 24 a day; only border -> town (100 km) threatened."""
    s = tiny(hazard_per_100km=hazard, loss_fraction_mean=0.5, **threat)
    s["end"] = date(29)
    s["depot"]["capacity_l"] = 1e9
    c = s["corridors"]["main"]
    c["tankers_per_day"] = 24
    c["dispatches_per_day"] = 24
    c["border_delay_h"] = 12.5
    c["legs"][2]["risk"] = 0.0
    c["escort_policy"] = {"max_size": 1}
    s["events"] = [{"date": date(0), "type": "blockade", "intensity": 1.0}]
    return s


def test_size_exponent_zero_is_todays_run():
    for seed in SEEDS:
        today = simfuel.run(_single_tankers(0.5), seed=seed)
        zero = simfuel.run(
            _single_tankers(0.5, size_exponent=0, size_reference_tankers=7), seed=seed
        )
        _assert_same_run(today, zero)


def test_exponent_one_doubles_the_hazard_of_a_convoy_twice_the_reference():
    # One-tanker convoys with a reference of half a tanker: factor (1 / 0.5) ** 1 = 2. Under
    # common random numbers every leg sees the same uniform, so the run is exactly the one
    # with twice the hazard and no size effect; and more attacks than at the base hazard.
    for seed in SEEDS:
        sized = simfuel.run(
            _single_tankers(0.25, size_exponent=1, size_reference_tankers=0.5), seed=seed
        )
        doubled = simfuel.run(_single_tankers(0.5), seed=seed)
        _assert_same_run(sized, doubled)
    attacked = {h: 0 for h in (0.25, 0.5)}
    total = 0
    for seed in SEEDS:
        for h in attacked:
            c = simfuel.run(_single_tankers(h), seed=seed).convoys
            ok = c[(c["departed_h"] >= 0) & (c["departed_h"] < 24 * 28)]
            attacked[h] += int(ok["attacked"].sum())
            total += len(ok) if h == 0.25 else 0
    # The expected ratio of attack counts is p(2 lambda) / p(lambda) on one 100 km leg.
    ratio = (1 - math.exp(-0.5)) / (1 - math.exp(-0.25))
    assert attacked[0.5] / attacked[0.25] == pytest.approx(ratio, rel=0.1)
    assert total > 1500


def _big_convoys(**threat: object) -> dict:
    """Convoys of 10 tankers (one batch a day), every one attacked on town -> city."""
    s = tiny(hazard_per_100km=1000.0, loss_fraction_mean=0.9, **threat)
    c = s["corridors"]["main"]
    c["dispatches_per_day"] = 1
    c["blockade_intensity"] = 1.0
    c["legs"][1]["risk"] = 0.0
    return s


def test_the_cap_on_one_attack_is_never_exceeded():
    def losses(r: simfuel.RunResult) -> pd.Series:
        return r.events.loc[r.events["kind"] == "attacked", "tankers"]

    for seed in SEEDS:
        free = losses(simfuel.run(_big_convoys(), seed=seed))
        assert free.max() > 2  # without a cap the attacks take more than the cap below
        r = simfuel.run(_big_convoys(max_tankers_per_attack=2), seed=seed)
        r.check_balance()
        capped = losses(r)
        assert len(capped) == len(free)
        assert capped.max() <= 2
        assert (capped == free.clip(upper=2).values).all()


# ---------------------------------------------------------------- attack outcomes as modes


def _modes(**threat: object) -> dict:
    s = _big_convoys(capture_fraction=0.3, **threat)
    s["threat"]["loss_fraction_mean"] = 0.5
    return s


@pytest.mark.parametrize(
    ("outcomes", "destroyed", "captured"),
    [({"seize": 1}, False, True), ({"burn": 1}, True, False), ({"both": 1}, True, True)],
)
def test_outcome_modes_known_answers(outcomes, destroyed, captured):
    for seed in SEEDS:
        base = simfuel.run(_modes(), seed=seed)
        r = simfuel.run(_modes(outcomes=outcomes), seed=seed)
        r.check_balance()
        s, b = r.summary(), base.summary()
        # The same attacks, the same tankers lost: only who takes them changes.
        assert s["tankers_lost"] == b["tankers_lost"] > 0
        assert (s["tankers_destroyed"] > 0) == destroyed
        assert (s["tankers_captured"] > 0) == captured
        if outcomes == {"both": 1}:  # today's split: the same tables but for the notes
            assert (s["tankers_destroyed"], s["tankers_captured"]) == (
                b["tankers_destroyed"],
                b["tankers_captured"],
            )
            pd.testing.assert_frame_equal(r.daily, base.daily)
        hits = r.events[r.events["kind"] == "attacked"]
        assert hits["detail"].str.endswith("; " + next(iter(outcomes))).all()


def test_outcome_modes_are_drawn_in_proportion():
    s = _modes(outcomes={"burn": 0.25, "seize": 0.25, "both": 0.5})
    s["end"] = date(59)
    s["depot"]["capacity_l"] = 1e9
    details = pd.concat(
        [simfuel.run(s, seed=seed).events.query("kind == 'attacked'")["detail"] for seed in SEEDS]
    )
    modes = details.str.rsplit("; ", n=1).str[1].value_counts(normalize=True)
    assert len(details) > 150
    assert modes["burn"] == pytest.approx(0.25, abs=0.1)
    assert modes["seize"] == pytest.approx(0.25, abs=0.1)
    assert modes["both"] == pytest.approx(0.5, abs=0.1)


@pytest.mark.parametrize(
    ("outcomes", "message"),
    [
        (
            {"burn": 0.5, "seize": 0.6},
            r"threat\.outcomes: burn \+ seize \+ both must sum to 1 \(got 1\.1\)",
        ),
        ({"both": 0.9}, r"threat\.outcomes: .* must sum to 1 \(got 0\.9\)"),
        ({"burn": -1}, r"threat\.outcomes\.burn: must be >= 0 \(got -1\)"),
    ],
)
def test_outcomes_must_be_probabilities_summing_to_one(outcomes, message):
    with pytest.raises(ValueError, match=message):
        simfuel.load_scenario(_modes(outcomes=outcomes))


# ---------------------------------------------------------------- scripted attacks


def _scripted(deterrence: float = 1.0, protection: float = 1.0, **event: object) -> dict:
    """Convoys of 10 tankers, every one escorted by ``army``; no background threat.

    The scripted attack from day 4 (t = 96 h) on town -> city, 6 burned and 4 captured.
    """
    s = tiny()
    c = s["corridors"]["main"]
    c["dispatches_per_day"] = 1
    army = s["escorts"]["army"]
    army.update(units=1000, deterrence=deterrence, protection=protection)
    c["escort_policy"] = {"forces": ["army"], "required": True}
    ev = {
        "id": "ambush",
        "date": date(4),
        "type": "scripted_attack",
        "corridor": "main",
        "leg_from": "town",
        "tankers_destroyed": 6,
        "tankers_captured": 4,
    }
    ev.update(event)
    s["events"] = [ev]
    return s


def _hits(r: simfuel.RunResult) -> pd.DataFrame:
    return r.events[r.events["kind"] == "attacked"]


def test_scripted_attack_ignores_the_escort_by_default():
    r = simfuel.run(_scripted(deterrence=0.0, protection=0.5), seed=0)
    assert _hits(r)["tankers"].tolist() == [10]


def test_respect_escort_deterrence_zero_spares_every_escorted_convoy():
    for seed in SEEDS:
        r = simfuel.run(_scripted(deterrence=0.0, respect_escort=True), seed=seed)
        assert _hits(r).empty
        unfired = r.events[r.events["kind"] == "scripted_unfired"]
        assert unfired["detail"].tolist() == ["ambush"]


def test_respect_escort_protection_scales_the_losses():
    r = simfuel.run(_scripted(protection=0.5, respect_escort=True), seed=0)
    r.check_balance()
    hit = _hits(r).iloc[0]
    assert hit["tankers"] == 5
    assert "escort protection 0.5: 5 of 10 scripted" in hit["detail"]
    s = r.summary()
    assert (s["tankers_destroyed"], s["tankers_captured"]) == (3, 2)


def test_respect_escort_deterrence_half_strikes_a_later_convoy_sometimes():
    # Deterrence 0.5: each convoy is struck with probability 1/2, so over seeds the attack
    # falls on the first convoy about half the time and never twice.
    first = 0
    for seed in range(40):
        r = simfuel.run(_scripted(deterrence=0.5, respect_escort=True), seed=seed)
        hits = _hits(r)
        assert len(hits) <= 1
        c = r.convoys
        entry = c["departed_h"] + 4.0
        first_id = c.loc[entry[entry >= 96.0].idxmin(), "convoy_id"]
        first += int(len(hits) == 1 and hits.iloc[0]["convoy_id"] == first_id)
    assert 8 <= first <= 32


def _entries_after(r: simfuel.RunResult, t_h: float) -> pd.Series:
    """When each convoy entered town -> city, on or after ``t_h`` [h], sorted."""
    entry = r.convoys["departed_h"] + 4.0
    return entry[entry >= t_h].sort_values()


def test_window_a_late_convoy_is_logged_with_its_lag():
    r = simfuel.run(_scripted(window_days=0.001), seed=0)
    lag_days = (_entries_after(r, 96.0).iloc[0] - 96.0) / 24
    assert lag_days > 0.001  # one batch a day: the first convoy comes after the window
    assert _hits(r).empty
    unfired = r.events[r.events["kind"] == "scripted_unfired"]
    assert unfired["detail"].tolist() == [
        f"ambush; first convoy {lag_days:.1f} days after its date (window 0.001 days)"
    ]


def test_window_in_time_fires_and_logs_its_lag():
    r = simfuel.run(_scripted(window_days=2), seed=0)
    lag_days = (_entries_after(r, 96.0).iloc[0] - 96.0) / 24
    hit = _hits(r)
    assert hit["tankers"].tolist() == [10]
    assert hit["detail"].iloc[0].endswith(f"; fired {lag_days:.1f} days after its date")
    assert r.events[r.events["kind"] == "scripted_unfired"].empty


def test_window_without_any_convoy():
    s = _scripted(window_days=1, date=date(10))
    s["events"].append({"date": date(2), "type": "supply_rate", "tankers_per_day": 0})
    r = simfuel.run(s, seed=0)
    assert _entries_after(r, 240.0).empty
    unfired = r.events[r.events["kind"] == "scripted_unfired"]
    assert unfired["detail"].tolist() == ["ambush; no convoy within its window 1 days"]


# ---------------------------------------------------------------- escorts' own speed


def _escorted(speed_kmh: float | None) -> dict:
    """No threat, every convoy escorted by ``army`` (plenty of units, required)."""
    s = tiny()
    army = s["escorts"]["army"]
    army["units"] = 1000
    if speed_kmh is not None:
        army["speed_kmh"] = speed_kmh
    s["corridors"]["main"]["escort_policy"] = {"forces": ["army"], "required": True}
    return s


def _trip_h(r: simfuel.RunResult) -> pd.Series:
    c = r.convoys[r.convoys["outcome"] == "arrived"]
    return (c["ended_h"] - c["departed_h"]).reset_index(drop=True)


def test_escort_speed_limit_delays_arrival_by_exactly_the_extra_hours():
    free = simfuel.run(_escorted(None), seed=0)
    slow = simfuel.run(_escorted(20.0), seed=0)
    slow.check_balance()
    # border -> town 100 km: 5 h at 20 km/h instead of 4 h at 25; town -> city 150 km:
    # 7.5 h instead of 5 h at 30. Every journey takes 3.5 h longer, departures unchanged.
    extra_h = (100 / 20 - 100 / 25) + (150 / 20 - 150 / 30)
    np.testing.assert_allclose(_trip_h(free), 9.0)
    np.testing.assert_allclose(_trip_h(slow), 9.0 + extra_h)
    assert slow.convoys["departed_h"].tolist() == free.convoys["departed_h"].tolist()


def test_escort_speed_limit_above_the_legs_speeds_changes_nothing():
    _assert_same_run(simfuel.run(_escorted(None), seed=1), simfuel.run(_escorted(80.0), seed=1))


def test_unescorted_convoys_keep_the_legs_speeds():
    s = _escorted(20.0)
    s["corridors"]["main"]["escort_policy"] = {}
    np.testing.assert_allclose(_trip_h(simfuel.run(s, seed=0)), 9.0)


# ---------------------------------------------------------------- air cover per hour flown


def _air(kind: str, **force: object) -> dict:
    """Every convoy needs ``air`` (1 unit, 12 h a day); both legs threatened: 9 h."""
    s = tiny()
    s["escorts"]["air"].update(kind=kind, **force)
    s["corridors"]["main"]["escort_policy"] = {"forces": ["air"], "required": True}
    return s


def _pool(s: dict) -> tuple[object, object, object]:
    import simpy

    from simfuel.sim.escort_kinds import ESCORT_KINDS
    from simfuel.sim.plan import compile_plan

    plan = compile_plan(simfuel.load_scenario(s))
    env = simpy.Environment()
    index = [f.key for f in plan.forces].index("air")
    force = plan.forces[index]
    return env, ESCORT_KINDS.get(force.kind)(env, index, force), plan.corridors[0]


def test_air_hourly_takes_the_threatened_hours_only():
    # border -> town 100 km at 10 km/h: 10 threatened hours; town -> city 5 h, risk 0.
    s = _air("air_hourly", convoy_hours_per_day=24)
    s["corridors"]["main"]["legs"][1]["speed_kmh"] = 10
    s["corridors"]["main"]["legs"][2]["risk"] = 0
    env, pool, corridor = _pool(s)
    assert corridor.route_h == pytest.approx(15.0)
    grant = pool.request_for(corridor, corridor.route_h)
    env.run(until=0.5)
    assert grant.granted
    assert pool.hours.level == pytest.approx(24.0 - 10.0)  # 10 h, not min(15, 24)
    # Today's air takes the whole route (at most the day's budget).
    s["escorts"]["air"]["kind"] = "air"
    env, pool, corridor = _pool(s)
    pool.request_for(corridor, corridor.route_h)
    env.run(until=0.5)
    assert pool.hours.level == pytest.approx(24.0 - 15.0)


def test_air_hourly_bank_accrues_by_the_hour_up_to_its_cap():
    s = _air("air_hourly", convoy_hours_per_day=12, max_banked_days=2)
    env, pool, corridor = _pool(s)
    assert pool.hours.level == pool.hours.capacity == 24.0  # starts full: two days of 12 h
    pool.request_for(corridor, corridor.route_h)
    env.run(until=0.5)
    assert pool.hours.level == pytest.approx(24.0 - 9.0)
    env.run(until=10.5)  # ten hours at 0.5 h an hour
    assert pool.hours.level == pytest.approx(20.0)
    env.run(until=40.5)  # full again, never above the cap
    assert pool.hours.level == pytest.approx(24.0)


def test_air_hourly_convoys_leave_when_the_bank_allows_not_at_midnight():
    # 0.5 h of cover an hour and 9 h a convoy: once the bank is empty, one convoy every
    # 18 h, at whatever hour; today's air sends one a day, all at 00:00.
    hourly = simfuel.run(_air("air_hourly"), seed=0)
    hourly.check_balance()
    dep = hourly.convoys["departed_h"]
    steady = dep[dep > 48].diff().dropna()
    np.testing.assert_allclose(steady, 18.0)
    assert (dep[dep > 48] % 24 != 0).any()
    daily = simfuel.run(_air("air"), seed=0).convoys["departed_h"]
    assert (daily[daily > 48] % 24 == 0).all()
    assert len(dep[dep >= 0]) > len(daily[daily >= 0])  # 4 convoys in 3 days, not 3


def test_air_hourly_counts_the_threatened_hours_at_its_own_speed():
    # A 20 km/h air escort: border -> town 5 h (not 4), town -> city 7.5 h (not 5).
    _env, pool, corridor = _pool(_air("air_hourly", convoy_hours_per_day=24, speed_kmh=20))
    assert pool.threatened_h(corridor) == pytest.approx(12.5)
    _env, pool, corridor = _pool(_air("air_hourly", convoy_hours_per_day=24))
    assert pool.threatened_h(corridor) == pytest.approx(9.0)
