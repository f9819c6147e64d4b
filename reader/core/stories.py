"""Story clusters: the items that report one story, and each story's best version.

Three signals join two items into one story:

* the same page: a canonical URL (``reader.core.urls``) that both name among
  their four URL fields (a site's home page does not count), unless their
  titles name different things (``textsim.different_titles``: the bench
  corpus has different stories under one syndication URL whose slug was cut
  short);
* a ``related`` link: one item names the other's page in its ``related``
  list. Real related lists also name articles that are only on the same
  topic, so by default a link counts when the two titles share words and agree
  on their facts (``StoryConfig.related``: "corroborated"; "trusted" takes every
  link, "off" none);
* near-duplicate text: a MinHash index (``reader.core.minhash``) proposes
  pairs, ``reader.core.textsim.near_duplicate`` confirms them.

Text and related links only join items published within
``StoryConfig.window_days`` of each other (a story's copies and coverage come
within days; alike texts months apart are a recurring column). A story is a
connected group of items under these links; its best version has the highest
heat, then the highest quality, then the smallest id.

``StoryIndex`` keeps the pairs it found (the links, the URL owners, the band
index), so a changed, added or removed item costs the lookups of that item
and, on removal, a walk over its own story -- never a recompute. Its result is
always what a full build of the same entries gives (a property test checks).
Entries carry no related lists: callers pass the keys that
``urls.related_url_keys`` makes of an item's front matter, per id.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from reader.core.minhash import BANDS, BandIndex, band_keys
from reader.core.model import Entry
from reader.core.owners import Owners
from reader.core.owners import get as _get
from reader.core.owners import put as _put
from reader.core.owners import take as _take
from reader.core.story_types import RELATED_MODES, Story, StoryConfig
from reader.core.textsim import Text, corroborates, different_titles, near_duplicate, sketch, text_of, within
from reader.core.urls import identity_keys

__all__ = ["RELATED_MODES", "Cached", "Story", "StoryConfig", "StoryIndex", "best_of", "cluster", "rank"]

RelatedKeys = Mapping[str, Collection[int]]


@dataclass(frozen=True, slots=True)
class Cached:
    """What an index keeps of one item, to start again without recomputing it
    (``StoryIndex.cached``; ``reader.core.story_cache`` stores it)."""

    row: bytes  # the band keys (little-endian uint32)
    urls: tuple[int, ...]  # the item's canonical URL keys
    related: tuple[int, ...]  # the keys it names in ``related``
    links: tuple[str, ...]  # the items it was found to be one story with


def rank(entry: Entry) -> tuple:
    """Sort key that puts the best version first: heat, then quality (missing
    ones last), then the id (so the choice never depends on load order)."""
    return (entry.heat is None, -(entry.heat or 0), entry.quality is None, -(entry.quality or 0), entry.id)


def best_of(entries: Iterable[Entry]) -> Entry:
    return min(entries, key=rank)


def cluster(entries: Iterable[Entry], related: RelatedKeys | None = None, *,
            config: StoryConfig | None = None) -> list[Story]:
    """Every story of ``entries`` (one-item stories too), sorted by best id."""
    return StoryIndex(entries, related, config=config).stories()


def _text(entry: Entry) -> Text:
    return text_of(entry.search_text, entry.provider, entry.published_at)


class StoryIndex:
    """The stories of a set of entries, kept up to date one change at a time."""

    def __init__(self, entries: Iterable[Entry] = (), related: RelatedKeys | None = None, *,
                 config: StoryConfig | None = None, cached: Mapping[str, Cached] | None = None) -> None:
        """``cached``: what an earlier index said of the entries that have not
        changed since (``cached()``, made with the same config); only the other
        entries are compared, and their related keys are taken from ``related``."""
        self.config = config or StoryConfig()
        self._entries: dict[str, Entry] = {}
        self._ord: dict[str, int] = {}  # id -> its number in the band index
        self._by_ord: list[str | None] = []
        self._urls: dict[str, tuple[int, ...]] = {}  # id -> its own URL keys
        self._owners: Owners = {}  # URL key -> the ids whose own URL it is
        self._related: dict[str, tuple[int, ...]] = {}  # id -> the URL keys it names
        self._cited: Owners = {}  # URL key -> the ids that name it
        self._links: dict[str, set[str]] = {}  # the confirmed pairs, both ways
        self._group: dict[str, set[str]] = {}  # id -> its story's ids (stories of 2+ only)
        self._bands = BandIndex()
        self._rows: dict[str, bytes] = {}  # id -> its band keys (for ``cached``)
        if cached:
            self._restore(entries, related or {}, cached)
        else:
            self._build(entries, related or {})

    # -- reading ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._entries

    def story_of(self, item_id: str) -> Story | None:
        if item_id not in self._entries:
            return None
        group = self._group.get(item_id)
        if group is None:
            return Story(item_id, (item_id,))
        return self._story(group)

    def stories(self, *, singles: bool = True) -> list[Story]:
        """Every story (``singles=False``: only those of two items or more), by best id."""
        out = [self._story(g) for g in self._groups()]
        if singles:
            out.extend(Story(i, (i,)) for i in self._entries if i not in self._group)
        out.sort(key=lambda s: s.best)
        return out

    def _groups(self) -> Iterator[set[str]]:
        seen: set[int] = set()
        for group in self._group.values():
            if id(group) not in seen:
                seen.add(id(group))
                yield group

    def _story(self, group: set[str]) -> Story:
        ranked = tuple(e.id for e in sorted((self._entries[i] for i in group), key=rank))
        return Story(ranked[0], tuple(sorted(group)), ranked)

    # -- changing --------------------------------------------------------------------------
    def update(self, upserts: Iterable[Entry] = (), removed: Iterable[str] = (),
               related: RelatedKeys | None = None) -> set[str]:
        """Put ``upserts`` in (replacing an entry with the same id) and drop the
        ``removed`` ids. ``related``: the related URL keys of the upserted
        entries (one not in it names none). Returns the ids whose story may
        have changed (the changed ones, and those of their old and new stories)."""
        upserts = list({e.id: e for e in upserts}.values())
        related = related or {}
        affected = {*removed, *(e.id for e in upserts)}
        touched: list[set[str]] = []
        for item_id in [*removed, *(e.id for e in upserts)]:
            group = self._detach(item_id)
            if group is not None:
                affected |= group
                touched.append(group)
        for group in touched:
            self._resplit(group)
        for entry in upserts:
            self._attach(entry, tuple(related.get(entry.id, ())))
        for entry in upserts:
            affected.update(self._group.get(entry.id, ()))
        return affected

    def cached(self, ids: Iterable[str] | None = None) -> dict[str, Cached]:
        """What to keep of ``ids`` (default: every item) to start again later."""
        out = {}
        for item_id in self._entries if ids is None else ids:
            row = self._rows.get(item_id)
            if row is not None:
                out[item_id] = Cached(row, self._urls.get(item_id, ()), self._related.get(item_id, ()),
                                      tuple(sorted(self._links.get(item_id, ()))))
        return out

    def _detach(self, item_id: str) -> set[str] | None:
        if self._entries.pop(item_id, None) is None:
            return None
        number = self._ord.pop(item_id)
        self._bands.remove(number)
        self._by_ord[number] = None
        self._rows.pop(item_id, None)
        for key in self._urls.pop(item_id, ()):
            _take(self._owners, key, item_id)
        for key in self._related.pop(item_id, ()):
            _take(self._cited, key, item_id)
        for other in self._links.pop(item_id, ()):
            links = self._links[other]
            links.discard(item_id)
            if not links:
                del self._links[other]
        group = self._group.pop(item_id, None)
        if group is not None:
            group.discard(item_id)
        return group

    def _resplit(self, group: set[str]) -> None:
        """A story lost items: the rest may fall apart (walk its links again)."""
        left = set(group)
        for item_id in left:
            self._group.pop(item_id, None)
        while left:
            start = left.pop()
            part, todo = {start}, [start]
            while todo:
                for other in self._neighbours(todo.pop()):
                    if other not in part:
                        part.add(other)
                        todo.append(other)
            left -= part
            if len(part) > 1:
                for item_id in part:
                    self._group[item_id] = part

    def _neighbours(self, item_id: str) -> set[str]:
        return self._links.get(item_id, set())

    def _attach(self, entry: Entry, related: tuple[int, ...]) -> None:
        item_id = entry.id
        text = _text(entry)
        number = len(self._by_ord)
        self._entries[item_id] = entry
        self._ord[item_id] = number
        self._by_ord.append(item_id)
        texts: dict[str, Text] = {item_id: text}
        shingled, title = sketch(entry.search_text, entry.provider)
        row = band_keys([shingled], extra=[title])[0]
        for other_number in self._bands.query(row):
            other = self._by_ord[other_number]
            if other is not None and other != item_id and self._similar(text, self._text(other, texts)):
                self._link(item_id, other)
        self._bands.add(number, row)
        self._rows[item_id] = row.astype("<u4").tobytes()
        self._index_urls(item_id, entry, related)
        for key in self._urls.get(item_id, ()):
            for other in _get(self._owners, key):
                if other != item_id and self._same_page_ok(item_id, other, texts):
                    self._link(item_id, other)
        for other in self._related_partners(item_id):
            if self._related_ok(item_id, other, texts):
                self._link(item_id, other)
        self._merge(item_id)

    def _merge(self, item_id: str) -> None:
        parts = [self._group.get(n) or {n} for n in self._neighbours(item_id)]
        if not parts:
            return
        big = max(parts, key=len)
        for part in parts:
            if part is not big:
                big |= part
        big.add(item_id)
        for member in big:
            self._group[member] = big

    # -- the signals -----------------------------------------------------------------------
    def _similar(self, a: Text, b: Text) -> bool:
        return within(a, b, self.config.window_days) and near_duplicate(a, b)

    def _link(self, a: str, b: str) -> None:
        self._links.setdefault(a, set()).add(b)
        self._links.setdefault(b, set()).add(a)

    def _index_urls(self, item_id: str, entry: Entry, related: tuple[int, ...]) -> None:
        self._put_keys(item_id, identity_keys(entry.urls), related)

    def _put_keys(self, item_id: str, keys: tuple[int, ...], related: tuple[int, ...]) -> None:
        if keys:
            self._urls[item_id] = keys
            for key in keys:
                _put(self._owners, key, item_id)
        if related and self.config.related != "off":
            self._related[item_id] = related
            for key in related:
                _put(self._cited, key, item_id)

    def _related_partners(self, item_id: str) -> set[str]:
        """The items this one names in ``related``, and those that name it."""
        out: set[str] = set()
        for key in self._related.get(item_id, ()):
            out.update(_get(self._owners, key))
        for key in self._urls.get(item_id, ()):
            out.update(_get(self._cited, key))
        out.discard(item_id)
        return out

    def _text(self, item_id: str, texts: dict[str, Text]) -> Text:
        text = texts.get(item_id)
        if text is None:
            text = texts[item_id] = _text(self._entries[item_id])
        return text

    def _same_page_ok(self, a: str, b: str, texts: dict[str, Text]) -> bool:
        return not different_titles(self._text(a, texts), self._text(b, texts))

    def _related_ok(self, a: str, b: str, texts: dict[str, Text]) -> bool:
        if self.config.related == "trusted":
            return True
        ta, tb = self._text(a, texts), self._text(b, texts)
        return within(ta, tb, self.config.window_days) and corroborates(ta, tb)

    # -- all at once -----------------------------------------------------------------------
    def _build(self, entries: Iterable[Entry], related: RelatedKeys) -> None:
        unique = {e.id: e for e in entries}
        self._entries = unique
        ids = list(unique)
        self._by_ord = list(ids)
        self._ord = {item_id: n for n, item_id in enumerate(ids)}
        sketches = [sketch(e.search_text, e.provider) for e in unique.values()]
        keys = band_keys([s for s, _ in sketches], extra=[t for _, t in sketches])
        del sketches
        self._bands = BandIndex(keys, np.arange(len(ids), dtype=np.int32))
        self._rows = dict(zip(ids, (r.tobytes() for r in keys.astype("<u4")), strict=True))
        texts: dict[str, Text] = {}
        for a, b in self._bands.pairs().tolist():
            if self._similar(self._text(ids[a], texts), self._text(ids[b], texts)):
                self._link(ids[a], ids[b])
        for item_id, entry in unique.items():
            self._index_urls(item_id, entry, tuple(related.get(item_id, ())))
        for owners in self._owners.values():
            if isinstance(owners, set):
                ordered = sorted(owners)
                for n, a in enumerate(ordered):
                    for b in ordered[n + 1:]:
                        if self._same_page_ok(a, b, texts):
                            self._link(a, b)
        for item_id in self._related:
            for key in self._related[item_id]:
                for other in _get(self._owners, key):
                    if other != item_id and self._related_ok(item_id, other, texts):
                        self._link(item_id, other)
        self._components()

    def _restore(self, entries: Iterable[Entry], related: RelatedKeys, cached: Mapping[str, Cached]) -> None:
        """Start from what was cached of the unchanged entries; compare only the rest."""
        width = 4 * (BANDS + 1)
        unique = {e.id: e for e in entries}
        clean = {i: c for i, c in cached.items() if i in unique and len(c.row) == width}
        ids = list(clean)
        self._entries = {i: unique[i] for i in ids}
        self._by_ord = list(ids)
        self._ord = {item_id: n for n, item_id in enumerate(ids)}
        self._rows = {i: c.row for i, c in clean.items()}
        rows = np.frombuffer(b"".join(c.row for c in clean.values()), dtype="<u4").reshape(len(ids), BANDS + 1)
        self._bands = BandIndex(rows.astype(np.uint32), np.arange(len(ids), dtype=np.int32))
        for item_id, c in clean.items():
            self._put_keys(item_id, c.urls, c.related)
            for other in c.links:
                if other in clean:
                    self._link(item_id, other)
        self._components()
        self.update([e for i, e in unique.items() if i not in clean], related=related)

    def _components(self) -> None:
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            root = x
            while parent.get(root, root) != root:
                root = parent[root]
            while parent.get(x, x) != root:
                parent[x], x = root, parent[x]
            return root

        def union(a: str, b: str) -> None:
            parent.setdefault(a, a)
            parent.setdefault(b, b)
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb

        for a, others in self._links.items():
            for b in others:
                union(a, b)
        groups: dict[str, set[str]] = {}
        for item_id in parent:
            groups.setdefault(find(item_id), set()).add(item_id)
        for group in groups.values():
            for item_id in group:
                self._group[item_id] = group
