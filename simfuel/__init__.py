"""simfuel: simulate fuel supply chains under armed threat.

The public API::

    import simfuel
    scenario = simfuel.load_scenario("scenarios/mali-2025.yaml")
    result = simfuel.run(scenario, seed=1)
    result.summary(); result.daily; result.convoys; result.events
    ensemble = simfuel.run_ensemble(scenario, 200, seed=1)
    simfuel.report(scenario, reps=200, out="out/report")   # a self-contained report.html
"""

__version__ = "0.1.0"  # before the imports: submodules read it

from .analysis import (
    Calibration,
    FleetSizing,
    SensitivityResult,
    calibrate,
    sensitivity,
    size_fleet,
)
from .ensemble import EnsembleResult, run_ensemble, sweep
from .incidents import (
    INCIDENT_COLUMNS,
    IncidentsError,
    check_against,
    cumulative_losses,
    incidents,
    reported_losses,
    validate_incidents,
)
from .reporting import make_report as report
from .results import BalanceError, RunResult
from .run import run
from .scenario import Scenario, ScenarioError, apply_overrides, load_scenario

__all__ = [
    "INCIDENT_COLUMNS",
    "BalanceError",
    "Calibration",
    "EnsembleResult",
    "FleetSizing",
    "IncidentsError",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SensitivityResult",
    "__version__",
    "apply_overrides",
    "calibrate",
    "check_against",
    "cumulative_losses",
    "incidents",
    "load_scenario",
    "report",
    "reported_losses",
    "run",
    "run_ensemble",
    "sensitivity",
    "size_fleet",
    "sweep",
    "validate_incidents",
]
