"""The reader's marks as the catalog's ids: read, saved, and exact counts.

``StateStore`` keeps marks by item key (``state.item_key``: the first URL's
key, else the id), so they survive renames and are shared between content
roots. The list, the queries (``is:unread``) and the counts want entry ids.
``ReadMarks`` holds that translation for one list of entries:

* ``compute`` (a worker thread; it touches no shared state) finds the read
  and saved ids without working out every entry's key (that unpacks every
  entry's URLs: about a second at 100k): the CRC-32 of each entry's first URL
  key is already packed in ``url_data``, so only the entries whose CRC is one
  of a marked key's are unpacked and compared. It also finds the keys held by
  more than one entry (the same URL in two files), so marking one marks all;
* ``install`` takes a result on the UI thread; ``mark_read``/``mark_saved``
  then change the store and the id sets in O(items marked), and the counts
  stay exact: ``unread`` is ``total - len(read_ids)``.

While the catalog has changed since the last ``compute`` (``stale``), a row is
asked about by its own key, and the counts are those of the last compute
until the next one is installed.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import attrgetter, getitem, not_

from reader.core.model import Entry, url_key
from reader.core.state import StateStore, item_key
from reader.core.user_state import UserState

_url_data = attrgetter("url_data")
_id = attrgetter("id")
_FIRST = slice(1, 5)  # url_data: a count byte, then each URL key's CRC-32 (u32 LE)


def _crc(key: str) -> bytes:
    """The packed CRC-32 a ``url:`` key's entries carry first in ``url_data``."""
    return zlib.crc32(key[4:].encode("utf-8", "surrogatepass")).to_bytes(4, "little")


def key_of(entry: Entry) -> str | None:
    """``item_key``, or None when the entry's packed URLs are damaged."""
    try:
        return item_key(entry)
    except (ValueError, IndexError, zlib.error):
        return None


@dataclass(slots=True)
class Computed:
    """What ``compute`` found for one list of entries."""

    entries: Sequence[Entry]
    read_ids: set[str]
    saved_ids: set[str]
    shared: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> its ids (2+)
    since: int = 0  # ReadMarks' mark log position when the store's marks were taken


def compute(entries: Sequence[Entry], read: Set[str], saved: Set[str]) -> Computed:
    """The ids of ``entries`` whose key is in ``read`` / ``saved`` (item keys)."""
    datas = list(map(_url_data, entries))
    firsts = list(map(getitem, datas, repeat(_FIRST)))
    url_keys = [k for k in (*read, *saved) if k.startswith("url:")]
    crcs = set(map(_crc, url_keys))
    read_ids: set[str] = set()
    saved_ids: set[str] = set()
    for entry in compress(entries, map(crcs.__contains__, firsts)):
        key = key_of(entry)
        if key in read:
            read_ids.add(entry.id)
        if key in saved:
            saved_ids.add(entry.id)
    if len(url_keys) < len(read) + len(saved):  # some marks are by id: look at entries without URLs
        for entry in compress(entries, map(not_, datas)):
            key = "id:" + entry.id
            if key in read:
                read_ids.add(entry.id)
            if key in saved:
                saved_ids.add(entry.id)
    # The same first URL in more than one file: one key, several ids.
    twice = {crc for crc, n in Counter(firsts).items() if n > 1 and crc}
    groups: dict[str, list[str]] = {}
    if twice:
        for entry in compress(entries, map(twice.__contains__, firsts)):
            key = key_of(entry)
            if key is not None:
                groups.setdefault(key, []).append(entry.id)
    shared = {k: tuple(ids) for k, ids in groups.items() if len(ids) > 1}
    return Computed(entries, read_ids, saved_ids, shared)


