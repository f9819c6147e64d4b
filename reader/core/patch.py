"""Patching a snapshot's derived structures for a few changed entries.

A change replaces entries in place, appends new ones, and removes entries by
moving the last entry into the freed slot (so only the moved entry's index
changes, never all the later ones). ``plan`` works out the new layout and
which slots changed occupant; the ``patch_*`` functions turn a structure
derived from the old layout into the one for the new layout in O(n) memory
copies plus O(k log n) Python steps for k changed slots -- never a sort or a
Python loop over all entries.

Sort orders are patched lazily (``Snapshot.order`` replays the changes on
first use), the rest eagerly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, MutableSequence, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reader.core.model import Entry
from reader.core.query import SortKey, raw_values, sort_value

_GONE = -1


class Positions:
    """id -> entry index, shared between snapshots: a base dict that is never
    changed plus a small dict of what changed since (``_GONE``: removed).
    Copying 100k ids for each added or removed file would cost ~15 ms; this
    copies only the changes, and folds them into a new base now and then."""

    __slots__ = ("_flat", "base", "changes")

    FOLD = 4096  # more changes than this: a new base

    def __init__(self, base: dict[str, int], changes: dict[str, int] | None = None) -> None:
        self.base = base
        self.changes = changes or {}
        self._flat: dict[str, int] | None = None if self.changes else base

    def get(self, item_id: str, default: int | None = None) -> int | None:
        at = self.changes.get(item_id)
        if at is None:
            return self.base.get(item_id, default)
        return default if at == _GONE else at

    def __getitem__(self, item_id: str) -> int:
        at = self.get(item_id)
        if at is None:
            raise KeyError(item_id)
        return at

    def __contains__(self, item_id: object) -> bool:
        return isinstance(item_id, str) and self.get(item_id) is not None

    def flat(self) -> dict[str, int]:
        """One plain dict (C-speed lookups for 100k ids at a time); made once."""
        flat = self._flat
        if flat is None:
            flat = dict(self.base)
            for item_id, at in self.changes.items():
                if at == _GONE:
                    flat.pop(item_id, None)
                else:
                    flat[item_id] = at
            self._flat = flat
        return flat

    def edited(self, changes: dict[str, int]) -> Positions:
        """These positions with ``changes`` (id -> index, or ``_GONE``) applied."""
        merged = {**self.changes, **changes}
        if len(merged) > self.FOLD:
            return Positions(Positions(self.base, merged).flat())
        return Positions(self.base, merged)


@dataclass(slots=True)
class Change:
    """From one layout to the next: the new entries and positions, and which slots moved."""

    entries: list[Entry]
    positions: Positions
    old_positions: Positions
    old_size: int
    slots: list[int]  # indices whose occupant may have changed (old or new layout)
    outgoing: list[tuple[int, Entry]]  # (old index, entry) that left that slot
    incoming: list[tuple[int, Entry]]  # (new index, entry) that took that slot
    removed: list[Entry]  # gone from the contents (deleted, or the old version of a replaced one)
    added: list[Entry]  # new to the contents (added, or the new version of a replaced one)


def plan(entries: list[Entry], positions: Positions, upserts: Iterable[Entry],
         removed: Iterable[str]) -> Change | None:
    """The new layout for ``upserts`` (by id) and ``removed`` ids; None if nothing changes."""
    latest = {e.id: e for e in upserts}
    gone = list(dict.fromkeys(i for i in removed if i in positions and i not in latest))
    if not latest and not gone:
        return None
    new = list(entries)
    moves: dict[str, int] = {}  # id -> new index (or _GONE)
    touched: set[int] = set()
    removed_entries: list[Entry] = []
    added_entries: list[Entry] = []
    appended: list[Entry] = []
    for item_id, e in latest.items():
        at = positions.get(item_id)
        if at is None:
            appended.append(e)
        else:
            removed_entries.append(entries[at])
            added_entries.append(e)
            new[at] = e
            touched.add(at)
    for item_id in gone:
        at = moves[item_id] if item_id in moves else positions[item_id]
        moves[item_id] = _GONE
        removed_entries.append(new[at])
        last = new.pop()
        if at < len(new):  # the last entry moves into the freed slot
            new[at] = last
            moves[last.id] = at
        touched.add(at)
    old_size = len(entries)
    touched.update(range(len(new), old_size))  # slots the moved entries left
    for e in appended:
        moves[e.id] = len(new)
        new.append(e)
    added_entries.extend(appended)
    touched.update(range(old_size, len(new)))
    new_positions = positions.edited(moves) if moves else positions
    slots = sorted(touched)
    outgoing: list[tuple[int, Entry]] = []
    incoming: list[tuple[int, Entry]] = []
    for i in slots:
        before = entries[i] if i < old_size else None
        after = new[i] if i < len(new) else None
        if before is not after:
            if before is not None:
                outgoing.append((i, before))
            if after is not None:
                incoming.append((i, after))
    return Change(new, new_positions, positions, old_size, slots, outgoing, incoming,
                  removed_entries, added_entries)


# -- sort orders -------------------------------------------------------------------------

def _before(a: Any, a_at: int, b: Any, b_at: int, descending: bool) -> bool:
    """Whether (value a, entry index a_at) comes before (b, b_at) in an order."""
    if a is None:
        return b is None and a_at < b_at
    if b is None:
        return True
    if a != b:
        return a > b if descending else a < b
    return a_at < b_at


def _place(indices: MutableSequence[int], entry_at: Callable[[int], Entry], value: Any, at: int,
           key: SortKey, descending: bool) -> int:
    """Where (value, entry index ``at``) belongs in an order's ``indices`` (binary search)."""
    lo, hi = 0, len(indices)
    while lo < hi:
        mid = (lo + hi) // 2
        i = indices[mid]
        if _before(sort_value(entry_at(i), key, descending), i, value, at, descending):
            lo = mid + 1
        else:
            hi = mid
    return lo


