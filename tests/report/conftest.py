"""Reports of a small threatened scenario, generated once per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

import simfuel
from simfuel.reporting import make_report
from tests.helpers import tiny_scenario

#: Text a careless report would inject into the page.
HOSTILE_DESCRIPTION = 'Blockade test <script>alert("pwned")</script> & "quotes" \'too\''
HOSTILE_NOTE = "<img src=x onerror=alert(1)> see https://example.org/not-a-link"


def report_scenario() -> dict[str, Any]:
    """The tiny scenario with a blockade, escorts, a reported attack and hostile text.

    About one replication in six never runs out of stock, so the report shows a
    share of replications where the stock-out never happened.
    """
    raw = tiny_scenario()
    raw["name"] = 'tiny & "blockaded"'
    raw["description"] = HOSTILE_DESCRIPTION
    raw["threat"]["hazard_per_100km"] = 0.6
    raw["depot"]["initial_stock_l"] = 1_500_000
    raw["rationing"] = {"threshold_days": 2.0, "served_fraction": 0.8}
    raw["events"] = [
        {
            "id": "blockade-starts",
            "date": "2025-01-04",
            "type": "blockade",
            "intensity": 1.0,
            "note": HOSTILE_NOTE,
            "source": "Test source <b>bold</b>",
        },
        {"id": "fewer-drivers", "date": "2025-01-04", "type": "supply_rate", "tankers_per_day": 8},
        {
            "id": "reported-ambush",
            "date": "2025-01-06",
            "type": "scripted_attack",
            "corridor": "main",
            "tankers_destroyed": 6,
            "tankers_captured": 2,
            "note": "six burned, two seized",
        },
        {
            "id": "escorts-arrive",
            "date": "2025-01-12",
            "type": "escort_policy",
            "forces": ["army", "air"],
            "required": True,
            "min_size": 5,
            "max_size": 40,
        },
    ]
    return raw


REPS = 12
SEED = 5


@dataclass(frozen=True)
class Report:
    path: Path
    html: str
    ensemble: simfuel.EnsembleResult


@pytest.fixture(scope="session")
def tiny_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """make_report running its own ensemble, and the same ensemble run again for checks."""
    out = tmp_path_factory.mktemp("tiny-report")
    path = make_report(report_scenario(), reps=REPS, seed=SEED, out=out, workers=1, progress=False)
    ensemble = simfuel.run_ensemble(report_scenario(), REPS, seed=SEED, workers=1, progress=False)
    return Report(path, path.read_text(encoding="utf-8"), ensemble)


def write_two_options(folder: Path) -> tuple[Path, Path]:
    """Two scenario files for ``simfuel compare``: the report scenario, and it four days late.

    The second moves the last timeline event (the escort policy change) four days on.
    """
    early, late = report_scenario(), report_scenario()
    late["events"][-1]["date"] = "2025-01-16"
    paths = folder / "early.yaml", folder / "late.yaml"
    for path, data in zip(paths, (early, late), strict=True):
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return paths
