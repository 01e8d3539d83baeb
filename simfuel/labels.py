"""What every metric, daily field and scenario event is called, and how its values are written.

One description of things, for every place that shows them: the command line's tables,
the report's sections and the plots' axes. A metric added to ``SUMMARY_METRICS`` or a
field added to ``DAILY_FIELDS`` needs a line here (``tests/test_labels.py`` fails
otherwise).

On the base floor: nothing of simfuel, no pandas, no matplotlib. Events and scenarios are
read by their attributes (``ev.type``, ``scenario.escorts``), not by importing the schema.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "COVER_DEFINITION",
    "DAILY_LABELS",
    "ESCORT_KIND_LABELS",
    "FUEL",
    "MEDIAN_DATE_RULE",
    "SUMMARY_LABELS",
    "Label",
    "Vocabulary",
    "daily_label",
    "describe_event",
    "escort_kind_label",
    "event_corridors",
    "event_log_detail",
    "format_count",
    "format_date",
    "format_hours",
    "format_litres",
    "format_number",
    "format_proportion",
    "format_share",
    "summary_label",
    "vocabulary_for",
]

LITRES_PER_ML = 1e6


@dataclass(frozen=True, slots=True)
class Label:
    """How one metric or daily field is named and written.

    Attributes
    ----------
    name : str
        The column name (``delivered_l``).
    label : str
        Lower-case phrase for an axis or a table (``fuel delivered to the depot``).
    unit : str
        Unit of the shown value: ``ML`` (megalitres), ``ML/day``, ``tankers``, ``days``,
        ``h``, ``share``, ``date`` (a calendar date), or ``""``.
    scale : float
        Stored value / shown value (1e6 for litres shown in ML).
    digits : int
        Decimals shown.
    note : str
        What the label leaves out, shown in brackets where there is room
        (``destroyed + captured``).
    """

    name: str
    label: str
    unit: str
    scale: float = 1.0
    digits: int = 0
    note: str = ""

    @property
    def long(self) -> str:
        """The label with its note: ``tankers lost (destroyed + captured)``."""
        return f"{self.label} ({self.note})" if self.note else self.label

    @property
    def title(self) -> str:
        """The label as a heading: ``Tankers lost``."""
        return self.label[:1].upper() + self.label[1:]

    @property
    def axis(self) -> str:
        """Axis label, unit in brackets: ``depot stock [ML]`` (a date axis: ``[date]``)."""
        return f"{self.label} [{self.unit}]" if self.unit else self.label

    def at(self, place: str | None) -> Label:
        """The label of the stock at ``place`` (a display name) instead of the depot's.

        ``depot stock`` reads ``Mopti stock``, ``arrived at the depot`` ``arrived at
        Mopti``; a label that speaks of no depot is returned as is, and so is every label
        for ``place=None`` (the main destination, which outputs call the depot).
        """
        if not place:
            return self
        words = self.label.replace("depot stock", f"{place} stock")
        words = words.replace("the depot", place)
        if words == self.label:
            return self
        return Label(self.name, words, self.unit, self.scale, self.digits, self.note)

    @property
    def is_date(self) -> bool:
        """Whether values are calendar dates (or day offsets standing for them)."""
        return self.unit == "date"

    def shown(self, value: float) -> float:
        """``value`` in the shown unit (litres to ML)."""
        return value / self.scale

    def format(self, value: Any, *, unit: bool = False) -> str:
        """``value`` as written: ``1,234.5``, ``12``, ``2025-09-14``; ``n/a``/``never``.

        Parameters
        ----------
        value : number, date or None
            In the stored unit (litres, not ML); a date for a date metric.
        unit : bool
            Append the unit (``1,234.5 ML``).
        """
        if self.is_date:
            return format_date(value)
        text = format_number(None if _missing(value) else value / self.scale, self.digits)
        return f"{text} {self.unit}" if unit and self.unit and text != "n/a" else text


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The words and units that outputs use for a scenario's goods and vehicles.

    Labels are written for fuel carried by tankers (:data:`FUEL`); a scenario of food in
    trucks shows ``food delivered to the depot [t]`` and ``trucks lost`` instead, through
    :meth:`relabel`. Build one with :func:`vocabulary_for` (or
    ``Scenario.vocabulary``).

    Attributes
    ----------
    commodity : str
        The main commodity's name in outputs (``fuel``, ``food``).
    unit : str
        The stored unit of quantities (``L``, ``t``, ``kg``, ``m3``, ``people``).
    shown_unit : str
        The unit quantities are shown in (``ML`` for litres, ``t`` for tonnes, ``people``
        for people, whole).
    scale : float
        Stored value / shown value (1e6 for litres shown in ML).
    vehicle, vehicles : str
        The vehicle word, singular and plural (``tanker``, ``tankers``).
    """

    commodity: str = "fuel"
    unit: str = "L"
    shown_unit: str = "ML"
    scale: float = LITRES_PER_ML
    vehicle: str = "tanker"
    vehicles: str = "tankers"

    def relabel(self, label: Label) -> Label:
        """``label`` in this vocabulary's words and units (itself for :data:`FUEL`)."""
        if self == FUEL:
            return label
        words = label.label.replace("fuel", self.commodity)
        words = words.replace("tankers", self.vehicles).replace("tanker", self.vehicle)
        note = label.note.replace("tankers", self.vehicles)
        unit, scale, digits = label.unit, label.scale, label.digits
        if unit in ("ML", "ML/day"):
            unit = unit.replace("ML", self.shown_unit)
            scale = self.scale
            if self.unit in _COUNT_UNITS:
                digits = 0  # whole people, not 1,000.0
        elif unit == "tankers":
            unit = self.vehicles
        return Label(label.name, words, unit, scale, digits, note)


