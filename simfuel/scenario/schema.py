"""The scenario format: pydantic v2 models of everything a scenario file may say.

Every quantity carries its unit in its name (``length_km``, ``speed_kmh``, ``capacity_l``,
``delay_h``, ``demand_l_per_day``). Unknown keys are errors (``extra="forbid"``). Checks that
involve several parts of the file (a leg naming an unknown place, a policy naming an unknown
escort force, an event dated outside the horizon) run in :meth:`Scenario._check_references`
and report the exact field path of the offending value.

Numbers mean what they say (see :data:`LIMITS`): every number must be finite; a boolean is
never a number (``true`` is not 1 km) and a number is never a date (``start: 0`` is not
1970-01-01; dates are ``YYYY-MM-DD``). An integer is accepted where a decimal goes (``5``
for 5.0). Text is accepted for a number only in plain decimal notation (``"6.3e6"``),
because PyYAML reads ``6.3e6`` and ``1e-3`` as text (YAML 1.1 wants ``6.3e+6``); any other
text (``inf``, ``nan``, ``yes``, ``1,000``) is an error. Every quantity has an upper (and
where it matters a lower) bound, far beyond any real figure, so that a unit error cannot
make a run hang, overflow or leave the calendar pandas can hold; and the whole scenario
must imply at most :data:`MAX_CONVOYS` convoys (see :func:`convoy_estimate`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from ..labels import FUEL, Vocabulary, vocabulary_for
from ..text import safe_echo as _safe_echo
from .commodities import (
    DEFAULT_COMMODITY,
    commodity_problems,
    contract_vehicles,
    corridor_payload,
    drop_commodity_defaults,
    expand_commodity_sugar,
    not_required,
    stock_commodities,
)
from .errors import Problem, ScenarioError
from .ports import drop_port_defaults, expand_port_sugar, port_problems
from .terminals import terminal_places, terminal_problems

__all__ = [
    "DISPATCH_PARAMETERS",
    "ENGINE_CHOICES",
    "LIMITS",
    "MAX_CONVOYS",
    "OTHER_CLASS",
    "AirMode",
    "Commodity",
    "CommodityDemand",
    "CommodityStock",
    "Corridor",
    "Demand",
    "Depot",
    "Destination",
    "Dispatch",
    "EscortForce",
    "EscortPolicy",
    "Event",
    "Fleet",
    "InitialState",
    "Leg",
    "ObservationEvent",
    "OnRoad",
    "Place",
    "PriorityClass",
    "Product",
    "Rationing",
    "Scenario",
    "SeaMode",
    "Stations",
    "SupplyResponse",
    "Terminal",
    "TerminalStock",
    "Threat",
    "Vehicle",
    "allow_engine_choice",
    "convoy_estimate",
    "corridor_payload",
    "delay_upper_h",
    "is_secondary",
    "leg_risk",
    "pipeline_h",
    "secondary_cycles",
    "stock_commodities",
    "stock_places",
    "warmup_days",
]


# ---------------------------------------------------------------- bounds on numbers
# Each bound is far beyond any real figure: it catches unit errors (km for m, L for ML) and
# values that would make a run hang, overflow or leave the calendar pandas can hold. The
# reference (docs/scenario-format.md) lists them; change them here only.

MAX_LEG_KM = 100_000  # a leg longer than that is surely a unit error
MIN_SPEED_KMH = 1.0  # slower would make the warm-up (filling the pipeline) endless
MAX_SPEED_KMH = 200.0  # road tankers; faster is surely a unit error (km/day?)
MAX_DELAY_H = 8_760.0  # one year; any single delay longer is surely a unit error
MAX_PIPELINE_DAYS = 365  # origin to depot (the warm-up runs this long before start)
MAX_RATE = 1_000.0  # hazard per 100 km, blockade intensity, leg risk
MAX_TANKERS_PER_DAY = 100_000
MAX_TANKER_L = 1_000_000  # a road tanker carries 30 000 to 60 000 L
MAX_STATIONS = 100_000  # filling stations of one place
MAX_TANKERS = 1_000_000  # convoy sizes, tankers destroyed or captured in one attack
MAX_UNITS = 100_000  # units of one escort force
MAX_LITRES = 1e12  # storage, stock, reserve, a contract (~2 months of world oil use)
MAX_TONNES = 1e9
MAX_DEMAND_L_PER_DAY = 1e10  # more than half the world's oil consumption
MIN_DEMAND_L_PER_DAY = 1.0
MAX_LITRES_PER_TONNE = 10_000.0  # real fuels: 1 100 to 1 800 L/t
MAX_DAYS = 36_525.0  # 100 years: thresholds, reserve release, contract periods
MIN_PERIOD_DAYS = 0.01  # a contract delivered in less than ~15 minutes is a unit error
MAX_CONCENTRATION = 1e6
MAX_DELAY_CV = 100.0  # lognormal sd / mean; above it the draws overflow
# pandas timestamps hold 1677-09-21 .. 2262-04-11; these leave room for the warm-up.
FIRST_DATE = dt.date(1700, 1, 1)
LAST_DATE = dt.date(2200, 12, 31)
MAX_HORIZON_DAYS = 36_525  # 100 years
# One replication forms at most this many convoys (estimated). Measured at the limit:
# 484 000 convoys took 165 s and 0.8 GB; the shipped scenarios form about 4 000.
MAX_CONVOYS = 500_000

LIMITS: dict[str, object] = {
    "longest leg [km]": MAX_LEG_KM,
    "convoy speed [km/h]": f"{MIN_SPEED_KMH:g} .. {MAX_SPEED_KMH:g}",
    "one delay [h]": MAX_DELAY_H,
    "origin to depot, driving and border delay at its upper end [days]": MAX_PIPELINE_DAYS,
    "hazard per 100 km, blockade intensity, leg risk [-]": MAX_RATE,
    "tankers loaded per day on one corridor": MAX_TANKERS_PER_DAY,
    "load of one tanker [L]": MAX_TANKER_L,
    "convoy sizes, tankers lost in one scripted attack": MAX_TANKERS,
    "units of one escort force": MAX_UNITS,
    "depot capacity, stocks, reserve, a contract [L]": f"{MAX_LITRES:g}",
    "a contract [t]": f"{MAX_TONNES:g}",
    "demand [L/day]": f"{MIN_DEMAND_L_PER_DAY:g} .. {MAX_DEMAND_L_PER_DAY:g}",
    "any span in days (thresholds, contract periods)": MAX_DAYS,
    "dates": f"{FIRST_DATE} .. {LAST_DATE}",
    "horizon (start .. end) [days]": MAX_HORIZON_DAYS,
    "convoys one replication may form (upper estimate, warm-up included)": MAX_CONVOYS,
}

_DECIMAL = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _got(value: Any) -> str:
    """An echoed input value: quoted if text, escaped and cut (a 1 MB value stays short)."""
    return _safe_echo(repr(value) if isinstance(value, str) else value)


def _is_bool(value: Any) -> bool:
    """A Python or numpy bool (numpy is not imported for it: `simfuel validate` needs none;
    a numpy bool can only exist once something else has imported numpy)."""
    if isinstance(value, bool):
        return True
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(value, numpy.bool_)


def _from_text(value: str, want: str) -> float | int:
    if not _DECIMAL.fullmatch(value):
        raise ValueError(f"expected {want} (got {_got(value)})")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"must be a finite number (got {_got(value)})")
    if re.fullmatch(r"[-+]?\d+", value):
        return int(value)
    return number


def _number_in(value: Any) -> Any:
    """A number as the file means it: no booleans, no inf/nan, text only as a decimal."""
    if _is_bool(value):
        raise ValueError(f"expected a number, not a boolean (got {_got(value)})")
    if isinstance(value, str):
        return _from_text(value, "a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"must be a finite number (got {_got(value)})")
    return value


def _whole_in(value: Any) -> Any:
    """An integer: as :func:`_number_in`; a whole float (``45000.0``, ``1.0e30``) is taken."""
    if _is_bool(value):
        raise ValueError(f"expected an integer, not a boolean (got {_got(value)})")
    if isinstance(value, str):
        value = _from_text(value, "an integer")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"must be a finite number (got {_got(value)})")
        if value.is_integer():
            # Python ints do not overflow, so 1e30 meets the field's upper bound, not an
            # OverflowError deep in the simulation.
            return int(value)
    return value


def _date_in(value: Any) -> Any:
    """A date written ``YYYY-MM-DD`` (or a date object): never a number of seconds."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise ValueError(f"expected a date, not a time of day (got {_got(value.isoformat())})")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return value.strip()  # pydantic parses it (and names an impossible day)
    raise ValueError(f"expected a date written YYYY-MM-DD (got {_got(value)})")


def in_calendar(value: dt.date) -> dt.date:
    """``value`` if it lies in :data:`FIRST_DATE` .. :data:`LAST_DATE`, else ValueError."""
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"must be between {FIRST_DATE} and {LAST_DATE} (got {value})")
    return value


Real = Annotated[float, BeforeValidator(_number_in)]
"""A finite number; an integer is taken, a boolean is not."""
Whole = Annotated[int, BeforeValidator(_whole_in)]
"""An integer; a whole decimal is taken, a boolean is not."""
Day = Annotated[dt.date, BeforeValidator(_date_in), AfterValidator(in_calendar)]
"""A calendar day, ``YYYY-MM-DD``, inside :data:`FIRST_DATE` .. :data:`LAST_DATE`."""


# ---------------------------------------------------------------- engine choices

#: The names a scenario may choose at each extension point of the engine (an escort
#: force's ``kind``, ``threat.model``, a corridor's ``dispatch_policy`` and
#: ``formation_rule``): the shipped ones, first the default. The classes live in
#: ``simfuel.sim`` (above this floor, so the schema keeps the names only); registering a
#: class there (``simfuel.sim.register``) adds its name here.
ENGINE_CHOICES: dict[str, list[str]] = {
    "escort kind": ["air", "ground", "air_hourly"],
    "threat model": ["default"],
    "dispatch policy": ["fixed_rate", "schedule", "order_up_to"],
    "formation rule": ["default"],
    "rationing rule": ["default", "hysteresis"],
}


#: The escort kinds whose force may fly by day only (``escorts.<key>.daylight_h``).
DAYLIGHT_KINDS: tuple[str, ...] = ("air", "air_hourly")


def allow_engine_choice(what: str, name: str) -> None:
    """Accept ``name`` for the extension point ``what`` (a key of :data:`ENGINE_CHOICES`)."""
    known = ENGINE_CHOICES[what]
    if name not in known:
        known.append(name)


def _engine_choice(what: str) -> AfterValidator:
    def check(value: str) -> str:
        known = ENGINE_CHOICES[what]
        if value not in known:
            raise ValueError(f"unknown {what} {_got(value)} (known: {', '.join(known)})")
        return value

    return AfterValidator(check)


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


# ---------------------------------------------------------------- distributions of delays


class FixedDelay(_Model):
    """A delay that is always the same. A bare number in YAML means this."""

    distribution: Literal["fixed"] = "fixed"
    value: Real = Field(ge=0, le=MAX_DELAY_H, description="The delay [h].")


class UniformDelay(_Model):
    """A delay drawn uniformly between ``low`` and ``high`` hours."""

    distribution: Literal["uniform"]
    low: Real = Field(ge=0, le=MAX_DELAY_H, description="Shortest delay [h].")
    high: Real = Field(ge=0, le=MAX_DELAY_H, description="Longest delay [h].")

    @model_validator(mode="after")
    def _ordered(self) -> UniformDelay:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must be >= low ({self.low})")
        return self


class TriangularDelay(_Model):
    """A delay drawn from a triangular distribution (hours)."""

    distribution: Literal["triangular"]
    low: Real = Field(ge=0, le=MAX_DELAY_H, description="Shortest delay [h].")
    mode: Real = Field(ge=0, le=MAX_DELAY_H, description="Most likely delay [h].")
    high: Real = Field(ge=0, le=MAX_DELAY_H, description="Longest delay [h].")

    @model_validator(mode="after")
    def _ordered(self) -> TriangularDelay:
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"need low <= mode <= high (got {self.low}, {self.mode}, {self.high})")
        return self


