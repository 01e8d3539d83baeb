"""Compile a validated Scenario into plain numbers in hours, litres and tankers.

The SimPy layer reads only this plan: schedules as :class:`StepSchedule`, legs as tuples,
delays as ``(family, params)``. Nothing here draws random numbers or touches simpy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings
from dataclasses import dataclass, field
from typing import Any

from ..labels import event_log_detail
from ..model.schedule import StepSchedule
from ..model.stocks import RationingParams
from ..model.transit import leg_hours
from ..scenario.commodities import contract_vehicles, order_up_to_commodity
from ..scenario.schema import (
    BlockadeEvent,
    ContractEvent,
    Corridor,
    DemandEvent,
    Dispatch,
    EscortPolicy,
    EscortPolicyEvent,
    Leg,
    ObservationEvent,
    Rationing,
    RationingEvent,
    Scenario,
    ScriptedAttackEvent,
    SupplyRateEvent,
    corridor_payload,
    is_secondary,
    leg_risk,
    stock_places,
    warmup_days,
)
from ..scenario.terminals import terminal_places, terminal_stocks
from .disruptions import (
    CorridorDisruptions,
    DelaySpec,
    Windows,
    compile_disruptions,
    compile_seizures,
    delay_spec,
)

__all__ = [
    "CorridorPlan",
    "FleetPlan",
    "ForcePlan",
    "InitialPlan",
    "ModePlan",
    "Plan",
    "PolicyPlan",
    "ScriptedAttack",
    "StationsPlan",
    "StockPlan",
    "SupplyResponsePlan",
    "UnstaffedEscortWarning",
    "compile_plan",
    "unstaffed_escorts",
    "warn_unstaffed",
]


@dataclass(frozen=True)
class PolicyPlan:
    """An escort policy with forces as indices into :attr:`Plan.forces`."""

    forces: tuple[int, ...]
    required: bool
    min_size: int
    max_size: int


@dataclass(frozen=True)
class ForcePlan:
    """One escort force."""

    key: str
    kind: str  # the name of its EscortKind (simfuel.sim.escort_kinds): "air", "ground", ...
    units: int
    deterrence: float
    protection: float
    convoy_hours_per_day: float
    turnaround_h: float
    speed_kmh: float | None = None  # escorted convoys drive no faster [km/h]; None: no limit
    max_banked_days: float = 1.0  # air_hourly: unused hours carried over, at most this [days]
    #: Air: the hours of the day (from, to) when it flies [h of the day]; None: always.
    daylight_h: tuple[float, float] | None = None


@dataclass(frozen=True)
class ScriptedAttack:
    """A scripted attack waiting for its convoy (``leg`` None: the next leg entered).

    A plan is reused by many runs, so whether an attack has fired is the run's state
    (``Simulation._fired``), not the plan's.
    """

    t_h: float
    leg: int | None
    destroyed: int
    captured: int
    label: str
    respect_escort: bool = False  # deterrence may spare the convoy, protection scales losses
    window_h: float | None = None  # fires only this long after t_h [h]; None: no limit


@dataclass(frozen=True)
class DispatchPlan:
    """A corridor's ``dispatch:`` parameters, dates as hours from the start."""

    times_h: tuple[float, ...] = ()  # schedule: the loading times (dates) [h]
    every_h: float | None = None  # schedule: the period from first_h [h]
    first_h: float = 0.0
    tankers: int = 0
    review_h: float = 24.0  # order_up_to
    target_days: float = 0.0
    reorder_days: float | None = None
    max_tankers_per_day: float = 0.0
    max_queue_tankers: int | None = None
    #: order_up_to: the stock it watches, an index in Plan.stocks; None: the corridor's
    #: ``dest`` (its main commodity's stock at the destination).
    stock: int | None = None


