"""ACLED exports as incident tables: the legs events land on, filters, losses, hashes, errors."""

from __future__ import annotations

import hashlib
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import simfuel
from simfuel.errors import InputError
from simfuel.observations import (
    INCIDENT_COLUMNS,
    IncidentsError,
    acled_incidents,
    incidents,
    is_acled,
    tankers_from_notes,
    validate_incidents,
)
from simfuel.observations.acled import distance_to_segment_km
from tests.helpers import ROOT

DATA = Path(__file__).parent / "data"
SYNTHETIC = DATA / "acled_synthetic_mali.csv"
HEADER = "event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,location,latitude,longitude,fatalities,notes,source"  # noqa: E501
# On the Kayes-Diema leg of mali-2025 (14.45,-11.44 to 14.54,-9.19), a few hundred metres off.
ON_LEG = "X1,14 September 2025,Battles,Armed clash,JNIM,Military Forces of Mali,A,14.50,-10.30,3,n,Outlet"  # noqa: E501


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "acled.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def by_id(table: pd.DataFrame) -> dict[str, pd.Series]:
    return {str(r["id"]): r for _, r in table.iterrows()}


# ---------------------------------------------------------------- geometry


def test_distance_to_a_segment_is_the_great_circle_distance_at_small_scale() -> None:
    # 0.1 degree of latitude north of a segment along the equator: R * 0.1 * pi / 180.
    expected = 6371.0088 * math.radians(0.1)
    assert distance_to_segment_km((0.1, 0.5), (0.0, 0.0), (0.0, 1.0)) == pytest.approx(
        expected, rel=1e-9
    )
    # Beyond an end, the distance is to that end (not to the line through it).
    beyond = distance_to_segment_km((0.0, 1.2), (0.0, 0.0), (0.0, 1.0))
    assert beyond == pytest.approx(6371.0088 * math.radians(0.2), rel=1e-3)
    # Across the antimeridian the short way round.
    across = distance_to_segment_km((0.0, 179.95), (0.0, -179.9), (1.0, -179.9))
    assert across == pytest.approx(6371.0088 * math.radians(0.15), rel=1e-3)


def test_longitudes_are_scaled_by_latitude() -> None:
    # At 60 degrees north a degree of longitude is half as long as at the equator.
    at_60 = distance_to_segment_km((60.0, 0.1), (59.0, 0.0), (61.0, 0.0))
    assert at_60 == pytest.approx(6371.0088 * math.radians(0.1) * 0.5, rel=1e-6)


# ---------------------------------------------------------------- the synthetic export


def test_each_event_lands_on_its_nearest_leg_and_far_ones_are_counted(
    scenario: simfuel.Scenario,
) -> None:
    table = acled_incidents(SYNTHETIC, scenario)
    rows = by_id(table)
    assert list(rows) == ["SYN0001", "SYN0002", "SYN0003", "SYN0004", "SYN0006"]
    legs = {k: (r["corridor"], r["leg_from"], r["leg_to"]) for k, r in rows.items()}
    assert legs["SYN0001"] == ("dakar_rn1", "kayes", "diema")
    assert legs["SYN0002"] == ("dakar_rn1", "didieni", "kolokani")
    assert legs["SYN0003"] == ("ci_pogo", "loulouni", "sikasso")
    assert legs["SYN0004"][1:] == ("kati", "bamako")
    assert all(r["distance_km"] < 25 for r in rows.values())
    report = table.attrs["acled_report"]
    assert (report["rows"], report["kept"], report["dropped_far"]) == (6, 5, 1)
    assert report["far_events"][0]["acled_row"] == 5
    # Gao: no modelled road near it (the nearest, Ségou - Mopti, is about 485 km away)
    assert report["far_events"][0]["distance_km"] > 400


