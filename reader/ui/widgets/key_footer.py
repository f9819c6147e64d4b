"""The app's footer: Textual's Footer, built again once per burst of binding changes.

Textual's Footer rebuilds all its keys (a widget each) after every change of
the screen's bindings, and a start changes them several times in a row (the
focus moves to the list, the sidebar and the list get their options, the
desk keys follow the view): five rebuilds of some twenty keys each, after the
first frame but before the load could start. One rebuild, after the last
change that came before a refresh, shows the same keys.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    _rebuild_pending = False

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