class LognormalDelay(_Model):
    """A delay drawn from a lognormal distribution with the given mean and sd (hours)."""

    distribution: Literal["lognormal"]
    mean: Real = Field(gt=0, le=MAX_DELAY_H, description="Mean delay [h].")
    sd: Real = Field(ge=0, le=MAX_DELAY_H, description="Standard deviation of the delay [h].")

    @model_validator(mode="after")
    def _spread(self) -> LognormalDelay:
        if self.sd > MAX_DELAY_CV * self.mean:
            raise ValueError(
                f"sd must be <= {MAX_DELAY_CV:g} x mean (got sd {self.sd:g}, mean {self.mean:g})"
            )
        return self


def _bare_number_is_fixed(value: Any) -> Any:
    if isinstance(value, int | float) and not _is_bool(value):
        return {"distribution": "fixed", "value": value}
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return {"distribution": "fixed", "value": value}
    return value


Delay = Annotated[
    FixedDelay | UniformDelay | TriangularDelay | LognormalDelay,
    Field(discriminator="distribution"),
]


def _zero_delay() -> FixedDelay:
    return FixedDelay(value=0.0)


# ---------------------------------------------------------------- network


class Port(_Model):
    """The berths of the port at a place, shared by every sea corridor that ends there.

    Ships of all those corridors queue for them together, first come first served; each
    holds a berth for its corridor's ``sea.berth_hours`` (default: ``berth_hours`` here).
    Without a ``port`` the berths are the corridors' ``sea.berths``, which must then agree.
    """

    berths: Whole = Field(ge=1, le=MAX_UNITS, description="Berths at the port [-].")
    berth_hours: Real | None = Field(
        None,
        gt=0,
        le=MAX_DELAY_H,
        description="Hours a ship holds a berth to unload [h], for the sea corridors that "
        "give no `sea.berth_hours` of their own.",
    )


class Place(_Model):
    """A named point on the map."""

    lat: Real = Field(ge=-90, le=90, description="Latitude [degrees north].")
    lon: Real = Field(ge=-180, le=180, description="Longitude [degrees east].")
    name: str | None = Field(None, description="Display name (defaults to the key).")
    country: str | None = Field(None, description="ISO 3166 alpha-3 code, for display.")
    port: Port | None = Field(
        None,
        description="The berths where ships unload here (the depot's, a destination's or a "
        "terminal's place), shared by the `mode: sea` corridors that end here.",
    )


class Leg(_Model):
    """One stretch of road between two places."""

    from_: str = Field(alias="from", description="Place the leg starts at.")
    to: str = Field(description="Place the leg ends at.")
    length_km: Real = Field(gt=0, le=MAX_LEG_KM, description="Road length [km].")
    speed_kmh: Real = Field(
        ge=MIN_SPEED_KMH, le=MAX_SPEED_KMH, description="Mean convoy speed on the leg [km/h]."
    )
    risk: Real = Field(
        1.0,
        ge=0,
        le=MAX_RATE,
        description="Relative attack risk weight [-]; only legs from staging on.",
    )
    source: str | None = Field(None, description="Where the figures come from.")


class EscortPolicy(_Model):
    """How convoys form at a corridor's staging point.

    With no ``forces`` tankers leave in groups of at most ``max_size`` as they arrive.
    With forces and ``required: true`` they wait for ``min_size`` tankers *and* one unit of
    every listed force. With forces and ``required: false`` they take whatever units are
    free at once and otherwise leave unescorted.
    """

    forces: list[str] = Field(default_factory=list, description="Escort forces, by key.")
    required: StrictBool = Field(False, description="Convoys wait for every listed force.")
    min_size: Whole = Field(
        1, ge=1, le=MAX_TANKERS, description="Smallest convoy that may leave [tankers]."
    )
    max_size: Whole = Field(50, ge=1, le=MAX_TANKERS, description="Largest convoy [tankers].")

    @model_validator(mode="after")
    def _sizes(self) -> EscortPolicy:
        if self.max_size < self.min_size:
            raise ValueError(f"max_size ({self.max_size}) must be >= min_size ({self.min_size})")
        return self


#: The ``dispatch:`` parameters of each shipped dispatch policy: (required, optional).
#: A policy registered in Python and not listed here takes any of the fields.
DISPATCH_PARAMETERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "fixed_rate": (frozenset(), frozenset()),
    "schedule": (frozenset({"tankers"}), frozenset({"dates", "every_days", "first"})),
    "order_up_to": (
        frozenset({"target_days", "max_tankers_per_day"}),
        frozenset({"review_days", "reorder_days", "max_queue_tankers", "commodity"}),
    ),
}


