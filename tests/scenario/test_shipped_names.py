"""Shipped scenarios by name: load_scenario("mali-2025"), ``extends: mali-2025``, init."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from simfuel.scenario import (
    Scenario,
    ScenarioError,
    init_scenario,
    load_scenario,
    resolve_scenario,
    shipped_path,
    shipped_scenarios,
)
from tests.helpers import SCENARIOS

NAMES = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
#: The shipped scenario each file extends; None for a real case written out in full.
PARENTS = {
    n: yaml.safe_load((SCENARIOS / f"{n}.yaml").read_text(encoding="utf-8")).get("extends")
    for n in NAMES
}
COUNTERFACTUALS = [n for n in NAMES if PARENTS[n] is not None]


def dump(sc: Scenario) -> dict[str, Any]:
    return sc.model_dump(by_alias=True)


def message(exc: pytest.ExceptionInfo[ScenarioError]) -> str:
    return str(exc.value)


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder outside the repository."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", NAMES)
def test_a_name_loads_the_shipped_file_from_any_folder(name: str, elsewhere: Path) -> None:
    assert dump(load_scenario(name)) == dump(load_scenario(SCENARIOS / f"{name}.yaml"))
    assert shipped_path(name).samefile(SCENARIOS / f"{name}.yaml")


@pytest.mark.parametrize("name", COUNTERFACTUALS)
def test_a_copied_counterfactual_keeps_working(name: str, tmp_path: Path) -> None:
    # The bug: `extends: mali-2025.yaml` broke once the file was copied elsewhere.
    copy = Path(shutil.copy(SCENARIOS / f"{name}.yaml", tmp_path))
    assert dump(load_scenario(copy)) == dump(load_scenario(SCENARIOS / f"{name}.yaml"))


@pytest.mark.parametrize("name", COUNTERFACTUALS)
def test_shipped_counterfactuals_extend_by_name(name: str) -> None:
    data = yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8"))
    assert data["extends"] in NAMES


def test_an_existing_file_wins_over_a_name(elsewhere: Path) -> None:
    own = load_scenario("no-blockade").model_dump(by_alias=True, exclude_unset=True)
    own["name"] = "mine"
    (elsewhere / "mali-2025").write_text(yaml.safe_dump(own), encoding="utf-8")
    assert load_scenario("mali-2025").name == "mine"


def test_a_folder_does_not_hide_a_name(elsewhere: Path) -> None:
    # `simfuel init mali-2025 mali-2025` then `simfuel run mali-2025` in the same folder
    (elsewhere / "mali-2025").mkdir()
    assert load_scenario("mali-2025").name == "mali-2025"


def test_an_unknown_name_lists_the_shipped_ones_with_a_hint(elsewhere: Path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario("mali-2052")
    text = message(exc)
    assert text.startswith("mali-2052: no such file, and no shipped scenario named 'mali-2052'")
    assert f"(shipped: {', '.join(NAMES)})" in text
    assert "did you mean 'mali-2025'?" in text
    assert "\n" not in text


def test_an_old_repository_path_outside_the_repository_points_to_the_name(
    elsewhere: Path,
) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario("scenarios/mali-2025.yaml")
    assert "file not found" in message(exc)
    assert "use 'mali-2025'" in message(exc)


def test_a_missing_file_is_still_file_not_found(elsewhere: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nope\.yaml: file not found$"):
        load_scenario("nope.yaml")
    assert resolve_scenario("sub/mali-2025") == Path("sub/mali-2025")  # a slash: a path


def test_extends_by_name_with_overrides_of_its_own(tmp_path: Path) -> None:
    child = tmp_path / "mine.yaml"
    child.write_text("extends: mali-2025\nname: mine\nthreat: {hazard_per_100km: 0.0}\n")
    sc = load_scenario(child)
    assert sc.name == "mine"
    assert sc.threat.hazard_per_100km == 0.0
    assert sc.events == load_scenario("mali-2025").events


def test_extends_an_unknown_name(tmp_path: Path) -> None:
    child = tmp_path / "mine.yaml"
    child.write_text("extends: mali2025\nname: mine\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    text = message(exc)
    assert "extends: no shipped scenario named 'mali2025'" in text
    assert "did you mean 'mali-2025'?" in text
    assert "must end in .yaml or .yml" in text


def test_extends_a_name_that_is_a_cycle_is_still_caught(tmp_path: Path) -> None:
    # a user file named like the shipped scenario does not replace it in `extends`
    (tmp_path / "mali-2025.yaml").write_text("extends: mali-2025.yaml\nname: x\n")
    with pytest.raises(ScenarioError, match="circular extends"):
        load_scenario(tmp_path / "mali-2025.yaml")


def test_shipped_scenarios_lists_every_file_with_one_line() -> None:
    listed = shipped_scenarios()
    assert list(listed) == NAMES
    for name, line in listed.items():
        assert line, name
        assert "\n" not in line
        assert len(line) <= 100
    nb = yaml.safe_load((SCENARIOS / "no-blockade.yaml").read_text(encoding="utf-8"))
    assert listed["no-blockade"] == nb["description"]
    assert listed["mali-2025"].startswith("JNIM's fuel embargo on Mali")


def test_shipped_path_of_an_unknown_name() -> None:
    with pytest.raises(ScenarioError, match="did you mean 'no-blockade'"):
        shipped_path("no-blockad")


@pytest.mark.parametrize("name", NAMES)
def test_init_copies_the_chain_and_the_copy_loads(name: str, tmp_path: Path) -> None:
    written = init_scenario(name, tmp_path / "work")
    assert written[0] == tmp_path / "work" / f"{name}.yaml"
    parent = PARENTS[name]
    assert {p.name for p in written} == {f"{name}.yaml"} | (
        {f"{parent}.yaml"} if parent is not None else set()
    )
    assert dump(load_scenario(written[0])) == dump(load_scenario(name))
    original = (SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8")
    copied = written[0].read_text(encoding="utf-8")
    # Only the extends line differs: it names the copied parent file, and says so.
    differ = [
        (a, b) for a, b in zip(copied.splitlines(), original.splitlines(), strict=True) if a != b
    ]
    if parent is None:
        assert differ == []
    else:
        [(mine, shipped)] = differ
        assert shipped.startswith(f"extends: {parent} ")
        assert mine == f"extends: {parent}.yaml  # copied by simfuel init; a path beside this file"


def test_init_copies_extend_each_other_so_an_edit_of_the_parent_counts(tmp_path: Path) -> None:
    child, parent = init_scenario("no-emergency-deal", tmp_path)
    text = parent.read_text(encoding="utf-8")
    edited = text.replace("end: 2025-11-30", "end: 2025-11-15", 1)
    assert edited != text
    parent.write_text(edited, encoding="utf-8")
    assert str(load_scenario(child).end) == "2025-11-15"


def test_init_writes_nothing_over_existing_files(tmp_path: Path) -> None:
    (tmp_path / "mali-2025.yaml").write_text("mine\n")
    with pytest.raises(ScenarioError, match=r"mali-2025\.yaml: exists already"):
        init_scenario("no-blockade", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mali-2025.yaml"]
    assert (tmp_path / "mali-2025.yaml").read_text() == "mine\n"
    init_scenario("no-blockade", tmp_path, overwrite=True)
    assert load_scenario(tmp_path / "no-blockade.yaml").name == "no-blockade"


def test_init_into_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    with pytest.raises(ScenarioError, match="is a file, not a folder"):
        init_scenario("mali-2025", tmp_path / "f")


def test_init_of_an_unknown_name_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no shipped scenario named 'mali'"):
        init_scenario("mali", tmp_path / "new")
    assert not (tmp_path / "new").exists()
