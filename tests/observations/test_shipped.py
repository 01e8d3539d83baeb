"""The shipped Mali 2025 incident table, and the format document that describes it."""

from __future__ import annotations

import pandas as pd

import simfuel
from simfuel.observations import (
    ESCORT_VALUES,
    INCIDENT_COLUMNS,
    check_against,
    cumulative_losses,
    shipped_incidents,
    validate_incidents,
)
from tests.helpers import ROOT
from tests.observations.conftest import row


def test_shipped_table_loads_with_the_documented_columns(table: pd.DataFrame) -> None:
    assert shipped_incidents() == ["mali-2025"]
    assert list(table.columns) == [c.name for c in INCIDENT_COLUMNS]
    assert table.attrs["source"] == "simfuel/data/incidents_mali_2025.csv"
    assert pd.api.types.is_datetime64_any_dtype(table["date"])
    for col in ("destroyed_low", "destroyed_high", "captured", "convoy_size"):
        assert str(table[col].dtype) == "Int64", col
    assert len(table) == 7
    assert table["id"].is_unique


def test_shipped_table_validates_again_unchanged(table: pd.DataFrame) -> None:
    again = validate_incidents(table)
    pd.testing.assert_frame_equal(again, table)


def test_shipped_rows_are_2025_with_low_at_most_high_and_a_source(table: pd.DataFrame) -> None:
    assert (table["date"].dt.year == 2025).all()
    both = table["destroyed_low"].notna() & table["destroyed_high"].notna()
    assert both.sum() >= 4
    assert (table.loc[both, "destroyed_low"] <= table.loc[both, "destroyed_high"]).all()
    assert (table["source"].str.len() > 0).all()
    assert set(table["escort"]) <= set(ESCORT_VALUES)
    assert table["date"].is_monotonic_increasing


def test_shipped_figures_are_the_reported_ones(table: pd.DataFrame) -> None:
    sep14 = row(table, "kaniera-lakamane-14sep")
    assert (sep14["destroyed_low"], sep14["destroyed_high"]) == (20, 40)  # RFI, union
    assert sep14["convoy_size"] == 80
    assert "80" in sep14["note"]  # the JNIM claim is a note, not a figure
    assert (sep14["corridor"], sep14["leg_from"], sep14["leg_to"]) == (
        "dakar_rn1",
        "kayes",
        "diema",
    )
    oct22 = row(table, "attack-22oct")
    assert oct22["destroyed_low"] == 37 and pd.isna(oct22["destroyed_high"])  # "at least 37"
    assert oct22["corridor"] == ""  # not reported
    for key in ("sikasso-6sep", "didieni-kolokani-13sep"):  # attacks with no count
        assert pd.isna(row(table, key)["destroyed_low"]), key
        assert pd.isna(row(table, key)["destroyed_high"]), key
    assert not table["captured"].fillna(0).gt(0).any()  # nobody reported seizures
    assert not table["derived"].drop(index=table.index[table["id"] == "kayes-weekends-6sep"]).any()


def test_incident_free_convoys_are_rows_with_zero(table: pd.DataFrame) -> None:
    zero = table[(table["destroyed_low"] == 0) & (table["destroyed_high"] == 0)]
    assert list(zero["date"].dt.strftime("%m-%d")) == ["09-10", "11-06"]
    assert set(zero["escort"]) == {"ground"}
    assert (zero["captured"] == 0).all()


def test_the_ap_aggregate_is_not_counted_twice(table: pd.DataFrame) -> None:
    """About 100 near Kayes over two weekends, the 14 Sep attack included."""
    agg = row(table, "kayes-weekends-6sep")
    sep14 = row(table, "kaniera-lakamane-14sep")
    assert bool(agg["derived"])
    assert agg["destroyed_low"] + sep14["destroyed_high"] == 100
    assert agg["destroyed_high"] + sep14["destroyed_low"] == 100
    cum = cumulative_losses(table)
    by_14 = cum.loc["2025-09-14"]
    assert by_14["cum_low"] <= 100 <= by_14["cum_high"]


def test_shipped_table_fits_the_mali_scenario(
    table: pd.DataFrame, scenario: simfuel.Scenario
) -> None:
    assert check_against(table, scenario) == []


def test_format_doc_lists_the_schema() -> None:
    doc = (ROOT / "docs" / "incidents-format.md").read_text(encoding="utf-8")
    for c in INCIDENT_COLUMNS:
        line = f"| `{c.name}` | {c.type} | {'yes' if c.required else 'no'} | {c.meaning} |"
        assert line in doc, f"docs/incidents-format.md: row of {c.name} out of date"