#: The vocabulary of every fuel scenario: litres shown in ML, tankers.
FUEL = Vocabulary()

#: Stored unit -> (shown unit, stored / shown).
_SHOWN_UNITS: Mapping[str, tuple[str, float]] = {
    "L": ("ML", LITRES_PER_ML),
    "t": ("t", 1.0),
    "kg": ("t", 1e3),
    "m3": ("m3", 1.0),
    "people": ("people", 1.0),
}

#: Stored units that count whole things: their quantities are shown without decimals.
_COUNT_UNITS = frozenset({"people"})


def vocabulary_for(
    commodity: str = "fuel", unit: str = "L", vehicle: str = "tanker", vehicles: str = ""
) -> Vocabulary:
    """The :class:`Vocabulary` of a commodity stored in ``unit`` and carried by ``vehicle``.

    Parameters
    ----------
    commodity : str
        Name shown in labels.
    unit : str
        Stored unit: ``L`` (shown in ML), ``t``, ``kg`` (shown in t), ``m3`` or
        ``people`` (a count, for an evacuation: shown as whole people); another unit is
        shown as stored.
    vehicle, vehicles : str
        Vehicle word and its plural (default: ``vehicle`` + ``s``).
    """
    shown, scale = _SHOWN_UNITS.get(unit, (unit, 1.0))
    return Vocabulary(commodity, unit, shown, scale, vehicle, vehicles or vehicle + "s")


def _l(name: str, label: str, unit: str = "ML", digits: int = 1, note: str = "") -> Label:
    return Label(name, label, unit, LITRES_PER_ML, digits, note)


