"""score_signals: known answers on a tiny made-up run and ensemble, and on a real run."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.observations import SCORE_COLUMNS, score_signals, validate_signals
from tests.helpers import tiny_scenario

DATES = pd.date_range("2025-09-01", periods=10, freq="D", name="date")
RATIONING = np.array([0, 0, 0, 1, 1, 1, 0, 0, 1, 1], dtype=float)  # first on 4 Sep


def daily_table() -> pd.DataFrame:
    shortfall = 5.0 * RATIONING
    return pd.DataFrame(
        {
            "stock_l": 1000.0 - 50 * np.arange(10),
            "days_of_cover": 10.0 - np.arange(10),
            "demand_l": np.full(10, 100.0),
            "served_l": 100.0 - shortfall,
            "shortfall_l": shortfall,
            "rationing": RATIONING.astype(bool),
            "stockout": np.arange(10) == 9,  # first stock-out on 10 Sep
        },
        index=DATES,
    )


def table(*rows: tuple[str, str, float, float, float, str]) -> pd.DataFrame:
    """Signals from ``(date, signal, value, low, high, place)``; NaN for blank."""
    frame = pd.DataFrame(
        [
            {
                "date": d,
                "signal": s,
                "value": v,
                "low": lo,
                "high": hi,
                "place": p,
                "unit": "FCFA/L" if s == "price_cap" else "",
                "source": "made up",
            }
            for d, s, v, lo, hi, p in rows
        ]
    )
    return validate_signals(frame)


NAN = math.nan


def test_a_run_scores_each_signal_with_its_value_and_whether_it_is_inside() -> None:
    signals = table(
        ("2025-09-01", "rationing_started", NAN, 0, 7, ""),  # began 3 days after: inside
        ("2025-09-01", "rationing_started", NAN, 5, 7, ""),  # outside
        ("2025-09-05", "days_of_cover", NAN, 5, 7, ""),  # 6 days: inside
        ("2025-09-07", "shortage", 1, NAN, NAN, ""),  # served in full that day: outside
        ("2025-09-05", "rationing", 1, NAN, NAN, "city"),  # the depot's place: scored
        ("2025-09-01", "stockout_started", NAN, NAN, 3, ""),  # 9 days after: outside
        ("2025-09-04", "served_share", NAN, 0.9, NAN, ""),  # 95 %: inside an open range
        ("2025-09-04", "stock_l", 850, NAN, NAN, ""),  # exactly 850 L: inside
    )
    run = SimpleNamespace(
        daily=daily_table(), scenario=SimpleNamespace(depot=SimpleNamespace(place="city"))
    )
    scores = score_signals(signals, run)
    assert list(scores.columns[-len(SCORE_COLUMNS) :]) == list(SCORE_COLUMNS)
    assert scores["scored"].all()
    assert scores["replications"].tolist() == [1] * 8
    assert scores["model_value"].tolist() == [3.0, 3.0, 6.0, 0.0, 1.0, 9.0, 0.95, 850.0]
    assert scores["inside"].tolist() == [True, False, True, False, True, False, True, True]
    assert scores["share_inside"].tolist() == [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0]


def test_what_cannot_be_scored_says_why() -> None:
    signals = table(
        ("2025-09-05", "price_cap", 725, NAN, NAN, ""),
        ("2025-10-01", "days_of_cover", 5, NAN, NAN, ""),
        ("2025-09-05", "rationing", 1, NAN, NAN, "port"),
    )
    run = SimpleNamespace(
        daily=daily_table(), scenario=SimpleNamespace(depot=SimpleNamespace(place="city"))
    )
    scores = score_signals(signals, run)
    assert not scores["scored"].any()
    assert scores["inside"].isna().all() and scores["model_value"].isna().all()
    reasons = scores["reason"].tolist()
    assert reasons[0] == "price_cap is not modelled"
    assert reasons[1] == "2025-10-01 was not simulated (2025-09-01 to 2025-09-10)"
    assert reasons[2].startswith("the model has one stock, at the depot (city)")


def test_a_daily_table_itself_can_be_scored() -> None:
    signals = table(("2025-09-05", "days_of_cover", NAN, 5, 7, "port"))
    scores = score_signals(signals, daily_table())  # no scenario: no depot to compare with
    assert scores["scored"].item() and scores["model_value"].item() == 6.0


class FakeEnsemble:
    """Four replications: days of cover shifted by the replication, one never rations."""

    n = 4
    dates = DATES

    def daily(self, field: str) -> np.ndarray:
        base = daily_table()
        rows = []
        for k in range(self.n):
            if field == "days_of_cover":
                rows.append(base[field].to_numpy(float) + k)
            elif field == "rationing":
                on = np.zeros(10)
                if k < 3:
                    on[k + 1 :] = 1  # first on 2, 3, 4 Sep; replication 3 never
                rows.append(on)
            elif field == "shortfall_l":
                rows.append(np.full(10, 5.0 if k < 3 else 0.0))
            else:
                rows.append(base[field].to_numpy(float))
        return np.vstack(rows)


def test_an_ensemble_gives_the_share_of_replications_inside() -> None:
    signals = table(
        ("2025-09-05", "days_of_cover", NAN, 5, 7, ""),  # 6, 7, 8, 9: half inside
        ("2025-09-01", "rationing_started", NAN, 0, 2, ""),  # 1, 2, 3, never
        ("2025-09-07", "shortage", 1, NAN, NAN, ""),  # three of four short
    )
    scores = score_signals(signals, FakeEnsemble())
    assert scores["replications"].tolist() == [4, 4, 4]
    assert scores["share_inside"].tolist() == [0.5, 0.5, 0.75]
    assert scores["inside"].tolist() == [True, True, True]  # at least half inside
    cover = scores.iloc[0]
    assert cover["model_value"] == pytest.approx(7.5)  # the median of 6, 7, 8, 9
    assert cover["model_p5"] == pytest.approx(6.15) and cover["model_p95"] == pytest.approx(8.85)
    onset = scores.iloc[1]
    assert onset["model_value"] == 2.0  # the median of 1, 2, 3, never (an observed value)
    assert onset["model_p95"] == math.inf  # the replication that never rationed
    assert scores.iloc[2]["model_value"] == 0.75  # a flag: share of replications with it on


def test_anything_else_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="needs a RunResult, an EnsembleResult or a daily table"):
        score_signals(table(("2025-09-05", "rationing", 1, NAN, NAN, "")), object())


def test_a_real_run_and_ensemble_agree_with_their_own_daily_tables() -> None:
    scenario = simfuel.Scenario.model_validate(tiny_scenario())
    run = simfuel.run(scenario, seed=3)
    day = run.daily.index[5]
    cover = float(run.daily["days_of_cover"].iloc[5])
    rationing = bool(run.daily["rationing"].iloc[5])
    signals = table(
        (str(day.date()), "days_of_cover", NAN, cover - 0.01, cover + 0.01, ""),
        (str(day.date()), "rationing", float(rationing), NAN, NAN, "city"),
    )
    scores = score_signals(signals, run)
    assert scores["model_value"].tolist() == pytest.approx([cover, float(rationing)])
    assert scores["inside"].tolist() == [True, True]
    ensemble = simfuel.run_ensemble(scenario, 3, seed=3, progress=False)
    values = ensemble.daily("days_of_cover")[:, 5]
    scored = score_signals(signals, ensemble)
    assert scored["model_value"].iloc[0] == pytest.approx(float(np.median(values)))
    inside = np.mean((values >= cover - 0.01) & (values <= cover + 0.01))
    assert scored["share_inside"].iloc[0] == pytest.approx(inside)


def test_a_destinations_signal_is_read_at_its_own_stock() -> None:
    """mali-2025 holds Mopti's stock: a Mopti statement is scored there, not at Bamako."""
    from tests.ensemble.test_destinations import network

    sc = network()  # the depot `city` feeds `b`, `b` feeds `c`
    run = simfuel.run(sc, seed=3)
    day = str(run.daily.index[-1].date())
    signals = table(
        (day, "stock_l", NAN, 0, NAN, "b"),
        (day, "stock_l", NAN, 0, NAN, "city"),
        (day, "stock_l", NAN, 0, NAN, "elsewhere"),
    )
    scores = score_signals(signals, run)
    assert scores["model_value"].iloc[0] == run.at("b")["stock_l"].iloc[-1]
    assert scores["model_value"].iloc[1] == run.daily["stock_l"].iloc[-1]
    assert run.at("b")["stock_l"].iloc[-1] != run.daily["stock_l"].iloc[-1]
    assert not scores["scored"].iloc[2]
    ens = simfuel.run_ensemble(sc, 3, seed=3, workers=1, progress=False)
    at_b = score_signals(signals, ens)
    np.testing.assert_allclose(
        at_b["model_value"].iloc[0], np.median(ens.daily("stock_l", destination="b")[:, -1])
    )


def test_runs_that_keep_only_the_depot_leave_a_destinations_signal_unscored() -> None:
    from tests.ensemble.test_destinations import network

    sc = network()
    run = simfuel.run(sc, seed=3)
    day = str(run.daily.index[-1].date())
    depot_only = SimpleNamespace(
        scenario=sc,
        dates=run.daily.index,
        n=1,
        daily=lambda field: run.daily[field].to_numpy(float)[None, :],
    )
    scores = score_signals(table((day, "stock_l", NAN, 0, NAN, "b")), depot_only)
    assert not scores["scored"].iloc[0]
    assert "a stock of its own" in scores["reason"].iloc[0]
