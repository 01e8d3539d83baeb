"""Malformed incident tables: every problem named by file, row and column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simfuel.errors import InputError
from simfuel.observations import (
    INCIDENT_COLUMNS,
    IncidentsError,
    incidents,
    validate_incidents,
)

HEADER = "id,date,corridor,destroyed_low,destroyed_high,captured,convoy_size,escort,derived,source"
GOOD = "a,2025-09-14,dakar_rn1,20,40,,80,ground,false,RFI"


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "incidents.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def error_lines(path: Path) -> list[str]:
    with pytest.raises(IncidentsError) as info:
        incidents(path)
    assert isinstance(info.value, InputError)
    assert info.value.source == str(path)
    lines = str(info.value).splitlines()
    assert all(line.startswith(f"{path}: ") for line in lines), lines
    return [line[len(f"{path}: ") :] for line in lines]


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        ("b,14/09/2025,dakar_rn1,1,1,,,none,false,AP", "row 2, date: must be a date YYYY-MM-DD"),
        ("b,2025-02-30,dakar_rn1,1,1,,,none,false,AP", "row 2, date: must be a date"),
        ("b,,dakar_rn1,1,1,,,none,false,AP", "row 2, date: must be a date YYYY-MM-DD (got blank)"),
        (
            "b,2025-09-15,dakar_rn1,-3,1,,,none,false,AP",
            "row 2, destroyed_low: must be >= 0 (got -3)",
        ),
        ("b,2025-09-15,dakar_rn1,1,1,-1,,none,false,AP", "row 2, captured: must be >= 0 (got -1)"),
        (
            "b,2025-09-15,dakar_rn1,2.5,3,,,none,false,AP",
            "row 2, destroyed_low: must be a whole number",
        ),
        (
            "b,2025-09-15,dakar_rn1,about 5,,,,none,false,AP",
            "row 2, destroyed_low: must be a whole number",
        ),
        (
            "b,2025-09-15,dakar_rn1,20,10,,,none,false,AP",
            "row 2, destroyed_high: must be >= destroyed_low (20), got 10",
        ),
        ("b,2025-09-15,dakar_rn1,,10,,,none,false,AP", "row 2, destroyed_high: given (10) without"),
        (
            "b,2025-09-15,dakar_rn1,1,1,,,army,false,AP",
            "row 2, escort: must be one of none, ground, air, air+ground, escorted, unknown "
            "(got 'army')",
        ),
        ("b,2025-09-15,dakar_rn1,1,1,,,none,maybe,AP", "row 2, derived: must be true or false"),
        ("b,2025-09-15,dakar_rn1,1,1,,,none,false,", "row 2, source: blank"),
        ("a,2025-09-15,dakar_rn1,1,1,,,none,false,AP", "row 2, id: 'a' already used in row 1"),
        (
            "b,2025-09-15,dakar_rn1,8,9,3,10,none,false,AP",
            "row 2, convoy_size: 10 is fewer than the tankers reported lost "
            "(destroyed_low + captured = 11)",
        ),
    ],
)
def test_a_bad_cell_names_file_row_and_column(tmp_path: Path, bad_row: str, expected: str) -> None:
    lines = error_lines(write(tmp_path, HEADER, GOOD, bad_row))
    assert len(lines) == 1, lines
    assert lines[0].startswith(expected), lines[0]


def test_a_missing_column_is_named_with_a_guess(tmp_path: Path) -> None:
    path = write(tmp_path, "date,corridor,destroyed_low,destroyed_hi,outlet", "2025-09-14,x,1,2,AP")
    assert error_lines(path) == [
        "column destroyed_high: required column missing (did you mean 'destroyed_hi'?)",
        "column source: required column missing",
    ]


def test_every_problem_is_reported_at_once_in_row_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER,
        "a,2025-13-01,dakar_rn1,1,1,,,nope,false,AP",
        GOOD.replace("a,", "b,"),
        "c,2025-09-15,dakar_rn1,5,4,,,none,false,",
    )
    assert [line.split(":")[0] for line in error_lines(path)] == [
        "row 1, date",
        "row 1, escort",
        "row 3, destroyed_high",
        "row 3, source",
    ]


def test_minimal_table_with_extra_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "date,corridor,destroyed_low,destroyed_high,source,event_id_cnty, fatalities",
        "2025-09-14,dakar_rn1,20,40,RFI,MLI123,3",
        "2025-10-22,,37,,seed,MLI456,",
    )
    got = incidents(path)
    assert list(got.columns) == [c.name for c in INCIDENT_COLUMNS] + ["event_id_cnty", "fatalities"]
    assert list(got["event_id_cnty"]) == ["MLI123", "MLI456"]
    assert list(got["escort"]) == ["unknown", "unknown"]
    assert got["captured"].isna().all()
    assert not got["derived"].any()
    assert got["destroyed_low"].tolist() == [20, 37]


def test_an_in_memory_table_is_named_as_table() -> None:
    frame = pd.DataFrame(
        {
            "date": ["2025-09-14"],
            "corridor": ["x"],
            "destroyed_low": [-1],
            "destroyed_high": [2],
            "source": ["AP"],
        }
    )
    with pytest.raises(IncidentsError, match=r"^<table>: row 1, destroyed_low: must be >= 0"):
        validate_incidents(frame)


def test_unknown_name_or_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="shipped: mali-2025"):
        incidents("mali-2024")
    with pytest.raises(FileNotFoundError):
        incidents(tmp_path / "absent.csv")


# ---------------------------------------------------------------- flags (bug 3)


@pytest.mark.parametrize("column", ["derived", "aggregate"])
def test_flags_are_read_strictly_as_text(tmp_path: Path, column: str) -> None:
    """The text "false" is truthy in Python: flags must be read, not cast."""
    cells = ["false", "true", "", "No", "YES", "0", "1", " False "]
    expected = [False, True, False, False, True, False, True, False]
    lines = [f"date,corridor,destroyed_low,destroyed_high,{column},source"]
    lines += [f"2025-09-{10 + i},a,1,1,{v},AP" for i, v in enumerate(cells)]
    got = incidents(write(tmp_path, *lines))
    assert got[column].dtype == bool
    assert got[column].tolist() == expected


@pytest.mark.parametrize("bad", ["maybe", "y", "2", "nope"])
def test_a_bad_aggregate_flag_names_row_and_column(tmp_path: Path, bad: str) -> None:
    header = HEADER + ",aggregate"
    lines = error_lines(
        write(tmp_path, header, GOOD + ",false", GOOD.replace("a,", "b,") + f",{bad}")
    )
    assert lines == [
        f"row 2, aggregate: must be true or false (also yes/no, 1/0; blank for false), got {bad!r}"
    ]


def test_typed_flags_in_memory() -> None:
    frame = pd.DataFrame(
        {
            "date": ["2025-09-14"] * 4,
            "corridor": ["x"] * 4,
            "destroyed_low": [1] * 4,
            "destroyed_high": [1] * 4,
            "aggregate": [True, 0, 1.0, None],
            "source": ["AP"] * 4,
        }
    )
    assert validate_incidents(frame)["aggregate"].tolist() == [True, False, True, False]
    frame["aggregate"] = [True, 2, False, False]
    with pytest.raises(IncidentsError, match=r"row 2, aggregate: must be true or false"):
        validate_incidents(frame)


def test_aggregate_is_in_the_schema() -> None:
    spec = {c.name: c for c in INCIDENT_COLUMNS}["aggregate"]
    assert (spec.type, spec.required) == ("bool", False)
