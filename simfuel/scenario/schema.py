"""The scenario format: pydantic v2 models of everything a scenario file may say.

Every quantity carries its unit in its name (``length_km``, ``speed_kmh``, ``capacity_l``,
``delay_h``, ``demand_l_per_day``). Unknown keys are errors (``extra="forbid"``). Checks that
involve several parts of the file (a leg naming an unknown place, a policy naming an unknown
escort force, an event dated outside the horizon) run in :meth:`Scenario._check_references`
and report the exact field path of the offending value.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from .errors import Problem, ScenarioError

__all__ = [
    "Corridor",
    "Demand",
    "Depot",
    "EscortForce",
    "EscortPolicy",
    "Event",
    "Leg",
    "Place",
    "Product",
    "Rationing",
    "Scenario",
    "Threat",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# ---------------------------------------------------------------- distributions of delays


class FixedDelay(_Model):
    """A delay that is always the same. A bare number in YAML means this."""

    distribution: Literal["fixed"] = "fixed"
    value: float = Field(ge=0, description="The delay [h].")


class UniformDelay(_Model):
    """A delay drawn uniformly between ``low`` and ``high`` hours."""

    distribution: Literal["uniform"]
    low: float = Field(ge=0, description="Shortest delay [h].")
    high: float = Field(ge=0, description="Longest delay [h].")

    @model_validator(mode="after")
    def _ordered(self) -> UniformDelay:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must be >= low ({self.low})")
        return self


class TriangularDelay(_Model):
    """A delay drawn from a triangular distribution (hours)."""

    distribution: Literal["triangular"]
    low: float = Field(ge=0, description="Shortest delay [h].")
    mode: float = Field(ge=0, description="Most likely delay [h].")
    high: float = Field(ge=0, description="Longest delay [h].")

    @model_validator(mode="after")
    def _ordered(self) -> TriangularDelay:
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"need low <= mode <= high (got {self.low}, {self.mode}, {self.high})")
        return self


class LognormalDelay(_Model):
    """A delay drawn from a lognormal distribution with the given mean and sd (hours)."""

    distribution: Literal["lognormal"]
    mean: float = Field(gt=0, description="Mean delay [h].")
    sd: float = Field(ge=0, description="Standard deviation of the delay [h].")


def _bare_number_is_fixed(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"distribution": "fixed", "value": value}
    return value


Delay = Annotated[
    FixedDelay | UniformDelay | TriangularDelay | LognormalDelay,
    Field(discriminator="distribution"),
]


def _zero_delay() -> FixedDelay:
    return FixedDelay(value=0.0)


# ---------------------------------------------------------------- network


class Place(_Model):
    """A named point on the map."""

    lat: float = Field(ge=-90, le=90, description="Latitude [degrees north].")
    lon: float = Field(ge=-180, le=180, description="Longitude [degrees east].")
    name: str | None = Field(None, description="Display name (defaults to the key).")
    country: str | None = Field(None, description="ISO 3166 alpha-3 code, for display.")


class Leg(_Model):
    """One stretch of road between two places."""

    from_: str = Field(alias="from", description="Place the leg starts at.")
    to: str = Field(description="Place the leg ends at.")
    length_km: float = Field(gt=0, description="Road length [km].")
    speed_kmh: float = Field(gt=0, description="Mean convoy speed on the leg [km/h].")
    risk: float = Field(
        1.0, ge=0, description="Relative attack risk weight [-]; only legs from staging on."
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
    required: bool = Field(False, description="Convoys wait for every listed force.")
    min_size: int = Field(1, ge=1, description="Smallest convoy that may leave [tankers].")
    max_size: int = Field(50, ge=1, description="Largest convoy [tankers].")

    @model_validator(mode="after")
    def _sizes(self) -> EscortPolicy:
        if self.max_size < self.min_size:
            raise ValueError(f"max_size ({self.max_size}) must be >= min_size ({self.min_size})")
        return self


class Corridor(_Model):
    """A route from a loading origin through a staging point (the border) to the depot."""

    name: str | None = Field(None, description="Display name.")
    origin: str = Field(description="Place where tankers load.")
    staging: str = Field(description="Place where convoys form (normally the border).")
    legs: list[Leg] = Field(min_length=1, description="Ordered legs from origin to depot.")
    border_delay_h: Delay = Field(
        default_factory=_zero_delay, description="Border/customs delay at staging [h]."
    )
    tankers_per_day: float = Field(ge=0, description="Tankers loaded per day at the origin.")
    tanker_capacity_l: int = Field(45_000, gt=0, description="Load of one tanker [L].")
    dispatches_per_day: int = Field(
        4, ge=1, le=24, description="Tankers leave the origin in this many batches a day."
    )
    blockade_intensity: float = Field(0.0, ge=0, description="Initial blockade intensity [-].")
    escort_policy: EscortPolicy = Field(
        default_factory=EscortPolicy, description="Initial convoy formation policy."
    )
    source: str | None = Field(None, description="Where the figures come from.")

    @field_validator("border_delay_h", mode="before")
    @classmethod
    def _delay_number(cls, value: Any) -> Any:
        return _bare_number_is_fixed(value)


# ---------------------------------------------------------------- forces, threat, stocks


class EscortForce(_Model):
    """A named escort force: a pool of identical units.

    Ground units ride with the convoy to the depot and drive back to the staging point
    (plus ``turnaround_h``) before they escort again. Air units share a daily budget of
    ``units * convoy_hours_per_day`` convoy-hours of cover.
    """

    kind: Literal["air", "ground"] = Field(description="Air cover or ground escort.")
    units: int = Field(ge=0, description="Units available [-].")
    deterrence: float = Field(ge=0, le=1, description="Multiplies the attack hazard [-].")
    protection: float = Field(ge=0, le=1, description="Multiplies the fraction lost [-].")
    convoy_hours_per_day: float = Field(
        12.0, gt=0, le=24, description="Air only: convoy-hours one unit covers a day [h]."
    )
    turnaround_h: float = Field(
        0.0, ge=0, description="Ground only: rest after the drive back [h]."
    )
    name: str | None = Field(None, description="Display name.")
    source: str | None = Field(None, description="Where the figures come from.")


class Threat(_Model):
    """Ambush hazard and what an attack does.

    A leg of length ``L`` is attacked with probability
    ``1 - exp(-hazard_per_100km * intensity * risk * deterrence * L / 100)``.
    """

    hazard_per_100km: float = Field(ge=0, description="Attacks per 100 km at intensity 1.")
    loss_fraction_mean: float = Field(
        ge=0, le=1, description="Mean fraction of an unescorted convoy lost when attacked."
    )
    loss_fraction_concentration: float = Field(
        10.0, gt=0, description="Concentration (a + b) of the Beta loss distribution [-]."
    )
    capture_fraction: float = Field(
        0.0, ge=0, le=1, description="Share of lost tankers captured rather than burned."
    )
    attack_delay_h: Delay = Field(
        default_factory=_zero_delay, description="Delay an attack inflicts on survivors [h]."
    )
    turn_back_probability: float = Field(
        0.0, ge=0, le=1, description="Chance an attacked convoy turns back to staging."
    )

    @field_validator("attack_delay_h", mode="before")
    @classmethod
    def _delay_number(cls, value: Any) -> Any:
        return _bare_number_is_fixed(value)


class Depot(_Model):
    """The destination depot (Bamako)."""

    place: str = Field(description="Place key of the depot; every corridor ends here.")
    capacity_l: float = Field(gt=0, description="Storage capacity [L].")
    initial_stock_l: float = Field(ge=0, description="Stock at the start [L].")
    reserve_l: float = Field(0.0, ge=0, description="Strategic reserve, held apart [L].")
    reserve_release_days: float = Field(
        0.0, ge=0, description="Release the reserve when cover falls below this [days]."
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


class Demand(_Model):
    """National fuel demand drawn from the depot."""

    demand_l_per_day: float = Field(gt=0, description="Demand [L/day].")
    cv: float = Field(0.0, ge=0, le=1, description="Day-to-day coefficient of variation.")
    source: str | None = Field(None, description="Where the figures come from.")


class Rationing(_Model):
    """Below ``threshold_days`` of cover only ``served_fraction`` of demand is served."""

    threshold_days: float = Field(0.0, ge=0, description="Cover that triggers rationing [days].")
    served_fraction: float = Field(1.0, ge=0, le=1, description="Share of demand served.")


class Product(_Model):
    """A fuel product and its tonnes-to-litres factor."""

    litres_per_tonne: float = Field(gt=0, description="Litres in one tonne [L/t].")


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
    date: dt.date = Field(description="Day the event takes effect, at 00:00.")
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
    intensity: float = Field(ge=0, description="Blockade intensity [-] (0 = none).")


class EscortPolicyEvent(_CorridorsEvent):
    """From this date the corridors form convoys under this policy."""

    type: Literal["escort_policy"] = Field(description="Event type.")
    forces: list[str] = Field(default_factory=list, description="Escort forces, by key.")
    required: bool = Field(False, description="Convoys wait for every listed force.")
    min_size: int = Field(1, ge=1, description="Smallest convoy that may leave [tankers].")
    max_size: int = Field(50, ge=1, description="Largest convoy [tankers].")

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
    tankers_per_day: float = Field(ge=0, description="Tankers loaded per day.")


class ContractEvent(_Event):
    """An import contract: a quantity delivered evenly over ``period_days`` from ``date``.

    Give ``quantity_t`` with a ``product`` (converted with its ``litres_per_tonne``) or
    ``quantity_l``. ``split`` shares the quantity over corridors; shares must sum to 1.
    """

    type: Literal["contract"] = Field(description="Event type.")
    quantity_t: float | None = Field(None, gt=0, description="Quantity [t].")
    quantity_l: float | None = Field(None, gt=0, description="Quantity [L].")
    product: str = Field("diesel", description="Product key (for quantity_t).")
    period_days: float = Field(gt=0, description="Delivery period [days].")
    split: dict[str, float] = Field(description="Share of the quantity per corridor [-].")

    @model_validator(mode="after")
    def _one_quantity(self) -> ContractEvent:
        if (self.quantity_t is None) == (self.quantity_l is None):
            raise ValueError("give exactly one of quantity_t and quantity_l")
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
    """

    type: Literal["scripted_attack"] = Field(description="Event type.")
    corridor: str = Field(description="Corridor key.")
    leg_from: str | None = Field(None, description="Place where the attacked leg starts.")
    tankers_destroyed: int = Field(ge=0, description="Tankers burned [tankers].")
    tankers_captured: int = Field(0, ge=0, description="Tankers captured [tankers].")


