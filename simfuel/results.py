"""RunResult: the tables of one run, built from the simulation's compact records.

This is the one place where simfuel builds DataFrames of a run.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .io import write_file_set
from .labels import COVER_DEFINITION, FUEL, Vocabulary, daily_label
from .scenario.provenance import Provenance, provenance_of
from .scenario.schema import Scenario, corridor_payload, leg_risk
from .scenario.terminals import terminal_stocks
from .sim.recorder import DAILY_FIELDS, PlaceRecord, Recorder
from .summary import (
    _DATE_METRICS,
    _INT_METRICS,
    CONVOY_SOURCE_FIELDS,
    CONVOY_SUMMARY_FIELDS,
    COUNT_METRICS,
    SUMMARY_METRICS,
    convoy_summary_array,
    summary_from_records,
    summary_to_dict,
    summary_vector,
)

_DAILY_DTYPES: dict[str, Any] = {
    **dict.fromkeys(
        (
            "loaded_l",
            "arrived_l",
            "delivered_l",
            "destroyed_l",
            "captured_l",
            "in_transit_l",
            "queued_l",
            "tankers_waiting",
            "tankers_waiting_unload",
        ),
        np.int64,
    ),
    "rationing": bool,
    "stockout": bool,
}
_CONVOY_DTYPES: dict[str, Any] = {
    "convoy_id": np.int64,
    "tankers_departed": np.int64,
    "tankers_arrived": np.int64,
    "destroyed": np.int64,
    "captured": np.int64,
    "attacked": bool,
    "attacks": np.int64,
    "formed_h": float,
    "departed_h": float,
    "ended_h": float,
    "escort_wait_h": float,
    "capacity_l": np.int64,
}
# Event columns not listed are strings.
_EVENT_DTYPES: dict[str, Any] = {
    "t_h": float,
    "convoy_id": np.int64,
    "tankers": np.int64,
    "litres": np.int64,
}

__all__ = [
    "CONVOY_SUMMARY_FIELDS",
    "COUNT_METRICS",
    "LITRE_DECIMALS",
    "OTHER_DECIMALS",
    "PLACE_FIELDS",
    "SUMMARY_METRICS",
    "BalanceError",
    "RunResult",
    "column_unit",
    "convoy_summary_array",
    "geojson_features",
    "summary_from_records",
    "summary_to_dict",
    "summary_total",
    "summary_vector",
    "table_for_file",
]

#: Columns of :attr:`RunResult.places` after ``date`` and ``place``: the stock's
#: commodity and unit, its own figures, then the flows of the corridors that bring it.
PLACE_FIELDS = (
    "commodity",
    "unit",
    "stock_l",
    "days_of_cover",
    "demand_l",
    "served_l",
    "shortfall_l",
    "rationing",
    "stockout",
    "delivered_l",
    "loaded_out_l",
    "reserve_l",
    "loaded_l",
    "arrived_l",
    "destroyed_l",
    "captured_l",
    "in_transit_l",
    "queued_l",
    "tankers_waiting",
    "tankers_waiting_unload",
)
#: A stock's balance holds to this [L] (plus 1e-12 of the litres that went through it, for
#: float rounding in very large scenarios): stock and demand are floats, every flow is
#: whole tankers, and a stock below 1e-6 L is set to 0.
STOCK_BALANCE_TOLERANCE_L = 1.0


class BalanceError(AssertionError):
    """Fuel was created or lost by the bookkeeping: a bug, never a property of a scenario."""


@dataclass(frozen=True)
class RunResult:
    """What one replication of a scenario produced.

    Attributes
    ----------
    scenario : Scenario
        The scenario that was run.
    seed : int or None
        Entropy of the run's root :class:`numpy.random.SeedSequence`.
    spawn_key : tuple of int
        Spawn key of that SeedSequence (empty for a run seeded by an integer).
    daily : pandas.DataFrame
        One row per day (index ``date``). Litres [L] for ``*_l`` columns; ``arrived_l``
        reached the depot gate that day, ``delivered_l`` was unloaded into the depot;
        ``destroyed_l``/``captured_l`` lost that day; ``in_transit_l`` on the road (from
        loading to the staging queue, and in convoys) and ``queued_l`` in staging queues
        or waiting to unload, both at the end of the day; ``days_of_cover`` [days] is the
        stock at the start of the day over the day's nominal demand (the cover the rationing
        rule decided on); ``rationing`` and ``stockout``
        flag days with rationing in force and days when even the rationed demand could
        not be served.
    convoys : pandas.DataFrame
        One row per convoy that left a staging point: times as timestamps
        (``formed``, ``departed``, ``ended``) and as hours from the start (``*_h``),
        ``outcome`` (arrived, lost, turned_back, in_transit), tankers at departure and
        arrival, destroyed, captured, ``attacked``, number of ``attacks``,
        ``escort_wait_h`` [h].
    events : pandas.DataFrame
        The long-form log: ``time``, ``t_h``, ``kind``, ``corridor``, ``convoy_id``,
        ``tankers``, ``litres``, ``detail``.
    events_processed : int
        SimPy events scheduled during the run (a measure of work, for benchmarks).
    provenance : Provenance or None
        Scenario name, ``--set`` overrides, content hash, seed and simfuel version
        (:func:`simfuel.run` sets it; ``summary.json`` holds it).

    Notes
    -----
    ``daily`` is the **main destination's** table (the depot's): its flows are those of
    the corridors that end at the depot. Every place with stock (the depot, then the
    ``destinations`` in file order) is in :attr:`places` (one long table) and
    :meth:`at` (one place's wide table); :meth:`summary` takes a ``place``. In the event
    log, ``rationing_started``, ``stockout_started`` and ``reserve_released`` of a
    destination other than the depot have a ``detail`` that starts with its place key
    (``segou: cover 3.20 days``); ``load_short`` rows are secondary loadings that found
    too little in their upstream stock (``tankers`` and ``litres`` not loaded).

    With several commodities, ``daily`` and :meth:`summary` are the **main commodity's**
    at the depot, in its unit (the ``_l`` names are the fuel sugar: litres only for a
    commodity in litres; ``Scenario.vocabulary`` says how to show them). Every stock,
    one per (place, commodity) (:attr:`stock_keys`), is in :attr:`places` (with
    ``commodity`` and ``unit`` columns) and :meth:`at`; :meth:`summary` and :meth:`at`
    take a ``commodity``. In the event log ``tankers`` are vehicles and ``litres`` the
    main commodity they carry; another commodity's stock rows start with
    ``<place> <commodity>: ``.
    """

    scenario: Scenario
    seed: int | None
    spawn_key: tuple[int, ...]
    daily: pd.DataFrame
    convoys: pd.DataFrame
    events: pd.DataFrame
    events_processed: int = 0
    _summary: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    provenance: Provenance | None = field(default=None, repr=False, compare=False)
    # Each place's records; its tables are built on first use (a one-depot run that never
    # asks for them pays nothing).
    _place_records: tuple[PlaceRecord, ...] = field(default=(), repr=False, compare=False)
    _place_cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_records(
        cls, scenario: Scenario, rec: Recorder, seed: int | None, spawn_key: tuple[int, ...]
    ) -> RunResult:
        """Build the tables from a :class:`~simfuel.sim.recorder.Recorder`."""
        start = pd.Timestamp(scenario.start)
        # Column by column with the final dtypes: no object inference, no astype copies.
        daily = pd.DataFrame(
            {
                k: np.array(v, dtype=_DAILY_DTYPES.get(k, float))
                for k, v in rec.daily_columns().items()
            },
            index=pd.date_range(start, periods=len(rec.daily), freq="D", name="date"),
        )
        convoys = pd.DataFrame(
            {
                k: np.array(v, dtype=_CONVOY_DTYPES[k])
                if k in _CONVOY_DTYPES
                else pd.array(v, dtype="str")
                for k, v in rec.convoy_columns().items()
            }
        )
        for col in ("formed", "departed", "ended"):
            convoys.insert(
                convoys.columns.get_loc(f"{col}_h"),  # type: ignore[arg-type]
                col,
                start + pd.to_timedelta(convoys[f"{col}_h"], unit="h"),
            )
        # sorted() is stable, like sort_values(kind="stable"), and fast on nearly sorted rows.
        # Sorted by time, stably (fast on nearly sorted rows), like sort_values(kind="stable").
        ecols = rec.event_columns()
        t_h = np.array(ecols["t_h"], dtype=float)
        events = pd.DataFrame(
            {
                "time": start + pd.to_timedelta(t_h, unit="h"),
                **{
                    k: np.array(v, dtype=_EVENT_DTYPES[k])
                    if k in _EVENT_DTYPES
                    else pd.array(v, dtype="str")
                    for k, v in ecols.items()
                },
            }
        )
        return cls(
            scenario=scenario,
            seed=seed,
            spawn_key=spawn_key,
            daily=daily,
            convoys=convoys,
            events=events,
            events_processed=rec.events_processed,
            _place_records=tuple(rec.places),
        )

    # ------------------------------------------------------------------ summaries

    # ------------------------------------------------------------------ places

    @property
    def place_keys(self) -> list[str]:
        """The places with stock: the depot's first, then the destinations', then the
        terminals', in file order."""
        sc = self.scenario
        return [
            sc.depot.place,
            *(d.place for d in sc.destinations.values()),
            *(t.place for t in sc.terminals.values()),
        ]

    @property
    def stock_keys(self) -> list[tuple[str, str]]:
        """Every stock as ``(place, commodity)``: the main commodity's at each place first
        (depot, then destinations), then the other commodities' (place by place)."""
        if not self._place_records:
            return [(self.scenario.depot.place, self.scenario.main_commodity)]
        return [(r.place, r.commodity) for r in self._place_records]

    def _place(self, place: str | None) -> str:
        key = self.scenario.depot.place if place is None else place
        known = self.place_keys
        if key not in known:
            raise KeyError(f"no stock at place {key!r} (places with stock: {', '.join(known)})")
        return key

    def _stock(self, place: str | None, commodity: str | None) -> int:
        """Index in :attr:`stock_keys` of the stock of ``commodity`` at ``place``."""
        key = self._place(place)
        what = self.scenario.main_commodity if commodity is None else commodity
        keys = self.stock_keys
        if (key, what) in keys:
            return keys.index((key, what))
        if not self._place_records and what == self.scenario.main_commodity:
            return self.place_keys.index(key)  # a result built by hand: refused below
        held = [c for p, c in keys if p == key] or [self.scenario.main_commodity]
        raise KeyError(f"no stock of {what!r} at place {key!r} (it stocks: {', '.join(held)})")

    def at(self, place: str | None = None, commodity: str | None = None) -> pd.DataFrame:
        """The wide daily table of one stock: one commodity at one place.

        Parameters
        ----------
        place : str, optional
            A place key of the depot or of a destination (default: the depot's).
        commodity : str, optional
            A commodity key (default: the main commodity).

        Returns
        -------
        pandas.DataFrame
            The columns of :attr:`daily` (its stock, cover, demand, rationing, reserve, and
            the flows of the corridors that end there and carry the commodity) plus
            ``loaded_out_l``, loaded out of its stock into secondary corridors that day;
            index ``date``. Quantities are in the commodity's unit (``attrs["unit"]``;
            litres for fuel, whatever the ``_l`` names say). For the depot's main
            commodity, the columns of ``daily`` equal ``daily``.

        Raises
        ------
        KeyError
            If no stock of ``commodity`` is at ``place``.
        """
        i = self._stock(place, commodity)
        if i == 0:  # from `daily` itself, whatever it holds now
            return self._build_at(0)
        cached = self._place_cache.get(f"at:{i}")
        if cached is None:
            cached = self._build_at(i)
            self._place_cache[f"at:{i}"] = cached
        out = cached.copy()
        out.attrs.update(cached.attrs)
        return out

    def _build_at(self, i: int) -> pd.DataFrame:
        if not self._place_records:  # a result built by hand: only the depot is known
            if i:
                raise KeyError(f"this result holds no records for place {self.place_keys[i]!r}")
            frame = self.daily.copy()
            frame["loaded_out_l"] = np.zeros(len(frame), dtype=np.int64)
            frame.attrs.update(commodity=self.scenario.main_commodity, unit=self._unit())
            return frame
        record = self._place_records[i]
        if i == 0:
            frame = self.daily.copy()
        else:
            cols = Recorder().daily_columns(record.daily)
            frame = pd.DataFrame(
                {k: np.array(v, dtype=_DAILY_DTYPES.get(k, float)) for k, v in cols.items()},
                index=self.daily.index.copy(),
            )
        frame["loaded_out_l"] = np.array(record.loaded_out_l, dtype=np.int64)
        frame.attrs.update(commodity=record.commodity, unit=record.unit)
        return frame

    def _unit(self, commodity: str | None = None) -> str:
        units = self.scenario.commodity_units
        return units[self.scenario.main_commodity if commodity is None else commodity]

    @property
    def places(self) -> pd.DataFrame:
        """Every stock (place and commodity), day by day: one tidy long table.

        Columns ``date``, ``place`` (its key), then :data:`PLACE_FIELDS`: ``commodity``
        (its key) and ``unit`` (that of every quantity on the row: ``L`` for fuel, whatever
        the ``_l`` names say), ``stock_l``,
        ``days_of_cover`` [days], ``demand_l``, ``served_l``, ``shortfall_l``,
        ``rationing``, ``stockout``, ``delivered_l`` (unloaded into its stock),
        ``loaded_out_l`` (loaded out into secondary corridors), ``reserve_l``, then the
        flows of the corridors that end at the place (``loaded_l``, ``arrived_l``,
        ``destroyed_l``, ``captured_l``, ``in_transit_l``, ``queued_l``,
        ``tankers_waiting``, ``tankers_waiting_unload``), as in :attr:`daily`. Rows by
        stock (:attr:`stock_keys`: the main commodity at the depot, then at each
        destination in file order, then the other commodities), then date.
        """
        frames = []
        for key, commodity in self.stock_keys:
            wide = self.at(key, commodity)[list(PLACE_FIELDS[2:])]
            wide.insert(0, "place", key)
            wide.insert(1, "commodity", commodity)
            wide.insert(2, "unit", self._unit(commodity))
            frames.append(wide.reset_index())
        return pd.concat(frames, ignore_index=True)

    @property
    def consumers(self) -> pd.DataFrame:
        """Priority consumer classes (``demand.priority``), day by day: one long table.

        Columns ``date``, ``place``, ``commodity``, ``consumer`` (a class's name, ``other``
        for the rest of demand), ``demand_l``, ``served_l`` and ``shortfall_l`` (in the
        commodity's unit). No rows when no stock has consumer classes.
        """
        dates = self.daily.index
        rows: list[tuple[Any, ...]] = []
        for record in self._place_records:
            for name, days in record.consumers.items():
                for date, (demand, served) in zip(dates, days, strict=False):
                    rows.append(
                        (
                            date,
                            record.place,
                            record.commodity,
                            name,
                            demand,
                            served,
                            demand - served,
                        )
                    )
        columns = ["date", "place", "commodity", "consumer", "demand_l", "served_l"]
        return pd.DataFrame(rows, columns=[*columns, "shortfall_l"])

    @property
    def stations(self) -> pd.DataFrame:
        """The filling stations of each stock that has them (``demand.stations``), by day.

        Columns ``date``, ``place``, ``commodity``, ``sold_l`` (bought by consumers at the
        stations), ``sent_l`` (sent by the stock: its ``served_l``), ``stock_l`` (in the
        stations' tanks at the end of the day) and ``dry_share`` (share of stations that
        could not sell their share in full) [-]. No rows when no stock has stations.
        """
        dates = self.daily.index
        rows = [
            (date, record.place, record.commodity, d.sold_l, d.sent_l, d.stock_l, d.dry_share)
            for record in self._place_records
            for date, d in zip(dates, record.stations, strict=False)
        ]
        columns = ["date", "place", "commodity", "sold_l", "sent_l", "stock_l", "dry_share"]
        return pd.DataFrame(rows, columns=columns)

    @property
    def fleet(self) -> pd.DataFrame:
        """Each finite fleet's vehicles by state at the end of every day (``fleet``).

        Columns ``date``, ``corridor`` and the states of
        :data:`simfuel.sim.fleet.STATE_FIELDS` [vehicles]: ``at_origin``, ``loaded``,
        ``returning``, ``lost`` (loaded, on the way out), ``lost_returning`` (on the way
        back) and ``parked`` (at the destination, when vehicles do not return). Read from
        the event log's ``fleet`` rows; no rows without a fleet.
        """
        from .sim.fleet import STATE_FIELDS, parse_state

        rows = self.events[self.events["kind"] == "fleet"]
        out = pd.DataFrame(
            [
                {"date": t.normalize(), "corridor": c, **parse_state(d)}
                for t, c, d in zip(rows["time"], rows["corridor"], rows["detail"], strict=True)
            ],
            columns=["date", "corridor", *STATE_FIELDS],
        )
        return out.astype({f: "int64" for f in STATE_FIELDS}) if len(out) else out

    def summary_by_place(
        self, commodity: str | None = None, *, total: bool = False
    ) -> pd.DataFrame:
        """:meth:`summary` of every place with stock, one row each (index ``place``).

        Parameters
        ----------
        commodity : str, optional
            Of that commodity (default: the main one), at the places that stock it.
        total : bool
            Add a last row ``"total"``, over every place (see :func:`summary_total`):
            flows, losses, attacks, convoys, shortfall and final stocks summed (fuel
            carried on from the depot to a town counts at both: each place's deliveries
            into its own stock), ``days_with_shortfall`` the days when any place fell
            short, the first rationing and stock-out the earliest anywhere,
            ``min_days_of_cover`` the lowest anywhere, ``mean_escort_wait_h`` over every
            escorted convoy.
        """
        what = self.scenario.main_commodity if commodity is None else commodity
        keys = [p for p, c in self.stock_keys if c == what] if self._place_records else []
        keys = keys or list(self.place_keys)
        rows = [self.summary(key, commodity) for key in keys]
        index = list(keys)
        if total:
            short = np.zeros(len(self.daily), dtype=bool)
            for key in keys:
                short |= self.at(key, commodity)["shortfall_l"].to_numpy(float) > 1e-6
            rows.append(summary_total(rows, int(short.sum()), self.convoys))
            index.append("total")
        return pd.DataFrame(rows, index=pd.Index(index, name="place"))

    def _payloads(self, commodity: str | None) -> dict[str, int]:
        """What one vehicle of each corridor carries of ``commodity`` (0 if none), by key."""
        sc = self.scenario
        what = sc.main_commodity if commodity is None else commodity
        return {k: corridor_payload(sc, c).get(what, 0) for k, c in sc.corridors.items()}

    def _place_convoys(self, key: str, commodity: str | None = None) -> pd.DataFrame:
        carried = self._payloads(commodity)
        ends = {k: c.legs[-1].to for k, c in self.scenario.corridors.items()}
        mine = [k for k, end in ends.items() if end == key and carried[k]]
        if len(mine) == len(ends):
            return self.convoys
        return self.convoys[self.convoys["corridor"].isin(mine)]

    def summary(self, place: str | None = None, commodity: str | None = None) -> dict[str, Any]:
        """Headline figures of the run, at the depot or at another place with stock.

        Parameters
        ----------
        place : str, optional
            Place key of the depot or of a destination (default: the depot, the main
            destination). The stock figures are that place's; the flows, losses and
            convoys those of the corridors that end there.
        commodity : str, optional
            A commodity key (default: the main commodity): the figures of its stock at
            ``place``, quantities in its unit (``_l`` keys included), convoys and vehicles
            those of the corridors that carry it there.

        Returns
        -------
        dict
            ``loaded_l``, ``delivered_l``, ``destroyed_l``, ``captured_l`` [L];
            ``tankers_lost`` (= destroyed + captured), ``tankers_destroyed``,
            ``tankers_captured``; ``attacks`` (ambushes, scripted included); ``convoys``;
            ``days_with_shortfall`` (days when less than full demand was served) and
            ``shortfall_l`` [L]; ``first_rationing`` and ``first_stockout``
            (:class:`datetime.date` or None); ``min_days_of_cover`` [days];
            ``final_stock_l`` [L]; ``mean_escort_wait_h`` [h] over escorted convoys
            (NaN if none).
        """
        i = self._stock(place, commodity)
        if i:
            key = f"summary:{i}"
            where, what = self.stock_keys[i]
            if key not in self._place_cache:
                frame = self._place_convoys(where, what)
                convoys = convoy_summary_array({k: frame[k] for k in CONVOY_SOURCE_FIELDS})
                daily = self.at(where, what)[list(DAILY_FIELDS)].to_numpy(float)
                self._place_cache[key] = summary_to_dict(
                    summary_vector(daily, convoys), self.scenario.start
                )
            return dict(self._place_cache[key])
        if self._summary:
            return dict(self._summary)
        frame = self._place_convoys(self.scenario.depot.place)
        convoys = convoy_summary_array({k: frame[k] for k in CONVOY_SOURCE_FIELDS})
        daily = self.daily[list(DAILY_FIELDS)].to_numpy(float)
        out = summary_to_dict(summary_vector(daily, convoys), self.scenario.start)
        self._summary.update(out)
        return dict(out)

    def check_balance(self) -> None:
        """Check that nothing appeared or vanished, day by day, at every stock, to the unit.

        At every stock (each commodity at the depot, then at each destination), on every
        day, in the commodity's unit (litres for fuel):

        * the corridors that bring it: ``loaded = delivered + destroyed + captured + in
          transit + queued`` (cumulative flows against end-of-day stocks), exactly, and the
          convoy table of those corridors (vehicles times what each carries of the
          commodity) agrees with the daily losses and arrivals;
        * its stock: ``stock + reserve = initial stock + reserve + delivered - served -
          loaded out`` (cumulative), within :data:`STOCK_BALANCE_TOLERANCE_L` (1 unit);

        and what each stock loaded out equals what the secondary corridors from it loaded
        in the horizon (their ``loaded`` events' vehicles times what each carries).

        Raises
        ------
        BalanceError
            If any day, stock or the convoy table does not balance.
        """
        sc = self.scenario
        depots: dict[str, Any] = dict(
            zip(self.place_keys, [sc.depot, *sc.destinations.values()], strict=False)
        )
        terminals = {t.place: terminal_stocks(sc, t) for t in sc.terminals.values()}
        main = sc.main_commodity
        loaded_out: dict[tuple[str, str], int] = {}
        for i, (key, commodity) in enumerate(self.stock_keys):
            d = self.daily if i == 0 else self.at(key, commodity)
            unit = sc.commodity_units[commodity]
            where = "" if i == 0 else f" at {key}"
            carried = None if commodity == main else self._payloads(commodity)
            self._check_pipeline(
                d, self._place_convoys(key, commodity), where, carried, commodity, unit
            )
            at = self.at(key, commodity) if self._place_records else None
            if at is None:
                continue
            if key in terminals:  # no reserve; its imports are its delivered_l
                initial, reserve = terminals[key][commodity].initial, 0.0
            elif commodity == main:
                initial, reserve = depots[key].initial_stock_l, depots[key].reserve_l
            else:
                block = depots[key].commodities[commodity]
                initial, reserve = block.initial, block.reserve
            expected = (
                initial
                + reserve
                + (at["delivered_l"] - at["served_l"] - at["loaded_out_l"]).cumsum()
            )
            gap = (at["stock_l"] + at["reserve_l"] - expected).abs()
            # Float rounding grows with the litres that went through: allow 1e-12 of them
            # on top of the litre (0.001 L for a billion litres), never less than the litre.
            through = (at["delivered_l"] + at["served_l"] + at["loaded_out_l"]).cumsum()
            tolerance = STOCK_BALANCE_TOLERANCE_L + 1e-12 * (initial + reserve + through)
            broken = gap > tolerance
            if broken.any():
                day = at.index[int(broken.to_numpy().argmax())]
                what = "" if commodity == main else f" ({commodity})"
                raise BalanceError(
                    f"stock balance broken at {key}{what} on {day.date()}: stock + reserve "
                    f"{at.loc[day, 'stock_l'] + at.loc[day, 'reserve_l']:.1f} {unit}, "
                    f"expected {expected[day]:.1f} {unit}"
                )
            loaded_out[(key, commodity)] = int(at["loaded_out_l"].sum())
        ev = self.events
        loads = ev[(ev["kind"] == "loaded") & (ev["t_h"] >= 0)]
        for (key, commodity), out_l in loaded_out.items():
            carried = self._payloads(commodity)
            mine = [
                k
                for k, c in sc.corridors.items()
                if c.origin == key and c.legs[-1].to != key and carried[k]
            ]
            rows = loads[loads["corridor"].isin(mine)]
            each = rows["corridor"].map(carried).to_numpy(dtype=np.int64)
            shipped = int((rows["tankers"].to_numpy(dtype=np.int64) * each).sum())
            if shipped != out_l:
                what = "" if commodity == main else f" {commodity}"
                unit = sc.commodity_units[commodity]
                raise BalanceError(
                    f"{key}{what}: {out_l} {unit} loaded out of the stock, but its secondary "
                    f"corridors loaded {shipped} {unit}"
                )

    @staticmethod
    def _check_pipeline(
        d: pd.DataFrame,
        c: pd.DataFrame,
        where: str,
        carried: dict[str, int] | None,
        commodity: str,
        unit: str,
    ) -> None:
        loaded = d["loaded_l"].cumsum()
        accounted = (
            d["delivered_l"].cumsum()
            + d["destroyed_l"].cumsum()
            + d["captured_l"].cumsum()
            + d["in_transit_l"]
            + d["queued_l"]
        )
        bad = loaded != accounted
        if bad.any():
            day = d.index[int(bad.to_numpy().argmax())]
            raise BalanceError(
                f"{commodity} balance broken{where} on {day.date()}: loaded "
                f"{int(loaded[day])} {unit}, accounted for {int(accounted[day])} {unit}"
            )
        # What one vehicle of each convoy carries of the commodity: its tanker load for
        # the main commodity (the convoy table's capacity_l), else its vehicle's payload.
        each = c["capacity_l"] if carried is None else c["corridor"].map(carried).astype(np.int64)
        what = "" if carried is None else f"{commodity} "  # the main commodity's read as before
        for col in ("destroyed", "captured"):
            from_convoys = int((c[col] * each).sum())
            from_days = int(d[f"{col}_l"].sum())
            if from_convoys != from_days:
                raise BalanceError(
                    f"{what}{col}{where}: convoys table says {from_convoys} {unit}, daily table "
                    f"{from_days} {unit}"
                )
        in_horizon = c[c["ended_h"] >= 0]
        arrived = int((in_horizon["tankers_arrived"] * each[in_horizon.index]).sum())
        arrived_daily = int(d["arrived_l"].sum())
        if arrived != arrived_daily:
            raise BalanceError(
                f"{what}arrived{where}: convoys table says {arrived} {unit}, daily table "
                f"{arrived_daily} {unit}"
            )

    def to_csv(self, directory: str | os.PathLike[str]) -> dict[str, Path]:
        """Write ``daily.csv``, ``convoys.csv``, ``events.csv`` and ``summary.json``.

        A scenario with several places with stock also gets ``places.csv``: the long
        table :attr:`places` (``date``, ``place``, then its fields), one row per place
        and day, beside the main destination's ``daily.csv``.

        The four files replace an earlier set as one (see :func:`simfuel.io.write_file_set`):
        they are written and flushed into a temporary folder first, so a full disk or an
        error leaves the earlier set whole, never tables of two runs side by side. In a
        folder that holds other files too, ``summary.json`` goes in last: a folder with
        the tables but no ``summary.json`` was cut short.

        The tables are written as :func:`table_for_file` rounds them: litres to 0.1 L,
        hours, days and shares to 0.001, times as ISO ``YYYY-MM-DDTHH:MM:SS``;
        ``convoys.csv`` has a ``warmup`` column, True for the convoys of the warm-up
        (departed before ``start``, negative ``*_h``).

        Parameters
        ----------
        directory : path
            Folder to write into; created if missing.

        Returns
        -------
        dict of str to Path
            The paths written, by table name.
        """
        out = Path(directory)
        summary = {
            k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.summary().items()
        }
        # Rounded as the spreadsheet's cells are (no 17-digit floats), NaN as null.
        summary = {k: _cell(v, k) for k, v in summary.items()}
        meta = {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "spawn_key": list(self.spawn_key),
            "provenance": (
                self.provenance
                or provenance_of(self.scenario, seed=self.seed, spawn_key=self.spawn_key)
            ).to_dict(),
            "summary": summary,
        }
        text = json.dumps(meta, indent=2) + "\n"

        def table(frame: pd.DataFrame, index: bool) -> Callable[[Path], None]:
            def write(path: Path) -> None:
                with open(path, "w", encoding="utf-8", newline="") as fh:
                    frame.to_csv(fh, index=index)

            return write

        def write_summary(path: Path) -> None:
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)

        tables = self._file_tables(text_times=True)
        writers = {
            "daily.csv": table(tables["daily"], True),
            "convoys.csv": table(tables["convoys"], False),
            "events.csv": table(tables["events"], False),
        }
        if len(self.place_keys) > 1:  # every place with stock, long: beside the depot's
            places = table_for_file(self.places, text_times=True, dates=("date",))
            writers["places.csv"] = table(places, False)
        writers["summary.json"] = write_summary  # last: the set's marker
        paths = write_file_set(out, writers)
        return {name.split(".")[0]: path for name, path in paths.items()}

    def _file_tables(self, *, text_times: bool) -> dict[str, pd.DataFrame]:
        """The three tables as files hold them: rounded, warm-up convoys marked."""
        convoys = self.convoys.copy()
        # Departed before start: in the table to balance the fuel, not counted as convoys.
        convoys.insert(1, "warmup", convoys["departed_h"].to_numpy(float) < 0)
        return {
            "daily": table_for_file(self.daily, text_times=text_times),
            "convoys": table_for_file(convoys, text_times=text_times),
            "events": table_for_file(self.events, text_times=text_times),
        }

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """Write one workbook: sheets ``summary``, ``daily``, ``convoys``, ``events``, legend.

        A scenario with several places with stock also gets a ``places`` sheet: the long
        table of ``places.csv`` (:attr:`places`: ``date``, ``place``, ``commodity``,
        ``unit``, then the stock's fields), one row per place, commodity and day, after
        ``events``. Its quantity columns are headed with their unit (``stock_l [L]``)
        when every stock is in litres, else ``[unit]`` (the row's ``unit`` column: ``t``
        for food). The legend sheet, ``definitions``, gives each daily column's unit and
        meaning (and the places sheet's own columns).

        Values are rounded as in :meth:`to_csv` (litres to 0.1 L, hours and days to
        0.001); times are date cells shown as ISO ``YYYY-MM-DD HH:MM:SS`` (days as
        ``YYYY-MM-DD``); every header is the column's name with its unit in brackets
        (``stock_l [L]``, ``days_of_cover [days]``, ``destroyed [tankers]``), and
        ``convoys`` has the ``warmup`` column of ``convoys.csv``. The units are the main
        commodity's (``Scenario.vocabulary``): ``stock_l [t]`` and ``destroyed [trucks]``
        for supplies in tonnes by truck, and the definitions name it (``supplies served``);
        the column names keep their ``_l``. ``summary`` opens with
        the provenance: ``scenario`` (with its ``--set`` overrides), ``scenario_sha256``,
        ``seed`` and ``simfuel_version``. In ``events``, ``convoy_id`` is empty where no
        convoy is concerned (``-1`` in ``events.csv``). The file is replaced
        atomically. Needs openpyxl (``pip install 'simfuel[excel]'``).

        Parameters
        ----------
        path : path
            The ``.xlsx`` file to write; its folder is created if missing.

        Returns
        -------
        Path
            ``path``.

        Raises
        ------
        ImportError
            If openpyxl is not installed (the message names the extra).
        """
        from .io import write_excel

        vocab = self.scenario.vocabulary  # units and words of the main commodity
        summary = pd.DataFrame(
            [
                {"metric": k, "value": _cell(v, k), "unit": column_unit(k, vocab)}
                for k, v in self.summary().items()
            ]
        )
        prov = self.provenance or provenance_of(
            self.scenario, seed=self.seed, spawn_key=self.spawn_key
        )
        # What ran, as the CLI header and summary.json say it: a --set run's workbook must
        # not look like the plain run's. The seed is a number unless a spawn key qualifies it.
        head = pd.DataFrame(
            [
                {"metric": "scenario", "value": prov.label, "unit": ""},
                {"metric": "scenario_sha256", "value": prov.scenario_sha256, "unit": ""},
                {
                    "metric": "seed",
                    "value": prov.seed if not prov.spawn_key else prov.seed_text,
                    "unit": "",
                },
                {"metric": "simfuel_version", "value": prov.simfuel_version, "unit": ""},
            ]
        )
        tables = self._file_tables(text_times=False)
        daily = tables["daily"]
        daily.index = pd.Index(pd.DatetimeIndex(daily.index).date, name=daily.index.name)
        events = tables["events"]
        # -1 is the table's "no convoy" (loadings, timeline rows); a sheet shows it empty.
        ids = events["convoy_id"].astype("Int64")
        events["convoy_id"] = ids.mask(ids < 0)
        sheets = {
            "summary": (pd.concat([head, summary], ignore_index=True), False),
            **{
                name: (frame.rename(columns=lambda c: _with_unit(c, vocab)), name == "daily")
                for name, frame in {**tables, "daily": daily, "events": events}.items()
            },
        }
        defined = list(daily.columns)
        if len(self.place_keys) > 1:  # every place with stock, long: as places.csv
            places = table_for_file(self.places, text_times=False, dates=("date",))
            places["date"] = pd.DatetimeIndex(places["date"]).date
            units = set(places["unit"])
            header = {c: _place_header(c, units, vocab) for c in places.columns}
            sheets["places"] = (places.rename(columns=header), False)
            defined += [c for c in places.columns if c not in defined and c != "date"]
        sheets["definitions"] = (_daily_definitions(defined, vocab), False)
        return write_excel(path, sheets, what="RunResult.to_excel")

    def to_geojson(self, path: str | os.PathLike[str]) -> Path:
        """Write the run's map as one GeoJSON FeatureCollection (RFC 7946), for QGIS.

        Every feature has a ``layer`` property that sorts it into one of three layers:

        * ``place``: a Point per place of the scenario, with ``key``, ``name``,
          ``country`` and ``role`` (``depot``, ``origin``, ``staging`` or ``waypoint``,
          comma-separated when it plays several).
        * ``leg``: a LineString per leg of every corridor, from its start place to its
          end place, with ``corridor``, ``leg`` (position in the corridor), ``from``,
          ``to``, ``length_km``, ``speed_kmh``, ``risk`` (the relative attack weight),
          ``exposed`` (from the staging point on, where the threat applies) and the
          run's ``attacks`` and ``tankers_lost`` on that leg. Two corridors that share a
          road give two features.
        * ``attack``: a Point per simulated attack at the middle of its leg (the engine
          strikes halfway along a leg; it knows the leg, not the point), with ``time``
          (ISO), ``t_h`` [h from start], ``corridor``, ``convoy_id``, ``leg_from``,
          ``leg_to``, ``tankers_lost``, ``destroyed``, ``captured``, ``litres_lost`` and
          ``scripted``.

        Coordinates are ``[longitude, latitude]`` in degrees (WGS 84), 6 decimals. The
        collection also carries ``name`` (the scenario) and ``seed``. The file is replaced
        atomically.

        Parameters
        ----------
        path : path
            The file to write (``.geojson``); its folder is created if missing.

        Returns
        -------
        Path
            ``path``.
        """
        from .io import write_text

        doc = {
            "type": "FeatureCollection",
            "name": self.scenario.name,
            "seed": self.seed,
            "features": geojson_features(self),
        }
        return write_text(path, json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n")

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"RunResult({self.scenario.name!r}, seed={self.seed}, days={len(self.daily)}, "
            f"convoys={s['convoys']}, delivered_l={s['delivered_l']:,}, "
            f"tankers_lost={s['tankers_lost']})"
        )


