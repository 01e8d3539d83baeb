"""corridor_map and attack_locations: legs, styles, attacks and background, read back."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import Polygon

import simfuel
from simfuel.data import BORDERS_CREDIT, country_outlines
from simfuel.plot import attack_locations, corridor_colors, corridor_map

from .artists import legend_texts, texts


def legs(sc: simfuel.Scenario) -> list[tuple[str, int, object, bool]]:
    """(corridor, index, leg, before staging) for every leg, in drawing order."""
    out = []
    for key, c in sc.corridors.items():
        staging_at = [leg.from_ for leg in c.legs].index(c.staging)
        out += [(key, i, leg, i < staging_at) for i, leg in enumerate(c.legs)]
    return out


def attack_scatter(ax: plt.Axes) -> list:
    return [c for c in ax.collections if c.get_zorder() == 6]


def midpoint(sc: simfuel.Scenario, a: str, b: str) -> tuple[float, float]:
    pa, pb = sc.places[a], sc.places[b]
    return (pa.lon + pb.lon) / 2, (pa.lat + pb.lat) / 2


# ---------------------------------------------------------------- attack_locations


def test_attack_locations_are_leg_midpoints(run_result: simfuel.RunResult) -> None:
    sc = run_result.scenario
    attacked = run_result.events[run_result.events["kind"] == "attacked"]
    loc = attack_locations(run_result)
    assert list(loc.columns) == ["time", "corridor", "lon", "lat", "tankers", "scripted"]
    assert len(loc) == len(attacked) > 0
    mids = [
        midpoint(sc, a, b) for a, b in zip(attacked["leg_from"], attacked["leg_to"], strict=True)
    ]
    np.testing.assert_allclose(loc[["lon", "lat"]].to_numpy(), np.array(mids))
    assert loc["tankers"].tolist() == attacked["tankers"].tolist()
    assert loc["corridor"].tolist() == attacked["corridor"].tolist()
    assert loc["scripted"].sum() == 2  # the two scripted attacks found their convoy
    assert set(loc.loc[loc["scripted"], "tankers"]) == {7, 3}


def test_attack_locations_of_a_calm_run(tiny: dict) -> None:
    loc = attack_locations(simfuel.run(tiny, seed=1))
    assert loc.empty
    assert list(loc.columns) == ["time", "corridor", "lon", "lat", "tankers", "scripted"]


# ---------------------------------------------------------------- the map of a run


@pytest.fixture
def run_map(run_result: simfuel.RunResult) -> plt.Axes:
    return corridor_map(run_result)


def test_axes_are_geographic(run_map: plt.Axes, scenario: simfuel.Scenario) -> None:
    # a kilometre as long east-west as north-south at the view's middle latitude
    middle = np.mean(run_map.get_ylim())
    assert run_map.get_aspect() == pytest.approx(1 / np.cos(np.radians(middle)))
    assert run_map.get_xlabel() == "longitude [°E]"
    assert run_map.get_ylabel() == "latitude [°N]"
    lons = [p.lon for p in scenario.places.values()]
    lats = [p.lat for p in scenario.places.values()]
    np.testing.assert_allclose(run_map.get_xlim(), (min(lons) - 1, max(lons) + 1))
    np.testing.assert_allclose(run_map.get_ylim(), (min(lats) - 1, max(lats) + 1))
    assert run_map.get_title() == "plotted: corridors to Capital"


def test_one_line_per_leg(run_map: plt.Axes, scenario: simfuel.Scenario) -> None:
    expected = legs(scenario)
    assert len(run_map.lines) == len(expected) == 5
    colors = corridor_colors(scenario)
    for ln, (key, _, leg, before) in zip(run_map.lines, expected, strict=True):
        a, b = scenario.places[leg.from_], scenario.places[leg.to]
        x, y = ln.get_xdata(), ln.get_ydata()
        np.testing.assert_allclose(x, [a.lon, b.lon], atol=0.05)  # small offset per corridor
        np.testing.assert_allclose(y, [a.lat, b.lat], atol=0.05)
        assert to_hex(ln.get_color()) == colors[key]
        assert ln.get_linestyle() == ("--" if before else "-"), (key, leg.from_)


def test_riskier_legs_are_thicker(run_map: plt.Axes, scenario: simfuel.Scenario) -> None:
    solid = [
        (leg.risk, ln.get_linewidth())
        for ln, (_, _, leg, before) in zip(run_map.lines, legs(scenario), strict=True)
        if not before
    ]
    risks = sorted({r for r, _ in solid})
    assert risks == [1.0, 2.0]
    widths = {r: {w for rr, w in solid if rr == r} for r in risks}
    assert len(widths[1.0]) == 1 and len(widths[2.0]) == 1  # width depends on risk only
    assert max(widths[1.0]) < min(widths[2.0])


def test_legend_has_one_entry_per_corridor(run_map: plt.Axes) -> None:
    assert legend_texts(run_map) == [
        "Main road",
        "North road",
        "attack (size: tankers lost)",
        "before staging (no threat)",
        "thicker: higher risk",
    ]


def test_attacks_sized_by_tankers_lost(run_map: plt.Axes, run_result: simfuel.RunResult) -> None:
    (scatter,) = attack_scatter(run_map)
    loc = attack_locations(run_result)
    np.testing.assert_allclose(scatter.get_offsets(), loc[["lon", "lat"]].to_numpy())
    sizes = np.asarray(scatter.get_sizes(), float)
    np.testing.assert_allclose(sizes, 20 + 6 * loc["tankers"].to_numpy())
    by_loss = pd.Series(sizes).groupby(loc["tankers"].to_numpy()).agg(["min", "max"])
    assert len(by_loss) > 3
    assert (by_loss["min"].to_numpy()[1:] > by_loss["max"].to_numpy()[:-1]).all()


def test_places_and_depot(run_map: plt.Axes, scenario: simfuel.Scenario) -> None:
    places = [c for c in run_map.collections if c.get_zorder() == 4]
    assert len(places) == len(scenario.places)
    offsets = np.concatenate([np.asarray(c.get_offsets()) for c in places])
    np.testing.assert_allclose(offsets, [(p.lon, p.lat) for p in scenario.places.values()])
    sizes = [c.get_sizes()[0] for c in places]
    depot_at = list(scenario.places).index(scenario.depot.place)
    assert sizes[depot_at] == max(sizes) and sorted(sizes)[-2] < max(sizes)
    written = texts(run_map)
    for name in ("Capital", "Second Port", "port", "border2"):
        assert name in written


def drawn_rings(ax: plt.Axes) -> list[np.ndarray]:
    return [np.asarray(p.get_xy()) for p in ax.patches if isinstance(p, Polygon)]


def test_country_outlines_of_the_view_and_credit(run_map: plt.Axes) -> None:
    outlines = country_outlines()
    assert len(outlines) == 177  # the world, not one region
    (x0, x1), (y0, y1) = run_map.get_xlim(), run_map.get_ylim()
    rings = drawn_rings(run_map)
    assert 3 < len(rings) < 40  # the countries around the view, not the 287 rings of the world
    for ring in rings:  # each reaches into the view (grown by 1°)
        assert ring[:, 0].min() <= x1 + 1 and ring[:, 0].max() >= x0 - 1
        assert ring[:, 1].min() <= y1 + 1 and ring[:, 1].max() >= y0 - 1
    mali = [
        p
        for p in run_map.patches
        if isinstance(p, Polygon)
        for ring in outlines["MLI"]["rings"]
        if len(p.get_xy()) >= len(ring) and np.allclose(p.get_xy()[: len(ring)], ring)
    ]
    assert len(mali) == 1  # the capital (-8°E, 12°N) is in Mali: its country is shaded
    faces = {to_hex(p.get_facecolor()) for p in run_map.patches if isinstance(p, Polygon)}
    assert len(faces) == 2 and to_hex(mali[0].get_facecolor()) in faces
    others = [p for p in run_map.patches if isinstance(p, Polygon) and p is not mali[0]]
    assert {to_hex(p.get_facecolor()) for p in others} == faces - {to_hex(mali[0].get_facecolor())}
    assert BORDERS_CREDIT in texts(run_map)
    assert "Natural Earth" in BORDERS_CREDIT
    # country names only for countries whose centre is in view: here Guinea, not Niger
    assert "GUINEA" in texts(run_map)
    assert "NIGER" not in texts(run_map)


def test_without_attacks_or_labels(run_result: simfuel.RunResult) -> None:
    ax = corridor_map(run_result, attacks=False, labels=False, title="t")
    assert attack_scatter(ax) == []
    assert "Capital" not in texts(ax)
    assert "attack (size: tankers lost)" not in legend_texts(ax)
    assert ax.get_title() == "t"


# ---------------------------------------------------------------- a scenario, an ensemble


@pytest.mark.parametrize("source", ["scenario", "ensemble"])
def test_scripted_attacks_without_a_run(request: pytest.FixtureRequest, source: str) -> None:
    obj = request.getfixturevalue(source)
    sc = obj if isinstance(obj, simfuel.Scenario) else obj.scenario
    ax = corridor_map(obj)
    (scatter,) = attack_scatter(ax)
    # main: the leg from town (not the first after staging); north: no leg given, the
    # first leg from staging
    np.testing.assert_allclose(
        scatter.get_offsets(), [midpoint(sc, "town", "city"), midpoint(sc, "border2", "city")]
    )
    np.testing.assert_allclose(scatter.get_sizes(), [20 + 6 * 7, 20 + 6 * 3])
    face = np.asarray(scatter.get_facecolor())
    assert face.size == 0 or (face[:, 3] == 0).all()  # open circles
    assert "reported attack (size: tankers)" in legend_texts(ax)
    assert len(ax.lines) == 5
    assert ax.get_title() == "plotted: corridors to Capital"


def test_map_of_a_scenario_without_scripted_attacks(tiny: dict) -> None:
    ax = corridor_map(simfuel.load_scenario(tiny))
    assert attack_scatter(ax) == []
    assert legend_texts(ax) == ["main", "before staging (no threat)", "thicker: higher risk"]
    assert [ln.get_linestyle() for ln in ax.lines] == ["--", "-", "-"]


def test_draws_on_the_given_axes(scenario: simfuel.Scenario) -> None:
    _, ax = plt.subplots()
    assert corridor_map(scenario, ax=ax) is ax


# ---------------------------------------------------------------- anywhere in the world


def caucasus() -> dict:
    """A synthetic scenario around Tbilisi, far from West Africa (no real case)."""
    from tests.helpers import tiny_scenario

    raw = tiny_scenario()
    raw["name"] = "caucasus"
    raw["places"] = {
        "port": {"lat": 42.15, "lon": 41.67, "name": "Poti"},
        "border": {"lat": 41.55, "lon": 44.99, "name": "Red Bridge"},
        "town": {"lat": 40.80, "lon": 44.49, "name": "Vanadzor"},
        "city": {"lat": 40.18, "lon": 44.51, "name": "Yerevan"},
    }
    return raw


def test_a_scenario_elsewhere_draws_its_own_region(tiny: dict) -> None:
    sc = simfuel.load_scenario(caucasus())
    ax = corridor_map(sc)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    rings = [r for r in drawn_rings(ax) if len(r) >= 3]
    assert len(rings) >= 3  # Georgia, Armenia, Azerbaijan, Turkey, ...
    overlapping_view = [
        r
        for r in rings
        if r[:, 0].min() < x1 and r[:, 0].max() > x0 and r[:, 1].min() < y1 and r[:, 1].max() > y0
    ]
    assert len(overlapping_view) >= 3
    assert {"ARMENIA", "GEORGIA"} <= set(texts(ax))
    # the depot (Yerevan) lies in the one shaded country
    faces = [to_hex(p.get_facecolor()) for p in ax.patches if isinstance(p, Polygon)]
    shaded = [r for r, f in zip(rings, faces, strict=True) if faces.count(f) == 1]
    assert len(shaded) == 1
    from matplotlib.path import Path as MplPath

    assert MplPath(shaded[0]).contains_point((44.51, 40.18))
    # and Mali, far away, is not drawn
    mali = np.asarray(country_outlines()["MLI"]["rings"][0])
    assert not any(r.shape == mali.shape and np.allclose(r, mali) for r in rings)


def test_the_scale_bar_measures_kilometres(run_result: simfuel.RunResult) -> None:
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

    for sc in (run_result.scenario, simfuel.load_scenario(caucasus())):
        ax = corridor_map(sc)
        (bar,) = [a for a in ax.artists if isinstance(a, AnchoredSizeBar)]
        km = float(bar.txt_label.get_text().removesuffix(" km"))
        assert km > 0 and f"{km:g}"[0] in "125"
        (rect,) = bar.size_bar.get_children()
        lat = np.mean(ax.get_ylim())
        # its length in degrees of longitude, at the view's middle latitude
        assert rect.get_width() * 111.195 * np.cos(np.radians(lat)) == pytest.approx(km)
        width_km = np.ptp(ax.get_xlim()) * 111.195 * np.cos(np.radians(lat))
        assert width_km / 10 <= km <= width_km / 2


def outline_file(tmp_path: pytest.TempPathFactory, features: list) -> str:
    import json

    path = tmp_path / "mine.geojson"  # type: ignore[operator]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return str(path)


def square(name: str | None, x0: float, y0: float, size: float) -> dict:
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    props = {"name": name} if name else {}
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_a_users_outline_file_is_drawn_instead(scenario: simfuel.Scenario, tmp_path) -> None:
    path = outline_file(tmp_path, [square("Region A", -12, 9, 3), square(None, -9, 11, 2)])
    ax = corridor_map(scenario, outlines=path)
    rings = drawn_rings(ax)
    assert len(rings) == 2
    np.testing.assert_allclose(rings[0][:4], [[-12, 9], [-9, 9], [-9, 12], [-12, 12]])
    assert "REGION A" in texts(ax)
    assert "Outlines: mine.geojson" in texts(ax)
    assert BORDERS_CREDIT not in texts(ax)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", r"mine.geojson: line 1: not JSON"),
        ('{"type": "Topology"}', r"mine.geojson: type: must be FeatureCollection or Feature"),
        ('{"type": "FeatureCollection", "features": []}', r"mine.geojson: features: must be"),
        (
            '{"type": "FeatureCollection", "features": [{"geometry": {"type": "Point",'
            ' "coordinates": [1, 2]}}]}',
            r"mine.geojson: features\[0\].geometry.type: must be Polygon or MultiPolygon "
            r"\(got 'Point'\)",
        ),
        (
            '{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[["a", 1]]]}}',
            r"mine.geojson: features\[0\].geometry.coordinates: must be rings",
        ),
    ],
)
def test_a_bad_outline_file_fails_in_one_line(
    scenario: simfuel.Scenario, tmp_path, content: str, message: str
) -> None:
    from simfuel.data import OutlinesError

    path = tmp_path / "mine.geojson"
    path.write_text(content)
    with pytest.raises(OutlinesError, match=message) as err:
        corridor_map(scenario, outlines=path)
    assert "\n" not in str(err.value)
    assert isinstance(err.value, ValueError)


def test_a_missing_outline_file_fails_in_one_line(scenario: simfuel.Scenario, tmp_path) -> None:
    from simfuel.data import OutlinesError

    with pytest.raises(OutlinesError, match=r"nowhere.geojson: cannot read the outline file"):
        corridor_map(scenario, outlines=tmp_path / "nowhere.geojson")
