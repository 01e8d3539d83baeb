"""Commodities and vehicles in the scenario format: the sugar, the checks, the look-ups.

A scenario without ``commodities`` has one commodity, ``fuel``, in litres: the ``*_l``
fields of ``depot``, ``demand``, ``rationing`` and ``destinations`` are its stocks, and a
corridor's ``tanker_capacity_l`` its vehicle. With ``commodities``, the first key is the
**main** commodity; the ``*_l`` fields stay its sugar while it is in litres, and a place's
``commodities.<key>`` block (``capacity``, ``initial``, ``reserve``, ``demand``,
``rationing``, in the commodity's unit) gives any other commodity's stock there, or the
main one's instead of the ``*_l`` fields (required when it is not in litres).

:func:`expand_commodity_sugar` runs on the raw mapping before validation: a place whose
block gives the main commodity gets its ``*_l`` fields (and, for the depot, the top-level
``demand`` and ``rationing``) filled from it, so every reader of ``depot.capacity_l`` sees
the main commodity's stock; a corridor with a ``vehicle`` gets ``tanker_capacity_l`` filled
with the vehicle's payload of the main commodity. The dump drops what was filled
(:func:`drop_commodity_defaults`), so a file round-trips and an old file hashes as before.

This module reads a :class:`~simfuel.scenario.schema.Scenario` by its attributes; the
schema imports it (not the other way round).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import Problem, ScenarioError

if TYPE_CHECKING:
    from .schema import ContractEvent, Corridor, Scenario

__all__ = [
    "CONTRACTLESS_POLICIES",
    "COUNT_UNITS",
    "DEFAULT_COMMODITY",
    "commodity_problems",
    "contract_amount",
    "contract_vehicles",
    "corridor_payload",
    "drop_commodity_defaults",
    "expand_commodity_sugar",
    "order_up_to_commodity",
    "stock_commodities",
    "unknown_reference",
]

#: The one commodity of a scenario that declares no ``commodities``: fuel in litres.
DEFAULT_COMMODITY = "fuel"

#: Units that count whole things (an evacuation's ``people``): a stock's capacity, initial
#: level and reserve are whole numbers in them (payloads are whole in every unit).
COUNT_UNITS = frozenset({"people"})

# A place's flat fields of the main commodity, and the block fields they come from.
_FLAT = (
    ("capacity_l", "capacity"),
    ("initial_stock_l", "initial"),
    ("reserve_l", "reserve"),
    ("reserve_release_days", "reserve_release_days"),
)


def _main_key(data: dict[str, Any]) -> str:
    commodities = data.get("commodities")
    if isinstance(commodities, dict) and commodities:
        return str(next(iter(commodities)))
    return DEFAULT_COMMODITY


def _placeholder(value: Any, low: float, strict: bool) -> Any:
    """``value`` if it is a plain number above ``low``, else a valid stand-in.

    The block is validated too: a bad value there is reported once, at its own path, and
    the stand-in never survives (validation fails on the block).
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return low + 1.0
    if not math.isfinite(value) or value < low or (strict and value == low):
        return low + 1.0
    return value


def _fill_place(
    place: dict[str, Any], main: str, where: str, problems: list[Problem]
) -> tuple[dict[str, Any], Any, Any]:
    """The place with its flat fields filled from its main block; (place, demand, rationing).

    Returns the demand and rationing of the block (None when the block is absent), for
    the caller to place where that place keeps them.
    """
    blocks = place.get("commodities")
    if not isinstance(blocks, dict) or not isinstance(blocks.get(main), dict):
        return place, None, None
    block = blocks[main]
    out = dict(place)
    for flat, key in _FLAT:
        if flat in place:
            problems.append(
                Problem(
                    f"{where}.{flat}",
                    f"the main commodity '{main}' is given in {where}.commodities.{main}: "
                    f"drop {flat} (or the block)",
                )
            )
        elif key in block:
            out[flat] = _placeholder(block[key], 0.0, strict=key == "capacity")
    demand = block.get("demand")
    if isinstance(demand, dict):
        cv = demand.get("cv", 0.0)
        ok = not isinstance(cv, bool) and isinstance(cv, int | float) and 0 <= cv <= 1
        demand = {
            "demand_l_per_day": _placeholder(demand.get("per_day"), 1.0, strict=False),
            "cv": cv if ok else 0.0,
        }
    return out, demand, block.get("rationing")