@dataclass(frozen=True)
class FleetPlan:
    """A corridor's finite fleet (``corridors.<key>.fleet``)."""

    vehicles: int
    drives_back: bool = True  # ``return``: after unloading, drive back to the origin
    return_risk_factor: float = 1.0  # multiplies every leg's risk on the way back [-]
    turnaround_h: float = 0.0  # wait at the origin before loading again [h]


@dataclass(frozen=True)
class SupplyResponsePlan:
    """A corridor's ``supply_response``: loadings times ``exp(-sensitivity * L)``."""

    loss_sensitivity_per_vehicle: float  # [1/vehicle]
    recovery_half_life_h: float  # [h]
    needs_escort: bool = False


@dataclass(frozen=True)
class ModePlan:
    """A corridor's transport mode and its parameters (:mod:`simfuel.sim.modes`)."""

    mode: str = "road"  # road, air or sea
    aircraft: int = 0  # air: aircraft in the fleet
    sortie_cycle_h: float = 0.0  # air: take-off to next take-off of one aircraft [h]
    berths: int = 0  # sea: berths at the destination port
    berth_h: float = 0.0  # sea: hours a ship holds a berth [h]
    loads_per_ship: int = 1  # sea: tankers' loads one ship carries


@dataclass(frozen=True)
class InitialPlan:
    """Vehicles on a corridor at ``t = 0``: staged, and on the road by leg."""

    staged: int = 0
    # (leg index in CorridorPlan.legs, or -1 before the staging point; tankers; driving
    # hours left to the staging point when -1).
    on_road: tuple[tuple[int, int, float], ...] = ()
    warmup: bool = True  # False: the corridor loads nothing before t = 0


@dataclass
class CorridorPlan:
    """Everything the simulation needs about one corridor."""

    index: int
    key: str
    capacity_l: int
    dispatches_per_day: int
    # Legs from the staging point on: (length_km, speed_kmh, risk, hours, from, to).
    legs: list[tuple[float, float, float, float, str, str]]
    first_leg: int  # index in the scenario's leg list of the first leg after staging
    approach_h: float  # origin -> staging driving time
    route_h: float  # staging -> depot driving time
    border_delay: DelaySpec
    rate: StepSchedule[float]
    contracts: list[tuple[float, float, float]]  # (t0_h, t1_h, tankers_per_day)
    intensity: StepSchedule[float]
    policy: StepSchedule[PolicyPlan]
    scripted: list[ScriptedAttack] = field(default_factory=list)
    formation_rule: str = "default"  # in simfuel.sim.formation: FORMATION_RULES or MODE_RULES
    dispatch_policy: str = "fixed_rate"  # a name in simfuel.sim.dispatch.DISPATCH_POLICIES
    # Closures, dated leg speeds and border delays (simfuel.sim.disruptions); all None or
    # empty without them, so the engine's fast path is untouched.
    disruptions: CorridorDisruptions = field(default_factory=CorridorDisruptions)
    dest: int = 0  # index in Plan.stocks of the stock it delivers to (0: the depot)
    source: int = -1  # index in Plan.stocks of the stock it loads from; -1: a terminal
    keep_days: float = 0.0  # secondary loadings leave this many days of the source's demand
    dispatch: DispatchPlan = field(default_factory=DispatchPlan)  # the policy's parameters
    fleet: FleetPlan | None = None  # None: an unlimited pool of vehicles
    supply_response: SupplyResponsePlan | None = None  # None: loadings do not respond
    mode: ModePlan = field(default_factory=ModePlan)
    initial: InitialPlan | None = None  # None: nothing on the corridor at t = 0 but the warm-up's
    # Several commodities per vehicle (or none of the main one): (stock it delivers to,
    # stock it loads from or -1, amount per vehicle [commodity unit]) for each commodity
    # carried, indices into Plan.stocks. Empty: the vehicle carries `capacity_l` of the
    # main commodity only, into `dest` (from `source`), as before commodities existed.
    parts: tuple[tuple[int, int, int], ...] = ()

    def delivers(self, stock: int) -> int:
        """What one vehicle unloads into ``Plan.stocks[stock]`` [its unit]; 0 if nothing."""
        if not self.parts:
            return self.capacity_l if stock == self.dest else 0
        return sum(amount for dest, _, amount in self.parts if dest == stock)

    @property
    def watched(self) -> int:
        """Index in ``Plan.stocks`` of the stock its dispatch policy watches (default ``dest``)."""
        return self.dest if self.dispatch.stock is None else self.dispatch.stock

    def tankers_per_day(self, t_h: float) -> float:
        """Dispatch rate at ``t_h`` [tankers/day]: base rate plus active contracts."""
        extra = sum(r for t0, t1, r in self.contracts if t0 <= t_h < t1)
        return self.rate.at(t_h) + extra


