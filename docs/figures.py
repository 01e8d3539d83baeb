"""Regenerate the README's figures: ``make figures`` (or ``python docs/figures.py``).

Draws the Mali 2025 ensemble's days-of-cover fan chart beside the no-emergency-deal
counterfactual (docs/mali-2025-cover.png) and the scenario's corridor map
(docs/mali-2025-map.png). ``python docs/figures.py map`` redraws the map only (seconds;
the two 200-replication ensembles take minutes).
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import simfuel
from simfuel import plot

ROOT = Path(__file__).resolve().parents[1]


def main() -> list[Path]:
    """Draw the figures and write them; returns their paths."""
    runs = {
        "mali-2025": simfuel.run_ensemble(
            ROOT / "scenarios" / "mali-2025.yaml", 200, seed=2025, progress=False
        ),
        "without the emergency deal": simfuel.run_ensemble(
            ROOT / "scenarios" / "no-emergency-deal.yaml", 200, seed=2025, progress=False
        ),
    }
    fig, ax = plt.subplots(figsize=(11, 5.2), layout="constrained")
    plot.compare_scenarios(runs, "days_of_cover", ax=ax)
    ax.set_title("Bamako: days of fuel cover, 200 replications each (median and 90 % band)")
    out = ROOT / "docs" / "mali-2025-cover.png"
    with simfuel.io.atomic_path(out) as tmp:
        fig.savefig(tmp, format="png", dpi=90)
    plt.close(fig)
    return [out, corridor_map()]


def corridor_map() -> Path:
    """The scenario's corridors, places and reported attacks on country outlines."""
    ax = plot.corridor_map(simfuel.load_scenario(ROOT / "scenarios" / "mali-2025.yaml"))
    out = ROOT / "docs" / "mali-2025-map.png"
    with simfuel.io.atomic_path(out) as tmp:
        # Cropped to what is drawn: the map's fixed aspect leaves bands above and below.
        # The names are placed again at the dpi it is saved at.
        ax.figure.savefig(tmp, format="png", dpi=100, bbox_inches="tight", pad_inches=0.1)
    plt.close(ax.figure)
    return out


if __name__ == "__main__":
    for path in [corridor_map()] if sys.argv[1:] == ["map"] else main():
        print(f"wrote {path}")
