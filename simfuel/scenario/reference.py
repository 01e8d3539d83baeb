"""The scenario format reference, generated from the pydantic schema.

``simfuel schema --markdown`` prints it; ``make docs`` writes ``docs/scenario-format.md``
and a test checks the committed file is current, so the reference cannot drift from the
code.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from . import schema

__all__ = ["format_reference"]

_SECTIONS: list[tuple[str, type[BaseModel]]] = [
    ("Scenario (top level)", schema.Scenario),
    ("places.<key>: Place", schema.Place),
    ("places.<key>.port: Port", schema.Port),
    ("depot: Depot", schema.Depot),
    ("demand: Demand", schema.Demand),
    ("demand.priority[i]: PriorityClass", schema.PriorityClass),
    ("demand.stations: Stations", schema.Stations),
    ("rationing: Rationing", schema.Rationing),
    ("destinations.<key>: Destination", schema.Destination),
    ("terminals.<key>: Terminal", schema.Terminal),
    ("terminals.<key>.commodities.<key>: TerminalStock", schema.TerminalStock),
    ("commodities.<key>: Commodity", schema.Commodity),
    ("vehicles.<key>: Vehicle", schema.Vehicle),
    ("depot.commodities.<key> (and a destination's): CommodityStock", schema.CommodityStock),
    ("depot.commodities.<key>.demand: CommodityDemand", schema.CommodityDemand),
    ("threat: Threat", schema.Threat),
    ("threat.outcomes: AttackOutcomes", schema.AttackOutcomes),
    ("escorts.<key>: EscortForce", schema.EscortForce),
    ("corridors.<key>: Corridor", schema.Corridor),
    ("corridors.<key>.legs[i]: Leg", schema.Leg),
    ("corridors.<key>.escort_policy: EscortPolicy", schema.EscortPolicy),
    ("corridors.<key>.dispatch: Dispatch", schema.Dispatch),
    ("corridors.<key>.fleet: Fleet", schema.Fleet),
    ("corridors.<key>.supply_response: SupplyResponse", schema.SupplyResponse),
    ("corridors.<key>.air: AirMode", schema.AirMode),
    ("corridors.<key>.sea: SeaMode", schema.SeaMode),
    ("corridors.<key>.initial: InitialState", schema.InitialState),
    ("corridors.<key>.initial.on_road[i]: OnRoad", schema.OnRoad),
    ("products.<key>: Product", schema.Product),
    ("Delay `distribution: fixed` (or a bare number)", schema.FixedDelay),
    ("Delay `distribution: uniform`", schema.UniformDelay),
    ("Delay `distribution: triangular`", schema.TriangularDelay),
    ("Delay `distribution: lognormal`", schema.LognormalDelay),
    ("events[i] `type: blockade`", schema.BlockadeEvent),
    ("events[i] `type: escort_policy`", schema.EscortPolicyEvent),
    ("events[i] `type: supply_rate`", schema.SupplyRateEvent),
    ("events[i] `type: contract`", schema.ContractEvent),
    ("events[i] `type: scripted_attack`", schema.ScriptedAttackEvent),
    ("events[i] `type: demand`", schema.DemandEvent),
    ("events[i] `type: rationing`", schema.RationingEvent),
    ("events[i] `type: close`", schema.CloseEvent),
    ("events[i] `type: reopen`", schema.ReopenEvent),
    ("events[i] `type: leg_speed`", schema.LegSpeedEvent),
    ("events[i] `type: border_delay`", schema.BorderEvent),
    ("events[i] `type: seize`", schema.SeizeEvent),
    ("events[i] `type: release`", schema.ReleaseEvent),
    ("events[i] `type: observation`", schema.ObservationEvent),
]


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        # Each name once, in order: the four delay models all read "delay".
        return " or ".join(dict.fromkeys(_type_name(a) for a in args))
    if origin is typing.Literal:
        return " or ".join(repr(a) for a in args)
    if origin is list:
        return f"list[{_type_name(args[0])}]"
    if origin is dict:
        return f"map[{_type_name(args[0])} → {_type_name(args[1])}]"
    if annotation is type(None):
        return "null"
    if isinstance(annotation, type):
        delays = (schema.FixedDelay, schema.UniformDelay, schema.TriangularDelay)
        if issubclass(annotation, (*delays, schema.LognormalDelay)):
            return "delay"
        return {"float": "number", "int": "integer", "str": "string", "bool": "boolean"}.get(
            annotation.__name__, annotation.__name__
        )
    return str(annotation)


def _constraints(info: FieldInfo) -> str:
    parts = []
    for meta in info.metadata:
        for attr, op in (("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤")):
            value = getattr(meta, attr, None)
            if value is not None:
                parts.append(f"{op} {value:g}")
        if getattr(meta, "min_length", None):
            parts.append(f"at least {meta.min_length} item(s)")
        if getattr(meta, "func", None) is schema.in_calendar:
            parts.append(f"{schema.FIRST_DATE} .. {schema.LAST_DATE}")
    return ", ".join(parts)


def _limit(value: object) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return "see below"
        if isinstance(value, dict) and value and isinstance(next(iter(value.values())), BaseModel):
            return ", ".join(value)
        return f"`{value!r}`"
    if info.default is PydanticUndefined:
        return ""
    return f"`{info.default!r}`"


def format_reference() -> str:
    """The scenario format as Markdown: one table of fields per section."""
    out = [
        "# Scenario format reference",
        "",
        "Generated from `simfuel/scenario/schema.py` by `make docs` "
        "(`simfuel schema --markdown`); do not edit by hand.",
        "",
        "Units are in the field names: `_km` kilometres, `_kmh` km/h, `_h` hours, `_l` "
        "litres, `_t` tonnes, `_days` days, `_l_per_day` litres a day. Unknown keys are "
        "errors. A file may start with `extends: other.yaml` (relative to the file): "
        "mappings merge key by key, lists replace, except lists of mappings with an `id` "
        "(the `events` timeline), which merge by id; `{id: x, remove: true}` removes an "
        "item and an empty list replaces the whole list.",
        "",
        "## Numbers, dates and limits",
        "",
        "Every number must be finite (`.inf` and `.nan` are errors). A boolean is never a "
        "number (`true` is not 1 km, `yes` is not 1 tanker a day); an integer is accepted "
        "where a decimal goes (`5` for 5.0), and a whole decimal where an integer goes "
        "(`45000.0`). Text is read as a number only in plain decimal notation, because "
        "PyYAML reads `6.3e6` and `1e-3` as text (YAML 1.1 wants `6.3e+6`); any other text "
        "(`inf`, `nan`, `1,000`) is an error. Dates are written `YYYY-MM-DD`: a number is "
        "never a date (`start: 0` is not 1970-01-01).",
        "",
        "Every quantity is bounded far beyond any real figure (the constraint column), so "
        "that a unit error cannot make a run hang, overflow or leave the calendar pandas can "
        "hold (1677-09-21 .. 2262-04-11). Checks on the scenario as a whole:",
        "",
        "| limit | value |",
        "|---|---|",
        *(f"| {what} | {_limit(value)} |" for what, value in schema.LIMITS.items()),
        "",
        "The run starts a warm-up before `start` (the longest origin-to-depot time, rounded "
        "up to whole days, plus one day) to fill the pipeline. The convoy count is the upper "
        "estimate of `simfuel.scenario.schema.convoy_estimate`: per corridor, "
        "(dispatches_per_day x days + tankers / max_size) x expected trips, with the "
        "highest supply rate, every contract and the smallest max_size over the run, and "
        "trips > 1 when attacked convoys may turn back.",
        "",
    ]
    for title, model in _SECTIONS:
        out += [f"## {title}", ""]
        doc = (model.__doc__ or "").strip()
        if doc:
            out += [" ".join(line.strip() for line in doc.splitlines() if line.strip()), ""]
        out += ["| field | type | default | constraint | meaning |", "|---|---|---|---|---|"]
        for name, info in model.model_fields.items():
            key = info.alias or name
            desc = (info.description or "").replace("|", "\\|")
            out.append(
                f"| `{key}` | {_type_name(info.annotation)} | {_default(info)} | "
                f"{_constraints(info)} | {desc} |"
            )
        out.append("")
    return "\n".join(out)
