"""Scenario files in and out: JSON back into a ``Scenario``, YAML text read and written.

The scenario floor is the only one that touches a scenario file, so every other floor goes
through these functions: the ensemble store re-reads its ``scenario.json`` with
:func:`load_json` (the loader's own validation, so the same ``ScenarioError`` messages), the
report shows the file as written with :func:`read_source`, and calibration writes the
scenario it fitted with :func:`dump_yaml`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, ScenarioError
from .loader import validate
from .schema import Scenario

__all__ = ["dump_yaml", "load_json", "read_source", "to_yaml"]


def _refuse_constant(name: str) -> float:
    # json.loads accepts NaN and Infinity by default; a scenario never holds them.
    raise ValueError(f"{name} is not a number a scenario can hold")


def load_json(text_or_mapping: str | bytes | Mapping[str, Any], source: str = "<json>") -> Scenario:
    """Validate a scenario given as JSON text (or the mapping parsed from it).

    Validation is the YAML loader's own (:func:`simfuel.scenario.loader.validate`): the
    same checks and the same messages as for a scenario file.

    Parameters
    ----------
    text_or_mapping : str, bytes or mapping
        JSON text of one scenario (as ``Scenario.model_dump_json`` writes it), or a mapping.
    source : str
        What to name in errors, e.g. the path of the ``scenario.json`` the text came from.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        If the text is not JSON, not a mapping, or not a valid scenario; the message names
        ``source``, the field path and the problem.
    """
    if isinstance(text_or_mapping, str | bytes | bytearray):
        try:
            data: Any = json.loads(text_or_mapping, parse_constant=_refuse_constant)
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}, column {exc.colno}"
            raise ScenarioError(
                source, [Problem("", f"not valid JSON: {exc.msg} ({where})")]
            ) from None
        except (ValueError, RecursionError) as exc:
            what = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            raise ScenarioError(source, [Problem("", f"not valid JSON: {what}")]) from None
    else:
        data = text_or_mapping
    if not isinstance(data, Mapping):
        got = type(data).__name__
        raise ScenarioError(source, [Problem("", f"the top level must be a mapping (got {got})")])
    if "extends" in data:
        raise ScenarioError(
            source, [Problem("extends", "only a scenario file can extend another file")]
        )
    return validate(dict(data), source)


def read_source(path: str | os.PathLike[str]) -> str:
    """The text of a scenario file as written (comments kept, ``extends`` not followed).

    Parameters
    ----------
    path : path
        The YAML file.

    Returns
    -------
    str

    Raises
    ------
    ScenarioError
        If the path is not a readable UTF-8 file.
    """
    p = Path(path)
    if not p.is_file():
        what = "is a directory, not a file" if p.is_dir() else "file not found"
        raise ScenarioError(str(p), [Problem("", what)])
    try:
        return p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(p), [Problem("", f"cannot read file: {exc}")]) from None


def to_yaml(mapping: Mapping[str, Any], *, flow_leaves: bool = False, width: int = 80) -> str:
    """A mapping as YAML text with ``yaml.safe_dump``, keys in their given order.

    Parameters
    ----------
    mapping : mapping
        Plain data (what ``Scenario.model_dump(mode="json")`` gives).
    flow_leaves : bool
        Write lists and mappings that hold only scalars on one line (``[a, b]``).
    width : int
        Preferred line width [characters].

    Returns
    -------
    str
    """
    return yaml.safe_dump(
        dict(mapping),
        sort_keys=False,
        default_flow_style=None if flow_leaves else False,
        allow_unicode=True,
        width=width,
    )


def dump_yaml(
    mapping: Mapping[str, Any],
    path: str | os.PathLike[str],
    *,
    header: str = "",
    flow_leaves: bool = False,
    width: int = 80,
) -> Path:
    """Write a mapping as a YAML scenario file, atomically (a reader never sees half of it).

    Parameters
    ----------
    mapping : mapping
        The scenario (or the part a child file sets over its ``extends`` parent).
    path : path
        The file to write; its folder is created if missing.
    header : str
        Text put before the YAML, e.g. ``#`` comment lines (each ending in a newline).
    flow_leaves, width
        As for :func:`to_yaml`.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    # Imported here: simfuel.io brings pandas, which loading a scenario does not need.
    from ..io import write_text

    return write_text(path, header + to_yaml(mapping, flow_leaves=flow_leaves, width=width))
