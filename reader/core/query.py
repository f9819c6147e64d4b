"""What a view asks for, and the pure functions that answer it for a list of entries.

``Query`` is the view: sort key and direction, topic, published state, and
the search: query text (``reader.core.querylang``: plain words, phrases,
``heat:>50``, ``topic:AI``...). ``sort_order`` and ``matches`` (for plain
words) are the contract, spelled out plainly;
``reader.core.catalog.Catalog`` answers the same questions fast on 100k entries
(cached orders, byte masks, one search buffer) and is tested against them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from itertools import compress, repeat
from operator import attrgetter, is_, is_not
from typing import Any

from reader.core.model import Entry, search_needle

__all__ = ["Published", "Query", "SortKey", "matches", "raw_values", "sort_order", "sort_value", "sort_values"]


class SortKey(str, Enum):
    DATE = "date"
    HEAT = "heat"
    QUALITY = "quality"
    TITLE = "title"
    PROVIDER = "provider"

    @property
    def default_descending(self) -> bool:
        """Newest, hottest, best first; names A to Z."""
        return self in (SortKey.DATE, SortKey.HEAT, SortKey.QUALITY)

    def next(self) -> SortKey:
        members = list(SortKey)
        return members[(members.index(self) + 1) % len(members)]


class Published(str, Enum):
    ALL = "all"
    UNPUBLISHED = "unpublished"
    PUBLISHED = "published"


@dataclass(frozen=True, slots=True)
class Query:
    sort: SortKey = SortKey.DATE
    descending: bool = True
    topic: str | None = None
    published: Published = Published.ALL
    search: str = ""

    def with_sort(self, key: SortKey) -> Query:
        return replace(self, sort=key, descending=key.default_descending)

    @property
    def words(self) -> tuple[str, ...]:
        """The casefolded words of a search without query syntax."""
        return tuple(self.search.casefold().split())


_title = attrgetter("title")
_provider = attrgetter("provider")


# -- sorting ----------------------------------------------------------------------------

_LOW = 1 << 32  # a tie-break part that always fits below the main value's bits


def _paired(main: int | None, tie: int | None, descending: bool) -> int | None:
    """Heat then quality (or quality then heat) as one int: the sort compares ints.
    A missing tie-break value sorts after the others in either direction."""
    if main is None:
        return None
    if tie is None or tie < 0:
        low = 0 if descending else _LOW - 1
    else:
        low = min(tie + 1, _LOW - 2)
    return main * _LOW + low


def sort_value(entry: Entry, key: SortKey, descending: bool = True) -> Any:
    """One entry's sort value (``None`` where it has none): what ``sort_values`` gives it."""
    if key is SortKey.DATE:
        return entry.published_at
    if key is SortKey.HEAT:
        return _paired(entry.heat, entry.quality, descending)
    if key is SortKey.QUALITY:
        return _paired(entry.quality, entry.heat, descending)
    text = entry.title if key is SortKey.TITLE else entry.provider
    return text.casefold() or None


def sort_values(entries: Sequence[Entry], key: SortKey, descending: bool = True) -> list[Any]:
    """Each entry's sort value, ``None`` where it has none.

    Heat ties are broken by quality and quality ties by heat (the triage
    queue's "hottest, then best"); other ties keep the entries' order.
    """
    if key is SortKey.DATE:
        return list(map(attrgetter("published_at"), entries))
    if key is SortKey.HEAT or key is SortKey.QUALITY:
        heat, quality = map(attrgetter("heat"), entries), map(attrgetter("quality"), entries)
        mains, ties = (heat, quality) if key is SortKey.HEAT else (quality, heat)
        return list(map(_paired, mains, ties, repeat(descending)))
    if key is SortKey.TITLE:
        return [v or None for v in map(str.casefold, map(_title, entries))]
    providers = list(map(_provider, entries))  # few distinct (shared) strings
    folded = {p: p.casefold() or None for p in set(providers)}
    return list(map(folded.__getitem__, providers))


def raw_values(entries: Sequence[Entry], key: SortKey) -> list[Any]:
    """Heat or quality as written (no tie-break), for the largest value."""
    return list(map(attrgetter(key.value), entries))


def sorted_indices(values: list[Any], descending: bool, ints: Sequence[int] | None = None) -> list[int]:
    """Indices sorted stably by value, ``None`` last (``reverse`` keeps ties stable).

    ``ints``: ``list(range(len(values)))``, to share its int objects between orders.
    """
    if ints is None:
        ints = range(len(values))
    present = list(compress(ints, map(is_not, values, repeat(None))))
    present.sort(key=values.__getitem__, reverse=descending)
    if len(present) < len(values):
        present.extend(compress(ints, map(is_, values, repeat(None))))
    return present


def sort_order(entries: Sequence[Entry], key: SortKey, descending: bool) -> list[int]:
    """Indices of ``entries`` sorted stably by ``key``; missing values always last."""
    return sorted_indices(sort_values(entries, key, descending), descending)


# -- search -------------------------------------------------------------------------------

def matches(entry: Entry, words: Iterable[str]) -> bool:
    """Whether every (casefolded) word is in the entry's search text."""
    hay = entry.search_text
    return all(search_needle(w) in hay for w in words)


def needles(words: Iterable[str]) -> list[bytes]:
    """The words a search must check, longest (usually rarest) first; a word
    inside a longer one is implied and left out."""
    keep: list[str] = []
    for w in sorted(set(words), key=len, reverse=True):
        if not any(w in k for k in keep):
            keep.append(w)
    return [search_needle(w) for w in keep]
