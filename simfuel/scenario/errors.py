"""The one exception a bad scenario raises."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where (dotted field path) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ScenarioError(ValueError):
    """A scenario file or mapping that cannot be used.

    The message names the file, the field path and the problem, one line per problem,
    e.g. ``scenarios/x.yaml: corridors.rn1.legs[0].length_km: must be > 0 (got -5)``.

    Attributes
    ----------
    source : str
        The file the scenario came from, or ``"<scenario>"`` for an in-memory mapping.
    problems : list of Problem
        Every problem found, in document order.
    """

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = [f"{source}: {p}" for p in self.problems] or [f"{source}: invalid scenario"]
        super().__init__("\n".join(lines))
