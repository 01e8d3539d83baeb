"""Hindcasting: fit on the observations before a date, score those after it."""

from __future__ import annotations

import datetime as dt

import matplotlib
import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.analysis.calibrate import calibrate
from simfuel.analysis.hindcast import HINDCAST_COLUMNS, hindcast, interval_score
from simfuel.observations import signal_gaps, validate_signals
from tests.analysis.test_calibrate import blockaded, synthetic_incidents, two_towns

matplotlib.use("Agg")

AS_OF = dt.date(2025, 2, 1)
PRIOR = {"threat.hazard_per_100km": (0.01, 0.6)}


def signal_table() -> pd.DataFrame:
    """Two signals before AS_OF (fitted), three after: one impossible, one sure, one unscored.

    The depot of :func:`blockaded` starts with 4.4 days of cover and gains at most 2 days a
    day (30 tankers of 45,000 L against 450,000 L of demand), so 500 days of cover on
    10 February cannot happen; the supply is three times demand, so demand is fully served.
    """
    rows = [
        ("cover-jan", "2025-01-15", "days_of_cover", "", "0", "60"),
        ("served-jan", "2025-01-20", "shortage", "0", "", ""),
        ("cover-feb-impossible", "2025-02-10", "days_of_cover", "500", "400", "600"),
        ("served-feb", "2025-02-15", "shortage", "0", "", ""),
        ("price-feb", "2025-02-16", "price", "900", "", ""),
    ]
    frame = pd.DataFrame(rows, columns=["id", "date", "signal", "value", "low", "high"])
    frame["unit"] = ["", "", "", "", "FCFA/L"]
    frame["source"] = "synthetic"
    return validate_signals(frame, source="synthetic-signals")


@pytest.fixture(scope="module")
def hc():
    return hindcast(
        blockaded(hazard_per_100km=0.3, loss_fraction_mean=0.4),
        PRIOR,
        as_of=AS_OF,
        until="2025-02-28",
        incidents=synthetic_incidents(),
        signals=signal_table(),
        draws=20,
        accept=0.5,
        generations=2,
        forward_draws=5,
        reps_per_draw=2,
        seed=3,
        workers=1,
        progress=False,
    )


def test_table_columns_and_what_is_scored(hc):
    assert tuple(hc.table.columns) == HINDCAST_COLUMNS
    dates = pd.to_datetime(hc.table["date"]).dt.date
    assert (dates >= AS_OF).all() and (dates <= dt.date(2025, 2, 28)).all()
    signals = hc.table[hc.table["kind"] == "signal"].set_index("id")
    assert list(signals.index) == ["cover-feb-impossible", "served-feb", "price-feb"]
    assert not signals.loc["price-feb", "scored"]
    assert "not modelled" in signals.loc["price-feb", "reason"]
    stats = hc.table[hc.table["kind"] == "incidents"]
    assert "lost 2025-02" in set(stats["id"]) and "attacks 2025-02" in set(stats["id"])
    assert len(hc.daily["days_of_cover"]) == 10  # 5 draws x 2 replications
    assert hc.dates[-1].date() == dt.date(2025, 2, 28)


def test_a_missed_observation_is_reported_as_missed(hc):
    row = hc.table.set_index("id").loc["cover-feb-impossible"]
    assert row["scored"] and not row["inside_90"]
    assert row["share_in_range"] == 0.0
    assert row["model_p95"] < 400
    # Below the interval: its width plus 20 times the distance to its top.
    assert row["interval_score"] == pytest.approx(
        row["model_p95"] - row["model_p5"] + 20 * (500 - row["model_p95"])
    )
    assert "cover-feb-impossible" in set(hc.missed()["id"])
    sure = hc.table.set_index("id").loc["served-feb"]
    assert sure["inside_90"] and sure["share_in_range"] == 1.0
    text = hc.describe()
    missed_line = next(line for line in text.splitlines() if "cover-feb-impossible" in line)
    assert missed_line.strip().startswith("MISSED")
    served_line = next(line for line in text.splitlines() if "served-feb" in line)
    assert served_line.strip().startswith("reproduced")
    score = hc.score()
    assert score["scored"] == hc.table["scored"].sum()
    assert 0 < score["inside_90"] < 1


