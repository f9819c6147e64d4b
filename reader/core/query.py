"""Sorting, filtering and searching entries; the topic index.

``Catalog`` keeps one sorted order per (key, direction), computed on first use
and reused until the entries change, so a query is a single filtering pass.
Sorts are stable and put missing values last in both directions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from reader.core.model import Entry


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

    def next(self) -> "SortKey":
        members = list(SortKey)
        return members[(members.index(self) + 1) % len(members)]


class Published(str, Enum):
    ALL = "all"
    UNPUBLISHED = "unpublished"
    PUBLISHED = "published"


_VALUE: dict[SortKey, Callable[[Entry], Any]] = {
    SortKey.DATE: lambda e: e.published_at,
    SortKey.HEAT: lambda e: e.heat,
    SortKey.QUALITY: lambda e: e.quality,
    SortKey.TITLE: lambda e: e.title.casefold() or None,
    SortKey.PROVIDER: lambda e: e.provider.casefold() or None,
}


@dataclass(frozen=True, slots=True)
class Query:
    sort: SortKey = SortKey.DATE
    descending: bool = True
    topic: str | None = None
    published: Published = Published.ALL
    search: str = ""

    def with_sort(self, key: SortKey) -> "Query":
        return replace(self, sort=key, descending=key.default_descending)

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.search.casefold().split())


def sort_order(entries: Sequence[Entry], key: SortKey, descending: bool) -> list[int]:
    """Indices of ``entries`` sorted stably by ``key``; missing values always last."""
    get = _VALUE[key]
    values = [get(e) for e in entries]
    present = [i for i, v in enumerate(values) if v is not None]
    missing = [i for i, v in enumerate(values) if v is None]
    present.sort(key=values.__getitem__, reverse=descending)  # reverse keeps ties stable
    return present + missing


def matches(entry: Entry, words: Iterable[str]) -> bool:
    hay = entry.search_text
    return all(w in hay for w in words)


class Catalog:
    """All loaded entries plus cached orders, topic counts and URL lookup."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._entries: list[Entry] = list(entries)
        self._invalidate()

    def _invalidate(self) -> None:
        self._orders: dict[tuple[SortKey, bool], list[int]] = {}
        self._by_id: dict[str, int] | None = None
        self._by_url: dict[str, int] | None = None
        self._last: tuple[tuple[Any, ...], tuple[str, ...], list[Entry]] | None = None
        self._topics: list[tuple[str, int]] | None = None

    # -- contents -------------------------------------------------------
    def __len__(self) -> int:
        return len(self._entries)

    @property
    def entries(self) -> Sequence[Entry]:
        return self._entries

    def extend(self, entries: Iterable[Entry]) -> None:
        self._entries.extend(entries)
        self._invalidate()

    def upsert(self, entry: Entry) -> None:
        index = self._index_by_id().get(entry.id)
        if index is None:
            self._entries.append(entry)
        else:
            self._entries[index] = entry
        self._invalidate()

    def remove(self, item_id: str) -> None:
        index = self._index_by_id().get(item_id)
        if index is not None:
            del self._entries[index]
            self._invalidate()

    def remove_many(self, item_ids: set[str]) -> None:
        """Drop every entry whose id is in ``item_ids`` (one pass)."""
        if item_ids:
            kept = [e for e in self._entries if e.id not in item_ids]
            if len(kept) != len(self._entries):
                self._entries = kept
                self._invalidate()

    def _index_by_id(self) -> dict[str, int]:
        if self._by_id is None:
            self._by_id = {e.id: i for i, e in enumerate(self._entries)}
        return self._by_id

    def get(self, item_id: str) -> Entry | None:
        index = self._index_by_id().get(item_id)
        return None if index is None else self._entries[index]

    def find_url(self, urls: Iterable[str]) -> Entry | None:
        """The entry any of whose URLs equals one of ``urls`` (related-item jumps)."""
        if self._by_url is None:
            by_url: dict[str, int] = {}
            for i, e in enumerate(self._entries):
                for u in e.urls:
                    by_url.setdefault(_url_key(u), i)
            self._by_url = by_url
        for u in urls:
            index = self._by_url.get(_url_key(u))
            if index is not None:
                return self._entries[index]
        return None

    # -- counts ---------------------------------------------------------
    def topic_counts(self) -> list[tuple[str, int]]:
        """(topic, count), most common first, then by name."""
        if self._topics is None:
            counter: Counter[str] = Counter()
            for e in self._entries:
                counter.update(e.topics)
            self._topics = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
        return self._topics

    def unpublished_count(self) -> int:
        return sum(1 for e in self._entries if e.published is False)

    # -- queries --------------------------------------------------------
    def order(self, key: SortKey, descending: bool) -> list[int]:
        cached = self._orders.get((key, descending))
        if cached is None:
            cached = self._orders[(key, descending)] = sort_order(self._entries, key, descending)
        return cached

    def query(self, q: Query) -> list[Entry]:
        base = (q.sort, q.descending, q.topic, q.published)
        words = q.words
        last = self._last
        if last is not None and last[0] == base and _narrows(last[1], words):
            # The new search only narrows the last one: filter its result.
            result = [e for e in last[2] if matches(e, words)]
        else:
            entries = self._entries
            rows = [entries[i] for i in self.order(q.sort, q.descending)]
            if q.topic is not None:
                topic = q.topic
                rows = [e for e in rows if topic in e.topics]
            if q.published is Published.UNPUBLISHED:
                rows = [e for e in rows if e.published is False]
            elif q.published is Published.PUBLISHED:
                rows = [e for e in rows if e.published is not False]
            if words:
                if len(words) == 1:
                    w = words[0]
                    rows = [e for e in rows if w in e.search_text]
                else:
                    rows = [e for e in rows if matches(e, words)]
            result = rows
        self._last = (base, words, result)
        return result


def _narrows(old: tuple[str, ...], new: tuple[str, ...]) -> bool:
    """True when every entry matching ``new`` also matches ``old``."""
    if not old:
        return False  # nothing to gain: the full pass is the same work
    return all(any(o in n for n in new) for o in old)


def _url_key(url: str) -> str:
    u = url.strip()
    scheme_end = u.find("://")
    if scheme_end != -1:
        u = u[scheme_end + 3 :]
    if u.startswith("www."):
        u = u[4:]
    return u.rstrip("/").casefold()
