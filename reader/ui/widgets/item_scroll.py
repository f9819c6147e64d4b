"""The scrollable item view inside the detail pane, with reader keys."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll


class ItemScroll(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False, id="item.down"),
        Binding("k", "scroll_up", "Up", show=False, id="item.up"),
        Binding("space", "page_down", "Page down", show=False, id="item.page_down"),
        Binding("b", "page_up", "Page up", show=False, id="item.page_up"),
    ]
