"""The screen's state and the decisions that change it, with no UI.

``ScreenState`` holds what the main screen shows: the view (a ``Query``), the
rows it selects and their counts, the topics, the files that could not be
read, the item under the cursor, and when the detail of that item is read
(``DetailRest``: not while a key is held). Its methods are the decisions (a
topic chosen, the filters cleared, the next sort key...); each change is told
to the listeners as the names of the fields that changed, in the order a
screen should take them: the counts, then the rows, then the view (widgets
bound to the view, such as a list that goes to its top, find its rows there).

The Textual app mirrors the fields into reactives its widgets bind to; the
tests drive this object alone, with a fake clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from enum import Enum
from operator import attrgetter, indexOf

from reader.core.model import Entry
from reader.core.query import Published, Query, SortKey
from reader.core.store import LoadProblem

__all__ = ["DETAIL_SETTLE", "DetailRest", "Listener", "ScreenState", "Show"]

DETAIL_SETTLE = 0.05  # seconds the cursor rests before the next detail read, when keys come fast

# The fields told to listeners, in the order a screen takes them.
FIELDS = ("total", "unpublished", "problems", "topics", "root_counts", "shown", "rows", "view")

Listener = Callable[[tuple[str, ...]], None]
Clock = Callable[[], float]
_id = attrgetter("id")


class Show(Enum):
    """What to do with the detail when the cursor moves."""

    NOTHING = "nothing"  # no item under the cursor
    NOW = "now"  # read the item now
    WHEN_RESTED = "when rested"  # a held key: read it once the cursor rests (DetailRest.wait)


class DetailRest:
    """Whether the cursor is moving fast (a held key, a burst of keys): the
    detail is read once it rests, so the keys are not queued behind a read
    and a render each. The clock is injectable (tests pass a fake one)."""

    def __init__(self, clock: Clock = time.monotonic, settle: float = DETAIL_SETTLE) -> None:
        self.clock = clock
        self.settle = settle
        self._last = float("-inf")

    def moved(self) -> bool:
        """The cursor moved: True if it came fast after the last move."""
        now = self.clock()
        fast = now - self._last < self.settle * 2
        self._last = now
        return fast

    def wait(self) -> float:
        """Seconds still to wait before the cursor counts as rested (0: it has)."""
        return max(0.0, self.settle - (self.clock() - self._last))


class ScreenState:
    """The view, its rows and counts, the selection and the load problems.

    ``query_rows(view)`` answers a view with its rows and how many items they
    stand for (in stories mode a row is a story); the app passes the catalog's.
    """

    def __init__(self, query_rows: Callable[[Query], tuple[list[Entry], int]], *,
                 clock: Clock = time.monotonic) -> None:
        self._query_rows = query_rows
        self._listeners: list[Listener] = []
        self.view = Query()
        self.rows: list[Entry] = []
        self.shown = 0
        self.total = 0
        self.unpublished = 0
        self.problems = 0  # len(load_problems) when the counts were last taken
        self.topics: list[tuple[str, int]] = []
        self.root_counts: list[tuple[str, int]] = []
        self.load_problems: list[LoadProblem] = []
        self.rest = DetailRest(clock)
        self._selected: Entry | None = None
        self._selection_checked = True  # the selected entry is known to be in the rows

    # -- listeners ----------------------------------------------------------
    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _tell(self, names: Iterable[str]) -> None:
        changed = set(names)
        ordered = tuple(name for name in FIELDS if name in changed)
        for listener in self._listeners:
            listener(ordered)

    @property
    def clock(self) -> Clock:
        return self.rest.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.rest.clock = clock

    # -- the view and its rows ----------------------------------------------
    def requery(self) -> None:
        """The rows again for the same view (the catalog or the reader's marks
        changed), told (the benchmarks time this)."""
        self.rows, self.shown = self._query_rows(self.view)
        self._selection_checked = self._selected is None
        self._tell(("shown", "rows"))

    def show(self, view: Query) -> None:
        """A view set from outside (the app's reactive, which tells its widgets
        itself): its rows."""
        self.view = view
        self.requery()

    def set_view(self, view: Query) -> None:
        """A view this object decided on: its rows, then the view, told."""
        self.view = view
        self.requery()
        self._tell(("view",))

    def choose(self, topic: str | None, published: Published, search: str,
               sort: SortKey | None = None) -> None:
        """A topic, a published state or a reader's state (a search) chosen in the sidebar."""
        view = replace(self.view, topic=topic, published=published, search=search)
        self.set_view(view if sort is None else view.with_sort(sort))

    def search(self, text: str) -> None:
        """A query typed (one that parses): the view takes it, if it is new."""
        if text != self.view.search:
            self.set_view(replace(self.view, search=text))

    def everything(self) -> None:
        """Every item, in the same order (no topic, state or search)."""
        self.set_view(Query(sort=self.view.sort, descending=self.view.descending))

    @property
    def filtered(self) -> bool:
        view = self.view
        return bool(view.search or view.topic or view.published is not Published.ALL)

    def clear_filters(self, typed: str = "") -> bool:
        """Esc: every item again, if a filter, a search or text ``typed`` in the
        search bar (even a query that did not parse) narrows the screen. True
        if there was something to clear."""
        if not (self.filtered or typed):
            return False
        self.everything()
        return True

    def next_sort(self) -> None:
        self.set_view(self.view.with_sort(self.view.sort.next()))

    def reverse_sort(self) -> None:
        self.set_view(replace(self.view, descending=not self.view.descending))

    def sort_by(self, key: SortKey | str) -> None:
        """Sort by ``key``, in its own direction (newest, hottest, A to Z first)."""
        self.set_view(self.view.with_sort(SortKey(key)))

    def column_clicked(self, key: SortKey) -> None:
        """A column's header: sort by it; again on the same column reverses it."""
        if key == self.view.sort:
            self.reverse_sort()
        else:
            self.sort_by(key)

    def toggle_unpublished(self) -> None:
        """The triage queue's filter: only unpublished items (again: everything)."""
        wanted = Published.ALL if self.view.published is Published.UNPUBLISHED else Published.UNPUBLISHED
        self.set_view(replace(self.view, published=wanted, topic=None))

    def at_desk(self, marked: bool) -> bool:
        """The triage queue is on screen, or items are marked: editors' keys first."""
        return self.view.published is Published.UNPUBLISHED or marked

    # -- counts and load problems -------------------------------------------
    def counts_changed(self, total: int, unpublished: int, topics: list[tuple[str, int]],
                       root_counts: list[tuple[str, int]] | None = None) -> None:
        """The catalog changed: its counts, its topics (told only when they
        differ), the problems counted, and the rows again."""
        names = ["total", "unpublished", "problems"]
        self.total, self.unpublished = total, unpublished
        self.problems = len(self.load_problems)
        if topics != self.topics:
            self.topics = topics
            names.append("topics")
        if root_counts is not None:
            self.root_counts = root_counts
            names.append("root_counts")
        self._tell(names)
        self.requery()

    def problems_replaced(self, ids: Iterable[str], problems: Sequence[LoadProblem]) -> None:
        """The files ``ids`` were read again: their old problems go, ``problems``
        (those of this reading) come. Counted at the next ``counts_changed``."""
        gone = set(ids)
        if gone:
            self.load_problems = [p for p in self.load_problems if p.id not in gone]
        self.load_problems.extend(problems)

    # -- the selection and the detail ---------------------------------------
    def select(self, entry: Entry | None) -> Show:
        """The cursor is on ``entry`` (None: on nothing): what to do with the detail."""
        self._selected = entry
        self._selection_checked = True
        if entry is None:
            return Show.NOTHING
        return Show.WHEN_RESTED if self.rest.moved() else Show.NOW

    @property
    def selected(self) -> Entry | None:
        """The entry under the cursor, while the rows still show it (a requery
        that drops it clears it; the list then tells the next one)."""
        if not self._selection_checked:
            self._selection_checked = True
            selected = self._selected
            if selected is not None:
                try:
                    indexOf(map(_id, self.rows), selected.id)  # a C-level scan, only when asked
                except ValueError:
                    self._selected = None
        return self._selected

    @property
    def selected_id(self) -> str | None:
        selected = self.selected
        return None if selected is None else selected.id
