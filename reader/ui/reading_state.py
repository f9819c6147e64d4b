"""The reader's own state in the app: read / unread, saved, the last view.

A composed object the app holds (``app.reading``); its key actions call it.
The marks live in ``reader.core.state.StateStore`` (per user, never in the
content folder or the cache), written by the store's own writer thread, so
a mark costs the UI thread a few set operations. The writer is not even
woken by the mark: the store holds it and an app timer hands it (with the
marks after it) to the writer half a second later, when the UI is most
likely idle; the app flushes them when it is suspended (Ctrl+Z, an external
editor) and when it closes. ``reader.core.reading``
turns them into the catalog's ids and exact counts (worked out in a thread
worker after each change of the catalog).

An item becomes read once its detail has been on screen for ``READ_AFTER``
seconds: the detail pane calls ``detail_shown``, any move of the cursor
calls ``highlight_changed`` and calls the read off. A held key never shows
the rows it passes (the app defers their details until the cursor rests),
so it marks none of them. ``clock`` and ``set_timer`` are injectable: tests
drive the time, they do not sleep.

The last view (the sidebar entry, sort, search and the item under the
cursor) is saved per content root when the app closes and put back when it
opens: the view at once, the item as soon as it has been loaded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from itertools import compress, count, islice
from operator import attrgetter, not_
from typing import TYPE_CHECKING, Any, Protocol

from textual.app import ScreenStackError
from textual.css.query import NoMatches

from reader.core.query import Published, Query, SortKey
from reader.core.reading import Computed, ReadMarks, keys_of
from reader.core.sanitize import sanitize
from reader.core.state import StateStore
from reader.ui.hang_up import exit_on_hang_up
from reader.ui.widgets.article_list import ArticleList

if TYPE_CHECKING:
    from reader.core.model import Entry
    from reader.ui.app import ReaderApp
    from reader.ui.widgets.topic_sidebar import TopicChoice

log = logging.getLogger("reader.ui")
READ_AFTER = 1.0  # seconds an item's detail is on screen before it counts as read
MANY = 2000  # marking more items than this at once: their keys are worked out in a worker
_id = attrgetter("id")
class Stoppable(Protocol):
    def stop(self) -> None: ...


class ReadingFlow:
    def __init__(self, app: ReaderApp, store: StateStore | None = None) -> None:
        self.app = app
        # Opened in ``start``, once the first frame is out (or by the first mark before).
        self.store = store if store is not None else StateStore(
            background=True, load=False, lazy=True,
            write_later=lambda delay, callback: app.set_timer(delay, callback, name="state-write"))
        self.marks = ReadMarks(self.store)
        self.clock: Callable[[], float] = time.monotonic
        self.set_timer: Callable[[float, Callable[[], None]], Stoppable] = \
            lambda delay, callback: app.set_timer(delay, callback, name="read-after")
        self._dwell: Stoppable | None = None
        self._showing: tuple[str, float] | None = None  # the detail's item id, since when
        self.selected: str | None = None  # the item under the cursor (for the last view)
        self._restore: str | None = None  # the last view's item, until it has been loaded
        self._closed = False
        self._unhook: Callable[[], None] = lambda: None  # the SIGHUP/SIGTERM handlers' removal

    # -- start and end ------------------------------------------------------------------
    def start(self) -> None:
        """After the first frame: the last view back, the marks read (writer thread), a note if any."""
        self.store.open()
        if self.store.note:
            self.app.notify(sanitize(self.store.note), severity="warning", markup=False)
        self._restore_view()
        # Before the process stops (SIGTSTP stops the writer thread too) or another program runs.
        self.app.app_suspend_signal.subscribe(self.app, self._suspending, immediate=True)
        # A dropped SSH link (SIGHUP) or a kill (SIGTERM): this state written, then exit.
        self._unhook = exit_on_hang_up(self.close, lambda code: self.app.exit(return_code=code))
        self.store.load_marks()
        self._recompute()

    def close(self) -> None:
        """On unmount: the view saved, every queued mark written."""
        if self._closed:
            return
        self._closed = True
        self._unhook()
        self.stop_dwell()
        view = self.app.view
        self.store.save_view(self.app.root, {
            "sort": view.sort.value, "descending": view.descending, "topic": view.topic,
            "published": view.published.value, "search": view.search,
            "selected": self.selected if self._restore is None else self._restore,
        })
        self.store.close()

    def _suspending(self, _app: object) -> None:
        self.store.flush()

    def _restore_view(self) -> None:
        saved = self.store.last_view(self.app.root)
        if not saved:
            return
        view = _view_from(saved)
        if view is not None and view != self.app.view:
            self.app.view = view
            if view.search:
                self.app.search_bar.value = view.search
        selected = saved.get("selected")
        self._restore = selected if isinstance(selected, str) else None

    # -- the catalog changed: work out the ids again ------------------------------------
    def catalog_changed(self) -> None:
        self.marks.follow(self.app.catalog.entries)
        if self._restore is not None and self._restore in self.app.catalog:
            item_id, self._restore = self._restore, None
            self.app.query_one(ArticleList).move_to_id(item_id)
        if self.app.progress is None:  # not while loading: once, when it is done
            self._recompute()

    def _recompute(self) -> None:
        entries = self.app.catalog.entries
        marks, store = self.marks, self.store

        def work() -> None:
            store.loaded.wait()
            computed = marks.compute(entries)
            self.app.call_from_thread(self._install, computed)

        self.app.run_worker(work, thread=True, exclusive=True, group="reading",
                            name="reading state", exit_on_error=False)

    def _install(self, computed: Computed) -> None:
        if computed.entries is not self.app.catalog.entries:
            return  # the catalog changed meanwhile: the next compute is on its way
        from reader.core.querylang import names_state

        self.marks.install(computed)
        self._changed(requery=names_state(self.app.view.search))

    def _changed(self, requery: bool = False) -> None:
        """Counts, the list's marks and (when the view depends on them) the rows."""
        marks = self.marks
        self.app.unread_count = marks.unread if marks.ready else None
        self.app.saved_count = marks.saved if marks.ready else None
        self.app.read_marks = marks
        if requery:
            self.app.refresh_rows()

    # -- read after a moment on screen --------------------------------------------------
    def highlight_changed(self, entry: Entry | None) -> None:
        self.stop_dwell()
        self.selected = entry.id if entry is not None else None

    def detail_shown(self, item_id: str) -> None:
        self.stop_dwell()
        self._showing = (item_id, self.clock())
        self._dwell = self.set_timer(READ_AFTER, self._dwell_over)

    def stop_dwell(self) -> None:
        self._showing = None
        if self._dwell is not None:
            self._dwell.stop()
            self._dwell = None

    def _dwell_over(self) -> None:
        self._dwell = None
        if self._showing is None:
            return
        item_id, since = self._showing
        waited = self.clock() - since
        if waited < READ_AFTER:  # the timer woke early (or the clock is a test's): ask again later
            self._dwell = self.set_timer(READ_AFTER - waited, self._dwell_over)
            return
        self._showing = None
        try:
            entry = self.app.query_one(ArticleList).highlighted
        except (NoMatches, ScreenStackError):  # the app is closing: nothing is shown to mark
            return
        if entry is not None and entry.id == item_id and not self.marks.is_read(entry):
            self.marks.mark_read([entry])
            self._changed()

    # -- keys ---------------------------------------------------------------------------
    def run_action(self, name: str) -> None:
        action = {"next_unread": self.next_unread, "toggle_read": self.toggle_read,
                  "mark_all_read": self.mark_all_read, "toggle_saved": self.toggle_saved}.get(name)
        if action is not None:
            action()

    def _here(self) -> Entry | None:
        entry = self.app.query_one(ArticleList).highlighted
        if entry is None:
            self.app.notify("No item selected.", markup=False)
        return entry

    def toggle_read(self) -> None:
        entry = self._here()
        if entry is None:
            return
        self.stop_dwell()  # marked unread on purpose: it stays unread while shown
        read = not self.marks.is_read(entry)
        self.marks.mark_read([entry], read)
        self._changed()  # the row's mark and the count say so: no toast (it costs a frame)

    def toggle_saved(self) -> None:
        entry = self._here()
        if entry is None:
            return
        from reader.core.querylang import names_state

        saved = not self.marks.is_saved(entry)
        self.marks.mark_saved([entry], saved)
        self._changed(requery=names_state(self.app.view.search) and not saved)
        self.app.notify("Saved." if saved else "No longer saved.", markup=False, timeout=2)

    def mark_all_read(self) -> None:
        rows = [e for e in self.app.rows if not self.marks.is_read(e)] \
            if len(self.app.rows) <= MANY else list(self.app.rows)
        if not rows:
            self.app.notify("Every item shown is read already.", markup=False)
            return
        self.stop_dwell()
        if len(rows) <= MANY:
            self.marks.mark_read(rows)
            self._marked_all(len(rows))
            return

        def work() -> None:
            keys, ids = keys_of(rows)
            self.app.call_from_thread(self._mark_keys, keys, ids)

        self.app.run_worker(work, thread=True, group="reading-all", name="mark all read",
                            exit_on_error=False)

    def _mark_keys(self, keys: list[str], ids: list[str]) -> None:
        self.marks.mark_keys_read(keys, ids)
        self._marked_all(len(ids))

    def _marked_all(self, n: int) -> None:
        self._changed()
        self.app.notify(f"Marked {n} item{'s' if n != 1 else ''} read.", markup=False)

    def next_unread(self) -> None:
        articles = self.app.query_one(ArticleList)
        rows = articles.rows
        start = articles.cursor + 1
        found = self._first_unread(rows, start)
        if found is None:
            found = self._first_unread(rows, 0, start)
        if found is None:
            self.app.notify("No unread items in this list.", markup=False)
            return
        articles.cursor = found

    def _first_unread(self, rows: list[Entry], start: int, stop: int | None = None) -> int | None:
        window = islice(rows, start, stop)
        marks = self.marks
        if marks.ready and not marks.stale:  # C-level: one set lookup per row
            unread = map(not_, map(marks.read_ids.__contains__, map(_id, window)))
        else:
            unread = map(marks.is_unread, window)
        return next(compress(count(start), unread), None)

    # -- the sidebar's Unread and Saved -------------------------------------------------
    def search_for(self, choice: TopicChoice, search: str) -> str:
        """The search a sidebar choice leaves: its own for Unread / Saved; for the
        other entries the current one, unless it was one of those two."""
        from reader.ui.widgets.topic_sidebar import STATE_SEARCHES

        if choice.search is not None:
            return choice.search
        return "" if search.strip() in STATE_SEARCHES.values() else search


def _view_from(saved: dict[str, Any]) -> Query | None:
    """The saved view as a Query; None when it is not one (an older or damaged row)."""
    from reader.core.querylang import QueryError, parse

    try:
        sort = SortKey(saved.get("sort", SortKey.DATE.value))
        published = Published(saved.get("published", Published.ALL.value))
        search = saved.get("search") or ""
        topic = saved.get("topic")
        descending = saved.get("descending", sort.default_descending)
        if not isinstance(search, str) or not (topic is None or isinstance(topic, str)) \
                or not isinstance(descending, bool):
            return None
        parse(search)
    except (ValueError, QueryError):
        return None
    return replace(Query(), sort=sort, descending=descending, topic=topic, published=published,
                   search=search)
