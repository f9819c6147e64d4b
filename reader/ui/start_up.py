"""What the app does to start: its first frame, then the load.

The first frame shows the view's first rows straight from the index (one
ordered LIMIT query, ``show_first_screen``); once that frame is out the load
starts (``start_loading``): a thread worker streams batches, each put into
the catalog in that thread (``take_batch``, which also works out what the
list and the counts will ask for) and shown on the UI thread (``show_batch``).

Textual gives the screen its breakpoint classes (``-narrow``, ``-medium``,
``-wide``) on the screen's first Resize, which arrives after the first frame:
that frame was laid out for no breakpoint (the sidebar shown at 80 columns),
then styled, laid out and sent again. ``set_breakpoints`` gives the screen
its classes before anything on it is styled (from ``compose``), so the
first frame is the right one and the Resize changes nothing.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import App
from textual.content import Content

from reader.core.first_screen import first_rows
from reader.core.sanitize import sanitize
from reader.ui.widgets.detail_pane import DetailPane

if TYPE_CHECKING:
    from reader.core.loader import Batch
    from reader.ui.app import ReaderApp

log = logging.getLogger("reader.ui")
FIRST_SCREEN_ROWS = 100  # at least this many rows read for the first screen (twice the height if more)


def breakpoint_classes(width: int, breakpoints: Sequence[tuple[int, str]]) -> dict[str, bool]:
    """Each breakpoint class and whether it applies at ``width`` (the widest that fits)."""
    classes = {name: False for _, name in breakpoints}
    for threshold, name in sorted(breakpoints, reverse=True):
        if width >= threshold:
            classes[name] = True
            break
    return classes


def set_breakpoints(app: App) -> None:
    """The screen's width classes now, without restyling (nothing on it is styled yet)."""
    breakpoints = app.HORIZONTAL_BREAKPOINTS or []
    if breakpoints:
        app.screen.update_classes(breakpoint_classes(app.size.width, breakpoints), update=False)


def show_first_screen(app: ReaderApp) -> None:
    """The view's first rows straight from the index, so the first frame has
    them; the load replaces them with everything."""
    if not app._use_index or not app.roots.single:  # several roots: the load fills the list
        return
    first = first_rows(app.root, app.view, max(FIRST_SCREEN_ROWS, 2 * app.size.height))
    if first is None or not first.entries:
        return
    app._first_screen = True
    app.catalog.apply(first.entries)
    app.progress = (0, first.indexed)
    app._counts_changed()


def start_loading(app: ReaderApp) -> None:
    """Once the first frame is out (a load thread would compete with it for the GIL)."""
    app._started = True
    # The CLI paused the cyclic collector for the start; what is here now
    # (modules, widgets, styles) lives as long as the app: out of its passes.
    gc.freeze()
    gc.enable()
    app.reading.start()
    app.load_items()


def _show_progress(app: ReaderApp, done: int, total: int) -> None:
    app.progress = (done, total)


def take_batch(app: ReaderApp, batch: Batch) -> None:
    """In the load thread: put the batch into the catalog and compute what the
    list and the counts will ask for (a new snapshot of up to 100k entries and
    its sort order), so that the UI thread only shows it (``app._add_batch``)."""
    from reader.ui.loading import is_progress

    if is_progress(batch):
        app.call_from_thread(_show_progress, app, batch.done, batch.total)
        return
    catalog = app.catalog
    if app._first_screen:
        # The first batch holds the first screen's entries again (unless their
        # files changed): it replaces them, and entries keep a load's order.
        app._first_screen = False
        catalog.replace(batch.entries)
    else:
        catalog.apply(batch.entries, batch.removed)
    if len(catalog) >= 2 * app._frozen:
        # The entries stay: each time the catalog has doubled, they go out of the
        # collector's generations (after a young collection), or each full
        # collection during a first start walks all of them (~100 ms at 100k).
        # (Not after every batch: cyclic garbage frozen with them is kept.)
        gc.collect(1)
        gc.freeze()
        app._frozen = len(catalog)
    catalog.query(app.view)
    catalog.unpublished_count()
    catalog.topic_counts()
    app.call_from_thread(app._add_batch, batch)  # looked up each time (the benchmarks wrap it)


def show_batch(app: ReaderApp, batch: Batch) -> None:
    """On the UI thread: a batch is in the catalog (``take_batch``); show it."""
    if batch.removed:
        gone = set(batch.removed)
        app.load_problems = [p for p in app.load_problems if p.id not in gone]
    app.load_problems.extend(batch.problems)
    app.progress = None if batch.finished else (batch.done, batch.total)
    app._counts_changed()
    if batch.finished and not app.catalog.entries:
        app.query_one(DetailPane).show_message(
            Content.styled(f"No items found in {sanitize(app.roots.describe())}", "$text-muted")
        )
    elif batch.finished:
        gc.freeze()  # 100k long-lived entries: keep them out of every GC pass
        app.warm_up_catalog()
        app.stories.loaded()
    if batch.finished:
        # The watcher starts now, not during the load, whose thread it would
        # compete with; what changed meanwhile is caught up once it is in place.
        if app.config.watch:
            app.live.start()
        app.live.loaded()
        report = batch.report
        if report is not None:  # (the benchmarks time a load by this line)
            log.info("loaded %d items, %d files could not be read: %d read, %d from the index, "
                     "%.2f s", app.total, app.problems, report.parsed, report.from_index,
                     report.seconds)
