"""The exceptions a bad observation table raises: one per kind of table."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import InputError
from ..scenario.errors import Problem

__all__ = ["IncidentsError", "Problem", "SignalsError"]


class _TableError(InputError):
    """An input table with problems: the file, then one line per problem (row, column)."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = [f"{source}: {p}" for p in self.problems] or [f"{source}: invalid table"]
        super().__init__("\n".join(lines))


class IncidentsError(_TableError):
    """An incident table that cannot be used.

    An :class:`~simfuel.errors.InputError` (so a ``ValueError``), like a bad scenario: the
    message names the file, then one line per problem with the row and the column, e.g.
    ``my.csv: row 3, destroyed_high: must be >= destroyed_low (20), got 10``. Rows count
    from 1 after the header, so row ``n`` is on line ``n + 1`` of a CSV file.

    Attributes
    ----------
    source : str
        The file the table came from, or ``"<table>"`` for an in-memory table.
    problems : list of Problem
        Every problem found, in row order.
    """


class SignalsError(_TableError):
    """A signals table that cannot be used.

    Like :class:`IncidentsError`: an :class:`~simfuel.errors.InputError` whose message
    names the file, then one line per problem with the row and the column, e.g.
    ``signals.csv: row 2, high: must be >= low (10), got 5``.

    Attributes
    ----------
    source : str
        The file the table came from, or ``"<table>"`` for an in-memory table.
    problems : list of Problem
        Every problem found, in row order.
    """
