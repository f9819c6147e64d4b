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

import struct
import sys
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, compress, repeat
from operator import attrgetter, contains, is_, is_not, itemgetter, lshift, or_
from typing import Any

from reader.core import patch
from reader.core.model import Entry
from reader.core.patch import Change, Positions
from reader.core.query import SortKey, raw_values, sort_values, sorted_indices

_id = attrgetter("id")
_published = attrgetter("published")
_topics = attrgetter("topics")
_text = attrgetter("search_text")
_url_data = attrgetter("url_data")

TOPIC_MASKS = 64  # topic masks kept per snapshot (100 KB each at 100k entries)
PATCH_LIMIT = 64  # more changed entries than this: a fresh snapshot instead of patches
CHAIN_LIMIT = 32  # changes waiting to be replayed on an order before it is sorted afresh
_NATIVE_U32 = array("I").itemsize == 4 and sys.byteorder == "little"


def _has_topic(topic: str) -> Callable[[Entry], bool]:
    return lambda entry: topic in entry.topics


def _is_unpublished(entry: Entry) -> bool:
    return entry.published is False


def _is_published(entry: Entry) -> bool:
    return entry.published is not False


class Order:
    """One (key, direction): the entries in order, and -- made on first use, as
    only filtered queries need them -- their indices (a tuple of the snapshot's
    shared int objects) and a getter holding that tuple, which permutes a mask
    into this order in one C call."""

    # It holds the snapshot's positions, not the snapshot: no reference cycle, so
    # an old snapshot is freed as soon as it is replaced, without the cyclic GC.
    __slots__ = ("_getter", "_indices", "_positions", "rows")

    def __init__(self, rows: list[Entry], positions: Positions,
                 indices: tuple[int, ...] | None = None) -> None:
        self.rows = rows
        self._positions = positions
        self._indices = indices
        self._getter: Any = None

    @classmethod
    def sorted(cls, snap: Snapshot, values: list[Any], descending: bool) -> Order:
        indices = tuple(sorted_indices(values, descending, snap.ints()))
        entries = snap.entries
        rows = list(itemgetter(*indices)(entries)) if len(indices) > 1 else [entries[i] for i in indices]
        return cls(rows, snap.positions(), indices)

    @property
    def indices(self) -> tuple[int, ...]:
        indices = self._indices
        if indices is None:
            indices = self._indices = tuple(map(self._positions.flat().__getitem__, map(_id, self.rows)))
        return indices

    def pick(self, mask: bytes) -> list[Entry]:
        """The rows, in order, whose entry index is set in ``mask``."""
        indices = self.indices
        if len(indices) < 2:
            return list(compress(self.rows, map(mask.__getitem__, indices)))
        getter = self._getter
        if getter is None:
            getter = self._getter = itemgetter(*indices)  # keeps ``indices`` as its items
        return list(compress(self.rows, getter(mask)))


class Snapshot:
    """The entries (never changed) and what is derived from them, filled in on demand."""

    def __init__(self, entries: list[Entry], positions: Positions | None = None) -> None:
        self.entries = entries
        self.position_map = positions  # id -> index in entries
        self.orders: dict[tuple[SortKey, bool], Order] = {}
        # orders of an earlier snapshot and the changes to replay on them (on first use)
        self.pending: dict[tuple[SortKey, bool], tuple[Order, tuple[Change, ...]]] = {}
        self.int_list: list[int] | None = None
        self.topic_masks: dict[str, bytes] = {}
        self.state_masks: dict[bool, bytes] = {}  # unpublished? -> mask
        self.topic_list: list[tuple[str, int]] | None = None
        self.unpublished: int | None = None
        self.maxima: dict[SortKey, int | None] = {}
        self.url_index: array | None = None
        self.texts: list[bytes] | None = None  # search texts, in entry order
        self.blob: bytes | None = None  # the same joined by "\n" (made by warm_up)
        self.starts: array | None = None  # where each text begins in the blob, + the end
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
        if self.url_index is not None:
            snap.url_index = patch.patch_urls(self.url_index, change)
        for key, largest in list(self.maxima.items()):
            value = patch.patch_largest(largest, key, change)
            if value is not False:
                snap.maxima[key] = value
        return snap

    # -- derived structures, on first use ---------------------------------------------
    def positions(self) -> Positions:
        pos = self.position_map
        if pos is None:
            ids = map(_id, self.entries)
            pos = self.position_map = Positions(dict(zip(ids, range(len(self.entries)), strict=True)))
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

    def _replayed(self, key: SortKey, descending: bool) -> Order | None:
        """An earlier snapshot's order with the changes since replayed on it."""
        waiting = self.pending.get((key, descending))
        if waiting is None:
            return None
        source, changes = waiting
        rows = list(source.rows)
        indices = list(source._indices) if source._indices is not None else None
        for change in changes:
            if not patch.patch_order(rows, indices, key, descending, change):  # pragma: no cover
                return None
        return Order(rows, self.positions(), None if indices is None else tuple(indices))

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

    def urls(self) -> array:
        """Sorted (CRC-32 << 32 | entry index) for every URL of every entry."""
        index = self.url_index
        if index is None:
            datas = list(map(_url_data, self.entries))
            # (a damaged record must not shift every later entry's hashes)
            counts = [min(d[0], (len(d) - 1) >> 2) if d else 0 for d in datas]
            packed = b"".join([d[1:1 + 4 * k] for d, k in zip(datas, counts, strict=False) if k])  # LE u32s
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