def test_the_result_is_an_incident_table_that_validates_unchanged(
    scenario: simfuel.Scenario,
) -> None:
    table = acled_incidents(SYNTHETIC, scenario)
    assert [c.name for c in INCIDENT_COLUMNS] == list(table.columns[: len(INCIDENT_COLUMNS)])
    again = validate_incidents(table, source="x")
    pd.testing.assert_frame_equal(again, table)
    assert simfuel.check_against(table, scenario) == []
    assert table["date"].tolist() == [
        pd.Timestamp(d)
        for d in ("2025-09-14", "2025-09-13", "2025-09-06", "2025-09-20", "2025-09-22")
    ]  # "14 September 2025" and the API's ISO "2025-09-20" alike
    assert set(table["source"]) >= {"ACLED (Synthetic Outlet One)"}


def test_tankers_are_read_from_clear_phrases_only(scenario: simfuel.Scenario) -> None:
    rows = by_id(acled_incidents(SYNTHETIC, scenario))
    one = rows["SYN0001"]  # "a convoy of 80 fuel tankers; 20 tankers were burned"
    assert (one["destroyed_low"], one["destroyed_high"], one["convoy_size"]) == (20, 20, 80)
    three = rows["SYN0003"]  # "burned at least 12 tankers"
    assert three["destroyed_low"] == 12 and three["destroyed_high"] is pd.NA
    two = rows["SYN0002"]  # no figure: the loss stays missing, never 0
    assert two["destroyed_low"] is pd.NA and two["destroyed_high"] is pd.NA
    assert "no tanker count in notes" in two["note"]


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        ("12 tankers burned", (12, 12, None)),
        ("12 fuel tankers were destroyed near the town", (12, 12, None)),
        ("militants torched at least 37 tankers", (37, None, None)),
        ("a convoy of 80 tankers was attacked", (None, None, 80)),  # a size, not a loss
        ("5 people were killed and 3 trucks looted", (None, None, None)),
        ("20 tankers burned, 40 tankers burned per the union", (20, 40, None)),
    ],
)
def test_tankers_from_notes(notes: str, expected: tuple[int | None, ...]) -> None:
    assert tankers_from_notes(notes) == expected


def test_the_file_hash_is_recorded_and_survives_validation(scenario: simfuel.Scenario) -> None:
    table = acled_incidents(SYNTHETIC, scenario)
    digest = hashlib.sha256(SYNTHETIC.read_bytes()).hexdigest()
    assert table.attrs["source_sha256"] == digest
    assert table.attrs["source"] == str(SYNTHETIC)
    assert validate_incidents(table).attrs["source_sha256"] == digest


def test_a_plain_incident_table_records_its_hash_too() -> None:
    table = incidents("mali-2025")
    data = (ROOT / "simfuel" / "data" / "incidents_mali_2025.csv").read_bytes()
    assert table.attrs["source_sha256"] == hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- filters


def test_actor_substring_and_event_type_filters(scenario: simfuel.Scenario) -> None:
    table = acled_incidents(
        SYNTHETIC, scenario, actors="jnim", event_types=["battles", "Violence against civilians"]
    )
    assert table["id"].tolist() == ["SYN0001", "SYN0002", "SYN0003"]
    dropped = table.attrs["acled_report"]["dropped_by_filter"]
    assert dropped == {"actors": 2, "event_types": 0}


def test_an_actor_list_matches_exact_names_in_either_actor_column(
    scenario: simfuel.Scenario,
) -> None:
    exact = acled_incidents(SYNTHETIC, scenario, actors=["Military Forces of Mali (2021-)"])
    assert exact["id"].tolist() == ["SYN0002"]  # actor2; SYN0005 matches but is far
    with (
        pytest.warns(UserWarning, match="'jnim' matches no event"),
        pytest.raises(IncidentsError, match="no event is left"),
    ):
        acled_incidents(SYNTHETIC, scenario, actors=["JNIM"])  # a list is exact


