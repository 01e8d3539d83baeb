"""The tutorial network: it validates, uses every capability, balances, and its doc runs.

``scenarios/tutorial-network.yaml`` is the worked example a new user copies, so it must
stay complete: the tests below fail when the format gains an event type, an engine
choice or a field that the tutorial does not write (use it there, with a one-line
comment, or list it in ``NOT_WRITTEN`` with the reason).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import matplotlib
import pytest
from pydantic import BaseModel

import simfuel
from simfuel.cli import main
from simfuel.scenario import Scenario, load_scenario, shipped_scenarios
from simfuel.scenario.schema import ENGINE_CHOICES, EVENT_TYPES, is_secondary, stock_places
from tests.helpers import ROOT, SCENARIOS

matplotlib.use("Agg")

NAME = "tutorial-network"
PATH = SCENARIOS / f"{NAME}.yaml"
DOC = ROOT / "docs" / "tutorial-network.md"

#: Fields the tutorial leaves unwritten on purpose, by model, with the reason.
NOT_WRITTEN: dict[str, dict[str, str]] = {
    "*": {"source": "a synthetic case has no sources (the observation event shows one)"},
    "Place": {"country": "an invented country has no ISO 3166 code"},
    "Dispatch": {"dates": "a schedule takes `dates` or `every_days`; this one uses every_days"},
    "AirMode": {"turnaround_h": "an air bridge takes sorties_per_day or turnaround_h"},
    "EscortForce": {
        "daylight_h": "by-day cover is tested in tests/sim/test_daylight_cover.py; here it "
        "would change the tutorial's measured tables"
    },
    "Terminal": {"commodities": "the Kessel terminal stocks fuel only, all its tankers carry"},
}


@pytest.fixture(scope="module")
def tutorial() -> Scenario:
    return load_scenario(PATH)


@pytest.fixture(scope="module")
def result(tutorial: Scenario) -> simfuel.RunResult:
    return simfuel.run(tutorial, seed=0)


def test_it_is_shipped_and_validates(tutorial: Scenario) -> None:
    assert tutorial.name == NAME
    assert NAME in shipped_scenarios()
    assert "synthetic (no real case)" in shipped_scenarios()[NAME]
    assert main(["validate", NAME]) == 0
    assert tutorial.horizon_days <= 90  # a tutorial run stays quick


def _corridors(sc: Scenario) -> list[Any]:
    return list(sc.corridors.values())


def _stocks(sc: Scenario) -> list[Any]:
    return [sc.depot, *sc.destinations.values()]


def _terminals(sc: Scenario) -> list[Any]:
    return list(sc.terminals.values())


def _demands(sc: Scenario) -> list[Any]:
    return [sc.demand, *(d.demand for d in sc.destinations.values())]


def _rationings(sc: Scenario) -> list[Any]:
    return [sc.rationing, *(d.rationing for d in sc.destinations.values())]


#: Each capability of README "What simfuel can express" (and its mechanisms), as a
#: check on the parsed scenario that it is written in the tutorial.
CAPABILITIES: dict[str, Callable[[Scenario], bool]] = {
    "several destinations": lambda sc: len(stock_places(sc)) >= 3,
    "secondary distribution with upstream_keep_days": lambda sc: any(
        is_secondary(c, stock_places(sc)) and c.upstream_keep_days > 0 for c in _corridors(sc)
    ),
    "commodities in L and t": lambda sc: {"L", "t"} <= set(sc.commodity_units.values()),
    "a vehicle carrying two commodities": lambda sc: any(
        len(v.payload) >= 2 for v in sc.vehicles.values()
    ),
    "every corridor names its vehicle": lambda sc: all(c.vehicle for c in _corridors(sc)),
    "a stock's commodities block": lambda sc: any(d.commodities for d in _stocks(sc)),
    "air bridge": lambda sc: any(c.mode == "air" and c.air for c in _corridors(sc)),
    "sea with berths": lambda sc: any(c.mode == "sea" and c.sea for c in _corridors(sc)),
    "starting state": lambda sc: any(
        c.initial and c.initial.staged_tankers and c.initial.on_road for c in _corridors(sc)
    ),
    "finite fleet with return legs": lambda sc: any(
        c.fleet and c.fleet.return_ and c.fleet.return_risk_factor < 1 for c in _corridors(sc)
    ),
    "supply responding to losses": lambda sc: any(c.supply_response for c in _corridors(sc)),
    "dispatch policies": lambda sc: (
        {c.dispatch_policy for c in _corridors(sc)} >= {"fixed_rate", "schedule", "order_up_to"}
    ),
    "order_up_to as (s, S) with back-pressure": lambda sc: any(
        c.dispatch and c.dispatch.reorder_days is not None and c.dispatch.max_queue_tankers
        for c in _corridors(sc)
    ),
    "hysteresis rationing": lambda sc: any(
        r.rule == "hysteresis" and r.stop_threshold_days is not None and r.min_days > 1
        for r in _rationings(sc)
    ),
    "priority consumers": lambda sc: any(d.priority for d in _demands(sc)),
    "filling stations": lambda sc: any(d.stations for d in _demands(sc)),
    "a strategic reserve": lambda sc: any(d.reserve_l > 0 for d in _stocks(sc)),
    "escort kinds ground, air, air_hourly": lambda sc: (
        {e.kind for e in sc.escorts.values()} >= {"ground", "air", "air_hourly"}
    ),
    "an escort's own speed": lambda sc: any(e.speed_kmh for e in sc.escorts.values()),
    "convoy size in the threat": lambda sc: sc.threat.size_exponent != 0,
    "attack outcomes as modes": lambda sc: sc.threat.outcomes is not None,
    "attackers' capacity": lambda sc: sc.threat.max_tankers_per_attack is not None,
    "a scripted attack that respects escorts": lambda sc: any(
        ev.type == "scripted_attack" and ev.respect_escort and ev.window_days for ev in sc.events
    ),
    "an origin terminal with a finite stock and a loading rate": lambda sc: any(
        t.loading_tankers_per_day and t.resupply_l_per_day for t in sc.terminals.values()
    ),
    "a dated event of another commodity": lambda sc: any(
        getattr(ev, "commodity", None) for ev in sc.events
    ),
    "a contract of another commodity, in its own unit": lambda sc: any(
        ev.type == "contract"
        and ev.commodity not in (None, sc.main_commodity)
        and ev.quantity is not None
        for ev in sc.events
    ),
    "a port's berths shared by its sea lanes": lambda sc: any(
        p.port is not None and p.port.berth_hours is not None for p in sc.places.values()
    ),
}


@pytest.mark.parametrize("capability", list(CAPABILITIES))
def test_the_tutorial_uses_each_capability(tutorial: Scenario, capability: str) -> None:
    assert CAPABILITIES[capability](tutorial), f"the tutorial does not use: {capability}"


def test_every_event_type_is_on_the_timeline(tutorial: Scenario) -> None:
    used = {ev.type for ev in tutorial.events}
    assert set(EVENT_TYPES) - used == set(), "add each new event type to the tutorial"


@pytest.mark.parametrize("what", sorted(ENGINE_CHOICES))
def test_every_shipped_engine_choice_is_used(tutorial: Scenario, what: str) -> None:
    used = {
        "escort kind": {e.kind for e in tutorial.escorts.values()},
        "threat model": {tutorial.threat.model},
        "dispatch policy": {c.dispatch_policy for c in _corridors(tutorial)},
        "formation rule": {c.formation_rule for c in _corridors(tutorial)},
        "rationing rule": {r.rule for r in _rationings(tutorial)},
    }
    assert what in used, f"the test does not know where the tutorial chooses a {what}"
    assert set(ENGINE_CHOICES[what]) - used[what] == set()


def _models(value: Any) -> Iterator[BaseModel]:
    if isinstance(value, BaseModel):
        yield value
        for name in type(value).model_fields:
            yield from _models(getattr(value, name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _models(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _models(item)


def test_every_field_is_written_somewhere(tutorial: Scenario) -> None:
    # Event fields are alternatives of each other (close a leg, a corridor or a place);
    # the event types are checked above.
    written: dict[type[BaseModel], set[str]] = {}
    for model in _models(tutorial):
        if not type(model).__name__.endswith("Event"):
            written.setdefault(type(model), set()).update(model.model_fields_set)
    missing = []
    for cls, fields in written.items():
        allowed = set(NOT_WRITTEN["*"]) | set(NOT_WRITTEN.get(cls.__name__, {}))
        missing += [f"{cls.__name__}.{f}" for f in sorted(set(cls.model_fields) - fields - allowed)]
    assert missing == [], "write these in the tutorial (or list them in NOT_WRITTEN)"


def test_the_yaml_explains_every_line() -> None:
    # A one-line explanation on each line that sets something, or on the line above.
    lines = PATH.read_text(encoding="utf-8").splitlines()
    bare = []
    for i, line in enumerate(lines):
        code = line.split("#", 1)[0].strip()
        if not code:
            continue
        above = lines[i - 1].strip() if i else ""
        context = "#" in line or above.startswith("#") or _explained_block(lines, i)
        if not context:
            bare.append(f"{i + 1}: {line.strip()}")
    assert bare == [], "every line of the tutorial needs a comment"


def _explained_block(lines: list[str], i: int) -> bool:
    """Whether line ``i`` is inside a block whose opening line is explained.

    The opening line (the nearest line above, indented less) carries a comment, or the
    line above it is one.
    """
    indent = len(lines[i]) - len(lines[i].lstrip())
    for j in range(i - 1, -1, -1):
        line = lines[j]
        if not line.strip():
            continue
        own = len(line) - len(line.lstrip())
        if own < indent:
            return "#" in line or (j > 0 and lines[j - 1].strip().startswith("#"))
    return False


def test_a_run_balances_per_place_and_commodity(result: simfuel.RunResult) -> None:
    result.check_balance()
    sc = result.scenario
    assert len(result.stock_keys) == sum(
        len(set(d.commodities) | {sc.main_commodity}) for d in _stocks(sc) + _terminals(sc)
    )
    for place, commodity in result.stock_keys:
        table = result.at(place, commodity)
        assert (table["stock_l"] >= -1e-6).all(), (place, commodity)
        assert table.attrs["unit"] == sc.commodity_units[commodity]


def test_every_event_of_the_timeline_is_in_the_run_log(result: simfuel.RunResult) -> None:
    kinds = set(result.events["kind"])
    for ev in result.scenario.events:
        assert f"timeline:{ev.type}" in kinds, ev.type


def test_the_modes_and_the_fleet_show_in_the_run(result: simfuel.RunResult) -> None:
    by_corridor = result.convoys.groupby("corridor")["tankers_departed"].sum()
    for key, c in result.scenario.corridors.items():
        assert by_corridor.get(key, 0) > 0, f"{key} ({c.mode}) moved nothing"
    kinds = set(result.events["kind"])
    assert {"fleet", "returned", "initial"} <= kinds


# ---------------------------------------------------------------- the doc runs

#: Replications in the doc's commands are cut to this in the test (the doc's 50 take
#: half a minute of CPU; the commands and the files they write are the same with 2).
TEST_REPS = "2"


def _blocks(kind: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(rf"```{kind}\n(.*?)```", text, flags=re.S)


def test_the_doc_links_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### What simfuel can express") :]
    section = section[: section.index("\n### ", 4)]
    assert "docs/tutorial-network.md" in section


def test_the_doc_was_measured_on_this_file(tutorial: Scenario) -> None:
    # The doc quotes a run's numbers: an edit of the scenario must be re-measured there.
    from simfuel.scenario.provenance import content_hash

    text = DOC.read_text(encoding="utf-8")
    assert f"sha256 starting `{content_hash(tutorial)[:8]}`" in text


def test_the_doc_shell_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _blocks("bash")
    assert blocks, "the tutorial has no shell commands"
    monkeypatch.chdir(tmp_path)
    ran = 0
    for block in blocks:
        for line in block.splitlines():
            line = line.split(" #", 1)[0].strip()
            if not line:
                continue
            argv = shlex.split(line)
            assert argv[0] == "simfuel", line
            if "--reps" in argv:  # fewer replications, in this process
                argv[argv.index("--reps") + 1] = TEST_REPS
                argv += ["--workers", "1"]
            assert main(argv[1:]) == 0, line
            ran += 1
    assert ran >= 4  # validate, run, run --reps, report


def test_the_doc_python_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _blocks("python")
    assert blocks, "the tutorial has no Python"
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "tutorial"}
    for block in blocks:  # the blocks follow on from each other, as in a notebook
        exec(compile(block, str(DOC), "exec"), namespace)
    import matplotlib.pyplot as plt

    plt.close("all")
