"""One version of the catalog's contents, and everything derived from it.

A ``Snapshot`` holds the entries (a list that is never changed) and fills in,
on first use, what queries need: sort orders, byte masks, search texts, topic
counts, the URL index. Derived structures are pure functions of the entries,
so two threads computing the same one store equal values: a worker thread may
warm a snapshot up while the UI thread queries it.

A change (files added, changed or removed on disk; an edit) makes a new
snapshot. ``Snapshot.changed`` builds it from the old one: for a few changed
entries each cached sort order is patched (one binary search and a list insert,
not a sort of 100k entries), masks and counts are patched, and what is
expensive and not needed at once (the search buffer, the URL index) is left to
be rebuilt on demand or by ``warm_up`` in the background.

Entry order: entries keep their position when replaced; new ones are appended;
removed ones close up. Ties in a sort order are in entry order (the loader
adds files in path order), in both directions.
"""

from __future__ import annotations

import struct
import sys
import threading
from array import array
from bisect import bisect_right
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from itertools import accumulate, chain, compress, islice, repeat
from operator import attrgetter, contains, is_, is_not, itemgetter, le, lshift, or_
from typing import Any

from reader.core.model import Entry
from reader.core.query import SortKey, raw_values, sort_value, sort_values, sorted_indices

_id = attrgetter("id")
_published = attrgetter("published")
_topics = attrgetter("topics")
_text = attrgetter("search_text")
_url_data = attrgetter("url_data")
_find = bytes.find

TOPIC_MASKS = 64  # topic masks kept per snapshot (100 KB each at 100k entries)
SEARCHES = 48  # search results (masks) kept per snapshot: a phrase typed and deleted
DENSE = 0.6  # narrowing a mask set for more than this share of entries: scan them all
PATCH_LIMIT = 256  # more changed entries than this: a fresh snapshot instead of patches
_NATIVE_U32 = array("I").itemsize == 4 and sys.byteorder == "little"


def hits(texts: Iterable[bytes], needle: bytes) -> Iterable[bool]:
    # bytes.find + (0 <= pos): cheaper than `in` (which first tries the needle as an int)
    return map(le, repeat(0), map(_find, texts, repeat(needle)))


def mask_and(a: bytes, b: bytes) -> bytes:
    """Bytewise AND of two 0/1 masks (as two big integers: one C-level pass)."""
    return (int.from_bytes(a, "little") & int.from_bytes(b, "little")).to_bytes(len(a), "little")


class Order:
    """One (key, direction): the entries in order, and -- made on first use, as
    only filtered queries need them -- their indices (a tuple of the snapshot's
    shared int objects) and a getter holding that tuple, which permutes a mask
    into this order in one C call."""

    __slots__ = ("rows", "_indices", "_getter", "_snap")

    def __init__(self, rows: list[Entry], snap: "Snapshot", indices: tuple[int, ...] | None = None) -> None:
        self.rows = rows
        self._snap = snap
        self._indices = indices
        self._getter: Any = None

    @classmethod
    def sorted(cls, snap: "Snapshot", values: list[Any], descending: bool) -> "Order":
        indices = tuple(sorted_indices(values, descending, snap.ints()))
        entries = snap.entries
        rows = list(itemgetter(*indices)(entries)) if len(indices) > 1 else [entries[i] for i in indices]
        return cls(rows, snap, indices)

    @property
    def indices(self) -> tuple[int, ...]:
        indices = self._indices
        if indices is None:
            indices = self._indices = tuple(map(self._snap.positions().__getitem__,
                                                map(_id, self.rows)))
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


def _before(a: Any, a_at: int, b: Any, b_at: int, descending: bool) -> bool:
    """Whether (value a, entry index a_at) comes before (b, b_at) in an order."""
    if a is None:
        return b is None and a_at < b_at
    if b is None:
        return True
    if a != b:
        return a > b if descending else a < b
    return a_at < b_at


def _place(rows: list[Entry], value: Any, at: int, key: SortKey, descending: bool,
           positions: dict[str, int]) -> int:
    """Where (value, at) belongs in ``rows`` (binary search)."""
    lo, hi = 0, len(rows)
    while lo < hi:
        mid = (lo + hi) // 2
        row = rows[mid]
        if _before(sort_value(row, key, descending), positions[row.id], value, at, descending):
            lo = mid + 1
        else:
            hi = mid
    return lo


