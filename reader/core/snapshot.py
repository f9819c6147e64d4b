"""One version of the catalog's contents, and everything derived from it.

A ``Snapshot`` holds the entries (a list that is never changed) and fills in,
on first use, what queries need: sort orders, byte masks, search texts, topic
counts, the URL index. Derived structures are pure functions of the entries,
so two threads computing the same one store equal values: a worker thread may
warm a snapshot up while the UI thread queries it.

A change (files added, changed or removed on disk; an edit) makes a new
snapshot. ``Snapshot.changed`` builds it from the old one: for a few changed
entries (``reader.core.patch``) the masks, texts, counts and URL index are
patched at once, and each cached sort order is patched on first use (a binary
search and a list insert per changed entry, not a sort of 100k entries). Only
the search buffer is left to ``warm_up`` to build again.

Entry order: entries keep their position when replaced; new ones are appended;
a removed one's slot is taken by the last entry. Ties in a sort order are in
entry order, in both directions.
"""

from __future__ import annotations

import heapq
import struct
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, compress, repeat
from operator import attrgetter, contains, is_, is_not, itemgetter, not_
from typing import Any

from reader.core import patch
from reader.core.model import Entry
from reader.core.patch import Change, Positions
from reader.core.query import SortKey, raw_values, sort_values, sorted_indices

_id = attrgetter("id")
_title = attrgetter("title")
_published = attrgetter("published")
_topics = attrgetter("topics")
_text = attrgetter("search_text")
_url_data = attrgetter("url_data")

TOPIC_MASKS = 64  # topic masks kept per snapshot (100 KB each at 100k entries)
PATCH_LIMIT = 64  # more changed entries than this: a fresh snapshot instead of patches
CHAIN_LIMIT = 32  # changes waiting to be replayed on an order before it is sorted afresh
_INDEX = "I" if array("I").itemsize >= 4 else "L"  # entry indices (< 2**32)
_CRC = struct.Struct("<I")  # how url_data packs a URL's CRC-32


def _has_topic(topic: str) -> Callable[[Entry], bool]:
    return lambda entry: topic in entry.topics


def _is_unpublished(entry: Entry) -> bool:
    return entry.published is False


def _is_published(entry: Entry) -> bool:
    return entry.published is not False


class Order:
    """One (key, direction): the entry indices in that order, as a compact array
    (4 bytes an entry; there are ten orders). Made on first use, as only the
    orders a session shows need them: the entries in this order (a list: a query
    copies it) and a getter holding the indices as shared int objects, which puts
    a mask in this order in one C call."""

    # It holds the entries list, not the snapshot: no reference cycle, so an old
    # snapshot is freed as soon as it is replaced, without the cyclic GC.
    __slots__ = ("_getter", "_rows", "entries", "indices")

    def __init__(self, entries: list[Entry], indices: array) -> None:
        self.entries = entries
        self.indices = indices
        self._rows: list[Entry] | None = None
        self._getter: Any = None

    @classmethod
    def sorted(cls, snap: Snapshot, values: list[Any], descending: bool) -> Order:
        ints = shared_ints(len(values))  # (no 100k fresh int objects made and dropped)
        return cls(snap.entries, array(_INDEX, sorted_indices(values, descending, ints)))

    def _in_order(self) -> list[Entry]:
        rows = self._rows
        if rows is None:
            rows = self._rows = list(map(self.entries.__getitem__, self.indices))
        return rows

    @property
    def rows(self) -> list[Entry]:
        """The entries in this order (a new list)."""
        return list(self._in_order())

    def pick(self, mask: bytes) -> list[Entry]:
        """The entries, in this order, whose index is set in ``mask``."""
        indices = self.indices
        if len(indices) < 2:
            return [self.entries[i] for i in indices if mask[i]]
        getter = self._getter
        if getter is None:
            getter = self._getter = itemgetter(*map(shared_ints(len(self.entries)).__getitem__, indices))
        return list(compress(self._in_order(), getter(mask)))

    def positions(self, mask: bytes | None) -> Sequence[int]:
        """The indices of what ``pick`` (or ``rows``, without a mask) gives, in this order."""
        indices = self.indices
        if mask is None:
            return indices
        if len(indices) < 2:
            return [i for i in indices if mask[i]]
        getter = self._getter
        if getter is None:
            getter = self._getter = itemgetter(*map(shared_ints(len(self.entries)).__getitem__, indices))
        return array(indices.typecode, compress(indices, getter(mask)))


_ints: list[int] = []
_ints_lock = threading.Lock()
TITLE_CHUNK = 8192  # titles casefolded at a time by title_indices


