"""The Textual app: shows the core's state and dispatches keys to it."""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Set
from dataclasses import replace
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.driver import Driver
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from reader.core.actions import BY_ID
from reader.core.catalog import Catalog
from reader.core.config import Config, load_config
from reader.core.describe import bar_scale
from reader.core.keymap import effective_keys
from reader.core.model import Entry, Item
from reader.core.query import Published, Query, SortKey
from reader.core.query_eval import NO_USER_STATE, UserState
from reader.core.querylang import QueryError, parse
from reader.core.roots import Roots
from reader.core.sanitize import sanitize
from reader.core.store import LoadProblem, load_item
from reader.core.terminal import no_color
from reader.core.views import View
from reader.resources import styles_dir
from reader.ui.columns import ListStyle
from reader.ui.commands import TopicCommands, ViewCommands, reader_commands
from reader.ui.keys import bindings
from reader.ui.preview_flow import PreviewFlow
from reader.ui.reading_state import ReadingFlow
from reader.ui.start_up import set_breakpoints, show_batch, show_first_screen, start_loading, take_batch
from reader.ui.stories_flow import StoriesFlow
from reader.ui.terminal_output import compact_output
from reader.ui.views_flow import ViewsFlow
from reader.ui.widgets.article_list import NOTHING_UNREAD, ArticleList, UnreadMarks
from reader.ui.widgets.column_header import ColumnHeader
from reader.ui.widgets.detail_pane import DetailPane
from reader.ui.widgets.key_footer import KeyFooter
from reader.ui.widgets.painted_once import Pane
from reader.ui.widgets.preview_view import PreviewState
from reader.ui.widgets.query_hint import QueryHint
from reader.ui.widgets.related_list import RelatedList
from reader.ui.widgets.search_bar import SearchBar
from reader.ui.widgets.status_bar import StatusBar
from reader.ui.widgets.story_versions import StoryVersions
from reader.ui.widgets.topic_sidebar import TopicChoice, TopicSidebar

if TYPE_CHECKING:
    from reader.core.loader import Batch
    from reader.core.triage import Stamp
    from reader.ui.link_flow import LinkFlow
    from reader.ui.live_reload import LiveReload, LiveReloads, Reread
    from reader.ui.triage_flow import TriageFlow

# Modules the first frame does not need (the loader, the triage desk, the help
# and report screens) are imported where they are first used: a start pays
# for them after its first screen, not before.

log = logging.getLogger("reader.ui")
DETAIL_SETTLE = 0.05  # seconds the cursor rests before the next detail read, when one is running
WARM_UP_AFTER = 2.0  # seconds without changes on disk before the catalog is warmed up again