def expand_commodity_sugar(data: Any) -> Any:
    """Fill a raw scenario mapping's main-commodity fields from the commodity blocks.

    Parameters
    ----------
    data : Any
        The mapping given to ``Scenario.model_validate`` (anything else is returned as is).

    Returns
    -------
    Any
        A copy with the depot's and destinations' ``*_l`` fields (the depot's top-level
        ``demand`` and ``rationing``) filled from their ``commodities.<main>`` block, and
        each corridor with a ``vehicle`` given ``tanker_capacity_l`` = its payload of the
        main commodity.

    Raises
    ------
    ScenarioError
        If a flat field and the main commodity's block are both given, or a corridor gives
        both ``vehicle`` and ``tanker_capacity_l``.
    """
    if not isinstance(data, dict):
        return data
    main = _main_key(data)
    problems: list[Problem] = []
    out = dict(data)
    depot = data.get("depot")
    if isinstance(depot, dict):
        out["depot"], demand, rationing = _fill_place(depot, main, "depot", problems)
        if demand is not None:
            if "demand" in data:
                problems.append(
                    Problem("demand", f"given in depot.commodities.{main}.demand: drop one")
                )
            else:
                out["demand"] = demand
        if rationing is not None:
            if "rationing" in data:
                problems.append(
                    Problem("rationing", f"given in depot.commodities.{main}.rationing: drop one")
                )
            else:
                out["rationing"] = rationing
    destinations = data.get("destinations")
    if isinstance(destinations, dict):
        filled = {}
        for key, d in destinations.items():
            if not isinstance(d, dict):
                filled[key] = d
                continue
            where = f"destinations.{key}"
            place, demand, rationing = _fill_place(d, main, where, problems)
            for name, value in (("demand", demand), ("rationing", rationing)):
                if value is None:
                    continue
                if name in d:
                    problems.append(
                        Problem(f"{where}.{name}", f"given in {where}.commodities.{main}: drop one")
                    )
                else:
                    place[name] = value
            filled[key] = place
        out["destinations"] = filled
    corridors, vehicles = data.get("corridors"), data.get("vehicles")
    if isinstance(corridors, dict):
        filled = {}
        for key, c in corridors.items():
            if isinstance(c, dict) and "vehicle" in c:
                if "tanker_capacity_l" in c:
                    problems.append(
                        Problem(
                            f"corridors.{key}.tanker_capacity_l",
                            "give either vehicle or tanker_capacity_l, not both",
                        )
                    )
                elif isinstance(vehicles, dict) and isinstance(vehicles.get(c["vehicle"]), dict):
                    payload = vehicles[c["vehicle"]].get("payload")
                    amount = payload.get(main) if isinstance(payload, dict) else None
                    if isinstance(amount, int) and not isinstance(amount, bool) and amount > 0:
                        c = {**c, "tanker_capacity_l": amount}
            filled[key] = c
        out["corridors"] = filled
    if problems:
        raise ScenarioError("<scenario>", problems)
    return out


def not_required(*names: str) -> Callable[[dict[str, Any]], None]:
    """A ``json_schema_extra`` that lists ``names`` as optional in the JSON Schema.

    Fields a ``commodities.<main>`` block may fill (:func:`expand_commodity_sugar`) are
    required by the model but not by the file; an editor checking a food-only file
    against ``simfuel schema`` must not ask for ``capacity_l``.
    """

    def edit(schema: dict[str, Any]) -> None:
        required = [n for n in schema.get("required", []) if n not in names]
        if required:
            schema["required"] = required
        else:
            schema.pop("required", None)

    return edit


