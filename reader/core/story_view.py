"""The list in stories mode: one row per story, its best version, and the counts.

``StoryMap`` is what the UI reads of the clusters: the story of every item in
a story of two or more (items alone are in no story here). It is never
changed, only replaced (patched for the items an update touched), so the UI
thread reads it while a worker clusters. Made once per map (in the worker),
``codes`` gives each of those items one number: its story's number times
``STRIDE`` plus its place in the story, best first (``Story.in_rank``).

``collapse`` turns a query's rows into story rows: of each story, the best
version among the rows that matched stands in for the others, at its own
place in the order; ``×N`` counts the versions that matched. An expanded
story lists its other versions under it. It is a few C-level and numpy
passes over the rows (one dict lookup each, then sorting the codes of the
rows that are in a story), with Python steps only for the stories shown with
a ``×N`` and those expanded; and only in stories mode.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter
from typing import Any, cast

import numpy as np

from reader.core.model import Entry
from reader.core.patch import Positions
from reader.core.story_types import STRIDE, StoryMap

__all__ = ["EXPANDED", "STRIDE", "VERSION", "Collapsed", "Prefixes", "StoryMap", "code_table", "collapse",
           "collapse_at", "story_counts", "story_counts_at"]

VERSION = "  ↳ "  # the title prefix of a version listed under its story
EXPANDED = "▾"
COLLAPSED = "▸"
_id = attrgetter("id")


class Prefixes(Mapping[str, str]):
    """id -> what goes before its title, for the rows a collapse shows: asked
    only for the rows on screen, so it is never made for every story."""

    def __init__(self, codes: Mapping[str, int], best: np.ndarray, counts: np.ndarray,
                 extra: dict[str, str]) -> None:
        self._codes, self._best, self._counts, self._extra = codes, best, counts, extra
        self._any = bool(extra) or bool((counts > 1).any())

    def get(self, item_id: str, default: Any = None) -> Any:
        if item_id in self._extra:
            return self._extra[item_id]
        code = self._codes.get(item_id)
        if code is None:
            return default
        number = code // STRIDE
        if number >= len(self._best) or self._best[number] != code or self._counts[number] < 2:
            return default
        return f"{COLLAPSED}×{self._counts[number]} "

    def __getitem__(self, item_id: str) -> str:
        value = self.get(item_id)
        if value is None:
            raise KeyError(item_id)
        return cast(str, value)

    def __iter__(self) -> Iterator[str]:
        yield from self._extra
        for item_id in self._codes:
            if item_id not in self._extra and self.get(item_id) is not None:
                yield item_id

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return self._any


@dataclass(frozen=True)
class Collapsed:
    rows: list[Entry]  # what the list shows
    prefixes: Mapping[str, str]  # id -> what goes before its title ("▸×3 ", "  ↳ ")
    stories: int  # rows that are stories (not versions listed under an expanded one)
    # The versions among the query's rows: their indices in ``source``, grouped
    # by story (``numbers``, ascending) and best first within a story.
    source: Sequence[Entry] = ()
    positions: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    numbers: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))

    def versions(self, number: int | None) -> list[Entry]:
        """The versions of story ``number`` among the query's rows, best first."""
        if number is None:
            return []
        lo, hi = np.searchsorted(self.numbers, [number, number + 1]).tolist()
        return [self.source[p] for p in self.positions[lo:hi].tolist()]


def code_table(entries: Sequence[Entry], stories: StoryMap,
               positions: Mapping[str, int] | Positions | None = None) -> np.ndarray:
    """Each entry's code (``StoryMap.codes``; -1: in no story), by its index in
    ``entries`` (``positions``: id -> that index, if known: then only the
    items in a story are looked up)."""
    codes = stories.codes
    if positions is None:
        return np.fromiter(map(codes.get, map(_id, entries), repeat(-1)), dtype=np.int64, count=len(entries))
    table = np.full(len(entries), -1, dtype=np.int64)
    at = np.fromiter(map(positions.get, codes, repeat(-1)), dtype=np.int64, count=len(codes))
    found = at >= 0
    table[at[found]] = np.fromiter(codes.values(), dtype=np.int64, count=len(codes))[found]
    return table


def collapse(rows: Sequence[Entry], stories: StoryMap, expanded: Collection[str] = ()) -> Collapsed:
    """``rows`` as stories mode lists them (see the module's text)."""
    if not stories.codes or not rows:
        return Collapsed(list(rows), {}, len(rows))
    return collapse_at(rows, range(len(rows)), code_table(rows, stories), stories, expanded)


