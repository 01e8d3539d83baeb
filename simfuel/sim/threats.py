"""Threat models: the probability and outcome of an attack on a leg, now, for a convoy.

A scenario's ``threat.model`` names a subclass of :class:`ThreatModel`; the simulation makes
one instance per run. The convoy asks it once per leg (:meth:`ThreatModel.attack`) and
tells it how every journey ended (:meth:`ThreatModel.observe`).

The scenario's scripted attacks are replayed by the base class, whatever the model: a
scripted attack waiting for the corridor strikes the first convoy that enters its leg (or
any leg, without ``leg_from``) on or after its date, with exactly its losses (at most the
convoy). With ``respect_escort`` it strikes a convoy only if the leg's attack uniform is
below the escort's deterrence (1 unescorted: always; a deterred convoy passes the leg
unharmed, the background hazard not drawn, and the attack waits for the next convoy), and
its losses are multiplied by the escort's protection, rounded stochastically with the
leg's loss and capture uniforms. With ``window_days`` it strikes only a convoy entering
within the window; after it, it is unfired and the log gives the lag of the first convoy
that came too late; a fired one's log gives its lag. Everything else is the model's hook
:meth:`ThreatModel._do_attack`.

The random numbers are the simulation's (its streams, drawn a fixed number of times per
convoy, whether attacked or not, so that streams stay aligned across scenarios): a model
gets them pre-drawn, per leg, in :class:`LegDraws`, and should use each for one purpose.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import ClassVar, NamedTuple

import numpy as np

from ..model.threat import (
    attack_mode,
    attack_probability_scalar,
    beta_parameters,
    captured_tankers,
    lost_tankers,
    size_factor_scalar,
)
from .plan import CorridorPlan, ForcePlan, Plan, ScriptedAttack
from .recorder import ConvoyRecord
from .registry import Registry

__all__ = ["THREAT_MODELS", "Attack", "DefaultThreat", "Escort", "LegDraws", "ThreatModel"]


class Escort(NamedTuple):
    """The escort of one convoy, as the threat sees it."""

    forces: tuple[ForcePlan, ...]
    #: Product of the forces' deterrence (multiplies the hazard; 1 unescorted) [-].
    deterrence: float
    #: Product of the forces' protection (multiplies the mean loss; 1 unescorted) [-].
    protection: float
    #: The slowest force's speed limit [km/h]; None when no force has one.
    speed_kmh: float | None = None
    #: Per force, the hours of the day ``(from, to)`` it covers a leg entered then (None:
    #: always); None when no force has a window (then ``deterrence`` and ``protection``
    #: hold on every leg).
    windows: tuple[tuple[float, float] | None, ...] | None = None

    def at(self, now_h: float) -> Escort:
        """The escort on a leg entered at ``now_h`` [h from the start, 00:00 of day 0].

        A force with a window covers the leg only if it is entered at an hour of the day
        in ``[from, to)``; the others' deterrence and protection hold alone. Without
        windows, the escort itself.
        """
        windows = self.windows
        if windows is None:
            return self
        hour = now_h % 24.0
        covered = [
            f for f, w in zip(self.forces, windows, strict=True) if w is None or w[0] <= hour < w[1]
        ]
        return self._replace(
            deterrence=math.prod(f.deterrence for f in covered),
            protection=math.prod(f.protection for f in covered),
            windows=None,
        )


class LegDraws(NamedTuple):
    """One convoy's random numbers, one per leg in each list (uniforms in [0, 1))."""

    u_attack: list[float]  # is the leg attacked
    #: The generator of leg j's loss fraction (the Beta sampler's consumption varies).
    loss_rng: Callable[[int], np.random.Generator]
    u_loss: list[float]  # rounding of the tankers lost
    u_capture: list[float]  # rounding of the tankers captured
    u_turn: list[float]  # do the survivors turn back
    #: The attack's mode (burn, seize or both); None unless ``threat.outcomes`` is given.
    u_mode: list[float] | None = None


class Attack(NamedTuple):
    """What one attack did to a convoy."""

    destroyed: int  # tankers burned [tankers]
    captured: int  # tankers seized [tankers]
    turn_back: bool  # the survivors drive back to the staging point
    note: str = ""  # added to the events' detail


#: ``(corridor, leg, now_h, tankers, escort, draws) -> Attack | None``.
AttackHook = Callable[[CorridorPlan, int, float, int, Escort, LegDraws], "Attack | None"]


