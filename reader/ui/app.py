"""The Textual app: shows the core's state and dispatches keys to it."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Container, Horizontal, Vertical
from textual.driver import Driver
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from reader.core.actions import BY_ID
from reader.core.catalog import Catalog
from reader.core.config import Config, load_config
from reader.core.keymap import effective_keys
from reader.core.model import Item
from reader.core.query import Published
from reader.core.roots import Roots
from reader.core.sanitize import sanitize
from reader.core.screen_state import ScreenState
from reader.core.terminal import no_color
from reader.core.user_state import NO_USER_STATE, UserState
from reader.resources import styles_dir
from reader.ui.bound_state import BoundState
from reader.ui.catalog_flow import CatalogFlow
from reader.ui.columns import ListStyle
from reader.ui.commands import TopicCommands, ViewCommands, reader_commands
from reader.ui.detail_flow import DetailFlow
from reader.ui.keys import bindings
from reader.ui.later_widgets import LaterWidgets
from reader.ui.layout_flow import LayoutFlow
from reader.ui.preview_flow import PreviewFlow
from reader.ui.reading_state import ReadingFlow
from reader.ui.start_up import set_breakpoints, show_batch, show_first_screen, start_loading, take_batch
from reader.ui.stories_flow import StoriesFlow
from reader.ui.terminal_output import compact_output
from reader.ui.views_flow import ViewsFlow
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.column_header import ColumnHeader
from reader.ui.widgets.detail_pane import DetailPane
from reader.ui.widgets.key_footer import KeyFooter
from reader.ui.widgets.painted_once import Pane
from reader.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from reader.core.loader import Batch
    from reader.ui.link_flow import LinkFlow
    from reader.ui.live_reload import LiveReload, LiveReloads, Reread
    from reader.ui.triage_flow import TriageFlow
    from reader.ui.widgets.query_hint import QueryHint
    from reader.ui.widgets.related_list import RelatedList
    from reader.ui.widgets.search_bar import SearchBar
    from reader.ui.widgets.story_versions import StoryVersions
    from reader.ui.widgets.topic_sidebar import TopicSidebar

# Modules the first frame does not need (the loader, the triage desk, the help
# and report screens, the widgets mounted after that frame) are imported where
# they are first used: a start pays for them after its first screen, not before.
# So the messages of those widgets are handled by name (``on_search_bar_finished``
# for ``SearchBar.Finished``...) rather than by ``@on``, which needs their classes
# here (tests/test_app_first_frame.py checks each name against its message).

log = logging.getLogger("reader.ui")


def _to(flow: str, method: str) -> Callable[..., None]:
    """An action that the app's ``flow`` (``state``, ``layout_flow``, ``preview``...) runs."""
    def action(self: ReaderApp, *args: Any) -> None:
        getattr(getattr(self, flow) if flow else self, method)(*args)

    action.__doc__ = f"Runs ``{flow or 'app'}.{method}``."
    return action