def drop_commodity_defaults(s: Scenario, out: dict[str, Any]) -> None:
    """Remove from a dump ``out`` of ``s`` what :func:`expand_commodity_sugar` filled.

    Also the new fields left at their defaults, so an old file dumps (and hashes) as before.
    """
    main = s.main_commodity
    if not s.commodities:
        out.pop("commodities", None)
    if not s.vehicles:
        out.pop("vehicles", None)

    def place(row: Any, blocks: dict[str, Any], top: dict[str, Any] | None) -> None:
        if not isinstance(row, dict):
            return
        if not blocks:
            row.pop("commodities", None)
            return
        if main in blocks:
            for flat, _ in _FLAT:
                row.pop(flat, None)
            holder = row if top is None else top
            holder.pop("demand", None)
            holder.pop("rationing", None)

    place(out.get("depot"), s.depot.commodities, out)
    rows = out.get("destinations")
    if isinstance(rows, dict):
        for key, d in s.destinations.items():
            place(rows.get(key), d.commodities, None)
    rows = out.get("events")
    if isinstance(rows, list):
        for ev, row in zip(s.events, rows, strict=False):
            if isinstance(row, dict) and getattr(ev, "commodity", "") is None:
                row.pop("commodity", None)
            if isinstance(row, dict) and ev.type == "contract" and ev.quantity is None:
                row.pop("quantity", None)  # a contract of before: its dump unchanged
    rows = out.get("corridors")
    if isinstance(rows, dict):
        for key, c in s.corridors.items():
            row = rows.get(key)
            if not isinstance(row, dict):
                continue
            if c.vehicle is None:
                row.pop("vehicle", None)
            else:
                row.pop("tanker_capacity_l", None)
            block = row.get("dispatch")
            if isinstance(block, dict) and c.dispatch is not None and c.dispatch.commodity is None:
                block.pop("commodity", None)  # a dispatch of before: its dump unchanged


def corridor_payload(s: Scenario, c: Corridor) -> dict[str, int]:
    """What one vehicle of corridor ``c`` carries, by commodity [commodity unit].

    Its ``vehicle``'s payload, or ``{main: tanker_capacity_l}``.
    """
    if c.vehicle is not None and c.vehicle in s.vehicles:
        return dict(s.vehicles[c.vehicle].payload)
    return {s.main_commodity: c.tanker_capacity_l}


def contract_amount(s: Scenario, ev: ContractEvent) -> float:
    """A contract's whole quantity in its commodity's unit (0 for an unknown ``product``).

    ``quantity`` as given; ``quantity_l`` as given; ``quantity_t`` converted with its
    product's ``litres_per_tonne`` for a commodity in litres, as given for one in tonnes.
    """
    if ev.quantity is not None:
        return ev.quantity
    if ev.quantity_l is not None:
        return ev.quantity_l
    key = ev.commodity or s.main_commodity
    if s.commodity_units.get(key) == "t":
        return ev.quantity_t or 0.0
    product = s.products.get(ev.product)
    return 0.0 if product is None else (ev.quantity_t or 0.0) * product.litres_per_tonne


def contract_vehicles(s: Scenario, ev: ContractEvent) -> dict[str, float]:
    """Vehicles a contract adds on each corridor of its ``split`` (fractions included).

    Its :func:`contract_amount` times the corridor's share, over what one vehicle of the
    corridor carries of the contract's commodity; a corridor that does not exist or whose
    vehicle does not carry it (a validation error) is left out.
    """
    key = ev.commodity or s.main_commodity
    amount = contract_amount(s, ev)
    out: dict[str, float] = {}
    for ckey, share in ev.split.items():
        corridor = s.corridors.get(ckey)
        per_vehicle = 0 if corridor is None else corridor_payload(s, corridor).get(key, 0)
        if per_vehicle > 0:
            out[ckey] = amount * share / per_vehicle
    return out


def order_up_to_commodity(s: Scenario, c: Corridor) -> str | None:
    """The commodity an ``order_up_to`` corridor watches at its destination.

    Its ``dispatch.commodity``; else the main commodity if its vehicle carries it; else the
    one commodity the vehicle carries. None when that is undecided (a vehicle carrying
    several others and no ``dispatch.commodity``: a validation error).
    """
    named = None if c.dispatch is None else c.dispatch.commodity
    if named is not None:
        return named
    carried = list(corridor_payload(s, c))
    if s.main_commodity in carried:
        return s.main_commodity
    return carried[0] if len(carried) == 1 else None


def stock_commodities(s: Scenario, place: str) -> list[str]:
    """The commodities stocked at ``place`` (the main one first); [] if it holds no stock."""
    depots = [s.depot, *s.destinations.values()]
    for d in depots:
        if d.place == place:
            main = s.main_commodity
            return [main, *(k for k in d.commodities if k != main)]
    return []


def unknown_reference(what: str, value: str, known: list[str]) -> str:
    """``unknown place 'x' (did you mean 'y'?)``, else the known names (the network checks')."""
    hint = difflib.get_close_matches(value, sorted(known), n=1)
    msg = f"unknown {what} '{value}'"
    if hint:
        return msg + f" (did you mean '{hint[0]}'?)"
    return msg + (f" (known: {', '.join(known)})" if known else "")


