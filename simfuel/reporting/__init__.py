"""The shareable report: one self-contained HTML page about a scenario and its ensemble.

::

    from simfuel.reporting import make_report
    path = make_report("scenarios/mali-2025.yaml", reps=200, seed=0, out="out/report")

The page (``report.html``) embeds its figures as PNG ``data:`` URIs and its CSS inline;
it loads nothing from the network and can be mailed or opened offline.
"""

from .build import REPRESENTATIVE_METRICS, make_report, render_html, representative_replication

__all__ = ["REPRESENTATIVE_METRICS", "make_report", "render_html", "representative_replication"]