class ReaderApp(BoundState):
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

    def __init__(self, root: Path | Roots, *, config: Config | None = None, preview_service: Any = None,
                 use_cache: bool = True, use_index: bool | None = None) -> None:
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
        # The screen's state and decisions; its changes are mirrored into the reactives.
        self.state = ScreenState(lambda view: self.stories.query(view, self.user_state))
        self.state.listen(self._mirror)
        self.current_item: Item | None = None
        self._use_index = self.config.use_index if use_index is None else use_index
        self.catalog_flow = CatalogFlow(self)
        self.detail = DetailFlow(self)
        self.layout_flow = LayoutFlow(self)
        self.preview = PreviewFlow(self, preview_service, use_cache=use_cache)
        self._cancel_load = threading.Event()
        self.views = ViewsFlow(self)
        self._first_screen = False  # the catalog holds only the first screen's entries
        self._started = False  # the first frame is out: the load has started
        self._frozen = 4096  # entries when the collector last froze what was there (see take_batch)
        self.later = LaterWidgets(self)
        self.stories = StoriesFlow(self)
        if self.config.keymap:  # config.toml's [keys], checked by reader.core.keymap
            self.set_keymap(self.config.keymap)
            # The footer shows the palette's key by this name.
            palette = effective_keys(BY_ID["app.command_palette"], self.config.keymap)
            self.COMMAND_PALETTE_BINDING = palette[0]  # type: ignore[misc]
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
            if not self.screen.has_class("-narrow"):  # shown: in the first frame (else mount_later)
                yield self.later.compose_sidebar()
            with Vertical(id="content"), Container(id="panes"):
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

    # What the first frame does not show is mounted after it (reader.ui.later_widgets).
    @property
    def search_bar(self) -> SearchBar:
        return self.later.mount().search_bar

    @property
    def query_hint(self) -> QueryHint:
        return self.later.mount().query_hint

    @property
    def sidebar(self) -> TopicSidebar:
        return self.later.mount().sidebar

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
        self.focus_now(self.query_one(ArticleList))
        for warning in self.config.warnings:
            self.notify(sanitize(warning), severity="warning", markup=False)
        if self.later.sidebar is not None:  # the first frame shows the saved views
            self.views.start()
        show_first_screen(self)
        # The load starts once the first frame is out: its thread would otherwise
        # compete with that frame for the GIL.
        self.call_after_refresh(self._start_loading)

    def _start_loading(self) -> None:
        self.later.mount()
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
        """The catalog changed: counts, topics and the rows (reader.ui.catalog_flow)."""
        self.catalog_flow.counts_changed()

    def apply_reread(self, reread: Reread) -> None:
        """Files changed on disk: applied in place (reader.ui.catalog_flow)."""
        self.catalog_flow.apply_reread(reread)

    def warm_up_catalog(self) -> None:
        """Every sort order and the search buffer, ahead of the first keypress."""
        self.catalog_flow.warm_up()

    # -- selection → detail (reader.ui.detail_flow) → preview (reader.ui.preview_flow)
    @on(ArticleList.Highlighted)
    def _on_highlighted(self, event: ArticleList.Highlighted) -> None:
        self.detail.highlighted(event.entry)

    def load_detail(self, item_id: str) -> None:
        """Read the item's file again and show it (a thread worker)."""
        self.detail.load(item_id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker errors end up: logged, and shown as one line."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            log.error("worker %s failed", event.worker.name, exc_info=error)
            if event.worker.group == "preview" and error is not None:
                self.preview.failed(error)
            else:
                self.notify(sanitize(f"{event.worker.name} failed: {type(error).__name__}: {error}"),
                            severity="error", markup=False)

    # -- list messages --------------------------------------------------
    @on(ArticleList.Selected)
    def _on_selected(self, event: ArticleList.Selected) -> None:
        self.detail.opened(event.entry)

    def on_story_versions_chosen(self, event: StoryVersions.Chosen) -> None:
        self.stories.jump(event.item_id)

    @on(ColumnHeader.SortClicked)
    def _on_sort_clicked(self, event: ColumnHeader.SortClicked) -> None:
        self.state.column_clicked(event.key)

    def on_topic_sidebar_chosen(self, event: TopicSidebar.Chosen) -> None:
        self.layout_flow.choose(event.choice)
        self.layout_flow.chosen_in_sidebar()

    def on_topic_sidebar_view_chosen(self, event: TopicSidebar.ViewChosen) -> None:
        self.views.apply(event.name)
        self.layout_flow.chosen_in_sidebar()

    def watch_saved_views(self) -> None:
        self.views.recount()

    def watch_unread_count(self) -> None:
        self.views.state_changed()

    def watch_saved_count(self) -> None:
        self.views.state_changed()

    @on(ArticleList.MarkToggled)
    def _on_mark(self, event: ArticleList.MarkToggled) -> None:
        self.triage.toggle_mark(event.entry.id)

    def show_topic(self, topic: str | None) -> None:
        from reader.ui.widgets.topic_sidebar import TopicChoice

        self.layout_flow.choose(TopicChoice(topic, Published.ALL))

    def show_state(self, search: str) -> None:
        """The sidebar's Unread or Saved entry (``is:unread`` / ``is:saved``)."""
        from reader.ui.widgets.topic_sidebar import TopicChoice

        self.layout_flow.choose(TopicChoice(None, Published.ALL, search=search))

    def on_related_list_chosen(self, event: RelatedList.Chosen) -> None:
        self.detail.related_chosen(event.related)

    # -- the search bar (reader.ui.layout_flow) -------------------------
    @on(Input.Changed, "#search")
    def _on_search(self, event: Input.Changed) -> None:
        self.layout_flow.searched(event)

    def on_search_bar_syntax_wanted(self) -> None:
        self.layout_flow.syntax_wanted()

    def on_search_bar_completed(self, event: SearchBar.Completed) -> None:
        self.query_hint.show_choices(event.choices)

    def on_search_bar_finished(self, event: SearchBar.Finished) -> None:
        self.layout_flow.search_done(event.cleared)

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

    # The keys that one of the app's flows or its screen state answers (the
    # action table's ``run``: reader.core.actions).
    action_preview = _to("preview", "open")
    action_refetch = _to("preview", "refetch")
    action_copy_url = _to("links", "copy")
    action_open_link = _to("links", "open")
    action_search = _to("layout_flow", "open_search")
    action_topics = _to("layout_flow", "show_sidebar")
    action_toggle_sidebar = _to("layout_flow", "toggle_sidebar")
    action_zoom = _to("layout_flow", "zoom")
    action_list_only = _to("layout_flow", "toggle_list_only")
    action_clear_filters = _to("layout_flow", "escape")  # Esc
    action_cycle_sort = _to("state", "next_sort")
    action_reverse_sort = _to("state", "reverse_sort")
    action_sort_by = _to("state", "sort_by")  # sort_by('heat')...
    action_toggle_unpublished = _to("state", "toggle_unpublished")
    action_stories = _to("stories", "toggle")
    action_story_open = _to("stories", "expand")  # story_open(True): open, False: fold
    action_save_view = _to("views", "save")
    action_triage = _to("triage", "run_action")  # triage('publish')...: reader.ui.triage_flow
    action_reading = _to("reading", "run_action")  # reading('toggle_read')...: reader.ui.reading_state
    action_show_state = _to("", "show_state")  # the palette's "Unread items" and "Saved items"

    def copy_to_clipboard(self, text: str) -> None:
        """Textual's OSC 52 copy, passed through tmux or screen when inside one."""
        self._clipboard = text
        if self._driver is not None:
            self._driver.write(self.links.clipboard_sequence(text))

    def watch_sidebar_open(self, open_: bool) -> None:
        if open_:
            self.later.mount()
        if self.later.sidebar is not None:  # (one mounted later takes it from sidebar_open)
            self.later.sidebar.set_class(open_, "-open")

    def watch_list_only(self, list_only: bool) -> None:
        self.layout_flow.list_only_changed(list_only)

    def action_load_report(self) -> None:
        if self.load_problems:
            from reader.ui.screens.load_report_screen import LoadReportScreen

            self.push_screen(LoadReportScreen(list(self.load_problems)))
        else:
            self.notify("Every file was read.", markup=False)

    async def action_desk(self, action: str) -> None:
        """The footer's copies of the triage keys (shown at the desk only): run the action."""
        await self.run_action(action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "desk":
            return self.at_desk  # False: hidden, and the key goes on to the triage twin
        if action == "story_open":  # False: the key goes on (the search bar's cursor...)
            return self.stories.on and isinstance(self.focused, ArticleList) and self.screen is self.screen_stack[0]
        return True

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