def summary_total(
    rows: Sequence[Mapping[str, Any]], days_with_shortfall: int, convoys: pd.DataFrame
) -> dict[str, Any]:
    """The total over places of their :meth:`RunResult.summary` dicts.

    Parameters
    ----------
    rows : sequence of dict
        One summary per place with stock.
    days_with_shortfall : int
        Days when at least one place fell short (a count the rows cannot give).
    convoys : pandas.DataFrame
        The run's whole convoy table (for the mean escort wait over every convoy).

    Returns
    -------
    dict
        The keys of :data:`SUMMARY_METRICS`: sums of flows, losses, counts, shortfall
        and final stocks; the earliest first rationing and stock-out (None: none
        anywhere); the lowest minimum cover; the mean escort wait [h] of the escorted
        convoys that departed from the start (NaN if none).
    """
    out: dict[str, Any] = {}
    for name in SUMMARY_METRICS:
        values = [row[name] for row in rows]
        if name in _DATE_METRICS:
            dates = [v for v in values if v is not None]
            out[name] = min(dates) if dates else None
        elif name == "days_with_shortfall":
            out[name] = int(days_with_shortfall)
        elif name == "min_days_of_cover":
            out[name] = float(min(values))
        elif name == "mean_escort_wait_h":
            mine = convoys[(convoys["departed_h"] >= 0) & (convoys["escort_forces"] != "")]
            out[name] = float(mine["escort_wait_h"].mean()) if len(mine) else math.nan
        elif name in _INT_METRICS:
            out[name] = int(sum(values))
        else:
            out[name] = float(sum(values))
    return out