def commodity_problems(s: Scenario) -> list[Problem]:
    """Every commodity and vehicle reference of ``s`` that does not hold, one line each.

    A vehicle payload, a stock block or a contract for an unknown commodity; a corridor
    naming an unknown vehicle, or none when the scenario declares commodities or vehicles;
    a vehicle carrying a commodity its corridor's destination (or, for secondary
    distribution, its origin's stock) does not stock; ``order_up_to`` dispatch watching a
    commodity its vehicle does not carry (or, without ``dispatch.commodity``, a vehicle
    carrying several commodities but not the main one); a contract of an unknown
    commodity, with a quantity in a unit its commodity is not in, or split to a corridor
    whose vehicle does not carry its commodity or that dispatches by ``schedule`` or
    ``order_up_to`` (:data:`CONTRACTLESS_POLICIES`: they would ignore it); the litre
    fields (``*_l``, ``tanker_capacity_l``) for a main commodity that is not in litres; a
    fractional capacity, initial stock or reserve of a commodity in a count unit
    (:data:`COUNT_UNITS`: half a person).
    """
    out: list[Problem] = []
    units = s.commodity_units
    known = list(units)
    main = s.main_commodity
    declared = bool(s.commodities or s.vehicles)
    for vkey, v in s.vehicles.items():
        for ckey in v.payload:
            if ckey not in units:
                out.append(
                    Problem(
                        f"vehicles.{vkey}.payload.{ckey}",
                        unknown_reference("commodity", ckey, known),
                    )
                )
    places = [("depot", s.depot), *((f"destinations.{k}", d) for k, d in s.destinations.items())]
    for where, d in places:
        for ckey, block in d.commodities.items():
            if ckey not in units:
                out.append(
                    Problem(
                        f"{where}.commodities.{ckey}", unknown_reference("commodity", ckey, known)
                    )
                )
            elif units[ckey] in COUNT_UNITS:
                out.extend(_count_problems(f"{where}.commodities.{ckey}", block, units[ckey]))
        if units[main] != "L" and main not in d.commodities:
            out.append(
                Problem(
                    f"{where}.capacity_l",
                    f"litres, but the main commodity '{main}' is in {units[main]}: give its "
                    f"stock as {where}.commodities.{main} (capacity, initial, demand)",
                )
            )
    stocks = {d.place for _, d in places}
    for ckey, c in s.corridors.items():
        base = f"corridors.{ckey}"
        known_vehicle = c.vehicle is None or c.vehicle in s.vehicles
        if c.dispatch_policy == "order_up_to" and known_vehicle:
            out.extend(_watch_problems(s, ckey, c))
        if c.vehicle is None:
            if "tanker_capacity_l" not in c.model_fields_set and declared:
                out.append(
                    Problem(
                        f"{base}.vehicle",
                        "required when the scenario declares commodities or vehicles (or "
                        "give tanker_capacity_l for the main commodity in litres)",
                    )
                )
            elif units[main] != "L":
                out.append(
                    Problem(
                        f"{base}.tanker_capacity_l",
                        f"litres, but the main commodity '{main}' is in {units[main]}: name a "
                        "vehicle instead",
                    )
                )
            continue
        if c.vehicle not in s.vehicles:
            out.append(
                Problem(
                    f"{base}.vehicle", unknown_reference("vehicle", c.vehicle, list(s.vehicles))
                )
            )
            continue
        carried = [k for k in s.vehicles[c.vehicle].payload if k in units]
        end = c.legs[-1].to
        ends = [(end, "its destination")]
        if c.origin in stocks and c.origin != end:
            ends.append((c.origin, "its origin's stock"))
        for place, role in ends:
            if place not in stocks:
                continue  # reported as a corridor ending where no stock is
            held = stock_commodities(s, place)
            missing = [k for k in carried if k not in held]
            if missing:
                out.append(
                    Problem(
                        f"{base}.vehicle",
                        f"vehicle '{c.vehicle}' carries {', '.join(missing)}, which {role} "
                        f"'{place}' does not stock (it stocks: {', '.join(held)})",
                    )
                )
    for i, ev in enumerate(s.events):
        if ev.type == "contract":
            out.extend(_contract_problems(s, f"events[{i}]", ev))
            continue
        what = getattr(ev, "commodity", None)
        if what is not None:
            place = getattr(ev, "place", None) or s.depot.place
            held = stock_commodities(s, place)
            if held and what not in held:
                out.append(
                    Problem(
                        f"events[{i}].commodity",
                        f"'{place}' holds no stock of '{what}' (it stocks: {', '.join(held)})"
                        if what in units
                        else unknown_reference("commodity", what, known),
                    )
                )
    return out