@dataclass(frozen=True)
class StationsPlan:
    """The filling stations between a stock and its consumers (``demand.stations``)."""

    count: int
    capacity_l: float  # each station's tank [L]
    initial_fill: float  # share of the tanks full at the start [-]
    trucks_per_day: int  # trucks the stock can send a day [-]
    truck_l: float  # load of one truck [L]
    demand_spread: float  # station demands from 1 - spread to 1 + spread times the mean


@dataclass(frozen=True)
class StockPlan:
    """One place with stock: the depot (index 0) or a destination."""

    index: int
    place: str
    capacity_l: float
    initial_stock_l: float
    reserve_l: float
    reserve_release_days: float
    demand: StepSchedule[float]
    demand_cv: float
    rationing: StepSchedule[RationingParams]
    # When the stock is seized (``seize`` .. ``release`` events); None: never.
    seized: Windows | None = None
    rationing_rule: str = "default"  # a name in simfuel.sim.rationing.RATIONING_RULES
    # Consumer classes served first, in order: (name, share of demand); () for none.
    priority: tuple[tuple[str, float], ...] = ()
    stations: StationsPlan | None = None  # None: consumers draw from the stock itself
    # Its commodity and unit: the capacity, stock, demand and reserve above are in that
    # unit (litres for fuel; the `_l` names are the fuel sugar's).
    commodity: str = "fuel"
    unit: str = "L"
    commodity_index: int = 0  # in Scenario.commodity_units (0: the main commodity)
    place_index: int = 0  # in stock_places (0: the depot), then the terminals'
    # An origin terminal (``terminals``): no demand; imports landed each day up to the
    # capacity [its unit/day]; vehicles that may load a day across its corridors (None:
    # no limit; on the main commodity's stock only, the one corridors' `source` names).
    resupply_per_day: float = 0.0
    loading_tankers_per_day: int | None = None
    terminal: bool = False


@dataclass
class Plan:
    """A scenario compiled for one simulation."""

    name: str
    start: dt.date
    horizon_days: int
    corridors: list[CorridorPlan]
    forces: list[ForcePlan]
    hazard_per_100km: float
    loss_fraction_mean: float
    loss_fraction_concentration: float
    capture_fraction: float
    attack_delay: DelaySpec
    turn_back_probability: float
    depot_capacity_l: float
    initial_stock_l: float
    reserve_l: float
    reserve_release_days: float
    demand: StepSchedule[float]
    demand_cv: float
    rationing: StepSchedule[RationingParams]
    policy_change_h: list[float]
    warmup_h: float  # the run starts this long before the horizon to fill the pipeline
    timeline: list[tuple[float, str, str]]  # (t_h, type, description)
    threat_model: str = "default"  # a name in simfuel.sim.threats.THREAT_MODELS
    # Every place with stock, the depot first (its fields above are stocks[0]'s).
    stocks: list[StockPlan] = field(default_factory=list)
    # Convoy size in the threat: hazard * (n / size_reference_tankers) ** size_exponent.
    size_exponent: float = 0.0
    size_reference_tankers: float = 50.0
    max_tankers_per_attack: int | None = None  # None: no limit
    # (p_burn, p_seize, p_both); None: every attack is "both" (split by capture_fraction).
    outcomes: tuple[float, float, float] | None = None

    @property
    def horizon_h(self) -> float:
        """Length of the horizon [h]."""
        return 24.0 * self.horizon_days


