"""Simulation floor: SimPy processes that sequence the maths; no files, no DataFrames.

* :mod:`.plan` - a validated scenario compiled to hours, litres, tankers and schedules;
* :mod:`.escorts` - escort forces as SimPy resources (ground units, air convoy-hours);
* :mod:`.engine` - supply, convoy formation and travel, the depot and the daily clock;
* :mod:`.recorder` - the compact records a run leaves behind.
"""

from .engine import Simulation, child_seed
from .plan import Plan, compile_plan
from .recorder import Recorder

__all__ = ["Plan", "Recorder", "Simulation", "child_seed", "compile_plan"]
