"""Place names on the map of the regional mali-2025: where roads meet, the names still
read, on the figure sizes the docs, the report and a user draw it at."""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Annotation

import simfuel
from simfuel.plot import corridor_map
from tests.helpers import SCENARIOS

from .artists import letters, overlapping, struck

#: (figure size [in], dpi): the README's map, and a small one of a user's.
SIZES = [((10, 7.5), 80), ((7, 5), 100)]
#: The largest markers' radii added [points]: the depot's star (90 pt²) and a dot (14 pt²).
OVERLAP_PT = (90**0.5 + 14**0.5) / 2


def names(ax: plt.Axes) -> list[Annotation]:
    return [
        t
        for t in ax.texts
        if isinstance(t, Annotation) and t.get_gid() in ("place name", "depot name")
    ]


@pytest.fixture(scope="module", params=SIZES, ids=lambda s: f"{s[0][0]}x{s[0][1]}in@{s[1]}dpi")
def drawn(request: pytest.FixtureRequest, mali: simfuel.Scenario) -> Iterator[plt.Axes]:
    size, dpi = request.param
    # Not pyplot's: the figure outlives the tests' plt.close("all"), drawn once per size.
    fig = Figure(figsize=size, dpi=dpi, layout="compressed")
    FigureCanvasAgg(fig)
    ax = corridor_map(mali, ax=fig.add_subplot())
    fig.canvas.draw()
    yield ax


def test_depot_and_destinations_are_named_clear_of_every_leg(
    drawn: plt.Axes, mali: simfuel.Scenario
) -> None:
    shown = [t for t in names(drawn) if t.get_visible()]
    wanted = [mali.places[mali.depot.place].name] + [
        mali.places[d.place].name for d in mali.destinations.values()
    ]
    assert wanted == ["Bamako", "Ségou", "Mopti"]
    assert set(wanted) <= {t.get_text() for t in shown}
    assert len(shown) >= 12
    assert struck(drawn, shown) == []
    assert overlapping(drawn, shown) == []


def test_names_stay_inside_the_map_and_say_which_point_they_name(drawn: plt.Axes) -> None:
    """Inside the axes; and a name is nearer its own point than any other point, unless a
    leader joins it to its point."""
    renderer = drawn.figure.canvas.get_renderer()
    frame = drawn.get_window_extent(renderer)
    every = names(drawn)
    points = drawn.transData.transform([t.xy for t in every])
    for i, t in enumerate(every):
        if not t.get_visible():
            continue
        box = letters(t, renderer)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, t.get_text()
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, t.get_text()
        if t.arrow_patch is not None and t.arrow_patch.get_visible():
            continue
        x, y = points[:, 0], points[:, 1]
        zero = np.zeros(len(points))
        gap = np.hypot(
            np.maximum.reduce([box.x0 - x, zero, x - box.x1]),
            np.maximum.reduce([box.y0 - y, zero, y - box.y1]),
        )
        # not a point whose marker overlaps this one's: the two read as one point
        apart = np.hypot(x - x[i], y - y[i]) > OVERLAP_PT * drawn.figure.dpi / 72
        assert gap[i] <= gap[apart].min(), t.get_text()


def test_the_title_names_the_places_with_stock(mali: simfuel.Scenario) -> None:
    assert corridor_map(mali).get_title() == "mali-2025: corridors to Bamako, Ségou and Mopti"
    tutorial = simfuel.load_scenario(SCENARIOS / "tutorial-network.yaml")
    assert len(tutorial.destinations) == 4
    title = corridor_map(tutorial).get_title()
    assert title == "tutorial-network: corridors to Aldmere and 4 other destinations"


def test_the_depots_country_is_named_though_roads_cross_its_middle(drawn: plt.Axes) -> None:
    """The RN6 runs through the middle of Mali: its name moves within Mali, off the roads."""
    countries = [t for t in drawn.texts if t.get_gid() == "country name" and t.get_visible()]
    assert "MALI" in [t.get_text() for t in countries]
    assert struck(drawn, countries) == []


def test_a_destination_beside_the_depot_is_named_all_the_same(mali: simfuel.Scenario) -> None:
    """Ségou moved onto Bamako's star: a plain place there would go unnamed (it reads as
    the depot), a destination never does."""
    bamako = mali.places["bamako"]
    near = simfuel.apply_overrides(
        mali, {"places.segou.lat": bamako.lat + 0.02, "places.segou.lon": bamako.lon + 0.02}
    )
    ax = corridor_map(near)
    ax.figure.canvas.draw()
    shown = [t.get_text() for t in names(ax) if t.get_visible()]
    assert "Bamako" in shown and "Ségou" in shown
    assert struck(ax, [t for t in names(ax) if t.get_visible()]) == []
