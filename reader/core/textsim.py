"""When two items' titles and excerpts are near-duplicates: the same article again.

A copy of an article (another provider running the same wire text, the same
piece back on a later day, an AMP or syndicated page) keeps its lede: the
excerpt stays nearly word for word, the title gains or loses a few words (a
provider name, "Update:", punctuation, case). Two different articles that
merely look alike -- one template headline about another company, another
amount, another month -- differ where a fact sits. So ``near_duplicate``
compares token sequences with RapidFuzz (order matters: shared words in
another order are not a copy) and refuses a pair whose titles disagree on a
fact (a number or a month) or where one title puts a word of its own in
place of the other's, or each has a word the other item never uses (a
substitution: another name, another thing).

``shingles`` are what the MinHash index hashes to find candidate pairs
cheaply; every candidate is then confirmed here. The thresholds are chosen in
tests/test_stories_quality.py, which reports precision and recall.
"""

from __future__ import annotations

import itertools
import re
import sys
import zlib
from collections.abc import Sequence
from datetime import datetime

from rapidfuzz.distance import Indel, LCSseq, Levenshtein

__all__ = ["Text", "corroborates", "different_titles", "near_duplicate", "shingles", "sketch", "text_of"]

# Thresholds (see the module docstring and the quality tests).
TITLE_MIN = 0.5  # title similarity when both excerpts are there
EXCERPT_MIN = 0.9  # excerpt similarity (the shorter against the longer's start)
TITLE_ALONE_MIN = 0.8  # title similarity when an excerpt is missing or short
EXCERPT_TOKENS = 8  # an excerpt shorter than this is too short to compare
TITLE_ALONE_TOKENS = 4  # a title shorter than this never matches on its own
SHINGLE_EXCERPT_TOKENS = 24  # excerpts are cut at different lengths: shingle the start
RELATED_SHARED = 2  # a related link needs this many title words in common

# One CJK character is a word (those scripts put no spaces between words).
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
_DIGITS = re.compile(r"\d+")
_MONTHS = frozenset({"january", "february", "march", "april", "june", "july", "august",
                     "september", "october", "november", "december"})  # not "may"
_STOP = frozenset({
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "from", "by", "with", "as",
    "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "how", "why",
    "what", "when", "who", "which", "new", "says", "said", "will", "can", "could", "would", "has", "have",
    "had", "not", "no", "than", "after", "before", "over", "into", "about", "up", "out", "more", "most",
    "just", "now", "vs", "via", "amid", "update", "updated", "exclusive", "breaking", "report", "watch",
    "video",
})


class Text:
    """What the comparison needs of one item (made from its search text).

    The words are interned (a collection's vocabulary is small, so a text is
    little more than two tuples of pointers); the word sets are made on first
    use, since most candidate pairs are refused before they are needed."""

    __slots__ = ("_facts", "_title_words", "_words", "day", "excerpt", "title")

    def __init__(self, title: tuple[str, ...], excerpt: tuple[str, ...], day: float | None) -> None:
        self.title = title
        self.excerpt = excerpt
        self.day = day  # published, in days since the epoch
        self._facts: frozenset[str] | None = None
        self._title_words: frozenset[str] | None = None
        self._words: frozenset[str] | None = None

    @property
    def facts(self) -> frozenset[str]:
        """The numbers and month names in the title."""
        if self._facts is None:
            self._facts = frozenset(_numbers(self.title) | {w for w in self.title if w in _MONTHS})
        return self._facts

    @property
    def title_words(self) -> frozenset[str]:
        """The title's content words, stemmed."""
        if self._title_words is None:
            self._title_words = _content(self.title)
        return self._title_words

    @property
    def words(self) -> frozenset[str]:
        """Every content word of the title and the excerpt, stemmed."""
        if self._words is None:
            self._words = self.title_words | _content(self.excerpt)
        return self._words


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _stem(word: str) -> str:
    """A crude English stem: "raises", "raised", "raising" -> "rais"."""
    if len(word) > 4:
        for suffix in ("ing", "ed", "es", "s"):
            if word.endswith(suffix):
                return word[: -len(suffix)]
    return word


def _content(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_stem(w) for w in words if w not in _STOP and not w.isdigit())


def _title_excerpt(search_text: bytes, provider: str) -> tuple[list[str], list[str]]:
    """The title's and the excerpt's words; a title that ends with the
    provider's name ("... - Reuters") loses it."""
    fields = search_text.decode("utf-8", "replace").split("\x1f", 2)
    title = tokens(fields[0])
    excerpt = tokens(fields[1]) if len(fields) > 1 else []
    label = tokens(provider.casefold())
    if label and len(title) > len(label) and title[-len(label):] == label:
        del title[-len(label):]
    return title, excerpt


