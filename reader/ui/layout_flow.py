"""The screen's layout and where the focus goes: the sidebar, the zoomed
detail, the list-only layout, the search bar, and Esc.

A composed object the app holds (``app.layout_flow``). What the list shows is
the screen state's (``reader.core.screen_state``); this moves widgets and
focus around it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Input

from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.detail_pane import DetailPane

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp
    from reader.ui.widgets.topic_sidebar import TopicChoice


class LayoutFlow:
    def __init__(self, app: ReaderApp) -> None:
        self.app = app

    def to_list(self) -> None:
        self.app.focus_now(self.app.query_one(ArticleList))

    def in_detail(self) -> bool:
        focused = self.app.focused
        return focused is not None and self.app.query_one(DetailPane) in focused.ancestors_with_self

    # -- the sidebar --------------------------------------------------------------
    def chosen_in_sidebar(self) -> None:
        """A topic or a view was chosen: a narrow screen closes the sidebar."""
        if self.app.screen.has_class("-narrow"):
            self.app.sidebar_open = False
        self.to_list()

    def show_sidebar(self) -> None:
        self.app.sidebar_open = True
        self.app.focus_now(self.app.sidebar)

    def toggle_sidebar(self) -> None:
        self.app.sidebar_open = not self.app.sidebar_open
        if not self.app.sidebar_open:
            self.to_list()

    # -- zoom and list only -------------------------------------------------------
    def zoom(self) -> None:
        app = self.app
        zoomed = not app.screen.has_class("-zoom")
        if zoomed:
            app.list_only = False
        app.screen.set_class(zoomed, "-zoom")
        if not zoomed:
            self.to_list()
        elif not self.in_detail():
            app.focus_now(app.query_one(DetailPane).query_one("#item-scroll"))

    def toggle_list_only(self) -> None:
        self.app.list_only = not self.app.list_only

    def list_only_changed(self, list_only: bool) -> None:
        app = self.app
        # On the panes, not the screen: a class on the screen restyles (and so
        # repaints) every widget on it, the sidebar and the footer too.
        app.query_one("#panes").set_class(list_only, "-list-only")
        if list_only:
            app.screen.remove_class("-zoom")
            if app.focused is None or self.in_detail():
                self.to_list()

    def escape(self) -> None:
        """Esc: from the detail pane back to the list; or close a narrow
        screen's sidebar; or clear the search and filters."""
        app = self.app
        if self.in_detail():
            app.screen.remove_class("-zoom")
            self.to_list()
        elif app.sidebar_open and app.screen.has_class("-narrow"):
            app.sidebar_open = False
            self.to_list()
        else:
            bar = app.search_bar
            if app.state.clear_filters(bar.value):
                bar.value = ""  # a query that did not parse too
                bar.display = False
                self.to_list()

    # -- the search bar -----------------------------------------------------------
    def open_search(self) -> None:
        bar = self.app.search_bar
        bar.display = True
        self.app.focus_now(bar)

    def searched(self, event: Input.Changed) -> None:
        """The query as typed: a malformed one is named under the bar and the
        list stays as it was; the view takes only queries that parse."""
        from reader.core.querylang import QueryError, parse

        hint = self.app.query_hint
        try:
            parse(event.value)
        except QueryError as error:
            hint.show_error(error)
            return
        hint.clear()
        self.app.state.search(event.value)

    def syntax_wanted(self) -> None:
        hint = self.app.query_hint
        if hint.showing == "syntax":
            hint.clear()
        else:
            hint.show_syntax()

    def search_done(self, cleared: bool) -> None:
        bar = self.app.search_bar
        if cleared or not bar.value:
            bar.display = False
            self.app.query_hint.clear()
        self.to_list()

    def choose(self, choice: TopicChoice) -> None:
        """A topic, a published state or the reader's state (Unread, Saved):
        the view shows it, and the search bar shows the search it makes."""
        app = self.app
        search = app.reading.search_for(choice, app.state.view.search)
        app.state.choose(choice.topic, choice.published, search, choice.sort)
        bar = app.search_bar
        if search != bar.value:
            bar.value = search