class ThreatModel:
    """What the road does to convoys (base class of the threat models).

    Parameters
    ----------
    plan : Plan
        The compiled scenario (threat parameters in ``plan.hazard_per_100km`` and the
        fields after it).
    """

    #: The scenario's ``threat.model`` for this class.
    name: ClassVar[str] = ""
    #: True: :meth:`attack` on a leg is a pure function of the leg, its entry time, the
    #: convoy and its draws (no state other convoys change, bar the scripted attacks this
    #: base class replays), so the engine may draw it ahead of the convoy's entry and
    #: schedule no event for a leg where nothing happens. A class sets it for itself: a
    #: subclass does not inherit it (its own attack may keep state).
    ahead: ClassVar[bool] = False

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        # A plan is shared by many runs, so whether a scripted attack has fired is the
        # run's state, kept here (by id: ScriptedAttack is an immutable value).
        self._fired: set[int] = set()
        # Scripted attacks whose window passed: the lag of the first convoy too late [h].
        self._late: dict[int, float] = {}

    def attack(
        self,
        corridor: CorridorPlan,
        leg: int,
        now_h: float,
        tankers: int,
        escort: Escort,
        draws: LegDraws,
    ) -> Attack | None:
        """The attack on a convoy entering ``corridor.legs[leg]`` at ``now_h`` [h], or None.

        A scripted attack waiting for the leg comes first; otherwise :meth:`_do_attack`.
        The ambush strikes halfway along the leg (the engine's business).
        """
        if escort.windows is not None:
            escort = escort.at(now_h)  # air cover by day only: the cover at the leg's entry
        if corridor.scripted:
            sa = self._scripted(corridor, leg, now_h)
            if sa is not None:
                if sa.respect_escort and not draws.u_attack[leg] < escort.deterrence:
                    return None  # deterred: it waits for the next convoy
                self._fired.add(id(sa))
                return self._replay(sa, tankers, draws, leg, escort, now_h)
        return self._do_attack(corridor, leg, now_h, tankers, escort, draws)

    def _do_attack(
        self,
        corridor: CorridorPlan,
        leg: int,
        now_h: float,
        tankers: int,
        escort: Escort,
        draws: LegDraws,
    ) -> Attack | None:
        """Hook: draw the attack on one leg (no scripted attack waiting), or None.

        Parameters
        ----------
        corridor : CorridorPlan
            The corridor; the leg is ``corridor.legs[leg]``, a tuple
            ``(length_km, speed_kmh, risk, hours, from, to)``.
        leg : int
            Index of the leg from the staging point on; also the index into ``draws``.
        now_h : float
            When the convoy enters the leg [h from the start; < 0 in the warm-up].
        tankers : int
            Tankers in the convoy [tankers] (>= 1); an attack loses at most these.
        escort : Escort
            The convoy's escort (with windows, ``escort.at(now_h)`` is its cover on the
            leg).
        draws : LegDraws
            The convoy's random numbers.
        """
        raise NotImplementedError

    def attacks_on(self, corridor: CorridorPlan) -> AttackHook:
        """:meth:`attack` for the legs of ``corridor``, as the engine calls it per leg.

        Without scripted attacks on the corridor, :meth:`_do_attack` itself: the same
        answers, one call less per leg.
        """
        return self.attack if corridor.scripted else self._do_attack

    def observe(self, convoy: ConvoyRecord) -> None:
        """Hook: a journey ended (``convoy.outcome``: arrived, lost or turned_back)."""

    def unfired(self, corridor: CorridorPlan) -> list[ScriptedAttack]:
        """The corridor's scripted attacks that met no convoy (in time, with a window)."""
        return [sa for sa in corridor.scripted if id(sa) not in self._fired or id(sa) in self._late]

    def unfired_detail(self, sa: ScriptedAttack) -> str:
        """The events log's detail of an unfired scripted attack (its label; with a window,
        the lag of the first convoy that came too late, if one came)."""
        if sa.window_h is None:
            return sa.label
        window = f"window {sa.window_h / 24:g} days"
        lag_h = self._late.get(id(sa))
        if lag_h is None:
            return f"{sa.label}; no convoy within its {window}"
        return f"{sa.label}; first convoy {lag_h / 24:.1f} days after its date ({window})"

    def _scripted(self, c: CorridorPlan, leg: int, now_h: float) -> ScriptedAttack | None:
        for sa in c.scripted:
            if sa.t_h > now_h:
                break
            if id(sa) not in self._fired and (sa.leg is None or sa.leg == leg):
                if sa.window_h is not None and now_h > sa.t_h + sa.window_h:
                    # Too late: it never fires; the log will say how late this convoy was.
                    self._fired.add(id(sa))
                    self._late[id(sa)] = now_h - sa.t_h
                    continue
                return sa
        return None

    def _replay(
        self,
        sa: ScriptedAttack,
        tankers: int,
        draws: LegDraws,
        leg: int,
        escort: Escort,
        now_h: float,
    ) -> Attack:
        want_destroyed, want_captured = sa.destroyed, sa.captured
        note = f"scripted {sa.label}"
        if sa.respect_escort and escort.protection != 1.0:
            # Stochastic rounding keeps the expected losses at protection times the report.
            want_destroyed = lost_tankers(want_destroyed, escort.protection, draws.u_loss[leg])
            want_captured = lost_tankers(want_captured, escort.protection, draws.u_capture[leg])
            note += (
                f"; escort protection {escort.protection:g}: {want_destroyed + want_captured} "
                f"of {sa.destroyed + sa.captured} scripted"
            )
        captured = min(tankers, want_captured)
        destroyed = min(tankers - captured, want_destroyed)
        if want_destroyed + want_captured > destroyed + captured:
            note += (
                f"; convoy had {destroyed + captured} tankers, "
                f"{want_destroyed + want_captured} scripted"
            )
        if sa.window_h is not None:
            note += f"; fired {(now_h - sa.t_h) / 24:.1f} days after its date"
        turn_back = draws.u_turn[leg] < self.plan.turn_back_probability
        return Attack(destroyed, captured, turn_back, note)