#: Label of every summary metric (``simfuel.results.SUMMARY_METRICS``), by name.
SUMMARY_LABELS: Mapping[str, Label] = {
    lab.name: lab
    for lab in (
        _l("loaded_l", "loaded at the origins"),
        _l("delivered_l", "fuel delivered to the depot"),
        _l("destroyed_l", "destroyed"),
        _l("captured_l", "captured"),
        Label("tankers_lost", "tankers lost", "tankers", note="destroyed + captured"),
        Label("tankers_destroyed", "tankers destroyed", "tankers"),
        Label("tankers_captured", "tankers captured", "tankers"),
        Label("attacks", "attacks on convoys", "attacks"),
        Label("convoys", "convoys", "convoys"),
        Label("days_with_shortfall", "days with shortfall", "days"),
        _l("shortfall_l", "demand not served"),
        Label("first_rationing", "first day of rationing", "date"),
        Label("first_stockout", "first day of stock-out", "date"),
        Label("min_days_of_cover", "minimum days of cover", "days", digits=1),
        _l("final_stock_l", "final stock"),
        Label(
            "mean_escort_wait_h",
            "mean escort wait",
            "h",
            digits=1,
            # The wait for tankers to make up min_size is in staging, not in this figure.
            note="escorted convoys; the wait for escort units only, not for the convoy to "
            "reach its minimum size",
        ),
    )
}

#: Label of every daily field (``simfuel.sim.recorder.DAILY_FIELDS``), by name. Flows are
#: per day (``ML/day``), levels at the end of the day (``ML``).
DAILY_LABELS: Mapping[str, Label] = {
    lab.name: lab
    for lab in (
        _l("stock_l", "depot stock"),
        Label("days_of_cover", "days of cover", "days", digits=1),
        _l("demand_l", "demand", "ML/day", 2),
        _l("served_l", "fuel served", "ML/day", 2),
        _l("shortfall_l", "demand not served", "ML/day", 2),
        Label("rationing", "rationing in force", "share", digits=2),
        _l("loaded_l", "loaded at the origins", "ML/day", 2),
        _l("arrived_l", "arrived at the depot", "ML/day", 2),
        _l("delivered_l", "fuel delivered to the depot", "ML/day", 2),
        _l("destroyed_l", "destroyed", "ML/day", 2),
        _l("captured_l", "captured", "ML/day", 2),
        _l("in_transit_l", "on the road"),
        _l("queued_l", "queued at staging points"),
        Label("tankers_waiting", "tankers waiting at staging points", "tankers"),
        Label("tankers_waiting_unload", "tankers waiting to unload", "tankers"),
        _l("reserve_l", "strategic reserve left"),
        Label("stockout", "stock-out", "share", digits=2),
    )
}


#: What a convoy's ``escort_kind`` is called, for each shipped escort kind (and ``none``).
#: A convoy escorted by forces of several kinds has their names joined by ``+``, in the
#: engine's (alphabetical) order: ``air_hourly+ground``.
ESCORT_KIND_LABELS: Mapping[str, str] = {
    "none": "no escort",
    "ground": "ground escort",
    "air": "air cover (daily hours)",
    "air_hourly": "air cover (hourly bank)",
}


def escort_kind_label(kind: str) -> str:
    """A convoy's ``escort_kind`` in words: ``air cover (hourly bank) + ground escort``.

    Each ``+``-joined part is named by :data:`ESCORT_KIND_LABELS`; a kind registered in
    Python (not listed there) is named by its key.
    """
    parts = [p for p in kind.split("+") if p] or ["none"]
    if len(parts) > 1:
        parts = [p for p in parts if p != "none"]
    return " + ".join(ESCORT_KIND_LABELS.get(p, p) for p in parts)


def summary_label(name: str, vocab: Vocabulary = FUEL, place: str | None = None) -> Label:
    """The label of a summary metric; a name it does not know gets one from its suffix.

    ``*_l`` reads as litres (shown in ML), ``*_h`` as hours; anything else has no unit
    (a callable metric of :func:`simfuel.sensitivity` is named by its ``__name__``).
    ``vocab`` puts it in a scenario's words (``food delivered to the depot [t]``), and
    ``place``, the display name of a place with stock other than the main destination, at
    that place (``fuel delivered to Mopti``; see :meth:`Label.at`).
    """
    return vocab.relabel(SUMMARY_LABELS.get(name) or _guess(name)).at(place)


def daily_label(name: str, vocab: Vocabulary = FUEL, place: str | None = None) -> Label:
    """The label of a daily field; a name it does not know gets one from its suffix.

    ``vocab`` and ``place`` as for :func:`summary_label` (``Mopti stock [ML]``).
    """
    return vocab.relabel(DAILY_LABELS.get(name) or _guess(name)).at(place)


