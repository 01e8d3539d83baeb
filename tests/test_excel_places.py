"""The workbook holds every place with stock, as places.csv does, not only the main one.

Its ``daily`` sheet is the main destination's; a scenario with several places with stock
also gets a ``places`` sheet, the long table of ``places.csv`` (a place and a commodity
column), whose quantities are headed with their unit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import simfuel
from tests.helpers import tiny_scenario

openpyxl = pytest.importorskip("openpyxl")


def _sheet(path: Path, name: str) -> pd.DataFrame:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.fixture(scope="module")
def tutorial(tmp_path_factory: pytest.TempPathFactory) -> tuple[simfuel.RunResult, Path, Path]:
    out = tmp_path_factory.mktemp("places")
    run = simfuel.run(simfuel.load_scenario("tutorial-network"), seed=0)
    return run, run.to_excel(out / "run.xlsx"), run.to_csv(out / "csv")["places"]


def test_the_places_sheet_is_places_csv(tutorial: tuple[simfuel.RunResult, Path, Path]) -> None:
    run, book, csv_path = tutorial
    assert "places" in openpyxl.load_workbook(book).sheetnames
    sheet = _sheet(book, "places")
    csv = pd.read_csv(csv_path)
    assert [str(c).split(" [")[0] for c in sheet.columns] == list(csv.columns)
    assert len(sheet) == len(csv) == len(run.places)
    assert set(zip(sheet["place"], sheet["commodity"], strict=True)) == set(run.stock_keys)
    assert [d.isoformat()[:10] for d in sheet["date"]] == csv["date"].tolist()
    for column in ("stock_l [unit]", "shortfall_l [unit]", "days_of_cover [days]"):
        name = column.split(" [")[0]
        pd.testing.assert_series_equal(
            sheet[column].astype(float), csv[name].astype(float), check_names=False
        )


def test_mixed_units_are_headed_by_the_unit_column(
    tutorial: tuple[simfuel.RunResult, Path, Path],
) -> None:
    _, book, _ = tutorial
    sheet = _sheet(book, "places")
    assert "stock_l [unit]" in sheet.columns and "stock_l [L]" not in sheet.columns
    food = sheet[sheet["commodity"] == "food"]
    assert not food.empty and set(food["unit"]) == {"t"}
    rows = _sheet(book, "definitions").set_index("column")
    assert {"place", "commodity", "unit", "loaded_out_l"} <= set(rows.index)
    assert "row" in rows.loc["unit", "meaning"]


def test_a_network_in_litres_heads_them_in_litres(tmp_path: Path) -> None:
    run = simfuel.run(simfuel.load_scenario("mali-2025"), seed=0)
    sheet = _sheet(run.to_excel(tmp_path / "mali.xlsx"), "places")
    assert "stock_l [L]" in sheet.columns
    assert set(sheet["place"]) == set(run.place_keys) and len(run.place_keys) > 1


def test_one_place_gets_no_places_sheet_as_it_gets_no_places_csv(tmp_path: Path) -> None:
    run = simfuel.run(tiny_scenario(), seed=0)
    book = run.to_excel(tmp_path / "tiny.xlsx")
    assert "places" not in openpyxl.load_workbook(book).sheetnames
    assert "places" not in run.to_csv(tmp_path / "csv")
