"""convoy_timeline: lanes, bars, colours and attack marks, read back against the run."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

import simfuel
from simfuel.plot import ESCORT_COLORS, convoy_timeline

from .artists import datenum, legend_texts, texts

COLOR_KIND = {v: k for k, v in ESCORT_COLORS.items()}


@pytest.fixture(scope="module")
def expected_bars(run_result: simfuel.RunResult) -> pd.DataFrame:
    """Convoys overlapping the horizon: lane, escort kind, start and end [h from start]."""
    sc = run_result.scenario
    h = sc.horizon_h
    c = run_result.convoys
    ended = c["ended_h"].fillna(h)
    c = c[(c["departed_h"] <= h) & (ended >= 0)]
    return pd.DataFrame(
        {
            "lane": c["corridor"].map({k: i for i, k in enumerate(sc.corridors)}).to_numpy(),
            "kind": c["escort_kind"].to_numpy(),
            "left_h": c["departed_h"].clip(0, h).to_numpy(),
            "right_h": c["ended_h"].fillna(h).clip(0, h).to_numpy(),
        }
    )


def drawn_bars(ax: plt.Axes, start: object) -> pd.DataFrame:
    """The bars: lane, escort kind (from the colour), start and end [h from ``start``]."""
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    origin = datenum([start])[0]
    left = np.array([b.get_x() for b in bars])
    right = left + np.array([b.get_width() for b in bars])
    return pd.DataFrame(
        {
            "lane": [round(b.get_y() + b.get_height() / 2) for b in bars],
            "kind": [COLOR_KIND[to_hex(b.get_facecolor())] for b in bars],
            "left_h": (left - origin) * 24,
            "right_h": (right - origin) * 24,
        }
    )


def sort(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(list(df.columns)).reset_index(drop=True)


@pytest.fixture
def timeline(run_result: simfuel.RunResult) -> plt.Axes:
    return convoy_timeline(run_result)


def test_one_lane_per_corridor(timeline: plt.Axes, scenario: simfuel.Scenario) -> None:
    assert list(timeline.get_yticks()) == [0, 1]
    assert [t.get_text() for t in timeline.get_yticklabels()] == ["Main road", "North road"]
    bottom, top = timeline.get_ylim()
    assert bottom > top  # inverted: the first corridor on top
    assert len(scenario.corridors) == 2


def test_one_bar_per_convoy_in_the_horizon(
    timeline: plt.Axes, run_result: simfuel.RunResult, expected_bars: pd.DataFrame
) -> None:
    drawn = drawn_bars(timeline, run_result.scenario.start)
    assert len(drawn) == len(expected_bars)
    assert len(expected_bars) < len(run_result.convoys)  # warm-up convoys are left out
    pd.testing.assert_frame_equal(
        sort(drawn), sort(expected_bars), check_dtype=False, check_exact=False, atol=1e-6
    )


def test_bars_are_clipped_to_the_horizon(timeline: plt.Axes, run_result: simfuel.RunResult) -> None:
    sc = run_result.scenario
    drawn = drawn_bars(timeline, sc.start)
    np.testing.assert_allclose(
        timeline.get_xlim(), datenum([sc.start])[0] + np.array([0, sc.horizon_days])
    )
    assert drawn["left_h"].min() == pytest.approx(0)  # convoys on the road at the start
    assert (run_result.convoys["departed_h"] < 0).any()
    assert (drawn["right_h"] <= sc.horizon_h + 1e-6).all()
    assert (drawn["right_h"] > drawn["left_h"]).all()


def test_bar_colours_follow_escort_kind(
    timeline: plt.Axes, run_result: simfuel.RunResult, expected_bars: pd.DataFrame
) -> None:
    counts = drawn_bars(timeline, run_result.scenario.start)["kind"].value_counts().to_dict()
    assert counts == expected_bars["kind"].value_counts().to_dict()
    assert set(counts) == {"none", "ground", "air+ground"}
    # ground escorts on the main road only, air+ground on the north road only
    drawn = drawn_bars(timeline, run_result.scenario.start)
    assert set(drawn.loc[drawn["kind"] == "ground", "lane"]) == {0}
    assert set(drawn.loc[drawn["kind"] == "air+ground", "lane"]) == {1}


def test_attacks_are_marked_on_the_attacked_convoy(
    timeline: plt.Axes, run_result: simfuel.RunResult
) -> None:
    attacks = run_result.events[run_result.events["kind"] == "attacked"]
    assert len(timeline.collections) == 1
    offsets = np.asarray(timeline.collections[0].get_offsets())
    assert len(offsets) == len(attacks) > 0
    start = datenum([run_result.scenario.start])[0]
    np.testing.assert_allclose(offsets[:, 0], start + attacks["t_h"].to_numpy() / 24)
    lanes = attacks["corridor"].map({"main": 0, "north": 1}).to_numpy(float)
    assert (np.abs(offsets[:, 1] - lanes) < 0.4).all()  # in the corridor's lane
    # on a bar of that lane that is on the road at the time of the attack
    bars = [p for p in timeline.patches if isinstance(p, Rectangle)]
    for (x, y), lane in zip(offsets, lanes, strict=True):
        hits = [
            b
            for b in bars
            if b.get_x() <= x <= b.get_x() + b.get_width()
            and b.get_y() <= y <= b.get_y() + b.get_height()
            and round(b.get_y() + b.get_height() / 2) == lane
        ]
        assert hits, f"attack at ({x:.2f}, {y:.2f}) is on no bar of lane {lane:g}"


@pytest.mark.parametrize("label_from", [1, 5, 100])
def test_attack_labels_show_large_losses(run_result: simfuel.RunResult, label_from: int) -> None:
    ax = convoy_timeline(run_result, label_losses_from=label_from)
    tankers = run_result.events.loc[run_result.events["kind"] == "attacked", "tankers"]
    expected = sorted(str(t) for t in tankers if t >= label_from)
    assert sorted(texts(ax)) == expected
    if label_from == 5:
        assert 0 < len(expected) < (tankers > 0).sum()  # the threshold really filters


def test_legend_and_title(timeline: plt.Axes, run_result: simfuel.RunResult) -> None:
    assert legend_texts(timeline) == [  # the kinds drawn, in words
        "no escort",
        "ground escort",
        "air cover (daily hours) + ground escort",
        "attack (tankers lost)",
    ]
    assert timeline.get_title() == f"plotted: convoys by corridor (seed {run_result.seed})"
    assert timeline.get_xlabel().startswith("date")


def test_lanes_of_a_quiet_run(tiny: dict) -> None:
    tiny["corridors"]["unused"] = {
        **tiny["corridors"]["main"],
        "name": "Unused road",
        "tankers_per_day": 0,
    }
    ax = convoy_timeline(simfuel.run(tiny, seed=1), title="quiet")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["main", "Unused road"]
    assert set(drawn_bars(ax, "2025-01-01")["lane"]) == {0}
    assert {drawn_bars(ax, "2025-01-01")["kind"].unique().item()} == {"none"}
    assert len(ax.collections) == 0  # no attacks, no markers
    assert ax.get_title() == "quiet"


def test_convoys_of_an_unknown_escort_kind_are_drawn_and_named(
    run_result: simfuel.RunResult, expected_bars: pd.DataFrame
) -> None:
    # A kind a user registered (simfuel.sim.register) has no colour of its own.
    import dataclasses

    from simfuel.plot._style import OTHER_ESCORT_COLOR

    convoys = run_result.convoys.copy()
    convoys.loc[convoys["escort_kind"] == "ground", "escort_kind"] = "drone"
    ax = convoy_timeline(dataclasses.replace(run_result, convoys=convoys))
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == len(expected_bars)
    others = [b for b in bars if to_hex(b.get_facecolor()) == OTHER_ESCORT_COLOR]
    assert len(others) == (expected_bars["kind"] == "ground").sum() > 0
    assert "escort: drone" in legend_texts(ax)
