"""The loader: ``extends`` with deep merge, overrides, ``apply_overrides``, safe YAML only."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from simfuel.scenario import (
    Scenario,
    ScenarioError,
    apply_overrides,
    deep_merge,
    load_scenario,
    parse_overrides,
)
from simfuel.scenario.schema import (
    BlockadeEvent,
    ContractEvent,
    EscortPolicyEvent,
    FixedDelay,
    ScriptedAttackEvent,
)
from tests.helpers import tiny_scenario

HERE = Path(__file__).resolve().parent
BASE = HERE / "base.yaml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def child_of_base(tmp_path: Path, body: str, name: str = "child.yaml") -> Path:
    """A file in tmp_path that extends tests/scenario/base.yaml (by absolute path)."""
    return write(tmp_path / name, f"extends: {BASE}\n{body}")


def event(sc: Scenario, id_: str) -> Any:
    (found,) = [e for e in sc.events if e.id == id_]
    return found


# ---------------------------------------------------------------- deep_merge


def test_deep_merge_merges_mappings_recursively_child_wins() -> None:
    base = {"a": {"x": 1, "y": {"p": 1, "q": 2}}, "b": 1}
    override = {"a": {"y": {"q": 20, "r": 30}, "z": 4}, "c": 5}
    assert deep_merge(base, override) == {
        "a": {"x": 1, "y": {"p": 1, "q": 20, "r": 30}, "z": 4},
        "b": 1,
        "c": 5,
    }


def test_deep_merge_does_not_modify_its_inputs() -> None:
    base = {"a": {"x": [1, 2]}, "events": [{"id": "e", "v": {"k": 1}}]}
    override = {"a": {"x": [3]}, "events": [{"id": "e", "v": {"k": 2}}, {"id": "f"}]}
    base0, override0 = copy.deepcopy(base), copy.deepcopy(override)
    merged = deep_merge(base, override)
    assert base == base0
    assert override == override0
    merged["events"][1]["new"] = True
    assert override == override0


def test_deep_merge_replaces_lists() -> None:
    assert deep_merge({"l": [1, 2, 3]}, {"l": [4]}) == {"l": [4]}
    # lists of mappings without ids are replaced too, not merged item by item
    assert deep_merge({"l": [{"a": 1}, {"a": 2}]}, {"l": [{"b": 3}]}) == {"l": [{"b": 3}]}
    # a list whose items do not *all* carry an id is replaced
    assert deep_merge({"l": [{"id": "x", "a": 1}]}, {"l": [{"id": "x"}, {"b": 2}]}) == {
        "l": [{"id": "x"}, {"b": 2}]
    }


def test_deep_merge_merges_lists_of_mappings_by_id() -> None:
    base = [{"id": "a", "v": 1, "w": {"p": 1}}, {"id": "b", "v": 2}]
    override = [{"id": "c", "v": 3}, {"id": "a", "w": {"q": 2}}]
    assert deep_merge(base, override) == [
        {"id": "a", "v": 1, "w": {"p": 1, "q": 2}},  # merged in place, order kept
        {"id": "b", "v": 2},
        {"id": "c", "v": 3},  # new ids are appended
    ]


def test_deep_merge_remove_by_id() -> None:
    base = [{"id": "a"}, {"id": "b"}, {"id": "c"}]
    assert deep_merge(base, [{"id": "b", "remove": True}]) == [{"id": "a"}, {"id": "c"}]


def test_deep_merge_remove_unknown_id_is_an_error() -> None:
    with pytest.raises(ValueError, match="cannot remove id 'zz'"):
        deep_merge([{"id": "a"}], [{"id": "zz", "remove": True}])


def test_deep_merge_empty_list_replaces() -> None:
    assert deep_merge({"events": [{"id": "a"}, {"id": "b"}]}, {"events": []}) == {"events": []}


# ---------------------------------------------------------------- extends, through files


def test_extends_merges_mappings_replaces_lists_merges_events_by_id(tmp_path: Path) -> None:
    child = child_of_base(
        tmp_path,
        """\
