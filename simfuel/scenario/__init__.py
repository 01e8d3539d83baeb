"""Scenario floor: the pydantic schema, YAML loading with ``extends`` and overrides, errors.

The only floor that reads a scenario file; everything above sees a validated ``Scenario``.
"""

from .errors import Problem, ScenarioError
from .loader import apply_overrides, deep_merge, load_scenario, parse_overrides
from .schema import Scenario

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "apply_overrides",
    "deep_merge",
    "load_scenario",
    "parse_overrides",
]
