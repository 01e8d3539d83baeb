"""Outputs analysts pass on: rounded CSVs, the Excel workbook, the GeoJSON map (issue 13 §6)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.cli import main
from simfuel.results import LITRE_DECIMALS, OTHER_DECIMALS, column_unit
from tests.helpers import ROOT, tiny_scenario

ISO_SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")
ISO_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")
NUMBER = re.compile(r"^-?\d+(\.(\d+))?$")


@pytest.fixture(scope="module")
def mali() -> simfuel.RunResult:
    """The shipped scenario: attacks (scripted too), warm-up convoys, fractional litres."""
    return simfuel.run(simfuel.load_scenario("mali-2025"), seed=1)


@pytest.fixture(scope="module")
def mali_csv(mali, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("csv")
    mali.to_csv(out)
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------------- CSV


@pytest.mark.parametrize("table", ["daily", "convoys", "events"])
def test_csv_fields_are_no_longer_than_their_rounding(mali_csv, table):
    """No 17-digit floats: litres keep 1 decimal, hours and days 3; times to the second."""
    rows = _rows(mali_csv / f"{table}.csv")
    assert rows
    for row in rows:
        for col, text in row.items():
            if col in ("time", "formed", "departed", "ended"):
                assert text == "" or ISO_SECONDS.match(text), (table, col, text)
            elif col == "date":
                assert ISO_DAY.match(text), (table, col, text)
            elif (m := NUMBER.match(text)) and m.group(2):
                most = LITRE_DECIMALS if column_unit(col) == "L" else OTHER_DECIMALS
                assert len(m.group(2)) <= most, (table, col, text)
                assert text != "-0.0", (table, col)


def test_summary_json_numbers_are_rounded_like_the_tables(mali_csv):
    summary = json.loads((mali_csv / "summary.json").read_text(encoding="utf-8"))["summary"]
    floats = {k: v for k, v in summary.items() if isinstance(v, float)}
    assert floats, "no float in summary.json to check"
    for key, value in floats.items():
        decimals = NUMBER.match(repr(value)).group(2) or ""
        most = LITRE_DECIMALS if column_unit(key) == "L" else OTHER_DECIMALS
        assert len(decimals) <= most, (key, value)


def test_csv_round_trips_the_values_and_the_balance(mali, mali_csv):
    daily = pd.read_csv(mali_csv / "daily.csv", index_col="date", parse_dates=True)
    assert list(daily.index) == list(mali.daily.index)
    for col in mali.daily.columns:
        written, exact = daily[col].to_numpy(), mali.daily[col].to_numpy()
        if mali.daily[col].dtype.kind in "iub":
            np.testing.assert_array_equal(written, exact, err_msg=col)
        else:
            tol = 0.5 * 10.0 ** -(LITRE_DECIMALS if col.endswith("_l") else OTHER_DECIMALS)
            np.testing.assert_allclose(written, exact, rtol=0, atol=tol * 1.0001, err_msg=col)
    # The integer flows balance to the litre, as check_balance demands of the table.
    loaded = daily["loaded_l"].cumsum()
    accounted = (
        daily[["delivered_l", "destroyed_l", "captured_l"]].cumsum().sum(axis=1)
        + daily["in_transit_l"]
        + daily["queued_l"]
    )
    assert (loaded == accounted).all()
    # The depot, day by day, within the rounding of the four values (0.05 L each).
    depot = mali.scenario.depot
    held = daily["stock_l"] + daily["reserve_l"]
    before = held.shift(1, fill_value=depot.initial_stock_l + depot.reserve_l)
    # mali-2025's depot also loads tankers out to Ségou (secondary distribution), a column
    # of the places table, not of daily.csv.
    out = mali.at(depot.place)["loaded_out_l"].to_numpy()
    gap = held - (before + daily["delivered_l"] - daily["served_l"] - out)
    assert gap.abs().max() <= 4 * 0.05 + 1e-6


def test_csv_times_agree_with_the_hours(mali_csv, mali):
    convoys = pd.read_csv(mali_csv / "convoys.csv", parse_dates=["formed", "departed", "ended"])
    start = pd.Timestamp(mali.scenario.start)
    for col in ("formed", "departed", "ended"):
        hours = (convoys[col] - start) / pd.Timedelta(hours=1)
        ok = convoys[col].notna()
        assert (hours[ok] - convoys.loc[ok, f"{col}_h"]).abs().max() < 1 / 3600 + 1e-3


def test_convoys_csv_marks_the_warm_up(mali, mali_csv):
    convoys = pd.read_csv(mali_csv / "convoys.csv")
    assert convoys["warmup"].dtype == bool
    np.testing.assert_array_equal(convoys["warmup"], convoys["departed_h"] < 0)
    assert convoys["warmup"].any() and not convoys["warmup"].all()
    # What summary()["convoys"] counts: the convoys that departed from start on, on the
    # corridors into each stock (summary_by_place: the depot's and the towns').
    assert (~convoys["warmup"]).sum() == mali.summary_by_place()["convoys"].sum()
    # Warm-up rows stay: their losses are in the daily table's balance.
    assert len(convoys) == len(mali.convoys)


# ---------------------------------------------------------------------- Excel


@pytest.fixture(scope="module")
def workbook(mali, tmp_path_factory):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path_factory.mktemp("xlsx") / "sub" / "run.xlsx"
    assert mali.to_excel(path) == path
    return path, openpyxl.load_workbook(path)


def test_excel_has_a_sheet_per_table_with_units_in_headers(workbook, mali):
    path, wb = workbook
    assert wb.sheetnames == [
        "summary",
        "daily",
        "convoys",
        "events",
        "places",
        "definitions",
    ]  # mali: three stocks
    assert [p.name for p in path.parent.iterdir()] == ["run.xlsx"]  # no temporary file left
    headers = {ws.title: [c.value for c in ws[1]] for ws in wb}
    assert headers["summary"] == ["metric", "value", "unit"]
    assert headers["daily"][:3] == ["date", "stock_l [L]", "days_of_cover [days]"]
    assert "tankers_waiting [tankers]" in headers["daily"]
    assert "rationing" in headers["daily"]  # a flag: no unit
    assert {"warmup", "destroyed [tankers]", "escort_wait_h [h]", "formed"} <= set(
        headers["convoys"]
    )
    assert {"time", "t_h [h]", "litres [L]"} <= set(headers["events"])
    assert wb["daily"].max_row == len(mali.daily) + 1
    assert wb["convoys"].max_row == len(mali.convoys) + 1
    assert wb["events"].max_row == len(mali.events) + 1


def test_excel_values_are_rounded_and_dates_are_iso_date_cells(workbook, mali):
    _, wb = workbook
    daily = wb["daily"]
    first = daily["A2"]
    assert first.value == dt.datetime.combine(mali.scenario.start, dt.time())
    assert first.number_format == "YYYY-MM-DD"
    formed = wb["convoys"].cell(
        row=2, column=[c.value for c in wb["convoys"][1]].index("formed") + 1
    )
    assert isinstance(formed.value, dt.datetime) and formed.value.microsecond == 0
    assert formed.number_format == "YYYY-MM-DD HH:MM:SS"
    for ws in (daily, wb["convoys"], wb["events"]):
        names = [str(c.value).split(" [")[0] for c in ws[1]]
        for row in ws.iter_rows(min_row=2, values_only=True):
            for name, value in zip(names, row, strict=True):
                if isinstance(value, float):
                    most = LITRE_DECIMALS if column_unit(name) == "L" else OTHER_DECIMALS
                    assert value == round(value, most), (ws.title, name, value)
    summary = {r[0]: r[1:] for r in wb["summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["scenario"][0] == "mali-2025"
    assert summary["delivered_l"] == (mali.summary()["delivered_l"], "L")
    assert summary["min_days_of_cover"][0] == round(mali.summary()["min_days_of_cover"], 3)
    first_rationing = summary["first_rationing"][0]
    assert first_rationing.date() == mali.summary()["first_rationing"]


def test_excel_text_that_looks_like_a_formula_stays_text(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    sc = tiny_scenario()
    sc["name"] = "=HYPERLINK(1)"
    path = simfuel.run(sc, seed=1).to_excel(tmp_path / "run.xlsx")
    cell = openpyxl.load_workbook(path)["summary"]["B2"]
    assert cell.value == "=HYPERLINK(1)"
    assert cell.data_type == "s"


def test_excel_write_that_fails_leaves_the_old_workbook(tmp_path, monkeypatch):
    pytest.importorskip("openpyxl")
    result = simfuel.run(tiny_scenario(), seed=1)
    path = result.to_excel(tmp_path / "run.xlsx")
    before = path.read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_excel", full_disk)
    with pytest.raises(OSError, match="No space"):
        result.to_excel(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["run.xlsx"]


def test_excel_without_openpyxl_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if not installed
    result = simfuel.run(tiny_scenario(), seed=1)
    with pytest.raises(ImportError, match=re.escape("pip install 'simfuel[excel]'")):
        result.to_excel(tmp_path / "run.xlsx")
    assert not list(tmp_path.iterdir())


def test_cli_format_xlsx_without_openpyxl_exits_2_naming_the_extra(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    code = main(["run", "mali-2025", "--format", "xlsx", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert "simfuel[excel]" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()  # refused before any work


def test_cli_format_xlsx_writes_one_workbook(tmp_path, capsys):
    pytest.importorskip("openpyxl")
    out = tmp_path / "o"
    sc = tmp_path / "tiny.yaml"
    sc.write_text(json.dumps(tiny_scenario()))  # JSON is YAML
    assert main(["run", str(sc), "--format", "xlsx", "--out", str(out)]) == 0
    assert [p.name for p in out.iterdir()] == ["run.xlsx"]
    assert f"wrote {out / 'run.xlsx'}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--reps", "2", "--out", "o"], "--format xlsx is for one run"),
        ([], "--format xlsx needs --out DIR"),
    ],
)
def test_cli_format_xlsx_refuses_what_it_cannot_write(extra, message, tmp_path, capsys):
    extra = [str(tmp_path / a) if a == "o" else a for a in extra]
    assert main(["run", "mali-2025", "--format", "xlsx", *extra]) == 2
    assert message in capsys.readouterr().err


# ---------------------------------------------------------------------- GeoJSON


@pytest.fixture(scope="module")
def geo(mali, tmp_path_factory) -> dict:
    path = mali.to_geojson(tmp_path_factory.mktemp("geo") / "run.geojson")
    return json.loads(path.read_text(encoding="utf-8"))


def _layer(doc: dict, name: str) -> list[dict]:
    return [f for f in doc["features"] if f["properties"]["layer"] == name]


def test_geojson_is_a_feature_collection_in_lon_lat(geo):
    assert geo["type"] == "FeatureCollection"
    assert {f["properties"]["layer"] for f in geo["features"]} == {"place", "leg", "attack"}
    for f in geo["features"]:
        assert f["type"] == "Feature"
        g = f["geometry"]
        points = [g["coordinates"]] if g["type"] == "Point" else g["coordinates"]
        assert g["type"] in ("Point", "LineString")
        for lon, lat in points:
            assert -180 <= lon <= 180 and -90 <= lat <= 90
            # Mali and its neighbours: west of Greenwich, north of the equator (lon, lat).
            assert -20 < lon < 5 and 4 < lat < 25


def test_geojson_places_and_legs_match_the_scenario(geo, mali):
    sc = mali.scenario
    places = {f["properties"]["key"]: f for f in _layer(geo, "place")}
    assert set(places) == set(sc.places)
    for key, p in sc.places.items():
        assert places[key]["geometry"]["coordinates"] == [p.lon, p.lat]
    assert "depot" in places[sc.depot.place]["properties"]["role"]
    legs = _layer(geo, "leg")
    assert len(legs) == sum(len(c.legs) for c in sc.corridors.values())
    for f in legs:
        prop = f["properties"]
        leg = sc.corridors[prop["corridor"]].legs[prop["leg"]]
        a, b = sc.places[leg.from_], sc.places[leg.to]
        assert f["geometry"]["coordinates"] == [[a.lon, a.lat], [b.lon, b.lat]]
        assert (prop["from"], prop["to"], prop["risk"]) == (leg.from_, leg.to, leg.risk)
    # Exposed legs: from the staging point on, the only ones attacks happen on.
    assert all(f["properties"]["exposed"] for f in legs if f["properties"]["attacks"])
    attacks = mali.summary_by_place()["attacks"].sum()  # every stock's corridors
    assert sum(f["properties"]["attacks"] for f in legs) == attacks


def test_geojson_attacks_sit_mid_leg_with_their_losses(geo, mali):
    sc = mali.scenario
    attacks = _layer(geo, "attack")
    events = mali.events[mali.events["kind"] == "attacked"]
    assert len(attacks) == len(events) == mali.summary_by_place()["attacks"].sum() > 0
    for f in attacks:
        prop = f["properties"]
        a, b = sc.places[prop["leg_from"]], sc.places[prop["leg_to"]]
        lon, lat = f["geometry"]["coordinates"]
        assert math.isclose(lon, (a.lon + b.lon) / 2, abs_tol=1e-6)
        assert math.isclose(lat, (a.lat + b.lat) / 2, abs_tol=1e-6)
        assert prop["destroyed"] + prop["captured"] == prop["tankers_lost"]
        assert ISO_SECONDS.match(prop["time"])
    by_place = mali.summary_by_place()  # every stock's corridors
    lost = sum(f["properties"]["tankers_lost"] for f in attacks)
    assert lost == by_place["tankers_lost"].sum()
    assert sum(f["properties"]["captured"] for f in attacks) == by_place["tankers_captured"].sum()
    scripted = [f for f in attacks if f["properties"]["scripted"]]
    assert any(f["properties"]["tankers_lost"] == 37 for f in scripted)  # 22 October


# ---------------------------------------------------------------------- extras and README


def _extras() -> dict[str, list[str]]:
    tomllib = pytest.importorskip("tomllib")
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]["optional-dependencies"]


def test_extras_for_excel_and_notebooks():
    extras = _extras()
    assert [r.split(">")[0] for r in extras["excel"]] == ["openpyxl"]
    assert {r.split(">")[0] for r in extras["notebooks"]} == {"jupyterlab", "ipywidgets"}
    assert "excel" in extras["dev"][0]  # CI tests the workbook


def test_readme_says_how_to_install_jupyter():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'pip install "simfuel[notebooks]"' in text
    assert "### Outputs" in text