# ---------------------------------------------------------------------- tables as files

#: Decimals that written tables keep (CSV, Excel): litres to 0.1 L; hours, days of cover
#: and shares to 0.001 (3.6 s, 1.4 min of cover). Integers and flags stay exact.
LITRE_DECIMALS = 1
OTHER_DECIMALS = 3
_ISO_SECONDS = "%Y-%m-%dT%H:%M:%S"

#: Units of columns whose name has no unit suffix (``_l``: L, ``_h``: h, ``_km``: km).
_UNITS = {
    **dict.fromkeys(
        (
            "tankers",
            "tankers_departed",
            "tankers_arrived",
            "tankers_waiting",
            "tankers_waiting_unload",
            "destroyed",
            "captured",
            "tankers_lost",
            "tankers_destroyed",
            "tankers_captured",
        ),
        "tankers",
    ),
    **dict.fromkeys(("days_of_cover", "min_days_of_cover", "days_with_shortfall"), "days"),
    "litres": "L",
    "attacks": "attacks",
    "convoys": "convoys",
    "first_rationing": "date",
    "first_stockout": "date",
}
_SUFFIX_UNITS = {"_l": "L", "_h": "h", "_km": "km", "_kmh": "km/h"}


def column_unit(name: str, vocab: Vocabulary = FUEL) -> str:
    """The unit of a column of simfuel's tables, or ``""`` (a flag, a key, a text).

    Parameters
    ----------
    name : str
        A column of :class:`RunResult`'s tables, a summary metric or a daily field.
    vocab : Vocabulary
        The scenario's (``Scenario.vocabulary``): the quantities (``*_l``, ``litres``)
        are in its stored unit (``t`` for a commodity in tonnes) and the vehicle counts
        in its vehicles (``trucks``). The default, fuel, gives ``L`` and ``tankers``.

    Returns
    -------
    str
        ``"L"`` (or ``vocab.unit``), ``"h"``, ``"days"``, ``"tankers"`` (or
        ``vocab.vehicles``), ``"attacks"``, ``"convoys"``, ``"date"``, ``"km"``,
        ``"km/h"`` or ``""``.
    """
    unit = _UNITS.get(name)
    if unit is None:
        unit = next((u for suffix, u in _SUFFIX_UNITS.items() if name.endswith(suffix)), "")
    if unit == "L":
        return vocab.unit
    if unit == "tankers":
        return vocab.vehicles
    return unit