class Snapshot:
    """The entries (never changed) and what is derived from them, filled in on demand."""

    def __init__(self, entries: list[Entry], positions: dict[str, int] | None = None) -> None:
        self.entries = entries
        self.position_map = positions  # id -> index in entries
        self.orders: dict[tuple[SortKey, bool], Order] = {}
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
    def merged(cls, old: list[Entry], new: Iterable[Entry]) -> "Snapshot":
        """``old`` with ``new`` applied: an id already there is replaced in place,
        others are appended (the last of repeated ids wins). C-level passes."""
        new = list(new)
        by_id = dict(zip(map(_id, old), old))
        by_id.update(zip(map(_id, new), new))
        return cls(list(by_id.values()))

    def changed(self, upserts: Sequence[Entry], removed: Iterable[str] = ()) -> "Snapshot":
        """A new snapshot with ``removed`` ids gone and ``upserts`` put in (by id;
        an id in both is replaced, as if removed and then added)."""
        positions = self.positions()
        latest = {e.id: e for e in upserts}
        gone = {i for i in removed if i in positions and i not in latest}
        if len(latest) + len(gone) > PATCH_LIMIT or not self.entries:
            kept = self.entries if not gone else [e for e in self.entries if e.id not in gone]
            return Snapshot.merged(kept, list(latest.values()))
        replaced = {i: e for i, e in latest.items() if i in positions}
        added = [e for i, e in latest.items() if i not in positions]
        old_entries = self.entries
        entries = list(old_entries)
        for item_id, e in replaced.items():
            entries[positions[item_id]] = e
        if gone:
            entries = [e for e in entries if e.id not in gone]
        entries.extend(added)
        if gone:
            new_positions: dict[str, int] = dict(zip(map(_id, entries), range(len(entries))))
        else:
            new_positions = positions if not added else dict(positions)
            for e in added:
                new_positions[e.id] = len(new_positions)
        snap = Snapshot(entries, new_positions)
        outgoing = [old_entries[positions[i]] for i in (*replaced, *gone)]
        incoming = [*replaced.values(), *added]
        for (key, descending), order in self.orders.items():
            rows = list(order.rows)
            # The indices move with the rows, unless removals shifted them all.
            indices = list(order._indices) if order._indices is not None and not gone else None
            ok = True
            for e in outgoing:
                at = _place(rows, sort_value(e, key, descending), positions[e.id], key, descending,
                            positions)
                if at < len(rows) and rows[at] is e:
                    del rows[at]
                    if indices is not None:
                        del indices[at]
                else:  # pragma: no cover - the order did not hold e where it belongs
                    ok = False
                    break
            if not ok:
                continue
            for e in incoming:
                at = _place(rows, sort_value(e, key, descending), new_positions[e.id], key, descending,
                            new_positions)
                rows.insert(at, e)
                if indices is not None:
                    indices.insert(at, new_positions[e.id])
            snap.orders[(key, descending)] = Order(rows, snap, None if indices is None else tuple(indices))
        if not gone:
            snap._patch_derived(self, replaced, added)
        return snap

    def _patch_derived(self, old: "Snapshot", replaced: dict[str, Entry], added: list[Entry]) -> None:
        """Masks, counts and texts of ``old`` with entries replaced in place and appended."""
        at = [(self.position_map[i], e) for i, e in replaced.items()]  # type: ignore[index]
        for topic, mask in old.topic_masks.items():
            self.topic_masks[topic] = _patched(mask, at, added, lambda e, t=topic: t in e.topics)
        for unpublished, mask in old.state_masks.items():
            test = (lambda e: e.published is False) if unpublished else (lambda e: e.published is not False)
            self.state_masks[unpublished] = _patched(mask, at, added, test)
        if old.unpublished is not None and True in self.state_masks:
            self.unpublished = self.state_masks[True].count(1)
        if old.topic_list is not None:
            counts = Counter(dict(old.topic_list))
            for i, _e in at:
                counts.subtract(old.entries[i].topics)
            for e in chain(replaced.values(), added):
                counts.update(e.topics)
            self.topic_list = _counted(counts)
        if old.texts is not None:
            texts = list(old.texts)
            for i, e in at:
                texts[i] = e.search_text
            texts.extend(map(_text, added))
            self.texts = texts
        for key, largest in old.maxima.items():
            if largest is not None and any(raw_values([old.entries[i]], key)[0] == largest
                                           for i, _e in at):
                continue  # the largest may have gone down: computed again on demand
            values = [v for v in raw_values([*replaced.values(), *added], key) if v is not None]
            if largest is not None:
                values.append(largest)
            self.maxima[key] = max(values) if values else None

    # -- derived structures, on first use ---------------------------------------------
    def positions(self) -> dict[str, int]:
        pos = self.position_map
        if pos is None:
            pos = self.position_map = dict(zip(map(_id, self.entries), range(len(self.entries))))
        return pos

    def order(self, key: SortKey, descending: bool, values: list[Any] | None = None) -> Order:
        o = self.orders.get((key, descending))
        if o is None:
            if values is None:
                values = sort_values(self.entries, key, descending)
            o = self.orders[(key, descending)] = Order.sorted(self, values, descending)
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
            return bytes(hits(texts, needle))
        found: list[int] = []
        find = blob.find
        pos = find(needle)
        while pos >= 0:
            current = bisect_right(starts, pos) - 1  # the entry the hit is in
            found.append(current)
            current += 1  # the next one: look there
            if not len(found) & 255 and len(found) * 6 > current:
                # Hits are many: one call per entry (stopping at the first hit) is cheaper.
                out = bytearray(n)
                deque(map(out.__setitem__, found, repeat(1)), maxlen=0)
                out[current:] = bytes(hits(islice(texts, current, None), needle))
                return bytes(out)
            pos = find(needle, starts[current])
        out = bytearray(n)
        deque(map(out.__setitem__, found, repeat(1)), maxlen=0)
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
        for (f, have), result in candidates:
            if (f is None or f == filters) and (best is None or result[1] < best[1]) and all(
                any(h in s for s in needles) for h in have
            ):
                best, best_have, best_filtered = result, have, f is not None
        if best is None:
            mask, todo = base, needles
        else:
            mask = best[0]
            if base is not None and not best_filtered:
                mask = mask_and(mask, base)
            todo = [s for s in needles if not any(s in h for h in best_have)]
        # Texts are read in entry order, i.e. mostly in memory order (in a sort
        # order each would be a cache miss): all of them while the candidates
        # are many, then only the candidates' (by index, ascending).
        texts = self.search_texts()
        n = len(texts)
        chosen: list[int] | None = None  # the candidates, once they are few
        for i, needle in enumerate(todo):
            if chosen is None and mask is not None and mask.count(1) <= n * DENSE:
                chosen = list(compress(range(n), mask))
            if chosen is not None:
                chosen = list(compress(chosen, hits(map(texts.__getitem__, chosen), needle)))
                continue
            found = self.scan_all(needle)
            mask = found if mask is None else mask_and(mask, found)
            if i == 0 and best is None and base is None and len(todo) > 1:
                self._remember((None, frozenset((needle,))), mask)  # one word: for backspacing
        if chosen is not None:
            out = bytearray(n)
            deque(map(out.__setitem__, chosen, repeat(1)), maxlen=0)
            mask = bytes(out)
        assert mask is not None  # callers pass at least one needle
        self._remember(key, mask)
        return mask

    def _remember(self, key: tuple[Any, frozenset[bytes]], mask: bytes) -> None:
        with self.search_lock:
            self.searches[key] = (mask, mask.count(1))
            while len(self.searches) > SEARCHES:
                del self.searches[next(iter(self.searches))]

    def topic_counts(self) -> list[tuple[str, int]]:
        counted = self.topic_list
        if counted is None:
            counter: Counter[str] = Counter()
            for topics, n in Counter(map(_topics, self.entries)).items():  # few distinct tuples
                for topic in topics:
                    counter[topic] += n
            counted = self.topic_list = _counted(counter)
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


def _patched(mask: bytes, at: list[tuple[int, Entry]], added: list[Entry], test) -> bytes:
    out = bytearray(mask)
    for i, e in at:
        out[i] = test(e)
    out.extend(map(test, added))
    return bytes(out)


def _counted(counter: Counter[str]) -> list[tuple[str, int]]:
    """(topic, count), most common first, then by name; no zero counts."""
    return sorted(((t, n) for t, n in counter.items() if n > 0),
                  key=lambda kv: (-kv[1], kv[0].casefold()))
