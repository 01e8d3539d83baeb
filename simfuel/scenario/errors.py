"""The one exception a bad scenario raises, and the escaping of what its message echoes."""

from __future__ import annotations

import reprlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from simfuel.errors import InputError

# Characters that could rewrite or forge a terminal line if echoed as they are: control
# characters (newline, carriage return, escape sequences), lone surrogates (which cannot even
# be encoded), Unicode line and paragraph separators, and the bidirectional overrides that
# make text display in an order other than the one it is read in.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

# A last resort for text that reaches a message without passing through _safe_echo (a
# message composed by a schema check, say): never more than this many characters per part.
_MAX_PATH_CHARS = 240
_MAX_MESSAGE_CHARS = 1000

_REPR = reprlib.Repr()
_REPR.maxstring = 100  # _safe_echo cuts further; this only spares building a 1 MB repr
_REPR.maxother = 100
_REPR.maxlist = _REPR.maxtuple = _REPR.maxset = _REPR.maxdict = 6
_REPR.maxlevel = 3


def _escape_char(ch: str) -> str:
    if unicodedata.category(ch) in _UNSAFE_CATEGORIES or ch in _BIDI_CONTROLS:
        code = ord(ch)
        if ch == "\n":
            return "\\n"
        if ch == "\r":
            return "\\r"
        if ch == "\t":
            return "\\t"
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return ch


def _safe_echo(value: object, limit: int = 80) -> str:
    """Text of ``value`` that is safe to put in a one-line message.

    Control characters, newlines, lone surrogates, line separators and bidirectional
    controls are escaped (``\\n``, ``\\x1b``, ``\\udc80``), and the result is cut to at
    most ``limit`` characters, ending in ``...`` when cut. A string is echoed as it is
    (escaped); any other value by a bounded ``repr``, so a 1 MB value costs no more than a
    short one.

    Parameters
    ----------
    value : object
        What to echo.
    limit : int, default 80
        The longest result, in characters (at least 4).

    Returns
    -------
    str
        One line of printable text.
    """
    text = value if isinstance(value, str) else _REPR.repr(value)
    limit = max(limit, 4)
    out: list[str] = []
    used = 0
    # Escapes only lengthen the text, so only its first `limit` characters can be shown.
    for ch in text[: limit + 1]:
        piece = _escape_char(ch)
        out.append(piece)
        used += len(piece)
        if used > limit:
            break
    if used <= limit and len(text) <= limit:
        return "".join(out)
    # Cut whole pieces (never half an escape) so that the result with "..." fits.
    while out and used > limit - 3:
        used -= len(out.pop())
    return "".join(out) + "..."


def _safe_repr(value: object, limit: int = 80) -> str:
    """``repr(value)`` (strings quoted), escaped and cut like :func:`_safe_echo`."""
    return _safe_echo(_REPR.repr(value), limit)


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
        label = source if source.isprintable() else "".join(map(_escape_char, source))
        lines = [f"{label}: {p}" for p in self.problems] or [f"{label}: invalid scenario"]
        super().__init__("\n".join(lines))
