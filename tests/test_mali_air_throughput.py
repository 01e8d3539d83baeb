"""mali-2025's escorted throughput under air cover per hour flown (issue 11, mechanism 1).

From 5 September to 5 November every convoy on the four corridors needs the army's ground
escort and the Russian air cover (``russia_air``, shipped as ``kind: air_hourly`` since
this session; ``kind: air`` before). Under
``air`` each escorted convoy takes its whole route's hours, at most the day's 24, from a
budget refilled at midnight: about one escorted convoy a day for the country, nearly all
leaving at 00:00. Under ``air_hourly`` a convoy takes only its threatened legs' hours from
a bank filled hour by hour, so nobody waits for midnight; flying by day only
(``daylight_h: [6, 18]``) it takes only the daylight part of them, so more convoys go.

Measured on the mali-2025 with regions (seeds 0-2; escorted convoys a day, share leaving
at 00:00): ``air`` 1.00, 0.98; ``air_hourly`` 1.03-1.05, 0.00; ``air_hourly`` with
``daylight_h: [6, 18]`` 1.45-1.48, 0.01-0.02.
"""

from __future__ import annotations

import datetime as dt

import pytest

import simfuel

SEEDS = range(3)
FROM, TO = dt.date(2025, 9, 5), dt.date(2025, 11, 6)  # the army + air escort policy
AIR = "russia_air"


def _throughput(*overrides: str) -> list[tuple[float, float]]:
    """Per seed: (escorted convoys a day, share of them leaving at 00:00)."""
    s = simfuel.load_scenario("mali-2025", list(overrides))
    day0 = dt.datetime.combine(s.start, dt.time())
    lo_h, hi_h = (
        (dt.datetime.combine(d, dt.time()) - day0).total_seconds() / 3600 for d in (FROM, TO)
    )
    out = []
    for seed in SEEDS:
        c = simfuel.run(s, seed=seed).convoys
        dep = c["departed_h"]
        escorted = c[c["escort_forces"].str.contains(AIR) & (dep >= lo_h) & (dep < hi_h)]
        assert len(escorted) > 0
        midnight = float((escorted["departed_h"] % 24 == 0).mean())
        out.append((len(escorted) / ((hi_h - lo_h) / 24), midnight))
    return out


@pytest.fixture(scope="module")
def air() -> list[tuple[float, float]]:
    return _throughput(f"escorts.{AIR}.kind=air")


def test_mali_2025_ships_air_cover_per_hour_flown():
    assert simfuel.load_scenario("mali-2025").escorts[AIR].kind == "air_hourly"


def _kind(kind: str, *more: str) -> list[tuple[float, float]]:
    return _throughput(f"escorts.{AIR}.kind={kind}", *more)


def test_air_sends_one_escorted_convoy_a_day_at_midnight(air):
    # The finding: the daily budget is the bottleneck, convoys leave at 00:00.
    for per_day, midnight in air:
        assert per_day <= 1.1
        assert midnight > 0.9


def test_air_hourly_ends_the_midnight_rush(air):
    for (per_day, midnight), (air_day, air_midnight) in zip(_kind("air_hourly"), air, strict=True):
        assert midnight < 0.1 < air_midnight
        assert per_day >= air_day  # never fewer: threatened legs only, unused hours banked


def test_air_hourly_by_day_only_sends_well_over_one_a_day(air):
    for (per_day, midnight), (air_day, _) in zip(
        _kind("air_hourly", f"escorts.{AIR}.daylight_h=[6, 18]"), air, strict=True
    ):
        assert per_day > 1.3 > 1.1 * air_day
        assert midnight < 0.1