def title_indices(entries: Sequence[Entry], descending: bool) -> list[int]:
    """The indices ``sorted_indices(sort_values(entries, TITLE), descending)`` gives
    (casefolded titles, ties in entry order, no title last), sorted a chunk at a
    time and merged: at most ``TITLE_CHUNK`` casefolded titles exist at once."""
    titles = list(map(_title, entries))
    n = len(titles)
    ints = shared_ints(n)
    fold = str.casefold
    runs = []
    for base in range(0, n, TITLE_CHUNK):
        chunk = ints[base:min(n, base + TITLE_CHUNK)]
        present = list(compress(chunk, map(bool, map(titles.__getitem__, chunk))))
        keys = list(map(fold, map(titles.__getitem__, present)))
        ranked = sorted(range(len(present)), key=keys.__getitem__, reverse=descending)
        runs.append(list(map(present.__getitem__, ranked)))
        del keys, ranked
    # heapq.merge keeps ties in the order of the runs (entry order), like a stable sort.
    out = list(heapq.merge(*runs, key=lambda i: fold(titles[i]), reverse=descending))
    out.extend(compress(ints, map(not_, titles)))
    return out



def shared_ints(n: int) -> list[int]:
    """``list(range(n))`` or longer, one list for all orders and positions: a getter's
    tuple or a positions dict then refers to these int objects rather than to
    28-byte ints of its own. It only grows (by extending: the ints handed out
    before stay the ones in use)."""
    ints = _ints
    if len(ints) < n:
        with _ints_lock:
            if len(ints) < n:
                ints.extend(range(len(ints), n))
    return ints


class Snapshot:
    """The entries (never changed) and what is derived from them, filled in on demand."""

    def __init__(self, entries: list[Entry], positions: Positions | None = None) -> None:
        self.entries = entries
        self.position_map = positions  # id -> index in entries
        self.orders: dict[tuple[SortKey, bool], Order] = {}
        # orders of an earlier snapshot and the changes to replay on them (on first use)
        self.pending: dict[tuple[SortKey, bool], tuple[Order, tuple[Change, ...]]] = {}
        self.topic_masks: dict[str, bytes] = {}
        self.state_masks: dict[bool, bytes] = {}  # unpublished? -> mask
        self.topic_list: list[tuple[str, int]] | None = None
        self.unpublished: int | None = None
        self.maxima: dict[SortKey, int | None] = {}
        self.url_index: UrlIndex | None = None
        self.texts: list[bytes] | None = None  # search texts, in entry order
        # (filters, needles) -> (mask, set count): recent searches, oldest first.
        # filters is None for a plain search (no topic or state filter).
        self.searches: dict[tuple[Any, frozenset[bytes]], tuple[bytes, int]] = {}
        self.search_lock = threading.Lock()

    # -- making a new version -------------------------------------------------
    @classmethod
    def merged(cls, old: list[Entry], new: Iterable[Entry]) -> Snapshot:
        """``old`` with ``new`` applied: an id already there is replaced in place,
        others are appended (the last of repeated ids wins). C-level passes."""
        new = list(new)
        by_id = dict(zip(map(_id, old), old, strict=False))
        by_id.update(zip(map(_id, new), new, strict=False))
        return cls(list(by_id.values()))

    def changed(self, upserts: Sequence[Entry], removed: Iterable[str] = ()) -> Snapshot:
        """A new snapshot with ``removed`` ids gone and ``upserts`` put in (by id;
        an id in both is replaced, as if removed and then added)."""
        upserts = list(upserts)
        removed = list(removed)
        if not self.entries or len(upserts) + len(removed) > PATCH_LIMIT:
            # Many changes (a first load, a git pull): a fresh snapshot, everything
            # computed again on demand; removals keep the others in their order.
            latest = {e.id for e in upserts}
            gone = {i for i in removed if i not in latest}
            kept = [e for e in self.entries if e.id not in gone] if gone else self.entries
            return Snapshot.merged(kept, upserts)
        change = patch.plan(self.entries, self.positions(), upserts, removed)
        if change is None:
            return self
        snap = Snapshot(change.entries, change.positions)
        for k, order in list(self.orders.items()):
            snap.pending[k] = (order, (change,))
        for k, (source, changes) in list(self.pending.items()):
            if k not in self.orders and len(changes) < CHAIN_LIMIT:
                snap.pending[k] = (source, (*changes, change))
        for topic, mask in list(self.topic_masks.items()):
            snap.topic_masks[topic] = patch.patch_mask(mask, change, _has_topic(topic))
        for unpublished, mask in list(self.state_masks.items()):
            test = _is_unpublished if unpublished else _is_published
            snap.state_masks[unpublished] = patch.patch_mask(mask, change, test)
        if True in snap.state_masks:
            snap.unpublished = snap.state_masks[True].count(1)
        if self.topic_list is not None:
            snap.topic_list = patch.patch_topic_counts(self.topic_list, change)
        if self.texts is not None:
            snap.texts = patch.patch_list(self.texts, change, _text)
        # (the URL index is made again on first use: a few C-level passes)
        for key, largest in list(self.maxima.items()):
            value = patch.patch_largest(largest, key, change)
            if value is not False:
                snap.maxima[key] = value
        return snap

    # -- derived structures, on first use ---------------------------------------------
    def positions(self) -> Positions:
        pos = self.position_map
        if pos is None:
            # (the shared int objects: 100k fresh ones would take 2.8 MB)
            ids = map(_id, self.entries)
            pos = self.position_map = Positions(dict(zip(ids, shared_ints(len(self.entries)), strict=False)))
        return pos

    def order(self, key: SortKey, descending: bool, values: list[Any] | None = None) -> Order:
        o = self.orders.get((key, descending))
        if o is None:
            o = self._replayed(key, descending)
        if o is None:
            if values is None:
                values = sort_values(self.entries, key, descending)
            o = Order.sorted(self, values, descending)
        self.orders[(key, descending)] = o
        return o

    def order_by_title(self, descending: bool) -> Order:
        """``order(SortKey.TITLE, descending)``, made without a casefolded copy of
        every title at once (14 MB at 100k for the time of the sort): slower, for
        ``Catalog.warm_up`` in a worker thread (see ``title_indices``)."""
        o = self.orders.get((SortKey.TITLE, descending))
        if o is None:
            o = self._replayed(SortKey.TITLE, descending)
        if o is None:
            o = Order(self.entries, array(_INDEX, title_indices(self.entries, descending)))
        self.orders[(SortKey.TITLE, descending)] = o
        return o

    def _replayed(self, key: SortKey, descending: bool) -> Order | None:
        """An earlier snapshot's order with the changes since replayed on it."""
        waiting = self.pending.get((key, descending))
        if waiting is None:
            return None
        source, changes = waiting
        indices = array(_INDEX, source.indices)
        for change in changes:
            if not patch.patch_order(indices, key, descending, change):  # pragma: no cover
                return None
        return Order(self.entries, indices)

    def topic_mask(self, topic: str) -> bytes:
        mask = self.topic_masks.get(topic)
        if mask is None:
            mask = bytes(map(contains, map(_topics, self.entries), repeat(topic)))
            if len(self.topic_masks) >= TOPIC_MASKS:
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

    def largest(self, key: SortKey) -> int | None:
        """The largest heat or quality (``None``: no entry has one)."""
        if key not in self.maxima:
            values = [v for v in raw_values(self.entries, key) if v is not None]
            self.maxima[key] = max(values) if values else None
        return self.maxima[key]

    def search_texts(self) -> list[bytes]:
        texts = self.texts
        if texts is None:
            texts = self.texts = list(map(_text, self.entries))
        return texts

    def topic_counts(self) -> list[tuple[str, int]]:
        counted = self.topic_list
        if counted is None:
            counter: Counter[str] = Counter()
            for topics, n in Counter(map(_topics, self.entries)).items():  # few distinct tuples
                for topic in topics:
                    counter[topic] += n
            counted = self.topic_list = patch.counted_topics(counter)
        return counted

    def unpublished_count(self) -> int:
        count = self.unpublished
        if count is None:
            count = self.unpublished = self.state_mask(True).count(1)
        return count

    def urls(self) -> UrlIndex:
        """Every entry's URL CRC-32s, to find the entries with a given URL."""
        index = self.url_index
        if index is None:
            index = self.url_index = UrlIndex.of(self.entries)
        return index