class DemandEvent(_Event):
    """From this date national demand is ``demand_l_per_day``."""

    type: Literal["demand"] = Field(description="Event type.")
    demand_l_per_day: float = Field(gt=0, description="Demand [L/day].")


class RationingEvent(_Event):
    """From this date the rationing rule is this one."""

    type: Literal["rationing"] = Field(description="Event type.")
    threshold_days: float = Field(ge=0, description="Cover that triggers rationing [days].")
    served_fraction: float = Field(ge=0, le=1, description="Share of demand served.")


Event = Annotated[
    BlockadeEvent
    | EscortPolicyEvent
    | SupplyRateEvent
    | ContractEvent
    | ScriptedAttackEvent
    | DemandEvent
    | RationingEvent,
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
)
DELAY_DISTRIBUTIONS = ("fixed", "uniform", "triangular", "lognormal")


# ---------------------------------------------------------------- the scenario


class Scenario(_Model):
    """A validated scenario: the network, the forces, the threat, the stocks, the timeline.

    Build one with :func:`simfuel.load_scenario` (from YAML) or ``Scenario.model_validate``.
    The horizon runs from ``start`` 00:00 to ``end`` 24:00 (``end`` is included).
    """

    name: str = Field(description="Short name, used in outputs.")
    description: str = Field("", description="What the scenario represents.")
    start: dt.date = Field(description="First simulated day (YYYY-MM-DD).")
    end: dt.date = Field(description="Last simulated day, included (YYYY-MM-DD).")
    places: dict[str, Place] = Field(min_length=1, description="Named places, by key.")
    products: dict[str, Product] = Field(
        default_factory=_default_products, description="Fuel products and L/t factors (BP)."
    )
    depot: Depot = Field(description="The destination depot.")
    demand: Demand = Field(description="Demand drawn from the depot.")
    rationing: Rationing = Field(default_factory=Rationing, description="Rationing rule.")
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

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        problems = list(_reference_problems(self))
        if problems:
            # A ValueError subclass: pydantic wraps it, and the loader unwraps its problems.
            raise ScenarioError("<scenario>", problems)
        return self


def _reference_problems(s: Scenario) -> list[Problem]:
    out: list[Problem] = []
    if s.end < s.start:
        out.append(Problem("end", f"{s.end} is before start {s.start}"))
    places = set(s.places)
    if s.depot.place not in places:
        out.append(Problem("depot.place", _unknown("place", s.depot.place, places)))

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
        if c.legs[-1].to != s.depot.place:
            out.append(
                Problem(
                    f"{base}.legs[{len(c.legs) - 1}].to",
                    f"the last leg must end at the depot '{s.depot.place}'",
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

    corridors = set(s.corridors)
    for i, ev in enumerate(s.events):
        base = f"events[{i}]"
        if not s.start <= ev.date <= s.end:
            out.append(
                Problem(
                    f"{base}.date",
                    f"{ev.date} is outside the horizon {s.start} .. {s.end}",
                )
            )
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
            if ev.quantity_t is not None and ev.product not in s.products:
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