class ReaderApp(App[None]):
    """Topic sidebar, article list, detail pane with preview; status line and footer."""

    TITLE = "reader"
    CSS_PATH = [str(styles_dir() / "reader.tcss")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (150, "-wide")]
    COMMANDS = App.COMMANDS | {TopicCommands, ViewCommands}
    ENABLE_COMMAND_PALETTE = True

    # From the action table (reader.core.actions), in footer order: at the desk
    # (the triage queue, or items marked) the triage keys come first, after the
    # list's "space Mark"; elsewhere the reading keys. Each triage key works everywhere.
    BINDINGS = bindings("triage", "app", "reading")

    # The app's state, bound down to the widgets, which repaint what changes on
    # them. None of it repaints the screen itself: an App reactive that does
    # sends every cell of the screen to the terminal again (a search letter did).
    view: reactive[Query] = reactive(Query, always_update=True, repaint=False)
    rows: reactive[list[Entry]] = reactive(list, always_update=True, repaint=False)
    shown: reactive[int] = reactive(0, repaint=False)
    total: reactive[int] = reactive(0, repaint=False)
    unpublished: reactive[int] = reactive(0, repaint=False)
    problems: reactive[int] = reactive(0, repaint=False)
    progress: reactive[tuple[int, int] | None] = reactive(None, repaint=False)
    topics: reactive[list[tuple[str, int]]] = reactive(list, always_update=True, repaint=False)
    sidebar_open: reactive[bool] = reactive(False, repaint=False)
    # The list-only layout (v): no detail pane, the list's cursor an arrow.
    list_only: reactive[bool] = reactive(False, init=False, repaint=False)
    # The triage session's marked ids (the same set, set again after each change).
    marks: reactive[Set[str]] = reactive(frozenset, always_update=True, repaint=False)
    # config.toml's columns and date format, for the list and its header.
    list_style: reactive[ListStyle] = reactive(ListStyle, repaint=False)
    stories_status: reactive[str] = reactive("", repaint=False)  # stories mode, for the status line
    # The reader's own state (reader.ui.reading_state): counts (None: not known
    # yet) and the read marks the list draws (the same object, set after each change).
    unread_count: reactive[int | None] = reactive(None, repaint=False)
    saved_count: reactive[int | None] = reactive(None, repaint=False)
    read_marks: reactive[UnreadMarks] = reactive(lambda: NOTHING_UNREAD, always_update=True, repaint=False)
    # The saved views (the config file's [views]) and how many items each selects.
    saved_views: reactive[tuple[View, ...]] = reactive(tuple, always_update=True, repaint=False)
    view_counts: reactive[dict[str, int]] = reactive(dict, always_update=True, repaint=False)
    # With several content roots: (label, items) of each, for the sidebar.
    root_counts: reactive[list[tuple[str, int]]] = reactive(list, always_update=True, repaint=False)

    def __init__(
        self,
        root: Path | Roots,
        *,
        config: Config | None = None,
        preview_service: Any = None,
        use_cache: bool = True,
        use_index: bool | None = None,
    ) -> None:
        # NO_COLOR: Textual's own answer is greys (256-colour SGR); with native
        # ANSI colours it takes every colour out instead (default fg and bg).
        super().__init__(ansi_color=True if no_color(os.environ) else None)
        # The content roots (reader.core.roots); ``root``: the first, or the only one.
        self.roots = root if isinstance(root, Roots) else Roots.of(Path(root))
        self.root = self.roots.primary
        self.config = config or Config()
        self.set_reactive(ReaderApp.list_style, ListStyle(self.config.columns, self.config.dates))
        self.catalog = Catalog()
        # The reader's read and saved ids (is:read, is:unread, is:saved).
        self.user_state: UserState = NO_USER_STATE
        self.reading = ReadingFlow(self)
        self.user_state = self.reading.marks.user_state
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
        self.views = ViewsFlow(self)
        self._first_screen = False  # the catalog holds only the first screen's entries
        self._started = False  # the first frame is out: the load has started
        self._frozen = 4096  # entries when the collector last froze what was there (see take_batch)
        self.stories = StoriesFlow(self)
        # (id, (size, mtime_ns)) of the file the detail pane shows, as it was read
        self.shown_stamp: tuple[str | None, Stamp | None] = (None, None)
        self._disk_stamp: tuple[str | None, Stamp | None] = (None, None)  # newest seen
        if self.config.keymap:  # config.toml's [keys], checked by reader.core.keymap
            self.set_keymap(self.config.keymap)
            # The footer shows the palette's key by this name.
            palette = effective_keys(BY_ID["app.command_palette"], self.config.keymap)
            self.COMMAND_PALETTE_BINDING = palette[0]  # type: ignore[misc]
        self._desk_footer: bool | None = None  # the footer was last built for at_desk == this
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        elif self.config.theme:
            self.config = self.config.with_warning("theme", f"unknown theme {self.config.theme!r}")

    def get_driver_class(self) -> type[Driver]:
        # The terminal gets the same screen in fewer bytes (reader.ui.terminal_output).
        return compact_output(super().get_driver_class())

    # -- layout ---------------------------------------------------------
    def compose(self) -> ComposeResult:
        set_breakpoints(self)  # the first frame laid out for this width, not laid out twice
        with Horizontal(id="main"):
            yield TopicSidebar(id="sidebar").data_bind(
                ReaderApp.topics, ReaderApp.view, ReaderApp.saved_views, ReaderApp.view_counts,
                total=ReaderApp.total, unpublished=ReaderApp.unpublished,
                unread=ReaderApp.unread_count, saved=ReaderApp.saved_count, roots=ReaderApp.root_counts,
            )
            with Vertical(id="content"):
                yield SearchBar(id="search").data_bind(ReaderApp.topics)
                yield QueryHint(id="query-hint")
                with Container(id="panes"):
                    with Pane(id="list-pane"):
                        yield ColumnHeader(id="columns").data_bind(
                            ReaderApp.view, ReaderApp.list_style, arrow_cursor=ReaderApp.list_only)
                        yield ArticleList(id="articles").data_bind(
                            ReaderApp.rows, ReaderApp.view, ReaderApp.marks, ReaderApp.list_style,
                            arrow_cursor=ReaderApp.list_only, reading=ReaderApp.read_marks)
                    yield DetailPane(id="detail")
        yield StatusBar(id="status").data_bind(
            ReaderApp.view, ReaderApp.shown, ReaderApp.total, ReaderApp.unpublished,
            ReaderApp.problems, ReaderApp.progress, ReaderApp.marks, stories=ReaderApp.stories_status,
        )
        yield KeyFooter(compact=True)

    @cached_property
    def triage(self) -> TriageFlow:
        """The triage desk (made on first use)."""
        from reader.ui.triage_flow import TriageFlow

        return TriageFlow(self)

    @cached_property
    def live(self) -> LiveReload | LiveReloads:
        """Live reload (made on first use: once the folder has loaded), one
        watcher per content root."""
        from reader.ui.live_reload import live_reload

        live = live_reload(self, self.roots, use_index=self._use_index)
        live.is_own = lambda item_id, stamp: self.triage.own_stamp(item_id) == stamp
        return live

    @cached_property
    def links(self) -> LinkFlow:
        """The link keys (made on first use)."""
        from reader.ui.link_flow import LinkFlow

        return LinkFlow(self)

    def on_unmount(self) -> None:
        self._cancel_load.set()
        if "live" in self.__dict__:
            self.live.close()
        if "triage" in self.__dict__:
            self.triage.close()
        self.stories.close()
        self.reading.close()

    def on_mount(self) -> None:
        self.query_one(SearchBar).display = False
        self.focus_now(self.query_one(ArticleList))
        view_warnings = [w for w in self.views.load() if w not in self.config.warnings]
        for warning in [*self.config.warnings, *view_warnings]:
            self.notify(sanitize(warning), severity="warning", markup=False)
        show_first_screen(self)
        # The load starts once the first frame is out: its thread would otherwise
        # compete with that frame for the GIL.
        self.call_after_refresh(self._start_loading)

    def _start_loading(self) -> None:
        start_loading(self)

    # -- loading (reader.ui.start_up: a thread worker; batches arrive on the UI thread)
    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_items(self) -> None:
        from reader.ui.loading import load_into

        roots = self.root if self.roots.single else self.roots
        load_into(roots, partial(take_batch, self), use_index=self._use_index, cancel=self._cancel_load)

    def _add_batch(self, batch: Batch) -> None:
        """On the UI thread: a batch is in the catalog; show it (the benchmarks wrap this)."""
        show_batch(self, batch)

    def _counts_changed(self) -> None:
        """The catalog changed: counts, topics (only when they differ) and the rows."""
        self.total, self.unpublished, topics = self.stories.counts(  # stories mode: stories
            len(self.catalog), self.catalog.unpublished_count(), self.catalog.topic_counts())
        self.problems = len(self.load_problems)
        if topics != self.topics:
            self.topics = topics
        if not self.roots.single:
            self.root_counts = self.roots.counts(self.catalog.entries)
        self._requery()
        self.reading.catalog_changed()
        self.views.items_changed()

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
        self.stories.changed(reread)
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

    def refresh_rows(self) -> None:
        """The rows again for the same view (the reader's marks changed under it)."""
        self._requery()

    def _requery(self) -> None:
        rows, self.shown = self.stories.query(self.view, self.user_state)
        self.rows = rows

    def watch_view(self) -> None:
        # The rows first: the widgets bound to the view (the list goes to the
        # top, the sidebar highlights the filter) are told after this returns.
        self._requery()
        self._footer_follows()

    def _footer_follows(self) -> None:
        """The footer shows the desk keys in the triage queue or with marks. It is
        built again only when that changes: not for every search letter or
        filter (a new footer is its whole line sent to the terminal again)."""
        if self.is_running and self.screen_stack and self.at_desk != self._desk_footer:
            self._desk_footer = self.at_desk
            self.refresh_bindings()

    # -- selection → detail (thread worker) → preview (debounced async worker)
    @on(ArticleList.Highlighted)
    def _on_highlighted(self, event: ArticleList.Highlighted) -> None:
        self.preview.cancel()
        self.reading.highlight_changed(event.entry)
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

        path = self.roots.file_of(item_id)
        stamp = None if path is None else stamp_of(path)
        item = self.roots.load_item(item_id, load_item)
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
        self.stories.show_versions(item_id)
        self.reading.detail_shown(item_id)
        pane.show_item(
            item, in_corpus,
            heat_scale=bar_scale(self.catalog.largest(SortKey.HEAT)),
            quality_scale=bar_scale(self.catalog.largest(SortKey.QUALITY)),
            dates=self.config.dates, root=self.roots.label_of(item_id),
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
        if self.stories.on and self.stories.select(event.entry):
            return  # a folded story opened in place
        pane = self.query_one(DetailPane)
        if self.current_item and self.current_item.related:
            self.focus_now(pane.query_one(RelatedList))
        else:
            self.focus_now(pane.query_one("#item-scroll"))

    @on(StoryVersions.Chosen)
    def _on_version(self, event: StoryVersions.Chosen) -> None:
        self.stories.jump(event.item_id)

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
        search = self.reading.search_for(choice, self.view.search)
        view = replace(self.view, topic=choice.topic, published=choice.published, search=search)
        self.view = view if choice.sort is None else view.with_sort(choice.sort)
        if search != self.query_one(SearchBar).value:
            self.query_one(SearchBar).value = search

    @on(TopicSidebar.ViewChosen)
    def _on_saved_view(self, event: TopicSidebar.ViewChosen) -> None:
        self.views.apply(event.name)
        if self.screen.has_class("-narrow"):
            self.sidebar_open = False
        self.focus_now(self.query_one(ArticleList))

    def watch_saved_views(self) -> None:
        self.views.recount()

    def watch_unread_count(self) -> None:
        self.views.state_changed()

    def watch_saved_count(self) -> None:
        self.views.state_changed()

    def action_save_view(self) -> None:
        self.views.save()

    @on(ArticleList.MarkToggled)
    def _on_mark(self, event: ArticleList.MarkToggled) -> None:
        self.triage.toggle_mark(event.entry.id)

    def show_topic(self, topic: str | None) -> None:
        self._apply_choice(TopicChoice(topic, Published.ALL))

    def show_state(self, search: str) -> None:
        """The sidebar's Unread or Saved entry (``is:unread`` / ``is:saved``)."""
        self._apply_choice(TopicChoice(None, Published.ALL, search=search))

    @on(RelatedList.Chosen)
    def _on_related(self, event: RelatedList.Chosen) -> None:
        target = self.catalog.find_url(event.related.urls)
        if target is None:
            self.query_one(DetailPane).show_related(event.related, self.config.dates)
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
        """The query as typed: a malformed one is named under the bar and the
        list stays as it was; the view takes only queries that parse."""
        hint = self.query_one(QueryHint)
        try:
            parse(event.value)
        except QueryError as error:
            hint.show_error(error)
            return
        hint.clear()
        if event.value != self.view.search:
            self.view = replace(self.view, search=event.value)

    @on(SearchBar.SyntaxWanted)
    def _on_syntax_wanted(self) -> None:
        hint = self.query_one(QueryHint)
        if hint.showing == "syntax":
            hint.clear()
        else:
            hint.show_syntax()

    @on(SearchBar.Completed)
    def _on_completed(self, event: SearchBar.Completed) -> None:
        self.query_one(QueryHint).show_choices(event.choices)

    @on(SearchBar.Finished)
    def _on_search_done(self, event: SearchBar.Finished) -> None:
        bar = self.query_one(SearchBar)
        if event.cleared or not bar.value:
            bar.display = False
            self.query_one(QueryHint).clear()
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

        self.push_screen(HelpScreen(self.config.keymap))

    def action_preview(self) -> None:
        self.preview.open()

    def action_refetch(self) -> None:
        self.preview.refetch()

    def action_copy_url(self) -> None:
        self.links.copy()

    def action_open_link(self) -> None:
        self.links.open()

    def copy_to_clipboard(self, text: str) -> None:
        """Textual's OSC 52 copy, passed through tmux or screen when inside one."""
        self._clipboard = text
        if self._driver is not None:
            self._driver.write(self.links.clipboard_sequence(text))

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
        if zoomed:
            self.list_only = False
        self.screen.set_class(zoomed, "-zoom")
        if zoomed:
            pane = self.query_one(DetailPane)
            if self.focused is None or pane not in self.focused.ancestors_with_self:
                self.focus_now(pane.query_one("#item-scroll"))
        else:
            self.focus_now(self.query_one(ArticleList))

    def action_list_only(self) -> None:
        self.list_only = not self.list_only

    def watch_list_only(self, list_only: bool) -> None:
        # On the panes, not the screen: a class on the screen restyles (and so
        # repaints) every widget on it, the sidebar and the footer too.
        self.query_one("#panes").set_class(list_only, "-list-only")
        if list_only:
            self.screen.remove_class("-zoom")
            pane = self.query_one(DetailPane)
            if self.focused is None or pane in self.focused.ancestors_with_self:
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
        bar = self.query_one(SearchBar)
        if self.view.search or self.view.topic or self.view.published is not Published.ALL or bar.value:
            self.view = Query(sort=self.view.sort, descending=self.view.descending)
            bar.value = ""  # a query that did not parse too
            bar.display = False
            self.focus_now(self.query_one(ArticleList))

    def action_stories(self) -> None:
        self.stories.toggle()

    def action_story_open(self, open_: bool) -> None:
        self.stories.expand(open_)

    def action_load_report(self) -> None:
        if self.load_problems:
            from reader.ui.screens.load_report_screen import LoadReportScreen

            self.push_screen(LoadReportScreen(list(self.load_problems)))
        else:
            self.notify("Every file was read.", markup=False)

    def action_triage(self, name: str) -> None:
        """The triage keys (``triage('publish')``...): reader.ui.triage_flow does the work."""
        self.triage.run_action(name)

    def action_reading(self, name: str) -> None:
        """The reading keys (``reading('toggle_read')``...): reader.ui.reading_state does the work."""
        self.reading.run_action(name)

    def action_show_state(self, search: str) -> None:
        """The palette's "Unread items" and "Saved items": the list of those."""
        self.show_state(search)

    async def action_desk(self, action: str) -> None:
        """The footer's copies of the triage keys (shown at the desk only): run the action."""
        await self.run_action(action)

    @property
    def at_desk(self) -> bool:
        """The triage queue is on screen, or items are marked: editors' keys first."""
        return self.view.published is Published.UNPUBLISHED or bool(self.marks)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "desk":
            return self.at_desk  # False: hidden, and the key goes on to the triage twin
        if action == "story_open":  # False: the key goes on (the search bar's cursor...)
            return self.stories.on and isinstance(self.focused, ArticleList) and self.screen is self.screen_stack[0]
        return True

    def watch_marks(self) -> None:
        self._footer_follows()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from reader_commands(self)


def create_app(root: Path | str | Roots, *, use_cache: bool = True, config: Config | None = None,
               preview_service: Any = None, use_index: bool | None = None) -> ReaderApp:
    """The one app factory, shared by the CLI and the tests."""
    return ReaderApp(
        root if isinstance(root, Roots) else Path(root), config=config if config is not None else load_config(),
        preview_service=preview_service, use_cache=use_cache, use_index=use_index,
    )
