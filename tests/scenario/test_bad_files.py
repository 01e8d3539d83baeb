"""Malformed scenario files: each must raise a ScenarioError naming file, field path, problem.

Every file in ``bad/`` has one row in ``CASES``. Most files ``extends: ../base.yaml`` (a tiny
valid scenario) and break one thing; ``bad/parents/`` holds the files they extend that are
not scenarios of their own. The tests run from this folder, so a file's label in the message
is ``bad/<file>.yaml``, as a user typing a relative path would see it; a problem in a parent
is labelled with the chain, ``bad/<file>.yaml -> parents/<parent>.yaml``.

Cases that would hang or exhaust memory before the fix are in ``test_yaml_hostile.py``, run
in a subprocess with a timeout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import simfuel
from simfuel.errors import InputError
from simfuel.scenario import Problem, ScenarioError, load_scenario
from tests.helpers import tiny_scenario

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
MISSING = "does-not-exist.yaml"  # a row for a file that must not exist


def row(
    file: str,
    where: str | tuple[str, ...] | None,
    *problems: str,
    via: tuple[str, ...] = (),
    hidden: tuple[str, ...] = (),
    marks: Any = (),
) -> Any:
    """One table row.

    ``where`` is the field path the message must name right after the file (a tuple lists
    paths that are all acceptable); ``None`` for a problem of the file as a whole (its
    location, e.g. a YAML line and column, is then one of ``problems``). ``via`` lists the
    ``extends`` chain after the file, when the problem is in a parent; ``hidden`` is text of
    the files that the message must not show.
    """
    paths = (where,) if where is None or isinstance(where, str) else where
    return pytest.param(
        file, paths, problems, via, hidden, id=file.removesuffix(".yaml"), marks=marks
    )


CASES = [
    # ---- unknown keys, with a 'did you mean' hint
    row("unknown-top-key.yaml", "descripton", "unknown key", "did you mean 'description'"),
    row(
        "unknown-nested-key.yaml",
        "threat.hazard_per_100kms",
        "unknown key",
        "did you mean 'hazard_per_100km'",
    ),
    row("unknown-corridor-key.yaml", "corridors.main.stagng", "unknown key", "'staging'"),
    row("unknown-event-key.yaml", "events[0].intensty", "unknown key", "'intensity'"),
    # ---- wrong types
    row("wrong-type-number.yaml", "demand.demand_l_per_day", "expected a number", "'lots'"),
    row("wrong-type-integer.yaml", "escorts.army.units", "expected an integer", "2.5"),
    row("wrong-type-mapping.yaml", "places", "valid dictionary"),
    # ---- out of range
    row("negative-length.yaml", "corridors.main.legs[0].length_km", "must be > 0", "(got -5)"),
    row("probability-above-one.yaml", "threat.loss_fraction_mean", "must be <= 1", "(got 1.5)"),
    row(
        "max-size-below-min-size.yaml",
        # the model-level check reports the policy; naming max_size itself would be better
        ("corridors.main.escort_policy", "corridors.main.escort_policy.max_size"),
        "max_size",
        "min_size",
        "5",
        "10",
    ),
    row("event-max-size-below-min-size.yaml", "events[3].max_size", "min_size (10)", "(got 5)"),
    row("delay-negative.yaml", "corridors.main.border_delay_h.value", "must be >= 0", "(got -3)"),
    row(
        "delay-high-below-low.yaml",
        ("corridors.main.border_delay_h", "corridors.main.border_delay_h.high"),
        "high (2.0) must be >= low (5.0)",
    ),
    row("end-before-start.yaml", "end", "2024-12-01 is before start 2025-01-01"),
    # ---- missing fields
    row("missing-required-field.yaml", "escorts.navy.kind", "required field is missing"),
    row("missing-top-level-section.yaml", "corridors", "required field is missing"),
    row("legs-empty.yaml", "corridors.main.legs", "at least 1 item"),
    # ---- the network
    row("leg-unknown-place.yaml", "corridors.main.legs[1].to", "unknown place 'twon'", "'town'"),
    row(
        "legs-not-chained.yaml",
        "corridors.main.legs[1].from",
        "'town' does not continue the previous leg",
        "ends at 'border'",
    ),
    row(
        "last-leg-not-at-depot.yaml",
        "corridors.main.legs[2].to",
        "the last leg must end at the depot 'town'",
    ),
    row(
        "first-leg-not-at-origin.yaml",
        "corridors.main.legs[0].from",
        "the first leg must start at origin 'town'",
    ),
    row(
        "staging-not-on-corridor.yaml",
        "corridors.main.staging",
        "'city' is not a place on the corridor's legs",
    ),
    row("depot-unknown-place.yaml", "depot.place", "unknown place 'bamako'", "known: border"),
    row(
        "risk-before-staging.yaml",
        "corridors.main.legs[0].risk",
        "legs before the staging point carry no threat",
        "(got 0.5)",
    ),
    row(
        "delay-unknown-distribution.yaml",
        "corridors.main.border_delay_h",
        "unknown 'distribution' 'gamma'",
        "'triangular'",
    ),
    # ---- escort forces named by policies
    row(
        "policy-unknown-force.yaml",
        "corridors.main.escort_policy.forces[0]",
        "unknown escort force 'armi'",
        "did you mean 'army'",
    ),
    row(
        "event-policy-unknown-force.yaml",
        "events[3].forces[1]",
        "unknown escort force 'navy'",
        "known: air, army",
    ),
    # ---- the timeline
    row(
        "event-outside-horizon.yaml",
        "events[0].date",
        "2025-02-05 is outside the horizon 2025-01-01 .. 2025-01-20",
    ),
    row("event-unknown-corridor.yaml", "events[0].corridors[0]", "unknown corridor 'mian'"),
    row("unknown-event-type.yaml", "events[3]", "unknown 'type' 'airstrike'", "'contract'"),
    row("event-without-type.yaml", "events[3]", "needs a 'type' field"),
    row(
        "contract-split-not-one.yaml",
        # a model-level check: the event is named; naming its split would be better
        ("events[1]", "events[1].split"),
        "split shares must sum to 1 (got 0.5)",
    ),
    row(
        "contract-split-unknown-corridor.yaml",
        "events[3].split.mian",
        "unknown corridor 'mian'",
        "did you mean 'main'",
    ),
    row(
        "contract-two-quantities.yaml",
        ("events[1]", "events[1].quantity_l", "events[1].quantity_t"),
        "exactly one of quantity_t and quantity_l",
    ),
    row("contract-unknown-product.yaml", "events[1].product", "unknown product 'jet'"),
    row(
        "scripted-attack-leg-not-on-corridor.yaml",
        "events[2].leg_from",
        "corridor 'main'",
        "'port'",
        "they start at: border, town",
    ),
    row("scripted-attack-unknown-corridor.yaml", "events[2].corridor", "unknown corridor 'north'"),
    # ---- the file itself
    row("malformed-yaml.yaml", None, "malformed YAML at line 3, column 5", "expected ',' or '}'"),
    row("tab-indent.yaml", None, "malformed YAML at line 3, column 1", "'\\t'"),
    row("python-tag.yaml", None, "line 2, column 7", "python/object/apply:builtins.str"),
    row("empty.yaml", None, "the file is empty"),
    row("comments-only.yaml", None, "the file is empty"),
    row("top-level-list.yaml", None, "the top level must be a mapping (got list)"),
    row("top-level-scalar.yaml", None, "the top level must be a mapping (got str)"),
    row(MISSING, None, "file not found"),
    # ---- extends
    row("extends-missing-file.yaml", None, "file not found", via=("no-such-parent.yaml",)),
    row("extends-not-a-string.yaml", "extends", "must be a file path"),
    row(
        "circular-a.yaml",
        None,
        "circular extends: bad/circular-a.yaml -> circular-b.yaml -> circular-a.yaml",
    ),
    row(
        "circular-b.yaml",
        None,
        "circular extends: bad/circular-b.yaml -> circular-a.yaml -> circular-b.yaml",
    ),
    row("extends-itself.yaml", None, "circular extends", "extends-itself.yaml -> extends-itself"),
    row(
        "extends-into-a-cycle.yaml",
        None,
        "circular extends: circular-a.yaml -> circular-b.yaml -> circular-a.yaml",
        via=("circular-a.yaml",),
    ),
    row("remove-unknown-id.yaml", "events[0]", "cannot remove id 'nope'"),
    # ---- extends that must name a scenario file, and say which file in the chain failed
    row(
        "extends-chain.yaml",
        None,
        "malformed YAML at line 3",
        via=("parents/chain-b.yaml", "chain-c.yaml"),
    ),
    row("extends-csv.yaml", "extends", "must name a .yaml or .yml file", "table.csv"),
    row(
        "extends-csv-named-yaml.yaml",
        None,
        "the top level must be a mapping (got str)",
        via=("parents/table-csv.yaml",),
        hidden=("corridor,tankers", "north"),
    ),
    row(
        "extends-binary.yaml",
        None,
        "is not a text file",
        via=("parents/binary.yaml",),
        hidden=("name",),
    ),
    row("extends-directory.yaml", None, "is a directory", via=("parents/folder.yaml",)),
    row(
        "extends-not-a-scenario.yaml",
        None,
        "is not a scenario",
        "contents are not shown",
        via=("parents/not-a-scenario.yaml",),
        hidden=("database", "password", "hunter2", "admin", "looks-like"),
    ),
    row(
        "extends-parent-with-typo.yaml",
        "descripton",
        "unknown key (did you mean 'description'?)",
        via=("parents/typo.yaml",),
    ),
    row(
        "extends-name-too-long.yaml",
        None,
        "the file name is too long",
        via=("x" * 117 + "...",),
    ),
    row(
        "extends-path-through-a-file.yaml",
        None,
        "file not found (a part of the path is a file, not a folder)",
        via=("../base.yaml/child.yaml",),
    ),
    # ---- keys that are not text, merge keys, recursive aliases, event ids
    row("key-is-a-list.yaml", "places", "line 3, column 5", "a key must be plain text"),
    row("key-is-a-mapping.yaml", "corridors.main", "line 4", "a key must be plain text"),
    row("key-is-an-alias.yaml", "threat", "line 4", "not an alias"),
    row("key-is-a-number.yaml", "escorts", "the key '1' is read as an integer", "quote it"),
    row("key-is-a-boolean.yaml", "events[0].split", "the key 'no' is read as true or false"),
    row("merge-key.yaml", "escorts.militia", "line 5", "merge keys ('<<') are not supported"),
    row("merge-key-recursive.yaml", "threat", "merge keys ('<<') are not supported"),
    row(
        "recursive-alias.yaml",
        "corridors.main.legs[0]",
        "line 4, column 12",
        "the alias *loop is inside the node it names",
    ),
    row("event-id-a-number.yaml", "events[0].id", "id must be text (got 7)"),
    row("event-id-a-list.yaml", "events[0].id", "id must be text (got ['cut'])"),
    row("duplicate-key.yaml", None, "line 3, column 1", "duplicate key 'name'"),
    # ---- echoed text is escaped: it cannot move the cursor, end the line or forge one
    row(
        "echo-control-characters.yaml",
        "demand.demand_l_per_day",
        "expected a number",
        "\\x1b[1A\\x1b[2K\\rok:",
        hidden=("\x1b", "\r"),
    ),
    row("echo-newline-in-key.yaml", "threat.hazard\\nok: forged line", "unknown key"),
    row("echo-lone-surrogate.yaml", "threat", "'hazard\\udc80'", hidden=("\udc80",)),
    # Dates are parsed by pydantic, not PyYAML, so an impossible one gets its field path.
    row("invalid-calendar-date.yaml", "start", "month"),
]


@pytest.fixture(autouse=True)
def _run_from_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HERE)


@pytest.mark.parametrize(("file", "paths", "problems", "via", "hidden"), CASES)
def test_bad_file_names_file_path_and_problem(
    file: str,
    paths: tuple[str, ...] | tuple[None],
    problems: tuple[str, ...],
    via: tuple[str, ...],
    hidden: tuple[str, ...],
) -> None:
    path = Path("bad") / file
    label = " -> ".join((str(path), *via))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    exc = info.value
    message = str(exc)
    lines = message.splitlines()

    assert isinstance(exc, InputError)
    assert exc.source == label
    assert exc.problems, "a ScenarioError must carry at least one Problem"
    assert len(lines) == len(exc.problems), message
    assert all(line.startswith(f"{label}: ") for line in lines), message
    # one line per problem, nothing that moves the cursor or cannot be encoded
    assert all(line.isprintable() for line in lines), repr(message)
    assert len(exc.problems) > 1 or "\n" not in message
    for text in hidden:
        assert text not in message

    if paths == (None,):
        prefixes = [f"{label}: "]
    else:
        prefixes = [f"{label}: {p}: " for p in paths if p is not None]
    matching = [line for line in lines if any(line.startswith(p) for p in prefixes)]
    assert matching, f"no problem at {paths} in:\n{message}"
    assert any(all(text in line for text in problems) for line in matching), (
        f"no line at {paths} says all of {problems} in:\n{message}"
    )


def test_every_bad_file_has_a_row() -> None:
    listed = {p.values[0] for p in CASES}
    on_disk = {p.name for p in BAD.iterdir() if p.is_file()}
    assert not (BAD / MISSING).exists()
    assert on_disk == listed - {MISSING}
    assert len(on_disk) >= 15
    # every parent in parents/ is named by a row, so none is left unused
    chains = " ".join(" ".join(p.values[3]) for p in CASES)
    parents = {p.name for p in (BAD / "parents").iterdir()}
    assert all(name in chains or name == "table.csv" for name in parents), parents


def test_base_file_is_valid() -> None:
    sc = load_scenario(HERE / "base.yaml")
    assert sc.name == "base"
    assert [e.id for e in sc.events] == ["cut", "deal", "hit"]


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(Path("bad") / "missing-top-level-section.yaml")
    assert {p.path for p in info.value.problems} == {
        "places",
        "depot",
        "demand",
        "threat",
        "corridors",
    }
    assert all(p.message == "required field is missing" for p in info.value.problems)


def test_scenario_error_is_public_and_a_value_error() -> None:
    assert simfuel.ScenarioError is ScenarioError
    assert issubclass(ScenarioError, InputError)
    assert issubclass(ScenarioError, ValueError)
    exc = ScenarioError("x.yaml", [Problem("a.b", "bad"), Problem("", "worse")])
    assert str(exc) == "x.yaml: a.b: bad\nx.yaml: worse"
    assert str(ScenarioError("y.yaml", [])) == "y.yaml: invalid scenario"


def test_mapping_errors_are_labelled_scenario() -> None:
    raw = tiny_scenario()
    raw["corridors"]["main"]["legs"][1]["length_km"] = -5
    with pytest.raises(ScenarioError) as info:
        load_scenario(raw)
    message = str(info.value)
    assert info.value.source == "<scenario>"
    assert message.startswith("<scenario>: corridors.main.legs[1].length_km: must be > 0")
    assert message.endswith("(got -5)")


def test_unknown_key_without_a_close_match_gets_no_hint() -> None:
    raw = tiny_scenario()
    raw["qqzzxxyy"] = 1
    with pytest.raises(ScenarioError) as info:
        load_scenario(raw)
    assert str(info.value) == "<scenario>: qqzzxxyy: unknown key"


# Regression: the 'did you mean' hint comes from the model the key is in (it once came
# from every model, hinting a leg's `sped` as 'sd' and a misplaced key as itself).
def test_unknown_key_hint_comes_from_the_model_the_key_is_in() -> None:
    raw = tiny_scenario()
    raw["corridors"]["main"]["legs"][1]["sped"] = 10
    with pytest.raises(ScenarioError) as info:
        load_scenario(raw)
    assert "corridors.main.legs[1].sped: unknown key (did you mean 'speed_kmh'?)" in str(info.value)


def test_unknown_key_hint_never_suggests_the_key_itself() -> None:
    raw = tiny_scenario()
    raw["corridors"]["main"]["speed_kmh"] = 10  # a leg field, put on the corridor
    with pytest.raises(ScenarioError) as info:
        load_scenario(raw)
    message = str(info.value)
    assert "corridors.main.speed_kmh: unknown key" in message
    assert "did you mean 'speed_kmh'" not in message


# ---------------------------------------------------------------- --set typos


@pytest.mark.parametrize(
    ("override", "where", "expected"),
    [
        ("escorts.armi.units=6", "escorts.armi", "unknown entry 'armi' (did you mean 'army'?)"),
        ("corridors.mian.tankers_per_day=3", "corridors.mian", "(did you mean 'main'?)"),
        ("places.prot.lat=3", "places.prot", "(did you mean 'port'?)"),
        (
            "events.cutt.intensity=0.1",
            "events.cutt",
            "no list item 'cutt' (by index or id) (did you mean 'cut'?)",
        ),
        ("escorts.qqzz.units=1", "escorts.qqzz", "unknown entry 'qqzz' (known: army, air)"),
    ],
)
def test_a_set_typo_gets_a_hint_like_a_typo_in_a_file(
    override: str, where: str, expected: str
) -> None:
    path = HERE / "base.yaml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, [override])
    message = str(info.value)
    assert message.startswith(f"{path}: {where}: "), message
    assert expected in message
    assert "\n" not in message
    # the same hint for a scenario already loaded (how sweeps and calibration vary one)
    with pytest.raises(ScenarioError) as info:
        load_scenario(load_scenario(path), [override])
    message = str(info.value)
    assert message.startswith(f"<scenario base>: {where}: "), message
    assert expected in message


def test_a_set_may_add_a_whole_entry_and_change_a_new_one() -> None:
    militia = "escorts.militia={kind: ground, units: 2, deterrence: 0.3, protection: 0.2}"
    sc = load_scenario(HERE / "base.yaml", [militia, "escorts.militia.units=5"])
    assert sc.escorts["militia"].units == 5
