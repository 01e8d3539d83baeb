"""``make_report``: one self-contained HTML page about a scenario and its ensemble."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..ensemble import EnsembleResult, run_ensemble
from ..ensemble.destinations import resolve_destination
from ..io import write_text
from ..results import RunResult
from ..run import SeedLike, run
from ..scenario import Scenario, ScenarioError, load_scenario, read_source, resolve_scenario
from ._common import Context
from .figures import report_figures
from .frame import caveat, footer, header
from .html import join, page, tag
from .section_distributions import section_distributions
from .section_key_figures import section_key_figures
from .section_parameters import section_parameters
from .section_replication import section_replication, typical_run_title
from .section_scenario import section_scenario
from .section_stocks import section_stocks

__all__ = ["REPRESENTATIVE_METRICS", "make_report", "render_html", "representative_replication"]

ScenarioLike = Scenario | str | os.PathLike[str] | Mapping[str, Any]

#: Metrics whose medians the representative replication is closest to (see
#: :meth:`EnsembleResult.representative_replication`).
REPRESENTATIVE_METRICS = EnsembleResult.REPRESENTATIVE_METRICS


def make_report(
    scenario: ScenarioLike | None = None,
    *,
    reps: int = 200,
    seed: SeedLike = 0,
    out: str | os.PathLike[str] = "out/report",
    workers: int | None = None,
    executor: Any = None,
    progress: bool = True,
    ensemble: EnsembleResult | None = None,
    destination: str | None = None,
) -> Path:
    """Run an ensemble of a scenario and write a self-contained ``report.html``.

    The page holds the scenario summary, key figures (median and 90 % interval across
    replications), fan charts of days of cover and stock, the share of replications
    rationing or out of stock, the convoy timeline and corridor map of one representative
    replication (see :meth:`EnsembleResult.representative_replication`), distributions of losses,
    deliveries, shortfall days and minimum cover, the scenario's parameters and timeline,
    and the full scenario as YAML. Figures are embedded PNGs (``data:`` URIs); the page
    loads nothing from anywhere.

    Parameters
    ----------
    scenario : Scenario, path or mapping, optional
        What to run (anything :func:`simfuel.load_scenario` accepts). May be omitted when
        ``ensemble`` is given; if both are given they must be the same scenario.
    reps : int
        Replications of the ensemble (ignored with ``ensemble``).
    seed : int or numpy.random.SeedSequence
        Root seed of the ensemble (ignored with ``ensemble``).
    out : path
        Folder to write ``report.html`` into (created if missing).
    workers, executor, progress
        As for :func:`simfuel.run_ensemble`.
    ensemble : EnsembleResult, optional
        An ensemble already run (or opened with :meth:`EnsembleResult.from_parquet`): the
        report reuses it instead of running one.
    destination : str, optional
        The place with stock whose key figures, fan charts and distributions the page
        shows (default: the main destination, the depot). A scenario with several places
        with stock also gets a table of every destination's key figures.

    Returns
    -------
    pathlib.Path
        The path of ``report.html``, written atomically.

    Raises
    ------
    ScenarioError
        If the scenario is invalid.
    ValueError
        If neither ``scenario`` nor ``ensemble`` is given, or they disagree.
    UnknownDestination
        If ``destination`` is not a place with stock (before any replication runs).
    EnsembleError
        If replications failed.
    """
    t0 = time.perf_counter()
    source_path: Path | None = None
    if isinstance(scenario, str | os.PathLike):
        try:
            source_path = resolve_scenario(scenario)  # a shipped scenario's name, too
        except ScenarioError:
            source_path = None  # load_scenario below says what is wrong
    if ensemble is None:
        if scenario is None:
            raise ValueError("make_report needs a scenario or an ensemble")
        sc = load_scenario(scenario)
        resolve_destination(sc, destination)
        ensemble = run_ensemble(
            sc, reps, seed=seed, workers=workers, executor=executor, progress=progress
        )
    elif scenario is not None:
        sc = load_scenario(scenario)
        if sc.model_dump(by_alias=True) != ensemble.scenario.model_dump(by_alias=True):
            raise ValueError(
                f"the ensemble was run on another scenario ({ensemble.scenario.name!r}) "
                f"than the one given ({sc.name!r})"
            )
    source = _read_source(source_path)
    text = render_html(ensemble, source=source, started=t0, destination=destination)
    return write_text(Path(out) / "report.html", text)


def representative_replication(ensemble: EnsembleResult) -> int:
    """The replication closest to the ensemble's medians.

    Kept for callers of ``simfuel.reporting``: the same as
    :meth:`EnsembleResult.representative_replication`, which documents the choice.
    """
    return ensemble.representative_replication()


def representative_run(ensemble: EnsembleResult, replication: int) -> RunResult:
    """Re-run replication ``replication`` of the ensemble with :func:`simfuel.run`.

    Scenario and seed come from :meth:`EnsembleResult.replication_inputs`, the ones the
    ensemble ran it with (a posterior ensemble runs a different draw per replication), so
    the run reproduces that replication exactly.
    """
    scenario, seed = ensemble.replication_inputs(replication)
    return run(scenario, seed=seed)


def render_html(
    ensemble: EnsembleResult,
    *,
    replication: int | None = None,
    source: tuple[str, str] | None = None,
    started: float | None = None,
    destination: str | None = None,
) -> str:
    """The report page of an ensemble as an HTML string (what :func:`make_report` writes).

    Parameters
    ----------
    ensemble : EnsembleResult
        The replications.
    replication : int, optional
        The replication whose convoys and attacks are shown (default:
        :meth:`EnsembleResult.representative_replication`).
    source : (name, text), optional
        The scenario file as written, shown with its comments.
    started : float, optional
        ``time.perf_counter()`` at the start of the work, to report the time taken.
    destination : str, optional
        The place with stock the page is about (default: the main destination).
    """
    t0 = time.perf_counter() if started is None else started
    place = resolve_destination(ensemble.scenario, destination)
    k = ensemble.representative_replication() if replication is None else int(replication)
    if k not in ensemble.replications.index:
        raise ValueError(f"replication {k} is not in the ensemble")
    result = representative_run(ensemble, k)
    images = report_figures(ensemble, result, k, place)
    ctx = Context(ensemble, result, k, images, place)
    sections = [
        # The bottom line first; what was run follows it.
        ("key-figures", "Key figures", section_key_figures(ctx)),
        ("scenario", "Scenario", section_scenario(ctx)),
        ("stocks", f"{ctx.vocab.commodity.capitalize()} in {ctx.place_name}", section_stocks(ctx)),
        ("replication", typical_run_title(k), section_replication(ctx)),
        ("distributions", "Distributions", section_distributions(ctx)),
        ("parameters", "Parameters", section_parameters(ctx, source)),
    ]
    body = join(
        [caveat(ctx), *(tag("section", join([tag("h2", t), c]), id=a) for a, t, c in sections)]
    )
    elapsed = time.perf_counter() - t0
    return page(
        title=f"simfuel report: {ensemble.provenance.label}",
        header=header(ctx),
        toc=[(a, t) for a, t, _ in sections],
        body=body,
        footer=footer(ctx, elapsed),
        images_total=len(images),
    )


def _read_source(path: Path | None) -> tuple[str, str] | None:
    if path is None:
        return None
    try:
        return str(path), read_source(path)
    except ScenarioError:  # the report still shows the scenario as loaded
        return None