class Dispatch(_Model):
    """The parameters of a corridor's ``dispatch_policy`` (each policy takes its own).

    ``schedule``: ``tankers`` load at 00:00 on each of ``dates``, or every ``every_days``
    days from ``first``. ``order_up_to``: every ``review_days`` it loads enough tankers
    (at most ``max_tankers_per_day`` a day) to bring the destination's position (stock,
    on the road, waiting to unload) up to ``target_days`` of its nominal demand; with
    ``reorder_days`` it orders only when the position is below that ((s, S)). It loads
    nothing while the destination is full or more than ``max_queue_tankers`` wait to unload.
    It watches the destination's stock of ``commodity`` (default: the main commodity if the
    vehicle carries it, else the one commodity it carries).
    """

    dates: list[Day] | None = Field(
        None, min_length=1, description="`schedule`: the days convoys load (YYYY-MM-DD)."
    )
    every_days: Whole | None = Field(
        None, ge=1, le=MAX_DAYS, description="`schedule`: days between loadings [days]."
    )
    first: Day | None = Field(
        None, description="`schedule` with `every_days`: the first loading day (YYYY-MM-DD)."
    )
    tankers: Whole | None = Field(
        None, ge=1, le=MAX_TANKERS, description="`schedule`: tankers loaded each time."
    )
    review_days: Real = Field(
        1.0, ge=1 / 24, le=MAX_DAYS, description="`order_up_to`: days between reviews [days]."
    )
    target_days: Real | None = Field(
        None,
        gt=0,
        le=MAX_DAYS,
        description="`order_up_to`: position to order up to (S) [days of nominal demand].",
    )
    reorder_days: Real | None = Field(
        None,
        ge=0,
        le=MAX_DAYS,
        description="`order_up_to`: order only when the position is below this (s) [days].",
    )
    max_tankers_per_day: Real | None = Field(
        None,
        gt=0,
        le=MAX_TANKERS_PER_DAY,
        description="`order_up_to`: most tankers loaded a day (per review: times "
        "`review_days`, rounded down) [tankers/day].",
    )
    max_queue_tankers: Whole | None = Field(
        None,
        ge=0,
        le=MAX_TANKERS,
        description="`order_up_to`: no loading while more tankers than this wait to unload "
        "at the destination; none: no limit.",
    )
    commodity: str | None = Field(
        None,
        description="`order_up_to`: the commodity whose stock at the destination it watches "
        "(its position, demand, capacity and queue, in that commodity's unit); default: the "
        "main commodity if the corridor's vehicle carries it, else the one it carries.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Dispatch:
        s, big_s = self.reorder_days, self.target_days
        if s is not None and big_s is not None and s > big_s:
            raise ValueError(f"reorder_days ({s:g}) must be <= target_days ({big_s:g})")
        per_day = self.max_tankers_per_day
        if per_day is not None and per_day * self.review_days < 1 - 1e-9:
            raise ValueError("max_tankers_per_day * review_days must be at least 1 tanker")
        return self

    def given(self) -> set[str]:
        """The fields the scenario wrote."""
        return set(self.model_fields_set)


class Fleet(_Model):
    """A corridor's finite fleet: vehicles that load at its origin and drive back to it.

    Without a fleet the origin loads whatever the dispatch policy asks (an unlimited pool
    of vehicles). With one, a loading takes only the vehicles waiting at the origin (all
    of them at the start of the warm-up); after unloading, a vehicle drives back empty:
    the corridor's legs reversed from the destination to the staging point, drawn by the
    threat model like any leg (risk times `return_risk_factor`, unescorted, no scripted
    attack), then to the origin (no risk, no border delay: an assumption), and waits
    `turnaround_h` there. A destroyed or captured vehicle never comes back, so losses
    reduce later supply; a convoy that turned back keeps its vehicles.
    """

    vehicles: Whole = Field(
        ge=1, le=MAX_TANKERS, description="Vehicles in the fleet, all at the origin at first."
    )
    return_: bool = Field(
        True,
        alias="return",
        description="Vehicles drive back to the origin after unloading; false: each vehicle "
        "makes one trip and stays at the destination.",
    )
    return_risk_factor: Real = Field(
        1.0,
        ge=0,
        le=MAX_RATE,
        description="Multiplies the risk of every leg on the way back [-] (unescorted); 1 "
        "(default, an assumption): an empty vehicle meets the same armed groups on the same "
        "road (no source says empty vehicles are spared); 0: the way back is safe.",
    )
    turnaround_h: Real = Field(
        0.0,
        ge=0,
        le=MAX_DELAY_H,
        description="Hours a vehicle back at the origin waits before it loads again [h].",
    )
    source: str | None = Field(None, description="Where the figures come from.")


class SupplyResponse(_Model):
    """Loadings that fall with recent losses on the corridor and recover (an assumption).

    The recent losses ``L`` are the vehicles lost on the corridor (destroyed or captured,
    on the way out or back), each weighted by ``0.5 ** (age / recovery_half_life_days)``.
    The dispatch policy (`fixed_rate`, `schedule`, `order_up_to`) loads its count times
    ``exp(-loss_sensitivity_per_vehicle * L)`` (fractions carry over to the next loading).
    """

    loss_sensitivity_per_vehicle: Real = Field(
        ge=0,
        le=MAX_RATE,
        description="How much one recent loss deters loading [1/vehicle]; 0.01: 69 vehicles "
        "lost halve the loadings.",
    )
    recovery_half_life_days: Real = Field(
        gt=0,
        le=MAX_DAYS,
        description="Days for a loss's weight in the recent losses to halve [days].",
    )
    needs_escort: bool = Field(
        False,
        description="No loading while the escort policy in force requires a force that has "
        "no units (owners do not load for a road no escort can take).",
    )
    source: str | None = Field(None, description="Where the figures come from.")


class AirMode(_Model):
    """An air bridge: a fleet of aircraft, each flying ``sorties_per_day`` sorties.

    Every sortie carries one load of the corridor's ``tanker_capacity_l`` and flies alone
    (no convoy, no escort) from the staging point (the airfield, which may be the origin);
    an aircraft is ready for its next sortie ``24 / sorties_per_day`` hours after it took
    off, so the fleet delivers at most ``aircraft x sorties_per_day`` loads a day. Give
    ``turnaround_h`` instead to derive the rate: an aircraft is ready again after the
    flight there and back (the legs from the staging point at their ``speed_kmh``) plus
    ``turnaround_h``. Loads the fleet cannot fly wait at the airfield.
    """

    aircraft: Whole = Field(ge=1, le=MAX_UNITS, description="Aircraft in the fleet.")
    sorties_per_day: Real | None = Field(
        None, gt=0, le=24, description="Sorties one aircraft flies a day (round trip included)."
    )
    turnaround_h: Real | None = Field(
        None,
        ge=0,
        le=MAX_DELAY_H,
        description="Instead of `sorties_per_day`: hours on the ground between landing back "
        "and the next take-off (loading, unloading, servicing) [h].",
    )

    @model_validator(mode="after")
    def _one_rate(self) -> AirMode:
        if (self.sorties_per_day is None) == (self.turnaround_h is None):
            raise ValueError("give either sorties_per_day or turnaround_h")
        return self

    def cycle_h(self, flight_h: float) -> float:
        """Take-off to next take-off of one aircraft [h], for a one-way ``flight_h`` [h]."""
        if self.sorties_per_day is not None:
            return 24.0 / self.sorties_per_day
        return 2.0 * flight_h + (self.turnaround_h or 0.0)


class SeaMode(_Model):
    """Ships at a port: each ship sails alone and waits for a berth at the destination.

    A ship carries ``loads_per_ship`` loads of the corridor's ``tanker_capacity_l`` and
    sails when that many loads wait at the staging port (the tables count loads, as
    tankers). At the destination (the depot, a destination or a terminal) it holds one of
    ``berths`` berths for ``berth_hours`` to unload (the load then enters the stock as any
    arrival does); ships that arrive while every berth is taken wait, first come first
    served. The berths are the destination port's: every sea corridor that ends at one
    place queues for the same berths (give them once as ``places.<key>.port``, or the same
    ``berths`` on each corridor). While the stock there is seized no ship unloads: ships
    at sea wait at anchor (or at their berth, whose hours stop) until the release, and
    ships that have not sailed wait at their origin (a ``seize`` closes the place, so the
    lane into it). Waiting and berthed ships count as waiting to unload; a ship's arrival
    (``ended_h``, ``arrived_l``) is when it leaves its berth.
    """

    loads_per_ship: Whole = Field(
        1, ge=1, le=MAX_TANKERS, description="Loads of `tanker_capacity_l` one ship carries."
    )

    berths: Whole = Field(
        1,
        ge=1,
        le=MAX_UNITS,
        description="Berths at the destination port, shared with the other sea corridors "
        "that end there (with a `places.<key>.port` there: its `berths`).",
    )
    berth_hours: Real = Field(
        gt=0,
        le=MAX_DELAY_H,
        description="Hours a ship holds a berth to unload [h] (with a `places.<key>.port` "
        "there: its `berth_hours` unless given).",
    )


class OnRoad(_Model):
    """Vehicles on the road at the start date, at the start of one leg."""

    leg: Whole = Field(
        ge=0, le=1_000, description="Index in the corridor's `legs` of the leg they start on."
    )
    tankers: Whole = Field(ge=1, le=MAX_TANKERS, description="Vehicles there [tankers].")


class InitialState(_Model):
    """Vehicles already on a corridor at the start date (``start`` 00:00).

    ``staged_tankers`` wait at the staging point and leave as the formation rule and
    escort policy say (the first convoy at 00:00 when nothing holds them); each
    ``on_road`` group is a convoy (without escort) entering leg ``leg`` at 00:00, or, on a
    leg before the staging point, vehicles driving on to it. They are counted as loaded on
    the first day, like the pipeline the warm-up fills, and are **in addition** to it;
    with ``warmup: false`` the corridor loads nothing before the start date, so what is on
    it then is exactly this block.
    """

    staged_tankers: Whole = Field(
        0, ge=0, le=MAX_TANKERS, description="Vehicles waiting at the staging point."
    )
    on_road: list[OnRoad] = Field(
        default_factory=list, description="Groups of vehicles on the road, by leg."
    )
    warmup: StrictBool = Field(
        True,
        description="Whether the corridor loads during the warm-up before the start date "
        "(false: its pipeline at the start is exactly this block).",
    )


class Corridor(_Model):
    """A route from a loading origin through a staging point (the border) to a stock.

    The corridor ends where its last leg ends: the depot's place, a destination's or a
    terminal's (what it unloads there adds to the terminal's stock, which the corridors
    loading there draw on). An origin at the place of the depot or of a destination is
    **secondary distribution**: a batch loads only the whole tankers that stock holds (above
    ``upstream_keep_days`` of its own demand) and takes them out of it; any other origin is
    a terminal with no limit.
    """

    name: str | None = Field(None, description="Display name.")
    origin: str = Field(
        description="Place where tankers load (a stock's place: they load from that stock)."
    )
    staging: str = Field(description="Place where convoys form (normally the border).")
    legs: list[Leg] = Field(
        min_length=1,
        description="Ordered legs from origin to the depot's, a destination's or a "
        "terminal's place.",
    )
    border_delay_h: Delay = Field(
        default_factory=_zero_delay, description="Border/customs delay at staging [h]."
    )
    tankers_per_day: Real = Field(
        ge=0, le=MAX_TANKERS_PER_DAY, description="Tankers loaded per day at the origin."
    )
    tanker_capacity_l: Whole = Field(
        45_000,
        gt=0,
        le=MAX_TANKER_L,
        description="Load of one tanker [L] of the main commodity (in litres); not with `vehicle`.",
    )
    vehicle: str | None = Field(
        None,
        description="Key of the `vehicles` entry this corridor's vehicles are (what one "
        "carries of each commodity); instead of `tanker_capacity_l`.",
    )
    dispatches_per_day: Whole = Field(
        4, ge=1, le=24, description="Tankers leave the origin in this many batches a day."
    )
    blockade_intensity: Real = Field(
        0.0,
        ge=0,
        le=MAX_RATE,
        description="Initial blockade intensity [-]; it multiplies `threat.hazard_per_100km`, "
        "so at 0 (the default) the corridor is not attacked until a `blockade` event raises it.",
    )
    escort_policy: EscortPolicy = Field(
        default_factory=EscortPolicy, description="Initial convoy formation policy."
    )
    formation_rule: Annotated[str, _engine_choice("formation rule")] = Field(
        "default",
        description="When a convoy may leave the staging point and how many tankers it "
        "takes (`simfuel.sim.formation`): `default` (as the escort policy in force says), "
        "or a rule registered in Python.",
    )
    dispatch_policy: Annotated[str, _engine_choice("dispatch policy")] = Field(
        "fixed_rate",
        description="How many tankers load at the origin, and when (`simfuel.sim.dispatch`): "
        "`fixed_rate` (`tankers_per_day` plus contracts, in `dispatches_per_day` batches), "
        "or a policy registered in Python.",
    )
    dispatch: Dispatch | None = Field(
        None,
        description="The parameters of `dispatch_policy` (`schedule`, `order_up_to`); "
        "none for `fixed_rate`.",
    )
    upstream_keep_days: Real = Field(
        0.0,
        ge=0,
        le=MAX_DAYS,
        description="Secondary distribution only (origin at a stock): a loading leaves at "
        "least this many days of that stock's own nominal demand in it [days]; 0: loadings "
        "are served first, at their dispatch times, before the stock's daily demand.",
    )
    fleet: Fleet | None = Field(
        None,
        description="A finite fleet of vehicles that drive back to the origin; none: an "
        "unlimited pool (losses do not reduce later supply).",
    )
    supply_response: SupplyResponse | None = Field(
        None,
        description="Loadings that fall with recent losses on the corridor and recover; "
        "none: the dispatch policy's count whatever happens on the road.",
    )
    mode: Literal["road", "air", "sea"] = Field(
        "road",
        description="Transport mode: `road` (convoys of tankers), `air` (an air bridge, "
        "parameters in `air`) or `sea` (ships and berths, parameters in `sea`). On `air` and "
        "`sea` legs a `risk` not written is 0: no threat unless given.",
    )
    air: AirMode | None = Field(None, description="`mode: air`: the aircraft fleet.")
    sea: SeaMode | None = Field(None, description="`mode: sea`: the destination port's berths.")
    initial: InitialState | None = Field(
        None, description="Vehicles already on the corridor at the start date."
    )
    source: str | None = Field(None, description="Where the figures come from.")

    @field_validator("border_delay_h", mode="before")
    @classmethod
    def _delay_number(cls, value: Any) -> Any:
        return _bare_number_is_fixed(value)

    @model_validator(mode="after")
    def _initial_within_fleet(self) -> Corridor:
        # A finite fleet's starting vehicles are its own (taken from those at the origin).
        if self.fleet is not None and self.initial is not None:
            ini = self.initial
            n = ini.staged_tankers + sum(g.tankers for g in ini.on_road)
            if n > self.fleet.vehicles:
                raise ValueError(
                    f"initial: {n} vehicles on the corridor at the start, more than its "
                    f"fleet of {self.fleet.vehicles}"
                )
        return self

    @model_validator(mode="after")
    def _mode_parameters(self) -> Corridor:
        for other in ("air", "sea"):
            if getattr(self, other) is not None and self.mode != other:
                raise ValueError(f"{other}: only for mode: {other} (got mode: {self.mode})")
        if self.mode in ("air", "sea") and getattr(self, self.mode) is None:
            what = "aircraft, sorties_per_day" if self.mode == "air" else "berths, berth_hours"
            raise ValueError(
                f"{self.mode}: mode: {self.mode} needs an `{self.mode}:` block ({what})"
            )
        if self.sea is not None and self.initial is not None:
            k = self.sea.loads_per_ship
            for j, group in enumerate(self.initial.on_road):
                if group.tankers % k:
                    raise ValueError(
                        f"initial.on_road[{j}].tankers: ships at sea carry whole shiploads of "
                        f"loads_per_ship {k} loads (got {group.tankers})"
                    )
        if self.air is not None:
            if self.escort_policy.forces:
                raise ValueError(
                    "escort_policy.forces: an air bridge flies without escort (got "
                    f"{', '.join(self.escort_policy.forces)})"
                )
            # Every sortie's round trip must fit its slot, or the fleet could not fly it.
            starts = [leg.from_ for leg in self.legs]
            flown = self.legs[starts.index(self.staging) :] if self.staging in starts else []
            flight_h = sum(leg.length_km / leg.speed_kmh for leg in flown)
            spd = self.air.sorties_per_day
            if spd is not None and 2 * flight_h * spd > 24 + 1e-9:
                raise ValueError(
                    f"air.sorties_per_day: a round trip of {2 * flight_h:.3g} h (legs from "
                    f"the staging point, there and back) leaves room for at most "
                    f"{24 / (2 * flight_h):.3g} sorties a day (got {spd:g})"
                )
        if self.initial is not None:
            for j, group in enumerate(self.initial.on_road):
                if group.leg >= len(self.legs):
                    raise ValueError(
                        f"initial.on_road[{j}].leg: no leg {group.leg} (the corridor has "
                        f"{len(self.legs)} legs: 0 .. {len(self.legs) - 1})"
                    )
                if self.mode == "air":
                    raise ValueError(
                        f"initial.on_road[{j}]: not for an air bridge (loads waiting at the "
                        "airfield are staged_tankers)"
                    )
        return self

    @model_validator(mode="after")
    def _dispatch_parameters(self) -> Corridor:
        policy = self.dispatch_policy
        given = self.dispatch.given() if self.dispatch is not None else set()
        if policy not in DISPATCH_PARAMETERS:
            return self  # a policy registered in Python reads what it needs
        required, optional = DISPATCH_PARAMETERS[policy]
        wrong = sorted(given - required - optional)
        if wrong:
            takes = ", ".join(sorted(required | optional)) or "no dispatch block"
            raise ValueError(
                f"dispatch.{wrong[0]}: not a parameter of dispatch_policy {policy} "
                f"(it takes: {takes})"
            )
        missing = sorted(required - given)
        if missing:
            raise ValueError(f"dispatch.{missing[0]}: required by dispatch_policy {policy}")
        if policy == "schedule" and self.dispatch is not None:
            d = self.dispatch
            if (d.dates is None) == (d.every_days is None):
                raise ValueError("dispatch: schedule takes either `dates` or `every_days`")
            if (d.first is None) != (d.every_days is None):
                raise ValueError("dispatch: schedule's `every_days` and `first` go together")
        return self


# ---------------------------------------------------------------- forces, threat, stocks


#: ``air_hourly``: the bank must hold the longest threatened route; one hour of budget.
MIN_BANKED_DAYS = 1 / 24


class EscortForce(_Model):
    """A named escort force: a pool of identical units.

    Ground units ride with the convoy to the depot and drive back to the staging point
    (plus ``turnaround_h``) before they escort again. Air units share a daily budget of
    ``units * convoy_hours_per_day`` convoy-hours of cover.
    """

    kind: Annotated[str, _engine_choice("escort kind")] = Field(
        description="How the force lends its units to convoys (`simfuel.sim.escort_kinds`): "
        "`air` (a convoy takes its whole route's hours, at most a day's budget, from a "
        "budget refilled at midnight), `air_hourly` (a convoy takes the hours of its "
        "threatened legs from a budget accrued hour by hour, unused hours carried over up "
        "to `max_banked_days`) or `ground` (a unit rides with the convoy and drives back), "
        "or a kind registered in Python."
    )
    units: Whole = Field(ge=0, le=MAX_UNITS, description="Units available [-].")
    deterrence: Real = Field(ge=0, le=1, description="Multiplies the attack hazard [-].")
    protection: Real = Field(ge=0, le=1, description="Multiplies the fraction lost [-].")
    convoy_hours_per_day: Real = Field(
        12.0, gt=0, le=24, description="Air only: convoy-hours one unit covers a day [h]."
    )
    max_banked_days: Real = Field(
        1.0,
        ge=MIN_BANKED_DAYS,
        le=MAX_DAYS,
        description="`air_hourly` only: unused cover carries over, up to this many days of "
        "the force's budget [days] (it starts full).",
    )
    turnaround_h: Real = Field(
        0.0, ge=0, le=MAX_DELAY_H, description="Ground only: rest after the drive back [h]."
    )
    speed_kmh: Real | None = Field(
        None,
        ge=MIN_SPEED_KMH,
        le=MAX_SPEED_KMH,
        description="A convoy this force escorts drives no faster than this on any leg "
        "[km/h] (escorted columns are slower than free traffic); absent: the legs' speeds.",
    )
    daylight_h: list[Real] | None = Field(
        None,
        min_length=2,
        max_length=2,
        description="Air only: the hours of the day `[from, to]` when the aircraft fly "
        "(e.g. `[6, 18]`); the force's deterrence and protection apply only on legs a "
        "convoy enters inside them, and an `air_hourly` convoy takes only the threatened "
        "hours it drives inside them [h of the day]. Absent: around the clock.",
    )
    name: str | None = Field(None, description="Display name.")
    source: str | None = Field(None, description="Where the figures come from.")

    @field_validator("daylight_h")
    @classmethod
    def _daylight(cls, window: list[float] | None, info: ValidationInfo) -> list[float] | None:
        if window is None:
            return window
        kind = info.data.get("kind")
        if kind not in DAYLIGHT_KINDS:
            raise ValueError(
                f"only for the air kinds ({', '.join(DAYLIGHT_KINDS)}), not kind {kind!r}"
            )
        start_h, end_h = window
        if not (0 <= start_h <= 24 and 0 <= end_h <= 24):
            raise ValueError(f"hours must be in [0, 24] (got {window})")
        if not start_h < end_h:
            raise ValueError(f"from must be < to (got {window})")
        return window

    @model_serializer(mode="wrap")
    def _drop_unused(self, handler: SerializerFunctionWrapHandler) -> Any:
        # Not written when absent, so a scenario without it hashes as before it.
        out = handler(self)
        if isinstance(out, dict) and self.daylight_h is None:
            out.pop("daylight_h", None)
        return out


class AttackOutcomes(_Model):
    """Probabilities of an attack's outcome modes; they sum to 1."""

    burn: Real = Field(0.0, ge=0, le=1, description="Every loss destroyed [-].")
    seize: Real = Field(0.0, ge=0, le=1, description="Every loss captured [-].")
    both: Real = Field(
        0.0, ge=0, le=1, description="Losses split by `threat.capture_fraction` [-]."
    )

    @model_validator(mode="after")
    def _sum_to_one(self) -> AttackOutcomes:
        total = self.burn + self.seize + self.both
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"burn + seize + both must sum to 1 (got {total:g})")
        return self


