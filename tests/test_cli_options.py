"""The command line people expect: short options, defaults in --help, provenance headers."""

from __future__ import annotations

import argparse
import json
import re

import pytest
import yaml

import simfuel
from simfuel.cli import DEFAULT_SEED, _parser, format_ensemble_summary, format_summary, main
from simfuel.scenario import load_scenario
from simfuel.scenario.provenance import content_hash
from tests.helpers import ROOT, tiny_scenario

HAZARD = "threat.hazard_per_100km"


@pytest.fixture
def tiny_file(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_scenario(), sort_keys=False))
    return path


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("command", sorted(_subparsers()))
def test_every_default_is_shown_in_help(command):
    sub = _subparsers()[command]
    text = _flat(sub.format_help())
    for action in sub._actions:
        # Identity, not ==: a default of 0 (the seed) is a default and must show.
        if not action.option_strings or any(
            action.default is x for x in (None, False, argparse.SUPPRESS)
        ):
            continue
        if action.default == []:
            continue
        assert f"(default: {action.default})" in text, (command, action.dest)
    # None for "not given" (they conflict with --from); the help states the real default.
    if command == "report":
        assert "(default: 200)" in text and f"(default: {DEFAULT_SEED})" in text
    assert "(default: None)" not in text and "(default: False)" not in text


def test_short_options_do_not_clash_and_mean_the_long_ones():
    for name, sub in _subparsers().items():
        shorts = [s for a in sub._actions for s in a.option_strings if not s.startswith("--")]
        assert len(shorts) == len(set(shorts)), name
    args = _parser().parse_args(["run", "x", "-r", "3", "-s", "4", "-o", "out", "-w", "1", "-q"])
    assert (args.reps, args.seed, str(args.out), args.workers, args.quiet) == (3, 4, "out", 1, True)


def test_one_seed_default_for_the_cli_and_make_demo():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(rf"^SEED\s*\?=\s*{DEFAULT_SEED}\s*$", makefile, re.M)
    for name in ("run", "sweep", "sensitivity", "size-fleet", "calibrate"):
        assert _parser().parse_args(_minimal(name)).seed == DEFAULT_SEED, name


def _minimal(name: str) -> list[str]:
    extra = {
        "sweep": ["--param", "a=1"],
        "sensitivity": ["--param", "a=0:1"],
        "calibrate": ["--param", "a=0:1", "--incidents", "i", "--out", "o"],
        "size-fleet": ["--force", "f"],
    }
    return [name, "x", *extra.get(name, [])]


def test_run_header_names_overrides_seed_hash_and_version(tiny_file, tmp_path, capsys):
    out = tmp_path / "o"
    argv = ["run", str(tiny_file), "-s", "3", "-o", str(out), "--set", f"{HAZARD}=0.05"]
    assert main(argv) == 0
    first, second = capsys.readouterr().out.splitlines()[:2]
    sha = content_hash(load_scenario(tiny_file, {HAZARD: 0.05}))
    assert first == f"tiny + {HAZARD}=0.05: 2025-01-01 .. 2025-01-20, seed 3"
    assert second == f"  scenario sha256 {sha[:12]}, simfuel {simfuel.__version__}"
    meta = json.loads((out / "summary.json").read_text())
    assert meta["provenance"]["overrides"] == [f"{HAZARD}=0.05"]
    assert meta["provenance"]["scenario_sha256"] == sha


def test_ensemble_header_and_store_name_the_overrides(tiny_file, tmp_path, capsys):
    out = tmp_path / "ens"
    argv = ["run", str(tiny_file), "-r", "1", "-w", "1", "-q", "-o", str(out)]
    assert main([*argv, "--set", f"{HAZARD}=0.05"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == f"tiny + {HAZARD}=0.05: 2025-01-01 .. 2025-01-20, 1 replication, seed 0"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["provenance"]["overrides"] == [f"{HAZARD}=0.05"]


def test_sweep_header_names_the_base_overrides(tiny_file, capsys):
    argv = [
        "sweep",
        str(tiny_file),
        "-r",
        "1",
        "-w",
        "1",
        "-q",
        "--param",
        "escorts.army.units=1,2",
    ]
    assert main([*argv, "--set", f"{HAZARD}=0.05"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"tiny + {HAZARD}=0.05: sweep of 2 points x 1 replication,")


def test_report_refuses_to_overwrite_without_force(tiny_file, tmp_path, capsys):
    out = tmp_path / "r"
    argv = ["report", str(tiny_file), "-r", "2", "-w", "1", "-q", "-o", str(out)]
    assert main(argv) == 0
    before = (out / "report.html").read_bytes()
    capsys.readouterr()
    assert main([*argv, "--set", f"{HAZARD}=0.05"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--force" in err and "report.html" in err
    assert (out / "report.html").read_bytes() == before
    assert main([*argv, "--set", f"{HAZARD}=0.05", "--force"]) == 0
    assert f"tiny + {HAZARD}=0.05" in (out / "report.html").read_text()


def test_unstaffed_escort_warning_is_one_clean_line(tiny_file, capsys):
    raw = tiny_scenario()
    raw["escorts"]["army"]["units"] = 0
    raw["corridors"]["main"]["escort_policy"] = {"forces": ["army"], "required": True}
    tiny_file.write_text(yaml.safe_dump(raw, sort_keys=False))
    assert main(["run", str(tiny_file)]) == 0
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: tiny: required escort forces")
    assert ".py" not in err and "warnings.warn" not in err


def test_missing_values_have_no_unit_and_one_is_singular():
    summary = {"mean_escort_wait_h": float("nan"), "attacks": 1, "tankers_lost": 2}
    lines = format_summary(summary).splitlines()
    assert lines[0].split()[-1] == "n/a"
    assert lines[1].endswith(" 1 attack")
    assert lines[2].endswith(" 2 tankers")


def test_ensemble_summary_units(tiny_file):
    ens = simfuel.run_ensemble(tiny_file, 2, seed=0, workers=1, progress=False)
    text = format_ensemble_summary(ens.summary_table())
    wait = next(line for line in text.splitlines() if "escort wait" in line)
    assert wait.rstrip().endswith("n/a")


def test_a_set_path_typo_gets_did_you_mean(capsys):
    # Once reported as three missing fields of a new force "africa_corp".
    assert main(["run", "mali-2025", "--set", "escorts.africa_corp.units=6"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "escorts.africa_corp: unknown entry" in err and "did you mean 'africa_corps'" in err
    assert "missing" not in err
