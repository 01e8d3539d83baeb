"""simfuel: simulate fuel supply chains under armed threat.

The public API::

    import simfuel
    scenario = simfuel.load_scenario("scenarios/mali-2025.yaml")
    result = simfuel.run(scenario, seed=1)
    result.summary(); result.daily; result.convoys; result.events
    ensemble = simfuel.run_ensemble(scenario, 200, seed=1)
    simfuel.report(scenario, reps=200, out="out/report")   # a self-contained report.html

Every name below is imported on first use (PEP 562): ``import simfuel`` costs no pandas,
matplotlib or pyarrow, so the command line starts fast and process-pool and Dask workers
never load the plotting and reporting floors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import make_lazy
from ._version import __version__

#: public name -> (module, attribute): where each name of ``__all__`` lives.
_EXPORTS: dict[str, tuple[str, str]] = {
    "INCIDENT_COLUMNS": ("simfuel.observations", "INCIDENT_COLUMNS"),
    "BalanceError": ("simfuel.results", "BalanceError"),
    "Calibration": ("simfuel.analysis", "Calibration"),
    "EnsembleResult": ("simfuel.ensemble", "EnsembleResult"),
    "FleetSizing": ("simfuel.analysis", "FleetSizing"),
    "IncidentsError": ("simfuel.observations", "IncidentsError"),
    "RunResult": ("simfuel.results", "RunResult"),
    "Scenario": ("simfuel.scenario", "Scenario"),
    "ScenarioError": ("simfuel.scenario", "ScenarioError"),
    "SignalsError": ("simfuel.observations", "SignalsError"),
    "SensitivityResult": ("simfuel.analysis", "SensitivityResult"),
    "acled_incidents": ("simfuel.observations", "acled_incidents"),
    "apply_overrides": ("simfuel.scenario", "apply_overrides"),
    "calibrate": ("simfuel.analysis", "calibrate"),
    "compare": ("simfuel.reporting.compare", "compare"),
    "check_against": ("simfuel.observations", "check_against"),
    "cumulative_losses": ("simfuel.observations", "cumulative_losses"),
    "hindcast": ("simfuel.analysis.hindcast", "hindcast"),
    "incidents": ("simfuel.observations", "incidents"),
    "load_scenario": ("simfuel.scenario", "load_scenario"),
    "init_scenario": ("simfuel.scenario", "init_scenario"),
    "shipped_scenarios": ("simfuel.scenario", "shipped_scenarios"),
    "signals": ("simfuel.observations", "signals"),
    "report": ("simfuel.reporting", "make_report"),
    "reported_losses": ("simfuel.observations", "reported_losses"),
    "run": ("simfuel.run", "run"),
    "run_ensemble": ("simfuel.ensemble", "run_ensemble"),
    "score_signals": ("simfuel.observations", "score_signals"),
    "sensitivity": ("simfuel.analysis", "sensitivity"),
    "size_fleet": ("simfuel.analysis", "size_fleet"),
    "sweep": ("simfuel.ensemble", "sweep"),
    "validate_incidents": ("simfuel.observations", "validate_incidents"),
}

# A literal list (not built from _EXPORTS) so linters and readers see it; a test checks
# that the two agree.
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
    "SignalsError",
    "__version__",
    "acled_incidents",
    "apply_overrides",
    "calibrate",
    "check_against",
    "compare",
    "cumulative_losses",
    "hindcast",
    "incidents",
    "init_scenario",
    "load_scenario",
    "report",
    "reported_losses",
    "run",
    "run_ensemble",
    "score_signals",
    "sensitivity",
    "shipped_scenarios",
    "signals",
    "size_fleet",
    "sweep",
    "validate_incidents",
]

if TYPE_CHECKING:  # what type checkers and editors see; nothing of it runs
    from .analysis import (
        Calibration,
        FleetSizing,
        SensitivityResult,
        calibrate,
        sensitivity,
        size_fleet,
    )
    from .analysis.hindcast import hindcast
    from .ensemble import EnsembleResult, run_ensemble, sweep
    from .observations import (
        INCIDENT_COLUMNS,
        IncidentsError,
        SignalsError,
        acled_incidents,
        check_against,
        cumulative_losses,
        incidents,
        reported_losses,
        score_signals,
        signals,
        validate_incidents,
    )
    from .reporting import make_report as report
    from .reporting.compare import compare
    from .results import BalanceError, RunResult
    from .run import run
    from .scenario import (
        Scenario,
        ScenarioError,
        apply_overrides,
        init_scenario,
        load_scenario,
        shipped_scenarios,
    )


__getattr__, __dir__ = make_lazy(__name__, _EXPORTS, __all__)
