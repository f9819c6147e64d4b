"""Story clusters in a process of their own: the app keeps only the map.

Clustering 100k items holds about 100 MB while it runs (signatures, band
index, URL owners, links) and the index it leaves behind keeps most of it, in
the process that holds it. ``StoryProcess`` has ``StoryService``'s interface
(``build``, ``refresh``, ``changed``, ``close``, ``map``, ``reused``) and runs the
service in a spawned process (never forked: the app has threads): the entries
go there in chunks of ``CHUNK`` (a bounded pickle at a time), the process
clusters them (from the cache for unchanged files, as in this process) and
sends back only the stories of two or more, ids best first. A changed file
sends its entry and gets back the stories of the items it touched: an update
of the index there, never a recompute. The map is made here, in the calling
(worker) thread.

Below ``THRESHOLD`` entries, or when no process can start, or after the
process died, the service runs in this process (as it always did): the same
results, the memory here.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import multiprocessing
import pickle
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.core.model import Entry
from reader.core.pool import ensure_resource_tracker
from reader.core.roots import Roots
from reader.core.story_types import Story, StoryConfig, StoryMap, split_changes

# The clustering (numpy, rapidfuzz) is imported where it runs: in the story
# process, or here only when this process clusters (``_build_here``).
if TYPE_CHECKING:
    from reader.core.story_cache import Stamp
    from reader.core.story_service import StoryService

__all__ = ["CHUNK", "THRESHOLD", "StoryProcess"]

log = logging.getLogger("reader.stories")

THRESHOLD = 2_000  # fewer entries: cluster in this process (a process costs more than it saves)
CHUNK = 2_000  # entries per message to the process
JOIN_SECONDS = 2.0  # how long close() waits for the process to end before it is stopped


def _story(ranked: tuple[str, ...]) -> Story:
    return Story(ranked[0], tuple(sorted(ranked)), ranked)


def serve(conn: Connection, root: str | Roots, config: StoryConfig, use_cache: bool,
          cache_directory: str | None) -> None:
    """The process: a ``StoryService`` answering the app's messages until it closes."""
    from reader.core.story_service import StoryService

    service = StoryService(root, config=config, use_cache=use_cache, cache_directory=cache_directory)
    entries: list[Entry] = []
    try:
        while True:
            try:
                kind, *args = conn.recv()
            except EOFError:
                return
            if kind == "entries":
                entries.extend(args[0])
            elif kind == "build":
                stories = service.build_stories(entries)
                entries = []
                conn.send(("built", stories, service.reused))
                del stories
                _give_back()
            elif kind == "change":
                conn.send(("changed", service.changed_stories(*args)))
            else:  # "close"
                return
    finally:
        service.close()


