"""Simulation floor: SimPy processes that sequence the maths; no files, no DataFrames.

* :mod:`.plan` - a validated scenario compiled to hours, litres, tankers and schedules;
* :mod:`.engine` - supply, convoy formation and travel, the depot and the daily clock;
* :mod:`.escorts` - the escort forces of a run, one escort kind each;
* :mod:`.recorder` - the compact records a run leaves behind.

The engine's extension points, each a base class with a few hooks, its current behaviour
as the default subclass, chosen by name in the scenario (:mod:`.registry`):

* :mod:`.escort_kinds` - what a convoy takes from an escort force and when it is given back
  (``escorts.<key>.kind``: ``air``, ``ground``, ``air_hourly``);
* :mod:`.formation` - when a convoy may leave the staging point and how many tankers it
  takes (``corridors.<key>.formation_rule``: ``default``);
* :mod:`.threats` - the probability and outcome of an attack on a leg
  (``threat.model``: ``default``);
* :mod:`.dispatch` - how many tankers load at the origin, and when
  (``corridors.<key>.dispatch_policy``: ``fixed_rate``, ``schedule``, ``order_up_to``;
  a policy reads its destination through :class:`~.dispatch.DestinationView`);
* :mod:`.rationing` - when rationing is in force at a stock and how much it serves
  (``rationing.rule``: ``default``, ``hysteresis``).

Also: :mod:`.places` (the stocks of a run: the depot and the destinations),
:mod:`.disruptions` (dated closures, seizures, speed and border-delay changes, looked up
when a convoy enters a leg), :mod:`.modes` (air bridges, sea ports with berths, the
starting state), :mod:`.fleet` (finite fleets that drive back under their own threat
draws) and :mod:`.stations` (filling stations between a stock and its consumers).

Register a subclass of one of them with :func:`register` to make it a choice.
"""

from .dispatch import DestinationView, DispatchPolicy
from .engine import Simulation, child_seed
from .escort_kinds import EscortKind
from .formation import FormationRule
from .plan import Plan, compile_plan
from .rationing import RationingRule
from .recorder import Recorder
from .registry import register
from .threats import Attack, ThreatModel

__all__ = [
    "Attack",
    "DestinationView",
    "DispatchPolicy",
    "EscortKind",
    "FormationRule",
    "Plan",
    "RationingRule",
    "Recorder",
    "Simulation",
    "ThreatModel",
    "child_seed",
    "compile_plan",
    "register",
]
