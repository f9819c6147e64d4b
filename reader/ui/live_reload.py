"""Live reload in the app: files changed on disk reach the list, the cursor stays put.

``LiveReload`` is held by the app (composed, not mixed in). A thread worker
watches the content root (``reader.core.watch``); each burst of changes is
read again in that thread and handed to the UI thread as one ``Reread``,
which ``ReaderApp.apply_reread`` applies to the catalog in place. Changes that
arrive while the folder is still loading wait until it has loaded (the loader
would otherwise overwrite them with what it read earlier). Once both the load
and the watcher are in place, one listing catches up with what changed before
the watcher started (files modified since the app started, new and gone files).

Our own edits come back through the watcher too: ``is_own(id, stamp)`` tells
them apart, so only other people's changes say "changed on disk".

With several content roots (``reader.core.roots``) each root has its own
``LiveReload``, which hands on what it read under the ids among all roots
(``live_reload`` makes them; ``LiveReloads`` holds them as one).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.index import Index
from reader.core.roots import Roots
from reader.core.roots_load import label_reread
from reader.core.sanitize import sanitize
from reader.core.watch import (
    DEBOUNCE_MS,
    Changes,
    Reread,
    changed_since,
    read_changes,
    watch_changes,
)

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

log = logging.getLogger("reader.ui")


class LiveReload:
    """Watches the app's root (or ``root``, labelled ``label`` among several);
    calls ``app.apply_reread`` on the UI thread."""

    def __init__(self, app: ReaderApp, *, use_index: bool = True,
                 force_polling: bool | None = None, debounce_ms: int | None = None,
                 root: Path | None = None, label: str | None = None) -> None:
        self.app = app
        self.root = app.root if root is None else root
        self.label = label
        self._prefix = "" if label is None else f"{label}/"
        self.use_index = use_index
        self.force_polling = force_polling
        self.debounce_ms = debounce_ms
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._read_lock = threading.Lock()  # one reader at a time (the index is single-threaded)
        self._pending = Changes()
        self._ready = False  # the first load has finished
        self._watching = False  # the watcher is in place
        self._since_ns = time.time_ns()  # before the load listed anything
        self.is_own: Callable[[str, tuple[int, int]], bool] = lambda item_id, stamp: False
        self._index: Index | None = None

    # -- called on the UI thread ----------------------------------------------
    def start(self) -> None:
        group = "watch" if self.label is None else f"watch {self.label}"
        self.app.run_worker(self._watch, thread=True, group=group, exclusive=True,
                            exit_on_error=False, name="watch files")

    def loaded(self) -> None:
        """The first load has finished: apply what changed meanwhile."""
        with self._lock:
            self._ready = True
            catch_up = self._watching
        if catch_up:
            self.app.run_worker(self._catch_up, thread=True, group="reread",
                                exit_on_error=False, name="read changed files")

    def close(self) -> None:
        self.stop.set()

    # -- the watcher thread ------------------------------------------------------
    def _watch(self) -> None:
        try:
            watch_changes(self.root, self._changed, self.stop, force_polling=self.force_polling,
                          on_note=self._note, on_ready=self._watcher_ready,
                          debounce_ms=DEBOUNCE_MS if self.debounce_ms is None else self.debounce_ms)
        finally:
            if self._index is not None:
                self._index.close()

    def _watcher_ready(self) -> None:
        with self._lock:
            self._watching = True
            catch_up = self._ready
        if catch_up:
            self._catch_up()

    def _catch_up(self) -> None:
        """Once loaded and watching: what changed before the watcher was in place."""
        with self._lock:
            pending, self._pending = self._pending, Changes()
        catalog = self.app.catalog
        known = self._own_ids([e.id for e in catalog.entries] + [p.id for p in list(self.app.load_problems)])
        try:
            missed = changed_since(self.root, self._since_ns, known)
        except (OSError, ValueError) as exc:  # the root went away
            log.info("catching up with changes failed: %s", exc)
            missed = Changes()
        self._read(Changes(pending.ids | missed.ids, pending.dirs | missed.dirs))

    def _changed(self, changes: Changes) -> None:
        with self._lock:
            if not self._ready:
                self._pending = Changes(self._pending.ids | changes.ids, self._pending.dirs | changes.dirs)
                return
        self._read(changes)

    def _read(self, changes: Changes) -> None:
        with self._read_lock:
            self._read_now(changes)

    def _read_now(self, changes: Changes) -> None:
        if self.stop.is_set():
            return
        if self.use_index and self._index is None:
            self._index = Index(self.root)
        catalog = self.app.catalog
        problems = list(self.app.load_problems)

        def known(prefix: str) -> list[str]:
            ids = self._own_ids([e.id for e in catalog.entries] + [p.id for p in problems])
            return [i for i in ids if i.startswith(prefix)] if prefix else ids

        try:
            reread = read_changes(self.root, changes, known, self._index)
        except Exception:  # pragma: no cover - a bug must not stop the watcher
            log.exception("reading changed files failed")
            return
        if self.label is not None:
            reread = label_reread(self.label, reread)
        if reread.ids and not self.stop.is_set():
            self.app.call_from_thread(self.app.apply_reread, reread)

    def _own_ids(self, ids: list[str]) -> list[str]:
        """Of the app's ids, this root's, relative to it."""
        if self.label is None:
            return ids
        n = len(self._prefix)
        return [i[n:] for i in ids if i.startswith(self._prefix)]

    def _note(self, message: str) -> None:
        log.info("%s", message)
        if not self.stop.is_set():
            self.app.call_from_thread(self.app.notify, sanitize(message), severity="warning",
                                      markup=False)


class LiveReloads:
    """One ``LiveReload`` per content root, started, told and closed together."""

    def __init__(self, parts: list[LiveReload]) -> None:
        self.parts = parts

    @property
    def is_own(self) -> Callable[[str, tuple[int, int]], bool]:
        return self.parts[0].is_own

    @is_own.setter
    def is_own(self, check: Callable[[str, tuple[int, int]], bool]) -> None:
        for part in self.parts:
            part.is_own = check

    def start(self) -> None:
        for part in self.parts:
            part.start()

    def loaded(self) -> None:
        for part in self.parts:
            part.loaded()

    def close(self) -> None:
        for part in self.parts:
            part.close()


def live_reload(app: ReaderApp, roots: Roots, *, use_index: bool = True) -> LiveReload | LiveReloads:
    """The app's live reload: one root's, or every root's together."""
    if roots.single:
        return LiveReload(app, use_index=use_index)
    return LiveReloads([LiveReload(app, use_index=use_index, root=path, label=label) for label, path in roots])


__all__ = ["LiveReload", "LiveReloads", "Reread", "live_reload"]
