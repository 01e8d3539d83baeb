"""Incident tables: the shipped Mali table, validation errors, the figures, the comparison plot."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported anywhere

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.container import ErrorbarContainer

import simfuel
from simfuel.incidents import (
    ESCORT_VALUES,
    INCIDENT_COLUMNS,
    IncidentsError,
    check_against,
    cumulative_losses,
    incidents,
    reported_losses,
    shipped_incidents,
    validate_incidents,
)
from simfuel.plot.incidents import (
    REPORTED_LABEL,
    incidents_vs_model,
    model_cumulative_tankers,
)
from tests.helpers import ROOT, SCENARIOS

MALI = SCENARIOS / "mali-2025.yaml"
TANKER_L = 45_000


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return incidents("mali-2025")


@pytest.fixture(scope="module")
def scenario() -> simfuel.Scenario:
    return simfuel.load_scenario(MALI)


@pytest.fixture(scope="module")
def ensemble() -> simfuel.EnsembleResult:
    return simfuel.run_ensemble(MALI, 8, seed=1, workers=1, progress=False)


@pytest.fixture(scope="module")
def run() -> simfuel.RunResult:
    return simfuel.run(MALI, seed=1)


@pytest.fixture(autouse=True)
def _close_figures() -> object:
    yield
    plt.close("all")


def row(frame: pd.DataFrame, key: str) -> pd.Series:
    found = frame[frame["id"] == key]
    assert len(found) == 1, f"{len(found)} rows with id {key!r}"
    return found.iloc[0]


# ---------------------------------------------------------------- the shipped table


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


# ---------------------------------------------------------------- malformed tables

HEADER = "id,date,corridor,destroyed_low,destroyed_high,captured,convoy_size,escort,derived,source"
GOOD = "a,2025-09-14,dakar_rn1,20,40,,80,ground,false,RFI"


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "incidents.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def error_lines(path: Path) -> list[str]:
    with pytest.raises(IncidentsError) as info:
        incidents(path)
    assert isinstance(info.value, simfuel.ScenarioError)
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


# ---------------------------------------------------------------- figures

HAND = pd.DataFrame(
    {
        "date": ["2025-01-03", "2025-01-03", "2025-01-05", "2025-01-09", "2025-01-12"],
        "corridor": ["main", "main", "", "main", "main"],
        "destroyed_low": ["5", "", "3", "10", "0"],
        "destroyed_high": ["5", "", "7", "", "0"],
        "captured": ["1", "", "2", "", "0"],
        "source": ["A", "B", "C", "D", "E"],
    }
)


def test_reported_losses_per_row(scenario: simfuel.Scenario) -> None:
    got = reported_losses(HAND)
    np.testing.assert_array_equal(got["destroyed_low"], [5, np.nan, 3, 10, 0])
    np.testing.assert_array_equal(got["destroyed_high"], [5, np.nan, 7, 10, 0])
    np.testing.assert_array_equal(got["destroyed_central"], [5, np.nan, 5, 10, 0])
    assert got["at_least"].tolist() == [False, False, False, True, False]
    assert got["unquantified"].tolist() == [False, True, False, False, False]
    in_litres = reported_losses(HAND, scenario)  # every mali corridor: 45,000 L a tanker
    np.testing.assert_array_equal(in_litres["capacity_l"], [TANKER_L] * 5)
    np.testing.assert_array_equal(
        in_litres["destroyed_central_l"], np.array([5, np.nan, 5, 10, 0]) * TANKER_L
    )


def test_cumulative_losses_by_hand() -> None:
    cum = cumulative_losses(HAND)
    assert list(cum.index.strftime("%d")) == ["03", "05", "09", "12"]
    # 3 Jan: 5 (+ an attack without a figure); 5 Jan: 3-7; 9 Jan: at least 10; 12 Jan: 0
    assert cum["cum_low"].tolist() == [5, 8, 18, 18]
    assert cum["cum_high"].tolist() == [5, 12, 22, 22]
    assert cum["cum_central"].tolist() == [5, 10, 20, 20]
    assert cum["reports"].tolist() == [2, 1, 1, 1]
    assert cum["unquantified"].tolist() == [1, 0, 0, 0]
    assert cum["at_least"].tolist() == [0, 0, 1, 0]
    lost = cumulative_losses(HAND, include_captured=True)
    assert lost["cum_low"].tolist() == [6, 11, 21, 21]
    assert lost["cum_high"].tolist() == [6, 15, 25, 25]


def test_cumulative_losses_on_a_calendar() -> None:
    days = pd.date_range("2025-01-04", "2025-01-10")
    cum = cumulative_losses(HAND, dates=days)
    assert list(cum.index) == list(days)
    # 3 Jan counts from the first listed day; 12 Jan is after the last: left out
    assert cum["cum_low"].tolist() == [5, 8, 8, 8, 8, 18, 18]
    assert cum["cum_high"].tolist() == [5, 12, 12, 12, 12, 22, 22]
    assert cum["reports"].tolist() == [2, 1, 0, 0, 0, 1, 0]


def test_cumulative_losses_of_the_shipped_table(table: pd.DataFrame) -> None:
    cum = cumulative_losses(table)
    assert cum.loc["2025-09-14", ["cum_low", "cum_high"]].tolist() == [80, 120]
    assert cum.loc["2025-11-06", ["cum_low", "cum_high"]].tolist() == [80 + 37, 120 + 37]
    assert cum["reports"].sum() == len(table)


# ---------------------------------------------------------------- against a scenario


def test_check_against_flags_what_the_scenario_lacks(scenario: simfuel.Scenario) -> None:
    frame = pd.DataFrame(
        {
            "date": ["2025-09-14", "2025-09-14", "2025-09-14", "2025-12-25", "2025-09-14"],
            "corridor": ["dakar_rn2", "", "dakar_rn1", "ci_pogo", "dakar_rn1"],
            "place": ["", "timbuktu", "", "", ""],
            "leg_from": ["", "", "sikasso", "", "kati"],
            "leg_to": ["", "", "", "", "diema"],
            "destroyed_low": ["1"] * 5,
            "destroyed_high": ["1"] * 5,
            "source": ["X"] * 5,
        }
    )
    problems = [str(p) for p in check_against(frame, scenario)]
    assert len(problems) == 5, problems
    assert problems[0].startswith(
        "row 1, corridor: unknown corridor 'dakar_rn2'; did you mean 'dakar_rn1'?"
    )
    assert problems[1].startswith("row 2, place: unknown place 'timbuktu'")
    assert problems[2].startswith(
        "row 3, leg_from: 'sikasso' starts no leg of corridor 'dakar_rn1'"
    )
    assert problems[3] == (
        "row 4, date: 2025-12-25 is outside the scenario's horizon (2025-08-01 to 2025-11-30)"
    )
    assert (
        problems[4] == "row 5, leg_to: 'diema' comes before leg_from 'kati' on corridor 'dakar_rn1'"
    )


# ---------------------------------------------------------------- the plot


def reported_container(ax: Axes) -> ErrorbarContainer:
    found = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(found) == 1, f"{len(found)} error-bar sets"
    assert found[0].get_label().startswith(REPORTED_LABEL)
    return found[0]


def points_and_bars(ax: Axes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """x and y of the reported points, and the bottom and top of their error bars."""
    cont = reported_container(ax)
    data_line, _caps, bar_cols = cont.lines
    xy = np.asarray(data_line.get_xydata(), float)
    assert bar_cols, "no error bars drawn"
    segments = np.asarray(bar_cols[0].get_segments(), float)  # (points, 2 ends, x/y)
    np.testing.assert_allclose(segments[:, 0, 0], xy[:, 0])
    return xy[:, 0], xy[:, 1], segments[:, :, 1].min(axis=1), segments[:, :, 1].max(axis=1)


def datenums(index: pd.Index) -> np.ndarray:
    return np.asarray(mdates.date2num(pd.to_datetime(index)), float)


def labelled(ax: Axes, label: str) -> list[object]:
    return [a for a in [*ax.lines, *ax.collections] if a.get_label() == label]


def test_plot_over_an_ensemble(ensemble: simfuel.EnsembleResult, table: pd.DataFrame) -> None:
    ax = incidents_vs_model(ensemble, table)
    assert isinstance(ax, Axes)
    # the reported points: cumulative table values, error bars low..high
    cum = cumulative_losses(table)
    x, y, bottom, top = points_and_bars(ax)
    np.testing.assert_allclose(x, datenums(cum.index))
    np.testing.assert_allclose(y, cum["cum_central"])
    np.testing.assert_allclose(bottom, cum["cum_low"])
    np.testing.assert_allclose(top, cum["cum_high"])
    assert (top > bottom).any()
    # the model: median and bands of the cumulative tankers destroyed
    tankers = np.cumsum(ensemble.daily("destroyed_l"), axis=1) / TANKER_L
    (median,) = labelled(ax, "model: median")
    np.testing.assert_allclose(median.get_ydata(), np.median(tankers, axis=0))  # type: ignore[attr-defined]
    assert list(pd.to_datetime(median.get_xdata())) == list(ensemble.dates)  # type: ignore[attr-defined]
    (band90,) = labelled(ax, "model: 90 % band")
    verts = np.concatenate([p.vertices for p in band90.get_paths()])  # type: ignore[attr-defined]
    edges = pd.DataFrame(verts, columns=["x", "y"]).groupby("x")["y"].agg(["min", "max"])
    np.testing.assert_allclose(edges["min"], np.quantile(tankers, 0.05, axis=0))
    np.testing.assert_allclose(edges["max"], np.quantile(tankers, 0.95, axis=0))
    assert len(labelled(ax, "model: 50 % band")) == 1
    # labels, axes, legend outside the data
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["?, 60-80", "0", "?", "20-40", "≥37", "0"]
    assert ax.get_ylabel() == "tankers destroyed, cumulative [tankers]"
    assert "8 replications" in ax.get_title()
    legend = ax.get_legend()
    assert legend is not None
    assert legend.get_bbox_to_anchor().x0 > ax.get_window_extent().x1
    assert ax.get_xlim() == pytest.approx(tuple(datenums(ensemble.dates[[0, -1]])))


def test_plot_of_a_run_and_one_corridor(run: simfuel.RunResult, table: pd.DataFrame) -> None:
    ax = incidents_vs_model(run, "mali-2025", corridor="dakar_rn1")
    (line,) = labelled(ax, "model: seed 1")
    ev = run.events[(run.events["kind"] == "destroyed") & (run.events["corridor"] == "dakar_rn1")]
    by_day = ev.groupby(ev["time"].dt.normalize())["tankers"].sum()
    expected = by_day.reindex(run.daily.index, fill_value=0).cumsum()
    np.testing.assert_allclose(line.get_ydata(), expected)  # type: ignore[attr-defined]
    assert expected.iloc[-1] > 0
    # only that corridor's reports; the rows without a corridor are counted in the legend
    cum = cumulative_losses(table[table["corridor"] == "dakar_rn1"])
    x, y, bottom, top = points_and_bars(ax)
    np.testing.assert_allclose(x, datenums(cum.index))
    np.testing.assert_allclose(y, cum["cum_central"])
    np.testing.assert_allclose(bottom, cum["cum_low"])
    np.testing.assert_allclose(top, cum["cum_high"])
    assert reported_container(ax).get_label().endswith("2 row(s) without a corridor left out")


def test_run_and_ensemble_count_tankers_alike(run: simfuel.RunResult) -> None:
    """A run counts logged tankers; the daily litres over the capacity say the same."""
    from_events = model_cumulative_tankers(run)["run"]
    from_litres = run.daily["destroyed_l"].cumsum() / TANKER_L
    np.testing.assert_allclose(from_events, from_litres)
    lost = model_cumulative_tankers(run, include_captured=True)["run"]
    both = (run.daily["destroyed_l"] + run.daily["captured_l"]).cumsum() / TANKER_L
    np.testing.assert_allclose(lost, both)


def test_corridor_with_an_ensemble_is_refused(ensemble: simfuel.EnsembleResult) -> None:
    with pytest.raises(ValueError, match="EnsembleResult keeps daily losses summed over all"):
        incidents_vs_model(ensemble, "mali-2025", corridor="dakar_rn1")
    with pytest.raises(ValueError, match="unknown corridor 'rn1'"):
        incidents_vs_model(ensemble, "mali-2025", corridor="rn1")


def test_reports_outside_the_horizon_are_left_out_with_a_warning(
    ensemble: simfuel.EnsembleResult, table: pd.DataFrame
) -> None:
    late = table.copy()
    late.loc[len(late)] = late.iloc[-1]
    late.loc[len(late) - 1, ["id", "date"]] = ["late", pd.Timestamp("2026-01-05")]
    with pytest.warns(UserWarning, match="1 reported event.*2026-01-05"):
        ax = incidents_vs_model(ensemble, late)
    x, *_ = points_and_bars(ax)
    assert len(x) == len(cumulative_losses(table))


def test_the_shipped_plot_warns_about_nothing(ensemble: simfuel.EnsembleResult) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        incidents_vs_model(ensemble)


# ---------------------------------------------------------------- the documentation


def test_format_doc_lists_the_schema() -> None:
    doc = (ROOT / "docs" / "incidents-format.md").read_text(encoding="utf-8")
    for c in INCIDENT_COLUMNS:
        line = f"| `{c.name}` | {c.type} | {'yes' if c.required else 'no'} | {c.meaning} |"
        assert line in doc, f"docs/incidents-format.md: row of {c.name} out of date"
