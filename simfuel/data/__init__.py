"""Data shipped with simfuel, read through one small loader.

* ``west-africa-borders-ne110m.geojson``: country outlines of West Africa from Natural
  Earth's 1:110m admin-0 countries (public domain; "Made with Natural Earth").
* ``incidents_mali_2025.csv``: reported attacks and incident-free convoys of the 2025
  blockade, with outlets (schema: docs/incidents-format.md; loader: simfuel.incidents).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["BORDERS_CREDIT", "country_outlines", "read_text"]

BORDERS_CREDIT = "Country outlines: Natural Earth (public domain)"


def read_text(name: str) -> str:
    """The text of a data file shipped in ``simfuel/data``."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def country_outlines() -> dict[str, dict[str, Any]]:
    """Country outlines as ``{iso_a3: {"name": str, "rings": [[(lon, lat), ...], ...]}}``.

    Each ring is one closed outline (exterior rings of every polygon; holes dropped, as
    none matter at this scale), in degrees.
    """
    doc = json.loads(read_text("west-africa-borders-ne110m.geojson"))
    out: dict[str, dict[str, Any]] = {}
    for feature in doc["features"]:
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        rings = [[(float(x), float(y)) for x, y in poly[0]] for poly in polygons]
        props = feature["properties"]
        out[props["iso_a3"]] = {"name": props["name"], "rings": rings}
    return out
