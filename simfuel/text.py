"""Text that is safe to echo on a terminal line: escaped, bounded, one line.

A floor below every other one and pure (the standard library only), so the scenario loader,
the observation tables and the CLI all quote untrusted values the same way. A value read
from a file or an argument may hold a newline (and forge a second message line, such as an
``ok:`` line), a carriage return or an ANSI escape (and overwrite the line it is on), a
bidirectional override (and reorder what the reader sees), a lone surrogate (from an
undecodable file name; it cannot be encoded) or a megabyte of text. :func:`safe_echo`
turns each of these into visible escapes and cuts the result to a readable length.
"""

from __future__ import annotations

import reprlib
import unicodedata

__all__ = ["bounded_repr", "escape_char", "one_line", "safe_echo", "safe_repr"]

# Control, format (bidi overrides, zero-width), surrogate, line and paragraph separators:
# the categories that move the cursor, hide text, reorder it or cannot be encoded.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ELLIPSIS = "..."

_REPR = reprlib.Repr()
_REPR.maxstring = 100  # safe_echo cuts further; this only spares building a 1 MB repr
_REPR.maxother = 100
_REPR.maxlist = _REPR.maxtuple = _REPR.maxset = _REPR.maxdict = 6
_REPR.maxlevel = 3


def escape_char(char: str) -> str:
    """One character as it is if printable, else as a visible escape (``\\n``, ``\\x1b``)."""
    if char in _NAMED:
        return _NAMED[char]
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def safe_echo(value: object, limit: int = 80) -> str:
    """A value as a short, single-line text that cannot alter the terminal or the message.

    Parameters
    ----------
    value : object
        What to quote. A string is shown as its characters (no quotes added); anything
        else as a bounded ``repr`` (a list of a million items costs no more than a short
        one).
    limit : int
        Most characters of the result, ``...`` included when it is cut (escapes count at
        their escaped length and are never cut in half). Must be >= 4.

    Returns
    -------
    str
        ``value`` with newlines, carriage returns and tabs as ``\\n``, ``\\r``, ``\\t``,
        other control and format characters, line separators and lone surrogates as
        ``\\xNN`` / ``\\uNNNN`` escapes, at most ``limit`` characters long. Printable text
        in any script is kept as it is.

    Examples
    --------
    >>> safe_echo("ok: forged\\nline")
    'ok: forged\\\\nline'
    >>> safe_echo("x" * 100, limit=8)
    'xxxxx...'
    >>> safe_echo(-5)
    '-5'
    """
    if limit < 4:
        raise ValueError(f"limit must be >= 4 (got {limit})")
    text = value if isinstance(value, str) else bounded_repr(value)
    out: list[str] = []
    used = 0
    # Escapes only lengthen the text, so only its first `limit` characters can be shown.
    for char in text[: limit + 1]:
        piece = escape_char(char)
        out.append(piece)
        used += len(piece)
        if used > limit:
            break
    if used <= limit and len(text) <= limit:
        return "".join(out)
    while out and used > limit - len(_ELLIPSIS):  # whole pieces only, so "..." fits
        used -= len(out.pop())
    return "".join(out) + _ELLIPSIS


def bounded_repr(value: object) -> str:
    """``repr(value)`` with long strings and containers elided, so its cost is bounded."""
    return _REPR.repr(value)


def safe_repr(value: object, limit: int = 80) -> str:
    """``repr(value)`` (strings quoted), escaped and cut like :func:`safe_echo`."""
    return safe_echo(bounded_repr(value), limit)


def one_line(message: str, limit: int = 1000) -> str:
    """A possibly multi-line message as one safe line: its lines joined by ``"; "``.

    For messages built elsewhere (an exception's text), where each line is one problem:
    the lines are kept, in order, on one line; blank ones are dropped; anything else
    unsafe is escaped as by :func:`safe_echo`, and the whole is cut to ``limit``.

    Parameters
    ----------
    message : str
        The text.
    limit : int
        Most characters of the result, ``...`` included.

    Returns
    -------
    str
    """
    parts = [line.strip() for line in message.splitlines()]
    return safe_echo("; ".join(p for p in parts if p), limit=limit)
