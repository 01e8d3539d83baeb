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

__all__ = ["FORMATION_RULES", "EscortPolicyRule", "FormationRule"]


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
