"""Hostile scenario files: what would hang, exhaust memory or crash the reader is refused.

Each case that hung, grew without bound or overflowed the stack before the loader checked
it runs in a subprocess with a timeout, so that a regression fails the test instead of
hanging the suite. The rest run in-process. Every refusal is one line naming the file (or
the chain of files), the field path and the problem.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from simfuel.scenario import ScenarioError, load_scenario
from simfuel.scenario import loader as loader_module
from simfuel.text import safe_echo as _safe_echo
from tests.helpers import ROOT, tiny_scenario

BASE = Path(__file__).resolve().parent / "base.yaml"
TIMEOUT_S = 60


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# Loads each case in one fresh interpreter (one import of simfuel for them all) and prints
# {case: the one-line error, or "LOADED"} as JSON.
_RUNNER = """
import json, sys
from simfuel.scenario import ScenarioError, load_scenario
out = {}
for name, (path, overrides) in json.loads(sys.argv[1]).items():
    try:
        load_scenario(path, overrides)
    except ScenarioError as exc:
        out[name] = str(exc)
    else:
        out[name] = "LOADED"
print(json.dumps(out))
"""


def load_in_subprocess(cases: dict[str, tuple[Path, list[str]]]) -> dict[str, str]:
    """Load every case in a fresh interpreter; each case's one-line error, or ``"LOADED"``.

    Loads that do not all end within ``TIMEOUT_S`` fail the tests instead of hanging them.
    """
    jobs = {name: (str(path), overrides) for name, (path, overrides) in cases.items()}
    python_path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    try:
        done = subprocess.run(
            [sys.executable, "-c", _RUNNER, json.dumps(jobs)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            env={**os.environ, "PYTHONPATH": python_path},
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"loading the hostile files did not end within {TIMEOUT_S} s")
    assert done.returncode == 0, done.stderr[-2000:]
    return typing.cast("dict[str, str]", json.loads(done.stdout))


def assert_one_line(message: str, label: str, path: str, *texts: str) -> None:
    assert "\n" not in message, message
    assert message.isprintable(), repr(message)
    assert message.startswith(f"{label}: {path}"), message
    for text in texts:
        assert text in message, message
    assert len(message) < 400 + len(label)


def laughs(levels: int, width: int = 10) -> str:
    """A "billion laughs": ``width ** levels`` strings from a few hundred bytes."""
    lines = ["  l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- cases that used to hang


def _laughs_in_a_field(folder: Path) -> tuple[Path, list[str]]:
    return write(folder / "laughs.yaml", f"extends: {BASE}\ndescription:\n{laughs(9)}"), []


def _laughs_in_events_through_extends(folder: Path) -> tuple[Path, list[str]]:
    # The events merge by id, and the merge copies each new item: with its aliases expanded.
    write(
        folder / "parent.yaml",
        f"extends: {BASE}\nevents:\n  - id: cut\n    corridors: &l0 [main, main, main, main]\n",
    )
    body = "".join(
        f"  - {{id: e{i}, corridors: &l{i} [*l{i - 1}, *l{i - 1}, *l{i - 1}]}}\n"
        for i in range(1, 16)
    )
    text = f"extends: parent.yaml\nevents:\n  - {{id: cut, corridors: &l0 [main]}}\n{body}"
    return write(folder / "events.yaml", text), []


def _deep_lists(folder: Path) -> tuple[Path, list[str]]:
    n = 100_000
    return write(folder / "deep.yaml", f"extends: {BASE}\nname: {'[' * n}{']' * n}\n"), []


def _deep_mappings(folder: Path) -> tuple[Path, list[str]]:
    text = "threat: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n"
    return write(folder / "deep-mappings.yaml", text), []


def _deep_through_aliases(folder: Path) -> tuple[Path, list[str]]:
    # 70 lines, each one level deeper through an alias of the line before.
    lines = ["  a0: &a0 [1]"] + [f"  a{i}: &a{i} [*a{i - 1}]" for i in range(1, 70)]
    return write(folder / "aliases.yaml", "description:\n" + "\n".join(lines) + "\n"), []


def _laughs_in_a_set_value(folder: Path) -> tuple[Path, list[str]]:
    value = "{" + laughs(9).replace("\n", ", ").strip(", ") + "}"
    return BASE, [f"description={value}"]


def _fifo(folder: Path) -> tuple[Path, list[str]]:
    fifo = folder / "pipe.yaml"
    os.mkfifo(fifo)  # nothing ever writes to it: opening it to read would block
    return fifo, []


def _fifo_parent(folder: Path) -> tuple[Path, list[str]]:
    return write(folder / "to-pipe.yaml", "extends: pipe.yaml\n"), []


HANG_CASES = {
    "laughs-in-a-field": _laughs_in_a_field,
    "laughs-in-events-through-extends": _laughs_in_events_through_extends,
    "deep-lists": _deep_lists,
    "deep-mappings": _deep_mappings,
    "deep-through-aliases": _deep_through_aliases,
    "laughs-in-a-set-value": _laughs_in_a_set_value,
}
if hasattr(os, "mkfifo"):
    HANG_CASES |= {"fifo": _fifo, "fifo-parent": _fifo_parent}


@pytest.fixture(scope="module")
def hang_cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """{case: (the label its message must start with, the message)}."""
    folder = tmp_path_factory.mktemp("hostile")
    cases = {name: build(folder) for name, build in HANG_CASES.items()}
    messages = load_in_subprocess(cases)
    return {name: (str(cases[name][0]), messages[name]) for name in cases}


@pytest.mark.parametrize(
    ("case", "via", "path", "texts"),
    [
        ("laughs-in-a-field", "", "description.l5[7]: line 8", ("aliases expand it to",)),
        (
            "laughs-in-events-through-extends",
            "",
            "events[12].corridors[0]: line 15",
            ("aliases expand", "more than 1,000,000 values"),
        ),
        ("deep-lists", "", "name[0][0][0]", ("line 2", "nested deeper than 64 levels")),
        ("deep-mappings", "", "threat.a.a.a", ("nested deeper than 64 levels",)),
        ("deep-through-aliases", "", "description.a62[0]", ("nested deeper than 64 levels",)),
        ("laughs-in-a-set-value", "", "description: cannot read value", ("aliases expand",)),
        pytest.param(
            "fifo",
            "",
            "",
            ("not a regular file (it is a FIFO)",),
            marks=pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs"),
        ),
        pytest.param(
            "fifo-parent",
            " -> pipe.yaml",
            "",
            ("not a regular file (it is a FIFO)",),
            marks=pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs"),
        ),
    ],
)
def test_what_used_to_hang_is_refused_in_one_line(
    hang_cases: dict[str, tuple[str, str]], case: str, via: str, path: str, texts: tuple[str, ...]
) -> None:
    label, message = hang_cases[case]
    assert_one_line(message, label + via, path, *texts)


def test_values_of_a_chain_share_one_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each file holds fewer values than the limit; together they hold more.
    places = "".join(f"  p{i}: {{lat: 1.0, lon: 2.0}}\n" for i in range(250))
    write(tmp_path / "parent.yaml", f"extends: {BASE}\nplaces:\n{places}")
    child = write(tmp_path / "child.yaml", f"extends: parent.yaml\nplaces:\n{places}")
    monkeypatch.setattr(loader_module, "MAX_VALUES", 4000)
    load_scenario(child)
    monkeypatch.setattr(loader_module, "MAX_VALUES", 2500)
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert_one_line(
        str(info.value), f"{child} -> parent.yaml", "places", "too large", "extends chain"
    )


# ---------------------------------------------------------------- files that are not scenarios


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:  # sparse: no 10 MB written
        handle.truncate(loader_module.MAX_FILE_BYTES + 1)
    child = write(tmp_path / "child.yaml", "extends: big.yaml\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert_one_line(str(info.value), f"{child} -> big.yaml", "", "larger than 10 MB")


def test_a_folder_that_cannot_be_searched_is_a_clear_error(tmp_path: Path) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root can search any folder")
    locked = tmp_path / "locked"
    locked.mkdir()
    write(locked / "parent.yaml", BASE.read_text(encoding="utf-8"))
    child = write(tmp_path / "child.yaml", "extends: locked/parent.yaml\n")
    locked.chmod(0)
    try:
        with pytest.raises(ScenarioError) as info:
            load_scenario(child)
    finally:
        locked.chmod(0o700)
    assert_one_line(str(info.value), f"{child} -> locked/parent.yaml", "", "permission denied")


def test_a_file_name_with_a_nul_is_a_clear_error(tmp_path: Path) -> None:
    child = write(tmp_path / "child.yaml", 'extends: "a\\0b.yaml"\n')
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert_one_line(str(info.value), f"{child} -> a\\x00b.yaml", "", "NUL character")


def test_a_parent_file_that_is_not_a_scenario_is_not_echoed(tmp_path: Path) -> None:
    write(tmp_path / "settings.yaml", "api_token: s3cr3t-t0k3n\nname: [not, a, name]\n")
    child = write(tmp_path / "child.yaml", "extends: settings.yaml\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    message = str(info.value)
    assert_one_line(message, f"{child} -> settings.yaml", "", "is not a scenario")
    assert "s3cr3t" not in message
    assert "api_token" not in message


# ---------------------------------------------------------------- echoed values


def test_a_one_megabyte_value_is_echoed_cut(tmp_path: Path) -> None:
    path = write(tmp_path / "big.yaml", f"extends: {BASE}\ndemand: {{cv: '{'9' * 1_000_000}'}}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert_one_line(str(info.value), str(path), "demand.cv", "...")


def test_a_one_megabyte_key_is_echoed_cut() -> None:
    raw = tiny_scenario()
    raw["threat"]["k" * 1_000_000] = 1
    with pytest.raises(ScenarioError) as info:
        load_scenario(raw)
    assert_one_line(str(info.value), "<scenario>", "threat.kkkk", "...: unknown key")


def test_a_lone_surrogate_and_controls_in_a_mapping_key_are_escaped() -> None:
    raw = tiny_scenario()
    raw["corridors"]["main"]["\udc80\x1b[2K\rok: fine\n"] = 1
    with pytest.raises(ScenarioError) as info:
        load_scenario(raw)
    message = str(info.value)
    assert_one_line(message, "<scenario>", "corridors.main: ", "'\\udc80\\x1b[2K\\rok: fine\\n'")
    message.encode("utf-8")  # never a lone surrogate in the message


def test_a_forged_line_in_an_override_is_escaped() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(BASE, ["threat.hazard\nok: all good=1"])
    assert_one_line(str(info.value), str(BASE), "threat.hazard\\nok: all good", "unknown key")


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [
        ("plain", 80, "plain"),
        ("a\nb\rc\td\x1be\x7ff", 80, "a\\nb\\rc\\td\\x1be\\x7ff"),
        ("\udc80", 80, "\\udc80"),
        ("line\u2028sep\u202eevil", 80, "line\\u2028sep\\u202eevil"),
        ("é ü 東京", 80, "é ü 東京"),  # printable text is kept as it is
        ("x" * 100, 10, "xxxxxxx..."),
        ("xxxxxx\n\n\n", 10, "xxxxxx..."),  # never half an escape
        (["a"] * 100, 80, "['a', 'a', 'a', 'a', 'a', 'a', ...]"),
        (5, 80, "5"),
    ],
)
def test_safe_echo(value: object, limit: int, expected: str) -> None:
    assert _safe_echo(value, limit) == expected
    assert len(_safe_echo(value, limit)) <= limit


def test_safe_echo_of_a_huge_value_costs_little() -> None:
    out = _safe_echo("\n" * 10_000_000)
    assert out.startswith("\\n\\n") and out.endswith("...") and len(out) <= 80
    assert len(_safe_echo(list(range(1_000_000)))) <= 80