THREAT_MODELS: Registry[ThreatModel] = Registry(ThreatModel, "threat model", "threat.model")


@THREAT_MODELS.add
class DefaultThreat(ThreatModel):
    """Poisson ambushes along the road, Beta losses (:mod:`simfuel.model.threat`).

    A leg of length ``L`` is attacked with probability
    ``1 - exp(-hazard_per_100km * intensity * risk * deterrence * size * L / 100)``, with
    the corridor's blockade intensity at the time (no attack in the warm-up) and the
    convoy's size factor ``size = (tankers / size_reference_tankers) ** size_exponent``
    (1 with the default exponent 0), and the deterrence and protection of the forces
    covering the leg when the convoy enters it (:meth:`Escort.at`). An attack loses a
    Beta-distributed fraction of the convoy (mean ``loss_fraction_mean * protection``), at
    most ``max_tankers_per_attack``, ``capture_fraction`` of it captured; with
    ``outcomes``, the attack is first drawn a mode: ``burn`` (every loss destroyed),
    ``seize`` (every loss captured) or ``both`` (split by ``capture_fraction``). The
    survivors turn back with ``turn_back_probability``.
    """

    name = "default"
    ahead = True

    def __init__(self, plan: Plan) -> None:
        super().__init__(plan)
        self._hazard = plan.hazard_per_100km
        self._turn_back = plan.turn_back_probability
        self._size_exponent = plan.size_exponent
        self._size_reference = plan.size_reference_tankers
        self._cap = plan.max_tankers_per_attack
        self._outcomes = plan.outcomes

    def _do_attack(
        self,
        corridor: CorridorPlan,
        leg: int,
        now_h: float,
        tankers: int,
        escort: Escort,
        draws: LegDraws,
    ) -> Attack | None:
        """Draw the attack on one leg (see the class)."""
        # No threat during the warm-up: it only fills the pipeline.
        intensity = corridor.intensity.at(now_h) if now_h >= 0 else 0.0
        if not intensity > 0:
            return None
        if escort.windows is not None:
            escort = escort.at(now_h)  # air cover by day only: the cover at the leg's entry
        length_km, _speed, risk, _hours, _frm, _to = corridor.legs[leg]
        hazard = self._hazard
        if self._size_exponent:  # exponent 0: the factor is 1, skip the power
            hazard *= size_factor_scalar(tankers, self._size_reference, self._size_exponent)
        p = attack_probability_scalar(hazard, intensity, risk, escort.deterrence, length_km)
        if not draws.u_attack[leg] < p:
            return None
        plan = self.plan
        a, b = beta_parameters(
            plan.loss_fraction_mean * escort.protection, plan.loss_fraction_concentration
        )
        # Beta sampling is by rejection: its raw draws depend on (a, b). The fraction comes
        # from a generator of its own, seeded by one fixed draw, so a change in a loss
        # parameter does not shift any later draw.
        fraction = float(draws.loss_rng(leg).beta(a, b))
        lost = lost_tankers(tankers, fraction, draws.u_loss[leg], self._cap)
        turn_back = draws.u_turn[leg] < self._turn_back
        outcomes = self._outcomes
        if outcomes is None:
            captured = captured_tankers(lost, plan.capture_fraction, draws.u_capture[leg])
            return Attack(lost - captured, captured, turn_back)
        if draws.u_mode is None:
            raise ValueError("threat.outcomes is set but the engine drew no attack modes")
        mode = attack_mode(outcomes, draws.u_mode[leg])
        if mode == "burn":
            captured = 0
        elif mode == "seize":
            captured = lost
        else:
            captured = captured_tankers(lost, plan.capture_fraction, draws.u_capture[leg])
        return Attack(lost - captured, captured, turn_back, mode)