def test_sub_event_type_filter(scenario: simfuel.Scenario) -> None:
    table = acled_incidents(SYNTHETIC, scenario, sub_event_types="Attack")
    assert table["id"].tolist() == ["SYN0001", "SYN0003"]


def test_a_filter_value_that_matches_nothing_warns_with_a_hint(
    scenario: simfuel.Scenario,
) -> None:
    with pytest.warns(UserWarning, match="did you mean 'battles'"):
        table = acled_incidents(SYNTHETIC, scenario, event_types=["Batles", "Battles"])
    assert table["id"].tolist() == ["SYN0002"]


def test_a_smaller_distance_drops_more(scenario: simfuel.Scenario) -> None:
    table = acled_incidents(SYNTHETIC, scenario, max_distance_km=0.6)
    assert table["id"].tolist() == ["SYN0001", "SYN0006"]
    assert table.attrs["acled_report"]["dropped_far"] == 4


def test_no_event_near_a_leg_warns_and_gives_an_empty_table(
    tmp_path: Path, scenario: simfuel.Scenario
) -> None:
    path = write(tmp_path, HEADER, "X1,2025-09-14,Battles,,A,,Gao,16.27,-0.04,0,,Outlet")
    with pytest.warns(UserWarning, match="no event lies within 25 km"):
        table = acled_incidents(path, scenario)
    assert len(table) == 0 and list(table.columns[:2]) == ["id", "date"]


# ---------------------------------------------------------------- the incidents loader


def test_the_incidents_loader_recognises_an_export_and_asks_for_a_scenario() -> None:
    assert is_acled(pd.read_csv(SYNTHETIC, nrows=0).columns)
    assert not is_acled(incidents("mali-2025").columns)
    with pytest.raises(IncidentsError) as info:
        incidents(SYNTHETIC)
    lines = str(info.value).splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{SYNTHETIC}: is an ACLED export")
    assert "needs a scenario" in lines[0]


def test_the_incidents_loader_maps_an_export_when_given_a_scenario(
    scenario: simfuel.Scenario,
) -> None:
    table = incidents(SYNTHETIC, scenario=scenario)
    pd.testing.assert_frame_equal(table, acled_incidents(SYNTHETIC, scenario))
    assert table.attrs["source_sha256"] == hashlib.sha256(SYNTHETIC.read_bytes()).hexdigest()


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        (
            "X2,14/13/2025,Battles,,A,,B,14.5,-10.3,0,,S",
            "row 2, event_date: must be a date like '22 October 2025' or 2025-10-22 "
            "(got '14/13/2025')",
        ),
        (
            "X2,14 Septembre 2025,Battles,,A,,B,14.5,-10.3,0,,S",
            "row 2, event_date: must be a date",
        ),
        (
            "X2,2025-09-14,Battles,,A,,B,95.0,-10.3,0,,S",
            "row 2, latitude: must be a number from -90 to 90 [degrees] (got '95.0')",
        ),
        (
            "X2,2025-09-14,Battles,,A,,B,14.5,east,0,,S",
            "row 2, longitude: must be a number from -180 to 180 [degrees] (got 'east')",
        ),
        ("X2,2025-09-14,Battles,,A,,B,14.5,-10.3,0,,", "row 2, source: blank"),
    ],
)
def test_bad_rows_are_named_by_file_row_and_column(
    tmp_path: Path, scenario: simfuel.Scenario, bad_row: str, expected: str
) -> None:
    path = write(tmp_path, HEADER, ON_LEG, bad_row)
    with pytest.raises(IncidentsError) as info:
        acled_incidents(path, scenario)
    assert isinstance(info.value, InputError)
    lines = str(info.value).splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}: {expected}"), lines[0]


