"""The engine's extension points: classes registered by name, chosen by the scenario."""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

import pandas as pd
import pytest
import simpy
import yaml

import simfuel
from simfuel.cli import main
from simfuel.scenario import ScenarioError, load_scenario
from simfuel.scenario.schema import ENGINE_CHOICES
from simfuel.sim import (
    Attack,
    DispatchPolicy,
    EscortKind,
    FormationRule,
    ThreatModel,
    register,
)
from simfuel.sim.dispatch import DISPATCH_POLICIES
from simfuel.sim.escort_kinds import ESCORT_KINDS, Grant
from simfuel.sim.formation import FORMATION_RULES
from simfuel.sim.plan import PolicyPlan
from simfuel.sim.recorder import ConvoyRecord
from simfuel.sim.threats import THREAT_MODELS
from tests.helpers import tiny_scenario
from tests.sim.builders import CAPACITY_L, date


def _threatened() -> dict[str, Any]:
    """TINY under a heavy blockade from day 0: the default model loses tankers."""
    s = tiny_scenario()
    s["threat"].update(hazard_per_100km=2.0, loss_fraction_mean=0.5)
    s["events"] = [{"date": date(0), "type": "blockade", "intensity": 1.0}]
    return s


class Calm(ThreatModel):
    """Nobody attacks (but the scripted attacks, which the base class replays)."""

    name = "calm"

    def _do_attack(self, *args: Any) -> None:
        return None


# ---------------------------------------------------------------- registry and schema


def test_the_schema_knows_exactly_the_shipped_names_first_the_default():
    assert ESCORT_KINDS.names() == ("ground", "air", "air_hourly")
    assert set(ENGINE_CHOICES["escort kind"]) == set(ESCORT_KINDS.names())
    assert ENGINE_CHOICES["threat model"] == list(THREAT_MODELS.names()) == ["default"]
    assert ENGINE_CHOICES["dispatch policy"] == list(DISPATCH_POLICIES.names())
    assert DISPATCH_POLICIES.names() == ("fixed_rate", "schedule", "order_up_to")
    assert ENGINE_CHOICES["formation rule"] == list(FORMATION_RULES.names()) == ["default"]
    sc = load_scenario(tiny_scenario())
    assert sc.threat.model == "default"
    assert sc.corridors["main"].dispatch_policy == "fixed_rate"
    assert sc.corridors["main"].formation_rule == "default"