def _guess(name: str) -> Label:
    stem, _, suffix = name.rpartition("_")
    if stem and suffix == "l":
        return _l(name, stem.replace("_", " "))
    if stem and suffix == "h":
        return Label(name, stem.replace("_", " "), "h", digits=1)
    return Label(name, name.replace("_", " "), "", digits=2)


# ---------------------------------------------------------------- values


def _missing(value: Any) -> bool:
    # ``x != x`` holds for NaN and pandas' NaT alike, without importing either library.
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:  # pandas.NA has no truth value: missing too
        return True


def format_number(value: Any, digits: int = 0) -> str:
    """``1,234.5``: thousands separated, ``digits`` decimals; ``n/a`` for None or NaN."""
    if _missing(value):
        return "n/a"
    return f"{value:,.{digits}f}"


def format_count(value: Any) -> str:
    """A whole number: ``1,234`` (``n/a`` if missing)."""
    return format_number(value, 0)


def format_litres(litres: Any, digits: int = 1) -> str:
    """Litres written in megalitres without the unit: ``1234567`` gives ``1.2``."""
    return format_number(None if _missing(litres) else litres / LITRES_PER_ML, digits)


def format_share(share: float) -> str:
    """A share as a whole percentage: ``0.25`` gives ``25 %``."""
    return f"{share * 100:.0f} %"


def format_hours(hours: float) -> str:
    """``36 h``; three days and more also in days: ``96 h (4.0 d)``."""
    return f"{hours:,.0f} h" if hours < 72 else f"{hours:,.0f} h ({hours / 24:.1f} d)"


def format_date(value: Any) -> str:
    """A calendar date as ``2025-09-14``; ``never`` for None, NaN or NaT.

    Datetimes (pandas Timestamps among them) are written as their date.
    """
    if _missing(value):
        return "never"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


#: How every output of simfuel takes the median (and interval) of an event date
#: (:func:`simfuel.ensemble.result.date_quantiles`), said in these words wherever one is shown.
MEDIAN_DATE_RULE = (
    "median over all replications, a replication where it never happened counting as "
    'later than any date ("never" when more than half never had it)'
)

#: What ``days_of_cover`` is (the engine's ``_days``: the cover the rationing decision uses),
#: said in these words in every caption that shows it.
COVER_DEFINITION = (
    "the depot stock before that day's demand is served (the day's deliveries included: "
    "end-of-day stock plus what was served) over the day's nominal demand"
)


def format_proportion(count: int, n: int, low: float, high: float) -> str:
    """``96 % of replications (48 of 50; 95 % CI 87–99 %)``: a share and its interval.

    ``low`` and ``high`` are the bounds of the 95 % interval of the share, e.g. from
    :func:`simfuel.model.binomial.wilson_interval`.
    """
    return (
        f"{format_share(count / n)} of replications ({count} of {n}; "
        f"95 % CI {low * 100:.0f}–{format_share(high)})"
    )


# ---------------------------------------------------------------- events


def describe_event(ev: Any, scenario: Any = None, *, short: bool = False) -> str:
    """What a dated scenario event does, in words.

    Parameters
    ----------
    ev : scenario event
        A validated event (``simfuel.scenario.schema``), read by its ``type``.
    scenario : Scenario, optional
        For names of forces and places and the litres of a tonne; keys without it.
    short : bool
        A few words, for a mark on a chart (``escort: Africa Corps (required)``); the
        default is one sentence, for a table (``convoys wait for Africa Corps; convoys of
        10–40 tankers``).

    Returns
    -------
    str
        Plain text (not escaped for HTML or mathtext).
    """
    kind = getattr(ev, "type", None)
    describe = (_SHORT if short else _FULL).get(str(kind))
    return describe(ev, scenario) if describe is not None else str(ev)


#: Event types that concern a place's stock, never corridors.
_STOCK_EVENTS = frozenset({"demand", "rationing", "observation"})


