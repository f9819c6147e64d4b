"""The app's footer: Textual's Footer, built again once per burst of binding
changes, with only the keys that fit its line.

Textual's Footer rebuilds all its keys (a widget each) after every change of
the screen's bindings, and a start changes them several times in a row (the
focus moves to the list, the sidebar and the list get their options, the
desk keys follow the view): five rebuilds of some twenty keys each, after the
first frame but before the load could start. One rebuild, after the last
change that came before a refresh, shows the same keys.

A line too short for every key (80 columns, or the triage desk's longer
list) cuts none in half: it drops whole keys, the least important first (the
action table's ``footer_rank``: reader.core.actions), so Help (which lists
every key) and the most used keys stay. A resize that changes what fits
builds the footer again; one that does not, does nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from reader.core.actions import ACTIONS, in_scope

# The footer's action string (a binding's, or a desk copy's: reader.ui.keys) -> its rank.
_RANKS: dict[str, int] = {
    **{a.run: a.footer_rank for a in ACTIONS if a.footer or a.desk},
    **{f"desk({a.run!r})": a.footer_rank for a in ACTIONS if a.desk},
}

# The app's footer keys in the table's order (desk copies first, as in reader.ui.keys):
# a key remapped in config.toml comes last among Textual's bindings; it goes back here.
_APP_SCOPES = [a for scope in ("triage", "app", "reading") for a in in_scope(scope) if a.keys]
_APP_ORDER: dict[str, int] = {run: i for i, run in enumerate(
    [f"desk({a.run!r})" for a in _APP_SCOPES if a.desk] + [a.run for a in _APP_SCOPES if a.footer])}


def in_table_order(actions: Sequence[str]) -> list[int]:
    """The indices of ``actions`` with the app's own keys in the table's order,
    in the places they take; the focused widget's keys stay where they are."""
    slots = [i for i, action in enumerate(actions) if action in _APP_ORDER]
    ordered = sorted(slots, key=lambda i: _APP_ORDER[actions[i]])
    order = list(range(len(actions)))
    for slot, i in zip(slots, ordered, strict=True):
        order[slot] = i
    return order


def fit(widths: Sequence[int], ranks: Sequence[int], room: int) -> list[int]:
    """The indices of the keys to show in ``room`` cells, in their order: keys
    go from the lowest rank up, each rank from the right; rank 2 never goes."""
    kept = list(range(len(widths)))
    used = sum(widths)
    for rank in (0, 1):
        for i in reversed(kept[:]):
            if used <= room:
                return kept
            if ranks[i] == rank:
                kept.remove(i)
                used -= widths[i]
    return kept


class KeyFooter(Footer):
    _rebuild_pending = False

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        # (width with its margin, rank) of each key the bindings offer, and the palette's width
        self._offered: list[tuple[int, int]] = []
        self._palette_width = 0
        self._shown: list[int] = []

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False  # a change from here on asks for another
        await self.recompose()

    def compose(self) -> ComposeResult:
        made = list(super().compose())
        if not all(isinstance(w, FooterKey) for w in made):
            self._offered = []
            yield from made  # a binding group (none of ours): as Textual lays it out
            return
        keys = [w for w in made if isinstance(w, FooterKey) and not w.has_class("-command-palette")]
        keys = [keys[i] for i in in_table_order([k.action for k in keys])]
        palette = [w for w in made if isinstance(w, FooterKey) and w.has_class("-command-palette")]
        margin = 1 if self.compact else 0
        self._offered = [(self._width_of(k) + margin, _RANKS.get(k.action, 0)) for k in keys]
        self._palette_width = sum(self._width_of(p) + 1 for p in palette)  # + its left border
        self._shown = self._fit(self.app.size.width)
        yield from (keys[i] for i in self._shown)
        yield from palette

    def _width_of(self, key: FooterKey) -> int:
        """Cells of a key as FooterKey renders it: the key, a space, the label
        (the footer that is not compact pads the key and the label more)."""
        extra = 0 if self.compact else 2
        return cell_len(key.key_display) + 1 + cell_len(key.description) + extra

    def _fit(self, width: int) -> list[int]:
        widths = [w for w, _ in self._offered]
        ranks = [r for _, r in self._offered]
        return fit(widths, ranks, width - self._palette_width)

    def on_resize(self, event: events.Resize) -> None:
        if self._offered and self._fit(event.size.width) != self._shown and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

