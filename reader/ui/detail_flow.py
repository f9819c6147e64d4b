"""The item under the cursor: its file read in a thread, shown in the detail
pane, and read again when it changes on disk.

A composed object the app holds (``app.detail``). When to read is the screen
state's decision (``reader.core.screen_state``: not while a key is held,
by its injectable clock); a timer here only wakes it up to ask again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.timer import Timer

from reader.core.model import Entry, Item, Related
from reader.core.query import SortKey
from reader.core.sanitize import sanitize
from reader.core.screen_state import Show
from reader.core.store import LoadProblem, load_item
from reader.ui.preview_state import PreviewState
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.detail_pane import DetailPane

if TYPE_CHECKING:
    from reader.core.triage import Stamp
    from reader.ui.app import ReaderApp
    from reader.ui.live_reload import Reread


class DetailFlow:
    def __init__(self, app: ReaderApp) -> None:
        self.app = app
        self.state = app.state
        self._timer: Timer | None = None
        # (id, (size, mtime_ns)) of the file the detail pane shows, as it was read
        self.shown_stamp: tuple[str | None, Stamp | None] = (None, None)
        self._disk_stamp: tuple[str | None, Stamp | None] = (None, None)  # newest seen

    # -- the cursor moved ---------------------------------------------------------
    def highlighted(self, entry: Entry | None) -> None:
        app = self.app
        app.preview.cancel()
        app.reading.highlight_changed(entry)
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        decision = self.state.select(entry)
        if entry is None or decision is Show.NOTHING:
            app.current_item = None
        elif decision is Show.WHEN_RESTED:
            # A held key: redraw the detail pane once the cursor rests, so the
            # keys are not queued behind a detail render each.
            self._when_rested(entry.id)
        elif not app._started:
            # The first screen's first row: its file is read once that frame is
            # out (the read and its thread would compete with it for the GIL).
            app.call_after_refresh(self.load, entry.id)
        else:
            self.load(entry.id)

    def _when_rested(self, item_id: str) -> None:
        """Read the detail once the state's clock says the cursor has rested;
        the timer only wakes this up to ask."""
        self._timer = None
        wait = self.state.rest.wait()
        if wait <= 0:
            self.load(item_id)
        else:
            self._timer = self.app.set_timer(wait, lambda: self._when_rested(item_id))

    # -- reading and showing ------------------------------------------------------
    def load(self, item_id: str) -> None:
        """Read the item's file in a thread worker (the newest read wins)."""
        self.app.run_worker(lambda: self._read(item_id), name="load_detail", group="detail",
                            thread=True, exclusive=True, exit_on_error=False)

    def _read(self, item_id: str) -> None:
        # Before reading: edits pass it as ``expected``, and a later change shows as one.
        from reader.core.triage import stamp_of

        app = self.app
        path = app.roots.file_of(item_id)
        stamp = None if path is None else stamp_of(path)
        item = app.roots.load_item(item_id, load_item)
        in_corpus = [] if isinstance(item, LoadProblem) else [
            app.catalog.find_url(rel.urls) is not None for rel in item.related
        ]
        app.call_from_thread(self.show, item_id, item, in_corpus, stamp)

    def show(self, item_id: str, item: Item | LoadProblem, in_corpus: list[bool],
             stamp: Stamp | None = None) -> None:
        app = self.app
        if self.state.selected_id != item_id:
            return  # the user has moved on
        self.shown_stamp = (item_id, stamp)
        app.triage.detail_shown(item_id, stamp if isinstance(item, Item) else None)
        if self._disk_stamp[0] == item_id and self._disk_stamp[1] not in (None, stamp):
            self.load(item_id)  # read while the file was changing: read it again
        pane = app.query_one(DetailPane)
        if isinstance(item, LoadProblem):
            app.current_item = None
            pane.show_message(Content.assemble(
                Content.styled("This item can no longer be read\n", "bold $error"),
                Content(str(item)),
            ))
            return
        from reader.core.describe import bar_scale  # (with the item's rendering: after the first frame)

        app.current_item = item
        app.stories.show_versions(item_id)
        app.reading.detail_shown(item_id)
        catalog = app.catalog
        pane.show_item(
            item, in_corpus,
            heat_scale=bar_scale(catalog.largest(SortKey.HEAT)),
            quality_scale=bar_scale(catalog.largest(SortKey.QUALITY)),
            dates=app.config.dates, root=app.roots.label_of(item_id),
        )
        app.preview.schedule(item)

    # -- the file changed on disk -------------------------------------------------
    def reread(self, current: Entry | None, reread: Reread) -> None:
        """Files were read again (``current``: the entry under the cursor
        before): say so if it was one of them, and show its new version."""
        if current is None or current.id not in reread.ids:
            return
        app = self.app
        name = sanitize(current.title or current.id)
        if current.id in reread.removed:
            why = "could no longer be read" if any(p.id == current.id for p in reread.problems) \
                else "was removed"
            app.notify(f"“{name}” {why} on disk; moved to the next item.", severity="warning", markup=False)
            return
        stamp = reread.stamps.get(current.id)
        self._disk_stamp = (current.id, stamp)
        shown_id, shown = self.shown_stamp
        if shown_id == current.id and stamp != shown and stamp is not None \
                and not app.live.is_own(current.id, stamp):
            app.notify(f"“{name}” changed on disk; showing the new version.", markup=False)
            self.load(current.id)

    def opened(self, entry: Entry) -> None:
        """Enter on a row: a folded story opens in place; else the focus goes
        to the item's related items, or its text."""
        app = self.app
        if app.stories.on and app.stories.select(entry):
            return
        pane = app.query_one(DetailPane)
        if app.current_item and app.current_item.related:
            app.focus_now(pane.related)
        else:
            app.focus_now(pane.query_one("#item-scroll"))

    # -- a related item chosen ----------------------------------------------------
    def related_chosen(self, related: Related) -> None:
        """Jump to the related item if the collection has it (widening the
        view to everything if the filter hides it); else show what is known."""
        app = self.app
        target = app.catalog.find_url(related.urls)
        if target is None:
            app.query_one(DetailPane).show_related(related, app.config.dates)
            app.current_item = None
            app.preview.show(PreviewState("idle", message="Related item outside this collection."))
            return
        articles = app.query_one(ArticleList)
        if not articles.move_to_id(target.id):
            # Not in the current filter: widen to everything, then jump.
            self.state.everything()
            app.search_bar.value = ""
            articles.move_to_id(target.id)
        app.focus_now(articles)
