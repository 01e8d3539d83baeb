"""Incidents from an ACLED export: events mapped to a scenario's legs by distance.

ACLED (the Armed Conflict Location & Event Data project) codes political violence event by
event, with coordinates; it does not count tankers. :func:`acled_incidents` reads an export
as it comes (ACLED's own column names), keeps the events a user selects by actor and event
type, places each on the nearest leg of the scenario (a leg is drawn as the straight line
between its two places) and drops those further than ``max_distance_km`` from every leg.
What remains is an incident table (the columns of :data:`INCIDENT_COLUMNS`), so
calibration and the plots take it unchanged. ``docs/incidents-format.md`` documents the
mapping.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import math
import os
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..text import safe_echo
from .errors import IncidentsError, Problem
from .load import validate_incidents

if TYPE_CHECKING:
    from ..scenario.schema import Scenario

__all__ = [
    "ACLED_OPTIONAL",
    "ACLED_REQUIRED",
    "DEFAULT_MAX_DISTANCE_KM",
    "acled_incidents",
    "acled_incidents_from_frame",
    "distance_to_segment_km",
    "is_acled",
    "tankers_from_notes",
]

#: ACLED columns an export must have to be mapped (the date, the kind, the point, the outlet).
ACLED_REQUIRED: tuple[str, ...] = ("event_date", "event_type", "latitude", "longitude", "source")
#: ACLED columns read when present (filters, the row's text); others are kept as they are.
ACLED_OPTIONAL: tuple[str, ...] = (
    "event_id_cnty",
    "time_precision",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "location",
    "fatalities",
    "notes",
)
#: Events further than this from every leg are dropped [km]: about the spread of ACLED's
#: coordinates for a town-level location (geo_precision 2) around a road.
DEFAULT_MAX_DISTANCE_KM = 25.0

_FAR_SHOWN = 20  # dropped events listed in the report, nearest first
_EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
_ACTOR_COLUMNS = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")
# ACLED exports write "22 October 2025"; the API and many tools write ISO dates. The
# day-first numeric forms are those of older exports and of spreadsheets opened in Europe.
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%d/%m/%Y")
_NUMBER = r"(\d{1,4})"
_TANKERS = r"(?:fuel\s+|oil\s+)?(?:tankers?|tanker\s+trucks?)"
_BURNT = r"(?:burn(?:ed|t)|destroyed|torched|set\s+(?:on\s+)?(?:fire|ablaze))"
# Only phrases that say tankers were destroyed: "a convoy of 80 tankers was attacked" is a
# convoy size, not a loss, and is read as such.
_DESTROYED = (
    re.compile(rf"\b(at\s+least\s+)?{_NUMBER}\s+{_TANKERS}\s+(?:were\s+|was\s+)?{_BURNT}", re.I),
    re.compile(rf"\b{_BURNT}\s+(at\s+least\s+)?{_NUMBER}\s+{_TANKERS}", re.I),
)
_CONVOY = re.compile(rf"\bconvoy\s+of\s+(?:about\s+|some\s+)?{_NUMBER}\s+{_TANKERS}", re.I)


@dataclass(frozen=True)
class _Leg:
    corridor: str
    from_: str
    to: str
    a: tuple[float, float]  # (lat, lon) [degrees]
    b: tuple[float, float]


# ---------------------------------------------------------------- public


def is_acled(columns: Iterable[Any]) -> bool:
    """True if a table's header is an ACLED export's rather than an incident table's.

    Parameters
    ----------
    columns : iterable
        The column names.

    Returns
    -------
    bool
        ``event_date``, ``latitude`` and ``longitude`` present and ``date`` absent.
    """
    names = {str(c).strip() for c in columns}
    return {"event_date", "latitude", "longitude"} <= names and "date" not in names


def acled_incidents(
    path: str | os.PathLike[str],
    scenario: Scenario,
    *,
    actors: str | Sequence[str] | None = None,
    event_types: str | Sequence[str] | None = None,
    sub_event_types: str | Sequence[str] | None = None,
    max_distance_km: float = DEFAULT_MAX_DISTANCE_KM,
) -> pd.DataFrame:
    """Read an ACLED CSV export and turn its events near the scenario's legs into incidents.

    Parameters
    ----------
    path : str or path
        An ACLED export (CSV, UTF-8, ACLED's column names; see :data:`ACLED_REQUIRED`).
        ``event_date`` as in exports (``22 October 2025``) or ISO (``2025-10-22``, the API).
    scenario : Scenario
        The scenario whose legs the events are mapped to.
    actors : str or sequence of str, optional
        Keep the events with this actor: a string matches as a case-insensitive substring of
        ``actor1``, ``actor2``, ``assoc_actor_1`` or ``assoc_actor_2`` (``"JNIM"``); a list
        matches exact names (any case) of those columns. None: every actor.
    event_types, sub_event_types : str or sequence of str, optional
        Keep the events of these ``event_type`` / ``sub_event_type`` values (exact, any
        case). None: every type.
    max_distance_km : float
        Events further than this from every leg are dropped [km] (default
        :data:`DEFAULT_MAX_DISTANCE_KM`).

    Returns
    -------
    pandas.DataFrame
        An incident table (see :func:`simfuel.observations.incidents`), one row per kept
        event, with ``corridor``, ``leg_from`` and ``leg_to`` of the nearest leg and the
        tankers destroyed read from ``notes`` where a clear phrase gives them (else blank:
        ACLED counts fatalities, not tankers). Extra columns: ``event_id_cnty``,
        ``event_type``, ``sub_event_type``, ``actor1``, ``actor2``, ``fatalities``,
        ``latitude``, ``longitude``, ``distance_km`` (to the leg), ``acled_row``.
        ``attrs``: ``source`` (the file), ``source_sha256`` (of its bytes) and
        ``acled_report`` (a dict: ``rows``, ``kept``, ``dropped_by_filter`` (by filter),
        ``dropped_outside_horizon`` (dated outside the scenario's ``start``-``end``),
        ``dropped_far``, ``far_events`` (the 20 nearest dropped as too far: row, location,
        distance [km]), ``max_distance_km``, ``losses_from_notes``).

    Raises
    ------
    IncidentsError
        Naming the file, then every problem with its row and column: a required column
        missing, a date that cannot be read, a latitude or longitude that is not a number
        in range, a filter that leaves no event, a scenario leg whose place is unknown.
    FileNotFoundError
        If ``path`` does not exist.

    Warns
    -----
    UserWarning
        For each filter value that matches no event (others did), and when no event lies
        within ``max_distance_km`` of a leg.
    """
    file = Path(path)
    if not file.is_file():
        if file.exists():
            raise IncidentsError(str(path), [Problem("", "is not a regular file")])
        raise FileNotFoundError(f"{path}: no such file")
    data = file.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = f"is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start})"
        raise IncidentsError(str(path), [Problem("", problem)]) from None
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise IncidentsError(str(path), [Problem("", f"cannot read as CSV: {exc}")]) from exc
    return acled_incidents_from_frame(
        raw,
        scenario,
        source=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        actors=actors,
        event_types=event_types,
        sub_event_types=sub_event_types,
        max_distance_km=max_distance_km,
    )


def acled_incidents_from_frame(
    raw: pd.DataFrame,
    scenario: Scenario,
    *,
    source: str = "<table>",
    sha256: str | None = None,
    actors: str | Sequence[str] | None = None,
    event_types: str | Sequence[str] | None = None,
    sub_event_types: str | Sequence[str] | None = None,
    max_distance_km: float = DEFAULT_MAX_DISTANCE_KM,
) -> pd.DataFrame:
    """:func:`acled_incidents` on a table already read (text cells, ACLED's columns).

    Parameters
    ----------
    raw : pandas.DataFrame
        The export as read with ``dtype=str``.
    scenario : Scenario
        As in :func:`acled_incidents`.
    source : str
        The table's name in messages and in ``attrs["source"]``.
    sha256 : str, optional
        The hash of the file's bytes, kept in ``attrs["source_sha256"]``.
    actors, event_types, sub_event_types, max_distance_km
        As in :func:`acled_incidents`.

    Returns
    -------
    pandas.DataFrame
        As in :func:`acled_incidents`.
    """
    if not (math.isfinite(max_distance_km) and max_distance_km > 0):
        raise IncidentsError(
            source, [Problem("max_distance_km", f"must be a number > 0 (got {max_distance_km!r})")]
        )
    raw = raw.rename(columns=lambda c: str(c).strip())
    columns = list(raw.columns)
    problems = _missing_columns(columns, actors, sub_event_types)
    if problems:
        raise IncidentsError(source, problems)
    legs, leg_problems = _legs(scenario)
    if leg_problems:
        raise IncidentsError(source, leg_problems)
    cells = {c: [str(v).strip() for v in raw[c].tolist()] for c in columns}
    n = len(raw)
    dates, lat, lon = _read_rows(cells, n, problems)
    if problems:
        raise IncidentsError(source, problems)

    keep = [True] * n
    dropped: dict[str, int] = {}
    for what, values, columns_of, exact in (
        ("actors", actors, _ACTOR_COLUMNS, not isinstance(actors, str)),
        ("event_types", event_types, ("event_type",), True),
        ("sub_event_types", sub_event_types, ("sub_event_type",), True),
    ):
        if values is None:
            continue
        matched = _filter(cells, columns_of, values, exact, what, source)
        before = sum(keep)
        keep = [k and m for k, m in zip(keep, matched, strict=True)]
        dropped[what] = before - sum(keep)
        if not any(keep):
            raise IncidentsError(
                source, [Problem(what, f"no event is left after filtering by {what}={values!r}")]
            )

    rows: list[dict[str, Any]] = []
    far: list[dict[str, Any]] = []
    outside = 0
    from_notes = 0
    for i in range(n):
        if not keep[i]:
            continue
        day = dates[i]
        if day is not None and not scenario.start <= day <= scenario.end:
            outside += 1  # an export usually spans more than the scenario's months
            continue
        leg, distance = _nearest(legs, lat[i], lon[i])
        if distance > max_distance_km:
            far.append(
                {
                    "acled_row": i + 1,
                    "location": cells.get("location", [""] * n)[i],
                    "distance_km": round(distance, 1),
                }
            )
            continue
        row = _incident(cells, i, dates[i], leg, distance, legs)
        from_notes += row["destroyed_low"] != ""
        rows.append(row)
    uses = Counter(r["id"] for r in rows)
    for r in rows:  # an export with repeated event ids: keep every row, told apart
        if uses[r["id"]] > 1:
            r["id"] = f"{r['id']}-row{r['acled_row']}"
    if not rows:
        warnings.warn(
            f"{source}: no event lies within {max_distance_km:g} km of a leg of scenario "
            f"{scenario.name!r} in its horizon {scenario.start} to {scenario.end} "
            f"({len(far)} dropped as too far, {outside} as outside the horizon)",
            UserWarning,
            stacklevel=2,
        )
    frame = pd.DataFrame(rows, columns=_OUT_COLUMNS)
    table = validate_incidents(frame, source=source)
    table.attrs["source_sha256"] = sha256
    table.attrs["acled_report"] = {
        "rows": n,
        "kept": len(rows),
        "dropped_by_filter": dropped,
        "dropped_outside_horizon": outside,
        "dropped_far": len(far),
        # The nearest few only: attrs are copied with the table, and these are what tell
        # whether the threshold is too tight.
        "far_events": sorted(far, key=lambda e: e["distance_km"])[:_FAR_SHOWN],
        "max_distance_km": float(max_distance_km),
        "losses_from_notes": int(from_notes),
    }
    return table


def tankers_from_notes(notes: str) -> tuple[int | None, int | None, int | None]:
    """Tankers destroyed and convoy size read from an ACLED ``notes`` text.

    Only explicit phrases count: ``12 tankers burned``, ``12 fuel tankers were destroyed``,
    ``burned at least 37 tankers`` (destroyed) and ``convoy of 80 tankers`` (size). A
    figure of *fatalities* or of tankers *attacked* is not a loss and is not read.

    Parameters
    ----------
    notes : str
        The note of one event.

    Returns
    -------
    tuple
        ``(destroyed_low, destroyed_high, convoy_size)`` [tankers]; None where the text
        gives no figure. ``at least N`` gives ``(N, None)``; several figures the lowest
        and the highest.
    """
    figures: list[int] = []
    at_least = False
    for pattern in _DESTROYED:
        for match in pattern.finditer(notes):
            figures.append(int(match.group(2)))
            at_least = at_least or bool(match.group(1))
    size_match = _CONVOY.search(notes)
    size = int(size_match.group(1)) if size_match else None
    if not figures:
        return None, None, size
    low, high = min(figures), max(figures)
    return low, (None if at_least and low == high else high), size


# ---------------------------------------------------------------- reading


_OUT_COLUMNS = (
    "id",
    "date",
    "corridor",
    "place",
    "location",
    "leg_from",
    "leg_to",
    "destroyed_low",
    "destroyed_high",
    "captured",
    "convoy_size",
    "escort",
    "derived",
    "aggregate",
    "source",
    "note",
    "event_id_cnty",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "fatalities",
    "latitude",
    "longitude",
    "distance_km",
    "acled_row",
)


def _missing_columns(columns: list[str], actors: object, sub_event_types: object) -> list[Problem]:
    needed = list(ACLED_REQUIRED)
    if actors is not None:
        needed.append("actor1")
    if sub_event_types is not None:
        needed.append("sub_event_type")
    problems = []
    for name in needed:
        if name in columns:
            continue
        close = difflib.get_close_matches(name, columns, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(Problem(f"column {name}", f"required ACLED column missing{hint}"))
    return problems


def _read_rows(
    cells: dict[str, list[str]], n: int, problems: list[Problem]
) -> tuple[list[dt.date | None], list[float], list[float]]:
    dates: list[dt.date | None] = []
    lat: list[float] = []
    lon: list[float] = []
    for i in range(n):
        day = _parse_date(cells["event_date"][i])
        if day is None:
            shown = safe_echo(cells["event_date"][i], 40) or "blank"
            problems.append(
                Problem(
                    f"row {i + 1}, event_date",
                    f"must be a date like '22 October 2025' or 2025-10-22 (got {shown!r})",
                )
            )
        dates.append(day)
        for col, limit, out in (("latitude", 90.0, lat), ("longitude", 180.0, lon)):
            value = _parse_float(cells[col][i])
            if value is None or abs(value) > limit:
                shown = safe_echo(cells[col][i], 40) or "blank"
                problems.append(
                    Problem(
                        f"row {i + 1}, {col}",
                        f"must be a number from {-limit:g} to {limit:g} [degrees] (got {shown!r})",
                    )
                )
                value = math.nan
            out.append(value)
        if not cells["source"][i]:
            problems.append(Problem(f"row {i + 1}, source", "blank: ACLED names its sources"))
    return dates, lat, lon


def _parse_date(text: str) -> dt.date | None:
    for form in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _parse_float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _filter(
    cells: dict[str, list[str]],
    columns: Sequence[str],
    values: str | Sequence[str],
    exact: bool,
    what: str,
    source: str,
) -> list[bool]:
    wanted = [values] if isinstance(values, str) else [str(v) for v in values]
    wanted = [w.strip().casefold() for w in wanted]
    present = [cells[c] for c in columns if c in cells]
    n = len(present[0]) if present else 0
    matched = [False] * n
    for w in wanted:
        hits = 0
        for i in range(n):
            texts = [col[i].casefold() for col in present]
            if any((t == w) if exact else (w in t) for t in texts if t):
                matched[i] = True
                hits += 1
        if hits == 0:
            known = sorted({col[i] for col in present for i in range(n) if col[i]})
            close = difflib.get_close_matches(w, [k.casefold() for k in known], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            warnings.warn(
                f"{source}: {what}: {w!r} matches no event{hint}", UserWarning, stacklevel=4
            )
    return matched


# ---------------------------------------------------------------- geometry


def _legs(scenario: Scenario) -> tuple[list[_Leg], list[Problem]]:
    legs: list[_Leg] = []
    problems: list[Problem] = []
    for key, corridor in scenario.corridors.items():
        for j, leg in enumerate(corridor.legs):
            ends = []
            for name in (leg.from_, leg.to):
                place = scenario.places.get(name)
                if place is None:
                    problems.append(
                        Problem(f"scenario corridors.{key}.legs[{j}]", f"unknown place {name!r}")
                    )
                    break
                ends.append((float(place.lat), float(place.lon)))
            if len(ends) == 2:
                legs.append(_Leg(key, leg.from_, leg.to, ends[0], ends[1]))
    return legs, problems


def distance_to_segment_km(
    point: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> float:
    """Distance from a point to the straight segment between two places [km].

    An equirectangular projection centred on the point (x east, y north, in km, longitudes
    scaled by the cosine of the point's latitude), then the plane distance to the segment:
    within a fraction of a per cent of the great-circle distance over the tens of km that
    decide whether an event is on a leg, and never a wrong side of the antimeridian
    (longitude differences are wrapped to -180..180).

    Parameters
    ----------
    point, a, b : tuple of float
        ``(lat, lon)`` [degrees] of the event and of the segment's ends.

    Returns
    -------
    float
        Distance [km].
    """
    lat0 = math.radians(point[0])
    scale = math.cos(lat0)

    def xy(p: tuple[float, float]) -> tuple[float, float]:
        dlon = (p[1] - point[1] + 180.0) % 360.0 - 180.0
        return (
            math.radians(dlon) * scale * _EARTH_RADIUS_KM,
            math.radians(p[0] - point[0]) * _EARTH_RADIUS_KM,
        )

    (ax, ay), (bx, by) = xy(a), xy(b)
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
    return math.hypot(ax + t * dx, ay + t * dy)


def _nearest(legs: list[_Leg], lat: float, lon: float) -> tuple[_Leg, float]:
    best = min(legs, key=lambda leg: distance_to_segment_km((lat, lon), leg.a, leg.b))
    return best, distance_to_segment_km((lat, lon), best.a, best.b)


# ---------------------------------------------------------------- one row


def _incident(
    cells: dict[str, list[str]],
    i: int,
    day: dt.date | None,
    leg: _Leg,
    distance: float,
    legs: list[_Leg],
) -> dict[str, Any]:
    def get(col: str) -> str:
        return cells[col][i] if col in cells else ""

    notes = get("notes")
    low, high, size = tankers_from_notes(notes)
    if size is not None and low is not None and low > size:
        size = None  # two figures that disagree: keep the loss, not the size
    shared = sorted(
        {
            other.corridor
            for other in legs
            if other.corridor != leg.corridor and {other.from_, other.to} == {leg.from_, leg.to}
        }
    )
    parts = [
        f"ACLED {get('event_type')}"
        + (f" / {get('sub_event_type')}" if get("sub_event_type") else ""),
        f"{distance:.1f} km from leg {leg.from_}-{leg.to}",
    ]
    if shared:
        parts.append(f"the leg is on corridor(s) {', '.join(shared)} too")
    if get("time_precision") not in ("", "1"):
        parts.append(f"approximate date (ACLED time_precision {get('time_precision')})")
    parts.append(
        "tankers destroyed read from notes" if low is not None else "no tanker count in notes"
    )
    if notes:
        parts.append(f"notes: {notes}")
    event_id = get("event_id_cnty") or f"acled-row{i + 1}"
    assert day is not None  # rows with bad dates raised before
    return {
        "id": event_id,
        "date": day.isoformat(),
        "corridor": leg.corridor,
        "place": "",
        "location": get("location"),
        "leg_from": leg.from_,
        "leg_to": leg.to,
        "destroyed_low": "" if low is None else str(low),
        "destroyed_high": "" if high is None else str(high),
        "captured": "",
        "convoy_size": "" if size is None else str(size),
        "escort": "unknown",
        "derived": "false",
        "aggregate": "false",
        "source": f"ACLED ({get('source')})",
        "note": "; ".join(parts),
        "event_id_cnty": get("event_id_cnty"),
        "event_type": get("event_type"),
        "sub_event_type": get("sub_event_type"),
        "actor1": get("actor1"),
        "actor2": get("actor2"),
        "fatalities": get("fatalities"),
        "latitude": float(cells["latitude"][i]),
        "longitude": float(cells["longitude"][i]),
        "distance_km": round(distance, 3),
        "acled_row": i + 1,
    }
