"""Text search over a snapshot's entries: byte masks and a result cache.

A search looks for each casefolded word in the entries' ``search_text``
(UTF-8 bytes), longest word first, the others only among the entries left. A
word is looked for entry by entry in entry order (about memory order: in a
sort order each text would be a cache miss). (A buffer of all the texts joined
made a first search of a rare word faster, 13-19 ms instead of 20-25 ms at
100k, but held a second copy of every text: 28 MB.) A search's result is a
mask too, independent of the sort, kept in a small cache: a word typed one
more letter is looked for only in the entries the shorter word matched, and
backspacing and re-sorting find their results ready.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from itertools import compress, repeat
from operator import le
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.core.snapshot import Snapshot

SEARCHES = 48  # search results (masks) kept per snapshot: a phrase typed and deleted
DENSE = 0.6  # narrowing a mask set for more than this share of entries: scan them all
_find = bytes.find


def hits(texts: Iterable[bytes], needle: bytes) -> Iterable[bool]:
    # bytes.find + (0 <= pos): cheaper than `in` (which first tries the needle as an int)
    return map(le, repeat(0), map(_find, texts, repeat(needle)))


def mask_and(a: bytes, b: bytes) -> bytes:
    """Bytewise AND of two 0/1 masks (as two big integers: one C-level pass)."""
    return (int.from_bytes(a, "little") & int.from_bytes(b, "little")).to_bytes(len(a), "little")


def scan_all(snap: Snapshot, needle: bytes) -> bytes:
    """Mask of the entries whose search text holds ``needle``."""
    return bytes(hits(snap.search_texts(), needle))


def search_mask(snap: Snapshot, filters: Any, base: bytes | None, needles: list[bytes]) -> bytes:
    """Mask of the entries in ``base`` (all if None) matching every needle.

    Starts from the smallest cached result that contains the answer (a
    search whose words are each inside one of these, with the same filters
    or none) and looks only for the needles that one did not imply.
    """
    key = (filters, frozenset(needles))
    with snap.search_lock:
        cached = snap.searches.pop(key, None)
        if cached is not None:
            snap.searches[key] = cached  # now the most recent
            return cached[0]
        candidates = list(snap.searches.items())
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
    texts = snap.search_texts()
    n = len(texts)
    chosen: list[int] | None = None  # the candidates, once they are few
    for i, needle in enumerate(todo):
        if chosen is None and mask is not None and mask.count(1) <= n * DENSE:
            chosen = list(compress(range(n), mask))
        if chosen is not None:
            chosen = list(compress(chosen, hits(map(texts.__getitem__, chosen), needle)))
            continue
        found = scan_all(snap, needle)
        mask = found if mask is None else mask_and(mask, found)
        if i == 0 and best is None and base is None and len(todo) > 1:
            remember(snap, (None, frozenset((needle,))), mask)  # one word: for backspacing
    if chosen is not None:
        out = bytearray(n)
        deque(map(out.__setitem__, chosen, repeat(1)), maxlen=0)
        mask = bytes(out)
    assert mask is not None  # callers pass at least one needle
    remember(snap, key, mask)
    return mask


def remember(snap: Snapshot, key: tuple[Any, frozenset[bytes]], mask: bytes) -> None:
    with snap.search_lock:
        snap.searches[key] = (mask, mask.count(1))
        while len(snap.searches) > SEARCHES:
            del snap.searches[next(iter(snap.searches))]
