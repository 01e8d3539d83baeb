"""The base of every error that bad input raises.

A floor below every other one: the scenario loader (``ScenarioError``) and the observation
tables (``IncidentsError``) both raise subclasses of :class:`InputError`, so a caller (the CLI
above all) catches bad input of any kind with one ``except`` and reports it in one line with
exit code 2.
"""

from __future__ import annotations


class InputError(ValueError):
    """Input that cannot be used: a file, a mapping, a table or an argument.

    A ``ValueError``, so code that caught ``ValueError`` keeps working. Its message names
    the source (a file, or a placeholder like ``"<scenario>"``), the place in it (a field
    path, or a row and column) and the problem, one line per problem.
    """