def _policy(p: EscortPolicy | EscortPolicyEvent, force_index: dict[str, int]) -> PolicyPlan:
    return PolicyPlan(
        forces=tuple(force_index[f] for f in p.forces),
        required=p.required and bool(p.forces),
        min_size=p.min_size,
        max_size=p.max_size,
    )


def _rationing(r: Rationing | RationingEvent) -> RationingParams:
    """The rule's numbers; a dated rule replaces the whole rule (absent: the defaults)."""
    stop = r.threshold_days if r.stop_threshold_days is None else r.stop_threshold_days
    return RationingParams(r.threshold_days, r.served_fraction, stop, r.min_days or 1)


def _hours(s: Scenario, day: dt.date) -> float:
    return 24.0 * (day - s.start).days


def _targets(names: list[str], s: Scenario) -> list[str]:
    return list(s.corridors) if names == ["all"] else names


def compile_plan(s: Scenario) -> Plan:
    """Compile ``s`` into a :class:`Plan` (times in hours from ``s.start`` 00:00)."""
    force_index = {key: i for i, key in enumerate(s.escorts)}
    forces = [
        ForcePlan(
            key=key,
            kind=f.kind,
            units=f.units,
            deterrence=f.deterrence,
            protection=f.protection,
            convoy_hours_per_day=f.convoy_hours_per_day,
            turnaround_h=f.turnaround_h,
            speed_kmh=f.speed_kmh,
            max_banked_days=f.max_banked_days,
            daylight_h=None if f.daylight_h is None else (f.daylight_h[0], f.daylight_h[1]),
        )
        for key, f in s.escorts.items()
    ]

    rate_changes: dict[str, list[tuple[float, float]]] = {k: [] for k in s.corridors}
    intensity_changes: dict[str, list[tuple[float, float]]] = {k: [] for k in s.corridors}
    policy_changes: dict[str, list[tuple[float, PolicyPlan]]] = {k: [] for k in s.corridors}
    contracts: dict[str, list[tuple[float, float, float]]] = {k: [] for k in s.corridors}
    scripted: dict[str, list[tuple[float, str | None, int, int, str, bool, float | None]]] = {
        k: [] for k in s.corridors
    }
    places = stock_places(s)
    demand_changes: dict[str, list[tuple[float, float]]] = {p: [] for p in places}
    rationing_changes: dict[str, list[tuple[float, RationingParams]]] = {p: [] for p in places}
    timeline: list[tuple[float, str, str]] = []
    # Dated demand and rationing of the other commodities' stocks, by (place, commodity).
    other_changes: dict[tuple[str, str], list[tuple[str, float, Any]]] = {}

    for i, ev in enumerate(s.events):
        t = _hours(s, ev.date)
        timeline.append((t, ev.type, event_log_detail(ev, s)))
        if isinstance(ev, BlockadeEvent):
            for c in _targets(ev.corridors, s):
                intensity_changes[c].append((t, ev.intensity))
        elif isinstance(ev, EscortPolicyEvent):
            for c in _targets(ev.corridors, s):
                policy_changes[c].append((t, _policy(ev, force_index)))
        elif isinstance(ev, SupplyRateEvent):
            for c in _targets(ev.corridors, s):
                rate_changes[c].append((t, ev.tankers_per_day))
        elif isinstance(ev, ContractEvent):
            # Whole vehicles that carry its commodity (the schema checks every corridor of
            # the split carries it): its quantity over one vehicle's load of it.
            for c, tankers in contract_vehicles(s, ev).items():
                contracts[c].append((t, t + 24.0 * ev.period_days, tankers / ev.period_days))
        elif isinstance(ev, ScriptedAttackEvent):
            label = ev.id or f"events[{i}]"
            window_h = None if ev.window_days is None else 24.0 * ev.window_days
            scripted[ev.corridor].append(
                (
                    t,
                    ev.leg_from,
                    ev.tankers_destroyed,
                    ev.tankers_captured,
                    label,
                    ev.respect_escort,
                    window_h,
                )
            )
        elif isinstance(ev, DemandEvent):
            if ev.commodity not in (None, s.main_commodity):
                other_changes.setdefault((ev.place or s.depot.place, ev.commodity), []).append(
                    ("demand", t, ev.demand_l_per_day)
                )
            else:
                demand_changes[ev.place or s.depot.place].append((t, ev.demand_l_per_day))
        elif isinstance(ev, RationingEvent):
            if ev.commodity not in (None, s.main_commodity):
                other_changes.setdefault((ev.place or s.depot.place, ev.commodity), []).append(
                    ("rationing", t, _rationing(ev))
                )
            else:
                rationing_changes[ev.place or s.depot.place].append((t, _rationing(ev)))
        elif isinstance(ev, ObservationEvent):
            pass  # on the timeline only: a reported fact changes nothing

    # Terminals hold stocks too (after the destinations): corridors from them load there.
    stock_index = {p: i for i, p in enumerate([*places, *terminal_places(s)])}
    corridors = []
    for idx, (key, corridor) in enumerate(s.corridors.items()):
        cp = _corridor_plan(
            idx,
            key,
            corridor,
            force_index,
            rate_changes[key],
            intensity_changes[key],
            policy_changes[key],
            contracts[key],
            scripted[key],
        )
        cp.dest = stock_index[corridor.legs[-1].to]
        cp.dispatch = _dispatch(corridor.dispatch, s.start)
        cp.fleet, cp.supply_response = _fleet(corridor)
        if is_secondary(corridor, set(stock_index)):
            cp.source = stock_index[corridor.origin]
            cp.keep_days = corridor.upstream_keep_days
        _compile_mode(cp, corridor)
        corridors.append(cp)
    blocks = [
        (s.depot, s.demand, s.rationing),
        *((d, d.demand, d.rationing) for d in s.destinations.values()),
    ]
    seizures = compile_seizures(s)
    units = s.commodity_units
    stocks = [
        StockPlan(
            index=i,
            place=depot.place,
            capacity_l=depot.capacity_l,
            initial_stock_l=depot.initial_stock_l,
            reserve_l=depot.reserve_l,
            reserve_release_days=depot.reserve_release_days,
            demand=StepSchedule(demand.demand_l_per_day, demand_changes[depot.place]),
            demand_cv=demand.cv,
            rationing=StepSchedule(_rationing(rationing), rationing_changes[depot.place]),
            seized=seizures.get(depot.place),
            rationing_rule=rationing.rule,
            priority=tuple((c.name, c.share) for c in demand.priority),
            stations=None
            if demand.stations is None
            else StationsPlan(**demand.stations.model_dump()),
            commodity=s.main_commodity,
            unit=units[s.main_commodity],
            place_index=i,
        )
        for i, (depot, demand, rationing) in enumerate(blocks)
    ]
    stocks.extend(_terminal_stocks(s, seizures, len(stocks)))
    _commodity_stocks(s, stocks, corridors, seizures, other_changes)
    main = stocks[0]

    _attach_disruptions(s, corridors)
    change_times = sorted({t for changes in policy_changes.values() for t, _ in changes})
    return Plan(
        name=s.name,
        start=s.start,
        horizon_days=s.horizon_days,
        corridors=corridors,
        forces=forces,
        hazard_per_100km=s.threat.hazard_per_100km,
        loss_fraction_mean=s.threat.loss_fraction_mean,
        loss_fraction_concentration=s.threat.loss_fraction_concentration,
        capture_fraction=s.threat.capture_fraction,
        attack_delay=delay_spec(s.threat.attack_delay_h),
        turn_back_probability=s.threat.turn_back_probability,
        depot_capacity_l=main.capacity_l,
        initial_stock_l=main.initial_stock_l,
        reserve_l=main.reserve_l,
        reserve_release_days=main.reserve_release_days,
        demand=main.demand,
        demand_cv=main.demand_cv,
        rationing=main.rationing,
        policy_change_h=change_times,
        # The run starts this long before `start`, so the pipeline is full at `start`.
        warmup_h=24.0 * warmup_days(s),
        timeline=sorted(timeline, key=lambda x: x[0]),
        threat_model=s.threat.model,
        stocks=stocks,
        size_exponent=s.threat.size_exponent,
        size_reference_tankers=s.threat.size_reference_tankers,
        max_tankers_per_attack=s.threat.max_tankers_per_attack,
        outcomes=None
        if s.threat.outcomes is None
        else (s.threat.outcomes.burn, s.threat.outcomes.seize, s.threat.outcomes.both),
    )


