"""Sorting, filtering and searching entries; the topic index; related-item lookup.

``Catalog`` answers ``query(Query)`` for every keystroke, so on 100k entries
each query is a few C-level passes (``compress``/``map``), never a Python loop
over all entries:

* one sorted order per (key, direction): the entry indices (a tuple) and
  the entries in that order (a list), made on first use -- or all at once by
  ``warm_up()`` in a worker thread after loading -- and reused until the
  entries change. Sorts are stable and put missing values last in both
  directions;
* topic and published-state filters are byte masks over the entries (one per
  topic, made on first use), applied to an order in one pass;
* a search looks for each casefolded word in the entries' ``search_text``
  (UTF-8 bytes), longest word first, the others only among the entries left.
  A word is looked for entry by entry in entry order (about memory order:
  in a sort order each text would be a cache miss), or -- after ``warm_up``,
  for words of 3+ letters -- in one buffer of all the texts (29 MB at 100k
  entries, the price of a rare word's search taking ~2/3 of the time) until
  its hits turn out to be many. A search's result is a mask too, independent
  of the sort, kept in a small cache: a word typed one more letter is looked
  for only in the entries the shorter word matched, backspacing and
  re-sorting find their results ready, and the rows are one pass over the
  sort order;
* ``find_url`` bisects a sorted array of the URLs' CRC-32s (packed in the
  entries, so building it unpacks no URL) and confirms a hit on the URLs.

Threads: the contents and everything derived from them live in one snapshot
(``_State``) that is never changed, only replaced: ``extend``/``remove_many``/
``upsert``/``remove`` build a new one (O(n): a list copy or one filtering pass)
and swap it in. Derived structures are filled in lazily and are pure functions
of the snapshot, so two threads computing the same one store equal values.
Hence ``warm_up()`` may run in a worker thread while the UI thread calls
``query()`` and the rest, with no lock on the caller's side (see ``warm_up``).
"""

from __future__ import annotations

import struct
import sys
import threading
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from itertools import accumulate, chain, compress, islice, repeat
from operator import attrgetter, contains, is_, is_not, itemgetter, le, lshift, or_
from typing import Any

from reader.core.model import Entry, search_needle, url_hash, url_key

__all__ = ["Catalog", "Published", "Query", "SortKey", "matches", "sort_order"]


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


_id = attrgetter("id")
_title = attrgetter("title")
_provider = attrgetter("provider")
_published = attrgetter("published")
_topics = attrgetter("topics")
_text = attrgetter("search_text")
_url_data = attrgetter("url_data")
_find = bytes.find


# -- sorting ----------------------------------------------------------------------------

def _sort_values(entries: Sequence[Entry], key: SortKey) -> list[Any]:
    """Each entry's sort value, ``None`` where it has none (C-level passes)."""
    if key is SortKey.DATE:
        return list(map(attrgetter("published_at"), entries))
    if key is SortKey.HEAT:
        return list(map(attrgetter("heat"), entries))
    if key is SortKey.QUALITY:
        return list(map(attrgetter("quality"), entries))
    if key is SortKey.TITLE:
        return [v or None for v in map(str.casefold, map(_title, entries))]
    providers = list(map(_provider, entries))  # few distinct (shared) strings
    folded = {p: p.casefold() or None for p in set(providers)}
    return list(map(folded.__getitem__, providers))


def _sorted_indices(values: list[Any], descending: bool, ints: Sequence[int] | None = None) -> list[int]:
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
    return _sorted_indices(_sort_values(entries, key), descending)


# -- search -------------------------------------------------------------------------------

def matches(entry: Entry, words: Iterable[str]) -> bool:
    """Whether every (casefolded) word is in the entry's search text."""
    hay = entry.search_text
    return all(search_needle(w) in hay for w in words)


def _needles(words: Iterable[str]) -> list[bytes]:
    """The words a search must check, longest (usually rarest) first; a word
    inside a longer one is implied and left out."""
    keep: list[str] = []
    for w in sorted(set(words), key=len, reverse=True):
        if not any(w in k for k in keep):
            keep.append(w)
    return [search_needle(w) for w in keep]


def _hits(texts: Iterable[bytes], needle: bytes) -> Iterable[bool]:
    # bytes.find + (0 <= pos): cheaper than `in` (which first tries the needle as an int)
    return map(le, repeat(0), map(_find, texts, repeat(needle)))


def _and(a: bytes, b: bytes) -> bytes:
    """Bytewise AND of two 0/1 masks (as two big integers: one C-level pass)."""
    return (int.from_bytes(a, "little") & int.from_bytes(b, "little")).to_bytes(len(a), "little")


_url_key = url_key  # the old private name


# -- one version of the contents ---------------------------------------------------------

