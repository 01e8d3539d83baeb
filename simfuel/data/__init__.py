"""Data shipped with simfuel, read through one small loader.

* ``world-countries-ne110m.geojson``: every country of Natural Earth's 1:110m admin-0
  countries (177 outlines; public domain, "Made with Natural Earth"), simplified by 0.02°
  and rounded to 3 decimals, properties ``name`` and ``iso_a3`` only (183 KB). Maps pick
  the countries in their own view, so a scenario anywhere draws its region.
* ``incidents_mali_2025.csv``: reported attacks and incident-free convoys of the 2025
  blockade, with outlets (schema: docs/incidents-format.md; loader: simfuel.incidents).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

__all__ = ["BORDERS_CREDIT", "OutlinesError", "country_outlines", "read_outlines", "read_text"]

BORDERS_CREDIT = "Country outlines: Natural Earth (public domain)"
_WORLD = "world-countries-ne110m.geojson"

Outlines = dict[str, dict[str, Any]]


class OutlinesError(ValueError):
    """An outline file that cannot be drawn: its one-line message names the file, the field
    and the problem. (A ``ValueError``: this floor sits beside :mod:`simfuel.errors` and may
    not import it.)"""


def read_text(name: str) -> str:
    """The text of a data file shipped in ``simfuel/data``."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def country_outlines() -> Outlines:
    """The world's country outlines, ``{iso_a3: {"name": str, "rings": [[(lon, lat), ...]]}}``.

    Each ring is one closed outline (exterior rings of every polygon; holes dropped, as
    none matter at this scale), in degrees.
    """
    return _parse(json.loads(read_text(_WORLD)), _WORLD)


def read_outlines(path: str | PathLike[str]) -> Outlines:
    """Outlines from a user's GeoJSON file, in the form of :func:`country_outlines`.

    Parameters
    ----------
    path : str or path-like
        A GeoJSON ``FeatureCollection`` (or one ``Feature``) of ``Polygon`` or
        ``MultiPolygon`` geometries in longitude/latitude degrees. A feature is named by
        its ``name`` property if it has one; keyed by ``iso_a3``, else its name, else its
        position.

    Raises
    ------
    OutlinesError
        One line naming the file, the field and the problem.
    """
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise OutlinesError(f"{where}: cannot read the outline file ({reason})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OutlinesError(
            f"{where}: line {exc.lineno}: not JSON ({exc.msg}); outlines must be GeoJSON"
        ) from None
    return _parse(doc, where)


def _parse(doc: Any, where: str) -> Outlines:
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        got = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise OutlinesError(f"{where}: type: must be FeatureCollection or Feature (got {got!r})")
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise OutlinesError(f"{where}: features: must be a non-empty list of polygon features")
    out: Outlines = {}
    for i, feature in enumerate(features):
        field = f"features[{i}]"
        geom = feature.get("geometry") if isinstance(feature, dict) else None
        kind = geom.get("type") if isinstance(geom, dict) else None
        if kind not in ("Polygon", "MultiPolygon"):
            raise OutlinesError(
                f"{where}: {field}.geometry.type: must be Polygon or MultiPolygon (got {kind!r})"
            )
        coords: Any = geom.get("coordinates") if isinstance(geom, dict) else None
        polygons: Any = coords if kind == "MultiPolygon" else [coords]
        try:
            rings = [[(float(p[0]), float(p[1])) for p in poly[0]] for poly in polygons]
        except (TypeError, IndexError, ValueError):
            raise OutlinesError(
                f"{where}: {field}.geometry.coordinates: must be rings of [lon, lat] numbers"
            ) from None
        if any(len(ring) < 3 for ring in rings):
            raise OutlinesError(
                f"{where}: {field}.geometry.coordinates: a ring needs at least 3 points"
            )
        props = feature.get("properties") or {}
        name = str(props.get("name") or props.get("NAME") or "")
        key = str(props.get("iso_a3") or name or i)
        if key in out:  # e.g. two features with no iso code and the same name
            key = f"{key} ({i})"
        out[key] = {"name": name, "rings": rings}
    return out
