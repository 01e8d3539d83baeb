"""Signals tables: the shipped Mali table, the format's rules, and one line per problem."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pandas as pd
import pytest

import simfuel
from simfuel.errors import InputError
from simfuel.observations import (
    SIGNAL_COLUMNS,
    SIGNALS,
    SignalsError,
    shipped_signals,
    signals,
    validate_signals,
)
from tests.helpers import ROOT

HEADER = "id,date,place,signal,value,low,high,unit,source"
GOOD = "a,2025-09-15,,days_of_cover,14,10,18,days,Reuters"
SHIPPED = ROOT / "simfuel" / "data" / "signals_mali_2025.csv"


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "signals.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def error_lines(path: Path, scenario: simfuel.Scenario | None = None) -> list[str]:
    with pytest.raises(SignalsError) as info:
        signals(path, scenario=scenario)
    assert isinstance(info.value, InputError)
    lines = str(info.value).splitlines()
    assert all(line.startswith(f"{path}: ") for line in lines), lines
    return [line[len(f"{path}: ") :] for line in lines]


# ---------------------------------------------------------------- the shipped table


def test_the_shipped_table_loads_against_its_scenario(scenario: simfuel.Scenario) -> None:
    assert "mali-2025" in shipped_signals()
    table = signals("mali-2025", scenario=scenario)
    assert list(table.columns) == [c.name for c in SIGNAL_COLUMNS]
    assert (table["date"] < pd.Timestamp("2025-10-01")).all()  # before October only
    assert table["source"].str.len().gt(0).all()
    assert table.attrs["source_sha256"] == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
    by_id = table.set_index("id")
    onset = by_id.loc["rationing-within-days-3sep"]
    assert (onset["signal"], onset["date"], onset["low"], onset["high"]) == (
        "rationing_started",
        pd.Timestamp("2025-09-03"),
        0.0,
        7.0,
    )
    assert by_id.loc["mopti-drastic-drop-21sep", "signal"] == "shortage"
    assert by_id.loc["stocks-two-weeks-15sep", "value"] == 14.0
    caps = by_id[by_id["signal"] == "price_cap"]
    assert sorted(caps["value"]) == [725.0, 775.0]
    assert set(caps["source"]) == {"Kaweru"}


def test_a_validated_table_validates_again_unchanged() -> None:
    table = signals("mali-2025")
    pd.testing.assert_frame_equal(validate_signals(table, source=table.attrs["source"]), table)


def test_every_signal_is_in_the_docs() -> None:
    doc = (ROOT / "docs" / "signals-format.md").read_text(encoding="utf-8")
    missing = [name for name in SIGNALS if f"`{name}`" not in doc]
    missing += [c.name for c in SIGNAL_COLUMNS if f"`{c.name}`" not in doc]
    assert missing == []


# ---------------------------------------------------------------- the rules


def test_a_single_figure_is_an_exact_range_and_one_bound_stays_open(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER,
        "a,2025-09-15,,days_of_cover,14,,,days,R",
        "b,2025-09-15,,days_of_cover,,10,,,R",
        "c,2025-09-15,,rationing,yes,,,,R",
        "d,2025-09-15,,price,,1500,2000,FCFA/L,R",
    )
    table = signals(path)
    assert (table.loc[0, "low"], table.loc[0, "high"]) == (14.0, 14.0)
    assert table.loc[1, "low"] == 10.0 and math.isnan(table.loc[1, "high"])
    assert table.loc[1, "unit"] == "days"  # filled with the signal's own
    assert (table.loc[2, "value"], table.loc[2, "low"], table.loc[2, "high"]) == (1.0, 1.0, 1.0)
    assert table.loc[3, "unit"] == "FCFA/L"


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        (
            "b,15/09/2025,,rationing,1,,,,R",
            "row 2, date: must be a date YYYY-MM-DD (got '15/09/2025')",
        ),
        (
            "b,2025-09-15,,rationoing,1,,,,R",
            "row 2, signal: unknown signal 'rationoing'; did you mean 'rationing'?",
        ),
        ("b,2025-09-15,,days_of_cover,,18,10,,R", "row 2, high: must be >= low (18), got 10"),
        ("b,2025-09-15,,days_of_cover,20,10,18,,R", "row 2, value: 20 is above high (18)"),
        (
            "b,2025-09-15,,days_of_cover,-1,,,,R",
            "row 2, value: must be >= 0 for days_of_cover (got -1)",
        ),
        (
            "b,2025-09-15,,days_of_cover,inf,,,,R",
            "row 2, value: must be a finite number, or blank (got 'inf')",
        ),
        (
            "b,2025-09-15,,days_of_cover,nan,,,,R",
            "row 2, value: must be a finite number, or blank (got 'nan')",
        ),
        (
            "b,2025-09-15,,days_of_cover,about 3,,,,R",
            "row 2, value: must be a number, or blank (got 'about 3')",
        ),
        ("b,2025-09-15,,days_of_cover,,,,,R", "row 2, value: no value, low or high"),
        (
            "b,2025-09-15,,served_share,1.5,,,,R",
            "row 2, value: must be <= 1 for served_share (got 1.5)",
        ),
        (
            "b,2025-09-15,,rationing,2,,,,R",
            "row 2, value: must be 1 (true) or 0 (false) for rationing (got 2)",
        ),
        ("b,2025-09-15,,rationing,,,,,R", "row 2, value: required for rationing"),
        (
            "b,2025-09-15,,rationing,1,0,,,R",
            "row 2, low: must be blank or equal to value for a flag (got 0)",
        ),
        (
            "b,2025-09-15,,days_of_cover,3,,,hours,R",
            "row 2, unit: must be 'days' for days_of_cover, or blank (got 'hours')",
        ),
        ("b,2025-09-15,,price_cap,725,,,,R", "row 2, unit: required for price_cap"),
        (
            "b,2025-09-15,,days_of_cover,3,,,,",
            "row 2, source: blank: name the outlet that reported it",
        ),
        ("a,2025-09-15,,days_of_cover,3,,,,R", "row 2, id: 'a' already used in row 1"),
    ],
)
def test_bad_rows_are_named_by_file_row_and_column(
    tmp_path: Path, bad_row: str, expected: str
) -> None:
    lines = error_lines(write(tmp_path, HEADER, GOOD, bad_row))
    assert len(lines) == 1, lines
    assert lines[0].startswith(expected), lines[0]


def test_every_problem_is_found_before_raising(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER,
        "a,2025-13-01,,days_of_cover,3,,,,R",
        "b,2025-09-15,,stockout,7,,,,",
    )
    assert error_lines(path) == [
        "row 1, date: must be a date YYYY-MM-DD (got '2025-13-01')",
        "row 2, value: must be 1 (true) or 0 (false) for stockout (got 7)",
        "row 2, source: blank: name the outlet that reported it",
    ]


def test_missing_columns_are_named_with_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, "date,signl,value", "2025-09-15,rationing,1")
    assert error_lines(path) == [
        "column signal: required column missing (did you mean 'signl'?)",
        "column source: required column missing",
    ]


def test_against_a_scenario_places_and_dates_are_checked(
    tmp_path: Path, scenario: simfuel.Scenario
) -> None:
    path = write(
        tmp_path,
        HEADER,
        "a,2025-09-15,bamko,rationing,1,,,,R",
        "b,2026-01-15,bamako,rationing,1,,,,R",
        "c,2025-09-15,gao,rationing,1,,,,R",
    )
    signals(path)  # no scenario: no such checks
    lines = error_lines(path, scenario)
    assert lines[0].startswith("row 1, place: unknown place 'bamko'; did you mean 'bamako'?")
    assert lines[1] == (
        "row 2, date: 2026-01-15 is outside the scenario's horizon (2025-08-01 to 2025-11-30)"
    )
    assert lines[2].startswith("row 3, place: unknown place 'gao'")
    assert "leave it blank and name the town in location" in lines[2]


def test_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nor a shipped signals table"):
        signals(tmp_path / "nope.csv")
    with pytest.raises(SignalsError, match="is not a regular file"):
        signals(tmp_path)
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(b"date,signal,source\n2025-09-15,rationing,\xe9\n")
    with pytest.raises(SignalsError, match="is not UTF-8 text"):
        signals(bad)