def event_corridors(ev: Any, scenario: Any = None) -> list[str]:
    """The corridor keys a dated event applies to: ``["all"]`` for every one, ``[]`` national.

    Read from the event's ``corridors``, ``corridor`` (a scripted attack, a leg) or the keys
    of its ``split`` (a contract). A disruption of a ``place`` applies to the corridors whose
    legs touch it (given the ``scenario``; ``[]`` without it); demand, rationing and
    observations concern a place's stock, not corridors (``[]``).
    """
    if getattr(ev, "type", None) in _STOCK_EVENTS:
        return []
    corridors = getattr(ev, "corridors", None)
    if corridors is not None:
        return list(corridors)
    corridor = getattr(ev, "corridor", None)
    if corridor is not None:
        return [corridor]
    place = getattr(ev, "place", None)
    if place is not None:
        return _through(scenario, place)
    return list(getattr(ev, "split", None) or ())


def _through(scenario: Any, place: str) -> list[str]:
    """Keys of the corridors with a leg that starts or ends at ``place``."""
    corridors = getattr(scenario, "corridors", None) or {}
    return [
        key for key, c in corridors.items() if any(place in (leg.from_, leg.to) for leg in c.legs)
    ]


def event_log_detail(ev: Any, scenario: Any = None) -> str:
    """The ``detail`` of a dated event's row in a run's event log: what, where and why.

    :func:`describe_event`, the corridors it applies to (by key) and its note:
    ``blockade intensity 1; corridors: dakar_rn1, mauritania (JNIM embargo)``.
    """
    text = describe_event(ev, scenario)
    where = event_corridors(ev, scenario)
    if where:
        text += "; corridors: " + ("all" if where == ["all"] else ", ".join(where))
    place = getattr(ev, "place", None)
    if place is not None and getattr(ev, "type", None) in ("demand", "rationing"):
        text += f"; place: {place}"  # an observation says where in its own words
    note = getattr(ev, "note", None)
    return text + (f" ({note})" if note else "")


def _name(scenario: Any, collection: str, key: str) -> str:
    entry = getattr(scenario, collection, {}).get(key) if scenario is not None else None
    return (getattr(entry, "name", None) or key) if entry is not None else key


def _forces(ev: Any, scenario: Any) -> list[str]:
    return [_name(scenario, "escorts", f) for f in ev.forces]


def _contract_quantity(ev: Any, scenario: Any, short: bool) -> str:
    key = getattr(ev, "commodity", None)  # None: the main commodity
    units = getattr(scenario, "commodity_units", {}) if scenario is not None else {}
    main = getattr(scenario, "main_commodity", None)
    unit = units.get(key if key is not None else main, "L")
    of = "" if key is None or short else f" of {_name(scenario, 'commodities', key)}"
    amount = getattr(ev, "quantity", None)
    if amount is None and unit == "t":
        amount = ev.quantity_t  # tonnes of a commodity in tonnes: no product
    if amount is None and ev.quantity_t is None:
        amount = ev.quantity_l
    if amount is not None:  # in the commodity's unit
        text = f"{format_litres(amount, 0)} ML" if unit == "L" else f"{amount:,.0f} {unit}"
        return text + of
    if short:
        return f"{ev.quantity_t:,.0f} t"
    product = getattr(scenario, "products", {}).get(ev.product) if scenario is not None else None
    if product is None:
        return f"{ev.quantity_t:,.0f} t of {ev.product}"
    litres = ev.quantity_t * product.litres_per_tonne
    return f"{ev.quantity_t:,.0f} t of {ev.product} ({format_litres(litres, 0)} ML)"


def _blockade(ev: Any, sc: Any) -> str:
    return f"blockade intensity {ev.intensity:g}" + (" (lifted)" if ev.intensity == 0 else "")


def _escort(ev: Any, sc: Any) -> str:
    if not ev.forces:
        return f"no escort: groups of up to {ev.max_size} tankers"
    how = "convoys wait for" if ev.required else "convoys take, if free,"
    forces = " + ".join(_forces(ev, sc))
    return f"{how} {forces}; convoys of {ev.min_size}–{ev.max_size} tankers"


