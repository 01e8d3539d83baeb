"""Convoy formation rules: when a convoy may leave the staging point, and how big it is.

A corridor's ``formation_rule`` names a subclass of :class:`FormationRule`; the simulation
makes one instance per corridor. The engine's formation process asks
:meth:`~FormationRule.may_leave` whenever tankers reach the staging point or the policy
changes; when it may, the engine gathers the escort the policy in force asks for (waiting
for required forces), then asks :meth:`~FormationRule.size` how many of the tankers then
waiting go.
"""

from __future__ import annotations

from typing import ClassVar

from .plan import CorridorPlan, Plan, PolicyPlan
from .registry import Registry

__all__ = [
    "FORMATION_RULES",
    "MODE_RULES",
    "EscortPolicyRule",
    "FormationRule",
    "ShipRule",
    "formation_rule",
]


class FormationRule:
    """How convoys form at one corridor's staging point (base class of the rules).

    Parameters
    ----------
    corridor : CorridorPlan
        The corridor.
    plan : Plan
        The compiled scenario.
    """

    #: The scenario's ``formation_rule`` for this class.
    name: ClassVar[str] = ""

    def __init__(self, corridor: CorridorPlan, plan: Plan) -> None:
        self.corridor = corridor
        self.plan = plan

    def may_leave(self, policy: PolicyPlan, waiting: int) -> bool:
        """Hook: whether a convoy may form now, with ``waiting`` tankers at the staging point.

        ``policy`` is the escort policy in force. False: wait for more tankers (or a
        policy change). Called often: keep it cheap.
        """
        raise NotImplementedError

    def size(self, policy: PolicyPlan, waiting: int) -> int:
        """Hook: tankers the convoy takes at departure, in ``1 .. waiting`` [tankers].

        ``waiting`` may have grown since :meth:`may_leave` while the convoy waited for
        its escort.
        """
        raise NotImplementedError


FORMATION_RULES: Registry[FormationRule] = Registry(
    FormationRule, "formation rule", "corridors.<key>.formation_rule"
)


@FORMATION_RULES.add
class EscortPolicyRule(FormationRule):
    """As the escort policy says: at most ``max_size`` tankers, at least ``min_size``.

    ``min_size`` holds only when escorts are required: otherwise tankers leave as they
    arrive.
    """

    name = "default"

    def may_leave(self, policy: PolicyPlan, waiting: int) -> bool:
        return waiting > 0 and not (policy.required and waiting < policy.min_size)

    def size(self, policy: PolicyPlan, waiting: int) -> int:
        return min(waiting, policy.max_size)


class ShipRule(FormationRule):
    """A ship sails alone once it is full: ``loads_per_ship`` loads of a ``mode: sea``
    corridor (``corridors.<key>.sea``).

    The rule of sea corridors unless the scenario names another; it belongs to the mode,
    so it is not a choice of ``formation_rule`` (see :data:`MODE_RULES`). An escort policy
    in force still applies to each ship (a required force is waited for), but its
    ``min_size`` and ``max_size`` do not.
    """

    name = "ship"

    def __init__(self, corridor: CorridorPlan, plan: Plan) -> None:
        super().__init__(corridor, plan)
        self.loads = corridor.mode.loads_per_ship

    def may_leave(self, policy: PolicyPlan, waiting: int) -> bool:
        return waiting >= self.loads

    def size(self, policy: PolicyPlan, waiting: int) -> int:
        return self.loads


#: Formation rules that belong to a transport mode, by the name the plan gives them.
MODE_RULES: dict[str, type[FormationRule]] = {ShipRule.name: ShipRule}


def formation_rule(name: str) -> type[FormationRule]:
    """The rule class ``name`` names: a mode's own (:data:`MODE_RULES`) or a registered one."""
    return MODE_RULES.get(name) or FORMATION_RULES.get(name)