def _with_unit(name: Any, vocab: Vocabulary = FUEL) -> Any:
    unit = column_unit(str(name), vocab)
    return f"{name} [{unit}]" if unit and unit != "date" else name


def _decimals(name: str) -> int:
    return LITRE_DECIMALS if column_unit(name) == "L" else OTHER_DECIMALS


def table_for_file(
    frame: pd.DataFrame,
    *,
    text_times: bool = True,
    integers: tuple[str, ...] = (),
    dates: tuple[str, ...] = (),
) -> pd.DataFrame:
    """A copy of a table as simfuel writes it: no 17-digit floats, no nanoseconds.

    Float columns are rounded to :data:`LITRE_DECIMALS` (litres, ``*_l``) or
    :data:`OTHER_DECIMALS` (hours, days, shares) decimals, ``-0.0`` written as ``0.0``;
    timestamps to the second, as ISO ``YYYY-MM-DDTHH:MM:SS`` text if ``text_times``
    (CSV), else as timestamps (Excel formats them); NaN and NaT stay missing.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (not changed).
    text_times : bool
        Write timestamps as ISO text.
    integers : tuple of str
        Float columns that hold counts (written as integers, missing kept missing).
    dates : tuple of str
        Timestamp columns that hold calendar days (written ``YYYY-MM-DD``).

    Returns
    -------
    pandas.DataFrame
    """
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            s = s.dt.round("s")
            if col in dates:
                out[col] = s.dt.strftime("%Y-%m-%d") if text_times else s.dt.normalize()
            else:
                out[col] = s.dt.strftime(_ISO_SECONDS) if text_times else s
        elif col in integers:
            out[col] = s.round().astype("Int64")
        elif pd.api.types.is_float_dtype(s):
            out[col] = s.round(_decimals(str(col))) + 0.0  # + 0.0 turns -0.0 into 0.0
    return out