def _terminal_stock(
    s: Scenario, index: int, place: str, key: str, figures: Any, seized: Windows | None
) -> StockPlan:
    """A terminal's stock of ``key``: no demand, so never rationed and never short."""
    return StockPlan(
        index=index,
        place=place,
        capacity_l=figures.capacity,
        initial_stock_l=figures.initial,
        reserve_l=0.0,
        reserve_release_days=0.0,
        demand=StepSchedule(0.0, []),
        demand_cv=0.0,
        rationing=StepSchedule(_rationing(Rationing()), []),
        seized=seized,
        commodity=key,
        unit=s.commodity_units[key],
        commodity_index=list(s.commodity_units).index(key),
        resupply_per_day=figures.resupply_per_day,
        terminal=True,
    )


def _terminal_stocks(s: Scenario, seizures: dict[str, Windows], first: int) -> list[StockPlan]:
    """The main commodity's stock at each terminal, indices from ``first``, in file order."""
    out = []
    n = len(stock_places(s))
    for j, t in enumerate(s.terminals.values()):
        figures = terminal_stocks(s, t)[s.main_commodity]
        sp = _terminal_stock(
            s, first + j, t.place, s.main_commodity, figures, seizures.get(t.place)
        )
        out.append(
            dataclasses.replace(
                sp, place_index=n + j, loading_tankers_per_day=t.loading_tankers_per_day
            )
        )
    return out


