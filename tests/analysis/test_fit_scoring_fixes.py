"""Issue 11 follow-ups: exact posterior draws, unreachable signals, Brier scores in hindcasts."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from simfuel.analysis.calibrate import calibrate
from simfuel.analysis.hindcast import HINDCAST_COLUMNS, brier_score
from tests.analysis.test_calibrate import blockaded, synthetic_incidents
from tests.analysis.test_hindcast import PRIOR, hc, signal_table  # noqa: F401 (hc: a fixture)

KW = {"draws": 10, "accept": 0.3, "seed": 4, "workers": 1, "progress": False}


@pytest.fixture(scope="module")
def small_fit():
    """A rejection fit keeping 3 of 10 draws."""
    return calibrate(blockaded(), synthetic_incidents(), PRIOR, **KW)


def test_posterior_ensemble_runs_exactly_the_draws_asked(small_fit):
    """Asked for more draws than the posterior holds: that many, the rest drawn again."""
    assert len(small_fit.posterior) == 3
    with pytest.warns(UserWarning, match="5 draws asked, the posterior holds 3"):
        ens = small_fit.posterior_ensemble(2, seed=1, draws=5, workers=1, progress=False)
    assert ens.n == 10
    assert sorted(set(ens.replications["posterior_draw"])) == [0, 1, 2, 3, 4]
    hazards = [ens.replication_inputs(i)[0].threat.hazard_per_100km for i in range(0, 10, 2)]
    posterior = small_fit.posterior["threat.hazard_per_100km"].tolist()
    assert hazards[:3] == pytest.approx(posterior)  # every posterior row once, in order
    assert all(h in posterior for h in hazards[3:])  # then rows of the posterior again


def test_posterior_draws_are_seeded_and_never_more_than_asked(small_fit):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        a = small_fit.posterior_draws(8, seed=3)
        b = small_fit.posterior_draws(8, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 8
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning when the posterior has enough
        assert len(small_fit.posterior_draws(2, seed=3)) == 2
        assert len(small_fit.posterior_draws(None, seed=3)) == 3
    with pytest.raises(ValueError, match="draws must be >= 1"):
        small_fit.posterior_draws(0, seed=3)


def unreachable_table() -> pd.DataFrame:
    """Days of cover of 0-1 on 15 January: every draw of :func:`blockaded` holds over 20."""
    table = signal_table()
    table = table[table["id"] == "cover-jan"].copy()
    table.loc[:, ["low", "high"]] = [[0.0, 1.0]]
    return table


def test_an_unreachable_signal_is_named_and_left_out_of_the_distance():
    kw = {**KW, "draws": 20, "accept": 0.5}
    plain = calibrate(blockaded(), synthetic_incidents(), PRIOR, **kw)
    with pytest.warns(UserWarning, match=r"signal 'cover-jan' \(days_of_cover .*no prior draw"):
        fit = calibrate(
            blockaded(), synthetic_incidents(), PRIOR, signals=unreachable_table(), **kw
        )
    assert fit.unreachable_signals == ("cover-jan",)
    assert fit.summary().attrs["unreachable_signals"] == ("cover-jan",)
    np.testing.assert_allclose(fit.samples["distance"], plain.samples["distance"])
    assert plain.unreachable_signals == ()
    assert plain.summary().attrs["unreachable_signals"] == ()


def test_a_reachable_signal_is_kept():
    table = unreachable_table()
    table.loc[:, ["low", "high"]] = [[0.0, 25.0]]  # 3 of the 20 draws reach it
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        fit = calibrate(
            blockaded(), synthetic_incidents(), PRIOR, signals=table, **{**KW, "draws": 20}
        )
    assert fit.unreachable_signals == ()


def test_brier_score_known_answers():
    assert brier_score(1.0, 1) == 0.0
    assert brier_score(0.0, 1) == 1.0
    assert brier_score(0.5, 0) == 0.25
    np.testing.assert_allclose(brier_score(np.array([0.2, 0.9]), 1), [0.64, 0.01])


def test_hindcast_table_has_a_brier_score_for_flags_only(hc):  # noqa: F811
    assert list(hc.table.columns) == list(HINDCAST_COLUMNS)
    assert "brier" in HINDCAST_COLUMNS
    rows = hc.table.set_index("id")
    flag = rows.loc["served-feb"]  # a shortage flag reported 0
    assert flag["scored"]
    assert flag["brier"] == pytest.approx((1.0 - flag["share_in_range"]) ** 2)
    assert math.isnan(rows.loc["cover-feb-impossible", "brier"])  # a number: no Brier
    incidents = hc.table[hc.table["kind"] == "incidents"]
    assert incidents["brier"].isna().all()
    assert hc.score()["brier"] == pytest.approx(flag["brier"])
    assert "Brier" in hc.describe()


def test_an_onset_gets_the_brier_score_of_its_window():
    """A rationing onset: the event is "began in the reported window", and it was reported."""
    from simfuel.analysis.hindcast import _brier

    assert _brier("rationing_started", np.array([1.0, 30.0]), 3.5, 0.5) == 0.25
    assert _brier("rationing", np.array([1.0, 1.0, 0.0, 0.0]), 1.0, 0.5) == 0.25
    assert math.isnan(_brier("days_of_cover", np.array([3.0]), 14.0, 0.0))
