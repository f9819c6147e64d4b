"""The topic sidebar: All, Unpublished, then each topic with its count.

Its highlight is the app's current view (bound with ``data_bind``): whatever
changed the filter (this sidebar, ``u``, Esc, the palette), the sidebar shows it.

"Unpublished" is the triage queue: choosing it shows the unpublished items
hottest first (heat, then quality), as ``i`` does. It is not a second entry
next to an "Unpublished" filter: both would list the same items, and the count
beside it is the size of the queue. ``u`` still toggles the filter and keeps
the sort; either way this entry is highlighted.

"Unread" and "Saved" are the reader's own state: choosing one searches
``is:unread`` / ``is:saved`` (so the search bar shows what the list holds);
their counts come from ``reader.ui.reading_state`` (None: not known yet).

Under the topics, the saved views (``reader.core.views``) with their counts
(none while they are being counted); choosing one posts ``ViewChosen``. A
view is highlighted while the search is its query (and no other filter is on).

With several content roots, under those a "Roots" section: each root's label
and count. Choosing one searches ``root:LABEL`` (``reader.core.querylang``).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from reader.core.query import Published, Query, SortKey
from reader.core.sanitize import sanitize
from reader.core.views import View
from reader.ui.widgets.nav_list import NavList

ALL = "\x00all"
UNPUBLISHED = "\x00unpublished"
UNREAD = "\x00unread"
SAVED = "\x00saved"
STATE_SEARCHES = {UNREAD: "is:unread", SAVED: "is:saved"}
VIEW = "\x00view:"  # + the view's name
VIEWS_HEADING = "\x00views"
ROOT = "\x00root:"  # + the root's label
ROOTS_HEADING = "\x00roots"


@dataclass(frozen=True)
class TopicChoice:
    topic: str | None
    published: Published
    sort: SortKey | None = None  # None: keep the current sort
    search: str | None = None  # the reader's state entries: this search; None: see state_search


def _label(name: str, count: int | None, style: str = "") -> Content:
    name_part = Content.styled(sanitize(name), style) if style else Content(sanitize(name))
    shown = "…" if count is None else str(count)
    return Content.assemble(name_part, " ", Content.styled(shown, "$text-muted"))


def state_entry(view: Query) -> str | None:
    """UNREAD or SAVED when ``view`` is what that entry shows, else None."""
    if view.topic is not None or view.published is not Published.ALL:
        return None
    search = view.search.strip()
    return next((k for k, v in STATE_SEARCHES.items() if v == search), None)


class TopicSidebar(NavList):
    """Choosing an entry posts ``Chosen`` with the filter it stands for."""

    topics: reactive[list[tuple[str, int]]] = reactive(list, always_update=True)
    total: reactive[int] = reactive(0)
    unpublished: reactive[int] = reactive(0)
    unread: reactive[int | None] = reactive(None, repaint=False)  # its line alone (_relabel)
    saved: reactive[int | None] = reactive(None, repaint=False)
    view: reactive[Query] = reactive(Query, repaint=False)  # the highlight moves, nothing else
    saved_views: reactive[tuple[View, ...]] = reactive(tuple, always_update=True)
    view_counts: reactive[dict[str, int]] = reactive(dict, always_update=True)
    roots: reactive[list[tuple[str, int]]] = reactive(list, always_update=True)  # (label, count)

    @dataclass
    class Chosen(Message):
        choice: TopicChoice

    @dataclass
    class ViewChosen(Message):
        name: str

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = "Topics"
        self._rebuild_pending = False

    def _rebuild(self) -> None:
        options = [
            Option(_label("All", self.total, "bold"), id=ALL),
            Option(_label("Unpublished", self.unpublished, "bold"), id=UNPUBLISHED),
            Option(_label("Unread", self.unread, "bold"), id=UNREAD),
            Option(_label("Saved", self.saved, "bold"), id=SAVED),
            None,
        ]
        options += [Option(_label(t, n), id=t) for t, n in self.topics]
        options += self._view_options()
        options += self._root_options()
        kept = self._kept_highlight()
        self.set_options(options)
        try:
            if kept is None:
                raise OptionDoesNotExist
            self.highlighted = self.get_option_index(kept)
        except OptionDoesNotExist:
            self._highlight_view()

    def _kept_highlight(self) -> str | None:
        """The entry under the cursor while the user is moving in the sidebar:
        a rebuild (the views' counts arrive after the topics') leaves it there."""
        if not self.has_focus or self.highlighted is None:
            return None
        return self.get_option_at_index(self.highlighted).id

    def _view_options(self) -> list[Option | None]:
        if not self.saved_views:
            return []
        heading = Option(Content.styled("Views", "bold $text-muted"), id=VIEWS_HEADING, disabled=True)
        counts = self.view_counts
        return [None, heading, *(
            Option(_label(v.name, counts[v.name]) if v.name in counts else Content(sanitize(v.name)),
                   id=VIEW + v.name)
            for v in self.saved_views)]

    def _root_options(self) -> list[Option | None]:
        if len(self.roots) < 2:
            return []
        heading = Option(Content.styled("Roots", "bold $text-muted"), id=ROOTS_HEADING, disabled=True)
        return [None, heading, *(Option(_label(label, n), id=ROOT + label) for label, n in self.roots)]

    def _root_shown(self) -> str | None:
        """The root the list shows: the search is ``root:LABEL``, no other filter."""
        view = self.view
        if view.topic is None and view.published is Published.ALL:
            search = view.search.strip()
            if search.startswith("root:") and any(search == f"root:{label}" for label, _ in self.roots):
                return search.removeprefix("root:")
        return None

    def _saved_view_shown(self) -> str | None:
        """The saved view the list shows: its query is the search, no other filter."""
        view = self.view
        if view.search and view.topic is None and view.published is Published.ALL:
            for saved in self.saved_views:
                if saved.query == view.search:
                    return saved.name
        return None

    def _highlight_view(self) -> None:
        """Put the highlight on the entry that stands for the current view."""
        view = self.view
        saved = self._saved_view_shown()
        root = self._root_shown()
        if state_entry(view) is not None:
            wanted = state_entry(view) or ALL
        elif saved is not None:
            wanted = VIEW + saved
        elif root is not None:
            wanted = ROOT + root
        elif view.topic is not None:
            wanted = view.topic
        elif view.published is Published.UNPUBLISHED:
            wanted = UNPUBLISHED
        else:
            wanted = ALL
        try:
            self.highlighted = self.get_option_index(wanted)
        except OptionDoesNotExist:
            self.highlighted = 0

    def _rebuild_soon(self) -> None:
        """Counts and topics change together (a batch, a file changed on disk):
        rebuild the options once, after the current message, not once each."""
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_later(self._rebuild_now)

    def _rebuild_now(self) -> None:
        self._rebuild_pending = False
        self._rebuild()

    def watch_topics(self) -> None:
        self._rebuild_soon()

    def watch_total(self) -> None:
        self._rebuild_soon()

    def watch_unpublished(self) -> None:
        self._rebuild_soon()

    def watch_unread(self) -> None:
        self._relabel(UNREAD, "Unread", self.unread)

    def watch_saved(self) -> None:
        self._relabel(SAVED, "Saved", self.saved)

    def _relabel(self, option_id: str, name: str, count: int | None) -> None:
        """A mark changed one count: that entry's label, not every option again."""
        if self._rebuild_pending:
            return
        prompt = _label(name, count, "bold")
        try:
            if not self._redraw_one(self.get_option_index(option_id), prompt):
                self.replace_option_prompt(option_id, prompt)
        except OptionDoesNotExist:
            self._rebuild_soon()

    def _redraw_one(self, index: int, prompt: Content) -> bool:
        """Give option ``index`` a one-line ``prompt`` and draw only that line again.

        ``replace_option_prompt`` forgets every option's render and repaints the
        whole list: at 100k that next frame took 5-15 ms of the UI thread after
        each read mark. This uses OptionList's caches (Textual 8.2) and says
        False when they are not as expected or the label would not fit on one
        line; the caller then takes the public way.
        """
        try:
            option = self.get_option_at_index(index)
            padding = self.get_component_styles("option-list--option").padding
            room = self.scrollable_content_region.width - self._get_left_gutter_width() - padding.width
            line = self._index_to_line[index]
            if self._heights.get(index) != 1 or prompt.cell_length > room:
                return False
            option._set_prompt(prompt)
            cache = self._option_render_cache
            for key in [k for k in cache.keys() if k[0] is option]:  # noqa: SIM118 (no __iter__)
                cache.discard(key)
        except (AttributeError, KeyError, TypeError):
            return False
        y = line - int(self.scroll_offset.y)
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))
        return True

    def watch_view(self) -> None:
        self._highlight_view()

    def watch_saved_views(self) -> None:
        self._rebuild_soon()

    def watch_view_counts(self) -> None:
        self._rebuild_soon()

    def watch_roots(self) -> None:
        self._rebuild_soon()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ALL
        if option_id.startswith(VIEW):
            self.post_message(self.ViewChosen(option_id.removeprefix(VIEW)))
            return
        if option_id == ALL:
            choice = TopicChoice(None, Published.ALL)
        elif option_id == UNPUBLISHED:
            choice = TopicChoice(None, Published.UNPUBLISHED, SortKey.HEAT)
        elif option_id in STATE_SEARCHES:
            choice = TopicChoice(None, Published.ALL, search=STATE_SEARCHES[option_id])
        elif option_id.startswith(ROOT):
            choice = TopicChoice(None, Published.ALL, search=f"root:{option_id.removeprefix(ROOT)}")
        else:
            choice = TopicChoice(option_id, Published.ALL)
        self.post_message(self.Chosen(choice))