def _commodity_stocks(
    s: Scenario,
    stocks: list[StockPlan],
    corridors: list[CorridorPlan],
    seizures: dict[str, Windows],
    changes: dict[tuple[str, str], list[tuple[str, float, Any]]],
) -> None:
    """Append each place's stocks of other commodities; give corridors their parts.

    The main commodity's stocks stay first, one per place in place order, so a corridor's
    ``dest`` and ``source`` still index them (and a one-commodity plan is as before).
    """
    units = list(s.commodity_units)
    main = s.main_commodity
    places = [*stock_places(s), *terminal_places(s)]
    at = {(p, main): i for i, p in enumerate(places)}
    depots = [s.depot, *s.destinations.values()]
    for p_i, depot in enumerate(depots):
        for key, block in depot.commodities.items():
            if key == main:
                continue
            at[(depot.place, key)] = len(stocks)
            dated = changes.get((depot.place, key), [])
            demand = [(t, v) for what, t, v in dated if what == "demand"]
            rationing = [(t, v) for what, t, v in dated if what == "rationing"]
            stocks.append(
                StockPlan(
                    index=len(stocks),
                    place=depot.place,
                    capacity_l=block.capacity,
                    initial_stock_l=block.initial,
                    reserve_l=block.reserve,
                    reserve_release_days=block.reserve_release_days,
                    demand=StepSchedule(block.demand.per_day, demand),
                    demand_cv=block.demand.cv,
                    rationing=StepSchedule(_rationing(block.rationing), rationing),
                    rationing_rule=block.rationing.rule,
                    seized=seizures.get(depot.place),
                    commodity=key,
                    unit=s.commodity_units[key],
                    commodity_index=units.index(key),
                    place_index=p_i,
                )
            )
    n = len(depots)
    for p_i, t in enumerate(s.terminals.values(), start=n):
        for key, figures in terminal_stocks(s, t).items():
            if key == main:
                continue
            at[(t.place, key)] = len(stocks)
            sp = _terminal_stock(s, len(stocks), t.place, key, figures, seizures.get(t.place))
            stocks.append(dataclasses.replace(sp, place_index=p_i))
    for cp, c in zip(corridors, s.corridors.values(), strict=True):
        watched = order_up_to_commodity(s, c) if c.dispatch_policy == "order_up_to" else None
        if watched is not None and watched != main:
            cp.dispatch = dataclasses.replace(cp.dispatch, stock=at[(c.legs[-1].to, watched)])
        payload = corridor_payload(s, c)
        if list(payload) == [main]:
            continue  # the main commodity only: the plan of old
        cp.capacity_l = payload.get(main, 0)
        end, origin = c.legs[-1].to, c.origin
        cp.parts = tuple(
            (at[(end, key)], at[(origin, key)] if cp.source >= 0 else -1, amount)
            for key, amount in payload.items()
        )