def _give_back() -> None:
    """Hand the memory the build freed back to the system (glibc keeps it otherwise)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class StoryProcess:
    def __init__(self, root: Path | str | Roots, *, config: StoryConfig | None = None, use_cache: bool = True,
                 cache_directory: Path | str | None = None, threshold: int = THRESHOLD) -> None:
        # several roots go to the process as they are (their labels are the ids')
        where: str | Roots = root if isinstance(root, Roots) and not root.single else str(
            root.primary if isinstance(root, Roots) else root)
        self.root = Path(where) if isinstance(where, str) else where.primary
        self.config = config or StoryConfig()
        self.threshold = threshold
        self._args = (where, self.config, use_cache, None if cache_directory is None else str(cache_directory))
        self.map = StoryMap()
        self.reused = 0  # files taken from the cache by the last build
        self.local: StoryService | None = None  # the service in this process, when there is no other
        self._conn: Connection | None = None
        self._process: Any = None
        self._entries: Callable[[], Sequence[Entry]] | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def remote(self) -> bool:
        """The stories are in another process."""
        return self._conn is not None

    def build(self, entries: Callable[[], Sequence[Entry]]) -> StoryMap:
        """Cluster ``entries()`` (called under the lock, so no change is missed)."""
        with self._lock:
            self._entries = entries
            current = entries()
            if self._closed:
                return self.map
            if self.local is None and len(current) >= self.threshold and (self.remote or self._start()):
                try:
                    return self._build_there(current)
                except (OSError, EOFError, ValueError, pickle.PickleError) as exc:  # the process died: here, then
                    log.info("story process failed (%s): clustering in the app", exc)
                    self._stop()
                    if self._closed:
                        return self.map
            del current
            return self._build_here(entries)

    def _build_there(self, current: Sequence[Entry]) -> StoryMap:
        conn = self._conn
        assert conn is not None
        for start in range(0, len(current), CHUNK):
            conn.send(("entries", list(current[start:start + CHUNK])))
        conn.send(("build",))
        _kind, stories, reused = conn.recv()
        self.map = StoryMap.of_stories(_story(r) for r in stories)
        self.reused = reused
        return self.map

    def _build_here(self, entries: Callable[[], Sequence[Entry]]) -> StoryMap:
        if self.local is None:
            from reader.core.story_service import StoryService

            root, config, use_cache, directory = self._args
            self.local = StoryService(root, config=config, use_cache=use_cache, cache_directory=directory)
        self.map = self.local.build(entries)
        self.reused = self.local.reused
        return self.map

    def changed(self, upserts: Sequence[Entry], removed: Iterable[str],
                stamps: Mapping[str, Stamp]) -> StoryMap | None:
        """Files changed: their new entries and the ids gone (``StoryService.changed``)."""
        with self._lock:
            return self._apply(list(upserts), list(removed), stamps)

    def refresh(self, ids: Iterable[str], get: Callable[[str], Entry | None],
                stamps: Mapping[str, Stamp]) -> StoryMap | None:
        """These ids changed: each one's entry as it is now (``StoryService.refresh``)."""
        with self._lock:
            return self._apply(*split_changes(ids, get), stamps)

    def _apply(self, upserts: list[Entry], removed: list[str], stamps: Mapping[str, Stamp]) -> StoryMap | None:
        if self.local is not None:
            story_map = self.local.changed(upserts, removed, stamps)
            self.map = story_map if story_map is not None else self.map
            return story_map
        conn = self._conn
        if conn is None:
            return None  # before the first build (it reads them)
        try:
            conn.send(("change", upserts, removed, dict(stamps)))
            _kind, changed = conn.recv()
        except (OSError, EOFError, ValueError, pickle.PickleError) as exc:  # the process died: cluster here from now on
            log.info("story process failed (%s): clustering in the app", exc)
            self._stop()
            if self._closed or self._entries is None:
                return None
            return self._build_here(self._entries)
        if changed is None:
            return None
        self.map = self.map.with_stories({i: _story(r) if len(r) > 1 else None for i, r in changed.items()})
        return self.map

    def _start(self) -> bool:
        context = multiprocessing.get_context("spawn")  # never fork: the app has threads
        try:
            ensure_resource_tracker()
            here, there = context.Pipe()
            process = context.Process(target=serve, args=(there, *self._args), daemon=True,
                                      name="reader-stories")
            process.start()
        except (OSError, ValueError, RuntimeError) as exc:  # no processes here
            log.info("no story process (%s): clustering in the app", exc)
            return False
        there.close()
        self._conn, self._process = here, process
        return True

    def _stop(self) -> None:
        conn, process = self._conn, self._process
        self._conn = self._process = None
        if conn is not None:
            with contextlib.suppress(OSError, ValueError):
                conn.send(("close",))
            conn.close()
        if process is not None:
            process.join(JOIN_SECONDS)
            if process.is_alive():
                process.terminate()
                process.join(JOIN_SECONDS)

    def close(self) -> None:
        """End the process; never waits for a build in progress (the app is quitting):
        the process is stopped, and the build gives up."""
        self._closed = True
        if self._lock.acquire(blocking=False):
            try:
                self._stop()
                if self.local is not None:
                    self.local.close()
            finally:
                self._lock.release()
        elif self._process is not None:
            self._process.terminate()