def test_missing_columns_are_named_with_a_hint(tmp_path: Path, scenario: simfuel.Scenario) -> None:
    path = write(
        tmp_path, "event_date,event_typ,latitude,longitude", "2025-09-14,Battles,14.5,-10.3"
    )
    with pytest.raises(IncidentsError) as info:
        acled_incidents(path, scenario, actors="JNIM")
    lines = str(info.value).splitlines()
    assert (
        f"{path}: column event_type: required ACLED column missing (did you mean 'event_typ'?)"
        in lines
    )
    assert f"{path}: column source: required ACLED column missing" in lines
    assert f"{path}: column actor1: required ACLED column missing" in lines  # the filter needs it


def test_a_bad_distance_threshold_is_an_input_error(scenario: simfuel.Scenario) -> None:
    with pytest.raises(IncidentsError, match="max_distance_km: must be a number > 0"):
        acled_incidents(SYNTHETIC, scenario, max_distance_km=0)


def test_the_cli_calibrate_reports_an_export_in_one_line_with_exit_2(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "simfuel",
            "calibrate",
            str(ROOT / "scenarios" / "mali-2025.yaml"),
            "--incidents",
            str(SYNTHETIC),
            "--param",
            "threat.hazard_per_100km=0.01:0.1",
            "--out",
            str(tmp_path / "out"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2, out.stderr
    assert "is an ACLED export" in out.stderr
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_events_outside_the_horizon_are_dropped_and_counted(
    tmp_path: Path, scenario: simfuel.Scenario
) -> None:
    path = write(
        tmp_path,
        HEADER,
        ON_LEG,
        "X2,14 September 2024,Battles,,JNIM,,A,14.50,-10.30,0,n,Outlet",  # a year early
        "X3,2025-12-01,Battles,,JNIM,,A,14.50,-10.30,0,n,Outlet",  # the day after end
    )
    table = acled_incidents(path, scenario)
    assert table["id"].tolist() == ["X1"]
    assert table.attrs["acled_report"]["dropped_outside_horizon"] == 2
    assert simfuel.check_against(table, scenario) == []


def test_repeated_event_ids_are_kept_apart(tmp_path: Path, scenario: simfuel.Scenario) -> None:
    path = write(tmp_path, HEADER, ON_LEG, ON_LEG)
    assert acled_incidents(path, scenario)["id"].tolist() == ["X1-row1", "X1-row2"]


def test_the_far_events_listed_are_the_nearest_few(
    tmp_path: Path, scenario: simfuel.Scenario
) -> None:
    far = [f"F{k},2025-09-14,Battles,,A,,Gao,16.27,{-0.04 - k / 10:.2f},0,,S" for k in range(30)]
    with pytest.warns(UserWarning, match="30 dropped as too far"):
        table = acled_incidents(write(tmp_path, HEADER, *far), scenario)
    report = table.attrs["acled_report"]
    assert report["dropped_far"] == 30
    listed = [e["distance_km"] for e in report["far_events"]]
    assert len(listed) == 20 and listed == sorted(listed)
    assert report["far_events"][0]["acled_row"] == 30  # the westernmost is nearest Mali's roads


@pytest.mark.parametrize("name", ["acled_incidents", "signals", "score_signals", "SignalsError"])
def test_the_new_names_are_the_observations_objects(name: str) -> None:
    import simfuel.observations as observations

    assert getattr(simfuel, name) is getattr(observations, name)
    assert name in simfuel.__all__


def test_the_signals_function_is_not_shadowed_by_its_module() -> None:
    code = (
        "import simfuel.observations.signals, simfuel.observations as o, simfuel\n"
        "print(callable(o.signals), len(simfuel.signals('mali-2025')) > 0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "True"]


def test_the_reported_figures_read_an_acled_table_like_any_other(
    scenario: simfuel.Scenario,
) -> None:
    table = acled_incidents(SYNTHETIC, scenario)
    per_event = simfuel.reported_losses(table, scenario)
    assert len(per_event) == len(table)
    totals = simfuel.cumulative_losses(table)
    # 12 ("at least 12", 6 Sep) + 20 (14 Sep); the events without a figure add nothing.
    assert totals["cum_low"].iloc[-1] == 32
