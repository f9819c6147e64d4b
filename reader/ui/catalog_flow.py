"""The catalog changed (a batch loaded, files changed on disk, stories mode):
the screen state's counts and rows again, and the catalog warmed up once the
changes stop.

A composed object the app holds (``app.catalog_flow``).
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from textual.timer import Timer

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp
    from reader.ui.live_reload import Reread

WARM_UP_AFTER = 2.0  # seconds without changes on disk before the catalog is warmed up again


class CatalogFlow:
    def __init__(self, app: ReaderApp) -> None:
        self.app = app
        self._warm_timer: Timer | None = None

    def counts_changed(self) -> None:
        """Counts, topics (told only when they differ) and the rows; then the
        reader's marks and the saved views' counts follow."""
        app = self.app
        catalog = app.catalog
        total, unpublished, topics = app.stories.counts(  # stories mode: stories
            len(catalog), catalog.unpublished_count(), catalog.topic_counts())
        roots = None if app.roots.single else app.roots.counts(catalog.entries)
        app.state.counts_changed(total, unpublished, topics, roots)
        app.reading.catalog_changed()
        app.views.items_changed()

    def apply_reread(self, reread: Reread) -> None:
        """Files changed on disk (another editor, the pipeline, a git pull): apply
        them in place; the cursor stays on its item, or moves to the next one
        if that item went. Runs on the UI thread."""
        app = self.app
        current = app.state.selected
        app.state.problems_replaced(reread.ids, reread.problems)
        app.catalog.apply(reread.entries, reread.removed)
        app.stories.changed(reread)
        self.counts_changed()
        app.detail.reread(current, reread)
        gc.freeze()  # the new lists of 100k entries: out of every young-generation GC pass
        # The search buffer is built again once the changes stop (a pipeline may
        # drop files in for a while): not after each one, competing for the GIL.
        if self._warm_timer is not None:
            self._warm_timer.stop()
        self._warm_timer = app.set_timer(WARM_UP_AFTER, self.warm_up, name="warm-up")

    def warm_up(self) -> None:
        """Every sort order and the search buffer, ahead of the first keypress (a thread worker)."""
        self.app.run_worker(self._warm_up, name="warm_up_catalog", group="warm-up",
                            thread=True, exclusive=True, exit_on_error=False)

    def _warm_up(self) -> None:
        self.app.catalog.warm_up()
        gc.freeze()
