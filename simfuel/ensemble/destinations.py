"""Which place with stock an ensemble's figures are of: the destination selector.

Every many-runs output (bands, probabilities, summary tables, sweeps, fleet sizing, the
report and the plots) is of one place with stock at a time: the scenario's main
destination (its depot) unless a ``destination=`` names another. This module is the one
place where such a name is checked, so every caller refuses an unknown one in the same
words.
"""

from __future__ import annotations

from ..errors import InputError
from ..scenario import Scenario
from ..scenario.schema import stock_places

__all__ = ["UnknownDestination", "destinations_of", "resolve_destination"]


class UnknownDestination(InputError):
    """A ``destination=`` (``--destination``) that is no place with stock of the scenario."""


def destinations_of(scenario: Scenario) -> list[str]:
    """The places with stock of a scenario: the main destination (depot) first.

    Parameters
    ----------
    scenario : Scenario
        The scenario.

    Returns
    -------
    list of str
        Place keys: the depot's, then the ``destinations``' in file order.
    """
    return stock_places(scenario)


def resolve_destination(scenario: Scenario, destination: str | None) -> str | None:
    """Check a destination selector; None for the main destination.

    Parameters
    ----------
    scenario : Scenario
        The scenario whose places with stock are known.
    destination : str or None
        A place key of a place with stock (the depot's or a destination's), or None.

    Returns
    -------
    str or None
        None for the main destination (the depot, given or by default), otherwise the
        place key: what the store and the arrays key other places by.

    Raises
    ------
    UnknownDestination
        If ``destination`` is not a place with stock, naming the ones there are.
    """
    if destination is None:
        return None
    places = destinations_of(scenario)
    if destination not in places:
        known = ", ".join(places)
        raise UnknownDestination(
            f"{scenario.name}: destination {str(destination)[:80]!r} is not a place with "
            f"stock (places with stock: {known})"
        )
    return None if destination == places[0] else destination
