"""``simfuel.text``: echoed values are one short line that cannot alter the terminal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simfuel.text import one_line, safe_echo


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("plain", "plain"),
        ("a\nok: forged", "a\\nok: forged"),
        ("over\rwrite", "over\\rwrite"),
        ("tab\there", "tab\\there"),
        ("\x1b[2Kwiped", "\\x1b[2Kwiped"),
        ("bidi\u202eevil", "bidi\\u202eevil"),
        ("line\u2028sep", "line\\u2028sep"),
        ("lone \udcff surrogate", "lone \\udcff surrogate"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("Bamako–Kayès, Бамако", "Bamako–Kayès, Бамако"),
        (-5, "-5"),
        (None, "None"),
        (["a\nb"], "['a\\nb']"),  # repr already escapes
    ],
)
def test_safe_echo_escapes(value, shown):
    assert safe_echo(value) == shown


def test_safe_echo_cuts_long_values():
    assert safe_echo("x" * 1_000_000) == "x" * 77 + "..."
    assert safe_echo("abcd", limit=4) == "abcd"
    assert safe_echo("abcde", limit=4) == "a..."
    # An escape is never cut in half.
    assert safe_echo("abcdef\n", limit=7) == "abcd..."
    assert safe_echo("abc\n", limit=7) == "abc\\n"
    with pytest.raises(ValueError, match="limit"):
        safe_echo("x", limit=3)


def test_one_line_joins_lines():
    assert one_line("a: one\n\n  b: two\r\n") == "a: one; b: two"
    assert one_line("x\x1by") == "x\\x1by"


@given(st.text(), st.integers(4, 200))
def test_safe_echo_is_one_bounded_encodable_line(value, limit):
    shown = safe_echo(value, limit=limit)
    assert len(shown.splitlines()) <= 1
    assert len(shown) <= limit
    shown.encode("utf-8")  # no lone surrogate survives
    assert safe_echo(shown, limit=max(4, len(shown) + 1)) == shown  # already safe: unchanged