class Threat(_Model):
    """Ambush hazard and what an attack does.

    A leg of length ``L`` is attacked with probability
    ``1 - exp(-hazard_per_100km * intensity * risk * deterrence * L / 100)``.
    """

    hazard_per_100km: Real = Field(
        ge=0, le=MAX_RATE, description="Attacks per 100 km at intensity 1."
    )
    loss_fraction_mean: Real = Field(
        ge=0, le=1, description="Mean fraction of an unescorted convoy lost when attacked."
    )
    loss_fraction_concentration: Real = Field(
        10.0,
        gt=0,
        le=MAX_CONCENTRATION,
        description="Concentration (a + b) of the Beta loss distribution [-].",
    )
    capture_fraction: Real = Field(
        0.0,
        ge=0,
        le=1,
        description="Share of lost tankers captured rather than burned (in a `both` attack "
        "when `outcomes` is given).",
    )
    outcomes: AttackOutcomes | None = Field(
        None,
        description="Probabilities that an attack burns (`burn`: every loss destroyed), "
        "seizes (`seize`: every loss captured) or does both (`both`: split by "
        "`capture_fraction`); they must sum to 1. Absent: every attack is `both`.",
    )
    size_exponent: Real = Field(
        0.0,
        ge=-10,
        le=10,
        description="The hazard is multiplied by `(tankers / size_reference_tankers) ** "
        "size_exponent` [-]; 0: convoy size does not change the hazard, 1: proportional.",
    )
    size_reference_tankers: Real = Field(
        50.0, gt=0, le=MAX_TANKERS, description="Convoy size whose hazard factor is 1 [tankers]."
    )
    max_tankers_per_attack: Whole | None = Field(
        None,
        ge=1,
        le=MAX_TANKERS,
        description="Most tankers one attack destroys or captures (the attackers' capacity) "
        "[tankers]; absent: no limit. Scripted attacks keep their reported losses.",
    )
    attack_delay_h: Delay = Field(
        default_factory=_zero_delay, description="Delay an attack inflicts on survivors [h]."
    )
    turn_back_probability: Real = Field(
        0.0, ge=0, le=1, description="Chance an attacked convoy turns back to staging."
    )
    model: Annotated[str, _engine_choice("threat model")] = Field(
        "default",
        description="Threat model (`simfuel.sim.threats`): `default` (the hazard and Beta "
        "losses above, and the scripted attacks), or a model registered in Python.",
    )

    @field_validator("attack_delay_h", mode="before")
    @classmethod
    def _delay_number(cls, value: Any) -> Any:
        return _bare_number_is_fixed(value)


class Commodity(_Model):
    """A good the scenario moves, and the unit of its stocks, demand and payloads."""

    unit: Literal["L", "t", "kg", "m3", "people"] = Field(
        description="Unit of every quantity of this commodity: litres, tonnes, kilograms, "
        "cubic metres, or `people` (a count, for an evacuation: stocks and payloads in whole "
        "persons)."
    )
    name: str | None = Field(None, description="Name in outputs (default: its key).")
    source: str | None = Field(None, description="Where the figures come from.")


class Vehicle(_Model):
    """A vehicle type: what one vehicle carries of each commodity.

    A convoy's losses are whole vehicles, so an ambush removes each commodity it carries
    in proportion.
    """

    payload: dict[str, Annotated[Whole, Field(gt=0, le=MAX_LITRES)]] = Field(
        min_length=1,
        description="Load of one vehicle, by commodity key [commodity unit] (whole units: "
        "use kg for fractions of a tonne).",
    )
    word: str | None = Field(None, description="Its word in outputs (default: its key).")
    words: str | None = Field(None, description="Plural word (default: `word` + s).")
    name: str | None = Field(None, description="Display name.")
    source: str | None = Field(None, description="Where the figures come from.")


class CommodityDemand(_Model):
    """Demand drawn from one commodity's stock."""

    per_day: Real = Field(
        ge=MIN_DEMAND_L_PER_DAY,
        le=MAX_DEMAND_L_PER_DAY,
        description="Demand [commodity unit/day].",
    )
    cv: Real = Field(0.0, ge=0, le=1, description="Day-to-day coefficient of variation.")
    source: str | None = Field(None, description="Where the figures come from.")


class CommodityStock(_Model):
    """The stock of one commodity at one place: capacity, levels, demand and rationing."""

    capacity: Real = Field(gt=0, le=MAX_LITRES, description="Storage [commodity unit].")
    initial: Real = Field(ge=0, le=MAX_LITRES, description="Stock at the start [commodity unit].")
    reserve: Real = Field(
        0.0, ge=0, le=MAX_LITRES, description="Reserve, held apart [commodity unit]."
    )
    reserve_release_days: Real = Field(
        0.0,
        ge=0,
        le=MAX_DAYS,
        description="Release the reserve when cover falls below this [days].",
    )
    demand: CommodityDemand = Field(description="Demand drawn from this stock.")
    rationing: Rationing = Field(default_factory=lambda: Rationing(), description="Rationing rule.")
    source: str | None = Field(None, description="Where the figures come from.")

    @model_validator(mode="after")
    def _fits(self) -> CommodityStock:
        if self.initial > self.capacity:
            raise ValueError(f"initial ({self.initial:g}) exceeds capacity ({self.capacity:g})")
        return self


class Depot(_Model):
    """The main destination: a stock at one place (the city the scenario is about)."""

    # A commodities.<main> block may stand for the litre fields (scenario/commodities.py).
    model_config = ConfigDict(json_schema_extra=not_required("capacity_l", "initial_stock_l"))

    place: str = Field(description="Place key of the depot (the main destination).")
    capacity_l: Real = Field(gt=0, le=MAX_LITRES, description="Storage capacity [L].")
    initial_stock_l: Real = Field(ge=0, le=MAX_LITRES, description="Stock at the start [L].")
    reserve_l: Real = Field(
        0.0, ge=0, le=MAX_LITRES, description="Strategic reserve, held apart [L]."
    )
    reserve_release_days: Real = Field(
        0.0,
        ge=0,
        le=MAX_DAYS,
        description="Release the reserve when cover falls below this [days].",
    )
    commodities: dict[str, CommodityStock] = Field(
        default_factory=dict,
        description="Stocks of other commodities at this place, by commodity key (the "
        "main commodity's too, instead of the `*_l` fields, when it is not fuel in litres).",
    )
    source: str | None = Field(None, description="Where the figures come from.")

    @model_validator(mode="after")
    def _fits(self) -> Depot:
        if self.initial_stock_l > self.capacity_l:
            raise ValueError(
                f"initial_stock_l ({self.initial_stock_l:g}) exceeds capacity_l "
                f"({self.capacity_l:g})"
            )
        return self


class PriorityClass(_Model):
    """A consumer class served before the rest of demand (power stations, hospitals, ...)."""

    name: str = Field(min_length=1, description="Name of the class, as results give it.")
    share: Real = Field(gt=0, le=1, description="Its share of the place's demand [-].")
    source: str | None = Field(None, description="Where the share comes from.")


#: The consumer class that takes the demand the listed ones leave (served last).
OTHER_CLASS = "other"
#: Shares of demand may sum to 1 within this (written as decimals, they rarely add exactly).
SHARE_SUM_TOLERANCE = 1e-9


class Stations(_Model):
    """Filling stations between a stock and its consumers.

    Consumers buy at the stations, each its share of the day's (rationed) demand and at
    most its stock; after the sales the stock sends ``trucks_per_day`` trucks, one each to
    the stations with the fewest days of sales left. The place's ``served_l`` is then what
    it sent to the stations.
    """

    count: Whole = Field(ge=1, le=MAX_STATIONS, description="Stations [-].")
    capacity_l: Real = Field(gt=0, le=MAX_TANKER_L, description="Tank of one station [L].")
    initial_fill: Real = Field(
        1.0,
        ge=0,
        le=1,
        description="Share of the tanks full at the start (fuel beyond the stock's) [-].",
    )
    trucks_per_day: Whole = Field(
        ge=0, le=MAX_TANKERS_PER_DAY, description="Trucks the stock can send a day [-]."
    )
    truck_l: Real = Field(gt=0, le=MAX_TANKER_L, description="Load of one truck [L].")
    demand_spread: Real = Field(
        0.0,
        ge=0,
        lt=1,
        description="Station demands run evenly from 1 - spread to 1 + spread times the "
        "mean [-] (0: all equal).",
    )


class Demand(_Model):
    """Demand drawn from a stock (the depot's: the demand not served by any destination)."""

    demand_l_per_day: Real = Field(
        ge=MIN_DEMAND_L_PER_DAY, le=MAX_DEMAND_L_PER_DAY, description="Demand [L/day]."
    )
    cv: Real = Field(0.0, ge=0, le=1, description="Day-to-day coefficient of variation.")
    priority: list[PriorityClass] = Field(
        default_factory=list,
        description="Consumer classes served first, in this order, each wholly before the "
        "next; the rest of demand (class 'other') is served last. Empty: one class.",
    )
    stations: Stations | None = Field(
        None,
        description="Filling stations between the stock and its consumers (absent: "
        "consumers draw from the stock itself).",
    )
    source: str | None = Field(None, description="Where the figures come from.")

    @model_validator(mode="after")
    def _classes(self) -> Demand:
        names = [c.name for c in self.priority]
        for i, name in enumerate(names):
            if name == OTHER_CLASS:
                raise ValueError(
                    f"priority[{i}].name: {OTHER_CLASS!r} is the class of the rest of demand"
                )
            if name in names[:i]:
                raise ValueError(f"priority[{i}].name: {name!r} is listed twice")
        total = math.fsum(c.share for c in self.priority)
        if total > 1 + SHARE_SUM_TOLERANCE:
            raise ValueError(f"priority: the shares must sum to <= 1 (got {total:g})")
        return self

    @model_serializer(mode="wrap")
    def _drop_unused(self, handler: SerializerFunctionWrapHandler) -> Any:
        # Not written when unused, so a scenario without them hashes as before them.
        out = handler(self)
        if isinstance(out, dict):
            if not self.priority:
                out.pop("priority", None)
            if self.stations is None:
                out.pop("stations", None)
        return out


