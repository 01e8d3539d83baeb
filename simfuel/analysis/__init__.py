"""Analyses built on many runs: calibration, sensitivity, escort-fleet sizing.

* :func:`calibrate` - fit scenario fields to reported incidents and dated signals
  (rejection or sequential Monte Carlo ABC, :mod:`.smc`);
* :func:`hindcast` - calibrate on what was observed before a date, score what came after;
* :func:`sensitivity` - Sobol or Morris indices of a metric (SALib, ``simfuel[sensitivity]``);
* :func:`size_fleet` - the smallest escort force that keeps the depot supplied;
* :func:`evaluate_points` - many points, common random numbers: the analyses' view of
  the one many-runs primitive of the ensemble floor (:mod:`simfuel.ensemble.points`).
"""

from .calibrate import Calibration, IncidentStats, calibrate
from .evaluate import PointResults, evaluate_points
from .fleet import FleetSizing, first_escort_date, size_fleet, wilson_interval
from .hindcast import Hindcast, hindcast
from .sensitivity import SensitivityResult, sensitivity

__all__ = [
    "Calibration",
    "FleetSizing",
    "Hindcast",
    "IncidentStats",
    "PointResults",
    "SensitivityResult",
    "calibrate",
    "evaluate_points",
    "first_escort_date",
    "hindcast",
    "sensitivity",
    "size_fleet",
    "wilson_interval",
]
