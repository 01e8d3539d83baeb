"""Origin terminals in the format: valid shapes, defaults not dumped, bad ones one line each.

Each malformed case is a file extending ``base.yaml`` (its origin ``port``, its depot at
``city``) with a ``terminals`` block (and events), checked both through ``load_scenario``
(one line naming the field) and ``simfuel validate`` (exit 2, one line, no traceback).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simfuel.cli import main
from simfuel.scenario import ScenarioError, load_scenario
from simfuel.scenario.schema import Scenario
from simfuel.scenario.terminals import TerminalFigures, terminal_stocks
from tests.helpers import SCENARIOS, tiny_scenario

HERE = Path(__file__).resolve().parent
GOOD = "{t: {place: port, capacity_l: 5_000_000, initial_stock_l: 1_000_000}}"

CASES = [
    # (the terminals block, extra events, the field path named, text the line must hold)
    (
        "{t: {place: prot, capacity_l: 5_000_000, initial_stock_l: 1_000_000}}",
        "",
        "terminals.t.place",
        "unknown place 'prot' (did you mean 'port'?)",
    ),
    (
        "{t: {place: city, capacity_l: 5_000_000, initial_stock_l: 1_000_000}}",
        "",
        "terminals.t.place",
        "'city' already holds the stock of depot: one stock per place",
    ),
    (
        "{a: {place: port, capacity_l: 5_000_000, initial_stock_l: 1},"
        " b: {place: port, capacity_l: 5_000_000, initial_stock_l: 1}}",
        "",
        "terminals.b.place",
        "'port' already holds the stock of terminals.a: one stock per place",
    ),
    (
        "{t: {place: port, capacity_l: 5_000_000, initial_stock_l: 1, loading_tankers_per_day: 0}}",
        "",
        "terminals.t.loading_tankers_per_day",
        "must be > 0 (got 0)",
    ),
    (
        "{t: {place: port, capacity_l: 5e6, initial_stock_l: 1, loading_tankers_per_day: -4}}",
        "",
        "terminals.t.loading_tankers_per_day",
        "must be > 0",
    ),
    (
        GOOD,
        "  - {id: s, date: 2025-01-06, type: seize, place: town}\n",
        "events[3].place",
        "place 'town' holds no stock: only the depot, a destination or a terminal can be "
        "seized (stocks: city, port)",
    ),
    (
        GOOD,
        "  - {id: s, date: 2025-01-06, type: seize, place: prot}\n",
        "events[3].place",
        "unknown place 'prot' holds no stock",
    ),
    (
        "{t: {place: port}}",
        "",
        "terminals.t.capacity_l",
        "required: the terminal's stock of the main commodity 'fuel'",
    ),
    (
        "{t: {place: port, capacity_l: 5_000_000}}",
        "",
        "terminals.t.initial_stock_l",
        "required with capacity_l",
    ),
    (
        "{t: {place: port, capacity_l: 1_000, initial_stock_l: 5_000}}",
        "",
        "terminals.t",
        "initial_stock_l (5000) exceeds capacity_l (1000)",
    ),
    (
        "{t: {place: port, capacity_l: 5_000_000, initial_stock_l: 1, resupply_l_per_day: -1}}",
        "",
        "terminals.t.resupply_l_per_day",
        "must be >= 0",
    ),
    (
        "{t: {place: port, capacity_l: 5_000_000, initial_stock_l: 1,"
        " commodities: {food: {capacity: 10, initial: 1}}}}",
        "",
        "terminals.t.commodities.food",
        "unknown commodity 'food'",
    ),
    (
        "{t: {place: port, capacity_l: 5_000_000, initial_stock_l: 1, depth_m: 3}}",
        "",
        "terminals.t.depth_m",
        "unknown key",
    ),
]


def _file(tmp_path: Path, terminals: str, events: str = "") -> Path:
    path = tmp_path / "terminal.yaml"
    text = f"extends: {HERE / 'base.yaml'}\nterminals: {terminals}\n"
    if events:
        text += f"events:\n{events}"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("terminals", "events", "where", "text"),
    CASES,
    ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)],
)
def test_a_bad_terminal_is_one_line_naming_its_field(
    tmp_path, capsys, terminals, events, where, text
):
    path = _file(tmp_path, terminals, events)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    lines = str(info.value).splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}: {where}: "), lines[0]
    assert text in lines[0], lines[0]

    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip().count("\n") == 0 and text in err
    assert "Traceback" not in err


def test_a_seize_of_a_terminal_place_without_a_terminal_is_refused(tmp_path, capsys):
    path = tmp_path / "no-terminal.yaml"
    path.write_text(
        f"extends: {HERE / 'base.yaml'}\nevents:\n"
        "  - {id: s, date: 2025-01-06, type: seize, place: port}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"events\[3\].place: place 'port' holds no stock"):
        load_scenario(path)
    assert main(["validate", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_good_terminal_loads_and_a_seize_of_it_is_valid(tmp_path):
    events = (
        "  - {id: s, date: 2025-01-06, type: seize, place: port}\n"
        "  - {id: r, date: 2025-01-09, type: release, place: port}\n"
    )
    sc = load_scenario(_file(tmp_path, GOOD, events))
    t = sc.terminals["t"]
    assert t.loading_tankers_per_day is None and t.resupply_l_per_day == 0
    assert terminal_stocks(sc, t) == {"fuel": TerminalFigures(5_000_000, 1_000_000, 0.0)}


def test_a_corridor_carrying_what_its_terminal_does_not_stock_is_refused():
    s = tiny_scenario()
    s["commodities"] = {"diesel": {"unit": "L"}, "food": {"unit": "t"}}
    s["vehicles"] = {"truck": {"payload": {"diesel": 30_000, "food": 5}}}
    s["corridors"]["main"].pop("tanker_capacity_l")
    s["corridors"]["main"]["vehicle"] = "truck"
    s["depot"]["commodities"] = {"food": {"capacity": 50, "initial": 1, "demand": {"per_day": 2}}}
    s["terminals"] = {"t": {"place": "port", "capacity_l": 1e6, "initial_stock_l": 1e5}}
    with pytest.raises(ValueError) as info:  # pydantic's wrapper of the ScenarioError
        Scenario.model_validate(s)
    assert "corridors.main.vehicle: carries food, which its origin terminal 'port' does not " in (
        str(info.value)
    )


def test_a_main_commodity_not_in_litres_is_given_as_a_block():
    s = tiny_scenario()
    s["commodities"] = {"food": {"unit": "t"}}
    s["vehicles"] = {"lorry": {"payload": {"food": 20}}}
    s["corridors"]["main"].pop("tanker_capacity_l")
    s["corridors"]["main"]["vehicle"] = "lorry"
    s["depot"] = {
        "place": "city",
        "commodities": {"food": {"capacity": 900, "initial": 300, "demand": {"per_day": 40}}},
    }
    s.pop("demand")
    s["terminals"] = {"t": {"place": "port", "capacity_l": 1e6, "initial_stock_l": 1e5}}
    with pytest.raises(ValueError, match=r"terminals.t.capacity_l: litres, but the main"):
        Scenario.model_validate(s)
    s["terminals"] = {
        "t": {
            "place": "port",
            "commodities": {"food": {"capacity": 500, "initial": 200, "resupply_per_day": 30}},
        }
    }
    sc = Scenario.model_validate(s)
    assert terminal_stocks(sc, sc.terminals["t"]) == {"food": TerminalFigures(500, 200, 30)}


def test_no_terminals_dumps_as_before_and_a_terminal_round_trips():
    plain = Scenario.model_validate(tiny_scenario())
    assert "terminals" not in plain.model_dump(mode="json", by_alias=True)
    s = tiny_scenario()
    s["terminals"] = {"t": {"place": "port", "capacity_l": 1e6, "initial_stock_l": 1e5}}
    sc = Scenario.model_validate(s)
    again = Scenario.model_validate(sc.model_dump(mode="json", by_alias=True))
    assert again == sc


def test_the_shipped_dakar_terminal_seized_is_mali_2025_plus_a_terminal_and_its_seizure():
    mali = load_scenario(SCENARIOS / "mali-2025.yaml")
    sc = load_scenario(SCENARIOS / "dakar-terminal-seized.yaml")
    da, db = mali.model_dump(by_alias=True), sc.model_dump(by_alias=True)
    skip = {"name", "description", "terminals", "events"}
    assert {k: v for k, v in da.items() if k not in skip} == {
        k: v for k, v in db.items() if k not in skip
    }
    assert db["events"][: len(da["events"])] == da["events"]
    added = sc.events[len(mali.events) :]
    assert [(ev.type, ev.place) for ev in added] == [("seize", "dakar"), ("release", "dakar")]
    assert added[0].date.month == 9 and added[1].date > added[0].date
    assert [t.place for t in sc.terminals.values()] == ["dakar"]
    assert sc.corridors["dakar_rn1"].origin == "dakar"
