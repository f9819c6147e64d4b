"""The article list's column titles; a click on one sorts by it."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from reader.core.query import Query, SortKey
from reader.ui.columns import ARROW_GUTTER, ListStyle, column_at, layout


class ColumnHeader(Widget):
    """Shows the columns and which one the list is sorted by (▲ ascending, ▼ descending)."""

    # Bound to the app's view, which changes with every search letter and filter:
    # the header repaints only when the sort it shows changes (see watch_view).
    view: reactive[Query] = reactive(Query, repaint=False)
    list_style: reactive[ListStyle] = reactive(ListStyle)
    # The list-only layout's arrow gutter, left of the columns (as in the list).
    arrow_cursor: reactive[bool] = reactive(False)

    @dataclass
    class SortClicked(Message):
        key: SortKey

    def watch_view(self, old: Query, new: Query) -> None:
        if (old.sort, old.descending) != (new.sort, new.descending):
            self.refresh()

    def _columns(self):
        return layout(self.size.width, self.list_style, ARROW_GUTTER if self.arrow_cursor else 0)

    def render(self) -> Content:
        parts: list[Content | str] = []
        x = 0
        for col in self._columns():
            if col.start > x:
                parts.append(" " * (col.start - x))
            label = col.label
            sorted_here = col.key is not None and col.key == self.view.sort
            if sorted_here:
                label += "▼" if self.view.descending else "▲"
            text = label[: col.width].rjust(col.width) if col.align_right else label[: col.width].ljust(col.width)
            if sorted_here:
                parts.append(Content.styled(text, "bold $accent"))
            else:
                parts.append(text)
            x = col.start + col.width
        return Content.assemble(*parts)

    def on_click(self, event: events.Click) -> None:
        col = column_at(self._columns(), event.x)
        if col is not None and col.key is not None:
            self.post_message(self.SortClicked(col.key))