def collapse_at(entries: Sequence[Entry], positions: Sequence[int], table: np.ndarray, stories: StoryMap,
                expanded: Collection[str] = ()) -> Collapsed:
    """``collapse`` of the rows ``entries[p] for p in positions`` (a catalog
    query's indices, ``Catalog.query_positions``); ``table``: ``code_table(entries)``."""
    if isinstance(positions, array):
        pos = np.frombuffer(positions, dtype=np.dtype(positions.typecode)).astype(np.int64)
    else:
        pos = np.asarray(positions, dtype=np.int64)
    n = len(pos)
    code = table[pos] if n else np.empty(0, np.int64)
    at = np.flatnonzero(code >= 0)  # the rows that are in a story
    order = np.argsort(code[at], kind="stable")  # by story, best first
    in_story = at[order]  # rows, grouped by story
    numbers = code[in_story] // STRIDE
    first = np.ones(len(numbers), dtype=bool)
    first[1:] = numbers[1:] != numbers[:-1]
    starts = np.flatnonzero(first)
    sizes = np.diff(np.append(starts, len(numbers)))
    shown = Collapsed([], {}, n, entries, pos[in_story], numbers)
    keep = np.ones(n, dtype=bool)
    keep[in_story[~first]] = False  # every version but the best that matched
    dropped = n - int(np.count_nonzero(keep))
    size = len(stories.keys)
    best = np.full(size, -1, dtype=np.int64)
    counts = np.zeros(size, dtype=np.int64)
    best[numbers[starts]] = code[in_story[starts]]
    counts[numbers[starts]] = sizes
    extra: dict[str, str] = {}
    inserts: dict[int, list[Entry]] = {}  # row of a best version -> its other versions
    for number in (stories.numbers[k] for k in expanded if k in stories.numbers):
        versions = shown.versions(number)
        if len(versions) > 1:
            extra[versions[0].id] = f"{EXPANDED}×{len(versions)} "
            extra.update((e.id, VERSION) for e in versions[1:])
            inserts[int(in_story[np.searchsorted(numbers, number)])] = versions[1:]
    prefixes = Prefixes(stories.codes, best, counts, extra)
    get = entries.__getitem__
    if not inserts:
        rows = list(map(get, pos[keep].tolist()))
    else:
        rows = []
        start = 0
        for row in sorted(inserts):
            rows.extend(map(get, pos[start:row + 1][keep[start:row + 1]].tolist()))
            rows.extend(inserts[row])
            start = row + 1
        rows.extend(map(get, pos[start:][keep[start:]].tolist()))
    return Collapsed(rows, prefixes, n - dropped, entries, pos[in_story], numbers)


def story_counts(stories: StoryMap, get: Callable[[str], Entry | None]) -> tuple[int, int, Counter[str]]:
    """How many items stories mode does not count, because another version of
    their story counts for them: (of all, of the unpublished, per topic)."""
    ids = list(stories.codes)
    if not ids:
        return 0, 0, Counter()
    numbers = np.fromiter(stories.codes.values(), dtype=np.int64, count=len(ids)) // STRIDE
    entries = list(map(get, ids))
    present = np.fromiter((e is not None for e in entries), dtype=bool, count=len(ids))
    unpublished = np.fromiter((e is not None and e.published is False for e in entries), dtype=bool,
                              count=len(ids))
    size = len(stories.keys)
    have = np.bincount(numbers[present], minlength=size)
    waiting = np.bincount(numbers[unpublished], minlength=size)
    total = int(np.maximum(have - 1, 0).sum())
    extra_unpublished = int(np.maximum(waiting - 1, 0).sum())
    pairs = Counter((number, topic) for number, entry in zip(numbers.tolist(), entries, strict=True)
                    if entry is not None for topic in set(entry.topics))
    topics: Counter[str] = Counter()
    for (_number, topic), k in pairs.items():
        if k > 1:
            topics[topic] += k - 1
    return total, extra_unpublished, topics


def story_counts_at(entries: Sequence[Entry], table: np.ndarray) -> tuple[int, int, Counter[str]]:
    """``story_counts`` of ``entries`` from their codes (``code_table``): no lookups by id."""
    at = np.flatnonzero(table >= 0)
    if not len(at):
        return 0, 0, Counter()
    numbers = table[at] // STRIDE
    have = np.bincount(numbers)
    total = int(np.maximum(have - 1, 0).sum())
    members = list(map(entries.__getitem__, at.tolist()))
    waiting = np.fromiter((e.published is False for e in members), dtype=bool, count=len(members))
    unpublished = int(np.maximum(np.bincount(numbers[waiting]) - 1, 0).sum()) if waiting.any() else 0
    pairs = Counter((number, topic) for number, entry in zip(numbers.tolist(), members, strict=True)
                    for topic in set(entry.topics))
    topics: Counter[str] = Counter()
    for (_number, topic), k in pairs.items():
        if k > 1:
            topics[topic] += k - 1
    return total, unpublished, topics