def _stop_problem(threshold_days: float, stop_threshold_days: float | None) -> str | None:
    if stop_threshold_days is not None and stop_threshold_days < threshold_days:
        return (
            f"stop_threshold_days ({stop_threshold_days:g}) must be >= threshold_days "
            f"({threshold_days:g}): rationing cannot stop below where it starts"
        )
    return None


class Rationing(_Model):
    """Below ``threshold_days`` of cover only ``served_fraction`` of demand is served.

    With ``rule: hysteresis`` rationing, once started, goes on until cover is back at
    ``stop_threshold_days`` and for at least ``min_days``.
    """

    threshold_days: Real = Field(
        0.0, ge=0, le=MAX_DAYS, description="Cover that triggers rationing [days]."
    )
    served_fraction: Real = Field(1.0, ge=0, le=1, description="Share of demand served.")
    rule: Annotated[str, _engine_choice("rationing rule")] = Field(
        "default",
        description="When rationing is in force: 'default' (every day cover is below "
        "threshold_days) or 'hysteresis' (start below threshold_days, stop at "
        "stop_threshold_days, last min_days).",
    )
    stop_threshold_days: Real | None = Field(
        None,
        ge=0,
        le=MAX_DAYS,
        description="Rule 'hysteresis': cover at or above which rationing stops, >= "
        "threshold_days [days]. Absent: threshold_days.",
    )
    min_days: Whole = Field(
        1,
        ge=1,
        le=MAX_HORIZON_DAYS,
        description="Rule 'hysteresis': days rationing lasts at least once started [days].",
    )

    @model_validator(mode="after")
    def _rule(self) -> Rationing:
        problem = _stop_problem(self.threshold_days, self.stop_threshold_days)
        if problem:
            raise ValueError(problem)
        if self.rule == "default":
            for name, unset in (
                ("stop_threshold_days", self.stop_threshold_days is None),
                ("min_days", self.min_days == 1),
            ):
                if not unset:
                    raise ValueError(f"{name}: needs rule: hysteresis (the default rule has none)")
        return self

    @model_serializer(mode="wrap")
    def _drop_default_rule(self, handler: SerializerFunctionWrapHandler) -> Any:
        # Fields left at their defaults are not written, so a scenario that uses none of
        # them dumps (and hashes) exactly as before they existed.
        out = handler(self)
        if isinstance(out, dict):
            for name, default in (
                ("rule", "default"),
                ("stop_threshold_days", None),
                ("min_days", 1),
            ):
                if out.get(name, default) == default:
                    out.pop(name, None)
        return out


class Destination(Depot):
    """A further destination: a stock with its own demand and rationing rule.

    Same fields, units and bounds as ``depot``, plus its own ``demand`` and ``rationing``.
    Corridors that end at its place deliver to it; corridors whose origin is its place load
    from it.
    """

    model_config = ConfigDict(
        json_schema_extra=not_required("capacity_l", "initial_stock_l", "demand")
    )

    place: str = Field(description="Place key of the destination (one stock per place).")
    demand: Demand = Field(description="Demand drawn from this stock.")
    rationing: Rationing = Field(default_factory=Rationing, description="Rationing rule.")


class TerminalStock(_Model):
    """One commodity's stock at an origin terminal: no demand, a resupply rate."""

    capacity: Real = Field(gt=0, le=MAX_LITRES, description="Storage [commodity unit].")
    initial: Real = Field(ge=0, le=MAX_LITRES, description="Stock at the start [commodity unit].")
    resupply_per_day: Real = Field(
        0.0,
        ge=0,
        le=MAX_DEMAND_L_PER_DAY,
        description="Imports landed into the stock each day, up to its capacity "
        "[commodity unit/day] (0: the stock only runs down).",
    )
    source: str | None = Field(None, description="Where the figures come from.")

    @model_validator(mode="after")
    def _fits(self) -> TerminalStock:
        if self.initial > self.capacity:
            raise ValueError(f"initial ({self.initial:g}) exceeds capacity ({self.capacity:g})")
        return self


class Terminal(_Model):
    """An origin with a finite stock and a loading rate (a port terminal, a refinery).

    Corridors whose ``origin`` is its place load from its stock (as secondary distribution
    from a depot does, keeping nothing back) and at most ``loading_tankers_per_day``
    vehicles a day across them. It has no demand of its own. The main commodity's stock is
    given by the ``*_l`` fields (fuel in litres) or by ``commodities.<main>``; other
    commodities by ``commodities``. Corridors may end at its place too (an import terminal
    resupplied by ship, road or air): what they unload adds to its stock. A ``seize`` of
    its place traps the stock: nothing loads, nothing unloads (ships wait at anchor) and
    no imports land until the ``release``.
    """

    place: str = Field(description="Place key of the terminal (one stock per place).")
    capacity_l: Real | None = Field(
        None, gt=0, le=MAX_LITRES, description="Storage of the main commodity [L]."
    )
    initial_stock_l: Real | None = Field(
        None, ge=0, le=MAX_LITRES, description="Stock of the main commodity at the start [L]."
    )
    resupply_l_per_day: Real = Field(
        0.0,
        ge=0,
        le=MAX_DEMAND_L_PER_DAY,
        description="Imports of the main commodity landed each day, up to the capacity "
        "[L/day] (0: the stock only runs down).",
    )
    loading_tankers_per_day: Whole | None = Field(
        None,
        gt=0,
        le=MAX_TANKERS_PER_DAY,
        description="Vehicles that can load a day, across every corridor loading here "
        "(absent: no limit).",
    )
    commodities: dict[str, TerminalStock] = Field(
        default_factory=dict,
        description="Stocks of other commodities here, by commodity key (the main "
        "commodity's too, instead of the `*_l` fields, when it is not fuel in litres).",
    )
    source: str | None = Field(None, description="Where the figures come from.")

    @model_validator(mode="after")
    def _fits(self) -> Terminal:
        if (
            self.capacity_l is not None
            and self.initial_stock_l is not None
            and self.initial_stock_l > self.capacity_l
        ):
            raise ValueError(
                f"initial_stock_l ({self.initial_stock_l:g}) exceeds capacity_l "
                f"({self.capacity_l:g})"
            )
        return self


class Product(_Model):
    """A fuel product and its tonnes-to-litres factor."""

    litres_per_tonne: Real = Field(
        gt=0, le=MAX_LITRES_PER_TONNE, description="Litres in one tonne [L/t]."
    )


def _default_products() -> dict[str, Product]:
    # BP conversion factors (see docs: facts file, "Conversions (BP)").
    return {
        "diesel": Product(litres_per_tonne=1192),
        "gasoline": Product(litres_per_tonne=1351),
        "kerosene": Product(litres_per_tonne=1240),
    }


# ---------------------------------------------------------------- the timeline


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class _Event(_Model):
    id: str | None = Field(None, description="Name used by `extends` to merge or remove.")
    date: Day = Field(description="Day the event takes effect, at 00:00 (YYYY-MM-DD).")
    note: str | None = Field(None, description="Free text, shown in the event log.")
    source: str | None = Field(None, description="Where the figures come from.")


