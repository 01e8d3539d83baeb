"""Bare-SimPy reference model of mali-2025: the yardstick for ``bench_run.py``.

The same work as one simfuel replication, written by hand with no library: the seven
corridors of scenarios/mali-2025.yaml, the five import corridors into Bamako and the two
secondary ones (Bamako - Ségou, Ségou - Mopti) that load out of their origin's stock,
loading tankers in batches (4 a day) at their scheduled rates and contracts, from the
warm-up (t = -216 h) to the end of the 122-day horizon; approach drive plus a triangular
border delay (one timeout per batch; a secondary batch is at its staging point at once);
a former per corridor that takes queued tankers as convoys of up to ``max_size`` and,
under required escort, waits for ``min_size`` tankers, ground units (``simpy.Resource``)
and air cover hours (a bank accrued hour by hour, worked out when a convoy asks: one
timeout only when it must wait); one process per convoy, leg by leg (one timeout per
leg), with the engine's per-convoy numpy draws and ambush formula (size factor included),
losses capped per attack, burn-or-seize outcomes, attack delays and turn-backs; ground
units released after their drive back; arrivals unloaded at midnight; a daily clock
serving each of the three stocks' demand under hysteresis rationing. Counters only: no
recording, no scenario files, no scripted attacks, no stock capacities, no reserve.
Numbers are copied from scenarios/mali-2025.yaml (``bench_run.py`` checks them against
the compiled plan).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

WARMUP_H, HORIZON_DAYS, BATCHES_PER_DAY, TANKER_L = 216.0, 122, 4, 45_000
EMBARGO_H = 792.0  # blockade starts (intensity below), supply rates cut
HAZARD, LOSS_MEAN, LOSS_CONC, CAPTURE, TURN_BACK = 0.08, 0.4, 4.0, 0.1, 0.2
SIZE_EXPONENT, SIZE_REFERENCE, MAX_PER_ATTACK = 0.5, 50.0, 40
BURN, SEIZE = 0.9, 0.1  # attack outcomes: every loss destroyed, or every loss captured
ATTACK_DELAY_H = (6.0, 24.0, 72.0)
# Places with stock: initial stock [L], demand [L/day]; the depot (Bamako) first.
PLACES = {"bamako": (27_450_000.0, 5_490_000.0), "segou": (2_250_000.0, 450_000.0),
          "mopti": (1_800_000.0, 360_000.0)}  # fmt: skip
DEMAND_CV = 0.05
# Hysteresis rationing, the same everywhere: start below, stop above [days], served, min days.
RATION_START_D, RATION_STOP_D, RATION_SERVED, RATION_MIN_DAYS = 4.0, 6.0, 0.6, 7
DEAL_TANKERS_PER_DAY = 200_000 * 1192 / TANKER_L / 60  # emergency deal, 28 Oct, over 60 days
DEAL_H = (2112.0, 2112.0 + 24 * 60)
GROUND = {"army": (6, 0.6, 0.8, 24.0), "africa": (3, 0.15, 0.3, 24.0)}  # units, det, prot, turn
# Air cover by the hour: bank of 2 units x 12 h x 1 day, accrued 1 h an hour, starts full.
AIR_BANK_H, AIR_PER_HOUR, AIR_DET, AIR_PROT = 2 * 12.0 * 1.0, 2 * 12.0 / 24, 0.8, 0.9
# Escort policies of the escorted corridors from t [h]: (required, min, max, ground, air).
POLICIES = ((-1e9, (False, 1, 20, (), False)), (840.0, (True, 30, 300, ("army",), True)))
POLICIES += ((2328.0, (True, 30, 300, ("africa", "army"), False)),)
# name: approach km (at 15 km/h), border delay (low, mode, high) h or None,
#       rates [(from_h, tankers/day)], deal share, blockade intensity, escorted,
#       legs after staging [(km, km/h, risk)], source place (None: an import), destination,
#       days of its own demand the source keeps
CORRIDORS = {
    "dakar_rn1": (682, (24, 48, 72), [(-1e9, 45), (1080.0, 10)], 0.2, 1.0, True,
                  [(96, 15, 1.5), (237, 15, 1.5), (200, 15, 1.0), (40, 15, 2.0),
                   (120, 15, 1.0), (15, 15, 0.2)], None, 0, 0.0),
    "mauritania": (1025, (24, 48, 72), [(-1e9, 10), (EMBARGO_H, 5)], 0.0, 1.0, True,
                   [(100, 15, 1.5), (200, 15, 1.0), (40, 15, 2.0), (120, 15, 1.0),
                    (15, 15, 0.2)], None, 0, 0.0),
    "ci_tengrela": (805, (12, 24, 48), [(-1e9, 35), (EMBARGO_H, 20)], 0.35, 1.0, True,
                    [(55, 15, 1.0), (70, 15, 1.0), (25, 15, 1.0), (160, 15, 1.0)], None, 0, 0.0),
    "ci_pogo": (680, (12, 24, 48), [(-1e9, 35), (EMBARGO_H, 20)], 0.35, 1.0, True,
                [(50, 15, 1.0), (50, 15, 1.5), (210, 15, 1.5), (160, 15, 1.0)], None, 0, 0.0),
    "guinea_rn5": (860, (12, 24, 48), [(-1e9, 15)], 0.1, 0.2, False, [(100, 15, 0.5)],
                   None, 0, 0.0),
    "bamako_segou": (0, None, [(-1e9, 18)], 0.0, 0.3, False, [(235, 20, 0.5)], 0, 1, 2.0),
    "segou_mopti": (0, None, [(-1e9, 8)], 0.0, 0.3, False, [(400, 20, 1.0)], 1, 2, 1.0),
}  # fmt: skip
APPROACH_KMH = 15.0
Corridor = tuple[Any, ...]
Process = Generator[simpy.Event, Any, None]


class ReferenceModel:
    """One replication; ``run()`` returns the counters, ``steps`` the SimPy events processed."""

    def __init__(self, seed: int) -> None:
        self.env = env = simpy.Environment(initial_time=-WARMUP_H)
        n, p = len(CORRIDORS), len(PLACES)
        rngs = [np.random.default_rng([seed, s]) for s in range(4 * n + p)]
        self.threat, self.loss = rngs[0:n], rngs[n : 2 * n]
        self.delay, self.mode = rngs[2 * n : 3 * n], rngs[3 * n : 4 * n]
        self.demand_rng = rngs[4 * n :]
        self.ground = {k: simpy.Resource(env, units) for k, (units, *_) in GROUND.items()}
        self.bank_h, self.bank_tick = AIR_BANK_H, 0  # the air bank and the hour it was read
        self.staged = [0] * n
        self.wake = [env.event() for _ in range(n)]
        self.stock_l = [initial for initial, _ in PLACES.values()]
        self.unloading_l = [0.0] * p  # arrived today, unloaded at midnight
        self.rationing = [0] * p  # days rationing has lasted (0: not rationing)
        self.counts = dict.fromkeys(
            ("loaded", "delivered", "lost", "captured", "convoys", "attacks", "short"), 0
        )
        self.steps = 0

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
        approach_km, border, rates, share, _, _, _, source, _, keep_days = c
        approach_h = approach_km / APPROACH_KMH
        for _ in range(round((WARMUP_H + 24 * HORIZON_DAYS) / dt)):
            rate = [r for t, r in rates if t <= env.now][-1]
            if DEAL_H[0] <= env.now < DEAL_H[1]:
                rate += share * DEAL_TANKERS_PER_DAY
            carry += rate * dt / 24.0
            n = math.floor(carry + 1e-9)
            if n > 0:
                carry -= n
                if source is not None and env.now >= 0:  # out of the origin's stock
                    keep_l = keep_days * list(PLACES.values())[source][1]
                    room = max(0, math.floor((self.stock_l[source] - keep_l) / TANKER_L))
                    self.counts["short"] += n - min(n, room)
                    n = min(n, room)
                    self.stock_l[source] -= n * TANKER_L
            if n > 0:
                self.counts["loaded"] += n
                if border is None:
                    self.stage(ci, n)
                else:
                    delay = approach_h + self.delay[ci].triangular(*border)
                    env.timeout(delay).callbacks.append(lambda _e, n=n: self.stage(ci, n))
            yield env.timeout(dt)

    def stage(self, ci: int, n: int) -> None:
        self.staged[ci] += n
        if not self.wake[ci].triggered:
            self.wake[ci].succeed()
        self.wake[ci] = self.env.event()

    def air_hours(self, need_h: float) -> Process:
        """Take ``need_h`` hours from the air bank, waiting (to the hour) for them if short."""
        env = self.env
        while True:
            tick = math.floor(env.now + WARMUP_H + 1e-9)  # hours accrued since the start
            self.bank_h = min(AIR_BANK_H, self.bank_h + (tick - self.bank_tick) * AIR_PER_HOUR)
            self.bank_tick = tick
            if self.bank_h >= need_h - 1e-9:
                self.bank_h -= need_h
                return
            hours = math.ceil((need_h - self.bank_h) / AIR_PER_HOUR - 1e-9)
            yield env.timeout(tick + hours - WARMUP_H - env.now)

    def form(self, ci: int, c: Corridor) -> Process:
        env, escorted, legs = self.env, c[5], c[6]
        air_need_h = min(AIR_BANK_H, sum(km / kmh for km, kmh, risk in legs if risk > 0))
        while True:
            pol = [p for t, p in POLICIES if t <= env.now][-1] if escorted else POLICIES[0][1]
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
                yield from self.air_hours(air_need_h)
            n = min(self.staged[ci], max_size)
            self.staged[ci] -= n
            self.counts["convoys"] += 1
            env.process(self.convoy(ci, c, n, held, air))

    def convoy(self, ci: int, c: Corridor, n: int, held: list[Any], air: bool) -> Process:
        env, intensity, legs, dest = self.env, c[4], c[6], c[8]
        det = math.prod(GROUND[g][1] for g, _ in held) * (AIR_DET if air else 1.0)
        prot = math.prod(GROUND[g][2] for g, _ in held) * (AIR_PROT if air else 1.0)
        mean = LOSS_MEAN * prot
        k, lrng = len(legs), self.loss[ci]
        u_attack = self.threat[ci].random(k)
        fraction = lrng.beta(mean * LOSS_CONC, (1 - mean) * LOSS_CONC, k)
        u_loss, u_capture, u_turn = lrng.random((3, k))
        u_mode = self.mode[ci].random(k)
        travelled, arrived = 0.0, True
        for j, (km, kmh, risk) in enumerate(legs):
            hours = km / kmh
            size = (n / SIZE_REFERENCE) ** SIZE_EXPONENT
            hazard = HAZARD * (intensity if env.now >= EMBARGO_H else 0.0) * size
            rate = hazard * risk * det * km / 100
            if rate == 0 or u_attack[j] >= -math.expm1(-rate):
                yield env.timeout(hours)
                travelled += hours
                continue
            yield env.timeout(hours / 2)
            travelled += hours / 2
            lost = min(n, math.floor(fraction[j] * n + u_loss[j]), MAX_PER_ATTACK)
            if u_mode[j] < BURN:
                captured = 0
            elif u_mode[j] < BURN + SEIZE:
                captured = lost
            else:
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
            self.unloading_l[dest] += n * TANKER_L
        for g, req in held:
            res = self.ground[g]
            env.timeout(travelled + GROUND[g][3]).callbacks.append(
                lambda _e, res=res, req=req: res.release(req)
            )

    def days(self) -> Process:
        env = self.env
        yield env.timeout(WARMUP_H)
        demand_l = [d for _, d in PLACES.values()]
        for _ in range(HORIZON_DAYS):
            yield env.timeout(24.0)
            for p, rng in enumerate(self.demand_rng):
                demand = rng.gamma(1 / DEMAND_CV**2, demand_l[p] * DEMAND_CV**2)
                cover_d = self.stock_l[p] / demand_l[p]
                if self.rationing[p] == 0 and cover_d < RATION_START_D:
                    self.rationing[p] = 1
                elif self.rationing[p] >= RATION_MIN_DAYS and cover_d > RATION_STOP_D:
                    self.rationing[p] = 0
                elif self.rationing[p]:
                    self.rationing[p] += 1
                served = demand * (RATION_SERVED if self.rationing[p] else 1.0)
                self.stock_l[p] -= min(self.stock_l[p], served)
                self.stock_l[p] += self.unloading_l[p]
                self.unloading_l[p] = 0.0
