"""The article list: a virtual (Line API) list that draws only the visible rows.

It holds a reference to the query result and renders rows on demand, so 100k
entries cost no widgets. Over a slow link every byte sent to the terminal
counts: a change (cursor, marks, new rows) refreshes only the lines whose row,
mark or cursor differ from what was drawn there, a row is as few segments as
its styles allow, and with ``arrow_cursor`` (the list-only layout) a cursor
move rewrites two cells of two lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from contextlib import suppress
from dataclasses import dataclass
from operator import attrgetter, indexOf
from typing import Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input

from reader.core.model import Entry
from reader.core.query import Query, SortKey
from reader.ui.columns import ARROW, ARROW_GUTTER, MARK, UNPUBLISHED, UNREAD, Column, ListStyle, layout
from reader.ui.keys import bindings

_id = attrgetter("id")


class UnreadMarks(Protocol):
    """What the list asks of the reader's state (``reader.core.reading.ReadMarks``)."""

    def is_unread(self, entry: Entry) -> bool: ...


class _NothingUnread:
    def is_unread(self, entry: Entry) -> bool:
        return False


NOTHING_UNREAD = _NothingUnread()


def fit(text: str, width: int, right: bool = False) -> str:
    """Pad or cut ``text`` to exactly ``width`` cells (cut with an ellipsis)."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    if right:
        return " " * (width - length) + text
    return text + " " * (width - length)


class ArticleList(ScrollView, can_focus=True):
    """Rows of entries with a cursor; posts ``Highlighted``, ``Selected`` and
    ``MarkToggled`` (the app keeps the marks and binds them back as ``marks``)."""

    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--unpublished",
        "article-list--muted",
        "article-list--hot",
        "article-list--marked",
        "article-list--arrow",
        "article-list--unread",
    }

    BINDINGS = bindings("list", "articles")

    # None of these repaints the whole list: their watchers refresh the lines that changed.
    rows: reactive[list[Entry]] = reactive(list, always_update=True, layout=False, repaint=False)
    # The app's set of marked ids, shared (not copied): set again after each change.
    marks: reactive[Set[str]] = reactive(frozenset, always_update=True, layout=False, repaint=False)
    # The reader's read marks (the same object, set again after each change).
    reading: reactive[UnreadMarks] = reactive(lambda: NOTHING_UNREAD, always_update=True, layout=False,
                                              repaint=False)
    cursor: reactive[int] = reactive(0, init=False, repaint=False)
    view: reactive[Query] = reactive(Query, init=False, repaint=False)
    # The user's columns and date format (config.toml), set by the app.
    list_style: reactive[ListStyle] = reactive(ListStyle, init=False, layout=False)
    # The cursor as an arrow in a gutter instead of a highlighted row (the list-only layout).
    arrow_cursor: reactive[bool] = reactive(False, init=False)

    @dataclass
    class Highlighted(Message):
        entry: Entry | None

    @dataclass
    class Selected(Message):
        entry: Entry

    @dataclass
    class MarkToggled(Message):
        entry: Entry

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._columns: tuple[Column, ...] = layout(80, self.list_style)
        self._highlighted_id: str | None = None
        # What each visible line shows, as render_line last drew it: (entry, title prefix, marked, unread, cursor).
        self._drawn: dict[int, tuple[Entry, str, bool, bool, bool] | None] = {}
        self._sized: tuple[Size, Size, Size] | None = None
        # What goes before a row's title (stories mode: "▸×3 "); set by the app with the rows.
        self.title_prefixes: Mapping[str, str] = {}

    # -- data -----------------------------------------------------------
    def watch_rows(self, rows: list[Entry]) -> None:
        # The cursor stays on its item; if the item is gone (deleted, filtered
        # out) it stays at the same place, on the item that moved up into it.
        target = self.cursor
        wanted = self._highlighted_id
        if wanted is not None and not (target < len(rows) and rows[target].id == wanted):
            with suppress(ValueError):  # not there: the cursor stays where it is
                target = indexOf(map(_id, rows), wanted)  # C-level scan, not a Python loop
        self.virtual_size = Size(self._width, len(rows))
        self.set_reactive(ArticleList.cursor, min(target, max(0, len(rows) - 1)))
        self._scroll_cursor_into_view(center=True)
        self._refresh_changed()
        self._announce()

    def watch_marks(self) -> None:
        self._refresh_changed()

    def watch_arrow_cursor(self) -> None:
        self._columns = layout(self._width, self.list_style, self._gutter)

    def watch_reading(self) -> None:
        self._refresh_changed()

    def watch_view(self) -> None:
        # A new sort, filter or search starts at the top (the best match, the
        # hottest item...); batches arriving while loading keep the selection.
        # The app sets ``rows`` for the view before it sets the view.
        self.action_first()

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor(self) -> None:
        self._scroll_cursor_into_view()
        self._refresh_changed()
        self._announce()

    def _announce(self) -> None:
        entry = self.highlighted
        new_id = entry.id if entry else None
        if new_id != self._highlighted_id or entry is None:
            self._highlighted_id = new_id
            self.post_message(self.Highlighted(entry))

    @property
    def highlighted(self) -> Entry | None:
        rows = self.rows
        return rows[self.cursor] if rows and 0 <= self.cursor < len(rows) else None

    def move_to_id(self, item_id: str) -> bool:
        for i, e in enumerate(self.rows):
            if e.id == item_id:
                self.cursor = i
                self._scroll_cursor_into_view(center=True)
                return True
        return False

    # -- geometry -------------------------------------------------------
    @property
    def _width(self) -> int:
        """The width rows are drawn in (the vertical scrollbar is always there)."""
        return self.scrollable_content_region.width or self.size.width

    def watch_list_style(self) -> None:
        self._columns = layout(self._width, self.list_style, self._gutter)
        self.refresh()

    @property
    def _gutter(self) -> int:
        return ARROW_GUTTER if self.arrow_cursor else 0

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        # Textual 8.2.8 hands a ScrollView the compositor's virtual size (the
        # viewport), which never equals ours (every row), so each relayout of
        # the screen (the detail pane showing the next item, a hidden tab's
        # text) refreshed this list's scrollbar: a cell per visible row sent
        # again on every key. Nothing of ours changed: nothing to redo.
        sized = (size, container_size, self.virtual_size)
        if sized == self._sized:
            return False
        resized = size != self.outer_size
        self._sized = sized
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        if resized:
            # The columns for this width now, not on the Resize event: that comes
            # after the frame that lays the list out (the app's first frame drew
            # every title in an 80-column layout's share of a narrower list).
            self._fit_columns()
            # The frame that lays the list out at its new size paints all of it;
            # the whole-list repaint Textual also queues here would otherwise go
            # out with the next key's two lines (after "/" and Esc, after "v").
            self._repaint_regions.clear()
        return changed

    def _fit_columns(self) -> None:
        self._columns = layout(self._width, self.list_style, self._gutter)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_columns()
        self.virtual_size = Size(self._width, len(self.rows))
        self._scroll_cursor_into_view()

    def _scroll_cursor_into_view(self, center: bool = False) -> None:
        height = self.scrollable_content_region.height or self.size.height
        if height <= 0:
            return
        top = int(self.scroll_offset.y)
        cursor = self.cursor
        if center and not (top <= cursor < top + height):
            self.scroll_to(y=max(0, cursor - height // 2), animate=False, immediate=True)
        elif cursor < top:
            self.scroll_to(y=cursor, animate=False, immediate=True)
        elif cursor >= top + height:
            self.scroll_to(y=cursor - height + 1, animate=False, immediate=True)

    # -- actions --------------------------------------------------------
    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def _page(self) -> int:
        return max(1, (self.scrollable_content_region.height or self.size.height) - 1)

    def action_page_down(self) -> None:
        self.cursor += self._page()

    def action_page_up(self) -> None:
        self.cursor -= self._page()

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.rows) - 1

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "desk":  # the footer's "space Mark": shown at the desk only
            return bool(getattr(self.app, "at_desk", False))
        return True

    async def action_desk(self, action: str) -> None:
        """The footer's copy of a key shown at the desk (reader.ui.keys.desk_copy)."""
        await self.run_action(action)

    def action_toggle_mark(self) -> None:
        entry = self.highlighted
        if entry is not None:
            self.post_message(self.MarkToggled(entry))
            self.cursor += 1

    def action_select(self) -> None:
        entry = self.highlighted
        if entry is not None:
            self.post_message(self.Selected(entry))

    async def on_key(self, event: events.Key) -> None:
        # Textual routes a key to the widget that had focus when it *arrived*, so
        # characters typed in the same read as "/" (fast typing, a paste, a laggy
        # SSH link) land here after the search bar took focus: hand them over.
        focused = self.screen.focused
        if focused is not self and isinstance(focused, Input) and event.is_printable:
            focused.insert_text_at_cursor(event.character or "")
            event.stop()
            return
        active = self.screen.active_bindings.get(event.key)
        if active is not None and active.binding.action == "search":
            # Open the search before the rest of the queued keys are handled
            # (whatever key the user mapped it to).
            event.stop()
            await self.app.run_action("search")

    def on_click(self, event: events.Click) -> None:
        row = int(self.scroll_offset.y) + event.y
        if 0 <= row < len(self.rows):
            if row == self.cursor and event.chain >= 2:
                self.action_select()
            self.cursor = row

    # -- rendering ------------------------------------------------------
    def _line_key(self, row: int) -> tuple[Entry, str, bool, bool, bool] | None:
        """What line ``row`` shows: its entry, what goes before its title (stories
        mode), whether it is marked, whether it is unread, whether the cursor is on it."""
        rows = self.rows
        if row >= len(rows):
            return None
        entry = rows[row]
        prefix = self.title_prefixes.get(entry.id, "") if self.title_prefixes else ""
        return entry, prefix, entry.id in self.marks, self.reading.is_unread(entry), row == self.cursor

    def _refresh_changed(self) -> None:
        """Refresh the visible lines that no longer show what was drawn on them.

        Textual repaints a refreshed region whole, so the list never refreshes
        itself whole for a change of cursor, marks or rows: only the lines
        whose key changed, and with the arrow cursor only the arrow's cells
        when nothing else on the line did. (Scrolling repaints every line.)
        """
        height = self.scrollable_content_region.height or self.size.height
        top = int(self.scroll_offset.y)
        drawn = self._drawn
        width = self._width
        for y in range(height):
            key = self._line_key(top + y)
            if y in drawn:
                old = drawn[y]
                if key == old:
                    continue
                if self.arrow_cursor and key is not None and old is not None and old[:4] == key[:4]:
                    self.refresh(Region(0, y, ARROW_GUTTER, 1))  # the same row: only the arrow moved
                    continue
            self.refresh(Region(0, y, width, 1))

    def render_line(self, y: int) -> Strip:
        width = self._width
        row = int(self.scroll_offset.y) + y
        key = self._line_key(row)
        self._drawn[y] = key
        base = self.rich_style
        if key is None:
            return Strip.blank(width, base)
        entry, prefix, is_marked, unread, at_cursor = key
        if at_cursor and not self.arrow_cursor:
            style = base + self.get_component_rich_style("article-list--cursor")
            muted = hot = unpub = style
        else:
            style = base
            muted = base + self.get_component_rich_style("article-list--muted")
            hot = base + self.get_component_rich_style("article-list--hot")
            unpub = base + self.get_component_rich_style("article-list--unpublished")
        marked = style + self.get_component_rich_style("article-list--marked") if is_marked else None
        arrow = (base + self.get_component_rich_style("article-list--arrow")
                 if at_cursor and self.arrow_cursor else None)
        segments = self._segments(entry, prefix, unread, style, muted, hot, unpub, marked, arrow)
        return Strip(segments, width).crop(0, width)

    def _segments(self, entry: Entry, prefix: str, unread: bool, style: RichStyle, muted: RichStyle, hot: RichStyle,
                  unpub: RichStyle, marked: RichStyle | None, arrow: RichStyle | None) -> list[Segment]:
        """The row's cells, one segment per run of the same style (each segment
        costs the terminal a style sequence)."""
        segments: list[Segment] = []
        texts: list[str] = []
        run_style: RichStyle | None = None

        def add(text: str, seg_style: RichStyle) -> None:
            nonlocal run_style
            if seg_style != run_style and texts:
                segments.append(Segment("".join(texts), run_style))
                texts.clear()
            run_style = seg_style
            texts.append(text)

        x = self._gutter
        if x:  # the list-only layout's arrow cursor
            if arrow is not None:
                add(ARROW, arrow)
            add(" " * (x - 1 if arrow is not None else x), style)
        for col in self._columns:
            if col.start > x:
                add(" " * (col.start - x), style)
            if col.name == "mark":
                text, seg_style = (MARK, marked) if marked is not None else (" ", style)
            elif col.name == "unread":
                text, seg_style = ((UNREAD, style + self.get_component_rich_style("article-list--unread"))
                                   if unread else (" ", style))
            else:
                text, seg_style = self._cell(entry, col, style, muted, hot, unpub)
                if col.key is SortKey.TITLE and prefix:
                    text = prefix + text
            add(fit(text, col.width, col.align_right), seg_style)
            x = col.start + col.width
        if x < self._width:
            add(" " * (self._width - x), style)
        if texts:
            segments.append(Segment("".join(texts), run_style))
        return segments

    def _cell(self, entry: Entry, col: Column, style: RichStyle, muted: RichStyle,
              hot: RichStyle, unpub: RichStyle) -> tuple[str, RichStyle]:
        key = col.key
        if key is None:
            return (UNPUBLISHED if entry.published is False else " "), unpub
        if key.value == "title":
            return entry.title or "(untitled)", style
        if key.value == "provider":
            return entry.provider, muted
        if key.value == "date":
            dt = entry.published_at
            if dt is None:
                return "—", muted
            return self.list_style.date_text(dt, col.width), muted
        if key.value == "heat":
            if entry.heat is None:
                return ("n/s" if entry.heat_unscored else "—"), muted
            return str(entry.heat), (hot if entry.heat >= 70 else style)
        if entry.quality is None:
            return "—", muted
        return str(entry.quality), style
