"""Properties of normalize's shortcuts: each gives what the general path gives."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core import normalize
from reader.core.sanitize import sanitize

_PIECES = [
    "&", "#", ";", "x", "X", "a", "1", "0", " ", "\n", "\u2019", "amp", "quot", "lt", "nbsp",
    "notin", "8217", "#8217", "&#8217;", "&#8220;", "&amp;", "&amp", "&lt;", "&#39;", "&#039;",
    "&#x41;", "&#0;", "&#128;", "&nbsp;", "&notin;", "&copy;", "&#8217", "&#82170;", "apos", "&apos",
]
entity_text = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)


def _all_known(s: str) -> bool:
    """Every "&" starts a listed entity and its ";" (the shortcut's case)."""
    return all(
        p.partition(";")[1] and p.partition(";")[0] in normalize._ENTITIES for p in s.split("&")[1:]
    )


@settings(max_examples=1000, deadline=None, derandomize=True, database=None)
@given(entity_text)
def test_unescape_is_html_unescape(s: str) -> None:
    assert normalize.unescape(s) == html.unescape(s)


def test_the_unescape_strategy_reaches_both_sides() -> None:
    seen = set()

    @settings(max_examples=300, deadline=None, derandomize=True, database=None)
    @given(entity_text)
    def count(s: str) -> None:
        if "&" in s:
            seen.add(_all_known(s))

    count()
    assert seen == {True, False}


def test_printable_text_is_what_the_sanitiser_returns() -> None:
    """``normalize.text`` skips the sanitiser for printable text: every character the
    sanitiser replaces or drops must be unprintable, on this Python's Unicode data."""
    printable = "".join(c for c in map(chr, range(0x110000)) if c.isprintable())
    assert sanitize(printable) == printable
    assert sanitize(printable, multiline=True) == printable


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_PIECES + ["\x07", "\x1b", "\u202e", "\x85", "\u200b", "\t",
                                           "\r\n", "\ufeff", "\u2028", "\U000e0041"]),
                max_size=6).map("".join),
       st.booleans(), st.booleans())
def test_text_is_sanitised_unescaped_text(s: str, entities: bool, multiline: bool) -> None:
    expected = sanitize(html.unescape(s) if entities else s, multiline=multiline)
    assert normalize.text(s, entities=entities, multiline=multiline) == (
        expected if multiline else expected.strip()
    )


@settings(max_examples=1000, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(["0", "1", "7", "9", "09", "_", " ", "-", "+", ".", "5", "e",
                                 "\u0663", "\u00b2", "\uff11", "\n", "1" * 20]), max_size=8).map("".join))
def test_integer_of_digits_is_the_general_answer(s: str) -> None:
    """Digits alone take a shortcut; a leading space takes the general path (which
    strips it), and both must read the same number."""
    assert normalize.integer(s) == normalize.integer(" " + s)