name: child
threat: {hazard_per_100km: 0.2}             # merged: loss_fraction_mean kept from the base
corridors:
  main:
    tankers_per_day: 20                     # merged: the rest of the corridor kept
    legs:                                   # replaced: a two-leg corridor
      - {from: port, to: border, length_km: 200, speed_kmh: 40, risk: 0}
      - {from: border, to: city, length_km: 90, speed_kmh: 20}
events:
  - {id: cut, intensity: 0.9}               # merged into the base's blockade by id
  - {id: hit, remove: true}                 # removed (its leg_from 'town' is gone)
  - {id: demand-up, date: 2025-01-12, type: demand, demand_l_per_day: 500000}
""",
    )
    base = load_scenario(BASE)
    sc = load_scenario(child)

    assert sc.name == "child"
    assert sc.description == base.description
    assert sc.threat.hazard_per_100km == 0.2
    assert sc.threat.loss_fraction_mean == base.threat.loss_fraction_mean
    main = sc.corridors["main"]
    assert main.tankers_per_day == 20
    assert main.border_delay_h == base.corridors["main"].border_delay_h
    assert [(leg.from_, leg.to) for leg in main.legs] == [("port", "border"), ("border", "city")]
    assert [e.id for e in sc.events] == ["cut", "deal", "demand-up"]
    cut = event(sc, "cut")
    assert isinstance(cut, BlockadeEvent)
    assert cut.intensity == 0.9
    assert cut.date == event(base, "cut").date  # the rest of the event kept
    assert event(sc, "deal") == event(base, "deal")


def test_extends_empty_events_list_replaces_the_timeline(tmp_path: Path) -> None:
    assert load_scenario(child_of_base(tmp_path, "events: []\n")).events == []


def test_extends_chain_of_three_relative_to_each_file(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path / "a" / "grand.yaml", f"extends: {BASE}\nname: grand\ndemand: {{cv: 0.1}}\n")
    write(tmp_path / "a" / "b" / "parent.yaml", "extends: ../grand.yaml\nname: parent\n")
    child = write(
        tmp_path / "a" / "b" / "c" / "child.yaml",
        "extends: ../parent.yaml\nname: child\ndemand: {demand_l_per_day: 400000}\n",
    )
    monkeypatch.chdir(tmp_path)  # extends is relative to the file, not to the cwd
    sc = load_scenario(Path("a/b/c/child.yaml"))
    assert sc.name == "child"
    assert sc.demand.cv == 0.1
    assert sc.demand.demand_l_per_day == 400000
    assert load_scenario(child) == sc


def test_extends_remove_unknown_id_names_the_child_file(tmp_path: Path) -> None:
    child = child_of_base(tmp_path, "events:\n  - {id: nope, remove: true}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    message = str(info.value)
    assert message.startswith(f"{child}: ")
    assert "cannot remove id 'nope'" in message


def test_validation_errors_after_extends_name_the_child_file(tmp_path: Path) -> None:
    child = child_of_base(tmp_path, "demand: {cv: 2}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    message = str(info.value)
    assert message.startswith(f"{child}: demand.cv: must be <= 1")
    assert message.endswith("(got 2)")


def test_mapping_source_is_not_modified_and_cannot_extend() -> None:
    raw = tiny_scenario()
    raw0 = copy.deepcopy(raw)
    sc = load_scenario(raw, ["threat.hazard_per_100km=0.3"])
    assert sc.name == "tiny"
    assert sc.threat.hazard_per_100km == 0.3
    assert raw == raw0
    raw["extends"] = "somewhere.yaml"
    with pytest.raises(ScenarioError, match="extends: only a scenario file can extend"):
        load_scenario(raw)


# ---------------------------------------------------------------- overrides on load


def test_overrides_as_mapping() -> None:
    sc = load_scenario(BASE, {"threat.hazard_per_100km": 0.2, "corridors.main.tankers_per_day": 7})
    assert sc.threat.hazard_per_100km == 0.2
    assert sc.corridors["main"].tankers_per_day == 7
    assert sc.threat.loss_fraction_mean == 0.3  # siblings untouched


def test_overrides_as_strings_are_read_as_yaml() -> None:
    sc = load_scenario(
        BASE,
        [
            "threat.hazard_per_100km=0.2",
            "corridors.main.escort_policy.forces=[army, air]",
            "corridors.main.escort_policy.required=true",
            "corridors.main.escort_policy.min_size=3",
            "name=other",
            "description=",
            "end=2025-01-25",
        ],
    )
    assert sc.threat.hazard_per_100km == 0.2
    policy = sc.corridors["main"].escort_policy
    assert policy.forces == ["army", "air"]
    assert policy.required is True
    assert policy.min_size == 3
    assert sc.name == "other"
    assert sc.description == ""
    assert sc.end == dt.date(2025, 1, 25)


def test_override_value_may_be_a_whole_mapping() -> None:
    sc = load_scenario(
        BASE,
        [
            "escorts.navy={kind: ground, units: 1, deterrence: 0.5, protection: 0.5}",
            "corridors.main.escort_policy.forces=[navy]",
        ],
    )
    assert sc.escorts["navy"].units == 1
    assert sc.corridors["main"].escort_policy.forces == ["navy"]


def test_override_list_items_by_index() -> None:
    sc = load_scenario(
        BASE, ["corridors.main.legs.1.speed_kmh=10", "corridors.main.legs.-1.length_km=99"]
    )
    legs = sc.corridors["main"].legs
    assert legs[1].speed_kmh == 10
    assert legs[2].length_km == 99
    assert legs[0].speed_kmh == 40


def test_override_list_items_by_id() -> None:
    sc = load_scenario(BASE, ["events.deal.quantity_t=1000", "events.cut.date=2025-01-06"])
    deal = event(sc, "deal")
    assert isinstance(deal, ContractEvent)
    assert deal.quantity_t == 1000
    assert event(sc, "cut").date == dt.date(2025, 1, 6)
    assert len(sc.events) == 3


def test_override_on_a_shipped_scenario_by_event_id() -> None:
    from tests.helpers import SCENARIOS

    sc = load_scenario(SCENARIOS / "mali-2025.yaml", ["events.emergency-deal.quantity_t=1000"])
    assert event(sc, "emergency-deal").quantity_t == 1000


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("nonsense", "--set needs path.to.field=value (got 'nonsense')"),
        ("=3", "--set needs path.to.field=value (got '=3')"),
        ("  =3", "--set needs path.to.field=value"),
        ("events.nope.date=2025-01-02", "events.nope: no list item 'nope' (by index or id)"),
        ("corridors.main.legs.7.speed_kmh=1", "corridors.main.legs.7: no list item '7'"),
        ("name.first=1", "name.first: cannot set a field inside a str"),
        ("threat.hazard_per_100km=[1, 2", "threat.hazard_per_100km: cannot read value '[1, 2'"),
        ("threat.hazard_per_100km=-1", "threat.hazard_per_100km: must be >= 0"),
        ("threat.hazzard=1", "threat.hazzard: unknown key"),
        ("threat.hazard_per_100km=", "threat.hazard_per_100km: expected a number"),
    ],
)
def test_bad_overrides_raise_scenario_error_naming_the_file(override: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(BASE, [override])
    message = str(info.value)
    assert message.startswith(f"{BASE}: ")
    assert expected in message


# Regression: an unreadable --set value once gave a five-line PyYAML message.
def test_unreadable_override_value_is_one_line() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(BASE, ["threat.hazard_per_100km=[1, 2"])
    assert len(str(info.value).splitlines()) == 1


# Regression: PyYAML once raised a bare ValueError for an impossible date in --set.
def test_override_with_impossible_date_is_a_scenario_error() -> None:
    with pytest.raises(ScenarioError, match="start"):
        load_scenario(BASE, ["start=2025-13-01"])


def test_parse_overrides() -> None:
    assert parse_overrides(["a.b=1", "c = [x, y]", "e=", "f=a=b", "g=true"]) == {
        "a.b": 1,
        "c": ["x", "y"],
        "e": "",
        "f": "a=b",
        "g": True,
    }
    assert parse_overrides({"a.b": [1]}) == {"a.b": [1]}
    with pytest.raises(ScenarioError, match=r"needs path\.to\.field=value \(got 'a\.b'\)"):
        parse_overrides(["a.b"])


# ---------------------------------------------------------------- apply_overrides


def test_apply_overrides_returns_a_revalidated_copy() -> None:
    sc = load_scenario(BASE)
    before = sc.model_dump()
    out = apply_overrides(sc, {"threat.hazard_per_100km": 0.3})
    assert isinstance(out, Scenario)
    assert out.threat.hazard_per_100km == 0.3
    assert sc.model_dump() == before  # the original is untouched
    expected = copy.deepcopy(before)
    expected["threat"]["hazard_per_100km"] = 0.3
    assert out.model_dump() == expected  # nothing else changed on the round trip


def test_apply_overrides_with_strings_index_and_id() -> None:
    sc = load_scenario(BASE)
    out = apply_overrides(
        sc,
        [
            "events.deal.quantity_t=1000",
            "events.hit.tankers_destroyed=5",
            "corridors.main.legs.0.length_km=250",
        ],
    )
    assert event(out, "deal").quantity_t == 1000
    hit = event(out, "hit")
    assert isinstance(hit, ScriptedAttackEvent)
    assert hit.tankers_destroyed == 5
    assert out.corridors["main"].legs[0].length_km == 250


def test_apply_overrides_invalid_value_is_a_scenario_error() -> None:
    sc = load_scenario(BASE)
    with pytest.raises(ScenarioError) as info:
        apply_overrides(sc, ["events.cut.date=2025-03-01"])
    message = str(info.value)
    assert message.startswith("<scenario base>: events[0].date: ")
    assert "outside the horizon" in message


def test_apply_overrides_keeps_delays_and_events_typed() -> None:
    sc = load_scenario(BASE)
    out = apply_overrides(sc, {"corridors.main.border_delay_h": 6})
    assert out.corridors["main"].border_delay_h == FixedDelay(value=6)
    out = apply_overrides(
        sc,
        {
            "events": [
                {"date": "2025-01-03", "type": "escort_policy", "forces": ["army"], "min_size": 2}
            ]
        },
    )
    (ev,) = out.events
    assert isinstance(ev, EscortPolicyEvent)
    assert ev.policy().forces == ["army"]


def test_load_scenario_accepts_a_scenario() -> None:
    sc = load_scenario(BASE)
    assert load_scenario(sc) is sc
    assert load_scenario(sc, ["demand.cv=0.2"]).demand.cv == 0.2


# Regression: apply_overrides once dumped default fields explicitly, so a leg before
# staging with the default risk tripped the risk check on re-validation.
def test_apply_overrides_on_a_scenario_with_default_risk_before_staging() -> None:
    raw = tiny_scenario()
    del raw["corridors"]["main"]["legs"][0]["risk"]  # before staging, left at its default
    sc = load_scenario(raw)
    out = apply_overrides(sc, {"threat.hazard_per_100km": 0.2})
    assert out.threat.hazard_per_100km == 0.2


# ---------------------------------------------------------------- YAML: safe_load only


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object/apply:builtins.str [pwned]",
        "!!python/name:builtins.str",
        "!!python/object:builtins.dict {}",
    ],
)
def test_python_tags_are_rejected(tmp_path: Path, tagged: str) -> None:
    child = child_of_base(tmp_path, f"name: {tagged}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    message = str(info.value)
    assert message.startswith(f"{child}: malformed YAML at line 2")
    assert "could not determine a constructor" in message
    assert tagged.split()[0].removeprefix("!!") in message


def test_python_tags_are_rejected_in_override_values() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(BASE, ["name=!!python/object/apply:builtins.str [pwned]"])
    assert "name: cannot read value" in str(info.value)
