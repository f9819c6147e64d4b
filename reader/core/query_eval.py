"""A parsed query (``reader.core.querylang``) answered with the catalog's byte masks.

Every term becomes a mask over the snapshot's entries (1: the entry matches),
made by C-level passes, never a Python loop over 100k entries:

* words and phrases: the catalog's text search (``reader.core.search``): its
  joined buffer and its cache of recent results, so a word typed one more
  letter is looked for only among the entries the shorter word matched. The
  other terms' mask is passed in as the base, and named in the cache key;
* heat, quality and date comparisons: two bisections of the cached ascending
  sort order of that key (the ``warm_up`` orders) and one pass over the slice
  between them (or, when that is the larger part, over the rest); before that
  order is made, a few ``map`` passes comparing every value (no sort);
* topic, published state: the snapshot's topic and state masks; provider,
  has and root: one pass over the entries' fields, ``map`` with a C function
  (root: the ids that start with the root's label and ``/``);
* is:read, is:unread, is:saved: the reader's own state, asked of the
  ``UserState`` given (a set of ids each); one lookup per id in it.

Masks of single terms are kept per snapshot (a few, for the keys typed after
them); ``-term`` inverts a mask with one ``bytes.translate``. A term naming a
relative day (``date:today``) is keyed by the day it meant when evaluated, so a
snapshot kept past midnight does not answer with yesterday's mask.
"""

from __future__ import annotations

import weakref
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from itertools import compress, repeat
from operator import attrgetter, is_not, le, lt, methodcaller, truth
from typing import TYPE_CHECKING, Any

from reader.core import search
from reader.core.query import SortKey, needles
from reader.core.querylang import (
    Compare,
    Expression,
    Has,
    Is,
    Not,
    Period,
    Provider,
    RelativeDay,
    Root,
    Term,
    Text,
    Topic,
    Unscored,
)
from reader.core.search import mask_and
from reader.core.user_state import NO_USER_STATE, UserState

if TYPE_CHECKING:
    from reader.core.model import Entry
    from reader.core.snapshot import Snapshot

__all__ = ["NO_USER_STATE", "UserState", "evaluate"]

TERM_MASKS = 32  # single-term masks kept per snapshot (100 KB each at 100k entries)
USER_KINDS = ("read", "unread", "saved")
_FLIP = bytes.maketrans(b"\x00\x01", b"\x01\x00")
_SORT_KEYS = {"heat": SortKey.HEAT, "quality": SortKey.QUALITY, "date": SortKey.DATE}
_FIELDS: dict[str, Callable[[Any], Any]] = {
    "url": attrgetter("url_data"), "topics": attrgetter("topics"), "date": attrgetter("published_at"),
    "heat": attrgetter("heat"), "quality": attrgetter("quality"),
}
_provider = attrgetter("provider")
_id = attrgetter("id")
_unscored = attrgetter("heat_unscored")

# snapshot -> {printed term: mask}; a snapshot is never changed, so neither are its masks
# (two threads computing the same mask at once store equal values, as in snapshot.py)
_term_masks: weakref.WeakKeyDictionary[Snapshot, dict[str, bytes]] = weakref.WeakKeyDictionary()


def evaluate(snap: Snapshot, expr: Expression, base: bytes | None, filters: Any,
             user: UserState = NO_USER_STATE, now: datetime | None = None) -> bytes | None:
    """The mask of the entries in ``base`` (None: all) that match every term of
    ``expr`` (None: every entry does). ``filters`` names ``base`` for the text
    search's cache (equal filters, equal base). ``now``: the clock that fixes
    ``today`` and ``yesterday`` (None: the local clock, read when needed)."""
    words: list[str] = []
    own: list[Term] = []  # the reader's state: never cached
    others: list[Term] = []
    for term in expr.terms:
        if isinstance(term, Text):
            words.append(term.value.casefold())
        elif _is_user(term):
            own.append(term)
        else:
            others.append(term)
    mask = base
    if others:
        for term in others:
            mask = _and(mask, _term_mask(snap, term, now))
        filters = (filters, frozenset(_key(term, now) for term in others))
    wanted = needles(words)
    if wanted:
        mask = search.search_mask(snap, None if mask is None else filters, mask, wanted)
    for term in own:
        mask = _and(mask, _user_mask(snap, term, user))
    return mask


def _is_user(term: Term) -> bool:
    inner = term.term if isinstance(term, Not) else term
    return isinstance(inner, Is) and inner.kind in USER_KINDS


def _and(a: bytes | None, b: bytes) -> bytes:
    return b if a is None else mask_and(a, b)


def invert(mask: bytes) -> bytes:
    return mask.translate(_FLIP)


def _key(term: Term, now: datetime | None) -> str:
    """The term as printed; with a relative day, also the day it means now."""
    inner = term.term if isinstance(term, Not) else term
    if not isinstance(inner, Compare):
        return str(term)
    days = [p.span(now)[0].isoformat() for p in (inner.value, inner.upper) if isinstance(p, RelativeDay)]
    return "@".join([str(term), *days])


def _term_mask(snap: Snapshot, term: Term, now: datetime | None = None) -> bytes:
    cached = _term_masks.get(snap)
    if cached is None:
        cached = _term_masks[snap] = {}
    key = _key(term, now)
    mask = cached.get(key)
    if mask is None:
        if isinstance(term, Not):
            mask = invert(_term_mask(snap, term.term, now))
        else:
            mask = _atom_mask(snap, term, now)
        if len(cached) >= TERM_MASKS:
            cached.clear()
        cached[key] = mask
    return mask


