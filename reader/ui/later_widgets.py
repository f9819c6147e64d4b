"""The widgets the first frame does not show, mounted after it.

The search bar and its hint are hidden until ``/``; below 100 columns the
topic sidebar is hidden until it is opened. Composed, each was styled and
laid out before the first rows reached the screen (~2-3 ms apiece at a
start). The app composes the sidebar only when it is shown (``compose_sidebar``)
and mounts the rest once the first frame is out (``mount``, from
``ReaderApp._start_loading``) -- or at once, when a key or a flow asks for one
of them before: the app's ``search_bar``, ``query_hint`` and ``sidebar``.
Their modules are imported here, when they are made: a start whose first
frame shows none of them does not import them before that frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.ui.bound_state import BoundState as S

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp
    from reader.ui.widgets.query_hint import QueryHint
    from reader.ui.widgets.search_bar import SearchBar
    from reader.ui.widgets.topic_sidebar import TopicSidebar


class Mounted:
    """The widgets, once mounted."""

    __slots__ = ("query_hint", "search_bar", "sidebar")

    def __init__(self, search_bar: SearchBar, query_hint: QueryHint, sidebar: TopicSidebar) -> None:
        self.search_bar = search_bar
        self.query_hint = query_hint
        self.sidebar = sidebar


class LaterWidgets:
    def __init__(self, app: ReaderApp) -> None:
        self.app = app
        self.sidebar: TopicSidebar | None = None  # made in compose when it is shown
        self._mounted: Mounted | None = None

    def compose_sidebar(self) -> TopicSidebar:
        """The sidebar, bound to the app's reactives (call it from the app's compose
        or with the app as the active message pump)."""
        from reader.ui.widgets.topic_sidebar import TopicSidebar

        sidebar = self.sidebar = TopicSidebar(id="sidebar").data_bind(
            S.topics, S.view, S.saved_views, S.view_counts, total=S.total, unpublished=S.unpublished,
            unread=S.unread_count, saved=S.saved_count, roots=S.root_counts,
        )
        sidebar.set_class(self.app.sidebar_open, "-open")
        return sidebar

    def mount(self) -> Mounted:
        """Mount them (once; the app's main screen is composed)."""
        if self._mounted is not None:
            return self._mounted
        from reader.ui.widgets.query_hint import QueryHint
        from reader.ui.widgets.search_bar import SearchBar

        app = self.app
        with app._context():  # data_bind binds to the active app's reactives
            bar = SearchBar(id="search").data_bind(S.topics)
            bar.display = False
            hint = QueryHint(id="query-hint")
            app.query_one("#content").mount(bar, hint, before="#panes")
            sidebar = self.sidebar
            if sidebar is None:
                sidebar = self.compose_sidebar()
                app.query_one("#main").mount(sidebar, before="#content")
        self._mounted = Mounted(bar, hint, sidebar)
        app.views.start()  # the sidebar lists the saved views (read now, if not yet)
        return self._mounted
