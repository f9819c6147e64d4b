"""Every action of the app, declared once: its id, default keys, what it runs,
its labels and where it shows.

The UI builds everything else from this table (``reader.ui.keys``): the
``BINDINGS`` of the app, its widgets and screens, the footer, the help screen,
the command palette (with the key shown) and the keymap that ``[keys]`` in
config.toml feeds (``reader.core.keymap``); ``reader keys --markdown`` prints
README's key table from it.

Adding an action is one line in the block of its scope::

    A("app.save", "w", "triage('save')", "Save", "Save the item for later", FOOTER),

- ``id``: what users remap in ``[keys]`` (``"app.save" = "ctrl+s"``, or just
  ``save`` when no other action ends in ``.save``). Never rename one: a user's
  config names it.
- ``keys``: the default keys, comma-separated, in Textual's names
  (``question_mark``, ``ctrl+z``, ``P``); ``""`` for an action reached from
  the palette only.
- ``run``: the Textual action the key runs, in the namespace of the scope's
  widget (``SCOPES``); the palette runs it on the app, or ``palette_run``.
- ``label``: the short name the footer shows; ``title`` is the palette's name
  (default: the label). ``text``: what it does (help screen, palette, README).
- flags: ``FOOTER`` shows it in the footer; ``DESK`` shows it first in the
  footer at the triage desk only; ``PALETTE`` puts it in the command palette
  (where only app-wide actions, or those with a ``palette_run``, make sense).
  When the footer's line is too short for its keys (80 columns), it drops
  whole keys, never cutting one: first the plain ``FOOTER``/``DESK`` ones,
  from the right, then the ``ESSENTIAL`` ones, from the right; an ``ALWAYS``
  key (Help, where every other key is listed) stays.

No Textual here: the CLI and the config check read this table too.
"""

from __future__ import annotations

from dataclasses import dataclass

FOOTER = "footer"
DESK = "desk"
PALETTE = "palette"
PRIORITY = "priority"  # checked before the focused widget's own keys (Textual's priority)
ESSENTIAL = "essential"  # the footer drops it only after the other keys (a narrow terminal)
ALWAYS = "always"  # the footer never drops it


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    keys: str
    run: str
    label: str
    text: str
    shows: frozenset[str] = frozenset()
    scope: str = "app"
    title: str = ""
    palette_run: str = ""

    @property
    def footer(self) -> bool:
        return FOOTER in self.shows

    @property
    def desk(self) -> bool:
        return DESK in self.shows

    @property
    def footer_rank(self) -> int:
        """How long the footer keeps the key on a short line: 0 drops first, 2 never."""
        return 2 if ALWAYS in self.shows else 1 if ESSENTIAL in self.shows else 0

    @property
    def palette(self) -> bool:
        return PALETTE in self.shows

    @property
    def palette_title(self) -> str:
        return self.title or self.label

    @property
    def key_list(self) -> tuple[str, ...]:
        return tuple(k for k in self.keys.split(",") if k)


def A(id: str, keys: str, run: str, label: str, text: str, *shows: str,
      title: str = "", palette_run: str = "") -> Action:
    """One row of the table (the scope is set by the block it sits in)."""
    return Action(id, keys, run, label, text, frozenset(shows), title=title, palette_run=palette_run)


def _scope(scope: str, *actions: Action) -> tuple[Action, ...]:
    return tuple(Action(a.id, a.keys, a.run, a.label, a.text, a.shows, scope, a.title, a.palette_run)
                 for a in actions)


# scope: (the help screen's heading, where the keys are bound). The help shows
# the sections in this order.
SCOPES: dict[str, tuple[str, str]] = {
    "app": ("Everywhere", "the app"),
    "triage": ("Triage (publish, unpublish and the topic keys act on the marked items, if any)",
               "the app"),
    "reading": ("Reading (your own marks: read, unread, saved)", "the app"),
    "list": ("Every list (articles, topics, related items, load report, audit log)", "every list"),
    "articles": ("Article list", "the article list"),
    "scroll": ("Item, preview and this help", "every text pane"),
    "search": ("Search bar", "the search bar"),
    "preview": ("Preview tab", "the preview tab"),
    "preview_screen": ("Full-screen preview", "the full-screen preview"),
    "help": ("This help", "the help screen"),
    "report": ("Load report", "the load report"),
    "audit": ("Audit log", "the audit log"),
    "topic": ("Topic prompt", "the topic prompt"),
}

# Scopes whose keys are live at the same time (the focused widget's scope, its
# screen's and the app's): one key for two actions there is a clash.
TOGETHER: tuple[frozenset[str], ...] = tuple(frozenset(s) for s in (
    ("app", "triage", "reading", "list", "articles"),
    ("app", "triage", "reading", "scroll", "preview"),
    ("app", "triage", "reading", "scroll", "preview_screen"),
    ("app", "triage", "reading", "search"),
    ("help", "scroll"),
    ("report", "list"),
    ("audit", "list"),
    ("topic",),
))

