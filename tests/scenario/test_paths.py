"""simfuel.scenario.paths: one walk of dotted paths, on models and on raw mappings alike."""

from __future__ import annotations

import copy

import pytest

import simfuel
from simfuel.scenario.paths import PathError, get_path, set_path, split_path, walk
from tests.helpers import tiny_scenario


@pytest.fixture(scope="module")
def raw() -> dict:
    data = tiny_scenario()
    data["events"] = [
        {"id": "siege", "date": "2025-01-05", "type": "blockade", "intensity": 0.5},
        {"date": "2025-01-09", "type": "blockade", "intensity": 1.0},
    ]
    return data


@pytest.fixture(scope="module")
def sc(raw: dict) -> simfuel.Scenario:
    return simfuel.load_scenario(raw)


def test_split_path_refuses_empty_parts() -> None:
    assert split_path("threat.hazard_per_100km") == ["threat", "hazard_per_100km"]
    for bad, where in (("a..b", "a."), (".a", ""), ("a.", "a."), ("", "")):
        with pytest.raises(PathError) as info:
            split_path(bad)
        assert info.value.kind == "empty" and info.value.where == where


@pytest.mark.parametrize(
    "path",
    [
        "threat.hazard_per_100km",
        "escorts.army.units",
        "corridors.main.legs.0.length_km",
        "corridors.main.legs.-1.to",
        "events.siege.intensity",
        "events.1.intensity",
    ],
)
def test_model_and_raw_mapping_give_the_same_value(sc, raw: dict, path: str) -> None:
    from_model = get_path(sc, path)
    from_raw = get_path(sc.model_dump(by_alias=True), path)
    assert from_model == from_raw
    assert from_model is not None


def test_the_walk_follows_what_the_parts_name(sc, raw: dict) -> None:
    assert get_path(sc, "events.siege.intensity") == 0.5  # by id
    assert get_path(sc, "events.-1.intensity") == 1.0  # by position from the end
    assert (
        get_path(raw, "corridors.main.legs.0.from") == raw["corridors"]["main"]["legs"][0]["from"]
    )
    # a model field by its alias or its name; the step's key is the name
    leg = sc.corridors["main"].legs[0]
    steps = walk(sc, "corridors.main.legs.0.from")
    assert [s.key for s in steps] == ["corridors", "main", "legs", 0, "from_"]
    assert steps[-1].value == leg.from_ == get_path(sc, "corridors.main.legs.0.from_")


def test_model_steps_carry_their_declared_type(sc) -> None:
    units = walk(sc, "escorts.army.units")
    assert units[-1].annotation is int
    assert units[1].annotation is None  # a key of a dict, not a field
    assert walk(sc, "threat.hazard_per_100km")[-1].annotation is float


@pytest.mark.parametrize(
    ("path", "kind", "where", "candidate"),
    [
        ("escorts.armee.units", "no_key", "escorts.armee", "army"),
        ("threat.hazard", "no_field", "threat.hazard", "hazard_per_100km"),
        ("events.nothere.intensity", "no_item", "events.nothere", "siege"),
        ("events.7.intensity", "no_item", "events.7", "siege"),
        ("threat.hazard_per_100km.x", "not_container", "threat.hazard_per_100km.x", None),
    ],
)
def test_a_path_to_nowhere_says_where_it_stopped(
    sc, path: str, kind: str, where: str, candidate: str | None
) -> None:
    with pytest.raises(PathError) as info:
        get_path(sc, path)
    err = info.value
    assert (err.kind, err.where, err.path) == (kind, where, path)
    assert err.part == where.rsplit(".", 1)[-1]
    if candidate is not None:
        assert candidate in err.candidates
    assert get_path(sc, path, default=None) is None
    assert isinstance(err, LookupError)


def test_set_path_sets_keys_list_items_and_adds_missing_mappings(raw: dict) -> None:
    doc = copy.deepcopy(raw)
    set_path(doc, "threat.hazard_per_100km", 0.3)
    set_path(doc, "events.siege.intensity", 0.9)
    set_path(doc, "events.1", {"date": "2025-01-10", "type": "blockade", "intensity": 0.0})
    set_path(doc, "notes.a.b", 1)
    assert doc["threat"]["hazard_per_100km"] == 0.3
    assert doc["events"][0]["intensity"] == 0.9
    assert doc["events"][1]["date"] == "2025-01-10"
    assert doc["notes"] == {"a": {"b": 1}}
    untouched = copy.deepcopy(raw)
    for key in ("corridors", "escorts", "places"):
        assert doc[key] == untouched[key]


def test_set_path_asks_before_adding_and_tells_what_it_added(raw: dict) -> None:
    asked: list[tuple] = []

    def create(loc, mapping, created):
        asked.append((loc, sorted(mapping), created))
        return loc != ("escorts",)  # a new force must be given whole

    doc = copy.deepcopy(raw)
    set_path(doc, "extra.deeper.x", 1, create=create)
    assert asked == [((), sorted(raw), False), (("extra",), [], True)]
    with pytest.raises(PathError) as info:
        set_path(doc, "escorts.navy.units", 2, create=create)
    assert (info.value.kind, info.value.where) == ("refused", "escorts.navy")
    assert "army" in info.value.candidates
    assert "navy" not in doc["escorts"]


def test_set_path_refuses_what_it_cannot_step_into(raw: dict) -> None:
    doc = copy.deepcopy(raw)
    with pytest.raises(PathError) as info:
        set_path(doc, "threat.hazard_per_100km.deeper", 1)
    assert info.value.kind == "not_container" and info.value.container == "float"
    with pytest.raises(PathError) as info:
        set_path(doc, "events.nothere.intensity", 1)
    assert info.value.kind == "no_item" and info.value.candidates == ("siege",)
    assert doc == raw


def test_calibration_style_document_is_built_from_nothing() -> None:
    # What Calibration.to_yaml does: nested mappings made up from dotted paths.
    doc: dict = {}
    for path, value in {"threat.hazard_per_100km": 0.2, "threat.capture_fraction": 0.1}.items():
        set_path(doc, path, value)
    assert doc == {"threat": {"hazard_per_100km": 0.2, "capture_fraction": 0.1}}
