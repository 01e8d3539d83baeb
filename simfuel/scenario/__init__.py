"""Scenario floor: the pydantic schema, YAML loading with ``extends`` and overrides, errors.

The only floor that reads or writes a scenario file; everything above sees a validated
``Scenario`` (``shipped.py``: the scenarios simfuel ships, by name, and copies to edit;
``files.py``: JSON back into a scenario, the YAML text as written, YAML out).
"""

from .errors import Problem, ScenarioError
from .files import dump_yaml, load_json, read_source, to_yaml
from .loader import apply_overrides, deep_merge, load_scenario, parse_overrides
from .schema import Scenario
from .shipped import init_scenario, resolve_scenario, shipped_path, shipped_scenarios

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "apply_overrides",
    "deep_merge",
    "dump_yaml",
    "init_scenario",
    "load_json",
    "load_scenario",
    "parse_overrides",
    "read_source",
    "resolve_scenario",
    "shipped_path",
    "shipped_scenarios",
    "to_yaml",
]