class _Order:
    """One (key, direction): entry indices in order (a tuple of the snapshot's shared
    int objects, so 8 bytes an entry), a getter of those items (holding the same
    tuple: one C call permutes a mask into this order) and the entries in order."""

    __slots__ = ("indices", "getter", "rows")

    def __init__(self, entries: list[Entry], values: list[Any], descending: bool,
                 ints: list[int]) -> None:
        indices = tuple(_sorted_indices(values, descending, ints))
        self.indices = indices
        if len(indices) > 1:
            self.getter = itemgetter(*indices)  # keeps ``indices`` itself as its items
            self.rows: list[Entry] = list(self.getter(entries))
        else:
            self.getter = None
            self.rows = [entries[i] for i in indices]

    def pick(self, mask: bytes) -> list[Entry]:
        """The rows, in order, whose entry index is set in ``mask``."""
        if self.getter is None:
            return list(compress(self.rows, map(mask.__getitem__, self.indices)))
        return list(compress(self.rows, self.getter(mask)))


_TOPIC_MASKS = 64  # topic masks kept per snapshot (100 KB each at 100k entries)
_SEARCHES = 48  # search results (masks) kept per snapshot: a phrase typed and deleted
_DENSE = 0.6  # narrowing a mask set for more than this share of entries: scan them all
_NATIVE_U32 = array("I").itemsize == 4 and sys.byteorder == "little"


