"""Malformed disruptions (close, reopen, leg_speed, border_delay): one line each, exit 2.

Each case is a file that extends ``base.yaml`` with one bad event, checked both through
``load_scenario`` (one Problem, its field path) and ``simfuel validate`` (exit 2, one line
on stderr, no traceback).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simfuel.cli import main
from simfuel.scenario import ScenarioError, load_scenario

HERE = Path(__file__).resolve().parent

CASES = [
    # (the bad event, the field path named, text the line must hold)
    (
        "{date: 2025-01-06, type: close, corridors: [mian]}",
        "events[3].corridors[0]",
        "unknown corridor 'mian' (did you mean 'main'?)",
    ),
    (
        "{date: 2025-01-06, type: close, corridor: north, leg_from: town}",
        "events[3].corridor",
        "unknown corridor 'north'",
    ),
    (
        "{date: 2025-01-06, type: close, corridor: main, leg_from: city}",
        "events[3].leg_from",
        "no leg of corridor 'main' starts at 'city' (they start at: port, border, town)",
    ),
    (
        "{date: 2025-01-06, type: close, place: twon}",
        "events[3].place",
        "unknown place 'twon' (did you mean 'town'?)",
    ),
    (
        "{date: 2025-01-06, type: reopen, place: town}",
        "events[3]",
        "reopens place town, which no earlier close event closes",
    ),
    (
        "{date: 2025-01-06, type: reopen, corridor: main, leg_from: town}",
        "events[3]",
        "reopens leg main from town",
    ),
    (
        "{date: 2025-03-01, type: close, place: town}",
        "events[3].date",
        "2025-03-01 is outside the horizon 2025-01-01 .. 2025-01-20",
    ),
    (
        "{date: 2025-01-06, type: leg_speed, corridors: all, factor: 0}",
        "events[3].factor",
        "must be > 0 (got 0)",
    ),
    (
        "{date: 2025-01-06, type: leg_speed, corridors: all, factor: -0.5}",
        "events[3].factor",
        "must be > 0",
    ),
    (
        "{date: 2025-01-06, type: leg_speed, corridors: all, factor: .inf}",
        "events[3].factor",
        "must be a finite number",
    ),
    (
        "{date: 2025-01-06, type: leg_speed, corridors: all, factor: nan}",
        "events[3].factor",
        "expected a number",
    ),
    (
        "{date: 2025-01-06, type: leg_speed, corridors: all, factor: 0.5, speed_kmh: 10}",
        "events[3]",
        "give exactly one of factor and speed_kmh",
    ),
    (
        "{date: 2025-01-06, type: leg_speed, place: town, speed_kmh: 500}",
        "events[3].speed_kmh",
        "must be <= 200",
    ),
    (
        "{date: 2025-01-06, type: close}",
        "events[3]",
        "name exactly one of corridors",
    ),
    (
        "{date: 2025-01-06, type: close, place: town, corridors: all}",
        "events[3]",
        "(got corridors, place)",
    ),
    (
        "{date: 2025-01-06, type: close, corridor: main}",
        "events[3]",
        "corridor and leg_from go together",
    ),
    (
        "{date: 2025-01-06, type: border_delay, corridors: [north], delay_h: 5}",
        "events[3].corridors[0]",
        "unknown corridor 'north'",
    ),
    (
        "{date: 2025-01-06, type: border_delay, delay_h: -5}",
        "events[3].delay_h.value",
        "must be >= 0",
    ),
    # seize / release: a place with a stock, released only once seized, inside the horizon
    (
        "{date: 2025-01-06, type: seize, place: town}",
        "events[3].place",
        "place 'town' holds no stock: only the depot or a destination can be seized (stocks: city)",
    ),
    (
        "{date: 2025-01-06, type: seize, place: twon}",
        "events[3].place",
        "unknown place 'twon' holds no stock",
    ),
    (
        "{date: 2025-01-06, type: release, place: city}",
        "events[3]",
        "releases the stock at 'city', which no earlier seize event seizes",
    ),
    (
        "{date: 2025-03-01, type: seize, place: city}",
        "events[3].date",
        "2025-03-01 is outside the horizon 2025-01-01 .. 2025-01-20",
    ),
    (
        "{date: 2025-01-06, type: seize}",
        "events[3].place",
        "required",
    ),
]


def _file(tmp_path: Path, event: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(
        f"extends: {HERE / 'base.yaml'}\nevents:\n  - {{id: bad, {event[1:]}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(("event", "where", "text"), CASES, ids=[c[1] for c in CASES])
def test_bad_disruption_is_one_line_naming_its_field(tmp_path, capsys, event, where, text):
    path = _file(tmp_path, event)
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


def test_a_reopen_after_its_close_is_valid(tmp_path):
    path = _file(tmp_path, "{date: 2025-01-09, type: reopen, place: town}")
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "  - {id: b2, date: 2025-01-06, type: close, place: town}\n", "utf-8")
    sc = load_scenario(path)  # listed after, dated before: the dates decide
    assert [ev.type for ev in sc.events][-2:] == ["reopen", "close"]


def test_a_second_reopen_of_the_same_place_is_an_error(tmp_path):
    path = _file(tmp_path, "{date: 2025-01-06, type: close, place: town}")
    text = path.read_text(encoding="utf-8")
    text += "  - {id: b2, date: 2025-01-08, type: reopen, place: town}\n"
    text += "  - {id: b3, date: 2025-01-09, type: reopen, place: town}\n"
    path.write_text(text, "utf-8")
    with pytest.raises(ScenarioError, match=r"events\[5\]: reopens place town"):
        load_scenario(path)


def test_a_reopen_of_one_corridor_after_closing_all_is_valid(tmp_path):
    path = _file(tmp_path, "{date: 2025-01-06, type: close, corridors: all}")
    text = path.read_text(encoding="utf-8")
    text += "  - {id: b2, date: 2025-01-08, type: reopen, corridors: [main]}\n"
    path.write_text(text, "utf-8")
    assert load_scenario(path).events[-1].type == "reopen"