def _attach_disruptions(s: Scenario, corridors: list[CorridorPlan]) -> None:
    """Give each corridor plan its closures, dated leg speeds and border delays."""
    by_key = compile_disruptions(s)
    for c in corridors:
        c.disruptions = by_key[c.key]


def unstaffed_escorts(s: Scenario) -> list[tuple[str, str]]:
    """(corridor, force) pairs where a required escort force has 0 units.

    Convoys of such a corridor wait at the staging point until the policy changes.
    """
    out: list[tuple[str, str]] = []
    policies: dict[str, list[EscortPolicy | EscortPolicyEvent]] = {
        key: [c.escort_policy] for key, c in s.corridors.items()
    }
    for ev in s.events:
        if isinstance(ev, EscortPolicyEvent):
            for key in _targets(ev.corridors, s):
                policies[key].append(ev)
    for key, items in policies.items():
        if s.corridors[key].mode == "air":
            continue  # an air bridge flies without escort, whatever the policy says
        for policy in items:
            for force in policy.forces:
                if policy.required and s.escorts[force].units == 0 and (key, force) not in out:
                    out.append((key, force))
    return out


def warn_unstaffed(s: Scenario, stacklevel: int = 3) -> None:
    """Warn (once per scenario, in the caller's process) about :func:`unstaffed_escorts`."""
    pairs = unstaffed_escorts(s)
    if pairs:
        where = ", ".join(f"{c} needs {f}" for c, f in pairs)
        warnings.warn(
            f"{s.name}: required escort forces with 0 units ({where}): those convoys wait "
            "at the staging point until the policy changes",
            UnstaffedEscortWarning,
            stacklevel=stacklevel,
        )


class UnstaffedEscortWarning(UserWarning):
    """A required escort force has no units, so convoys cannot leave under that policy."""


