"""The one exception a bad scenario raises, and the escaping of what its message echoes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import InputError
from ..text import escape_char
from ..text import safe_echo as _safe_echo

# A last resort for text that reaches a message without passing through _safe_echo (a
# message composed by a schema check, say): never more than this many characters per part.
_MAX_PATH_CHARS = 240
_MAX_MESSAGE_CHARS = 1000

__all__ = ["Problem", "ScenarioError"]


def _escape(text: str, limit: int) -> str:
    return text if text.isprintable() and len(text) <= limit else _safe_echo(text, limit)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where (dotted field path) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        # Escaped here too, so that one problem is one line whatever its text holds.
        message = _escape(self.message, _MAX_MESSAGE_CHARS)
        return f"{_escape(self.path, _MAX_PATH_CHARS)}: {message}" if self.path else message


class ScenarioError(InputError):
    """A scenario file or mapping that cannot be used.

    The message names the file, the field path and the problem, one line per problem,
    e.g. ``scenarios/x.yaml: corridors.rn1.legs[0].length_km: must be > 0 (got -5)``.
    A problem found in a file reached through ``extends`` names the chain of files, e.g.
    ``a.yaml -> ../b.yaml: the top level must be a mapping (got str)``. Echoed values are
    escaped and cut, so a message never spans more lines than it has problems.

    Attributes
    ----------
    source : str
        The file the scenario came from (or the chain of files, for a problem in a parent),
        or ``"<scenario>"`` for an in-memory mapping.
    problems : list of Problem
        Every problem found, in document order.
    """

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        # The source is the caller's own path: escaped but never cut.
        label = source if source.isprintable() else "".join(map(escape_char, source))
        lines = [f"{label}: {p}" for p in self.problems] or [f"{label}: invalid scenario"]
        super().__init__("\n".join(lines))
