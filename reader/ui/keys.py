"""Textual's side of the action table (``reader.core.actions``): the
``BINDINGS`` of each scope, the keys an action answers with the user's keymap
applied, and the palette's commands.

The ids are the table's, so one keymap entry (``list.down``...) remaps the key
in every list at once. An action shown at the triage desk (``DESK``) gets a
footer copy, id ``<id>.footer``, that runs ``desk(<action>)``: the app and the
article list enable it only at the desk, so elsewhere the key falls through to
the action itself.

Space marks an item in the article list (the triage desk's most frequent key),
so no list pages with it: PgDn, ``f`` and Ctrl+F page down in every list, as in
``less`` and vi; the text panes keep Space for paging as well (nothing to mark).
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.binding import Binding, BindingType

from reader.core.actions import ACTIONS, PRIORITY, Action, in_scope
from reader.core.keymap import effective_keys, key_text


def binding(action: Action) -> Binding:
    return Binding(action.keys, action.run, action.label, show=action.footer, id=action.id,
                   tooltip=action.text, priority=PRIORITY in action.shows)


def desk_copy(action: Action) -> Binding:
    """The footer's copy of a desk action, shown (and run) at the desk only."""
    return Binding(action.keys, f"desk({action.run!r})", action.label, id=f"{action.id}.footer",
                   tooltip=action.text)


def bindings(*scopes: str) -> list[BindingType]:
    """The BINDINGS for the scopes: desk copies first (footer order), then the actions.
    Actions reached from the palette only (no default key) have no binding."""
    actions = [a for scope in scopes for a in in_scope(scope)]
    return [*(desk_copy(a) for a in actions if a.desk and a.keys),
            *(binding(a) for a in actions if a.keys)]


def keys_shown(action: Action, keymap: Mapping[str, str]) -> str:
    """The keys, as written in config.toml, for the palette: ``P``, ``ctrl+z``, ``j, down``."""
    return ", ".join(key_text(k) for k in effective_keys(action, keymap))


def palette_actions() -> list[Action]:
    return [a for a in ACTIONS if a.palette]


# The shared key sets, for widgets built on Textual's own lists and scroll views.
LIST_KEYS = bindings("list")
SCROLL_KEYS = bindings("scroll")
