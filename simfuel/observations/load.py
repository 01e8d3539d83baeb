"""Loading an incident table (shipped by name, or a CSV file) and validating it.

Every problem of a table is found before any is raised, each with its row and column.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import math
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import IncidentsError, Problem
from .schema import ESCORT_VALUES, FALSE_VALUES, INCIDENT_COLUMNS, TRUE_VALUES

if TYPE_CHECKING:
    from ..scenario.schema import Scenario

__all__ = ["incidents", "parse_flags", "shipped_incidents", "validate_incidents"]

_BY_NAME = {c.name: c for c in INCIDENT_COLUMNS}
_REQUIRED = [c.name for c in INCIDENT_COLUMNS if c.required]
_COUNTS = [c.name for c in INCIDENT_COLUMNS if c.type == "count"]
_TEXTS = [c.name for c in INCIDENT_COLUMNS if c.type == "text"]
_BOOLS = [c.name for c in INCIDENT_COLUMNS if c.type == "bool"]
_DATA_PREFIX = "incidents_"


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


def incidents(
    name_or_path: str | os.PathLike[str] = "mali-2025", *, scenario: Scenario | None = None
) -> pd.DataFrame:
    """Load and validate an incident table.

    Parameters
    ----------
    name_or_path : str or path
        The name of a shipped table (see :func:`shipped_incidents`; ``"mali-2025"``: the
        reported events of the 2025 Mali fuel blockade) or the path of a CSV file (UTF-8,
        a header row, comma-separated) with the columns of :data:`INCIDENT_COLUMNS`, or an
        ACLED export (recognised by its ``event_date``, ``latitude`` and ``longitude``
        columns), which needs ``scenario``.
    scenario : Scenario, optional
        For an ACLED export only: the scenario whose legs its events are mapped to, with
        :func:`~simfuel.observations.acled_incidents`' defaults (every actor and event
        type, 25 km). Call that function for filters.

    Returns
    -------
    pandas.DataFrame
        One row per event, the columns of :data:`INCIDENT_COLUMNS` in that order (optional
        ones added if missing), then any extra columns of the file, unchanged. ``date`` as
        a timestamp (midnight); counts [tankers] as nullable integers (``<NA>``: not
        reported); text as strings (blank: ``""``); ``escort`` filled with ``"unknown"``;
        ``derived`` and ``aggregate`` as bool. The table's origin is in
        ``frame.attrs["source"]``, the SHA-256 of the file's bytes in
        ``frame.attrs["source_sha256"]``.

    Raises
    ------
    IncidentsError
        If the table is invalid (every problem, with file, row and column), or is an
        ACLED export and no ``scenario`` is given.
    FileNotFoundError
        If ``name_or_path`` is neither a shipped name nor an existing file.
    """
    text, source, sha256 = _read_source(name_or_path)
    try:
        raw = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise IncidentsError(source, [Problem("", f"cannot read as CSV: {exc}")]) from exc
    from .acled import acled_incidents_from_frame, is_acled  # acled imports this module

    if is_acled(raw.columns):
        if scenario is None:
            raise IncidentsError(
                source,
                [
                    Problem(
                        "",
                        "is an ACLED export (event_date, latitude, longitude): mapping its "
                        "events to legs needs a scenario; use "
                        "simfuel.observations.acled_incidents(path, scenario) or "
                        "incidents(path, scenario=...)",
                    )
                ],
            )
        return acled_incidents_from_frame(raw, scenario, source=source, sha256=sha256)
    table = validate_incidents(raw, source=source)
    table.attrs["source_sha256"] = sha256
    return table


def _read_source(name_or_path: str | os.PathLike[str]) -> tuple[str, str, str]:
    """The CSV text, the name to report it under and the SHA-256 of its bytes."""
    if isinstance(name_or_path, str) and name_or_path in shipped_incidents():
        filename = _DATA_PREFIX + name_or_path.replace("-", "_") + ".csv"
        data = resources.files("simfuel.data").joinpath(filename).read_bytes()
        return data.decode("utf-8"), f"simfuel/data/{filename}", hashlib.sha256(data).hexdigest()
    path = Path(name_or_path)
    if path.exists() and not path.is_file():  # stat only: a FIFO is never opened
        what = "a folder" if path.is_dir() else "not a regular file (a FIFO or device?)"
        raise IncidentsError(str(name_or_path), [Problem("", f"is {what}, not a CSV file")])
    if not path.is_file():
        known = ", ".join(shipped_incidents()) or "none"
        raise FileNotFoundError(
            f"{name_or_path}: no such file, nor a shipped incident table (shipped: {known})"
        )
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), str(name_or_path), hashlib.sha256(data).hexdigest()
    except UnicodeDecodeError as exc:
        problem = f"is not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})"
        raise IncidentsError(str(name_or_path), [Problem("", problem)]) from None


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
        losses above ``convoy_size``, unknown ``escort`` values, ``derived`` or
        ``aggregate`` flags that are not true/false, yes/no, 1/0 or blank, blank
        ``source`` cells, duplicate ``id`` values.
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
    # flags
    flags: dict[str, list[bool]] = {}
    for col in _BOOLS:
        flags[col] = []
        for i, v in enumerate(cells.get(col, [""] * n)):
            flag, message = _parse_flag(v)
            if message:
                problems.append(Problem(where(i, col), message))
            flags[col].append(bool(flag))
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
            out[name] = np.array(flags[name], dtype=bool)
        else:
            out[name] = pd.array(texts[name], dtype="str")
    result = pd.DataFrame(out, index=pd.RangeIndex(n))
    for col in columns:
        if col not in _BY_NAME:
            result[col] = frame[col].to_numpy()
    # Provenance set by a loader (the file's hash, an ACLED report) survives validating again.
    result.attrs.update({k: v for k, v in frame.attrs.items() if k != "source"})
    result.attrs["source"] = source
    return result


def parse_flags(values: Sequence[Any], column: str, source: str = "<table>") -> np.ndarray:
    """One ``bool`` column of an incident table, read strictly.

    Parameters
    ----------
    values : sequence
        The cells: text (``true``/``false``, ``yes``/``no``, ``1``/``0``, any case, or
        blank for false), bools, the numbers 0 and 1, or missing values (false).
    column : str
        The column's name, for error messages.
    source : str
        The table's name, for error messages.

    Returns
    -------
    numpy.ndarray of bool

    Raises
    ------
    IncidentsError
        Naming every cell that is none of those, by row (from 1) and column.
    """
    out = np.zeros(len(values), dtype=bool)
    problems: list[Problem] = []
    for i, v in enumerate(values):
        flag, message = _parse_flag(_cell(v))
        if message:
            problems.append(Problem(f"row {i + 1}, {column}", message))
        out[i] = bool(flag)
    if problems:
        raise IncidentsError(source, problems)
    return out


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


def _parse_flag(value: Any) -> tuple[bool | None, str]:
    """``(flag, "")``, or ``(None, message)``; never Python truthiness ("false" is truthy)."""
    if isinstance(value, bool | np.bool_):
        return bool(value), ""
    if isinstance(value, int | float | np.integer | np.floating) and value in (0, 1):
        return bool(value), ""
    text = str(value).strip().lower()
    if text in TRUE_VALUES:
        return True, ""
    if text in FALSE_VALUES:
        return False, ""
    return None, f"must be true or false (also yes/no, 1/0; blank for false), got {value!r}"


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
