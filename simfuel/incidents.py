"""Reported incidents on fuel convoys: a documented table to compare the model with.

One row per reported event: an attack with the tankers it destroyed (as a low-high range
of the reported figures), or an escorted convoy that arrived without incident (zero
destroyed: those are data too). simfuel ships the table of the 2025 Mali blockade
(``incidents("mali-2025")``); bring your own with the same columns (see
``docs/incidents-format.md`` and :data:`INCIDENT_COLUMNS`)::

    import simfuel
    table = simfuel.incidents("mali-2025")           # or the path of your own CSV
    problems = simfuel.check_against(table, simfuel.load_scenario("scenarios/mali-2025.yaml"))
    totals = simfuel.cumulative_losses(table)       # reported tankers destroyed, accumulated

Counts are tankers; dates are days (no time of day).
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .scenario.errors import Problem, ScenarioError
from .scenario.schema import Scenario

__all__ = [
    "ESCORT_VALUES",
    "INCIDENT_COLUMNS",
    "IncidentColumn",
    "IncidentsError",
    "check_against",
    "cumulative_losses",
    "incidents",
    "reported_losses",
    "shipped_incidents",
    "validate_incidents",
]


@dataclass(frozen=True)
class IncidentColumn:
    """One column of an incident table.

    Attributes
    ----------
    name : str
        Column header, exactly.
    type : str
        ``date`` (YYYY-MM-DD), ``count`` (a whole number >= 0 of tankers, blank if not
        reported), ``text``, ``escort`` (one of :data:`ESCORT_VALUES`) or ``bool``
        (``true``/``false``, blank for false).
    required : bool
        The column must be present (its cells may still be blank where the meaning says so).
    meaning : str
        What the column holds, with units.
    """

    name: str
    type: str
    required: bool
    meaning: str


#: Allowed values of the ``escort`` column.
ESCORT_VALUES: tuple[str, ...] = ("none", "ground", "air", "air+ground", "escorted", "unknown")

#: The documented schema of an incident table, in column order.
INCIDENT_COLUMNS: tuple[IncidentColumn, ...] = (
    IncidentColumn(
        "id", "text", False, "Short unique key of the row, e.g. `kaniera-lakamane-14sep`."
    ),
    IncidentColumn(
        "date",
        "date",
        True,
        "Day of the event (YYYY-MM-DD); for an event reported over several days, the first "
        "day; for an approximate date, the assumed day (say so in `note`).",
    ),
    IncidentColumn(
        "corridor",
        "text",
        True,
        "Scenario corridor key (e.g. `dakar_rn1`); blank if the route was not reported.",
    ),
    IncidentColumn(
        "place",
        "text",
        False,
        "Scenario place key where the event happened or that it was reported near "
        "(e.g. `kayes`); blank if it lies on a leg (use `leg_from`/`leg_to`) or is unknown.",
    ),
    IncidentColumn("location", "text", False, "Location as reported, free text (not checked)."),
    IncidentColumn(
        "leg_from",
        "text",
        False,
        "Scenario place key where the leg of the event starts; blank if unknown.",
    ),
    IncidentColumn(
        "leg_to",
        "text",
        False,
        "Scenario place key where the leg (or stretch of legs) of the event ends; blank if "
        "unknown.",
    ),
    IncidentColumn(
        "destroyed_low",
        "count",
        True,
        "Lowest reported number of tankers destroyed [tankers]; `at least N` gives N; "
        "0 for a convoy that arrived without incident; blank if no figure was reported.",
    ),
    IncidentColumn(
        "destroyed_high",
        "count",
        True,
        "Highest reported number of tankers destroyed [tankers]: equal to `destroyed_low` "
        "for a single figure; blank for `at least N` (no upper figure) or when no figure was "
        "reported. Needs `destroyed_low`; for `up to N` write low 0 and high N.",
    ),
    IncidentColumn(
        "captured",
        "count",
        False,
        "Tankers reported seized rather than destroyed [tankers]; blank if not reported.",
    ),
    IncidentColumn(
        "convoy_size",
        "count",
        False,
        "Tankers in the convoy [tankers]; blank if not reported.",
    ),
    IncidentColumn(
        "escort",
        "escort",
        False,
        "Escort with the convoy: none, ground, air, air+ground, escorted (an escort was "
        "reported but not its kind) or unknown (also for blank cells and a missing column).",
    ),
    IncidentColumn(
        "derived",
        "bool",
        False,
        "true if the figures are computed from other reports rather than reported for this "
        "event alone (e.g. an aggregate less the events listed in their own rows); explain "
        "in `note`.",
    ),
    IncidentColumn(
        "source",
        "text",
        True,
        "Outlet(s) that reported the event, e.g. `Reuters; RFI`; never blank.",
    ),
    IncidentColumn("note", "text", False, "Anything else: claims not used, assumptions made."),
)

_BY_NAME = {c.name: c for c in INCIDENT_COLUMNS}
_REQUIRED = [c.name for c in INCIDENT_COLUMNS if c.required]
_COUNTS = [c.name for c in INCIDENT_COLUMNS if c.type == "count"]
_TEXTS = [c.name for c in INCIDENT_COLUMNS if c.type == "text"]
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f", ""}
_DATA_PREFIX = "incidents_"


class IncidentsError(ScenarioError):
    """An incident table that cannot be used.

    A :class:`~simfuel.ScenarioError` (so a ``ValueError``): the message names the file,
    then one line per problem with the row and the column, e.g.
    ``my.csv: row 3, destroyed_high: must be >= destroyed_low (20), got 10``. Rows count
    from 1 after the header, so row ``n`` is on line ``n + 1`` of a CSV file.
    """


# ---------------------------------------------------------------- loading


def shipped_incidents() -> list[str]:
    """Names of the incident tables shipped with simfuel, e.g. ``["mali-2025"]``.

    Returns
    -------
    list of str
        Names accepted by :func:`incidents`; the table ``name`` lives in
        ``simfuel/data/incidents_<name with _ for ->.csv``.
    """
    data = resources.files("simfuel.data")
    names = [
        entry.name[len(_DATA_PREFIX) : -len(".csv")].replace("_", "-")
        for entry in data.iterdir()
        if entry.name.startswith(_DATA_PREFIX) and entry.name.endswith(".csv")
    ]
    return sorted(names)


def incidents(name_or_path: str | os.PathLike[str] = "mali-2025") -> pd.DataFrame:
    """Load and validate an incident table.

    Parameters
    ----------
    name_or_path : str or path
        The name of a shipped table (see :func:`shipped_incidents`; ``"mali-2025"``: the
        reported events of the 2025 Mali fuel blockade) or the path of a CSV file (UTF-8,
        a header row, comma-separated) with the columns of :data:`INCIDENT_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        One row per event, the columns of :data:`INCIDENT_COLUMNS` in that order (optional
        ones added if missing), then any extra columns of the file, unchanged. ``date`` as
        a timestamp (midnight); counts [tankers] as nullable integers (``<NA>``: not
        reported); text as strings (blank: ``""``); ``escort`` filled with ``"unknown"``;
        ``derived`` as bool. The table's origin is in ``frame.attrs["source"]``.

    Raises
    ------
    IncidentsError
        If the table is invalid (every problem, with file, row and column).
    FileNotFoundError
        If ``name_or_path`` is neither a shipped name nor an existing file.
    """
    text, source = _read_source(name_or_path)
    try:
        raw = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise IncidentsError(source, [Problem("", f"cannot read as CSV: {exc}")]) from exc
    return validate_incidents(raw, source=source)


def _read_source(name_or_path: str | os.PathLike[str]) -> tuple[str, str]:
    """The CSV text and the name to report it under."""
    if isinstance(name_or_path, str) and name_or_path in shipped_incidents():
        filename = _DATA_PREFIX + name_or_path.replace("-", "_") + ".csv"
        text = resources.files("simfuel.data").joinpath(filename).read_text(encoding="utf-8")
        return text, f"simfuel/data/{filename}"
    path = Path(name_or_path)
    if not path.is_file():
        known = ", ".join(shipped_incidents()) or "none"
        raise FileNotFoundError(
            f"{name_or_path}: no such file, nor a shipped incident table (shipped: {known})"
        )
    return path.read_text(encoding="utf-8-sig"), str(name_or_path)


# ---------------------------------------------------------------- validation


def validate_incidents(frame: pd.DataFrame, source: str = "<table>") -> pd.DataFrame:
    """Check an incident table and return it with clean types.

    Accepts raw text cells (as read from a CSV with ``dtype=str``) or already typed
    values (a table returned by :func:`incidents` validates again unchanged). Extra
    columns are allowed and kept as they are; column names are stripped of spaces.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per event with the columns of :data:`INCIDENT_COLUMNS`.
    source : str
        Name of the table in error messages (a file name, or ``"<table>"``).

    Returns
    -------
    pandas.DataFrame
        As described under :func:`incidents`, with a fresh ``RangeIndex``.

    Raises
    ------
    IncidentsError
        Naming ``source``, then every problem with its row (counted from 1 after the
        header) and column: missing required columns (with a "did you mean"), dates that
        are not YYYY-MM-DD, counts that are not whole numbers >= 0,
        ``destroyed_high < destroyed_low``, ``destroyed_high`` without ``destroyed_low``,
        losses above ``convoy_size``, unknown ``escort`` values, bad ``derived`` flags,
        blank ``source`` cells, duplicate ``id`` values.
    """
    frame = frame.rename(columns=lambda c: str(c).strip())
    problems: list[Problem] = []
    columns = [str(c) for c in frame.columns]
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    for name in dupes:
        problems.append(Problem(f"column {name}", "appears more than once"))
    missing = [c for c in _REQUIRED if c not in columns]
    for name in missing:
        extra = [c for c in columns if c not in _BY_NAME]
        close = difflib.get_close_matches(name, extra, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(Problem(f"column {name}", f"required column missing{hint}"))
    if problems:
        raise IncidentsError(source, problems)

    n = len(frame)
    out: dict[str, Any] = {}
    cells = {c: [_cell(v) for v in frame[c].tolist()] for c in columns}

    def where(i: int, col: str) -> str:
        return f"row {i + 1}, {col}"

    # date
    dates: list[pd.Timestamp | None] = []
    for i, v in enumerate(cells["date"]):
        day = _parse_date(v)
        if day is None:
            shown = "blank" if v == "" else repr(v)
            problems.append(Problem(where(i, "date"), f"must be a date YYYY-MM-DD (got {shown})"))
        dates.append(day)
    # counts
    counts: dict[str, list[int | None]] = {}
    bad: set[tuple[int, str]] = set()  # cells already reported: no follow-on problems
    for col in _COUNTS:
        values: list[int | None] = []
        for i, v in enumerate(cells.get(col, [""] * n)):
            number, message = _parse_count(v)
            if message:
                problems.append(Problem(where(i, col), message))
                bad.add((i, col))
            values.append(number)
        counts[col] = values
    low, high = counts["destroyed_low"], counts["destroyed_high"]
    captured, size = counts["captured"], counts["convoy_size"]
    for i in range(n):
        if high[i] is not None and low[i] is None and (i, "destroyed_low") not in bad:
            problems.append(
                Problem(
                    where(i, "destroyed_high"),
                    f"given ({high[i]}) without destroyed_low; for 'up to N' write destroyed_low 0",
                )
            )
        lo, hi = low[i], high[i]
        if lo is not None and hi is not None and hi < lo:
            problems.append(
                Problem(
                    where(i, "destroyed_high"),
                    f"must be >= destroyed_low ({lo}), got {hi}",
                )
            )
        sz = size[i]
        if sz is not None and lo is not None and (i, "captured") not in bad:
            lost = lo + (captured[i] or 0)
            if lost > sz:
                problems.append(
                    Problem(
                        where(i, "convoy_size"),
                        f"{sz} is fewer than the tankers reported lost "
                        f"(destroyed_low + captured = {lost})",
                    )
                )
    # escort
    escorts: list[str] = []
    for i, v in enumerate(cells.get("escort", [""] * n)):
        value = str(v).strip().lower() or "unknown"
        if value not in ESCORT_VALUES:
            problems.append(
                Problem(
                    where(i, "escort"),
                    f"must be one of {', '.join(ESCORT_VALUES)} (got {v!r})",
                )
            )
        escorts.append(value)
    # derived
    derived: list[bool] = []
    for i, v in enumerate(cells.get("derived", [""] * n)):
        if isinstance(v, bool | np.bool_):
            derived.append(bool(v))
            continue
        text = str(v).strip().lower()
        if text not in _TRUE | _FALSE:
            problems.append(Problem(where(i, "derived"), f"must be true or false (got {v!r})"))
        derived.append(text in _TRUE)
    # text
    texts = {col: [str(v).strip() for v in cells.get(col, [""] * n)] for col in _TEXTS}
    for i, v in enumerate(texts["source"]):
        if not v:
            problems.append(Problem(where(i, "source"), "blank: name the outlet that reported it"))
    seen: dict[str, int] = {}
    for i, v in enumerate(texts["id"]):
        if v and v in seen:
            problems.append(Problem(where(i, "id"), f"{v!r} already used in row {seen[v] + 1}"))
        seen.setdefault(v, i)
    if problems:
        raise IncidentsError(source, sorted(problems, key=_row_order))

    for spec in INCIDENT_COLUMNS:
        name = spec.name
        if name == "date":
            out[name] = pd.to_datetime(pd.Series(dates, dtype="datetime64[ns]"))
        elif spec.type == "count":
            out[name] = pd.array(counts[name], dtype="Int64")
        elif spec.type == "escort":
            out[name] = escorts
        elif spec.type == "bool":
            out[name] = np.array(derived, dtype=bool)
        else:
            out[name] = pd.array(texts[name], dtype="str")
    result = pd.DataFrame(out, index=pd.RangeIndex(n))
    for col in columns:
        if col not in _BY_NAME:
            result[col] = frame[col].to_numpy()
    result.attrs["source"] = source
    return result


def _row_order(problem: Problem) -> tuple[int, int]:
    """Sort key of a ``row n, column`` problem: by row, then by the schema's column order."""
    where, _, column = problem.path.partition(", ")
    names = [c.name for c in INCIDENT_COLUMNS]
    return int(where.split()[1]), names.index(column) if column in names else len(names)


def _cell(value: Any) -> Any:
    """A cell as text or a typed value; missing values as ``""``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return value


def _parse_date(value: Any) -> pd.Timestamp | None:
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        return ts if ts == ts.normalize() else None
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    text = str(value).strip()
    try:
        return pd.Timestamp(dt.date.fromisoformat(text)) if len(text) == 10 else None
    except ValueError:
        return None


def _parse_count(value: Any) -> tuple[int | None, str]:
    """``(number, "")`` or ``(None, "")`` for blank, or ``(None, message)``."""
    if isinstance(value, bool | np.bool_):
        return None, f"must be a whole number of tankers >= 0, or blank (got {value!r})"
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
    else:
        text = str(value).strip()
        if text == "":
            return None, ""
        try:
            number = float(text)
        except ValueError:
            return None, f"must be a whole number of tankers >= 0, or blank (got {text!r})"
    if not math.isfinite(number) or number != int(number):
        return None, f"must be a whole number of tankers >= 0, or blank (got {value!r})"
    if number < 0:
        return None, f"must be >= 0 (got {int(number)})"
    return int(number), ""


# ---------------------------------------------------------------- against a scenario


def check_against(frame: pd.DataFrame, scenario: Scenario) -> list[Problem]:
    """Problems of an incident table against a scenario (empty if none).

    Parameters
    ----------
    frame : pandas.DataFrame
        An incident table (validated first if it is not already).
    scenario : Scenario
        The scenario the table is to be compared with.

    Returns
    -------
    list of Problem
        One per problem, its path ``row n, column``: a corridor that is not one of the
        scenario's; ``place``, ``leg_from`` or ``leg_to`` not one of its places; a leg
        that is not on the row's corridor (``leg_from`` must start one of its legs,
        ``leg_to`` end one, not before ``leg_from``); a date outside ``start``-``end``.
        Blank cells (not reported) are never a problem. Raise them with
        ``IncidentsError(source, problems)`` if you want an exception.
    """
    table = validate_incidents(frame, source=frame.attrs.get("source", "<table>"))
    problems: list[Problem] = []
    start, end = pd.Timestamp(scenario.start), pd.Timestamp(scenario.end)
    days = pd.DatetimeIndex(table["date"])
    text = {c: [str(v) for v in table[c]] for c in ("corridor", "place", "leg_from", "leg_to")}
    for i, day in enumerate(days):
        here = f"row {i + 1}"
        if not start <= day <= end:
            problems.append(
                Problem(
                    f"{here}, date",
                    f"{day.date()} is outside the scenario's horizon "
                    f"({scenario.start} to {scenario.end})",
                )
            )
        corridor = text["corridor"][i]
        if corridor and corridor not in scenario.corridors:
            problems.append(
                Problem(f"{here}, corridor", _unknown("corridor", corridor, scenario.corridors))
            )
        for col in ("place", "leg_from", "leg_to"):
            key = text[col][i]
            if key and key not in scenario.places:
                problems.append(Problem(f"{here}, {col}", _unknown("place", key, scenario.places)))
        if corridor not in scenario.corridors:
            continue
        legs = scenario.corridors[corridor].legs
        starts = [leg.from_ for leg in legs]
        ends = [leg.to for leg in legs]
        frm, to = text["leg_from"][i], text["leg_to"][i]
        if frm and frm in scenario.places and frm not in starts:
            problems.append(
                Problem(
                    f"{here}, leg_from",
                    f"{frm!r} starts no leg of corridor {corridor!r} "
                    f"(legs start at {', '.join(starts)})",
                )
            )
        if to and to in scenario.places and to not in ends:
            problems.append(
                Problem(
                    f"{here}, leg_to",
                    f"{to!r} ends no leg of corridor {corridor!r} (legs end at {', '.join(ends)})",
                )
            )
        elif frm in starts and to in ends and ends.index(to) < starts.index(frm):
            problems.append(
                Problem(
                    f"{here}, leg_to",
                    f"{to!r} comes before leg_from {frm!r} on corridor {corridor!r}",
                )
            )
    return problems


def _unknown(what: str, key: str, known: Iterable[str]) -> str:
    names = list(known)
    close = difflib.get_close_matches(key, names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown {what} {key!r}{hint} (known: {', '.join(names)})"


# ---------------------------------------------------------------- figures


def reported_losses(frame: pd.DataFrame, scenario: Scenario | None = None) -> pd.DataFrame:
    """Per-event reported losses as a central value and a range.

    A blank ``destroyed_high`` beside a figure means ``at least destroyed_low``: the range
    is then that one figure, a lower bound, and ``at_least`` is True. Rows with no figure
    get NaN and ``unquantified`` True.

    Parameters
    ----------
    frame : pandas.DataFrame
        An incident table (validated first if it is not already).
    scenario : Scenario, optional
        If given, losses are also converted to litres with the tanker capacity of the
        row's corridor (``tanker_capacity_l`` [L]); rows with a blank or unknown corridor
        use the capacity shared by all corridors, or NaN if the corridors differ.

    Returns
    -------
    pandas.DataFrame
        Same row order as the table; columns ``id``, ``date``, ``corridor``,
        ``destroyed_low``, ``destroyed_high``, ``destroyed_central`` (midpoint of the
        range) [tankers, float, NaN: not reported], ``captured`` [tankers, NaN: not
        reported], ``at_least``, ``unquantified``, ``derived`` (bool); with a scenario
        also ``capacity_l`` [L/tanker] and ``destroyed_low_l``, ``destroyed_high_l``,
        ``destroyed_central_l`` [L].
    """
    table = validate_incidents(frame, source=frame.attrs.get("source", "<table>"))
    low = table["destroyed_low"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    given_high = table["destroyed_high"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    high = np.where(np.isnan(given_high), low, given_high)
    out = pd.DataFrame(
        {
            "id": table["id"],
            "date": table["date"],
            "corridor": table["corridor"],
            "destroyed_low": low,
            "destroyed_high": high,
            "destroyed_central": (low + high) / 2.0,
            "captured": table["captured"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
            "at_least": ~np.isnan(low) & np.isnan(given_high),
            "unquantified": np.isnan(low),
            "derived": table["derived"].to_numpy(dtype=bool),
        },
        index=table.index,
    )
    if scenario is not None:
        capacities = {k: float(c.tanker_capacity_l) for k, c in scenario.corridors.items()}
        shared = set(capacities.values())
        fallback = shared.pop() if len(shared) == 1 else math.nan
        cap = np.array([capacities.get(str(c), fallback) for c in out["corridor"]], dtype=float)
        out["capacity_l"] = cap
        for col in ("destroyed_low", "destroyed_high", "destroyed_central"):
            out[f"{col}_l"] = out[col].to_numpy(float) * cap
    return out


def cumulative_losses(
    frame: pd.DataFrame,
    *,
    include_captured: bool = False,
    dates: Iterable[Any] | None = None,
) -> pd.DataFrame:
    """Reported losses summed day by day and accumulated.

    Each row's range (see :func:`reported_losses`) counts in full on its date; rows with
    no figure count as 0 (and are counted in ``unquantified``); ``at least N`` rows count
    N in both bounds (counted in ``at_least``). The bounds of separate rows are added, so
    the cumulative range is the widest the reports allow.

    Parameters
    ----------
    frame : pandas.DataFrame
        An incident table (validated first if it is not already).
    include_captured : bool
        Add the reported ``captured`` tankers (blank: 0) to both bounds: losses rather
        than tankers destroyed.
    dates : iterable of dates, optional
        The days to report on (e.g. a scenario's calendar); the values are carried forward
        between events, 0 before the first, and events on other days count from the next
        listed day on (those after the last listed day are left out). Default: one row
        per day with at least one event.

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (midnight timestamps); columns ``low``, ``high`` (that day's
        reported tankers) and ``cum_low``, ``cum_high``, ``cum_central`` (midpoint) up to
        and including that day [tankers]; ``reports``, ``unquantified``, ``at_least``
        (rows on that day; 0 on days without an event).
    """
    per_row = reported_losses(frame)
    lost_low = per_row["destroyed_low"].fillna(0.0)
    lost_high = per_row["destroyed_high"].fillna(0.0)
    if include_captured:
        cap = per_row["captured"].fillna(0.0)
        lost_low, lost_high = lost_low + cap, lost_high + cap
    rows = pd.DataFrame(
        {
            "date": pd.to_datetime(per_row["date"]),
            "low": lost_low,
            "high": lost_high,
            "reports": 1,
            "unquantified": per_row["unquantified"].astype(int),
            "at_least": per_row["at_least"].astype(int),
        }
    )
    daily = rows.groupby("date").sum().sort_index()
    if dates is not None:
        calendar = pd.DatetimeIndex(pd.to_datetime(list(dates))).normalize()
        if len(calendar):
            # an event counts from the first listed day on or after it
            slot = calendar.searchsorted(daily.index, side="left")
            inside = slot < len(calendar)
            daily = daily[inside].groupby(calendar[slot[inside]]).sum()
        daily = daily.reindex(calendar, fill_value=0)
    daily.index = pd.DatetimeIndex(daily.index, name="date")
    daily = daily.astype({"reports": int, "unquantified": int, "at_least": int})
    daily["cum_low"] = daily["low"].cumsum()
    daily["cum_high"] = daily["high"].cumsum()
    daily["cum_central"] = (daily["cum_low"] + daily["cum_high"]) / 2.0
    return daily[
        ["low", "high", "cum_low", "cum_high", "cum_central", "reports", "unquantified", "at_least"]
    ]