def _supply(ev: Any, sc: Any) -> str:
    return f"{ev.tankers_per_day:g} tankers/day loaded"


def _contract(ev: Any, sc: Any) -> str:
    split = " / ".join(f"{v * 100:.0f} %" for v in ev.split.values())
    return (
        f"import contract: {_contract_quantity(ev, sc, False)} over {ev.period_days:g} days, "
        f"split {split} over the corridors listed"
    )


def _attack(ev: Any, sc: Any) -> str:
    where = (
        f"leg from {_name(sc, 'places', ev.leg_from)}" if ev.leg_from else "first threatened leg"
    )
    lost = f"{ev.tankers_destroyed} tankers destroyed"
    if ev.tankers_captured:
        lost += f", {ev.tankers_captured} captured"
    return f"reported attack replayed ({where}): {lost}"


def _commodity_of(ev: Any, sc: Any) -> tuple[str, str]:
    """The event's commodity (``""`` for the main one) and the unit its quantities are in."""
    key = getattr(ev, "commodity", None)
    if not key or sc is None or key == getattr(sc, "main_commodity", key):
        return "", ""
    units = getattr(sc, "commodity_units", {}) or {}
    return key, units.get(key, "")


def _demand(ev: Any, sc: Any) -> str:
    key, unit = _commodity_of(ev, sc)
    if key:
        return f"{key} demand {format_number(ev.demand_l_per_day, 2)} {unit}/day"
    return f"demand {format_litres(ev.demand_l_per_day, 2)} ML/day"


def _rationing(ev: Any, sc: Any) -> str:
    key, _ = _commodity_of(ev, sc)
    text = (
        f"{key + ' ' if key else ''}rationing below {ev.threshold_days:g} days of cover, "
        f"{ev.served_fraction:.0%} of demand served"
    )
    stop = getattr(ev, "stop_threshold_days", None)
    if stop is not None and stop != ev.threshold_days:
        text += f", until {stop:g} days"
    min_days = getattr(ev, "min_days", None)
    if min_days:
        text += f", at least {min_days:g} days"
    return text


def _where(ev: Any, sc: Any, short: bool) -> str:
    """What a disruption names: a place, one leg, or corridors (by name)."""
    if getattr(ev, "place", None) is not None:
        return _name(sc, "places", ev.place)
    if getattr(ev, "corridor", None) is not None:
        corridor = getattr(sc, "corridors", {}).get(ev.corridor) if sc is not None else None
        to = (
            next((leg.to for leg in corridor.legs if leg.from_ == ev.leg_from), None)
            if (corridor is not None)
            else None
        )
        leg = _name(sc, "places", ev.leg_from)
        leg = f"{leg} – {_name(sc, 'places', to)}" if to else f"from {leg}"
        return f"leg {leg}" if short else f"the leg {leg} of {_name(sc, 'corridors', ev.corridor)}"
    if ev.corridors == ["all"]:
        return "all corridors"
    return ", ".join(_name(sc, "corridors", c) for c in ev.corridors)


def _close(ev: Any, sc: Any) -> str:
    where = _where(ev, sc, False)
    if getattr(ev, "place", None) is not None:
        return f"{where} closed: no convoy drives a leg to or from it, no loading there"
    if getattr(ev, "corridor", None) is not None:
        return f"{where} closed: convoys wait at its start"
    return f"{where} closed: nothing loads, no convoy leaves the staging point"


def _reopen(ev: Any, sc: Any) -> str:
    return f"{_where(ev, sc, False)} reopened"


def _seize(ev: Any, sc: Any) -> str:
    where = _name(sc, "places", ev.place)
    return (
        f"stock at {where} seized: it serves no demand, loads nothing out and unloads "
        "no tanker until released; its legs are closed"
    )


def _release(ev: Any, sc: Any) -> str:
    return f"stock at {_name(sc, 'places', ev.place)} released: supply and demand resume"


