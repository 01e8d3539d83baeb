"""Plots of runs, ensembles and sweeps (matplotlib only).

Every function takes ``ax=None`` (a new figure if None) and returns the axes it drew on.

* :func:`stock_fan` - stock or days of cover over time, median and bands, timeline marked;
* :func:`convoy_timeline` - one lane per corridor, a bar per convoy, attacks marked;
* :func:`corridor_map` - corridors on country outlines, shaded by risk, attacks located;
* :func:`distribution`, :func:`loss_distribution`, :func:`delivery_distribution` -
  a summary metric across replications;
* :func:`daily_shares` - share of replications rationing or out of stock, day by day;
* :func:`compare_scenarios`, :func:`compare_summary` - several scenarios side by side;
* :func:`compare_fans`, :func:`compare_stockout`, :func:`compare_incidents` - options of a
  decision brief overlaid (``simfuel compare``), the first one the reference;
* :func:`sweep_heatmap` - a metric over two swept parameters;
* :func:`incidents_vs_model` - reported cumulative losses over the model's band;
* :func:`fleet_curve` - an escort-fleet sizing (what ``FleetSizing.plot`` draws);
* :func:`sensitivity_bars` - sensitivity indices (what ``SensitivityResult.plot`` draws);
* :func:`calibration_diagnostics` - ABC marginals, pairs and fit (what
  ``Calibration.plot_diagnostics`` draws).

Text taken from a scenario (names, keys, dotted paths) is drawn as written: its ``$`` are
escaped, so it is never parsed as mathtext. A ``title=`` or ``label=`` you pass is drawn as
you give it (mathtext allowed).

Importing this package loads matplotlib but not pyplot: a new figure (``ax=None``) starts
pyplot then; the report draws on Agg figures of its own and never does.
"""

from ._style import CORRIDOR_PALETTE, ESCORT_COLORS, corridor_colors
from .calibration import calibration_diagnostics
from .compare import compare_fans, compare_incidents, compare_stockout, option_departures
from .distributions import (
    compare_scenarios,
    compare_summary,
    delivery_distribution,
    distribution,
    loss_distribution,
    sweep_heatmap,
)
from .fan import stock_fan, timeline_marks
from .fleet import fleet_curve
from .incidents import incidents_vs_model, model_cumulative_tankers
from .map import attack_locations, corridor_map
from .sensitivity import sensitivity_bars
from .shares import daily_shares
from .timeline import convoy_timeline

__all__ = [
    "CORRIDOR_PALETTE",
    "ESCORT_COLORS",
    "attack_locations",
    "calibration_diagnostics",
    "compare_fans",
    "compare_incidents",
    "compare_scenarios",
    "compare_stockout",
    "compare_summary",
    "convoy_timeline",
    "corridor_colors",
    "corridor_map",
    "daily_shares",
    "delivery_distribution",
    "distribution",
    "fleet_curve",
    "incidents_vs_model",
    "loss_distribution",
    "model_cumulative_tankers",
    "option_departures",
    "sensitivity_bars",
    "stock_fan",
    "sweep_heatmap",
    "timeline_marks",
]
