"""Shared by the report's sections: the context of one report; numbers, dates and names.

How a place, a corridor or a delay is written, once for every section; numbers, litres,
shares, hours and dates are written by :mod:`simfuel.labels`, as everywhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..ensemble import EnsembleResult
from ..labels import Label, Vocabulary, format_number, summary_label
from ..results import RunResult
from ..scenario import Scenario
from ..scenario.schema import (
    FixedDelay,
    LognormalDelay,
    TriangularDelay,
    UniformDelay,
)
from .html import Html, Image, esc, join, tag


@dataclass
class Context:
    """What every section of one report reads.

    ``destination``: the place with stock the page is about (None: the main destination,
    the depot), as :func:`simfuel.ensemble.destinations.resolve_destination` gives it.
    """

    ensemble: EnsembleResult
    run: RunResult
    replication: int
    images: dict[str, Image]
    destination: str | None = None

    @property
    def sc(self) -> Scenario:
        return self.ensemble.scenario

    @property
    def vocab(self) -> Vocabulary:
        """The words and units of the place the page is about (``Scenario.vocabulary_at``).

        Fuel in ML and tankers for every fuel scenario; the vehicle word of the corridors
        that end at the destination on a page about one.
        """
        return self.sc.vocabulary_at(self.destination)

    @property
    def place(self) -> str:
        """The place key the page is about: the destination's, else the depot's."""
        return self.destination or self.sc.depot.place

    @property
    def place_name(self) -> str:
        """The name of the place the page is about."""
        return _place(self.sc, self.place)

    @property
    def unit(self) -> str:
        """The unit quantities are shown in (``ML`` for fuel in litres)."""
        return self.vocab.shown_unit

    def label(self, metric: str) -> Label:
        """A summary metric's label in the scenario's words, of the place the page is about.

        ``fuel delivered to the depot`` reads ``fuel delivered to Ségou`` on a page about
        the destination Ségou.
        """
        lab = summary_label(metric, self.vocab)
        if self.destination is None:
            return lab
        return replace(lab, label=lab.label.replace("the depot", self.place_name))

    def amount(self, value: float, digits: int = 1) -> str:
        """A quantity in the stored unit (litres) written in the shown one, without it."""
        return format_number(value / self.vocab.scale, digits)

    def stock(self) -> object:
        """The stock (depot or destination) the page is about: its capacity, demand, rule."""
        for d in self.sc.destinations.values():
            if d.place == self.place:
                return d
        return self.sc.depot


def _delay(d: object) -> str:
    if isinstance(d, FixedDelay):
        return f"{d.value:g} h"
    if isinstance(d, UniformDelay):
        return f"uniform {d.low:g}–{d.high:g} h"
    if isinstance(d, TriangularDelay):
        return f"triangular {d.low:g}–{d.high:g} h, mode {d.mode:g} h"
    if isinstance(d, LognormalDelay):
        return f"lognormal, mean {d.mean:g} h, sd {d.sd:g} h"
    return str(d)


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _place(sc: Scenario, key: str) -> str:
    p = sc.places.get(key)
    return (p.name or key) if p is not None else key


def _corridors(sc: Scenario, keys: Sequence[str]) -> Html:
    """Corridor names, one a line; ``all corridors`` when every one is named."""
    if list(keys) == ["all"] or (len(sc.corridors) > 1 and set(keys) == set(sc.corridors)):
        return esc("all corridors")
    names = [sc.corridors[k].name or k if k in sc.corridors else k for k in keys]
    return Html("<br>".join(esc(n) for n in names))


def _forces(sc: Scenario, keys: Sequence[str]) -> str:
    return " + ".join(sc.escorts[f].name or f if f in sc.escorts else f for f in keys)


def _with_source(text: object, source: str | None) -> Html:
    if not source:
        return esc(text)
    return join([esc(text), tag("span", f"Source: {source}", cls="src")])


def _same(a: object, b: object) -> bool:
    try:
        return bool(np.isclose(float(a), float(b), rtol=1e-9, atol=1e-6))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return a == b
