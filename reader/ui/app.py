"""The Textual app: shows the core's state and dispatches keys to it."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterable, Set
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input
from textual.worker import Worker, WorkerState

from reader.core.catalog import Catalog
from reader.core.config import Config, load_config
from reader.core.describe import bar_scale
from reader.core.first_screen import first_rows
from reader.core.model import Entry, Item
from reader.core.query import Published, Query, SortKey
from reader.core.sanitize import sanitize
from reader.core.store import LoadProblem, load_item
from reader.resources import styles_dir
from reader.ui.commands import TopicCommands, reader_commands
from reader.ui.keys import DESK_FOOTER, LIST_KEYS, MARK_FOOTER, SCROLL_KEYS, TRIAGE_KEYS
from reader.ui.live_reload import LiveReload, Reread
from reader.ui.preview_flow import PreviewFlow
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.column_header import ColumnHeader
from reader.ui.widgets.detail_pane import DetailPane
from reader.ui.widgets.preview_view import PreviewState, PreviewView
from reader.ui.widgets.related_list import RelatedList
from reader.ui.widgets.search_bar import SearchBar
from reader.ui.widgets.status_bar import StatusBar
from reader.ui.widgets.topic_sidebar import TopicChoice, TopicSidebar

if TYPE_CHECKING:
    from reader.core.loader import Batch
    from reader.core.triage import Stamp
    from reader.ui.triage_flow import TriageFlow

# Modules the first frame does not need (the loader, the triage desk, the help
# and report screens) are imported where they are first used: a start pays
# for them after its first screen, not before.

log = logging.getLogger("reader.ui")
DETAIL_SETTLE = 0.05  # seconds the cursor rests before the next detail read, when one is running
WARM_UP_AFTER = 2.0  # seconds without changes on disk before the catalog is warmed up again
FIRST_SCREEN_ROWS = 100  # at least this many rows read for the first screen (twice the height if more)


class ReaderApp(App[None]):
    """Topic sidebar, article list, detail pane with preview; status line and footer."""

    TITLE = "reader"
    CSS_PATH = [str(styles_dir() / "reader.tcss")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (150, "-wide")]
    COMMANDS = App.COMMANDS | {TopicCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        # The footer shows them in this order. At the desk (the triage queue, or
        # items marked) the triage keys come first, after the list's "space Mark";
        # elsewhere the reading keys. Each triage key works everywhere.
        *DESK_FOOTER,
        *TRIAGE_KEYS,
        Binding("question_mark", "help", "Help", id="app.help",
                tooltip="Show every key binding"),
        Binding("q", "quit", "Quit", id="app.quit",
                tooltip="Quit reader"),
        Binding("slash", "search", "Search", id="app.search",
                tooltip="Search title, excerpt, provider and topics as you type"),
        Binding("s", "cycle_sort", "Sort", id="app.sort",
                tooltip="Next sort key: date, heat, quality, title, provider"),
        Binding("S", "reverse_sort", "Reverse", show=False, id="app.reverse",
                tooltip="Reverse the sort direction"),
        Binding("t", "topics", "Topics", id="app.topics",
                tooltip="Show and focus the topic sidebar"),
        Binding("T", "toggle_sidebar", "Sidebar", show=False, id="app.toggle_sidebar",
                tooltip="Show or hide the topic sidebar"),
        Binding("u", "toggle_unpublished", "Unpublished", id="app.unpublished",
                tooltip="Only unpublished items (again: everything)"),
        Binding("p", "preview", "Preview", id="app.preview",
                tooltip="Preview the original article full screen"),
        Binding("r", "refetch", "Refetch", id="app.refetch",
                tooltip="Fetch the preview again, bypassing the cache"),
        Binding("c", "copy_url", "Copy URL", show=False, id="app.copy_url",
                tooltip="Copy the item's first http(s) URL (on the preview: the one it names)"),
        Binding("e", "load_report", "Errors", id="app.load_report",
                tooltip="Files that could not be read, with reasons"),
        Binding("z", "zoom", "Zoom", id="app.zoom",
                tooltip="Give the detail pane the whole height (again: back)"),
        Binding("escape", "clear_filters", "Clear", show=False, id="app.clear",
                tooltip="Clear search and filters (or close the sidebar)"),
    ]

    view: reactive[Query] = reactive(Query, always_update=True)
    rows: reactive[list[Entry]] = reactive(list, always_update=True)
    shown: reactive[int] = reactive(0)
    total: reactive[int] = reactive(0)
    unpublished: reactive[int] = reactive(0)
    problems: reactive[int] = reactive(0)
    progress: reactive[tuple[int, int] | None] = reactive(None)
    topics: reactive[list[tuple[str, int]]] = reactive(list, always_update=True)
    sidebar_open: reactive[bool] = reactive(False)
    # The triage session's marked ids (the same set, set again after each change).
    marks: reactive[Set[str]] = reactive(frozenset, always_update=True)

    def __init__(
        self,
        root: Path,
        *,
        config: Config | None = None,
        preview_service: Any = None,
        use_cache: bool = True,
        use_index: bool | None = None,
    ) -> None:
        super().__init__()
        self.root = Path(root)
        self.config = config or Config()
        self.catalog = Catalog()
        self.load_problems: list[LoadProblem] = []
        self.current_item: Item | None = None
        self._use_index = self.config.use_index if use_index is None else use_index
        self._detail_timer: Timer | None = None
        self._warm_timer: Timer | None = None
        self._last_highlight = float("-inf")
        # The clock the held-key detection reads; tests put a fake one here.
        self.clock: Callable[[], float] = time.monotonic
        self.preview = PreviewFlow(self, preview_service, use_cache=use_cache)
        self._cancel_load = threading.Event()
        self._first_screen = False  # the catalog holds only the first screen's entries
        self._started = False  # the first frame is out: the load has started
        self._frozen = 4096  # entries when the collector last froze what was there (see _take_batch)
        self.live = LiveReload(self, use_index=self._use_index)
        self.live.is_own = lambda item_id, stamp: self.triage.own_stamp(item_id) == stamp
        # (id, (size, mtime_ns)) of the file the detail pane shows, as it was read
        self.shown_stamp: tuple[str | None, Stamp | None] = (None, None)
        self._disk_stamp: tuple[str | None, Stamp | None] = (None, None)  # newest seen
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        elif self.config.theme:
            self.config = self.config.with_warning("theme", f"unknown theme {self.config.theme!r}")

    # -- layout ---------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield TopicSidebar(id="sidebar").data_bind(
                ReaderApp.topics, ReaderApp.view,
                total=ReaderApp.total, unpublished=ReaderApp.unpublished,
            )
            with Vertical(id="content"):
                yield SearchBar(id="search")
                with Container(id="panes"):
                    with Vertical(id="list-pane"):
                        yield ColumnHeader(id="columns").data_bind(ReaderApp.view)
                        yield ArticleList(id="articles").data_bind(
                            ReaderApp.rows, ReaderApp.view, ReaderApp.marks)
                    yield DetailPane(id="detail")
        yield StatusBar(id="status").data_bind(
            ReaderApp.view, ReaderApp.shown, ReaderApp.total, ReaderApp.unpublished,
            ReaderApp.problems, ReaderApp.progress, ReaderApp.marks,
        )
        yield Footer(compact=True)

    @cached_property
    def triage(self) -> TriageFlow:
        """The triage desk (made on first use)."""
        from reader.ui.triage_flow import TriageFlow

        return TriageFlow(self)

    def on_unmount(self) -> None:
        self._cancel_load.set()
        self.live.close()
        if "triage" in self.__dict__:
            self.triage.close()

    def on_mount(self) -> None:
        self.query_one(SearchBar).display = False
        self.focus_now(self.query_one(ArticleList))
        for warning in self.config.warnings:
            self.notify(sanitize(warning), severity="warning", markup=False)
        self._show_first_screen()
        # The load starts once the first frame is out: its thread would otherwise
        # compete with that frame for the GIL.
        self.call_after_refresh(self._start_loading)

    def _start_loading(self) -> None:
        self._started = True
        # The CLI paused the cyclic collector for the start; what is here now
        # (modules, widgets, styles) lives as long as the app: out of its passes.
        gc.freeze()
        gc.enable()
        self.load_items()

    # -- loading (a thread worker; batches arrive on the UI thread) -------
    def _show_first_screen(self) -> None:
        """The view's first rows straight from the index (one ordered LIMIT query),
        so the first frame has them; the load replaces them with everything."""
        if not self._use_index:
            return
        first = first_rows(self.root, self.view, max(FIRST_SCREEN_ROWS, 2 * self.size.height))
        if first is None or not first.entries:
            return
        self._first_screen = True
        self.catalog.apply(first.entries)
        self.progress = (0, first.indexed)
        self._counts_changed()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_items(self) -> None:
        from reader.ui.loading import load_into

        load_into(self.root, self._take_batch, use_index=self._use_index, cancel=self._cancel_load)

    def _take_batch(self, batch: Batch) -> None:
        """In the load thread: put the batch into the catalog and compute what the
        list and the counts will ask for (a new snapshot of up to 100k entries and
        its sort order), so that the UI thread only shows it (``_add_batch``)."""
        from reader.ui.loading import is_progress

        if is_progress(batch):
            self.call_from_thread(self._show_progress, batch.done, batch.total)
            return
        catalog = self.catalog
        if self._first_screen:
            # The first batch holds the first screen's entries again (unless their
            # files changed): it replaces them, and entries keep a load's order.
            self._first_screen = False
            catalog.replace(batch.entries)
        else:
            catalog.apply(batch.entries, batch.removed)
        if len(catalog) >= 2 * self._frozen:
            # The entries stay: each time the catalog has doubled, they go out of the
            # collector's generations (after a young collection), or each full
            # collection during a first start walks all of them (~100 ms at 100k).
            # (Not after every batch: cyclic garbage frozen with them is kept.)
            gc.collect(1)
            gc.freeze()
            self._frozen = len(catalog)
        catalog.query(self.view)
        catalog.unpublished_count()
        catalog.topic_counts()
        self.call_from_thread(self._add_batch, batch)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress = (done, total)

    def _add_batch(self, batch: Batch) -> None:
        """On the UI thread: a batch is in the catalog (``_take_batch``); show it."""
        if batch.removed:
            gone = set(batch.removed)
            self.load_problems = [p for p in self.load_problems if p.id not in gone]
        self.load_problems.extend(batch.problems)
        self.progress = None if batch.finished else (batch.done, batch.total)
        self._counts_changed()
        if batch.finished and not self.catalog.entries:
            self.query_one(DetailPane).show_message(
                Content.styled(f"No items found in {sanitize(str(self.root))}", "$text-muted")
            )
        elif batch.finished:
            gc.freeze()  # 100k long-lived entries: keep them out of every GC pass
            self.warm_up_catalog()
        if batch.finished:
            # The watcher starts now, not during the load, whose thread it would
            # compete with; what changed meanwhile is caught up once it is in place.
            if self.config.watch:
                self.live.start()
            self.live.loaded()
            report = batch.report
            if report is not None:  # (the benchmarks time a load by this line)
                log.info("loaded %d items, %d files could not be read: %d read, %d from the index, "
                         "%.2f s", self.total, self.problems, report.parsed, report.from_index,
                         report.seconds)

    def _counts_changed(self) -> None:
        """The catalog changed: counts, topics (only when they differ) and the rows."""
        self.total = len(self.catalog)
        self.unpublished = self.catalog.unpublished_count()
        self.problems = len(self.load_problems)
        topics = self.catalog.topic_counts()
        if topics != self.topics:
            self.topics = topics
        self._requery()

    def apply_reread(self, reread: Reread) -> None:
        """Files changed on disk (another editor, the pipeline, a git pull): apply
        them in place; the cursor stays on its item, or moves to the next one
        if that item went. Runs on the UI thread."""
        articles = self.query_one(ArticleList)
        current = articles.highlighted
        touched = reread.ids
        self.load_problems = [p for p in self.load_problems if p.id not in touched]
        self.load_problems.extend(reread.problems)
        self.catalog.apply(reread.entries, reread.removed)
        self._counts_changed()
        if current is not None and current.id in touched:
            name = sanitize(current.title or current.id)
            if current.id in reread.removed:
                why = "could no longer be read" if any(p.id == current.id for p in reread.problems) \
                    else "was removed"
                self.notify(f"“{name}” {why} on disk; moved to the next item.",
                            severity="warning", markup=False)
            else:
                stamp = reread.stamps.get(current.id)
                self._disk_stamp = (current.id, stamp)
                shown_id, shown = self.shown_stamp
                if (shown_id == current.id and stamp != shown and stamp is not None
                        and not self.live.is_own(current.id, stamp)):
                    self.notify(f"“{name}” changed on disk; showing the new version.", markup=False)
                    self.load_detail(current.id)
        gc.freeze()  # the new lists of 100k entries: out of every young-generation GC pass
        # The search buffer is built again once the changes stop (a pipeline may
        # drop files in for a while): not after each one, competing for the GIL.
        if self._warm_timer is not None:
            self._warm_timer.stop()
        self._warm_timer = self.set_timer(WARM_UP_AFTER, self.warm_up_catalog, name="warm-up")

    @work(thread=True, exclusive=True, group="warm-up", exit_on_error=False)
    def warm_up_catalog(self) -> None:
        """Every sort order and the search buffer, ahead of the first keypress."""
        self.catalog.warm_up()
        gc.freeze()

    def _requery(self) -> None:
        rows = self.catalog.query(self.view)
        self.rows = rows
        self.shown = len(rows)

    def watch_view(self) -> None:
        # The rows first: the widgets bound to the view (the list goes to the
        # top, the sidebar highlights the filter) are told after this returns.
        self._requery()
        self._footer_follows()

    def _footer_follows(self) -> None:
        """The footer shows the desk keys in the triage queue or with marks."""
        if self.is_running and self.screen_stack:
            self.refresh_bindings()

    # -- selection → detail (thread worker) → preview (debounced async worker)
    @on(ArticleList.Highlighted)
    def _on_highlighted(self, event: ArticleList.Highlighted) -> None:
        self.preview.cancel()
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        if event.entry is None:
            self.current_item = None
            return
        now = self.clock()
        moving_fast = now - self._last_highlight < DETAIL_SETTLE * 2
        self._last_highlight = now
        if moving_fast:
            # A held key: redraw the detail pane once the cursor rests, so the
            # keys are not queued behind a detail render each.
            self._detail_when_rested(event.entry.id)
        elif not self._started:
            # The first screen's first row: its file is read once that frame is
            # out (the read and its thread would compete with it for the GIL).
            self.call_after_refresh(self.load_detail, event.entry.id)
        else:
            self.load_detail(event.entry.id)

    def _detail_when_rested(self, item_id: str) -> None:
        """Read the detail once ``self.clock`` says the cursor has rested
        DETAIL_SETTLE; the timer only wakes this up to ask."""
        self._detail_timer = None
        waited = self.clock() - self._last_highlight
        if waited >= DETAIL_SETTLE:
            self.load_detail(item_id)
        else:
            self._detail_timer = self.set_timer(
                DETAIL_SETTLE - waited, lambda: self._detail_when_rested(item_id))

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_detail(self, item_id: str) -> None:
        # Before reading: edits pass it as ``expected``, and a later change shows as one.
        from reader.core.triage import stamp_of

        stamp = stamp_of(self.root / item_id)
        item = load_item(self.root, item_id)
        in_corpus = [] if isinstance(item, LoadProblem) else [
            self.catalog.find_url(rel.urls) is not None for rel in item.related
        ]
        self.call_from_thread(self._show_detail, item_id, item, in_corpus, stamp)

    def _show_detail(self, item_id: str, item: Item | LoadProblem, in_corpus: list[bool],
                     stamp: Stamp | None = None) -> None:
        current = self.query_one(ArticleList).highlighted
        if current is None or current.id != item_id:
            return  # the user has moved on
        self.shown_stamp = (item_id, stamp)
        self.triage.detail_shown(item_id, stamp if isinstance(item, Item) else None)
        if self._disk_stamp[0] == item_id and self._disk_stamp[1] not in (None, stamp):
            self.load_detail(item_id)  # read while the file was changing: read it again
        pane = self.query_one(DetailPane)
        if isinstance(item, LoadProblem):
            self.current_item = None
            pane.show_message(Content.assemble(
                Content.styled("This item can no longer be read\n", "bold $error"),
                Content(str(item)),
            ))
            return
        self.current_item = item
        pane.show_item(
            item, in_corpus,
            heat_scale=bar_scale(self.catalog.largest(SortKey.HEAT)),
            quality_scale=bar_scale(self.catalog.largest(SortKey.QUALITY)),
        )
        self.preview.schedule(item)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker errors end up: logged, and shown as one line."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            log.error("worker %s failed", event.worker.name, exc_info=error)
            if event.worker.group == "preview" and error is not None:
                self.preview.failed(error)
            else:
                self.notify(
                    sanitize(f"{event.worker.name} failed: {type(error).__name__}: {error}"),
                    severity="error", markup=False,
                )

    # -- list messages --------------------------------------------------
    @on(ArticleList.Selected)
    def _on_selected(self, event: ArticleList.Selected) -> None:
        pane = self.query_one(DetailPane)
        if self.current_item and self.current_item.related:
            self.focus_now(pane.query_one(RelatedList))
        else:
            self.focus_now(pane.query_one("#item-scroll"))

    @on(ColumnHeader.SortClicked)
    def _on_sort_clicked(self, event: ColumnHeader.SortClicked) -> None:
        if event.key == self.view.sort:
            self.action_reverse_sort()
        else:
            self.view = self.view.with_sort(event.key)

    @on(TopicSidebar.Chosen)
    def _on_topic(self, event: TopicSidebar.Chosen) -> None:
        self._apply_choice(event.choice)
        if self.screen.has_class("-narrow"):
            self.sidebar_open = False
        self.focus_now(self.query_one(ArticleList))

    def _apply_choice(self, choice: TopicChoice) -> None:
        view = replace(self.view, topic=choice.topic, published=choice.published)
        self.view = view if choice.sort is None else view.with_sort(choice.sort)

    @on(ArticleList.MarkToggled)
    def _on_mark(self, event: ArticleList.MarkToggled) -> None:
        self.triage.toggle_mark(event.entry.id)

    def show_topic(self, topic: str | None) -> None:
        self._apply_choice(TopicChoice(topic, Published.ALL))

    @on(RelatedList.Chosen)
    def _on_related(self, event: RelatedList.Chosen) -> None:
        target = self.catalog.find_url(event.related.urls)
        if target is None:
            self.query_one(DetailPane).show_related(event.related)
            self.current_item = None
            self.preview.show(PreviewState("idle", message="Related item outside this collection."))
            return
        articles = self.query_one(ArticleList)
        if not articles.move_to_id(target.id):
            # Not in the current filter: widen to everything, then jump.
            self.view = Query(sort=self.view.sort, descending=self.view.descending)
            self.query_one(SearchBar).value = ""
            articles.move_to_id(target.id)
        self.focus_now(articles)

    @on(Input.Changed, "#search")
    def _on_search(self, event: Input.Changed) -> None:
        if event.value != self.view.search:
            self.view = replace(self.view, search=event.value)

    @on(SearchBar.Finished)
    def _on_search_done(self, event: SearchBar.Finished) -> None:
        bar = self.query_one(SearchBar)
        if event.cleared or not bar.value:
            bar.display = False
        self.focus_now(self.query_one(ArticleList))

    # -- actions --------------------------------------------------------
    def focus_now(self, widget) -> None:
        """Move focus before the next queued key is handled.

        ``Widget.focus`` defers the change, so keys typed in a burst (a fast
        typist, a paste, a slow SSH link delivering several keys at once)
        would still go to the old widget: ``/robot`` would run ``r``, ``b``
        and ``t`` as commands instead of searching.
        """
        self.screen.set_focus(widget)

    def action_help(self) -> None:
        from reader.ui.screens.help_screen import HelpScreen
        from reader.ui.screens.preview_screen import PreviewScreen

        def keys(bindings: Iterable[object], leave_out: Iterable[Binding] = ()) -> list[Binding]:
            out = set(leave_out)
            return [b for b in bindings if isinstance(b, Binding) and b not in out]

        sections = [
            ("Everywhere", keys(self.BINDINGS, [*TRIAGE_KEYS, *DESK_FOOTER])),
            ("Triage (P, U, + and - act on the marked items, if any)", keys(TRIAGE_KEYS)),
            ("Every list (articles, topics, related items, load report)", keys(LIST_KEYS)),
            ("Article list", keys(ArticleList.BINDINGS, [*LIST_KEYS, MARK_FOOTER])),
            ("Item, preview and this help", keys(SCROLL_KEYS)),
            ("Search", keys(SearchBar.BINDINGS)),
            ("Preview tab", keys(PreviewView.BINDINGS)),
            ("Full-screen preview", keys(PreviewScreen.BINDINGS)),
        ]
        self.push_screen(HelpScreen(sections))

    def action_preview(self) -> None:
        self.preview.open()

    def action_refetch(self) -> None:
        self.preview.refetch()

    def action_copy_url(self) -> None:
        self.preview.copy_url()

    def action_search(self) -> None:
        bar = self.query_one(SearchBar)
        bar.display = True
        self.focus_now(bar)

    def action_cycle_sort(self) -> None:
        self.view = self.view.with_sort(self.view.sort.next())

    def action_reverse_sort(self) -> None:
        self.view = replace(self.view, descending=not self.view.descending)

    def action_sort_by(self, key: str) -> None:
        self.view = self.view.with_sort(SortKey(key))

    def action_topics(self) -> None:
        self.sidebar_open = True
        self.focus_now(self.query_one(TopicSidebar))

    def action_toggle_sidebar(self) -> None:
        self.sidebar_open = not self.sidebar_open
        if not self.sidebar_open:
            self.focus_now(self.query_one(ArticleList))

    def watch_sidebar_open(self, open_: bool) -> None:
        self.query_one(TopicSidebar).set_class(open_, "-open")

    def action_toggle_unpublished(self) -> None:
        wanted = Published.ALL if self.view.published is Published.UNPUBLISHED else Published.UNPUBLISHED
        self.view = replace(self.view, published=wanted, topic=None)

    def action_zoom(self) -> None:
        zoomed = not self.screen.has_class("-zoom")
        self.screen.set_class(zoomed, "-zoom")
        if zoomed:
            pane = self.query_one(DetailPane)
            if self.focused is None or pane not in self.focused.ancestors_with_self:
                self.focus_now(pane.query_one("#item-scroll"))
        else:
            self.focus_now(self.query_one(ArticleList))

    def action_clear_filters(self) -> None:
        focused = self.focused
        if focused is not None and self.query_one(DetailPane) in focused.ancestors_with_self:
            # Esc in the detail pane goes back to the list.
            self.screen.remove_class("-zoom")
            self.focus_now(self.query_one(ArticleList))
            return
        if self.sidebar_open and self.screen.has_class("-narrow"):
            self.sidebar_open = False
            self.focus_now(self.query_one(ArticleList))
            return
        if self.view.search or self.view.topic or self.view.published is not Published.ALL:
            self.view = Query(sort=self.view.sort, descending=self.view.descending)
            bar = self.query_one(SearchBar)
            bar.value = ""
            bar.display = False
            self.focus_now(self.query_one(ArticleList))

    def action_load_report(self) -> None:
        if self.load_problems:
            from reader.ui.screens.load_report_screen import LoadReportScreen

            self.push_screen(LoadReportScreen(list(self.load_problems)))
        else:
            self.notify("Every file was read.", markup=False)

    def action_triage(self, name: str) -> None:
        """The triage keys (``triage('publish')``...): reader.ui.triage_flow does the work."""
        self.triage.run_action(name)

    def action_desk(self, name: str) -> None:
        """The footer's copies of the triage keys (shown at the desk only)."""
        self.triage.run_action(name)

    @property
    def at_desk(self) -> bool:
        """The triage queue is on screen, or items are marked: editors' keys first."""
        return self.view.published is Published.UNPUBLISHED or bool(self.marks)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("desk", "desk_mark"):
            return self.at_desk  # False: hidden, and the key goes on to the triage twin
        return True

    def watch_marks(self) -> None:
        self._footer_follows()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from reader_commands(self)


def create_app(root: Path | str, *, use_cache: bool = True, config: Config | None = None,
               preview_service: Any = None, use_index: bool | None = None) -> ReaderApp:
    """The one app factory, shared by the CLI and the tests."""
    return ReaderApp(
        Path(root), config=config if config is not None else load_config(),
        preview_service=preview_service, use_cache=use_cache, use_index=use_index,
    )
