"""The app's reactives: what the widgets bind to (``data_bind``), mirrored
from the screen state.

``reader.core.screen_state.ScreenState`` decides the view, its rows, their
counts and the topics, and tells what changed; ``BoundState._mirror`` sets
the reactives of the same names, in the state's order (the rows before the
view, whose widgets find them there). A flow that sets ``app.view`` itself
still works: the state takes that view and its rows. The other reactives
(the layout, the marks, the reader's counts, the saved views) are set by the
flows that own them.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from typing import TYPE_CHECKING

from textual.app import App
from textual.reactive import reactive

from reader.core.model import Entry
from reader.core.query import Query
from reader.core.screen_state import ScreenState
from reader.core.store import LoadProblem
from reader.ui.columns import ListStyle
from reader.ui.widgets.article_list import NOTHING_UNREAD, UnreadMarks

if TYPE_CHECKING:
    from reader.core.views import View  # (read after the first frame: reader.ui.views_flow)


class BoundState(App[None]):
    """The reactives of ``reader.ui.app.ReaderApp`` and their mirror of ``state``."""

    state: ScreenState  # the app makes it, and passes ``_mirror`` as its listener
    _echo = False  # the view being set is the state's own (its rows are in)
    _desk_footer: bool | None = None  # the footer was last built for at_desk == this

    # The app's state, bound down to the widgets, which repaint what changes on
    # them. None of it repaints the screen itself: an App reactive that does
    # sends every cell of the screen to the terminal again (a search letter did).
    # The view, the rows, their counts and the topics mirror the screen state
    # (``self.state``, reader.core.screen_state), which decides them.
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

    @property
    def clock(self) -> Callable[[], float]:
        """The clock the held-key detection reads; tests put a fake one here."""
        return self.state.clock

    @clock.setter
    def clock(self, clock: Callable[[], float]) -> None:
        self.state.clock = clock

    @property
    def load_problems(self) -> list[LoadProblem]:
        """The files that could not be read (the screen state's)."""
        return self.state.load_problems

    @load_problems.setter
    def load_problems(self, problems: list[LoadProblem]) -> None:
        self.state.load_problems = problems

    def _mirror(self, changed: tuple[str, ...]) -> None:
        """The screen state changed: its fields into the reactives, in its order
        (the rows before the view, whose widgets find them there)."""
        state = self.state
        for name in changed:
            self._echo = name == "view"
            setattr(self, name, getattr(state, name))
        self._echo = False
    def refresh_rows(self) -> None:
        """The rows again for the same view (the reader's marks changed under it)."""
        self.state.requery()

    def _requery(self) -> None:
        self.state.requery()

    def watch_view(self, view: Query) -> None:
        # The rows first: the widgets bound to the view (the list goes to the
        # top, the sidebar highlights the filter) are told after this returns.
        if self._echo:
            self._echo = False  # the state's own view: its rows are in already
        else:
            self.state.show(view)  # a view set on the app (a flow): its rows
        self._footer_follows()

    def _footer_follows(self) -> None:
        """The footer shows the desk keys in the triage queue or with marks. It is
        built again only when that changes: not for every search letter or
        filter (a new footer is its whole line sent to the terminal again)."""
        if self.is_running and self.screen_stack and self.at_desk != self._desk_footer:
            self._desk_footer = self.at_desk
            self.refresh_bindings()

    @property
    def at_desk(self) -> bool:
        """The triage queue is on screen, or items are marked: editors' keys first."""
        return self.state.at_desk(bool(self.marks))

    def watch_marks(self) -> None:
        self._footer_follows()