def text_of(search_text: bytes, provider: str = "", published_at: datetime | None = None) -> Text:
    """``Entry.search_text`` (casefolded title, excerpt, ... joined by \\x1f) → ``Text``."""
    title, excerpt = _title_excerpt(search_text, provider)
    day = published_at.timestamp() / 86400 if published_at is not None else None
    return Text(tuple(map(sys.intern, title)), tuple(map(sys.intern, excerpt)), day)


def shingles(title: Sequence[str], excerpt: Sequence[str]) -> list[int]:
    """Word pairs of the title and of the excerpt's start, as 32-bit hashes of
    the words' CRC-32s (stable across runs, unlike ``hash``)."""
    out: list[int] = []
    for seq in (title, excerpt[:SHINGLE_EXCERPT_TOKENS]):
        h = list(map(zlib.crc32, map(str.encode, seq)))
        if len(h) == 1:
            out.append(h[0])
        out.extend([(a * 0x9E3779B1 + b) & 0xFFFFFFFF for a, b in itertools.pairwise(h)])
    return out


def title_key(title: Sequence[str]) -> int:
    """The exact-title band key (0: none; the title is too short to match alone)."""
    if len(title) < TITLE_ALONE_TOKENS:
        return 0
    return zlib.crc32(" ".join(title).encode("utf-8", "surrogatepass")) or 1


def sketch(search_text: bytes, provider: str = "") -> tuple[list[int], int]:
    """(shingles, title key) of a search text: what the band index needs, cheaply."""
    title, excerpt = _title_excerpt(search_text, provider)
    return shingles(title, excerpt), title_key(title)


def _facts_conflict(a: Text, b: Text) -> bool:
    """Each title has a number or month the other lacks: another amount, another date."""
    return bool(a.facts - b.facts) and bool(b.facts - a.facts)


def _substituted(a: Text, b: Text) -> bool:
    """Another name, another thing: where the titles differ, each puts a word of
    its own in place of the other's, or each has a word the other item never uses."""
    for op in Levenshtein.opcodes(a.title, b.title):
        if op.tag == "replace":
            mine = _content(a.title[op.src_start:op.src_end])
            theirs = _content(b.title[op.dest_start:op.dest_end])
            if mine and theirs and mine != theirs:
                return True
    return bool(a.title_words - b.words) and bool(b.title_words - a.words)


def within(a: Text, b: Text, days: float) -> bool:
    return a.day is None or b.day is None or abs(a.day - b.day) <= days


def _aligned(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The shorter excerpt and the start of the longer (excerpts are cut at different lengths)."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return short, long[: len(short) + len(short) // 5 + 2]


def _numbers(words: tuple[str, ...]) -> set[str]:
    return {d.lstrip("0") or "0" for w in words for d in _DIGITS.findall(w)}


def excerpt_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """The share of the shorter excerpt's words found, in order, at the start of the longer."""
    short, head = _aligned(a, b)
    return LCSseq.similarity(short, head) / len(short) if short else 0.0


def _excerpt_numbers_conflict(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Each excerpt has a number the other's same stretch lacks ("raised 30 million" / "14 million")."""
    short, head = _aligned(a, b)
    ns, nh = _numbers(short[:-1]), _numbers(head[:-1])  # the last word may be cut mid-number
    return bool(ns - nh) and bool(nh - ns)


def different_titles(a: Text, b: Text) -> bool:
    """Do the titles disagree on a fact or name different things? (Two
    articles that share a page address, such as a slug cut short, are still
    two stories then.)"""
    return _facts_conflict(a, b) or _substituted(a, b)


def near_duplicate(a: Text, b: Text) -> bool:
    """Are these two texts the same article (see the module docstring)?"""
    title_sim = Indel.normalized_similarity(a.title, b.title)
    if len(a.excerpt) >= EXCERPT_TOKENS and len(b.excerpt) >= EXCERPT_TOKENS:
        alike = (title_sim >= TITLE_MIN and excerpt_similarity(a.excerpt, b.excerpt) >= EXCERPT_MIN
                 and not _excerpt_numbers_conflict(a.excerpt, b.excerpt))
    else:
        alike = min(len(a.title), len(b.title)) >= TITLE_ALONE_TOKENS and title_sim >= TITLE_ALONE_MIN
    return alike and not _facts_conflict(a, b) and not _substituted(a, b)


def corroborates(a: Text, b: Text) -> bool:
    """Is a ``related`` link between these two items about one story?

    Looser than ``near_duplicate`` (other coverage is written anew), but the
    titles must share words and agree on facts: real related lists also name
    articles that are merely on the same topic."""
    if _facts_conflict(a, b):
        return False
    return len(a.title_words & b.title_words) >= RELATED_SHARED