ACTIONS: tuple[Action, ...] = (
    # The footer shows the FOOTER actions in this order (DESK ones first, at the desk).
    *_scope(
        "triage",
        A("triage.publish", "P", "triage('publish')", "Publish",
          "Publish the item (with marks: every marked item)", DESK, ESSENTIAL, PALETTE),
        A("triage.unpublish", "U", "triage('unpublish')", "Unpublish",
          "Unpublish the item (with marks: every marked item)", DESK, ESSENTIAL, PALETTE),
        A("triage.add_topic", "plus", "triage('add_topic')", "Topic",
          "Add a topic to the item (with marks: to every marked item)", DESK, ESSENTIAL, PALETTE,
          title="Add topic"),
        A("triage.remove_topic", "minus", "triage('remove_topic')", "Untopic",
          "Remove one of the item's topics (or of the marked items)", PALETTE, title="Remove topic"),
        A("triage.undo", "ctrl+z", "triage('undo')", "Undo",
          "Undo this session's last change (again: the one before)", DESK, ESSENTIAL, PALETTE),
        A("triage.mark_all", "asterisk", "triage('mark_all')", "Mark all",
          "Mark every item shown (again: clear the marks)", PALETTE, title="Mark all shown"),
        A("triage.clear_marks", "", "triage('clear_marks')", "Clear marks", "Unmark every item",
          PALETTE),
        A("triage.queue", "i", "triage('queue')", "Queue",
          "The triage queue: unpublished items, hottest first", PALETTE, title="Triage queue"),
        A("triage.edit", "E", "triage('edit')", "Edit", "Open the item's file in $VISUAL or $EDITOR",
          PALETTE, title="Edit file"),
        A("triage.audit_log", "L", "triage('audit_log')", "Log",
          "The audit log: every change made to items, newest first", PALETTE, title="Audit log"),
    ),
    *_scope(
        "app",
        A("app.help", "question_mark", "help", "Help", "Show every key binding", FOOTER, ALWAYS, PALETTE,
          title="Key help"),
        A("app.quit", "q", "quit", "Quit", "Quit reader", FOOTER, ESSENTIAL),
        A("app.search", "slash", "search", "Search",
          "Search as you type: words, or a query like heat:>50 topic:AI (? in the bar: syntax)",
          FOOTER, ESSENTIAL, PALETTE),
        A("app.sort", "s", "cycle_sort", "Sort", "Next sort key: date, heat, quality, title, provider",
          FOOTER, ESSENTIAL, PALETTE, title="Next sort key"),
        A("app.reverse", "S", "reverse_sort", "Reverse", "Reverse the sort direction", PALETTE,
          title="Reverse sort"),
        *(A(f"app.sort_by_{key}", "", f"sort_by('{key}')", f"Sort by {key}",
            f"Sort the list by {key}", PALETTE)
          for key in ("date", "heat", "quality", "title", "provider")),
        A("app.topics", "t", "topics", "Topics", "Show and focus the topic sidebar", FOOTER, ESSENTIAL,
          PALETTE),
        A("app.toggle_sidebar", "T", "toggle_sidebar", "Sidebar", "Show or hide the topic sidebar",
          PALETTE, title="Toggle sidebar"),
        A("app.unpublished", "u", "toggle_unpublished", "Unpublished",
          "Only unpublished items (again: everything)", FOOTER, PALETTE, title="Unpublished only"),
        A("app.preview", "p", "preview", "Preview", "Preview the original article full screen",
          FOOTER, ESSENTIAL, PALETTE, title="Open preview"),
        A("app.refetch", "r", "refetch", "Refetch", "Fetch the preview again, bypassing the cache",
          FOOTER, PALETTE, title="Refetch preview"),
        A("app.open_link", "o", "open_link", "Open",
          "Open the item's first http(s) URL in a browser (over SSH: copy it with OSC 52)", PALETTE,
          title="Open URL"),
        A("app.copy_url", "y,c", "copy_url", "Copy URL",
          "Copy the item's first http(s) URL with OSC 52 (on the preview: the one it names)", PALETTE),
        A("app.load_report", "e", "load_report", "Errors", "Files that could not be read, with reasons",
          FOOTER, PALETTE, title="Load report"),
        A("app.zoom", "z", "zoom", "Zoom", "Give the detail pane the whole height (again: back)",
          FOOTER, PALETTE, title="Zoom detail"),
        A("app.list_only", "v", "list_only", "List only",
          "Hide the detail pane: headlines in the whole height, an arrow for the cursor "
          "(the fewest bytes per key on a slow link); again: back", FOOTER, PALETTE),
        A("app.save_view", "V", "save_view", "Save view",
          "Save the current query and sort as a view in the sidebar", PALETTE),
        A("app.stories", "equals_sign", "stories", "Stories",
          "Stories mode: one row per story, its best version with ×N (again: every item)", PALETTE,
          title="Stories mode"),
        # In stories mode, in the list: open or fold the story (elsewhere the key goes on).
        A("app.story_open", "right", "story_open(True)", "Open story",
          "Stories mode: list the story's versions under it", PALETTE, PRIORITY),
        A("app.story_fold", "left", "story_open(False)", "Fold story",
          "Stories mode: fold the story's versions again", PALETTE, PRIORITY),
        A("app.clear", "escape", "clear_filters", "Clear",
          "Clear search and filters (or close the sidebar)", PALETTE, title="Show everything"),
        A("app.command_palette", "ctrl+p", "command_palette", "palette",
          "The command palette: every action, and a jump to each topic", PRIORITY),
    ),
    *_scope(
        "reading",
        A("reading.next_unread", "n", "reading('next_unread')", "Next unread",
          "Move to the next unread item in the list (from the top after the last)", FOOTER, ESSENTIAL,
          PALETTE),
        A("reading.toggle_read", "N", "reading('toggle_read')", "Read/unread",
          "Mark the item read, or unread again", PALETTE, title="Read / unread"),
        A("reading.mark_all_read", "A", "reading('mark_all_read')", "All read",
          "Mark every item shown in the list as read", PALETTE, title="Mark all shown read"),
        A("reading.toggle_saved", "B", "reading('toggle_saved')", "Save",
          "Save the item for later, or unsave it (the sidebar's Saved entry)", PALETTE,
          title="Save / unsave"),
        A("reading.unread_items", "", "show_state('is:unread')", "Unread items",
          "Only the items not read yet (is:unread)", PALETTE),
        A("reading.saved_items", "", "show_state('is:saved')", "Saved items",
          "Only the items saved (is:saved)", PALETTE),
    ),
    *_scope(
        "list",
        A("list.down", "j,down", "cursor_down", "Down", "Down"),
        A("list.up", "k,up", "cursor_up", "Up", "Up"),
        A("list.page_down", "pagedown,f,ctrl+f", "page_down", "Page down", "Page down"),
        A("list.page_up", "pageup,b,ctrl+b", "page_up", "Page up", "Page up"),
        A("list.first", "home,g", "first", "First", "First"),
        A("list.last", "end,G", "last", "Last", "Last"),
    ),
    *_scope(
        "articles",
        A("list.mark", "space", "toggle_mark", "Mark",
          "Mark or unmark the item and move to the next one", DESK, ESSENTIAL, PALETTE,
          title="Mark / unmark", palette_run="triage('toggle_mark_here')"),
        A("list.select", "enter", "select", "Open", "Open the item: focus its related items"),
    ),
    *_scope(
        "scroll",
        A("scroll.down", "j,down", "scroll_down", "Down", "Down"),
        A("scroll.up", "k,up", "scroll_up", "Up", "Up"),
        A("scroll.page_down", "pagedown,space,f,ctrl+f", "page_down", "Page down", "Page down"),
        A("scroll.page_up", "pageup,b,ctrl+b", "page_up", "Page up", "Page up"),
        A("scroll.top", "home,g", "scroll_home", "Top", "Top"),
        A("scroll.bottom", "end,G", "scroll_end", "Bottom", "Bottom"),
    ),
    *_scope(
        "search",
        A("search.clear", "escape", "clear", "Clear search", "Clear the search", FOOTER),
        A("search.done", "down", "done", "To list", "Back to the list, keeping the search"),
        A("search.complete", "tab", "complete", "Complete", "Complete a field name or value"),
    ),
    *_scope(
        "preview",
        A("preview.full", "enter", "app.preview", "Full screen", "Open the preview full screen",
          FOOTER),
    ),
    *_scope(
        "preview_screen",
        A("preview.close", "escape,q,p", "dismiss", "Back", "Back to the list", FOOTER),
    ),
    *_scope("help", A("help.close", "escape,q,question_mark", "dismiss", "Close", "Close", FOOTER)),
    *_scope("report", A("report.close", "escape,q,e", "dismiss", "Close", "Close", FOOTER)),
    *_scope("audit", A("audit.close", "escape,q,L", "dismiss", "Close", "Close", FOOTER)),
    *_scope(
        "topic",
        A("topic.cancel", "escape", "cancel", "Cancel", "Cancel", FOOTER),
        A("topic.next", "down", "pick(1)", "Next match", "Next match"),
        A("topic.previous", "up", "pick(-1)", "Previous match", "Previous match"),
        A("topic.complete", "tab", "complete", "Complete", "Complete the topic", FOOTER),
    ),
)

BY_ID: dict[str, Action] = {a.id: a for a in ACTIONS}


def in_scope(scope: str) -> tuple[Action, ...]:
    """The scope's actions, in table order."""
    if scope not in SCOPES:
        raise KeyError(scope)
    return tuple(a for a in ACTIONS if a.scope == scope)