class UrlIndex:
    """The CRC-32s ``Entry.url_data`` packs (4 bytes each, little-endian), joined
    in entry order, and the entry index each belongs to: a CRC is looked for in
    one C-level pass over ~1 MB at 100k entries, and the index is made in a few
    C-level passes, without a sort or a Python int per URL kept alive."""

    __slots__ = ("crcs", "owners")

    CHUNK = 4096  # entries joined at a time (bounds what is made and dropped)

    def __init__(self, crcs: bytes, owners: array) -> None:
        self.crcs = crcs
        self.owners = owners

    @classmethod
    def of(cls, entries: Sequence[Entry]) -> UrlIndex:
        crcs = bytearray()
        owners = array(_INDEX)
        for base in range(0, len(entries), cls.CHUNK):
            datas = list(map(_url_data, entries[base:base + cls.CHUNK]))
            # (a damaged record must not shift every later entry's hashes)
            counts = [min(d[0], (len(d) - 1) >> 2) if d else 0 for d in datas]
            crcs += b"".join([d[1:1 + 4 * k] for d, k in zip(datas, counts, strict=True) if k])
            owners.extend(chain.from_iterable(map(repeat, range(base, base + len(datas)), counts)))
        return cls(bytes(crcs), owners)

    def owners_of(self, crc: int) -> Iterator[int]:
        """The indices of the entries with a URL whose CRC-32 is ``crc``, in entry order."""
        needle = _CRC.pack(crc)
        find = self.crcs.find
        at = find(needle)
        while at != -1:
            if at & 3:  # straddles two CRCs
                at = find(needle, at + 1)
                continue
            yield self.owners[at >> 2]
            at = find(needle, at + 4)
