"""Dated signals: what was reported about stocks and shortages, beside the incident table.

One row per statement: a date, a place, a signal (one of :data:`SIGNALS`: rationing in
force, a shortage, days of cover, a stock, the day rationing began, a price cap...), a value
or a range, a source. Most signals name a daily output of the model, so a run can be scored
against them (:func:`simfuel.observations.score_signals`); a few (prices) are kept for the
record and never scored. ``docs/signals-format.md`` documents the format.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import math
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..text import safe_echo
from .errors import Problem, SignalsError

if TYPE_CHECKING:
    from ..scenario.schema import Scenario

__all__ = [
    "SIGNALS",
    "SIGNAL_COLUMNS",
    "Signal",
    "SignalColumn",
    "shipped_signals",
    "signals",
    "validate_signals",
]

_DATA_PREFIX = "signals_"


@dataclass(frozen=True)
class Signal:
    """One kind of reported signal and the model output it is compared with.

    Attributes
    ----------
    name : str
        The ``signal`` cell, exactly.
    kind : str
        ``flag`` (the model's daily 0/1 on ``date``; ``value`` 1 or 0), ``number`` (the
        model's daily value on ``date`` within ``low``-``high``), ``onset`` (the first day
        the model's flag is on, ``low`` to ``high`` days after ``date``) or ``unscored``
        (kept for the record, no model counterpart).
    unit : str
        The unit of ``value``, ``low`` and ``high``; ``""`` for ``unscored`` signals,
        whose rows give their own.
    field : str or None
        The daily column of ``RunResult.daily`` it is read from (``shortage`` and
        ``served_share`` are derived: see ``meaning``); None for ``unscored``.
    minimum, maximum : float or None
        Allowed range of ``value``, ``low`` and ``high`` (None: unbounded).
    meaning : str
        What a row says, for the documentation.
    """

    name: str
    kind: str
    unit: str
    field: str | None
    minimum: float | None
    maximum: float | None
    meaning: str


#: The documented signals, by name (``docs/signals-format.md`` mirrors them).
SIGNALS: dict[str, Signal] = {
    s.name: s
    for s in (
        Signal(
            "rationing",
            "flag",
            "flag",
            "rationing",
            0,
            1,
            "Rationing in force on `date` (1), or reported not in force (0).",
        ),
        Signal(
            "stockout",
            "flag",
            "flag",
            "stockout",
            0,
            1,
            "Even rationed demand could not be served on `date` (1): stations dry, the depot "
            "empty; or reported served (0).",
        ),
        Signal(
            "shortage",
            "flag",
            "flag",
            "shortfall_l",
            0,
            1,
            "Demand not fully served on `date` (1: rationing or stock-out, read as the "
            "model's `shortfall_l` > 0), e.g. a 'drastic drop' in fuel; or fully served (0).",
        ),
        Signal(
            "days_of_cover",
            "number",
            "days",
            "days_of_cover",
            0,
            None,
            "Stock on `date` over one day's nominal demand [days], e.g. 'stocks last two weeks'.",
        ),
        Signal(
            "stock_l",
            "number",
            "L",
            "stock_l",
            0,
            None,
            "Stock at the depot on `date` [L], as `RunResult.daily` records it.",
        ),
        Signal(
            "served_share",
            "number",
            "-",
            "served_l",
            0,
            1,
            "Share of demand served on `date` [-] (the model's `served_l` / `demand_l`).",
        ),
        Signal(
            "rationing_started",
            "onset",
            "days",
            "rationing",
            None,
            None,
            "Rationing began `low` to `high` days after `date` [days] (the model's first "
            "day with rationing).",
        ),
        Signal(
            "stockout_started",
            "onset",
            "days",
            "stockout",
            None,
            None,
            "The first stock-out came `low` to `high` days after `date` [days].",
        ),
        Signal(
            "price_cap",
            "unscored",
            "",
            None,
            0,
            None,
            "An official price cap in force from `date` (unit e.g. FCFA/L); not modelled.",
        ),
        Signal(
            "price",
            "unscored",
            "",
            None,
            0,
            None,
            "A reported market price on `date` (unit e.g. FCFA/L); not modelled.",
        ),
    )
}


@dataclass(frozen=True)
class SignalColumn:
    """One column of a signals table (as :class:`IncidentColumn` for incidents)."""

    name: str
    type: str
    required: bool
    meaning: str


#: The documented columns of a signals table, in order.
SIGNAL_COLUMNS: tuple[SignalColumn, ...] = (
    SignalColumn("id", "text", False, "Short unique key of the row."),
    SignalColumn("date", "date", True, "Day the statement is about (YYYY-MM-DD)."),
    SignalColumn(
        "place",
        "text",
        False,
        "Scenario place key the statement is about; blank for the country as a whole or a "
        "town the scenario does not have (name it in `location`). A blank place or the "
        "depot's is read at the depot; a destination's place at that destination's own "
        "stock; any other place is not scored.",
    ),
    SignalColumn("location", "text", False, "Where, as reported (free text, not checked)."),
    SignalColumn("signal", "signal", True, "One of the documented signals (see below)."),
    SignalColumn(
        "value",
        "number",
        False,
        "The reported figure, in `unit`; for a flag 1 (true) or 0 (false).",
    ),
    SignalColumn(
        "low",
        "number",
        False,
        "Lowest value the statement allows, in `unit`; blank: no lower bound.",
    ),
    SignalColumn(
        "high",
        "number",
        False,
        "Highest value the statement allows, in `unit`; blank: no upper bound.",
    ),
    SignalColumn(
        "unit",
        "text",
        False,
        "Unit of value, low and high: blank or the signal's own unit; required for "
        "unscored signals (e.g. `FCFA/L`).",
    ),
    SignalColumn("source", "text", True, "Outlet(s) that reported it; never blank."),
    SignalColumn("note", "text", False, "How the statement was read: assumptions made."),
)
_BY_NAME = {c.name: c for c in SIGNAL_COLUMNS}
_REQUIRED = [c.name for c in SIGNAL_COLUMNS if c.required]
_FLAG_TEXT = {"1": 1.0, "true": 1.0, "yes": 1.0, "0": 0.0, "false": 0.0, "no": 0.0}


# ---------------------------------------------------------------- loading


def shipped_signals() -> list[str]:
    """Names of the signals tables shipped with simfuel, e.g. ``["mali-2025"]``.

    Returns
    -------
    list of str
        Names accepted by :func:`signals`; table ``name`` lives in
        ``simfuel/data/signals_<name with _ for ->.csv``.
    """
    data = resources.files("simfuel.data")
    return sorted(
        entry.name[len(_DATA_PREFIX) : -len(".csv")].replace("_", "-")
        for entry in data.iterdir()
        if entry.name.startswith(_DATA_PREFIX) and entry.name.endswith(".csv")
    )


def signals(
    name_or_path: str | os.PathLike[str] = "mali-2025", *, scenario: Scenario | None = None
) -> pd.DataFrame:
    """Load and validate a signals table.

    Parameters
    ----------
    name_or_path : str or path
        A shipped name (see :func:`shipped_signals`; ``"mali-2025"``: statements on the 2025
        Mali blockade dated before 1 October) or the path of a CSV file (UTF-8, one header
        row) with the columns of :data:`SIGNAL_COLUMNS`.
    scenario : Scenario, optional
        Also check places against its places and dates against its horizon.

    Returns
    -------
    pandas.DataFrame
        As :func:`validate_signals` returns it; ``attrs["source"]`` names the file and
        ``attrs["source_sha256"]`` is the SHA-256 of its bytes.

    Raises
    ------
    SignalsError
        Every problem of the table, each naming the file, the row and the column.
    FileNotFoundError
        If ``name_or_path`` is neither a shipped name nor a file.
    """
    if isinstance(name_or_path, str) and name_or_path in shipped_signals():
        filename = _DATA_PREFIX + name_or_path.replace("-", "_") + ".csv"
        data = resources.files("simfuel.data").joinpath(filename).read_bytes()
        source = f"simfuel/data/{filename}"
    else:
        path = Path(name_or_path)
        if path.exists() and not path.is_file():
            raise SignalsError(str(name_or_path), [Problem("", "is not a regular file")])
        if not path.is_file():
            known = ", ".join(shipped_signals()) or "none"
            raise FileNotFoundError(
                f"{name_or_path}: no such file, nor a shipped signals table (shipped: {known})"
            )
        data, source = path.read_bytes(), str(name_or_path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = f"is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start})"
        raise SignalsError(source, [Problem("", problem)]) from None
    try:
        raw = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SignalsError(source, [Problem("", f"cannot read as CSV: {exc}")]) from exc
    table = validate_signals(raw, source=source, scenario=scenario)
    table.attrs["source_sha256"] = hashlib.sha256(data).hexdigest()
    return table


# ---------------------------------------------------------------- validation


def validate_signals(
    frame: pd.DataFrame, source: str = "<table>", scenario: Scenario | None = None
) -> pd.DataFrame:
    """Check a signals table and return it with clean types.

    Parameters
    ----------
    frame : pandas.DataFrame
        Text cells (as read with ``dtype=str``) or typed values (a validated table
        validates again unchanged). Extra columns are kept as they are.
    source : str
        The table's name in messages.
    scenario : Scenario, optional
        Also check ``place`` against its places and ``date`` against its horizon.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`SIGNAL_COLUMNS` in order, then extra columns; ``date`` as a
        timestamp; ``value``, ``low``, ``high`` as floats (NaN: blank), with ``low`` and
        ``high`` set to ``value`` when both are blank (a single figure is an exact range);
        ``unit`` filled with the signal's own; text as strings.

    Raises
    ------
    SignalsError
        Every problem, one line each naming the row (from 1 after the header) and the
        column: a missing required column, a date that is not YYYY-MM-DD, an unknown signal
        (with a "did you mean"), a number that is not finite, no value nor bound, ``low >
        high``, a value outside ``low``-``high`` or outside the signal's range, a flag
        that is not 0 or 1, a unit that is not the signal's, a blank source, a repeated
        id; with ``scenario``: a place it does not have, a date outside its horizon.
    """
    frame = frame.rename(columns=lambda c: str(c).strip())
    columns = [str(c) for c in frame.columns]
    problems: list[Problem] = []
    for name in sorted({c for c in columns if columns.count(c) > 1}):
        problems.append(Problem(f"column {name}", "appears more than once"))
    for name in _REQUIRED:
        if name not in columns:
            extra = [c for c in columns if c not in _BY_NAME]
            close = difflib.get_close_matches(name, extra, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(Problem(f"column {name}", f"required column missing{hint}"))
    if problems:
        raise SignalsError(source, problems)
    n = len(frame)
    cells = {c: [_text(v) for v in frame[c].tolist()] for c in columns}

    def col(name: str) -> list[Any]:
        return cells.get(name, [""] * n)

    out: dict[str, list[Any]] = {c.name: [] for c in SIGNAL_COLUMNS}
    seen: dict[str, int] = {}
    for i in range(n):
        row = _Row(i, problems)
        day = _date(col("date")[i])
        if day is None:
            row.bad("date", f"must be a date YYYY-MM-DD (got {_shown(col('date')[i])})")
        name = str(col("signal")[i]).strip()
        spec = SIGNALS.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, list(SIGNALS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            row.bad(
                "signal",
                f"unknown signal {_shown(name)}{hint} (known: {', '.join(SIGNALS)})",
            )
        numbers = {k: row.number(k, col(k)[i], spec) for k in ("value", "low", "high")}
        value, low, high = numbers["value"], numbers["low"], numbers["high"]
        unit = str(col("unit")[i]).strip()
        if spec is not None:
            low, high, unit = _check_row(row, spec, value, low, high, unit, col, i)
        text = {k: str(col(k)[i]).strip() for k in ("id", "place", "location", "source", "note")}
        if not text["source"]:
            row.bad("source", "blank: name the outlet that reported it")
        if text["id"]:
            if text["id"] in seen:
                row.bad("id", f"{text['id']!r} already used in row {seen[text['id']] + 1}")
            seen.setdefault(text["id"], i)
        if scenario is not None:
            _check_scenario(row, scenario, day, text["place"])
        values = {
            **text,
            "date": day,
            "signal": name,
            "value": value,
            "low": low,
            "high": high,
            "unit": unit,
        }
        for key in out:
            out[key].append(values[key])
    if problems:
        raise SignalsError(source, problems)
    result = pd.DataFrame(
        {
            **{k: pd.array(v, dtype="str") for k, v in out.items()},
            "date": pd.to_datetime(
                pd.Series([pd.Timestamp(d) for d in out["date"]], dtype="datetime64[ns]")
            ),
            **{k: np.array(out[k], dtype=float) for k in ("value", "low", "high")},
        },
        index=pd.RangeIndex(n),
    )[[c.name for c in SIGNAL_COLUMNS]]
    for name in columns:
        if name not in _BY_NAME:
            result[name] = frame[name].to_numpy()
    result.attrs.update({k: v for k, v in frame.attrs.items() if k != "source"})
    result.attrs["source"] = source
    return result


class _Row:
    """The problems of one row, each named by its row and column."""

    def __init__(self, i: int, problems: list[Problem]) -> None:
        self.i = i
        self.problems = problems
        self.failed: set[str] = set()

    def bad(self, column: str, message: str) -> None:
        self.failed.add(column)
        self.problems.append(Problem(f"row {self.i + 1}, {column}", message))

    def number(self, column: str, cell: Any, spec: Signal | None) -> float:
        """A finite float, NaN for blank, or NaN and a problem."""
        if isinstance(cell, bool):
            return 1.0 if cell else 0.0
        if isinstance(cell, int | float):
            number = float(cell)
        else:
            text = str(cell).strip()
            if text == "":
                return math.nan
            if spec is not None and spec.kind == "flag" and text.lower() in _FLAG_TEXT:
                return _FLAG_TEXT[text.lower()]
            try:
                number = float(text.replace("_", ""))
            except ValueError:
                self.bad(column, f"must be a number, or blank (got {_shown(text)})")
                return math.nan
        if not math.isfinite(number):
            self.bad(column, f"must be a finite number, or blank (got {_shown(cell)})")
            return math.nan
        return number


def _check_row(
    row: _Row,
    spec: Signal,
    value: float,
    low: float,
    high: float,
    unit: str,
    col: Any,
    i: int,
) -> tuple[float, float, str]:
    """Check one row's figures and unit against its signal; the bounds and unit to keep."""
    given = [not math.isnan(x) for x in (value, low, high)]
    broken = {"value", "low", "high"} & row.failed
    if spec.kind == "flag":
        if math.isnan(value) and "value" not in broken:
            row.bad("value", f"required for {spec.name}: 1 (true) or 0 (false)")
        elif not math.isnan(value) and value not in (0.0, 1.0):
            row.bad("value", f"must be 1 (true) or 0 (false) for {spec.name} (got {value:g})")
        for key, bound in (("low", low), ("high", high)):
            if not math.isnan(bound) and bound != value and not math.isnan(value):
                row.bad(key, f"must be blank or equal to value for a flag (got {bound:g})")
        low = high = value
    elif not any(given) and not broken:
        row.bad("value", "no value, low or high: give a figure or a bound")
    else:
        if not math.isnan(low) and not math.isnan(high) and high < low:
            row.bad("high", f"must be >= low ({low:g}), got {high:g}")
        elif not math.isnan(value):
            if not math.isnan(low) and value < low:
                row.bad("value", f"{value:g} is below low ({low:g})")
            if not math.isnan(high) and value > high:
                row.bad("value", f"{value:g} is above high ({high:g})")
        for key, x in (("value", value), ("low", low), ("high", high)):
            if math.isnan(x):
                continue
            if spec.minimum is not None and x < spec.minimum:
                row.bad(key, f"must be >= {spec.minimum:g} for {spec.name} (got {x:g})")
            elif spec.maximum is not None and x > spec.maximum:
                row.bad(key, f"must be <= {spec.maximum:g} for {spec.name} (got {x:g})")
        if math.isnan(low) and math.isnan(high):
            low = high = value
    if spec.kind == "unscored":
        if not unit:
            row.bad("unit", f"required for {spec.name} (e.g. FCFA/L)")
    elif unit and unit != spec.unit:
        row.bad("unit", f"must be {spec.unit!r} for {spec.name}, or blank (got {_shown(unit)})")
    else:
        unit = spec.unit
    return low, high, unit


def _check_scenario(row: _Row, scenario: Scenario, day: dt.date | None, place: str) -> None:
    if place and place not in scenario.places:
        close = difflib.get_close_matches(place, list(scenario.places), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        row.bad(
            "place",
            f"unknown place {_shown(place)}{hint}; leave it blank and name the town in "
            "location for a place the scenario does not have",
        )
    if day is not None and not scenario.start <= day <= scenario.end:
        row.bad(
            "date",
            f"{day} is outside the scenario's horizon ({scenario.start} to {scenario.end})",
        )


def _text(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return value


def _shown(value: Any) -> str:
    text = safe_echo(str(value), 60)
    return "blank" if text == "" else repr(text)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        return ts.date() if ts == ts.normalize() else None
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
