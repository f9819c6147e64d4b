"""Story clusters for a running app: built once after loading, then kept up to date.

``StoryService.build`` (a worker thread, after the folder has loaded) clusters
the catalog's entries, starting from the cache (``story_cache``) for the files
whose size and mtime have not changed: a warm start compares no texts and
parses no URLs. ``refresh`` (a worker thread, after live reload or an edit put
changed files into the catalog) updates the stories of those files only
(``StoryIndex.update``), never a recompute, and writes their rows to the cache.
Both return a new ``StoryMap`` for the UI; one lock serialises them, so a change
that arrives while the first build runs is applied right after it.

Entries carry no related lists: the related keys of the files that are
compared afresh are read from the files here (a few per change; all of them
once, on a cold start).

With several content roots (``reader.core.roots``) the ids carry their root's
label and each file is read from its own root, so a story joins versions from
every root; the cache is then one for that set of roots.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from reader.core.model import Entry
from reader.core.roots import Roots
from reader.core.store import read_bytes, read_front_matter
from reader.core.stories import StoryConfig, StoryIndex
from reader.core.story_cache import UNKNOWN, Stamp, StoryCache
from reader.core.story_types import StoryMap, split_changes
from reader.core.urls import related_url_keys

__all__ = ["StoryService", "cache_key", "read_related", "split_changes"]

RACY_NS = 2_000_000_000  # an mtime this close to now may change again within its tick


def file_finder(root: Path | str | Roots) -> Callable[[str], Path | None]:
    """id -> the path of its file: under ``root``, or in its own root of several."""
    if isinstance(root, Roots):
        return root.file_of
    base = Path(root)
    return lambda item_id: base / item_id


def cache_key(roots: Roots) -> str:
    """What the story cache is kept under: the root; with several, all of them in
    their order (the ids it holds carry labels made from that set)."""
    if roots.single:
        return str(roots.primary)
    return "\n".join(os.path.realpath(p) for p in roots.paths)


def read_related(root: Path | Roots, ids: Iterable[str]) -> dict[str, tuple[int, ...]]:
    """id -> the URL keys its ``related`` list names, read from the files (each
    in its own root; a file that cannot be read or parsed names none: the
    loader reports it)."""
    out: dict[str, tuple[int, ...]] = {}
    path_of = file_finder(root)
    for item_id in ids:
        path = path_of(item_id)
        if path is None:
            continue
        try:
            data = read_bytes(str(path))
            if b"related" not in data:
                continue
            parsed = read_front_matter(data)
        except Exception:
            continue
        if parsed is not None:
            keys = related_url_keys(parsed[0])
            if keys:
                out[item_id] = keys
    return out


def _stamp(path: Path | None, now_ns: int) -> Stamp | None:
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    mtime = st.st_mtime_ns if st.st_mtime_ns < now_ns - RACY_NS else UNKNOWN
    return (st.st_size, mtime)


class StoryService:
    def __init__(self, root: Path | str | Roots, *, config: StoryConfig | None = None, use_cache: bool = True,
                 cache_directory: Path | str | None = None) -> None:
        self.roots = root if isinstance(root, Roots) else Roots.of(Path(root))
        self.root = self.roots.primary
        self._path_of = file_finder(self.roots)
        self.config = config or StoryConfig()
        self.cache = (StoryCache(cache_key(self.roots), self.config, directory=cache_directory)
                      if use_cache else None)
        self.index: StoryIndex | None = None
        self.map = StoryMap()
        self.reused = 0  # files taken from the cache by the last build
        self._stamps: dict[str, Stamp] = {}
        self._lock = threading.Lock()

    def build(self, entries: Callable[[], Sequence[Entry]]) -> StoryMap:
        """Cluster ``entries()`` (called under the lock, so no change is missed)."""
        with self._lock:
            self.map = StoryMap.of_index(self._build(entries()))
            return self.map

    def build_stories(self, entries: Sequence[Entry]) -> list[tuple[str, ...]]:
        """Cluster ``entries`` as ``build`` does; the stories of 2+, each one's ids best first
        (what a story process sends back: ``reader.core.story_process``)."""
        with self._lock:
            return [s.in_rank() for s in self._build(entries).stories(singles=False)]

    def _build(self, entries: Sequence[Entry]) -> StoryIndex:
        current = list(entries)
        stored = self.cache.load() if self.cache is not None else {}
        now = time.time_ns()
        stamps: dict[str, Stamp] = {}
        clean = {}
        for entry in current:
            stamp = _stamp(self._path_of(entry.id), now)
            if stamp is not None:
                stamps[entry.id] = stamp
            have = stored.get(entry.id)
            if have is not None and stamp is not None and stamp[1] != UNKNOWN and have[0] == stamp:
                clean[entry.id] = have[1]
        related = read_related(self.roots, (e.id for e in current if e.id not in clean))
        index = StoryIndex(current, related, config=self.config, cached=clean or None)
        del current, related
        self.index, self._stamps, self.reused = index, stamps, len(clean)
        if self.cache is not None:
            rows = {i: (stamps.get(i, (0, UNKNOWN)), c) for i, c in index.cached().items()
                    if i not in stored or stored[i] != (stamps.get(i), c)}
            gone = [i for i in stored if i not in index]
            del stored
            self.cache.write(rows, removed=gone)
        return index

    def changed(self, upserts: Sequence[Entry], removed: Iterable[str],
                stamps: Mapping[str, Stamp]) -> StoryMap | None:
        """Files changed: their new entries (``stamps``: what they were read at)
        and the ids gone. None before the first build (it will read them)."""
        with self._lock:
            return self._apply(list(upserts), list(removed), stamps)

    def refresh(self, ids: Iterable[str], get: Callable[[str], Entry | None],
                stamps: Mapping[str, Stamp]) -> StoryMap | None:
        """These ids changed: take each one's entry as it is now (``get``; None:
        gone). Reading them under the lock makes the result the same whatever
        order two refreshes run in."""
        with self._lock:
            return self._apply(*split_changes(ids, get), stamps)

    def _apply(self, upserts: list[Entry], removed: list[str], stamps: Mapping[str, Stamp]) -> StoryMap | None:
        index = self.index
        affected = self._update(upserts, removed, stamps)
        if index is None or affected is None:
            return None
        if affected:
            self.map = self.map.patched(index, affected)
        return self.map

    def changed_stories(self, upserts: Sequence[Entry], removed: Iterable[str],
                        stamps: Mapping[str, Stamp]) -> dict[str, tuple[str, ...]] | None:
        """As ``changed``, but what a story process sends back: the story of
        each item the change may have touched, ids best first (one id: alone)."""
        with self._lock:
            affected = self._update(upserts, removed, stamps)
            index = self.index
            if affected is None or index is None:
                return None
            out = {}
            for item_id in affected:
                story = index.story_of(item_id)
                out[item_id] = story.in_rank() if story is not None else ()
            return out

    def _update(self, upserts: Sequence[Entry], removed: Iterable[str],
                stamps: Mapping[str, Stamp]) -> set[str] | None:
        """Apply a change to the index and the cache: the ids whose story may
        have changed (None before the first build)."""
        index = self.index
        if index is None:
            return None
        removed = [i for i in removed if i in index]
        if not upserts and not removed:
            return set()
        related = read_related(self.roots, (e.id for e in upserts))
        affected = index.update(upserts, removed, related=related)
        now = time.time_ns()
        for entry in upserts:
            stamp = stamps.get(entry.id)
            if stamp is None or stamp[1] >= now - RACY_NS:
                stamp = (stamp[0] if stamp else 0, UNKNOWN)
            self._stamps[entry.id] = stamp
        for item_id in removed:
            self._stamps.pop(item_id, None)
        if self.cache is not None:
            rows = {i: (self._stamps.get(i, (0, UNKNOWN)), c) for i, c in index.cached(affected).items()}
            self.cache.write(rows, removed=removed)
        return affected

    def close(self) -> None:
        with self._lock:
            if self.cache is not None:
                self.cache.close()