def _atom_mask(snap: Snapshot, term: Term, now: datetime | None) -> bytes:
    entries = snap.entries
    n = len(entries)
    if isinstance(term, Text):  # negated: the search's own (cached) mask
        return search.search_mask(snap, None, None, needles([term.value.casefold()]))
    if isinstance(term, Topic):
        folded = term.name.casefold()
        names = [t for t, _ in snap.topic_counts() if t.casefold() == folded]
        return _any(n, [snap.topic_mask(t) for t in names])
    if isinstance(term, Provider):
        folded = term.name.casefold()
        providers = list(map(_provider, entries))
        wanted = {p for p in set(providers) if folded in p.casefold()}  # few distinct names
        return bytes(map(wanted.__contains__, providers)) if wanted else bytes(n)
    if isinstance(term, Root):
        return bytes(map(methodcaller("startswith", term.label + "/"), map(_id, entries)))
    if isinstance(term, Is):  # published or unpublished
        return snap.state_mask(term.kind == "unpublished")
    if isinstance(term, Has):
        values = map(_FIELDS[term.kind], entries)
        if term.kind in ("url", "topics"):
            return bytes(map(truth, values))
        return bytes(map(is_not, values, repeat(None)))
    if isinstance(term, Unscored):
        return bytes(map(_unscored, entries))
    if isinstance(term, Compare):
        low, high = _bounds(term, now)
        return _range_mask(snap, _SORT_KEYS[term.field], term.field, low, high)
    raise TypeError(f"not a query term: {term!r}")  # pragma: no cover


def _any(n: int, masks: list[bytes]) -> bytes:
    if not masks:
        return bytes(n)
    if len(masks) == 1:
        return masks[0]
    total = 0
    for m in masks:
        total |= int.from_bytes(m, "little")
    return total.to_bytes(n, "little")


def _span(period: Period | RelativeDay, now: datetime | None) -> tuple[datetime, datetime]:
    return period.span(now) if isinstance(period, RelativeDay) else (period.start(), period.end())


def _bounds(term: Compare, now: datetime | None = None) -> tuple[Any, Any]:
    """[low, high): the values ``term`` accepts (None: no bound)."""
    lo, hi = term.value, term.upper
    if isinstance(lo, (Period, RelativeDay)):
        starts, ends = _span(lo, now)
        last = _span(hi, now)[1] if isinstance(hi, (Period, RelativeDay)) else ends
        return {"=": (starts, ends), ">": (ends, None), ">=": (starts, None), "<": (None, starts),
                "<=": (None, ends), "..": (starts, last)}[term.op]
    assert isinstance(lo, int)
    top = hi + 1 if isinstance(hi, int) else lo + 1
    return {"=": (lo, lo + 1), ">": (lo + 1, None), ">=": (lo, None), "<": (None, lo),
            "<=": (None, lo + 1), "..": (lo, top)}[term.op]


def _missing(value: object) -> bool:
    return value is None


def _range_mask(snap: Snapshot, key: SortKey, field: str, low: int | datetime | None,
                high: int | datetime | None) -> bytes:
    """Entries whose ``field`` is in [low, high): bisect the ascending order if it
    is made (values present first, in order; missing ones last), else compare
    every value in C-level passes rather than sort (before ``warm_up``)."""
    attr = field if field != "date" else "published_at"
    if (key, False) not in snap.orders and (key, False) not in snap.pending:
        return _compared(snap.entries, attr, low, high)
    order = snap.order(key, False)
    rows = order.rows
    value = attrgetter(attr)
    present = bisect_left(rows, True, key=lambda e: _missing(value(e)))
    start = 0 if low is None else bisect_left(rows, low, 0, present, key=value)
    end = present if high is None else bisect_left(rows, high, start, present, key=value)
    return _slice_mask(len(rows), order.indices, start, end)


def _compared(entries: Sequence[Entry], attr: str, low: Any, high: Any) -> bytes:
    """The same as ``_range_mask`` by comparing each value (``map`` with C
    functions): a missing value stands in as the bound itself, which fails
    ``v < high`` and is dropped by the mask of present values for ``low <= v``."""
    values = list(map(attrgetter(attr), entries))
    mask = bytes(map(is_not, values, repeat(None)))
    if low is not None:
        filled: Iterable[Any] = map({None: low}.get, values, values)
        mask = mask_and(mask, bytes(map(le, repeat(low), filled)))
    if high is not None:
        filled = map({None: high}.get, values, values)
        mask = mask_and(mask, bytes(map(lt, filled, repeat(high))))
    return mask


def _slice_mask(n: int, indices: Sequence[int], start: int, end: int) -> bytes:
    """Mask of ``indices[start:end]``: set one by one, or -- when they are
    more than half -- all set and the others cleared."""
    if (end - start) * 2 <= n:
        out = bytearray(n)
        deque(map(out.__setitem__, indices[start:end], repeat(1)), maxlen=0)
    else:
        out = bytearray(b"\x01") * n
        deque(map(out.__setitem__, indices[:start], repeat(0)), maxlen=0)
        deque(map(out.__setitem__, indices[end:], repeat(0)), maxlen=0)
    return bytes(out)


def _user_mask(snap: Snapshot, term: Term, user: UserState) -> bytes:
    negated = isinstance(term, Not)
    inner = term.term if isinstance(term, Not) else term
    assert isinstance(inner, Is)
    ids = (user.saved if inner.kind == "saved" else user.read)()
    n = len(snap.entries)
    out = bytearray(n)
    if ids:
        positions = snap.positions()
        find = positions.flat().get if len(ids) > 1000 else positions.get
        at: list[Any] = list(map(find, ids))  # an index, or None: not in the catalog
        deque(map(out.__setitem__, compress(at, map(is_not, at, repeat(None))), repeat(1)), maxlen=0)
    mask = bytes(out)
    return invert(mask) if negated != (inner.kind == "unread") else mask
