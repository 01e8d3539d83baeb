"""The observation floor's public names: where they live, and the old spellings that still work."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys

import pytest

import simfuel
import simfuel.observations as observations
from simfuel.errors import InputError
from tests.helpers import ROOT

PUBLIC = (
    "INCIDENT_COLUMNS",
    "IncidentsError",
    "check_against",
    "cumulative_losses",
    "incidents",
    "reported_losses",
    "validate_incidents",
)


@pytest.mark.parametrize("name", PUBLIC)
def test_the_package_root_and_the_old_module_give_the_observations_objects(name: str) -> None:
    old = importlib.import_module("simfuel.incidents")
    assert getattr(simfuel, name) is getattr(observations, name)
    assert getattr(old, name) is getattr(observations, name)


def test_incidents_error_is_an_input_error_not_a_scenario_error() -> None:
    assert issubclass(observations.IncidentsError, InputError)
    assert issubclass(observations.IncidentsError, ValueError)
    assert not issubclass(observations.IncidentsError, simfuel.ScenarioError)


def test_simfuel_incidents_loads_a_table_in_any_import_order() -> None:
    """Importing the submodule ``simfuel.incidents`` rebinds the package attribute to it.

    A lazy package ``__init__`` would then find the module where the function was; the
    module is callable so ``simfuel.incidents(name)`` works either way. Run in a fresh
    interpreter: the submodule imported first, before anything binds the function.
    """
    code = (
        "import importlib, sys\n"
        "mod = importlib.import_module('simfuel.incidents')\n"
        "import simfuel\n"
        "sys.modules['simfuel'].incidents = mod  # what the import system does lazily\n"
        "from simfuel.incidents import cumulative_losses\n"
        "print(len(simfuel.incidents('mali-2025')), len(mod()), callable(cumulative_losses))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["7", "7", "True"]


def test_the_floor_imports_no_floor_above_it() -> None:
    """Observations are an input, like scenarios: no module of the floor imports the
    simulation, many runs, analyses, drawing or matplotlib (read from the source, since
    ``import simfuel`` itself may still load everything eagerly)."""
    above = ("sim", "ensemble", "analysis", "plot", "reporting", "run", "results", "cli")
    found = []
    for path in sorted((ROOT / "simfuel" / "observations").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                parts = name.lstrip(".").split(".")
                inside = name.startswith("..") or parts[0] == "simfuel"
                floor = parts[1] if parts[0] == "simfuel" and len(parts) > 1 else parts[0]
                if (inside and floor in above) or parts[0] == "matplotlib":
                    found.append(f"{path.name}: {name}")
    assert found == []