def test_the_calibration_saw_only_the_past(hc):
    cal = hc.calibration
    assert cal.method == "smc"
    assert cal.signals is not None
    assert (pd.to_datetime(cal.signals["date"]).dt.date < AS_OF).all()
    assert list(cal.signals["id"]) == ["cover-jan", "served-jan"]
    assert "lost 2025-01" in cal.observed.index and "lost 2025-02" not in cal.observed.index
    # The fitted signals are scored apart, on the same forward runs, and said to be fitted.
    assert list(hc.fitted["id"]) == ["cover-jan", "served-jan"]
    assert tuple(hc.fitted.columns) == HINDCAST_COLUMNS
    assert "before as-of (fitted to" in hc.describe()


def test_the_figure(hc, tmp_path):
    fig = hc.plot()
    assert len(fig.get_axes()) == 3  # the band, its twin (share short), the rows
    fig.savefig(tmp_path / "h.png")
    path = hc.to_csv(tmp_path / "h.csv")
    back = pd.read_csv(path)
    assert list(back.columns) == list(HINDCAST_COLUMNS)


def test_interval_score_known_answers():
    assert interval_score(1.0, 3.0, 2.0) == pytest.approx(2.0)
    assert interval_score(1.0, 3.0, 0.0) == pytest.approx(2.0 + 20 * 1.0)
    assert interval_score(1.0, 3.0, 4.5) == pytest.approx(2.0 + 20 * 1.5)
    assert interval_score(0.0, 0.0, 0.0) == 0.0


def test_bad_dates_and_missing_observations():
    kw = {"incidents": synthetic_incidents(), "seed": 1, "draws": 4, "progress": False}
    sc = blockaded()
    with pytest.raises(ValueError, match="outside the scenario's horizon"):
        hindcast(sc, PRIOR, as_of="2026-01-01", **kw)
    with pytest.raises(ValueError, match="outside the scenario's horizon"):
        hindcast(sc, PRIOR, as_of="2025-01-01", **kw)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        hindcast(sc, PRIOR, as_of="1 Feb 2025", **kw)
    with pytest.raises(ValueError, match="until"):
        hindcast(sc, PRIOR, as_of="2025-02-01", until="2025-01-15", **kw)
    with pytest.raises(ValueError, match="needs observations"):
        hindcast(sc, PRIOR, as_of="2025-02-01", seed=1)
    late = kw["incidents"][pd.to_datetime(kw["incidents"]["date"]) >= "2025-02-01"]
    assert len(late)
    with pytest.raises(ValueError, match="nothing was observed before"):
        hindcast(sc, PRIOR, as_of="2025-01-15", **{**kw, "incidents": late})


def test_signal_gaps_known_answers():
    """Flags: the share of runs wrong; numbers: the median's distance from the range."""
    run = simfuel.run(blockaded(), seed=1)
    cover = float(run.daily["days_of_cover"].iloc[9])
    frame = pd.DataFrame(
        {
            "date": ["2025-01-10", "2025-01-10", "2025-01-10", "2025-01-10"],
            "signal": ["days_of_cover", "days_of_cover", "shortage", "shortage"],
            "value": ["", "", "1", "0"],
            "low": [str(cover + 2), "0", "", ""],
            "high": [str(cover + 5), str(cover + 1), "", ""],
            "source": "synthetic",
        }
    )
    short = bool(run.daily["shortfall_l"].iloc[9] > 0)
    gaps = signal_gaps(simfuel.score_signals(validate_signals(frame), run))
    assert gaps[0] == pytest.approx(2.0)
    assert gaps[1] == 0.0
    assert gaps[2] == (0.0 if short else 1.0)
    assert gaps[3] == (1.0 if short else 0.0)


