"""``compare``: a decision brief, one self-contained HTML page comparing options.

::

    import simfuel
    path = simfuel.compare(["mali-2025", "ground-escort-mid-september"], reps=200, seed=0)

Each option is a scenario; all run with the same seed and number of replications through
:func:`simfuel.run_ensemble`, so replication ``i`` of every option runs on the same seed
(common random numbers) and the differences are paired (see :mod:`.compare_stats`). The
page opens with the assumptions caveat and the bottom line, then overlays the options'
fan charts and stock-out curves, draws the reported losses against every option when an
incident table is given, and ends with the options and all their metrics. Every figure
is of the options' main destination unless ``destination=`` (``--destination``) names
another place with stock, which the brief then names.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .._version import __version__
from ..data import BORDERS_CREDIT
from ..ensemble import EnsembleResult, run_ensemble
from ..ensemble.destinations import UnknownDestination, resolve_destination
from ..errors import InputError
from ..io import write_text
from ..labels import COVER_DEFINITION, FUEL, Vocabulary
from ..observations import incidents as load_incidents
from ..observations import validate_incidents
from ..plot.compare import compare_fans, compare_incidents, compare_stockout
from ..run import SeedLike
from ..scenario import Scenario, load_scenario
from ._common import _long_date
from .figures import render
from .html import Html, Image, figure, join, page, tag
from .section_compare import (
    brief_numbers,
    brief_vocabulary,
    caveat,
    destination_name,
    option_list,
    section_bottom_line,
    section_metrics,
    section_options,
)

__all__ = ["CompareError", "check_destination", "compare", "parse_options", "render_brief"]

ScenarioLike = Scenario | str | os.PathLike[str] | Mapping[str, Any]

#: The file :func:`compare` writes into its ``out`` folder.
BRIEF_NAME = "compare.html"


class CompareError(InputError):
    """Options that cannot be compared: fewer than two, or two with the same label."""


def _label_and_target(item: ScenarioLike) -> tuple[str, ScenarioLike, str | None]:
    """``(label, what to load, source as written)`` of one option."""
    if isinstance(item, Scenario):
        return item.name, item, None
    if isinstance(item, Mapping):
        return str(item.get("name") or "scenario"), item, None
    text = os.fspath(item)
    if isinstance(item, str) and "=" in text and not os.path.lexists(text):
        label, _, target = text.partition("=")
        label, target = label.strip(), target.strip()
        if not label or not target:
            raise CompareError(f"option {text!r}: write LABEL=PATH, both non-empty")
        return label, target, target
    return Path(text).stem or text, item, text


def parse_options(
    options: Sequence[ScenarioLike] | Mapping[str, ScenarioLike],
) -> tuple[dict[str, Scenario], dict[str, str | None]]:
    """Load the options of a comparison, each under its label.

    Parameters
    ----------
    options : sequence or mapping
        Scenarios (anything :func:`simfuel.load_scenario` accepts: a file, a shipped
        scenario's name, a mapping, a :class:`Scenario`), or a mapping of label to
        scenario. A string ``LABEL=PATH`` (that is not itself an existing file) labels
        its scenario; otherwise a file's label is its stem (``options/escort.yaml``:
        ``escort``), a shipped scenario's its name, a :class:`Scenario`'s its ``name``.

    Returns
    -------
    (dict of str to Scenario, dict of str to str or None)
        The loaded scenarios by label, in the given order (the first one the reference),
        and each option's source as written (None for objects).

    Raises
    ------
    CompareError
        Fewer than two options, two with the same label, or an empty ``LABEL=``.
    ScenarioError
        If a scenario is missing or invalid (the message names the file and field).
    """
    if isinstance(options, str | os.PathLike):
        options = [options]
    items: list[tuple[str, ScenarioLike, str | None]]
    if isinstance(options, Mapping):
        items = [
            (str(k), v, os.fspath(v) if isinstance(v, str | os.PathLike) else None)
            for k, v in options.items()
        ]
    else:
        items = [_label_and_target(o) for o in options]
    if len(items) < 2:
        shown = ", ".join(repr(k) for k, _, _ in items) or "none"
        raise CompareError(f"compare needs at least two options (got {len(items)}: {shown})")
    seen: dict[str, str] = {}
    for label, _, source in items:
        where = source or "an object"
        if label in seen:
            raise CompareError(
                f"two options are labelled {label!r} ({seen[label]} and {where}): "
                "name them with LABEL=PATH"
            )
        seen[label] = where
    scenarios = {label: load_scenario(target) for label, target, _ in items}
    return scenarios, {label: source for label, _, source in items}


def compare(
    options: Sequence[ScenarioLike] | Mapping[str, ScenarioLike],
    *,
    reps: int = 200,
    seed: SeedLike = 0,
    out: str | os.PathLike[str] = "out/compare",
    incidents: pd.DataFrame | str | os.PathLike[str] | None = None,
    workers: int | None = None,
    executor: Any = None,
    progress: bool = True,
    destination: str | None = None,
) -> Path:
    """Run every option on the same seeds and write a decision brief, ``compare.html``.

    The page opens with the assumptions caveat and the bottom line: for each option the
    probability of a stock-out, its median date and the tankers lost, with the **paired**
    differences against the first option and their 90 % intervals. Replication ``i`` of
    every option runs on the same seed (common random numbers); a difference is the mean
    over replications of (option − first option), its interval the 5th to 95th percentile
    of a paired bootstrap of that mean (2,000 resamples of the replications, the same
    for both options; see :mod:`simfuel.reporting.compare_stats`). Then come overlaid fan
    charts of days of cover, the probability of a stock-out by each date, the reported
    losses against every option's model (with ``incidents``), the options (what differs
    from the first, and up to which day they agree exactly) and every metric. The page is
    self-contained like the report (:func:`simfuel.report`): figures embedded, nothing
    loaded from anywhere.

    Parameters
    ----------
    options : sequence or mapping
        Two or more scenarios, the first the reference: files, shipped names, ``LABEL=PATH``
        strings, mappings or :class:`Scenario` objects, or a mapping of label to scenario
        (see :func:`parse_options` for the labels).
    reps : int
        Replications per option (the same for every option).
    seed : int or numpy.random.SeedSequence
        Root seed, shared by every option.
    out : path
        Folder to write ``compare.html`` into (created if missing).
    incidents : pandas.DataFrame, str or path, optional
        An incident table (a CSV path or a shipped name such as ``"mali-2025"``): adds the
        figure of reported cumulative losses against each option's model.
    workers, executor, progress
        As for :func:`simfuel.run_ensemble` (one progress bar per option).
    destination : str, optional
        The place with stock the brief is about, a place key of every option (default:
        the main destination, the depot): the stock-out probabilities and dates, the
        tankers lost (on the corridors that end there), the fan charts, the stock-out
        curves, the days the options agree on and every metric are that place's, and the
        brief names it. The figure of reported losses stays the main destination's
        model, as without it.

    Returns
    -------
    pathlib.Path
        The path of ``compare.html``, written atomically.

    Raises
    ------
    CompareError
        Fewer than two options, or two with the same label.
    UnknownDestination
        If ``destination`` is not a place with stock of every option (before any run).
    ScenarioError
        If a scenario is missing or invalid.
    IncidentsError
        If the incident table is invalid.
    EnsembleError
        If replications failed.

    Examples
    --------
    >>> simfuel.compare({"as it was": "mali-2025",
    ...                  "escort from 15 Sep": "ground-escort-mid-september"},
    ...                 reps=100, out="out/escort-brief")  # doctest: +SKIP
    """
    t0 = time.perf_counter()
    scenarios, sources = parse_options(options)
    check_destination(scenarios, destination)  # before any replication runs
    table = _incidents(incidents)  # checked before hours of replications, not after
    ensembles = {
        label: run_ensemble(
            sc, reps, seed=seed, workers=workers, executor=executor, progress=progress
        )
        for label, sc in scenarios.items()
    }
    text = render_brief(
        ensembles, sources=sources, incidents=table, started=t0, destination=destination
    )
    return write_text(Path(out) / BRIEF_NAME, text)


def check_destination(scenarios: Mapping[str, Scenario], destination: str | None) -> None:
    """Check a destination selector against every option of a comparison.

    Raises
    ------
    UnknownDestination
        If ``destination`` is not a place with stock of one of the options: one line
        naming the option (when its label is not its scenario's name) and the places
        with stock it has.
    """
    for label, sc in scenarios.items():
        try:
            resolve_destination(sc, destination)
        except UnknownDestination as exc:
            if label == sc.name:
                raise
            raise UnknownDestination(f"option {label!r}: {exc}") from None


def _incidents(incidents: pd.DataFrame | str | os.PathLike[str] | None) -> pd.DataFrame | None:
    if incidents is None:
        return None
    if isinstance(incidents, pd.DataFrame):
        return validate_incidents(incidents, source=incidents.attrs.get("source", "<table>"))
    return load_incidents(incidents)


def _figures(
    ensembles: Mapping[str, EnsembleResult],
    incidents: pd.DataFrame | None,
    destination: str | None = None,
) -> dict[str, Image]:
    at = destination
    images = {
        "cover": render(
            lambda ax: compare_fans(ensembles, "days_of_cover", ax=ax, destination=at),
            (10.5, 5.0),
        ),
        "stockout": render(
            lambda ax: compare_stockout(ensembles, ax=ax, destination=at), (10.5, 3.8)
        ),
    }
    if incidents is not None:
        images["incidents"] = render(
            lambda ax: compare_incidents(ensembles, incidents, ax=ax), (10.5, 5.0)
        )
    return images


def render_brief(
    ensembles: Mapping[str, EnsembleResult],
    *,
    sources: Mapping[str, str | None] | None = None,
    incidents: pd.DataFrame | None = None,
    started: float | None = None,
    destination: str | None = None,
) -> str:
    """The decision brief of ensembles already run, as an HTML string (what :func:`compare` writes).

    Parameters
    ----------
    ensembles : mapping of str to EnsembleResult
        Two or more options by label, the first the reference, run with the same root
        seed and replications (the differences are paired).
    sources : mapping of str to str, optional
        Each option's file or name as given, shown and used in the command to reproduce.
    incidents : pandas.DataFrame, optional
        A validated incident table (:func:`simfuel.incidents`): adds the reported losses.
    started : float, optional
        ``time.perf_counter()`` at the start of the work, to report the time taken.
    destination : str, optional
        The place with stock the brief is about (default: the main destination); see
        :func:`compare`.

    Raises
    ------
    CompareError
        Fewer than two ensembles.
    UnknownDestination
        If ``destination`` is not a place with stock of every option.
    ValueError
        If the ensembles were run on different seeds or numbers of replications.
    """
    t0 = time.perf_counter() if started is None else started
    if len(ensembles) < 2:
        raise CompareError(f"a brief needs at least two options (got {len(ensembles)})")
    check_destination({k: e.scenario for k, e in ensembles.items()}, destination)
    sources = dict(sources or {})
    labels = list(ensembles)
    at = destination
    name = destination_name(ensembles, at)
    where = "" if name is None else f" at {name}"
    numbers = brief_numbers(ensembles, at)  # checks the seeds agree
    vocab = brief_vocabulary(ensembles)
    images = _figures(ensembles, incidents, at)
    cover = f"{vocab.commodity.capitalize()} cover and stock-outs{where}"
    sections: list[tuple[str, str, Html]] = [
        ("bottom-line", "Bottom line", section_bottom_line(ensembles, numbers)),
        ("cover", cover, _section_cover(ensembles, images, name)),
    ]
    if "incidents" in images:
        sections.append(
            ("losses", "Against the reported losses", _section_losses(images, name, vocab))
        )
    sections += [
        ("options", "The options", section_options(ensembles, sources, at)),
        ("metrics", f"All metrics{where}", section_metrics(ensembles, at)),
    ]
    body = join(
        [
            caveat(ensembles),
            join(tag("section", join([tag("h2", t), c]), id=a) for a, t, c in sections),
        ]
    )
    return page(
        title=f"simfuel decision brief: {option_list(labels)}{where}",
        header=_header(ensembles, name),
        toc=[(a, t) for a, t, _ in sections],
        body=body,
        footer=_footer(ensembles, sources, time.perf_counter() - t0, None if name is None else at),
        images_total=len(images),
    )


def _section_cover(
    ensembles: Mapping[str, EnsembleResult], images: Mapping[str, Image], name: str | None = None
) -> Html:
    n = next(iter(ensembles.values())).n
    where = "" if name is None else f" at {name}"
    cover = (
        COVER_DEFINITION
        if name is None
        else COVER_DEFINITION.replace("the depot stock", f"the stock at {name}")
    )
    return join(
        [
            figure(
                images["cover"],
                f"Overlaid fan charts of days of cover{where}, one colour per option",
                f"Days of cover{where} [days] ({cover}): "
                f"median and 90 % band of each option across {n} replications; dotted: "
                "the reference's rationing threshold [days]; dashed, in an option's colour: "
                "a dated event it has and the reference lacks.",
                "fig-compare-cover",
            ),
            figure(
                images["stockout"],
                f"Probability of a stock-out{where} by each date, one curve per option",
                f"Share of replications [%] with a stock-out{where} on any day up to each date.",
                "fig-compare-stockout",
            ),
        ]
    )


def _section_losses(
    images: Mapping[str, Image], name: str | None = None, vocab: Vocabulary = FUEL
) -> Html:
    main = (
        ""
        if name is None
        else " The model's losses are those of the main destination's corridors, "
        f"not only {name}'s."
    )
    return figure(
        images["incidents"],
        f"Reported cumulative {vocab.vehicles} destroyed against each option's model",
        f"Red points: reported cumulative {vocab.vehicles} destroyed, with the range of the "
        "reports; lines and bands: each option's median and 90 % band across its "
        f"replications [{vocab.vehicles}]. The reports happened once; they cannot say which option "
        "is right, only whether an option's model stays near what was seen." + main,
        "fig-compare-incidents",
    )


def _header(ensembles: Mapping[str, EnsembleResult], name: str | None = None) -> Html:
    first = next(iter(ensembles.values()))
    sc = first.scenario
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    meta = (
        f"{_long_date(sc.start)} – {_long_date(sc.end)} · {len(ensembles)} options × "
        f"{first.n} replications · root seed {first.seed_entropy} (shared) · "
        f"simfuel {__version__} · generated {generated}"
    )
    inner = join(
        [
            tag(
                "h1",
                f"Decision brief: {option_list(list(ensembles))}"
                + ("" if name is None else f", at {name}"),
            ),
            tag(
                "p",
                "A simfuel comparison"
                + ("" if name is None else f" of the destination {name}")
                + ": every option on the same random numbers",
                cls="sub",
            ),
            tag("div", meta, cls="meta"),
        ]
    )
    return tag("header", tag("div", inner, cls="wrap"), cls="top")


def reproduce_arguments(
    ensembles: Mapping[str, EnsembleResult], sources: Mapping[str, str | None]
) -> list[str]:
    """The options as ``simfuel compare`` takes them: ``LABEL=FILE`` unless the stem is the label.

    An option given as an object has no file: its label stands in (the command then needs
    a file of that name).
    """
    out = []
    for label in ensembles:
        source = sources.get(label)
        if not source:
            out.append(label)
        elif Path(source).stem == label and "=" not in source:
            out.append(source)
        else:
            out.append(f"{label}={source}")
    return out


def _footer(
    ensembles: Mapping[str, EnsembleResult],
    sources: Mapping[str, str | None],
    elapsed: float,
    destination: str | None = None,
) -> Html:
    first = next(iter(ensembles.values()))
    args = shlex.join(reproduce_arguments(ensembles, sources))
    if destination is not None:
        args += " --destination " + shlex.quote(destination)
    return join(
        [
            tag(
                "p",
                join(
                    [
                        f"Generated by simfuel {__version__} in {elapsed:.1f} s. Reproduce with ",
                        tag(
                            "code",
                            f"simfuel compare {args} --reps {first.n} --seed {first.seed_entropy}",
                        ),
                        ".",
                    ]
                ),
            ),
            tag(
                "p",
                f"{BORDERS_CREDIT}: 1:110m admin-0 countries, “Made with Natural Earth”. "
                "Figures: matplotlib. Simulation: SimPy.",
            ),
        ]
    )