def patch_order(indices: MutableSequence[int], key: SortKey, descending: bool, change: Change) -> bool:
    """Apply ``change`` to an order's entry indices, in place. False if they were
    not what the old layout says (the caller sorts afresh)."""
    new = change.entries
    left = dict(change.outgoing)  # slot -> the entry that was there before

    def old_entry(i: int) -> Entry:
        e = left.get(i)
        return new[i] if e is None else e

    for i, e in change.outgoing:
        at = _place(indices, old_entry, sort_value(e, key, descending), i, key, descending)
        if at >= len(indices) or indices[at] != i:
            return False
        del indices[at]
    # What is left are slots whose entry did not change: the same in both layouts.
    for i, e in change.incoming:
        at = _place(indices, new.__getitem__, sort_value(e, key, descending), i, key, descending)
        indices.insert(at, i)
    return True


# -- per-entry arrays ------------------------------------------------------------------

def patch_mask(mask: bytes, change: Change, test: Callable[[Entry], bool]) -> bytes:
    """A 0/1 byte per entry, for the new layout."""
    n = len(change.entries)
    out = bytearray(mask[:n])
    out.extend(bytes(n - len(out)))
    entries = change.entries
    for i in change.slots:
        if i < n:
            out[i] = test(entries[i])
    return bytes(out)


def patch_list(values: list[Any], change: Change, get: Callable[[Entry], Any]) -> list[Any]:
    """A value per entry (e.g. the search texts), for the new layout."""
    n = len(change.entries)
    out = values[:n]
    out.extend([None] * (n - len(out)))
    entries = change.entries
    for i in change.slots:
        if i < n:
            out[i] = get(entries[i])
    return out


# -- counts ------------------------------------------------------------------------------

def patch_topic_counts(counted: Sequence[tuple[str, int]], change: Change) -> list[tuple[str, int]]:
    counts = Counter(dict(counted))
    for e in change.removed:
        counts.subtract(e.topics)
    for e in change.added:
        counts.update(e.topics)
    return counted_topics(counts)


def counted_topics(counter: Counter[str]) -> list[tuple[str, int]]:
    """(topic, count), most common first, then by name; no zero counts."""
    return sorted(((t, n) for t, n in counter.items() if n > 0),
                  key=lambda kv: (-kv[1], kv[0].casefold()))


def patch_largest(largest: int | None, key: SortKey, change: Change) -> int | Literal[False] | None:
    """The new largest heat/quality, or False when it must be computed again."""
    if largest is not None and largest in raw_values(change.removed, key):
        return False  # the largest may have gone down
    values = [v for v in raw_values(change.added, key) if v is not None]
    if largest is not None:
        values.append(largest)
    return max(values) if values else None
