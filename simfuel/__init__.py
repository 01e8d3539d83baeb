"""simfuel: simulate fuel supply chains under armed threat.

The public API::

    import simfuel
    scenario = simfuel.load_scenario("scenarios/mali-2025.yaml")
    result = simfuel.run(scenario, seed=1)
    result.summary(); result.daily; result.convoys; result.events
    ensemble = simfuel.run_ensemble(scenario, 200, seed=1)
"""

from .ensemble import EnsembleResult, run_ensemble, sweep
from .results import BalanceError, RunResult
from .run import run
from .scenario import Scenario, ScenarioError, load_scenario

__version__ = "0.1.0"

__all__ = [
    "BalanceError",
    "EnsembleResult",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_scenario",
    "run",
    "run_ensemble",
    "sweep",
]
