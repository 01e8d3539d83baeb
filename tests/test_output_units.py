"""Written outputs carry the main commodity's unit and words, not litres of fuel (issue 10).

The column names (``stock_l``, ``delivered_l``) are the stable API and keep their ``_l``;
the unit beside them (the workbook's ``unit`` column and ``[unit]`` headers, the
ensemble CSVs' ``unit`` column) is that of the main commodity, and the workbook's
definitions speak of it by name. lachin-2022-2023 ships its supplies in tonnes by truck;
mali-2025 is fuel in litres by tanker and keeps ``L``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import simfuel

openpyxl = pytest.importorskip("openpyxl")


def _sheet(path: Path, name: str) -> pd.DataFrame:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def _book(name: str, out: Path) -> Path:
    return simfuel.run(simfuel.load_scenario(name), seed=0).to_excel(out / f"{name}.xlsx")


def _csvs(name: str, out: Path) -> dict[str, Path]:
    scenario = simfuel.load_scenario(name)
    ensemble = simfuel.run_ensemble(scenario, 2, seed=1, workers=1, progress=False)
    return ensemble.to_csv(out / name)


@pytest.fixture(scope="module")
def lachin_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _book("lachin-2022-2023", tmp_path_factory.mktemp("units"))


@pytest.fixture(scope="module")
def lachin_csvs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _csvs("lachin-2022-2023", tmp_path_factory.mktemp("units"))


def test_the_tonnes_scenario_is_in_tonnes_by_truck() -> None:
    vocab = simfuel.load_scenario("lachin-2022-2023").vocabulary
    assert (vocab.unit, vocab.vehicles, vocab.commodity) == ("t", "trucks", "supplies")


def test_workbook_summary_is_in_tonnes(lachin_book: Path) -> None:
    units = _sheet(lachin_book, "summary").set_index("metric")["unit"]
    for metric in ("loaded_l", "delivered_l", "shortfall_l", "final_stock_l"):
        assert units[metric] == "t", metric
    assert units["tankers_lost"] == "trucks"
    assert "L" not in set(units) and "tankers" not in set(units)


def test_workbook_headers_are_in_tonnes(lachin_book: Path) -> None:
    headers = [str(c) for c in _sheet(lachin_book, "daily").columns]
    assert "stock_l [t]" in headers and "served_l [t]" in headers
    assert "tankers_waiting [trucks]" in headers
    for sheet in ("convoys", "events"):
        headers += [str(c) for c in _sheet(lachin_book, sheet).columns]
    assert "capacity_l [t]" in headers and "litres [t]" in headers
    assert not [h for h in headers if "[L]" in h or "[tankers]" in h]


def test_workbook_definitions_name_the_commodity(lachin_book: Path) -> None:
    rows = _sheet(lachin_book, "definitions").set_index("column")
    assert rows.loc["stock_l", "unit"] == rows.loc["served_l", "unit"] == "t"
    assert rows.loc["served_l", "meaning"] == "supplies served"
    assert "L" not in set(rows["unit"])
    assert not [m for m in rows["meaning"] if "fuel" in str(m) or "tanker" in str(m)]


def test_ensemble_csvs_are_in_tonnes(lachin_csvs: dict[str, Path]) -> None:
    bands = pd.read_csv(lachin_csvs["bands"])
    units = bands.groupby("field")["unit"].first()
    assert units["stock_l"] == units["delivered_l"] == "t"
    assert units["tankers_waiting"] == "trucks"
    assert not {"L", "tankers"} & set(bands["unit"])
    summary = pd.read_csv(lachin_csvs["summary"], index_col="metric")["unit"]
    assert summary["loaded_l"] == summary["final_stock_l"] == "t"
    assert not {"L", "tankers"} & set(summary)


def test_fuel_outputs_stay_in_litres(tmp_path: Path) -> None:
    book = _book("mali-2025", tmp_path)
    summary = _sheet(book, "summary").set_index("metric")["unit"]
    assert summary["delivered_l"] == "L" and summary["tankers_lost"] == "tankers"
    assert "stock_l [L]" in _sheet(book, "daily").columns
    rows = _sheet(book, "definitions").set_index("column")
    assert rows.loc["served_l", "unit"] == "L"
    assert rows.loc["served_l", "meaning"] == "fuel served"
    paths = _csvs("mali-2025", tmp_path)
    bands = pd.read_csv(paths["bands"]).groupby("field")["unit"].first()
    assert bands["stock_l"] == "L" and bands["tankers_waiting"] == "tankers"
    assert pd.read_csv(paths["summary"], index_col="metric")["unit"]["loaded_l"] == "L"