def _corridor_plan(
    idx: int,
    key: str,
    c: Corridor,
    force_index: dict[str, int],
    rate_changes: list[tuple[float, float]],
    intensity_changes: list[tuple[float, float]],
    policy_changes: list[tuple[float, PolicyPlan]],
    contracts: list[tuple[float, float, float]],
    scripted: list[tuple[float, str | None, int, int, str, bool, float | None]],
) -> CorridorPlan:
    starts = [leg.from_ for leg in c.legs]
    first = starts.index(c.staging)
    legs = [
        (
            leg.length_km,
            leg.speed_kmh,
            leg.risk,
            leg_hours(leg.length_km, leg.speed_kmh),
            leg.from_,
            leg.to,
        )
        for leg in c.legs[first:]
    ]
    approach_h = sum(leg_hours(leg.length_km, leg.speed_kmh) for leg in c.legs[:first])
    after = starts[first:]
    return CorridorPlan(
        index=idx,
        key=key,
        capacity_l=c.tanker_capacity_l,
        dispatches_per_day=c.dispatches_per_day,
        legs=legs,
        first_leg=first,
        approach_h=approach_h,
        route_h=sum(leg[3] for leg in legs),
        border_delay=delay_spec(c.border_delay_h),
        rate=StepSchedule(c.tankers_per_day, rate_changes),
        contracts=contracts,
        intensity=StepSchedule(c.blockade_intensity, intensity_changes),
        policy=StepSchedule(_policy(c.escort_policy, force_index), policy_changes),
        scripted=[
            ScriptedAttack(t, None if leg is None else after.index(leg), d, cap, label, esc, win)
            for t, leg, d, cap, label, esc, win in sorted(scripted, key=lambda x: x[0])
        ],
        formation_rule=c.formation_rule,
        dispatch_policy=c.dispatch_policy,
    )


def _fleet(c: Corridor) -> tuple[FleetPlan | None, SupplyResponsePlan | None]:
    f, r = c.fleet, c.supply_response
    fleet = (
        None
        if f is None
        else FleetPlan(f.vehicles, f.return_, f.return_risk_factor, f.turnaround_h)
    )
    response = (
        None
        if r is None
        else SupplyResponsePlan(
            r.loss_sensitivity_per_vehicle, 24.0 * r.recovery_half_life_days, r.needs_escort
        )
    )
    return fleet, response


def _compile_mode(cp: CorridorPlan, c: Corridor) -> None:
    """Give ``cp`` its mode, its mode's parameters and its starting state."""
    if c.initial is not None:
        cp.initial = InitialPlan(
            staged=c.initial.staged_tankers,
            on_road=tuple(
                (g.leg - cp.first_leg, g.tankers, 0.0)
                if g.leg >= cp.first_leg
                else (-1, g.tankers, sum(_leg_h(leg) for leg in c.legs[g.leg : cp.first_leg]))
                for g in c.initial.on_road
            ),
            warmup=c.initial.warmup,
        )
    if c.mode == "road":
        return
    # Air and sea legs carry no threat unless the scenario gives them a risk.
    after = c.legs[cp.first_leg :]
    cp.legs = [
        (leg[0], leg[1], leg_risk(c, src), *leg[3:])
        for leg, src in zip(cp.legs, after, strict=True)
    ]
    if c.mode == "sea" and "formation_rule" not in c.model_fields_set:
        cp.formation_rule = "ship"  # each ship sails alone, full (simfuel.sim.formation)
    if c.air is not None:
        cycle_h = c.air.cycle_h(cp.route_h)
        cp.mode = ModePlan("air", aircraft=c.air.aircraft, sortie_cycle_h=cycle_h)
    elif c.sea is not None:
        sea = c.sea
        cp.mode = ModePlan(
            "sea", berths=sea.berths, berth_h=sea.berth_hours, loads_per_ship=sea.loads_per_ship
        )


def _leg_h(leg: Leg) -> float:
    return leg_hours(leg.length_km, leg.speed_kmh)


def _dispatch(d: Dispatch | None, start: dt.date) -> DispatchPlan:
    if d is None:
        return DispatchPlan()

    def hours(day: dt.date) -> float:
        return 24.0 * (day - start).days

    return DispatchPlan(
        times_h=tuple(sorted(hours(day) for day in d.dates or ())),
        every_h=None if d.every_days is None else 24.0 * d.every_days,
        first_h=0.0 if d.first is None else hours(d.first),
        tankers=d.tankers or 0,
        review_h=24.0 * d.review_days,
        target_days=d.target_days or 0.0,
        reorder_days=d.reorder_days,
        max_tankers_per_day=d.max_tankers_per_day or 0.0,
        max_queue_tankers=d.max_queue_tankers,
    )