class ReadMarks:
    """Read and saved entry ids for the app, kept in step with a ``StateStore``."""

    def __init__(self, store: StateStore) -> None:
        self.store = store
        self.ready = False  # a compute has been installed: the ids and counts mean something
        self.read_ids: set[str] = set()
        self.saved_ids: set[str] = set()
        self._shared: dict[str, tuple[str, ...]] = {}
        self._entries: Sequence[Entry] | None = None
        self._now: Sequence[Entry] | None = None
        self._total = 0
        # Marks made on the UI thread, replayed on a compute made meanwhile:
        # (absolute position, kind, ids, on); positions start at _log_start.
        self._log: list[tuple[str, list[str], bool]] = []
        self._log_start = 0
        self.user_state = UserState(read=lambda: self.read_ids, saved=lambda: self.saved_ids)

    # -- the translation --------------------------------------------------------------
    def compute(self, entries: Sequence[Entry]) -> Computed:
        """For a worker thread: ``compute`` with the store's current marks."""
        since = self._log_start + len(self._log)  # before the marks are taken: replaying is harmless
        result = compute(entries, frozenset(self.store.read), frozenset(self.store.saved))
        result.since = since
        return result

    def install(self, computed: Computed) -> None:
        """On the UI thread. Marks made while ``computed`` was made are applied again."""
        read_ids, saved_ids = computed.read_ids, computed.saved_ids
        for kind, ids, on in self._log[max(0, computed.since - self._log_start):]:
            marks = read_ids if kind == "read" else saved_ids
            if on:
                marks.update(ids)
            else:
                marks.difference_update(ids)
        drop = max(0, computed.since - self._log_start)
        del self._log[:drop]
        self._log_start += drop
        self._shared = computed.shared
        self._entries = computed.entries
        self._total = len(computed.entries)
        self.read_ids, self.saved_ids = read_ids, saved_ids
        self.ready = True

    @property
    def stale(self) -> bool:
        """The catalog's entries (``follow``) are not the ones the ids were computed for."""
        return self._now is not self._entries

    def follow(self, entries: Sequence[Entry]) -> None:
        """The catalog's entries now (the app calls this on every change)."""
        self._now = entries

    # -- asking -----------------------------------------------------------------------
    def is_read(self, entry: Entry) -> bool:
        if entry.id in self.read_ids:
            return True
        return self.stale and key_of(entry) in self.store.read

    def is_saved(self, entry: Entry) -> bool:
        if entry.id in self.saved_ids:
            return True
        return self.stale and key_of(entry) in self.store.saved

    def is_unread(self, entry: Entry) -> bool:
        """What the list marks: False until the marks have been read from the file."""
        return self.store.loaded.is_set() and not self.is_read(entry)

    @property
    def unread(self) -> int:
        return self._total - len(self.read_ids)

    @property
    def saved(self) -> int:
        return len(self.saved_ids)

    # -- changing ---------------------------------------------------------------------
    def mark_read(self, entries: Iterable[Entry], read: bool = True) -> None:
        keys, ids = self._keys_and_ids(entries)
        self.store.set_read(keys, read)
        self._apply("read", ids, read)

    def mark_saved(self, entries: Iterable[Entry], saved: bool = True) -> None:
        keys, ids = self._keys_and_ids(entries)
        self.store.set_saved(keys, saved)
        self._apply("saved", ids, saved)

    def mark_keys_read(self, keys: list[str], ids: Iterable[str]) -> None:
        """``mark_read`` with the keys worked out already (a worker did, for many)."""
        self.store.set_read(keys)
        ids = list(ids)
        if self._shared:
            for ids_of_key in filter(None, map(self._shared.get, keys)):
                ids.extend(ids_of_key)
        self._apply("read", ids, True)

    def _apply(self, kind: str, ids: list[str], on: bool) -> None:
        marks = self.read_ids if kind == "read" else self.saved_ids
        if on:
            marks.update(ids)
        else:
            marks.difference_update(ids)
        self._log.append((kind, ids, on))

    def _keys_and_ids(self, entries: Iterable[Entry]) -> tuple[list[str], list[str]]:
        keys: list[str] = []
        ids: list[str] = []
        for entry in entries:
            key = key_of(entry)
            if key is None:
                key = "id:" + entry.id
            keys.append(key)
            ids.extend(self._shared.get(key, (entry.id,)))
        return keys, ids


def keys_of(entries: Iterable[Entry]) -> tuple[list[str], list[str]]:
    """(item keys, ids) of ``entries``: for a worker marking many at once."""
    keys: list[str] = []
    ids: list[str] = []
    for entry in entries:
        key = key_of(entry)
        keys.append(key if key is not None else "id:" + entry.id)
        ids.append(entry.id)
    return keys, ids


__all__ = ["Computed", "ReadMarks", "compute", "key_of", "keys_of", "url_key"]
