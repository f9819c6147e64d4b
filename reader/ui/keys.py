"""The movement keys, in one place: every list answers the same keys, and so
does every scrolling text pane (vi-style letters next to the usual keys).

The ids are shared too, so one keymap entry (``list.down``...) remaps the key
in every list at once.
"""

from __future__ import annotations

from textual.binding import Binding

# Lists with a cursor: actions cursor_down/cursor_up/page_down/page_up/first/last
# (OptionList has them, and so does ArticleList).
LIST_KEYS = [
    Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
    Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
    Binding("pagedown,space", "page_down", "Page down", show=False, id="list.page_down"),
    Binding("pageup,b", "page_up", "Page up", show=False, id="list.page_up"),
    Binding("home,g", "first", "First", show=False, id="list.first"),
    Binding("end,G", "last", "Last", show=False, id="list.last"),
]

# Scrolling text (the item, the preview, the help): the same keys scroll.
SCROLL_KEYS = [
    Binding("j,down", "scroll_down", "Down", show=False, id="scroll.down"),
    Binding("k,up", "scroll_up", "Up", show=False, id="scroll.up"),
    Binding("pagedown,space", "page_down", "Page down", show=False, id="scroll.page_down"),
    Binding("pageup,b", "page_up", "Page up", show=False, id="scroll.page_up"),
    Binding("home,g", "scroll_home", "Top", show=False, id="scroll.top"),
    Binding("end,G", "scroll_end", "Bottom", show=False, id="scroll.bottom"),
]
