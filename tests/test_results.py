"""RunResult: tables, summary, balance, atomic CSV output."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import simfuel
from simfuel.results import SUMMARY_METRICS


def test_tables_have_the_documented_columns(tiny):
    r = simfuel.run(tiny, seed=2)
    for col in (
        "stock_l",
        "days_of_cover",
        "demand_l",
        "served_l",
        "shortfall_l",
        "rationing",
        "arrived_l",
        "destroyed_l",
        "captured_l",
        "in_transit_l",
        "tankers_waiting",
    ):
        assert col in r.daily.columns, col
    assert isinstance(r.daily.index, pd.DatetimeIndex)
    for col in (
        "convoy_id",
        "corridor",
        "escort_forces",
        "formed",
        "departed",
        "ended",
        "tankers_departed",
        "tankers_arrived",
        "destroyed",
        "captured",
        "attacked",
        "escort_wait_h",
    ):
        assert col in r.convoys.columns, col
    assert pd.api.types.is_datetime64_any_dtype(r.events["time"])
    assert tuple(r.summary()) == SUMMARY_METRICS


def test_summary_agrees_with_tables(tiny):
    tiny["rationing"] = {"threshold_days": 3.0, "served_fraction": 0.5}
    tiny["demand"]["demand_l_per_day"] = 900_000  # more than supply: rationing then stock-out
    r = simfuel.run(tiny, seed=2)
    s = r.summary()
    assert s["delivered_l"] == r.daily["delivered_l"].sum()
    assert s["first_rationing"] == r.daily.index[r.daily["rationing"]][0].date()
    assert s["min_days_of_cover"] == pytest.approx(r.daily["days_of_cover"].min())
    assert s["days_with_shortfall"] == (r.daily["shortfall_l"] > 0).sum() > 0


def test_check_balance_detects_tampering(tiny):
    r = simfuel.run(tiny, seed=2)
    r.check_balance()
    daily = r.daily.copy()
    daily.iloc[5, daily.columns.get_loc("delivered_l")] += 1
    with pytest.raises(simfuel.BalanceError, match="balance broken"):
        dataclasses.replace(r, daily=daily).check_balance()


def test_to_csv_leaves_no_partial_file_when_writing_fails(tiny, tmp_path, monkeypatch):
    r = simfuel.run(tiny, seed=2)
    r.to_csv(tmp_path)
    before = (tmp_path / "daily.csv").read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    with pytest.raises(OSError, match="disk full"):
        r.to_csv(tmp_path)
    assert (tmp_path / "daily.csv").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