def test_naming_the_defaults_changes_nothing():
    implicit = tiny_scenario()
    implicit["threat"].update(hazard_per_100km=1.0, turn_back_probability=0.3)
    implicit["events"] = [{"date": date(0), "type": "blockade", "intensity": 1.0}]
    implicit["corridors"]["main"]["escort_policy"] = {"forces": ["army", "air"], "required": True}
    explicit = copy.deepcopy(implicit)
    explicit["threat"]["model"] = "default"
    explicit["corridors"]["main"].update(dispatch_policy="fixed_rate", formation_rule="default")
    a, b = simfuel.run(implicit, seed=5), simfuel.run(explicit, seed=5)
    assert a.convoys["attacks"].sum() > 0 and (a.convoys["escort_kind"] == "air+ground").all()
    pd.testing.assert_frame_equal(a.convoys, b.convoys)
    pd.testing.assert_frame_equal(a.daily, b.daily)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("threat.model", "calm", "threat.model: unknown threat model 'calm' (known: default)"),
        (
            "corridors.main.dispatch_policy",
            "pulsed",
            "corridors.main.dispatch_policy: unknown dispatch policy 'pulsed' "
            "(known: fixed_rate, schedule, order_up_to)",
        ),
        (
            "corridors.main.formation_rule",
            "small",
            "corridors.main.formation_rule: unknown formation rule 'small' (known: default)",
        ),
        (
            "escorts.army.kind",
            "sea",
            "escorts.army.kind: unknown escort kind 'sea' (known: air, ground, air_hourly)",
        ),
    ],
)
def test_an_unknown_name_is_one_line_exit_2(tmp_path, capsys, path, value, message):
    s = tiny_scenario()
    node = s
    *parents, last = path.split(".")
    for key in parents:
        node = node[key]
    node[last] = value
    f = tmp_path / "x.yaml"
    f.write_text(yaml.safe_dump(s))
    assert main(["validate", str(f)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (line,) = err.strip().splitlines()
    assert line.endswith(f"{f}: {message}")


def test_a_registered_name_validates_and_is_listed_in_errors():
    register(Calm)
    s = tiny_scenario()
    s["threat"]["model"] = "calm"
    assert load_scenario(s).threat.model == "calm"
    s["threat"]["model"] = "nope"
    with pytest.raises(ScenarioError, match=r"\(known: default, calm\)"):
        load_scenario(s)


def test_registering_needs_a_name_a_free_name_and_an_extension_point():
    class Nameless(ThreatModel):
        pass

    with pytest.raises(ValueError, match="needs a class attribute `name`"):
        register(Nameless)

    class Impostor(ThreatModel):
        name = "default"

    with pytest.raises(ValueError, match="'default' is taken by DefaultThreat"):
        register(Impostor)

    class Stray:
        name = "stray"

    with pytest.raises(TypeError, match="none of the engine's extension points"):
        register(Stray)
    assert THREAT_MODELS.names() == ("default",)


def test_a_name_nobody_registered_is_a_clear_key_error():
    with pytest.raises(KeyError, match=r"threat.model: unknown threat model 'x' \(known: default"):
        THREAT_MODELS.get("x")


# ---------------------------------------------------------------- threat models


def test_a_threat_model_that_never_attacks_gives_zero_losses():
    default = simfuel.run(_threatened(), seed=3)
    assert default.convoys["attacks"].sum() > 0  # the scenario is dangerous by default

    register(Calm)
    s = _threatened()
    s["threat"]["model"] = "calm"
    r = simfuel.run(s, seed=3)
    r.check_balance()
    assert r.convoys["attacks"].sum() == 0
    assert r.summary()["tankers_lost"] == 0
    assert (r.daily["destroyed_l"] == 0).all()
    assert not (r.events["kind"] == "attacked").any()


def test_scripted_attacks_are_replayed_whatever_the_model():
    register(Calm)
    s = tiny_scenario()
    s["threat"]["model"] = "calm"
    s["events"] = [
        {"date": date(2), "type": "scripted_attack", "corridor": "main", "tankers_destroyed": 2}
    ]
    c = simfuel.run(s, seed=1).convoys
    assert c["destroyed"].sum() == 2 and c["attacks"].sum() == 1


def test_a_threat_model_decides_the_outcome_and_observes_every_journey():
    seen: list[ConvoyRecord] = []

    @register
    class OneEach(ThreatModel):
        """Every convoy loses one tanker on its first leg after the start, then is left."""

        name = "one_each"

        def _do_attack(self, corridor: Any, leg: int, now_h: float, *args: Any) -> Attack | None:
            if now_h < 0 or leg != 0:
                return None
            return Attack(destroyed=0, captured=1, turn_back=False, note="toll")

        def observe(self, convoy: ConvoyRecord) -> None:
            seen.append(convoy)

    s = tiny_scenario()
    s["threat"]["model"] = "one_each"
    r = simfuel.run(s, seed=1)
    r.check_balance()
    c = r.convoys
    after = c[(c["departed_h"] >= 0) & (c["outcome"] == "arrived")]
    assert len(after) > 10
    assert (after["captured"] == 1).all() and (after["destroyed"] == 0).all()
    assert (c.loc[c["departed_h"] < 0, "captured"] == 0).all()
    hits = r.events[r.events["kind"] == "captured"]
    assert (hits["detail"] == "border-town; toll").all()
    ended = c[c["outcome"] != "in_transit"]
    assert sorted(row.convoy_id for row in seen) == sorted(ended["convoy_id"])


# ---------------------------------------------------------------- dispatch policies


def test_a_dispatch_policys_loadings_appear_in_daily_loaded_l():
    @register
    class EveryOtherDay(DispatchPolicy):
        """7 tankers at noon of every even day of the horizon, nothing in the warm-up."""

        name = "every_other_day"

        def process(self) -> Generator[simpy.Event, Any, None]:
            env = self.env
            yield env.timeout(12.0 - env.now)
            while True:
                self.load(7)
                yield env.timeout(48.0)

    s = tiny_scenario()
    s["corridors"]["main"]["dispatch_policy"] = "every_other_day"
    r = simfuel.run(s, seed=1)
    r.check_balance()
    loaded = r.daily["loaded_l"].to_numpy()
    expected = [7 * CAPACITY_L if day % 2 == 0 else 0 for day in range(len(loaded))]
    assert loaded.tolist() == expected
    assert r.convoys["tankers_departed"].sum() > 0


# ---------------------------------------------------------------- formation rules


def test_a_formation_rule_capping_the_convoy_size_is_respected():
    default = simfuel.run(tiny_scenario(), seed=2).convoys
    assert default["tankers_departed"].max() > 2  # batches of 2-3 tankers leave together

    @register
    class Pairs(FormationRule):
        name = "pairs"

        def may_leave(self, policy: PolicyPlan, waiting: int) -> bool:
            return waiting >= 2

        def size(self, policy: PolicyPlan, waiting: int) -> int:
            return 2

    s = tiny_scenario()
    s["corridors"]["main"]["formation_rule"] = "pairs"
    r = simfuel.run(s, seed=2)
    r.check_balance()
    assert set(r.convoys["tankers_departed"]) == {2}


def test_a_formation_rule_that_sends_nobody_is_an_error_not_a_hang():
    @register
    class Nobody(FormationRule):
        name = "nobody"

        def may_leave(self, policy: PolicyPlan, waiting: int) -> bool:
            return waiting > 0

        def size(self, policy: PolicyPlan, waiting: int) -> int:
            return 0

    s = tiny_scenario()
    s["corridors"]["main"]["formation_rule"] = "nobody"
    with pytest.raises(ValueError, match="formation rule 'nobody' sent 0 of the"):
        simfuel.run(s, seed=1)


# ---------------------------------------------------------------- escort kinds


def test_a_registered_escort_kind_lends_and_gets_back_its_units():
    calls: list[tuple[str, float]] = []

    @register
    class Boat(EscortKind):
        """Any number of convoys at once, handed back when the journey ends."""

        name = "boat"

        def request(self, route_h: float) -> Grant:
            calls.append(("request", route_h))
            return Grant(self.index, self.env.event().succeed(), 0.0)

        def free_now(self, route_h: float) -> bool:
            return True

        def give_back(self, grant: Grant, travelled_h: float) -> None:
            calls.append(("back", travelled_h))

        @classmethod
        def describe(cls, force: Any) -> str:
            return "always there"

    s = tiny_scenario()
    s["escorts"]["river"] = {"kind": "boat", "units": 1, "deterrence": 1.0, "protection": 1.0}
    s["corridors"]["main"]["escort_policy"] = {"forces": ["river"], "required": True}
    r = simfuel.run(s, seed=1)
    r.check_balance()
    c = r.convoys
    assert (c["escort_kind"] == "boat").all() and (c["escort_wait_h"] == 0).all()
    ended = c[c["outcome"] != "in_transit"]
    assert [k for k, _ in calls].count("request") == len(c)
    assert [k for k, _ in calls].count("back") == len(ended)
    assert ESCORT_KINDS.get("boat").describe(load_scenario(s).escorts["river"]) == "always there"


def test_default_engine_choices_leave_the_content_hash_as_it_was_before_them():
    from simfuel.scenario import load_scenario
    from simfuel.scenario.provenance import _default_engine_choices, content_hash

    register(Calm)
    plain = load_scenario(_threatened())
    explicit = _threatened()
    explicit["threat"]["model"] = "default"
    for c in explicit["corridors"].values():
        c.update(formation_rule="default", dispatch_policy="fixed_rate")
    calm = _threatened()
    calm["threat"]["model"] = "calm"
    # Stores written before these fields existed hashed a JSON without them.
    hashed = plain.model_dump_json(by_alias=True, exclude=_default_engine_choices(plain))
    assert "formation_rule" not in hashed and "dispatch_policy" not in hashed
    assert '"model"' not in hashed
    assert content_hash(load_scenario(explicit)) == content_hash(plain)
    assert content_hash(load_scenario(calm)) != content_hash(plain)  # another engine