def _count_problems(where: str, block: Any, unit: str) -> list[Problem]:
    """A stock block's capacity, initial level and reserve: whole numbers of ``unit``."""
    return [
        Problem(f"{where}.{field}", f"{value:g} {unit}: must be a whole number of {unit}")
        for field in ("capacity", "initial", "reserve")
        if not float(value := getattr(block, field)).is_integer()
    ]


def _carrier(c: Corridor, key: str) -> str:
    """``corridor 'east''s vehicle 'lorry'``, or ``corridor 'east' (tankers)``."""
    if c.vehicle is None:
        return f"corridor '{key}' (tankers of the main commodity)"
    return f"corridor '{key}''s vehicle '{c.vehicle}'"


#: The shipped dispatch policies that load on a rule of their own and never add a
#: contract's vehicles (only ``fixed_rate`` does; a policy registered in Python reads
#: ``CorridorPlan.contracts`` if it wants them).
CONTRACTLESS_POLICIES = frozenset({"schedule", "order_up_to"})


def _contract_problems(s: Scenario, base: str, ev: ContractEvent) -> list[Problem]:
    """A contract's commodity, the unit of its quantity and the corridors that carry it."""
    units = s.commodity_units
    main = s.main_commodity
    key = ev.commodity or main
    if key not in units:
        return [Problem(f"{base}.commodity", unknown_reference("commodity", key, list(units)))]
    out: list[Problem] = []
    unit = units[key]
    if ev.quantity_l is not None and unit != "L":
        out.append(
            Problem(
                f"{base}.quantity_l",
                f"litres, but commodity '{key}' is in {unit}: give quantity (in {unit})",
            )
        )
    if ev.quantity_t is not None and unit not in ("L", "t"):
        out.append(
            Problem(
                f"{base}.quantity_t",
                f"tonnes, but commodity '{key}' is in {unit}: give quantity (in {unit})",
            )
        )
    if ev.quantity_t is not None and unit == "t" and "product" in ev.model_fields_set:
        out.append(
            Problem(
                f"{base}.product",
                f"converts tonnes to litres, but commodity '{key}' is in t (quantity_t is its "
                "tonnes): drop product",
            )
        )
    for ckey in ev.split:
        corridor = s.corridors.get(ckey)
        if corridor is None:
            continue  # reported as an unknown corridor
        if corridor.dispatch_policy in CONTRACTLESS_POLICIES:
            out.append(
                Problem(
                    f"{base}.split.{ckey}",
                    f"corridor '{ckey}' dispatches by {corridor.dispatch_policy}, which "
                    "loads on its own rule and adds no contract loadings: split the "
                    "contract to fixed_rate corridors",
                )
            )
            continue
        payload = corridor_payload(s, corridor)
        if key in payload:
            continue
        if ev.commodity is None:
            what = f"a contract is of the main commodity '{main}'"
        else:
            what = f"a contract of '{key}'"
        out.append(
            Problem(
                f"{base}.split.{ckey}",
                f"{what}, which {_carrier(corridor, ckey)} does not carry (it carries: "
                f"{', '.join(payload)})",
            )
        )
    return out


def _watch_problems(s: Scenario, key: str, c: Corridor) -> list[Problem]:
    """The commodity an ``order_up_to`` corridor watches: known and carried by it."""
    units = s.commodity_units
    carried = list(corridor_payload(s, c))
    named = None if c.dispatch is None else c.dispatch.commodity
    where = f"corridors.{key}.dispatch.commodity"
    if named is not None and named not in units:
        return [Problem(where, unknown_reference("commodity", named, list(units)))]
    if named is not None and named not in carried:
        return [
            Problem(
                where,
                f"order_up_to watches the destination's stock of '{named}', which "
                f"{_carrier(c, key)} does not carry (it carries: {', '.join(carried)})",
            )
        ]
    if order_up_to_commodity(s, c) is None:
        return [
            Problem(
                where,
                f"required: order_up_to watches one commodity's stock, and vehicle "
                f"'{c.vehicle}' carries {', '.join(carried)} but not the main commodity "
                f"'{s.main_commodity}'",
            )
        ]
    return []