def _cell(value: Any, name: str) -> Any:
    """A summary value for a spreadsheet cell: rounded, NaN as empty."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, _decimals(name)) + 0.0
    return value


# ---------------------------------------------------------------------- GeoJSON


def _point(lon: float, lat: float) -> list[float]:
    return [round(float(lon), 6), round(float(lat), 6)]


def geojson_features(result: RunResult) -> list[dict[str, Any]]:
    """The features of :meth:`RunResult.to_geojson`: places, legs, then attacks.

    Parameters
    ----------
    result : RunResult
        The run (its scenario gives places and legs, its events the attacks).

    Returns
    -------
    list of dict
        GeoJSON Feature objects, ``[longitude, latitude]`` coordinates.
    """
    sc = result.scenario
    roles: dict[str, list[str]] = {key: [] for key in sc.places}
    roles.setdefault(sc.depot.place, []).append("depot")
    for c in sc.corridors.values():
        for role, key in (("origin", c.origin), ("staging", c.staging)):
            if role not in roles.setdefault(key, []):
                roles[key].append(role)
    features: list[dict[str, Any]] = []
    for key, p in sc.places.items():
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": _point(p.lon, p.lat)},
                "properties": {
                    "layer": "place",
                    "key": key,
                    "name": p.name or key,
                    "country": p.country,
                    "role": ",".join(roles[key]) or "waypoint",
                },
            }
        )
    attacks = _attacks(result)
    for ckey, c in sc.corridors.items():
        exposed = False
        for i, leg in enumerate(c.legs):
            exposed = exposed or leg.from_ == c.staging
            a, b = sc.places[leg.from_], sc.places[leg.to]
            on_leg = [
                x
                for x in attacks
                if (x["corridor"], x["leg_from"], x["leg_to"]) == (ckey, leg.from_, leg.to)
            ]
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [_point(a.lon, a.lat), _point(b.lon, b.lat)],
                    },
                    "properties": {
                        "layer": "leg",
                        "corridor": ckey,
                        "corridor_name": c.name or ckey,
                        "leg": i,
                        "from": leg.from_,
                        "to": leg.to,
                        "length_km": float(leg.length_km),
                        "speed_kmh": float(leg.speed_kmh),
                        "risk": float(leg_risk(c, leg)),
                        "exposed": exposed,
                        "attacks": len(on_leg),
                        "tankers_lost": sum(x["tankers_lost"] for x in on_leg),
                    },
                }
            )
    for x in attacks:
        start, end = sc.places.get(x["leg_from"]), sc.places.get(x["leg_to"])
        if start is None or end is None:  # pragma: no cover - the engine logs legs it knows
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": _point((start.lon + end.lon) / 2, (start.lat + end.lat) / 2),
                },
                "properties": {"layer": "attack", **x},
            }
        )
    return features


def _attacks(result: RunResult) -> list[dict[str, Any]]:
    """One dict per ``attacked`` event, with the losses logged right after it."""
    ev = result.events
    out: list[dict[str, Any]] = []
    cols = ("time", "t_h", "kind", "corridor", "convoy_id", "tankers", "litres")
    rows = zip(*(ev[c].tolist() for c in (*cols, "leg_from", "leg_to", "detail")), strict=True)
    last: tuple[int, float] | None = None  # (convoy, time) of the latest attack
    for time, t_h, kind, corridor, cid, tankers, litres, frm, to, detail in rows:
        if kind == "attacked":
            last = (int(cid), float(t_h))
            out.append(
                {
                    "time": pd.Timestamp(time).round("s").strftime(_ISO_SECONDS),
                    "t_h": round(float(t_h), OTHER_DECIMALS),
                    "corridor": corridor,
                    "convoy_id": int(cid),
                    "leg_from": frm,
                    "leg_to": to,
                    "tankers_lost": int(tankers),
                    "destroyed": 0,
                    "captured": 0,
                    "litres_lost": int(litres),
                    "scripted": "scripted" in str(detail),
                }
            )
        elif kind in ("destroyed", "captured") and last == (int(cid), float(t_h)):
            out[-1][kind] += int(tankers)
    return out


#: The columns of the workbook's ``places`` sheet that are not daily fields: their meaning.
_PLACE_COLUMNS = {
    "place": "the place's key (places sheet: one row per place, commodity and day)",
    "commodity": "the commodity's key (places sheet)",
    "unit": "the unit of every quantity on the row (places sheet): L, t, ...",
    "loaded_out_l": "loaded out of the stock into secondary corridors (places sheet)",
}


def _place_header(name: Any, units: set[str], vocab: Vocabulary = FUEL) -> Any:
    """A ``places`` sheet header: its unit, or ``[unit]`` for quantities of mixed units."""
    if column_unit(str(name)) == "L" and units != {"L"}:
        return f"{name} [unit]"
    return _with_unit(name, vocab)


def _daily_definitions(columns: list[str], vocab: Vocabulary = FUEL) -> pd.DataFrame:
    """One row per daily column: its name, unit and meaning (the workbook's legend).

    Units and words are those of ``vocab``, the main commodity's (``t``, ``supplies
    served``). ``days_of_cover`` gets the definition every caption uses
    (:data:`COVER_DEFINITION`), so a reader of the workbook alone knows which stock it
    divides.
    """
    rows = []
    for name in columns:
        lab = daily_label(name, vocab)
        meaning = COVER_DEFINITION if name == "days_of_cover" else lab.long
        meaning = _PLACE_COLUMNS.get(name, meaning)
        rows.append({"column": name, "unit": column_unit(name, vocab), "meaning": meaning})
    return pd.DataFrame(rows)