class _CorridorsEvent(_Event):
    corridors: list[str] = Field(
        default_factory=lambda: ["all"], description="Corridor keys, or 'all'."
    )

    @field_validator("corridors", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return _as_list(value)


class BlockadeEvent(_CorridorsEvent):
    """From this date the corridors' blockade intensity is ``intensity``."""

    type: Literal["blockade"] = Field(description="Event type.")
    intensity: Real = Field(ge=0, le=MAX_RATE, description="Blockade intensity [-] (0 = none).")


class EscortPolicyEvent(_CorridorsEvent):
    """From this date the corridors form convoys under this policy."""

    type: Literal["escort_policy"] = Field(description="Event type.")
    forces: list[str] = Field(default_factory=list, description="Escort forces, by key.")
    required: StrictBool = Field(False, description="Convoys wait for every listed force.")
    min_size: Whole = Field(
        1, ge=1, le=MAX_TANKERS, description="Smallest convoy that may leave [tankers]."
    )
    max_size: Whole = Field(50, ge=1, le=MAX_TANKERS, description="Largest convoy [tankers].")

    def policy(self) -> EscortPolicy:
        """The :class:`EscortPolicy` this event sets."""
        return EscortPolicy(
            forces=self.forces,
            required=self.required,
            min_size=self.min_size,
            max_size=self.max_size,
        )


class SupplyRateEvent(_CorridorsEvent):
    """From this date the corridors load ``tankers_per_day`` (contracts come on top)."""

    type: Literal["supply_rate"] = Field(description="Event type.")
    tankers_per_day: Real = Field(
        ge=0, le=MAX_TANKERS_PER_DAY, description="Tankers loaded per day."
    )


class ContractEvent(_Event):
    """An import contract: a quantity delivered evenly over ``period_days`` from ``date``.

    Of ``commodity`` (default: the main commodity). Give ``quantity`` in its unit, or, for
    a commodity in litres, ``quantity_l`` or ``quantity_t`` with a ``product`` (converted
    with its ``litres_per_tonne``); for one in tonnes ``quantity_t`` is its tonnes.
    ``split`` shares the quantity over corridors (shares must sum to 1), whose vehicles
    must carry the commodity and which must dispatch at a ``fixed_rate`` (a ``schedule``
    or ``order_up_to`` corridor loads on its own rule and would ignore the contract); the
    contract adds the vehicles that carry it, whole (so a vehicle that also carries other
    commodities brings them too), on top of the corridor's ``tankers_per_day``.
    """

    type: Literal["contract"] = Field(description="Event type.")
    commodity: str | None = Field(
        None,
        description="Commodity delivered, a key of `commodities` (default: the main commodity).",
    )
    quantity: Real | None = Field(
        None, gt=0, le=MAX_LITRES, description="Quantity [the commodity's unit]."
    )
    quantity_t: Real | None = Field(
        None,
        gt=0,
        le=MAX_TONNES,
        description="Quantity [t]: of `product`, in litres, for a commodity in litres; of the "
        "commodity itself for one in tonnes.",
    )
    quantity_l: Real | None = Field(
        None, gt=0, le=MAX_LITRES, description="Quantity [L] (a commodity in litres)."
    )
    product: str = Field(
        "diesel", description="Product key (for quantity_t of a commodity in litres)."
    )
    period_days: Real = Field(
        ge=MIN_PERIOD_DAYS, le=MAX_DAYS, description="Delivery period [days]."
    )
    split: dict[str, Real] = Field(
        description="Share of the quantity per corridor [-]; `fixed_rate` corridors only."
    )

    @model_validator(mode="after")
    def _one_quantity(self) -> ContractEvent:
        given = [q for q in (self.quantity, self.quantity_t, self.quantity_l) if q is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of quantity_t and quantity_l (or quantity, in the "
                "commodity's unit)"
            )
        if any(share < 0 for share in self.split.values()):
            raise ValueError("split shares must be >= 0")
        total = sum(self.split.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"split shares must sum to 1 (got {total:g})")
        return self


class ScriptedAttackEvent(_Event):
    """A reported attack replayed exactly.

    From ``date`` the next convoy to enter a leg of ``corridor`` (the leg starting at
    ``leg_from`` if given) is attacked and loses exactly ``tankers_destroyed`` burned plus
    ``tankers_captured`` captured (fewer if the convoy is smaller; the log says so). On that
    leg the background hazard is not drawn, so the reported attack is not counted twice.
    With ``respect_escort`` the convoy's escort deters it (with the escort's deterrence as
    the probability that it strikes) and protects (losses times the protection); with
    ``window_days`` it expires if no convoy comes in time.
    """

    type: Literal["scripted_attack"] = Field(description="Event type.")
    corridor: str = Field(description="Corridor key.")
    leg_from: str | None = Field(None, description="Place where the attacked leg starts.")
    tankers_destroyed: Whole = Field(ge=0, le=MAX_TANKERS, description="Tankers burned [tankers].")
    tankers_captured: Whole = Field(
        0, ge=0, le=MAX_TANKERS, description="Tankers captured [tankers]."
    )
    respect_escort: StrictBool = Field(
        False,
        description="The convoy's escort counts: the attack strikes an escorted convoy with "
        "probability equal to the escort's deterrence (else it waits for the next convoy) "
        "and its losses are multiplied by the escort's protection (rounded stochastically). "
        "False: exactly the reported losses, whatever the escort.",
    )
    window_days: Real | None = Field(
        None,
        gt=0,
        le=MAX_DAYS,
        description="The attack strikes only a convoy that enters its leg within this many "
        "days of its date; later it is logged as unfired with the lag of the first convoy "
        "that came [days]. When it fires, the log gives its lag. Absent: no limit.",
    )


class _PlaceEvent(_Event):
    place: str | None = Field(
        None, description="Place of the stock it concerns (default: the depot's place)."
    )


class _CommodityEvent(_PlaceEvent):
    commodity: str | None = Field(
        None,
        description="Commodity of the stock it concerns (default: the main commodity); "
        "its quantities are in that commodity's unit.",
    )


class DemandEvent(_CommodityEvent):
    """From this date the demand at ``place`` (default: the depot) is ``demand_l_per_day``."""

    type: Literal["demand"] = Field(description="Event type.")
    demand_l_per_day: Real = Field(
        ge=MIN_DEMAND_L_PER_DAY,
        le=MAX_DEMAND_L_PER_DAY,
        description="Demand [L/day; the commodity's unit per day with `commodity`].",
    )


class RationingEvent(_CommodityEvent):
    """From this date the rationing rule at ``place`` (default: the depot) is this one."""

    type: Literal["rationing"] = Field(description="Event type.")
    threshold_days: Real = Field(
        ge=0, le=MAX_DAYS, description="Cover that triggers rationing [days]."
    )
    served_fraction: Real = Field(ge=0, le=1, description="Share of demand served.")
    stop_threshold_days: Real | None = Field(
        None,
        ge=0,
        le=MAX_DAYS,
        description="Rule 'hysteresis': cover at or above which rationing stops [days]. "
        "Absent: threshold_days.",
    )
    min_days: Whole | None = Field(
        None,
        ge=1,
        le=MAX_HORIZON_DAYS,
        description="Rule 'hysteresis': days rationing lasts at least once started [days]. "
        "Absent: 1.",
    )

    @model_validator(mode="after")
    def _stop(self) -> RationingEvent:
        problem = _stop_problem(self.threshold_days, self.stop_threshold_days)
        if problem:
            raise ValueError(problem)
        return self

    @model_serializer(mode="wrap")
    def _drop_unset_rule(self, handler: SerializerFunctionWrapHandler) -> Any:
        # Absent fields are not written, so events without them hash as before them.
        out = handler(self)
        if isinstance(out, dict):
            for name in ("stop_threshold_days", "min_days"):
                if out.get(name, 0) is None:
                    out.pop(name, None)
        return out


# ---- disruptions: closures, dated leg speeds and border delays (issue 10, item 5)


class _WhereEvent(_Event):
    """A disruption names what it applies to: corridors, one leg, or a place.

    Exactly one of ``corridors`` (a list of keys, or ``all``), ``corridor`` with
    ``leg_from`` (one leg, as a scripted attack names it), or ``place``.
    """

    corridors: list[str] | None = Field(
        None, description="Corridor keys, or 'all' (or give corridor + leg_from, or place)."
    )
    corridor: str | None = Field(None, description="Corridor key of one leg (with leg_from).")
    leg_from: str | None = Field(None, description="Place where that leg starts.")
    place: str | None = Field(
        None, description="Place key: every leg that starts or ends there (and its loading)."
    )

    @field_validator("corridors", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return _as_list(value)

    @model_validator(mode="after")
    def _one_target(self) -> _WhereEvent:
        given = [
            name
            for name, value in (
                ("corridors", self.corridors),
                ("corridor", self.corridor),
                ("place", self.place),
            )
            if value is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "name exactly one of corridors (a list or 'all'), corridor with leg_from "
                f"(one leg), or place (got {', '.join(given) if given else 'none'})"
            )
        if (self.corridor is None) != (self.leg_from is None):
            raise ValueError(
                "corridor and leg_from go together (one leg); for a whole corridor write "
                "corridors: [key]"
            )
        return self


class CloseEvent(_WhereEvent):
    """From this date the corridors, the leg or the place are closed, until a ``reopen``.

    A closed corridor loads nothing at its origin (dispatch pauses; what would have loaded
    is not caught up later, contracts included) and forms no convoy; tankers already on
    their way carry on to the staging point and wait there. A closed leg admits no convoy:
    one that reaches it waits at its start until it reopens (tankers already on the leg
    finish it). A closed place closes every leg that starts or ends there, and loading at
    an origin there. Without a ``reopen`` the closure lasts to the end.
    """

    type: Literal["close"] = Field(description="Event type.")


class ReopenEvent(_WhereEvent):
    """From this date what an earlier ``close`` named in the same words is open again.

    Name it as the ``close`` did (``corridors: [a]`` reopens ``a`` also after
    ``corridors: all`` was closed). Something closed by two closures (a corridor and a
    place on it) stays closed until both reopen.
    """

    type: Literal["reopen"] = Field(description="Event type.")


class LegSpeedEvent(_WhereEvent):
    """From this date the legs named are driven at a new speed (barricades, escorted travel).

    Give ``factor`` (multiplies each leg's own ``speed_kmh``; 1 restores it) or
    ``speed_kmh``. A convoy's time on a leg is the speed in force when it enters the leg.
    ``corridors`` names every leg of those corridors.
    """

    type: Literal["leg_speed"] = Field(description="Event type.")
    factor: Real | None = Field(
        None, gt=0, le=100, description="Multiplies the legs' own speed_kmh [-]."
    )
    speed_kmh: Real | None = Field(
        None, ge=MIN_SPEED_KMH, le=MAX_SPEED_KMH, description="New convoy speed [km/h]."
    )

    @model_validator(mode="after")
    def _one_speed(self) -> LegSpeedEvent:
        if (self.factor is None) == (self.speed_kmh is None):
            raise ValueError("give exactly one of factor and speed_kmh")
        return self


class BorderEvent(_CorridorsEvent):
    """From this date batches loaded on the corridors draw their border delay from this one.

    Batches loaded before the date keep the delay they drew.
    """

    type: Literal["border_delay"] = Field(description="Event type.")
    delay_h: Delay = Field(description="Border/customs delay at staging [h].")

    @field_validator("delay_h", mode="before")
    @classmethod
    def _delay_number(cls, value: Any) -> Any:
        return _bare_number_is_fixed(value)


class SeizeEvent(_Event):
    """From this date the stock at ``place`` is seized: trapped until a ``release``.

    While seized the stock serves none of its own demand (the day's demand is all
    shortfall, a stock-out), releases none of its reserve, loads nothing out to secondary
    corridors, and unloads no tanker: convoys that arrive wait in its unload queue until
    the release. The place is closed as by a ``close`` of it (its legs and loading there),
    so convoys do not drive into it. The stock stays what it was until the release.
    Without a ``release`` the seizure lasts to the end.
    """

    type: Literal["seize"] = Field(description="Event type.")
    place: str = Field(description="Place key of a stock (the depot or a destination).")


class ReleaseEvent(_Event):
    """From this date the stock seized at ``place`` is free again.

    Its demand is served from this day on, and the tankers waiting to unload there unload
    at the end of the day, after the day's demand (as every unload queue does).
    """

    type: Literal["release"] = Field(description="Event type.")
    place: str = Field(description="Place key of the seized stock.")


DISRUPTION_EVENTS = (
    CloseEvent,
    ReopenEvent,
    LegSpeedEvent,
    BorderEvent,
    SeizeEvent,
    ReleaseEvent,
)


def _seize_problems(s: Scenario) -> list[Problem]:
    """A seizure of a place with no stock; a release of a stock that is not seized."""
    out: list[Problem] = []
    stocks = stock_places(s) + terminal_places(s)
    order = sorted(range(len(s.events)), key=lambda i: s.events[i].date)
    seized: set[str] = set()
    for i in order:
        ev = s.events[i]
        if not isinstance(ev, SeizeEvent | ReleaseEvent):
            continue
        if ev.place not in stocks:
            what = "place" if ev.place in s.places else "unknown place"
            out.append(
                Problem(
                    f"events[{i}].place",
                    f"{what} '{ev.place}' holds no stock: only the depot"
                    + (", a destination or a terminal" if s.terminals else " or a destination")
                    + f" can be seized (stocks: {', '.join(stocks)})",
                )
            )
        elif isinstance(ev, SeizeEvent):
            seized.add(ev.place)
        elif ev.place in seized:
            seized.discard(ev.place)
        else:
            out.append(
                Problem(
                    f"events[{i}]",
                    f"releases the stock at '{ev.place}', which no earlier seize event "
                    f"seizes (on {ev.date} it is free)",
                )
            )
    return out


def _disruption_problems(s: Scenario) -> list[Problem]:
    """Unknown corridors, legs and places of the disruptions; a reopen of what is open.

    Events take effect in date order (of two on one date, the one listed first), so a
    ``reopen`` must follow a ``close`` of the same thing, not yet reopened.
    """
    out: list[Problem] = []
    corridors = set(s.corridors)
    on_legs = {p for c in s.corridors.values() for leg in c.legs for p in (leg.from_, leg.to)}
    order = sorted(range(len(s.events)), key=lambda i: s.events[i].date)
    closed: dict[tuple[str, ...], int] = {}  # what is closed -> index of its close event
    for i in order:
        ev = s.events[i]
        if not isinstance(ev, _WhereEvent):
            continue
        base = f"events[{i}]"
        keys: list[tuple[str, ...]] = []
        if ev.corridors is not None:
            names = list(s.corridors) if ev.corridors == ["all"] else ev.corridors
            for j, name in enumerate(names):
                if name not in corridors:
                    out.append(
                        Problem(f"{base}.corridors[{j}]", _unknown("corridor", name, corridors))
                    )
                else:
                    keys.append(("corridor", name))
        elif ev.corridor is not None:
            if ev.corridor not in corridors:
                out.append(
                    Problem(f"{base}.corridor", _unknown("corridor", ev.corridor, corridors))
                )
            else:
                starts = [leg.from_ for leg in s.corridors[ev.corridor].legs]
                if ev.leg_from not in starts:
                    out.append(
                        Problem(
                            f"{base}.leg_from",
                            f"no leg of corridor '{ev.corridor}' starts at '{ev.leg_from}' "
                            f"(they start at: {', '.join(starts)})",
                        )
                    )
                else:
                    keys.append(("leg", ev.corridor, str(ev.leg_from)))
        elif ev.place is not None:
            if ev.place not in s.places:
                out.append(Problem(f"{base}.place", _unknown("place", ev.place, set(s.places))))
            elif ev.place not in on_legs:
                out.append(
                    Problem(
                        f"{base}.place",
                        f"'{ev.place}' is on no corridor's legs: the event would change nothing",
                    )
                )
            else:
                keys.append(("place", ev.place))
        if isinstance(ev, CloseEvent):
            for key in keys:
                closed.setdefault(key, i)
        elif isinstance(ev, ReopenEvent):
            for key in keys:
                if closed.pop(key, None) is None:
                    what = " ".join(key[:2]) if key[0] != "leg" else f"leg {key[1]} from {key[2]}"
                    out.append(
                        Problem(
                            base,
                            f"reopens {what}, which no earlier close event closes (on "
                            f"{ev.date} it is open): name it as the close event does",
                        )
                    )
    return out


class ObservationEvent(_PlaceEvent):
    """A reported fact, for the timeline and the event log; it changes nothing in the run.

    For comparing the model with what was seen (a town reporting a drop in fuel).
    """

    type: Literal["observation"] = Field(description="Event type.")


Event = Annotated[
    BlockadeEvent
    | EscortPolicyEvent
    | SupplyRateEvent
    | ContractEvent
    | ScriptedAttackEvent
    | DemandEvent
    | RationingEvent
    | CloseEvent
    | ReopenEvent
    | LegSpeedEvent
    | BorderEvent
    | SeizeEvent
    | ReleaseEvent
    | ObservationEvent,
    Field(discriminator="type"),
]

EVENT_TYPES = (
    "blockade",
    "escort_policy",
    "supply_rate",
    "contract",
    "scripted_attack",
    "demand",
    "rationing",
    "close",
    "reopen",
    "leg_speed",
    "border_delay",
    "seize",
    "release",
    "observation",
)
DELAY_DISTRIBUTIONS = ("fixed", "uniform", "triangular", "lognormal")


# ---------------------------------------------------------------- the scenario


class Scenario(_Model):
    """A validated scenario: the network, the forces, the threat, the stocks, the timeline.

    Build one with :func:`simfuel.load_scenario` (from YAML) or ``Scenario.model_validate``.
    The horizon runs from ``start`` 00:00 to ``end`` 24:00 (``end`` is included).
    """

    model_config = ConfigDict(json_schema_extra=not_required("demand"))

    name: str = Field(description="Short name, used in outputs.")
    description: str = Field("", description="What the scenario represents.")
    start: Day = Field(description="First simulated day (YYYY-MM-DD).")
    end: Day = Field(description="Last simulated day, included (YYYY-MM-DD).")
    places: dict[str, Place] = Field(min_length=1, description="Named places, by key.")
    products: dict[str, Product] = Field(
        default_factory=_default_products, description="Fuel products and L/t factors (BP)."
    )
    commodities: dict[str, Commodity] = Field(
        default_factory=dict,
        description="The goods moved, by key, the main one first; absent: one commodity, "
        "`fuel`, in litres (the `*_l` fields).",
    )
    vehicles: dict[str, Vehicle] = Field(
        default_factory=dict,
        description="Vehicle types (payload per commodity), by key, for corridors' `vehicle`.",
    )
    depot: Depot = Field(description="The destination depot.")
    demand: Demand = Field(description="Demand drawn from the depot.")
    rationing: Rationing = Field(default_factory=Rationing, description="Rationing rule.")
    destinations: dict[str, Destination] = Field(
        default_factory=dict,
        description="Further destinations (stocks with their own demand), by key; `depot` "
        "stays the main one.",
    )
    terminals: dict[str, Terminal] = Field(
        default_factory=dict,
        description="Origins with a finite stock and a loading rate, by key; corridors "
        "from an origin without one load without limit.",
    )
    threat: Threat = Field(description="Ambush hazard and attack effects.")
    escorts: dict[str, EscortForce] = Field(
        default_factory=dict, description="Escort forces, by key."
    )
    corridors: dict[str, Corridor] = Field(min_length=1, description="Corridors, by key.")
    events: list[Event] = Field(
        default_factory=list, description="The dated timeline (see the event types)."
    )

    @property
    def horizon_days(self) -> int:
        """Number of simulated days (``end`` included) [days]."""
        return (self.end - self.start).days + 1

    @property
    def horizon_h(self) -> float:
        """Length of the horizon [h]."""
        return 24.0 * self.horizon_days

    @property
    def main_commodity(self) -> str:
        """Key of the main commodity: the first of ``commodities``, or ``fuel``."""
        return next(iter(self.commodities), DEFAULT_COMMODITY)

    @property
    def commodity_units(self) -> dict[str, str]:
        """Unit of every commodity, by key, the main one first (``{"fuel": "L"}`` by default)."""
        if not self.commodities:
            return {DEFAULT_COMMODITY: "L"}
        return {key: c.unit for key, c in self.commodities.items()}

    @property
    def vocabulary(self) -> Vocabulary:
        """The words and units outputs use for this scenario's main commodity and vehicles.

        The main commodity's name and unit, and the vehicle word of the corridors that end
        at the depot (``tanker`` for one given by ``tanker_capacity_l``); when they use
        vehicles of different words, ``vehicle``: the counts add them up. Fuel in litres
        by tanker is :data:`simfuel.labels.FUEL`.
        """
        ends = [c for c in self.corridors.values() if c.legs[-1].to == self.depot.place]
        return self._vocabulary_of(ends or list(self.corridors.values())[:1])

    def vocabulary_at(self, place: str | None) -> Vocabulary:
        """The words and units of outputs about one place with stock (``--destination``).

        As :attr:`vocabulary`, with the vehicle word of the corridors that end at
        ``place`` (several words: ``vehicle``). Its figures are of the main commodity,
        which every place with stock holds, so the unit is the main commodity's.

        Parameters
        ----------
        place : str or None
            A place key (the depot's, a destination's). None, the depot's, or a place no
            corridor ends at: :attr:`vocabulary` itself.
        """
        ends = [c for c in self.corridors.values() if c.legs[-1].to == place]
        if place is None or place == self.depot.place or not ends:
            return self.vocabulary
        return self._vocabulary_of(ends)

    def _vocabulary_of(self, ends: list[Corridor]) -> Vocabulary:
        """The main commodity's words and units, with the vehicle word of ``ends``."""
        main = self.main_commodity
        info = self.commodities.get(main)
        name = (info.name or main) if info is not None else main
        unit = self.commodity_units[main]
        words_of = {self._vehicle_words(c) for c in ends}
        word, words = words_of.pop() if len(words_of) == 1 else ("vehicle", "vehicles")
        vocabulary = vocabulary_for(name, unit, word, words)
        return FUEL if vocabulary == FUEL else vocabulary

    def _vehicle_words(self, c: Corridor) -> tuple[str, str]:
        """A corridor's vehicle word and its plural (``tanker`` without a ``vehicle``)."""
        vehicle = self.vehicles.get(c.vehicle) if c.vehicle is not None else None
        if vehicle is None:
            return "tanker", "tankers"
        word = vehicle.word or str(c.vehicle)
        return word, vehicle.words or word + "s"

    @model_validator(mode="before")
    @classmethod
    def _commodity_sugar(cls, data: Any) -> Any:
        return expand_commodity_sugar(data)

    @model_validator(mode="before")
    @classmethod
    def _port_sugar(cls, data: Any) -> Any:
        return expand_port_sugar(data, MAX_UNITS, MAX_DELAY_H)

    @model_serializer(mode="wrap")
    def _drop_network_defaults(self, handler: SerializerFunctionWrapHandler) -> Any:
        # Fields of the network left at their defaults are not written, so a scenario
        # that uses none of them dumps (and hashes) exactly as before they existed.
        out = handler(self)
        if isinstance(out, dict):
            if not self.destinations:
                out.pop("destinations", None)
            if not self.terminals:
                out.pop("terminals", None)
            drop_commodity_defaults(self, out)
            drop_port_defaults(self, out)
            for key, c in self.corridors.items():
                row = out.get("corridors", {}).get(key)
                if isinstance(row, dict) and c.upstream_keep_days == 0:
                    row.pop("upstream_keep_days", None)
                if isinstance(row, dict) and c.dispatch is None:
                    row.pop("dispatch", None)
                if isinstance(row, dict):
                    _drop_mode_defaults(c, row)
            rows = out.get("events")
            if isinstance(rows, list):
                for ev, row in zip(self.events, rows, strict=False):
                    # Only the types that had no place before it: others keep theirs.
                    if (
                        isinstance(ev, DemandEvent | RationingEvent)
                        and isinstance(row, dict)
                        and ev.place is None
                    ):
                        row.pop("place", None)
        return out

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        problems = list(_reference_problems(self))
        if problems:
            # A ValueError subclass: pydantic wraps it, and the loader unwraps its problems.
            raise ScenarioError("<scenario>", problems)
        return self


def _drop_mode_defaults(c: Corridor, row: dict[str, Any]) -> None:
    # mode, air, sea and initial at their defaults are not dumped: old files keep their hash.
    if c.mode == "road":
        row.pop("mode", None)
    for name in ("air", "sea", "initial"):
        if getattr(c, name) is None:
            row.pop(name, None)


def _reference_problems(s: Scenario) -> list[Problem]:
    out: list[Problem] = []
    if s.end < s.start:
        out.append(Problem("end", f"{s.end} is before start {s.start}"))
    elif s.horizon_days > MAX_HORIZON_DAYS:
        out.append(
            Problem(
                "end",
                f"the horizon start .. end must be <= {MAX_HORIZON_DAYS} days "
                f"(got {s.horizon_days} days, {s.start} .. {s.end})",
            )
        )
    places = set(s.places)
    if s.depot.place not in places:
        out.append(Problem("depot.place", _unknown("place", s.depot.place, places)))
    stocks = {s.depot.place: "depot"}
    for key, d in s.destinations.items():
        if d.place not in places:
            out.append(Problem(f"destinations.{key}.place", _unknown("place", d.place, places)))
        elif d.place in stocks:
            out.append(
                Problem(
                    f"destinations.{key}.place",
                    f"'{d.place}' already holds the stock of {stocks[d.place]}: one stock "
                    "per place",
                )
            )
        else:
            stocks[d.place] = f"destinations.{key}"

    # A corridor may end at a terminal too: what it unloads there adds to that stock.
    ends = [*stocks, *(t.place for t in s.terminals.values() if t.place not in stocks)]
    for cname, c in s.corridors.items():
        base = f"corridors.{cname}"
        chain = [c.legs[0].from_] + [leg.to for leg in c.legs]
        for i, leg in enumerate(c.legs):
            for attr, value in (("from", leg.from_), ("to", leg.to)):
                if value not in places:
                    out.append(
                        Problem(f"{base}.legs[{i}].{attr}", _unknown("place", value, places))
                    )
            if i > 0 and leg.from_ != c.legs[i - 1].to:
                out.append(
                    Problem(
                        f"{base}.legs[{i}].from",
                        f"'{leg.from_}' does not continue the previous leg, which ends at "
                        f"'{c.legs[i - 1].to}'",
                    )
                )
        if c.legs[0].from_ != c.origin:
            out.append(
                Problem(f"{base}.legs[0].from", f"the first leg must start at origin '{c.origin}'")
            )
        if c.legs[-1].to in places and c.legs[-1].to not in ends:  # unknown: said above
            out.append(
                Problem(
                    f"{base}.legs[{len(c.legs) - 1}].to",
                    f"the last leg must end at the depot '{s.depot.place}'"
                    + (
                        f" or at a destination ({', '.join(list(stocks)[1:])})"
                        if len(stocks) > 1
                        else ""
                    )
                    + (
                        f" or at a terminal ({', '.join(ends[len(stocks) :])})"
                        if len(ends) > len(stocks)
                        else ""
                    )
                    + f" (it ends at '{c.legs[-1].to}', which holds no stock)",
                )
            )
        for attr, value in (("origin", c.origin), ("staging", c.staging)):
            if value not in places:
                out.append(Problem(f"{base}.{attr}", _unknown("place", value, places)))
        if c.staging in places and c.staging not in chain[:-1]:
            out.append(
                Problem(f"{base}.staging", f"'{c.staging}' is not a place on the corridor's legs")
            )
        elif c.staging in chain[:-1]:
            for i, leg in enumerate(c.legs[: chain.index(c.staging)]):
                if "risk" in leg.model_fields_set and leg.risk > 0:
                    out.append(
                        Problem(
                            f"{base}.legs[{i}].risk",
                            "legs before the staging point carry no threat in this model; "
                            f"set risk: 0 or move staging (got {leg.risk})",
                        )
                    )
        out.extend(_policy_problems(f"{base}.escort_policy", c.escort_policy.forces, s))

    if not out:
        for cycle in secondary_cycles(s):
            out.append(
                Problem(
                    f"corridors.{cycle[0]}",
                    f"corridors {', '.join(cycle)} form a cycle of secondary distribution "
                    f"(between {', '.join(sorted({s.corridors[k].origin for k in cycle}))}) "
                    "with no source upstream: add a corridor from an origin without stock "
                    "into one of them",
                )
            )
    corridors = set(s.corridors)
    first_with_id: dict[str, int] = {}
    for i, ev in enumerate(s.events):
        base = f"events[{i}]"
        if ev.id is not None:
            if ev.id in first_with_id:
                out.append(
                    Problem(
                        f"{base}.id",
                        f"duplicate id {_got(ev.id)} (also events[{first_with_id[ev.id]}]): "
                        "`extends` merges and removes events by id, so each must be unique",
                    )
                )
            first_with_id.setdefault(ev.id, i)
        if not s.start <= ev.date <= s.end:
            out.append(
                Problem(
                    f"{base}.date",
                    f"{ev.date} is outside the horizon {s.start} .. {s.end}",
                )
            )
        if isinstance(ev, _PlaceEvent) and ev.place is not None and ev.place not in stocks:
            out.append(
                Problem(
                    f"{base}.place",
                    f"'{ev.place}' holds no stock (stocks at: {', '.join(stocks)})"
                    if ev.place in places
                    else _unknown("place", ev.place, places),
                )
            )
        if isinstance(ev, RationingEvent):
            out.extend(_rationing_event_problems(s, ev, base))
        if isinstance(ev, _CorridorsEvent) and ev.corridors != ["all"]:
            for j, name in enumerate(ev.corridors):
                if name not in corridors:
                    out.append(
                        Problem(f"{base}.corridors[{j}]", _unknown("corridor", name, corridors))
                    )
        if isinstance(ev, EscortPolicyEvent):
            if ev.max_size < ev.min_size:
                out.append(
                    Problem(
                        f"{base}.max_size",
                        f"must be >= min_size ({ev.min_size}) (got {ev.max_size})",
                    )
                )
            out.extend(_policy_problems(base, ev.forces, s))
        elif isinstance(ev, ContractEvent):
            for name in ev.split:
                if name not in corridors:
                    out.append(
                        Problem(f"{base}.split.{name}", _unknown("corridor", name, corridors))
                    )
            # quantity_t of a commodity in tonnes is its tonnes: no product to convert with.
            in_tonnes = s.commodity_units.get(ev.commodity or s.main_commodity) == "t"
            if ev.quantity_t is not None and ev.product not in s.products and not in_tonnes:
                out.append(
                    Problem(f"{base}.product", _unknown("product", ev.product, set(s.products)))
                )
        elif isinstance(ev, ScriptedAttackEvent):
            if ev.corridor not in corridors:
                out.append(
                    Problem(f"{base}.corridor", _unknown("corridor", ev.corridor, corridors))
                )
            elif ev.leg_from is not None:
                c = s.corridors[ev.corridor]
                starts = [leg.from_ for leg in c.legs]
                if c.staging in starts:
                    starts = starts[starts.index(c.staging) :]
                if ev.leg_from not in starts:
                    out.append(
                        Problem(
                            f"{base}.leg_from",
                            f"no leg of corridor '{ev.corridor}' from its staging point on "
                            f"starts at '{ev.leg_from}' (they start at: {', '.join(starts)})",
                        )
                    )
    out.extend(_disruption_problems(s))
    out.extend(_seize_problems(s))
    out.extend(commodity_problems(s))
    out.extend(terminal_problems(s))
    out.extend(port_problems(s))
    if not out:  # the estimates below assume the references hold
        out.extend(_size_problems(s))
    return out


# ---------------------------------------------------------------- the network


def _rationing_event_problems(s: Scenario, ev: RationingEvent, base: str) -> list[Problem]:
    # A dated rule keeps its place's `rule`: hysteresis fields need that rule.
    blocks = {s.depot.place: s.rationing, **{d.place: d.rationing for d in s.destinations.values()}}
    block = blocks.get(ev.place or s.depot.place)
    if block is None or block.rule != "default":
        return []
    return [
        Problem(f"{base}.{name}", "needs rule: hysteresis at its place (the default rule has none)")
        for name in ("stop_threshold_days", "min_days")
        if getattr(ev, name) is not None
    ]


def stock_places(s: Scenario) -> list[str]:
    """The places that hold a stock: the depot's first, then the destinations' in order."""
    return [s.depot.place, *(d.place for d in s.destinations.values())]


def leg_risk(c: Corridor, leg: Leg) -> float:
    """The relative risk the model gives ``leg`` of ``c`` [-].

    A road leg's ``risk`` (default 1); an air or sea leg has none unless the file writes
    one (an air bridge is not a threatened road).
    """
    if c.mode == "road" or "risk" in leg.model_fields_set:
        return leg.risk
    return 0.0


def is_secondary(c: Corridor, stocks: set[str] | list[str]) -> bool:
    """Whether ``c`` loads from a stock: its origin holds one, and is not its own end.

    A corridor from a stock's place back to that place (say, a stand-in for an airlift)
    keeps today's meaning, an unlimited terminal, so such files run as before.
    """
    return c.origin in stocks and c.origin != c.legs[-1].to


def secondary_cycles(s: Scenario) -> list[list[str]]:
    """Cycles of secondary corridors that no corridor from outside the cycle feeds.

    A corridor whose origin is a stock's place carries that stock onwards; a ring of them
    (a -> b -> a) with no corridor into the ring from a terminal or another stock only
    moves a finite stock round. Each cycle is listed once, as corridor keys.
    """
    stocks = set(stock_places(s))
    into: dict[str, list[str]] = {}  # stock place -> corridor keys that end there
    for key, c in s.corridors.items():
        into.setdefault(c.legs[-1].to, []).append(key)
    # Tarjan's strongly connected components over stocks, edges upstream -> downstream.
    edges: dict[str, list[str]] = {p: [] for p in stocks}
    for c in s.corridors.values():
        if is_secondary(c, stocks):
            edges[c.origin].append(c.legs[-1].to)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    comps: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                comp.add(w)
                if w == v:
                    break
            comps.append(comp)

    for v in stock_places(s):
        if v not in index:
            visit(v)
    out: list[list[str]] = []
    for comp in comps:
        inner = [
            k
            for p in comp
            for k in into.get(p, [])
            if s.corridors[k].origin in comp and is_secondary(s.corridors[k], stocks)
        ]
        if not inner:
            continue  # a single stock with no corridor onto itself
        fed = any(not is_secondary(s.corridors[k], comp) for p in comp for k in into.get(p, []))
        if not fed:
            out.append(sorted(inner))
    return out


# ---------------------------------------------------------------- what the numbers imply


def delay_upper_h(delay: FixedDelay | UniformDelay | TriangularDelay | LognormalDelay) -> float:
    """The upper end of a delay [h]: its maximum, or mean + 4 sd for a lognormal.

    The same rule sizes the simulation's warm-up (``simfuel.sim.plan``).
    """
    if isinstance(delay, FixedDelay):
        return delay.value
    if isinstance(delay, LognormalDelay):
        return delay.mean + 4 * delay.sd
    return delay.high


def pipeline_h(c: Corridor) -> float:
    """Origin to depot [h]: every leg driven plus the border delay at its upper end."""
    return sum(leg.length_km / leg.speed_kmh for leg in c.legs) + delay_upper_h(c.border_delay_h)


def warmup_days(s: Scenario) -> int:
    """Days the simulation runs before ``start`` to fill the pipeline (as the engine does)."""
    return math.ceil(max(pipeline_h(c) for c in s.corridors.values()) / 24.0) + 1


def convoy_estimate(s: Scenario) -> dict[str, dict[str, float]]:
    """An upper estimate of the convoys one replication forms, per corridor.

    Each dispatch batch forms at most ``1 + n / max_size`` convoys, so a corridor forms at
    most ``dispatches + tankers / max_size`` convoys, with ``dispatches`` =
    ``dispatches_per_day`` x (warm-up + horizon days), ``tankers`` its highest supply rate
    over those days plus every contract, and ``max_size`` its smallest. A convoy that turns
    back forms again: the count is multiplied by the expected trips ``1 / (1 - q)``, with
    ``q`` = ``turn_back_probability`` x the chance of an attack on the whole route at the
    highest intensity (at most one trip per shortest leg's driving time in the run).
    ``tankers`` includes the corridor's starting state (``initial``); on an air corridor
    every load is a convoy (``max_size`` 1), on a sea corridor every ship
    (``loads_per_ship``).

    Returns
    -------
    dict
        Per corridor key: ``days``, ``dispatches``, ``tankers``, ``max_size``, ``trips`` and
        ``convoys`` (the estimate).
    """
    days = warmup_days(s) + s.horizon_days
    out: dict[str, dict[str, float]] = {}
    for key, c in s.corridors.items():
        rate, size, intensity = c.tankers_per_day, c.escort_policy.max_size, c.blockade_intensity
        contract_tankers = 0.0
        for ev in s.events:
            if isinstance(ev, ContractEvent) and key in ev.split:
                contract_tankers += contract_vehicles(s, ev).get(key, 0.0)
            elif isinstance(ev, _CorridorsEvent) and (
                ev.corridors == ["all"] or key in ev.corridors
            ):
                if isinstance(ev, SupplyRateEvent):
                    rate = max(rate, ev.tankers_per_day)
                elif isinstance(ev, EscortPolicyEvent):
                    size = min(size, ev.max_size)
                elif isinstance(ev, BlockadeEvent):
                    intensity = max(intensity, ev.intensity)
        if c.mode != "road":  # an aircraft or a ship travels alone: a convoy per vehicle
            size = c.sea.loads_per_ship if c.sea is not None else 1
        if c.initial is not None:
            contract_tankers += c.initial.staged_tankers + sum(g.tankers for g in c.initial.on_road)
        starts = [leg.from_ for leg in c.legs]
        legs = c.legs[starts.index(c.staging) :] if c.staging in starts else c.legs
        exposure = sum(leg.risk * leg.length_km for leg in legs) / 100.0
        q = s.threat.turn_back_probability * -math.expm1(
            -s.threat.hazard_per_100km * intensity * exposure
        )
        shortest_h = min(leg.length_km / leg.speed_kmh for leg in legs)
        trips = min(1.0 / (1.0 - q) if q < 1.0 else math.inf, 1.0 + 24.0 * days / shortest_h)
        dispatches = days * c.dispatches_per_day
        tankers = rate * days + contract_tankers
        out[key] = {
            "days": days,
            "dispatches": dispatches,
            "tankers": tankers,
            "max_size": size,
            "trips": trips,
            "convoys": (dispatches + tankers / size) * trips,
        }
    return out


def _size_problems(s: Scenario) -> list[Problem]:
    out: list[Problem] = []
    for key, c in s.corridors.items():
        hours = pipeline_h(c)
        if hours > 24.0 * MAX_PIPELINE_DAYS:
            out.append(
                Problem(
                    f"corridors.{key}",
                    "origin to depot (legs length_km / speed_kmh plus border_delay_h at its "
                    f"upper end) must be <= {MAX_PIPELINE_DAYS} days: the warm-up runs that "
                    f"long before start (got {hours / 24.0:.4g} days)",
                )
            )
    if out:
        return out
    first = s.start - dt.timedelta(days=warmup_days(s))
    if first < FIRST_DATE:
        out.append(
            Problem(
                "start",
                f"the warm-up before start (filling the pipeline) must begin on or after "
                f"{FIRST_DATE} (got {first}, {warmup_days(s)} days before {s.start})",
            )
        )
    estimate = convoy_estimate(s)
    total = sum(e["convoys"] for e in estimate.values())
    if total > MAX_CONVOYS:
        key, e = max(estimate.items(), key=lambda kv: kv[1]["convoys"])
        many_trips = e["trips"] > 1.01
        trips = f" x {e['trips']:.3g} trips" if many_trips else ""
        fix = (
            "lower threat.turn_back_probability or threat.hazard_per_100km"
            if many_trips
            else "lower tankers_per_day, contracts or dispatches_per_day, raise "
            "escort_policy.max_size or shorten start .. end"
        )
        out.append(
            Problem(
                f"corridors.{key}",
                f"one run would form too many convoys: must be <= {MAX_CONVOYS} (got about "
                f"{total:.3g}; here ({e['dispatches']:.3g} dispatches over {e['days']:.0f} days "
                f"with warm-up + {e['tankers']:.3g} tankers / max_size {e['max_size']:.0f})"
                f"{trips}); {fix}",
            )
        )
    return out


def _policy_problems(base: str, forces: list[str], s: Scenario) -> list[Problem]:
    known = set(s.escorts)
    return [
        Problem(f"{base}.forces[{j}]", _unknown("escort force", name, known))
        for j, name in enumerate(forces)
        if name not in known
    ]


def _unknown(what: str, value: str, known: set[str]) -> str:
    import difflib

    hint = difflib.get_close_matches(value, sorted(known), n=1)
    msg = f"unknown {what} '{value}'"
    if hint:
        msg += f" (did you mean '{hint[0]}'?)"
    elif known:
        msg += f" (known: {', '.join(sorted(known))})"
    return msg
