"""The keys, in one place: every list answers the same movement keys, and so
does every scrolling text pane (vi-style letters next to the usual keys); the
triage keys are here too, so the app, the help and the palette agree.

The ids are shared too, so one keymap entry (``list.down``...) remaps the key
in every list at once.

Space marks an item in the article list (the triage desk's most frequent key),
so no list pages with it: PgDn, ``f`` and Ctrl+F page down in every list, as in
``less`` and vi; the text panes keep Space for paging as well (nothing to mark).
"""

from __future__ import annotations

from textual.binding import Binding

# Lists with a cursor: actions cursor_down/cursor_up/page_down/page_up/first/last
# (OptionList has them, and so does ArticleList).
LIST_KEYS = [
    Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
    Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
    Binding("pagedown,f,ctrl+f", "page_down", "Page down", show=False, id="list.page_down"),
    Binding("pageup,b,ctrl+b", "page_up", "Page up", show=False, id="list.page_up"),
    Binding("home,g", "first", "First", show=False, id="list.first"),
    Binding("end,G", "last", "Last", show=False, id="list.last"),
]

# Scrolling text (the item, the preview, the help): the same keys scroll.
SCROLL_KEYS = [
    Binding("j,down", "scroll_down", "Down", show=False, id="scroll.down"),
    Binding("k,up", "scroll_up", "Up", show=False, id="scroll.up"),
    Binding("pagedown,space,f,ctrl+f", "page_down", "Page down", show=False, id="scroll.page_down"),
    Binding("pageup,b,ctrl+b", "page_up", "Page up", show=False, id="scroll.page_up"),
    Binding("home,g", "scroll_home", "Top", show=False, id="scroll.top"),
    Binding("end,G", "scroll_end", "Bottom", show=False, id="scroll.bottom"),
]

# The article list's mark key (the app keeps the marks).
MARK_KEY = Binding("space", "toggle_mark", "Mark", show=False, id="list.mark",
                   tooltip="Mark or unmark the item and move to the next one")
# Its footer copy, shown (and used) only at the desk, like DESK_FOOTER.
MARK_FOOTER = Binding("space", "desk_mark", "Mark", id="list.mark.footer", tooltip=MARK_KEY.tooltip)

# Editorial triage, app-wide (they also work from the detail pane). They always
# work; the footer shows the main ones (DESK_FOOTER) only at the desk: in the
# triage queue or while items are marked. Elsewhere it shows the reading keys.
TRIAGE_KEYS = [
    Binding("P", "triage('publish')", "Publish", show=False, id="triage.publish",
            tooltip="Publish the item (with marks: every marked item)"),
    Binding("U", "triage('unpublish')", "Unpublish", show=False, id="triage.unpublish",
            tooltip="Unpublish the item (with marks: every marked item)"),
    Binding("+", "triage('add_topic')", "Topic", show=False, id="triage.add_topic",
            tooltip="Add a topic to the item (with marks: to every marked item)"),
    Binding("-", "triage('remove_topic')", "Untopic", show=False, id="triage.remove_topic",
            tooltip="Remove one of the item's topics (or of the marked items)"),
    Binding("ctrl+z", "triage('undo')", "Undo", show=False, id="triage.undo",
            tooltip="Undo this session's last change (again: the one before)"),
    Binding("*", "triage('mark_all')", "Mark all", show=False, id="triage.mark_all",
            tooltip="Mark every item shown (again: clear the marks)"),
    Binding("i", "triage('queue')", "Queue", show=False, id="triage.queue",
            tooltip="The triage queue: unpublished items, hottest first"),
    Binding("E", "triage('edit')", "Edit", show=False, id="triage.edit",
            tooltip="Open the item's file in $VISUAL or $EDITOR"),
    Binding("L", "triage('audit_log')", "Log", show=False, id="triage.audit_log",
            tooltip="The audit log: every change made to items, newest first"),
]


def _shown_at_the_desk(binding: Binding) -> Binding:
    """The footer's copy of a triage key: action ``desk(...)``, which the app
    enables only at the desk (so elsewhere the key falls through to the twin)."""
    return Binding(binding.key, binding.action.replace("triage(", "desk(", 1), binding.description,
                   id=f"{binding.id}.footer", tooltip=binding.tooltip)


# In footer order: what fits at 80 columns comes first.
DESK_FOOTER = [_shown_at_the_desk(b) for b in TRIAGE_KEYS
               if b.id in ("triage.publish", "triage.unpublish", "triage.add_topic", "triage.undo")]


# The reader's own state (reader.ui.reading_state): app-wide, like the triage keys.
# The footer shows "n" (the one used most); the others are in the help and the palette.
READING_KEYS = [
    Binding("n", "reading('next_unread')", "Next unread", id="reading.next_unread",
            tooltip="Move to the next unread item in the list (from the top after the last)"),
    Binding("N", "reading('toggle_read')", "Read/unread", show=False, id="reading.toggle_read",
            tooltip="Mark the item read, or unread again"),
    Binding("A", "reading('mark_all_read')", "All read", show=False, id="reading.mark_all_read",
            tooltip="Mark every item shown in the list as read"),
    Binding("B", "reading('toggle_saved')", "Save", show=False, id="reading.toggle_saved",
            tooltip="Save the item for later, or unsave it (the sidebar's Saved entry)"),
]
