"""An incident table against a scenario: corridors, places, legs and dates it must know."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from .errors import Problem
from .load import validate_incidents

if TYPE_CHECKING:
    from ..scenario.schema import Scenario

__all__ = ["check_against"]


def check_against(frame: pd.DataFrame, scenario: Scenario) -> list[Problem]:
    """Problems of an incident table against a scenario (empty if none).

    Parameters
    ----------
    frame : pandas.DataFrame
        An incident table (validated first if it is not already).
    scenario : Scenario
        The scenario the table is to be compared with.

    Returns
    -------
    list of Problem
        One per problem, its path ``row n, column``: a corridor that is not one of the
        scenario's; ``place``, ``leg_from`` or ``leg_to`` not one of its places; a leg
        that is not on the row's corridor (``leg_from`` must start one of its legs,
        ``leg_to`` end one, not before ``leg_from``); a date outside ``start``-``end``.
        Blank cells (not reported) are never a problem. Raise them with
        ``IncidentsError(source, problems)`` if you want an exception.
    """
    table = validate_incidents(frame, source=frame.attrs.get("source", "<table>"))
    problems: list[Problem] = []
    start, end = pd.Timestamp(scenario.start), pd.Timestamp(scenario.end)
    days = pd.DatetimeIndex(table["date"])
    text = {c: [str(v) for v in table[c]] for c in ("corridor", "place", "leg_from", "leg_to")}
    for i, day in enumerate(days):
        here = f"row {i + 1}"
        if not start <= day <= end:
            problems.append(
                Problem(
                    f"{here}, date",
                    f"{day.date()} is outside the scenario's horizon "
                    f"({scenario.start} to {scenario.end})",
                )
            )
        corridor = text["corridor"][i]
        if corridor and corridor not in scenario.corridors:
            problems.append(
                Problem(f"{here}, corridor", _unknown("corridor", corridor, scenario.corridors))
            )
        for col in ("place", "leg_from", "leg_to"):
            key = text[col][i]
            if key and key not in scenario.places:
                problems.append(Problem(f"{here}, {col}", _unknown("place", key, scenario.places)))
        if corridor not in scenario.corridors:
            continue
        legs = scenario.corridors[corridor].legs
        starts = [leg.from_ for leg in legs]
        ends = [leg.to for leg in legs]
        frm, to = text["leg_from"][i], text["leg_to"][i]
        if frm and frm in scenario.places and frm not in starts:
            problems.append(
                Problem(
                    f"{here}, leg_from",
                    f"{frm!r} starts no leg of corridor {corridor!r} "
                    f"(legs start at {', '.join(starts)})",
                )
            )
        if to and to in scenario.places and to not in ends:
            problems.append(
                Problem(
                    f"{here}, leg_to",
                    f"{to!r} ends no leg of corridor {corridor!r} (legs end at {', '.join(ends)})",
                )
            )
        elif frm in starts and to in ends and ends.index(to) < starts.index(frm):
            problems.append(
                Problem(
                    f"{here}, leg_to",
                    f"{to!r} comes before leg_from {frm!r} on corridor {corridor!r}",
                )
            )
    return problems


def _unknown(what: str, key: str, known: Iterable[str]) -> str:
    names = list(known)
    close = difflib.get_close_matches(key, names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown {what} {key!r}{hint} (known: {', '.join(names)})"
