"""readability-lxml as the second opinion on trafilatura's result.

When trafilatura finds (next to) nothing, readability's article is kept if it reads
like prose. When trafilatura's text covers much less than the page's paragraph text,
the article may continue in a container trafilatura did not pick (split article
bodies): readability's article is kept when it finds clearly more text *and* contains
what trafilatura found.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from reader.preview.article import MIN_WORDS, WORD, Block, count_words
from reader.preview.extract_blocks import tree_to_blocks

# readability-lxml logs through "readability.readability" without a handler of
# its own; without one, Python's last-resort handler would print warnings to
# stderr, i.e. across the terminal UI. (trafilatura and htmldate add theirs.)
logging.getLogger("readability").addHandler(logging.NullHandler())

# Readability is consulted when trafilatura's text covers less than this share
# of all the page's <p> text (and that text is substantial) ...
_COVERAGE_TRIGGER = 0.5
_COVERAGE_MIN_PAGE_WORDS = 200
# ... and adopted when it finds this much more text and contains most of it.
_FALLBACK_GAIN = 1.3
_FALLBACK_CONTAINMENT = 0.8


def second_opinion(text: str, blocks: list[Block], page_words: int) -> list[Block]:
    """``blocks`` (trafilatura's) or readability's blocks for the page ``text`` when
    they are clearly better; ``page_words`` counts all the page's ``<p>`` text."""
    words = sum(count_words(b.text) for b in blocks)
    if words < MIN_WORDS:
        # trafilatura found (next to) nothing: readability, if it finds prose
        alt = _readability_blocks(text)
        if alt and _looks_like_prose(alt):
            return alt
    elif page_words >= _COVERAGE_MIN_PAGE_WORDS and words < _COVERAGE_TRIGGER * page_words:
        # much of the page's paragraph text left out: a split article body?
        alt = _readability_blocks(text)
        if alt:
            alt_words = sum(count_words(b.text) for b in alt)
            if alt_words >= _FALLBACK_GAIN * words and _containment(blocks, alt) >= _FALLBACK_CONTAINMENT:
                return alt
    return blocks


def _readability_blocks(text: str) -> list[Block] | None:
    """readability-lxml's article as blocks (no URL: absolutising links costs
    time and the links are not kept)."""
    try:
        import lxml.html
        from readability import Document

        summary = Document(text).summary(html_partial=True)
        if not summary.strip():
            return None
        return tree_to_blocks(lxml.html.fromstring(summary))
    except Exception:
        return None


def _looks_like_prose(blocks: list[Block]) -> bool:
    """At least two real paragraphs and MIN_WORDS words in paragraphs overall."""
    paras = [count_words(b.text) for b in blocks if b.kind in ("paragraph", "quote")]
    return sum(1 for n in paras if n >= 15) >= 2 and sum(paras) >= MIN_WORDS


def _shingles(blocks: Iterable[Block], n: int = 4) -> set[tuple[str, ...]]:
    words = WORD.findall(" ".join(b.text for b in blocks).casefold())
    return {tuple(words[i:i + n]) for i in range(max(0, len(words) - n + 1))}


def _containment(inner: list[Block], outer: list[Block]) -> float:
    """Share of ``inner``'s word 4-grams also found in ``outer``."""
    a = _shingles(inner)
    if not a:
        return 1.0
    return len(a & _shingles(outer)) / len(a)