class _State:
    """The entries (never changed) and what is derived from them, filled in on demand."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.orders: dict[tuple[SortKey, bool], _Order] = {}
        self.int_list: list[int] | None = None
        self.topic_masks: dict[str, bytes] = {}
        self.state_masks: dict[bool, bytes] = {}  # unpublished? -> mask
        self.topic_list: list[tuple[str, int]] | None = None
        self.unpublished: int | None = None
        self.by_id: dict[str, Entry] | None = None
        self.url_index: array | None = None
        self.texts: list[bytes] | None = None  # search texts, in entry order
        self.blob: bytes | None = None  # the same joined by "\n" (made by warm_up)
        self.starts: array | None = None  # where each text begins in the blob, + the end
        # (filters, needles) -> (mask, set count): recent searches, oldest first.
        # filters is None for a plain search (no topic or state filter).
        self.searches: dict[tuple[Any, frozenset[bytes]], tuple[bytes, int]] = {}
        self.search_lock = threading.Lock()

    def order(self, key: SortKey, descending: bool, values: list[Any] | None = None) -> _Order:
        o = self.orders.get((key, descending))
        if o is None:
            if values is None:
                values = _sort_values(self.entries, key)
            o = self.orders[(key, descending)] = _Order(self.entries, values, descending, self.ints())
        return o

    def ints(self) -> list[int]:
        """``list(range(len(entries)))``: int objects the orders share (28 bytes each)."""
        ints = self.int_list
        if ints is None:
            ints = self.int_list = list(range(len(self.entries)))
        return ints

    def topic_mask(self, topic: str) -> bytes:
        mask = self.topic_masks.get(topic)
        if mask is None:
            mask = bytes(map(contains, map(_topics, self.entries), repeat(topic)))
            if len(self.topic_masks) >= _TOPIC_MASKS:
                self.topic_masks.clear()
            self.topic_masks[topic] = mask
        return mask

    def state_mask(self, unpublished: bool) -> bytes:
        mask = self.state_masks.get(unpublished)
        if mask is None:
            test = is_ if unpublished else is_not
            mask = bytes(map(test, map(_published, self.entries), repeat(False)))
            self.state_masks[unpublished] = mask
        return mask

    def search_texts(self) -> list[bytes]:
        texts = self.texts
        if texts is None:
            texts = self.texts = list(map(_text, self.entries))
        return texts

    def make_blob(self) -> None:
        """All search texts in one buffer, one line each: a word of 3+ letters is
        looked for in it at C speed rather than with one call per entry. Only
        when no text holds a newline (the sanitiser sees to that)."""
        if self.blob is None:
            texts = self.search_texts()
            blob = b"\n".join(texts)
            if blob.count(b"\n") == max(0, len(texts) - 1):
                starts = array("q", accumulate(map(len, texts), lambda at, size: at + size + 1, initial=0))
                self.starts, self.blob = starts, blob

    def scan_all(self, needle: bytes) -> bytes:
        """Mask of the entries whose search text holds ``needle``."""
        texts = self.search_texts()
        n = len(texts)
        blob, starts = self.blob, self.starts
        if blob is None or starts is None or len(needle) < 3:  # short: mostly hits, found early
            return bytes(_hits(texts, needle))
        hits: list[int] = []
        find = blob.find
        pos = find(needle)
        while pos >= 0:
            current = bisect_right(starts, pos) - 1  # the entry the hit is in
            hits.append(current)
            current += 1  # the next one: look there
            if not len(hits) & 255 and len(hits) * 6 > current:
                # Hits are many: one call per entry (stopping at the first hit) is cheaper.
                out = bytearray(n)
                deque(map(out.__setitem__, hits, repeat(1)), maxlen=0)
                out[current:] = bytes(_hits(islice(texts, current, None), needle))
                return bytes(out)
            pos = find(needle, starts[current])
        out = bytearray(n)
        deque(map(out.__setitem__, hits, repeat(1)), maxlen=0)
        return bytes(out)

    def search_mask(self, filters: Any, base: bytes | None, needles: list[bytes]) -> bytes:
        """Mask of the entries in ``base`` (all if None) matching every needle.

        Starts from the smallest cached result that contains the answer (a
        search whose words are each inside one of these, with the same filters
        or none) and looks only for the needles that one did not imply.
        """
        key = (filters, frozenset(needles))
        with self.search_lock:
            cached = self.searches.pop(key, None)
            if cached is not None:
                self.searches[key] = cached  # now the most recent
                return cached[0]
            candidates = list(self.searches.items())
        best: tuple[bytes, int] | None = None
        best_have: frozenset[bytes] = frozenset()
        best_filtered = False
        for (f, have), found in candidates:
            if (f is None or f == filters) and (best is None or found[1] < best[1]) and all(
                any(h in s for s in needles) for h in have
            ):
                best, best_have, best_filtered = found, have, f is not None
        if best is None:
            mask, todo = base, needles
        else:
            mask = best[0]
            if base is not None and not best_filtered:
                mask = _and(mask, base)
            todo = [s for s in needles if not any(s in h for h in best_have)]
        # Texts are read in entry order, i.e. mostly in memory order (in a sort
        # order each would be a cache miss): all of them while the candidates
        # are many, then only the candidates' (by index, ascending).
        texts = self.search_texts()
        n = len(texts)
        chosen: list[int] | None = None  # the candidates, once they are few
        for i, needle in enumerate(todo):
            if chosen is None and mask is not None and mask.count(1) <= n * _DENSE:
                chosen = list(compress(range(n), mask))
            if chosen is not None:
                chosen = list(compress(chosen, _hits(map(texts.__getitem__, chosen), needle)))
                continue
            found = self.scan_all(needle)
            mask = found if mask is None else _and(mask, found)
            if i == 0 and best is None and base is None and len(todo) > 1:
                self._remember((None, frozenset((needle,))), mask)  # one word: for backspacing
        if chosen is not None:
            out = bytearray(n)
            deque(map(out.__setitem__, chosen, repeat(1)), maxlen=0)
            mask = bytes(out)
        assert mask is not None
        self._remember(key, mask)
        return mask

    def _remember(self, key: tuple[Any, frozenset[bytes]], mask: bytes) -> None:
        with self.search_lock:
            self.searches[key] = (mask, mask.count(1))
            while len(self.searches) > _SEARCHES:
                del self.searches[next(iter(self.searches))]

    def topic_counts(self) -> list[tuple[str, int]]:
        counted = self.topic_list
        if counted is None:
            counter: Counter[str] = Counter()
            for topics, n in Counter(map(_topics, self.entries)).items():  # few distinct tuples
                for topic in topics:
                    counter[topic] += n
            counted = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
            self.topic_list = counted
        return counted

    def unpublished_count(self) -> int:
        count = self.unpublished
        if count is None:
            count = self.unpublished = self.state_mask(True).count(1)
        return count

    def ids(self) -> dict[str, Entry]:
        by_id = self.by_id
        if by_id is None:
            by_id = self.by_id = dict(zip(map(_id, self.entries), self.entries))
        return by_id

    def urls(self) -> array:
        """Sorted (CRC-32 << 32 | entry index) for every URL of every entry."""
        index = self.url_index
        if index is None:
            datas = list(map(_url_data, self.entries))
            # (a damaged record must not shift every later entry's hashes)
            counts = [min(d[0], (len(d) - 1) >> 2) if d else 0 for d in datas]
            packed = b"".join([d[1:1 + 4 * k] for d, k in zip(datas, counts) if k])  # LE u32s
            hashes: Sequence[int]
            if _NATIVE_U32:
                hashes = array("I")
                hashes.frombytes(packed)
            else:  # pragma: no cover - big-endian or exotic platforms
                hashes = struct.unpack(f"<{len(packed) // 4}I", packed)
            owners = chain.from_iterable(map(repeat, range(len(datas)), counts))
            keys = list(map(or_, map(lshift, hashes, repeat(32)), owners))
            keys.sort()
            index = self.url_index = array("Q", keys)
        return index


class Catalog:
    """All loaded entries plus cached orders, filters, topic counts and URL lookup."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._state = _State(list(entries))
        self._write_lock = threading.Lock()  # serialises changes (not queries)

    # -- contents -------------------------------------------------------
    def __len__(self) -> int:
        return len(self._state.entries)

    @property
    def entries(self) -> Sequence[Entry]:
        """All entries, in the order they were added (read-only: do not change it)."""
        return self._state.entries

    def _replace(self, make) -> None:
        with self._write_lock:
            entries = make(self._state.entries)
            if entries is not None:
                self._state = _State(entries)

    def extend(self, entries: Iterable[Entry]) -> None:
        new = list(entries)
        if new:
            self._replace(lambda old: old + new)

    def upsert(self, entry: Entry) -> None:
        def make(old: list[Entry]) -> list[Entry]:
            new = list(old)
            for i, e in enumerate(new):
                if e.id == entry.id:
                    new[i] = entry
                    return new
            new.append(entry)
            return new

        self._replace(make)

    def remove(self, item_id: str) -> None:
        self.remove_many({item_id})

    def remove_many(self, item_ids: set[str] | frozenset[str]) -> None:
        """Drop every entry whose id is in ``item_ids`` (one pass)."""
        if not item_ids:
            return

        def make(old: list[Entry]) -> list[Entry] | None:
            kept = [e for e in old if e.id not in item_ids]
            return kept if len(kept) != len(old) else None

        self._replace(make)

    def get(self, item_id: str) -> Entry | None:
        return self._state.ids().get(item_id)

    def find_url(self, urls: Iterable[str]) -> Entry | None:
        """The entry any of whose URLs equals one of ``urls`` (related-item jumps):
        the first such entry for the first of ``urls`` that has one. URLs are
        compared without scheme, "www.", trailing slash, blanks or case."""
        state = self._state
        index: array | None = None
        for u in urls:
            if index is None:
                index = state.urls()
            key = url_key(u)
            h = url_hash(u) << 32
            i = bisect_left(index, h)
            while i < len(index) and index[i] >> 32 == h >> 32:
                entry = state.entries[index[i] & 0xFFFFFFFF]
                i += 1
                try:
                    candidates = entry.urls
                except (ValueError, zlib.error):  # damaged packed URLs (an index cache gone bad)
                    continue
                if any(url_key(v) == key for v in candidates):  # not just the same CRC
                    return entry
        return None

    # -- counts ---------------------------------------------------------
    def topic_counts(self) -> list[tuple[str, int]]:
        """(topic, count), most common first, then by name."""
        return self._state.topic_counts()

    def unpublished_count(self) -> int:
        return self._state.unpublished_count()

    # -- queries --------------------------------------------------------
    def order(self, key: SortKey, descending: bool) -> Sequence[int]:
        """Entry indices sorted by ``key`` (cached until the entries change)."""
        return self._state.order(key, descending).indices

    def warm_up(self) -> bool:
        """Compute ahead what queries would otherwise compute on first use: every
        sort order (both directions of a key from one pass over the entries), the
        search texts joined in one buffer (searches for words of
        3+ letters use it), the published-state masks and count, the topic
        counts and the URL index. Call it again after the entries change.

        Meant for a worker thread once loading has finished (a few hundred ms
        at 100k entries, holding the GIL for up to one sort, ~50 ms, at a time).
        Thread-safe without a lock: it fills in the caches of the snapshot of
        the contents that is current when it starts, which nothing else changes;
        ``query()`` and the rest may run meanwhile on another thread (at worst
        both compute the same order, and store equal results). If the entries
        change meanwhile (``extend``, ``remove_many``...), it stops early: the
        new contents are computed on first use, or by calling ``warm_up`` again.

        Returns True if everything was computed for the current contents.
        """
        state = self._state
        keys = sorted(SortKey, key=lambda k: k in (SortKey.TITLE, SortKey.PROVIDER))  # cheap first
        for key in keys:
            if self._state is not state:
                return False
            both = (key.default_descending, not key.default_descending)
            missing = [d for d in both if (key, d) not in state.orders]
            if missing:
                values = _sort_values(state.entries, key)
                for descending in missing:
                    state.order(key, descending, values)
                del values
        for step in (state.make_blob, state.unpublished_count, lambda: state.state_mask(False),
                     state.topic_counts, state.urls):
            if self._state is not state:
                return False
            step()
        return self._state is state

    def query(self, q: Query) -> list[Entry]:
        """The entries ``q`` selects, in its order (a new list the caller may keep)."""
        state = self._state
        order = state.order(q.sort, q.descending)
        mask: bytes | None = None  # None: every entry
        if q.topic is not None:
            mask = state.topic_mask(q.topic)
        if q.published is not Published.ALL:
            published = state.state_mask(q.published is Published.UNPUBLISHED)
            mask = published if mask is None else _and(mask, published)
        needles = _needles(q.words)
        if needles:
            filters = None if mask is None else (q.topic, q.published)
            mask = state.search_mask(filters, mask, needles)
        return list(order.rows) if mask is None else order.pick(mask)