def _speed_words(ev: Any) -> str:
    if ev.speed_kmh is not None:
        return f"{ev.speed_kmh:g} km/h"
    return f"{ev.factor:.0%} of their speed"


def _leg_speed(ev: Any, sc: Any) -> str:
    where = _where(ev, sc, False)
    if getattr(ev, "corridor", None) is None:
        where = f"legs of {where}" if ev.corridors is not None else f"legs through {where}"
    return f"{where} driven at {_speed_words(ev)}"


def _delay_words(d: Any) -> str:
    kind = d.distribution
    if kind == "fixed":
        return f"{d.value:g} h"
    if kind == "uniform":
        return f"{d.low:g}–{d.high:g} h (uniform)"
    if kind == "triangular":
        return f"{d.low:g}–{d.high:g} h, most likely {d.mode:g} h"
    return f"mean {d.mean:g} h, sd {d.sd:g} h (lognormal)"


def _delay_mean_h(d: Any) -> float:
    kind = d.distribution
    if kind == "fixed":
        return float(d.value)
    if kind == "uniform":
        return (d.low + d.high) / 2
    if kind == "triangular":
        return (d.low + d.mode + d.high) / 3
    return float(d.mean)


def _border_delay(ev: Any, sc: Any) -> str:
    return f"border delay {_delay_words(ev.delay_h)} for batches loaded from this date"


def _observation(ev: Any, sc: Any) -> str:
    return f"observed at {_place(ev, sc)}"  # the note (the fact) follows in the log


def _observation_short(ev: Any, sc: Any) -> str:
    return f"reported at {_place(ev, sc)}"


def _place(ev: Any, sc: Any) -> str:
    """The display name of an event's place (default: the depot's)."""
    key = ev.place or (sc.depot.place if sc is not None else None)
    return _name(sc, "places", key) if key else "the depot"


_FULL = {
    "blockade": _blockade,
    "escort_policy": _escort,
    "supply_rate": _supply,
    "contract": _contract,
    "scripted_attack": _attack,
    "demand": _demand,
    "rationing": _rationing,
    "close": _close,
    "reopen": _reopen,
    "leg_speed": _leg_speed,
    "border_delay": _border_delay,
    "seize": _seize,
    "release": _release,
    "observation": _observation,
}


def _blockade_short(ev: Any, sc: Any) -> str:
    return "blockade declared" if ev.intensity > 0 else "blockade lifted"


def _escort_short(ev: Any, sc: Any) -> str:
    names = _forces(ev, sc)
    if ev.required and names:
        names[-1] += " (required)"
    return "escort: " + (" + ".join(names) if names else "none")


def _contract_short(ev: Any, sc: Any) -> str:
    return f"import contract {_contract_quantity(ev, sc, True)}"


def _attack_short(ev: Any, sc: Any) -> str:
    return f"reported attack: {ev.tankers_destroyed + ev.tankers_captured} tankers lost"


def _rationing_short(ev: Any, sc: Any) -> str:
    return f"rationing below {ev.threshold_days:g} days"


_SHORT = {
    "blockade": _blockade_short,
    "escort_policy": _escort_short,
    "supply_rate": _supply,
    "contract": _contract_short,
    "scripted_attack": _attack_short,
    "demand": _demand,
    "rationing": _rationing_short,
    "close": lambda ev, sc: f"closed: {_where(ev, sc, True)}",
    "reopen": lambda ev, sc: f"reopened: {_where(ev, sc, True)}",
    "leg_speed": lambda ev, sc: (
        f"{_where(ev, sc, True)}: {ev.speed_kmh:g} km/h"
        if ev.speed_kmh is not None
        else f"{_where(ev, sc, True)}: speed x{ev.factor:g}"
    ),
    "border_delay": lambda ev, sc: f"border delay: mean {_delay_mean_h(ev.delay_h):g} h",
    "seize": lambda ev, sc: f"seized: {_name(sc, 'places', ev.place)}",
    "release": lambda ev, sc: f"released: {_name(sc, 'places', ev.place)}",
    "observation": _observation_short,
}
