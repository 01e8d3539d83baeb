"""The workbook says what ran, and its events sheet reads like events.csv."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import simfuel
from simfuel import __version__
from tests.report.conftest import report_scenario

openpyxl = pytest.importorskip("openpyxl")

OVERRIDE = "threat.hazard_per_100km=0.5"


def _sheet(path: Path, name: str) -> list[tuple[object, ...]]:
    return list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[simfuel.RunResult, Path]]:
    out = tmp_path_factory.mktemp("xlsx")
    plain = simfuel.run(simfuel.load_scenario(report_scenario()), seed=1)
    changed = simfuel.run(simfuel.load_scenario(report_scenario(), [OVERRIDE]), seed=1)
    return {
        "plain": (plain, plain.to_excel(out / "plain.xlsx")),
        "set": (changed, changed.to_excel(out / "set.xlsx")),
    }


def test_the_summary_sheet_opens_with_the_provenance(runs: dict[str, Any]) -> None:
    heads = {}
    for key, (result, path) in runs.items():
        rows = {r[0]: r[1] for r in _sheet(path, "summary")[1:]}
        prov = result.provenance
        assert rows["scenario"] == prov.label
        assert rows["scenario_sha256"] == prov.scenario_sha256 and len(prov.scenario_sha256) == 64
        assert rows["seed"] == 1 and rows["simfuel_version"] == __version__
        assert "spawn_key" not in rows
        heads[key] = (rows["scenario"], rows["scenario_sha256"])
    assert heads["set"][0] == f"{runs['set'][0].scenario.name} + {OVERRIDE}"
    assert heads["plain"] != heads["set"]  # a --set run's workbook no longer looks the same


def test_events_sheet_leaves_convoy_id_empty_and_shows_the_csv_detail(
    runs: dict[str, Any], tmp_path: Path
) -> None:
    result, path = runs["plain"]
    rows = _sheet(path, "events")
    header = [str(c).split(" [")[0] for c in rows[0]]
    sheet = pd.DataFrame(rows[1:], columns=header)
    csv = pd.read_csv(result.to_csv(tmp_path)["events"], keep_default_na=False)
    assert len(sheet) == len(csv)
    no_convoy = csv["convoy_id"].astype(int) < 0
    assert no_convoy.any() and (~no_convoy).any()
    assert sheet.loc[no_convoy.to_numpy(), "convoy_id"].isna().all()
    assert (
        sheet.loc[~no_convoy.to_numpy(), "convoy_id"].astype(int).tolist()
        == csv.loc[~no_convoy, "convoy_id"].astype(int).tolist()
    )
    assert sheet["detail"].fillna("").tolist() == csv["detail"].tolist()
    timeline = csv["kind"].str.startswith("timeline:")
    assert timeline.any()
    # plain text, not the repr the sheet once showed ("corridors=['all']; intensity=1.0")
    assert not csv.loc[timeline, "detail"].str.contains(r"corridors=|intensity=").any()


def test_the_definitions_sheet_says_what_days_of_cover_divides(runs: dict[str, Any]) -> None:
    from simfuel.labels import COVER_DEFINITION

    result, path = runs["plain"]
    rows = _sheet(path, "definitions")
    assert rows[0] == ("column", "unit", "meaning")
    meaning = {r[0]: (r[1], r[2]) for r in rows[1:]}
    # Every daily column has a row, and cover is the caption's definition, not a bare label.
    assert set(meaning) == set(result.daily.columns)
    assert meaning["days_of_cover"] == ("days", COVER_DEFINITION)
    assert meaning["stock_l"][0] == "L" and "stock" in meaning["stock_l"][1]
