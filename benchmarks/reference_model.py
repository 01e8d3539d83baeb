"""Bare-SimPy reference model of mali-2025: the yardstick for ``bench_run.py``.

The same work as one simfuel replication, written by hand with no library: five corridors
loading tankers in batches (4 a day) at their scheduled rates and contracts, from the
warm-up (t = -216 h) to the end of the 122-day horizon; approach drive plus a triangular
border delay (one timeout per batch); a former per corridor that takes queued tankers as
convoys of up to ``max_size`` and, under required escort, waits for ``min_size`` tankers,
ground units (``simpy.Resource``) and air convoy-hours (``simpy.Container``, refilled each
midnight); one process per convoy, leg by leg, with the engine's per-convoy numpy draws and
ambush formula, losses, attack delays and turn-backs; ground units released after their
drive back; a daily clock serving demand. Counters only: no recording, no scenario files,
no scripted attacks, no depot capacity. Numbers are copied from scenarios/mali-2025.yaml
(``bench_run.py`` checks them against the compiled plan).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

WARMUP_H, HORIZON_DAYS, BATCHES_PER_DAY, KMH, TANKER_L = 216.0, 122, 4, 15.0, 45_000
EMBARGO_H = 792.0  # blockade starts (intensity below), supply rates cut
HAZARD, LOSS_MEAN, LOSS_CONC, CAPTURE, TURN_BACK = 0.08, 0.4, 4.0, 0.1, 0.2
ATTACK_DELAY_H = (6.0, 24.0, 72.0)
DEMAND_L, DEMAND_CV, INITIAL_STOCK_L = 6_300_000.0, 0.05, 31_500_000.0
DEAL_TANKERS_PER_DAY = 200_000 * 1192 / TANKER_L / 60  # emergency deal, 28 Oct, over 60 days
DEAL_H = (2112.0, 2112.0 + 24 * 60)
GROUND = {"army": (6, 0.6, 0.8, 24.0), "africa": (3, 0.15, 0.3, 24.0)}  # units, det, prot, turn
AIR_HOURS, AIR_DET, AIR_PROT = 2 * 12.0, 0.8, 0.9
# Escort policies of the escorted corridors from t [h]: (required, min, max, ground, air).
POLICIES = ((-1e9, (False, 1, 20, (), False)), (840.0, (True, 30, 300, ("army",), True)))
POLICIES += ((2328.0, (True, 30, 300, ("africa", "army"), False)),)
# name: approach km, border delay (low, mode, high) h, rates [(from_h, tankers/day)],
#       deal share, blockade intensity, escorted, legs after staging [(km, risk)]
CORRIDORS = {
    "dakar_rn1": (682, (24, 48, 72), [(-1e9, 45), (1080.0, 10)], 0.2, 1.0, True,
                  [(96, 1.5), (237, 1.5), (200, 1.0), (40, 2.0), (120, 1.0), (15, 0.2)]),
    "mauritania": (1025, (24, 48, 72), [(-1e9, 10), (EMBARGO_H, 5)], 0.0, 1.0, True,
                   [(100, 1.5), (200, 1.0), (40, 2.0), (120, 1.0), (15, 0.2)]),
    "ci_tengrela": (805, (12, 24, 48), [(-1e9, 35), (EMBARGO_H, 20)], 0.35, 1.0, True,
                    [(55, 1.0), (70, 1.0), (25, 1.0), (160, 1.0)]),
    "ci_pogo": (680, (12, 24, 48), [(-1e9, 35), (EMBARGO_H, 20)], 0.35, 1.0, True,
                [(50, 1.0), (50, 1.5), (210, 1.5), (160, 1.0)]),
    "guinea_rn5": (860, (12, 24, 48), [(-1e9, 15)], 0.1, 0.2, False, [(100, 0.5)]),
}  # fmt: skip
Corridor = tuple[Any, ...]
Process = Generator[simpy.Event, Any, None]


class ReferenceModel:
    """One replication; ``run()`` returns the counters, ``steps`` the SimPy events processed."""

    def __init__(self, seed: int) -> None:
        self.env = env = simpy.Environment(initial_time=-WARMUP_H)
        rngs = [np.random.default_rng([seed, s]) for s in range(16)]
        self.threat, self.loss, self.delay = rngs[0:5], rngs[5:10], rngs[10:15]
        self.demand_rng = rngs[15]
        self.ground = {k: simpy.Resource(env, units) for k, (units, *_) in GROUND.items()}
        self.air = simpy.Container(env, AIR_HOURS, init=AIR_HOURS)
        self.staged = [0] * 5
        self.wake = [env.event() for _ in range(5)]
        self.counts = dict.fromkeys(
            ("loaded", "delivered", "lost", "captured", "convoys", "attacks"), 0
        )
        self.stock_l, self.steps = INITIAL_STOCK_L, 0

    def run(self) -> dict[str, int]:
        env = self.env
        for ci, c in enumerate(CORRIDORS.values()):
            env.process(self.dispatch(ci, c))
            env.process(self.form(ci, c))
        days = env.process(self.days())
        step, steps = env.step, 0
        while not days.processed:
            step()
            steps += 1
        self.steps = steps
        return self.counts

    def dispatch(self, ci: int, c: Corridor) -> Process:
        env, carry, dt = self.env, 0.0, 24.0 / BATCHES_PER_DAY
        approach_h, border, rates, share = c[0] / KMH, c[1], c[2], c[3]
        for _ in range(round((WARMUP_H + 24 * HORIZON_DAYS) / dt)):
            rate = [r for t, r in rates if t <= env.now][-1]
            if DEAL_H[0] <= env.now < DEAL_H[1]:
                rate += share * DEAL_TANKERS_PER_DAY
            carry += rate * dt / 24.0
            n = math.floor(carry + 1e-9)
            if n > 0:
                carry -= n
                self.counts["loaded"] += n
                delay = approach_h + self.delay[ci].triangular(*border)
                env.timeout(delay).callbacks.append(lambda _e, n=n: self.stage(ci, n))
            yield env.timeout(dt)

    def stage(self, ci: int, n: int) -> None:
        self.staged[ci] += n
        if not self.wake[ci].triggered:
            self.wake[ci].succeed()
        self.wake[ci] = self.env.event()

    def form(self, ci: int, c: Corridor) -> Process:
        env, route_h = self.env, sum(km for km, _ in c[6]) / KMH
        while True:
            pol = [p for t, p in POLICIES if t <= env.now][-1] if c[5] else POLICIES[0][1]
            required, min_size, max_size, ground, air = pol
            if self.staged[ci] == 0 or (required and self.staged[ci] < min_size):
                yield self.wake[ci]
                continue
            held = []
            for g in ground:
                req = self.ground[g].request()
                yield req
                held.append((g, req))
            if air:
                yield self.air.get(min(route_h, AIR_HOURS))
            n = min(self.staged[ci], max_size)
            self.staged[ci] -= n
            self.counts["convoys"] += 1
            env.process(self.convoy(ci, c, n, held, air))

    def convoy(self, ci: int, c: Corridor, n: int, held: list[Any], air: bool) -> Process:
        env, legs, intensity = self.env, c[6], c[4]
        det = math.prod(GROUND[g][1] for g, _ in held) * (AIR_DET if air else 1.0)
        prot = math.prod(GROUND[g][2] for g, _ in held) * (AIR_PROT if air else 1.0)
        mean = LOSS_MEAN * prot
        k, lrng = len(legs), self.loss[ci]
        u_attack = self.threat[ci].random(k)
        fraction = lrng.beta(mean * LOSS_CONC, (1 - mean) * LOSS_CONC, k)
        u_loss, u_capture, u_turn = lrng.random((3, k))
        travelled, arrived = 0.0, True
        for j, (km, risk) in enumerate(legs):
            hours = km / KMH
            rate = HAZARD * (intensity if env.now >= EMBARGO_H else 0.0) * risk * det * km / 100
            if rate == 0 or u_attack[j] >= -math.expm1(-rate):
                yield env.timeout(hours)
                travelled += hours
                continue
            yield env.timeout(hours / 2)
            travelled += hours / 2
            lost = min(n, math.floor(fraction[j] * n + u_loss[j]))
            captured = min(lost, math.floor(CAPTURE * lost + u_capture[j]))
            n -= lost
            self.counts["lost"] += lost
            self.counts["captured"] += captured
            self.counts["attacks"] += 1
            if n == 0:
                arrived = False
                break
            delay_h = self.delay[ci].triangular(*ATTACK_DELAY_H)
            if u_turn[j] < TURN_BACK:
                yield env.timeout(delay_h + travelled)
                travelled, arrived = 0.0, False
                self.stage(ci, n)
                break
            yield env.timeout(delay_h + hours / 2)
            travelled += hours / 2
        if arrived:
            self.counts["delivered"] += n
            self.stock_l += n * TANKER_L
        for g, req in held:
            res = self.ground[g]
            env.timeout(travelled + GROUND[g][3]).callbacks.append(
                lambda _e, res=res, req=req: res.release(req)
            )

    def days(self) -> Process:
        env = self.env
        yield env.timeout(WARMUP_H)
        for _ in range(HORIZON_DAYS):
            yield env.timeout(24.0)
            if self.air.level < AIR_HOURS:
                self.air.put(AIR_HOURS - self.air.level)
            demand = self.demand_rng.gamma(1 / DEMAND_CV**2, DEMAND_L * DEMAND_CV**2)
            self.stock_l -= min(self.stock_l, demand)
