"""The catalog: one entry per item id, answering a ``Query`` on every keystroke.

``Catalog.query`` runs a few C-level passes on 100k entries, never a Python
loop over all of them (see ``reader.core.snapshot``):

* one sorted order per (key, direction), made on first use -- or all at once
  by ``warm_up()`` in a worker thread after loading -- and reused (patched, not
  re-sorted, when a few entries change). Sorts are stable and put missing
  values last in both directions;
* topic and published-state filters are byte masks over the entries, applied
  to an order in one pass;
* ``q.search`` is query text (``reader.core.querylang``), answered with
  these masks by ``reader.core.query_eval``. Its words and phrases:
* a search looks for each casefolded word in the entries' ``search_text``,
  longest word first, the others only among the entries left; results are
  masks kept in a small cache, so a word typed one more letter is looked for
  only among the entries the shorter word matched;
* ``find_url`` looks for a URL's CRC-32 among all of them (one C-level pass
  over ~1 MB) and confirms a hit on the entry's URLs.

Changes: ``apply(upserts, removed)`` is the one way in (``extend``, ``upsert``,
``remove``, ``remove_many`` call it). Entries are keyed by id: an id already
present is replaced in place, so a second scan of the same folder, or a file
changed on disk, never doubles an entry.

Threads: the contents live in a ``Snapshot`` that is never changed, only
replaced (under a lock that serialises changes, not queries). ``warm_up()`` may
run in a worker thread while the UI thread queries and changes the catalog.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterable, Sequence

from reader.core.model import Entry, url_hash, url_key
from reader.core.patch import Positions
from reader.core.query import Published, Query, SortKey, sort_values
from reader.core.search import mask_and
from reader.core.snapshot import Order, Snapshot, UrlIndex
from reader.core.user_state import NO_USER_STATE, UserState

# The query language and its evaluator are imported by the first query with a
# search (``_select``, ``count``): a start, whose view has none, does without.

__all__ = ["Catalog"]


class Catalog:
    """All loaded entries (one per id) plus cached orders, filters, counts and URL lookup."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._state = Snapshot.merged([], entries)
        self._write_lock = threading.Lock()  # serialises changes (not queries)

    # -- contents -------------------------------------------------------
    def __len__(self) -> int:
        return len(self._state.entries)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._state.positions()

    @property
    def entries(self) -> Sequence[Entry]:
        """All entries, in the order they were added (read-only: do not change it)."""
        return self._state.entries

    def apply(self, upserts: Iterable[Entry] = (), removed: Iterable[str] = ()) -> None:
        """Put ``upserts`` in (an id already present is replaced where it is; new
        ids go at the end) and drop the ``removed`` ids, as one change."""
        upserts = list(upserts)
        removed = set(removed)
        if not upserts and not removed:
            return
        with self._write_lock:
            state = self._state
            if removed and not upserts and not any(i in state.positions() for i in removed):
                return
            self._state = state.changed(upserts, removed)

    def replace(self, entries: Iterable[Entry]) -> None:
        """Make ``entries`` the whole contents, in their order (what was there is dropped)."""
        state = Snapshot.merged([], entries)
        with self._write_lock:
            self._state = state

    def extend(self, entries: Iterable[Entry]) -> None:
        self.apply(entries)

    def upsert(self, entry: Entry) -> None:
        self.apply((entry,))

    def remove(self, item_id: str) -> None:
        self.apply((), (item_id,))

    def remove_many(self, item_ids: Iterable[str]) -> None:
        """Drop every entry whose id is in ``item_ids``."""
        self.apply((), item_ids)

    def get(self, item_id: str) -> Entry | None:
        state = self._state
        at = state.positions().get(item_id)
        return None if at is None else state.entries[at]

    def find_url(self, urls: Iterable[str]) -> Entry | None:
        """The entry any of whose URLs equals one of ``urls`` (related-item jumps):
        the first such entry for the first of ``urls`` that has one. URLs are
        compared without scheme, "www.", trailing slash, blanks or case."""
        state = self._state
        index: UrlIndex | None = None
        for u in urls:
            if index is None:
                index = state.urls()
            key = url_key(u)
            for at in index.owners_of(url_hash(u)):
                entry = state.entries[at]
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

    def largest(self, key: SortKey) -> int | None:
        """The largest heat (``SortKey.HEAT``) or quality in the collection, or None.
        Heat and quality have no upper bound: bars are drawn relative to this."""
        if key not in (SortKey.HEAT, SortKey.QUALITY):
            raise ValueError(f"largest() is for heat and quality, not {key.value}")
        return self._state.largest(key)

    # -- queries --------------------------------------------------------
    def order(self, key: SortKey, descending: bool) -> Sequence[int]:
        """Entry indices sorted by ``key`` (cached until the entries change)."""
        return self._state.order(key, descending).indices

    def warm_up(self) -> bool:
        """Compute ahead what queries would otherwise compute on first use: every
        sort order (both directions of a key from one pass over the entries), the
        list of search texts, the published-state masks and count, the topic
        counts, the largest heat and quality and the URL index. Call it again
        after the entries change.

        Meant for a worker thread once loading has finished (a few hundred ms
        at 100k entries, holding the GIL for up to one sort, ~50 ms, at a time).
        Thread-safe without a lock: it fills in the caches of the snapshot that
        is current when it starts, which nothing else changes; ``query()`` and
        the rest may run meanwhile on another thread (at worst both compute the
        same order, and store equal results). If the entries change meanwhile,
        it stops early: call it again.

        Returns True if everything was computed for the current contents.
        """
        state = self._state
        keys = sorted(SortKey, key=lambda k: k in (SortKey.TITLE, SortKey.PROVIDER))  # cheap first
        for key in keys:
            if self._state is not state:
                return False
            both = (key.default_descending, not key.default_descending)
            for d in both:
                if (key, d) not in state.orders and (key, d) in state.pending:
                    state.order(key, d)  # an earlier order with the changes replayed
            missing = [d for d in both if (key, d) not in state.orders]
            if missing and key is SortKey.TITLE:  # (a casefolded copy of every title: 14 MB)
                for descending in missing:
                    state.order_by_title(descending)
            elif missing and key in (SortKey.HEAT, SortKey.QUALITY):  # values depend on the direction
                for descending in missing:
                    state.order(key, descending, sort_values(state.entries, key, descending))
            elif missing:
                values = sort_values(state.entries, key)
                for descending in missing:
                    state.order(key, descending, values)
                del values
        for step in (state.search_texts, state.unpublished_count, lambda: state.state_mask(False),
                     state.topic_counts, state.urls, state.positions,
                     lambda: state.largest(SortKey.HEAT), lambda: state.largest(SortKey.QUALITY)):
            if self._state is not state:
                return False
            step()
        return self._state is state

    def count(self, text: str, user: UserState = NO_USER_STATE) -> int:
        """How many entries the query ``text`` selects (``QueryError`` if it does
        not parse): the masks of ``query`` without a sort (saved views' counts)."""
        from reader.core.query_eval import evaluate
        from reader.core.querylang import parse

        expr = parse(text)
        state = self._state
        mask = evaluate(state, expr, None, None, user)
        return len(state.entries) if mask is None else mask.count(1)

    def query(self, q: Query, user: UserState = NO_USER_STATE) -> list[Entry]:
        """The entries ``q`` selects, in its order (a new list the caller may keep).

        ``q.search`` is query text (``reader.core.querylang``): ``QueryError``
        if it does not parse. ``user``: the reader's read and saved ids, for
        ``is:read``, ``is:unread`` and ``is:saved``."""
        order, mask = self._select(q, user)
        return order.rows if mask is None else order.pick(mask)

    def query_positions(self, q: Query, user: UserState = NO_USER_STATE) -> tuple[list[Entry], Sequence[int]]:
        """``query``'s result as indices into the entries it is taken from
        (returned with them: the catalog may change meanwhile). Stories mode
        collapses these with numpy rather than look up every entry."""
        order, mask = self._select(q, user)
        return order.entries, order.positions(mask)

    def positions(self) -> tuple[list[Entry], Positions]:
        """The entries and id -> index in them, of one state of the catalog."""
        state = self._state
        return state.entries, state.positions()

    def _select(self, q: Query, user: UserState) -> tuple[Order, bytes | None]:
        state = self._state
        order = state.order(q.sort, q.descending)
        mask: bytes | None = None  # None: every entry
        if q.topic is not None:
            mask = state.topic_mask(q.topic)
        if q.published is not Published.ALL:
            published = state.state_mask(q.published is Published.UNPUBLISHED)
            mask = published if mask is None else mask_and(mask, published)
        if q.search:  # (no text: no terms, the mask as it is)
            from reader.core.query_eval import evaluate
            from reader.core.querylang import parse

            mask = evaluate(state, parse(q.search), mask, (q.topic, q.published), user)
        return order, mask