def test_signals_add_to_the_distance():
    """Same draws on the same seeds: with signals every distance is at least as large."""
    table = signal_table()
    table = table[table["id"] == "cover-jan"].copy()
    # Hard to meet but reachable (3 of the 20 draws reach it; 0-1 days, which none reaches,
    # would now be left out of the distance as unreachable).
    table.loc[:, ["low", "high"]] = [[0.0, 25.0]]
    kw = {"draws": 20, "accept": 0.5, "seed": 4, "workers": 1, "progress": False}
    plain = calibrate(blockaded(), synthetic_incidents(), PRIOR, **kw)
    with_signals = calibrate(blockaded(), synthetic_incidents(), PRIOR, signals=table, **kw)
    a, b = plain.samples["distance"].to_numpy(), with_signals.samples["distance"].to_numpy()
    assert np.all(b >= a - 1e-12)
    assert np.any(b > a + 1e-9)
    assert with_signals.signals is not None and len(with_signals.signals) == 1


def test_same_seed_same_hindcast_serial_or_pool():
    kw = {
        "as_of": AS_OF,
        "until": "2025-02-10",
        "incidents": synthetic_incidents(),
        "signals": signal_table(),
        "draws": 12,
        "accept": 0.5,
        "generations": 2,
        "forward_draws": 3,
        "reps_per_draw": 2,
        "seed": 8,
        "progress": False,
    }
    a = hindcast(blockaded(), PRIOR, workers=1, **kw)
    b = hindcast(blockaded(), PRIOR, workers=2, **kw)
    pd.testing.assert_frame_equal(a.table, b.table)


def town_signals() -> pd.DataFrame:
    rows = [
        ("c-cover-early", "2025-01-03", "c", "days_of_cover", "", "0", "10"),
        ("c-short", "2025-01-08", "c", "shortage", "1", "", ""),
        ("city-served", "2025-01-08", "city", "shortage", "0", "", ""),
    ]
    frame = pd.DataFrame(rows, columns=["id", "date", "place", "signal", "value", "low", "high"])
    frame["source"] = "synthetic"
    return validate_signals(frame, source="town-signals")


def test_a_signal_at_a_destination_is_scored_at_that_destinations_stock():
    """Mopti's "drastic drop" in mali-2025, in small: read at the town, not at the depot."""
    h = hindcast(
        two_towns(),
        {"threat.hazard_per_100km": (0.0, 0.3)},
        as_of="2025-01-05",
        signals=town_signals(),
        method="rejection",
        draws=2,
        accept=0.5,
        forward_draws=1,
        reps_per_draw=3,
        seed=5,
        workers=1,
        progress=False,
    )
    assert list(h.place_daily) == ["c"]  # the place a signal names; not b
    assert h.calibration.places == ("c",)
    day = list(h.dates).index(pd.Timestamp("2025-01-08"))
    # The depot served in full that day in every run: read there, the signal would miss.
    assert (h.daily["shortfall_l"][:, day] == 0).all()
    assert (h.place_daily["c"]["shortfall_l"][:, day] > 0).all()
    rows = h.table.set_index("id")
    town = rows.loc["c-short"]
    assert town["scored"] and town["inside_90"]
    assert town["model_median"] == 1.0 and town["share_in_range"] == 1.0
    assert town["what"] == "shortage at c"
    depot = rows.loc["city-served"]
    assert depot["scored"] and depot["model_median"] == 0.0 and depot["share_in_range"] == 1.0
    # The fitted signal before as-of is read at c's stock too.
    fitted = h.fitted.set_index("id").loc["c-cover-early"]
    cover_c = h.place_daily["c"]["days_of_cover"][:, 2]
    assert fitted["model_median"] == pytest.approx(
        float(np.quantile(cover_c, 0.5, method="inverted_cdf"))
    )
    assert fitted["model_median"] < 10 < float(np.min(h.daily["days_of_cover"][:, 2]))
