"""A screen listing every key of the app and its panes, from the action table
with the user's keymap applied (a remapped key shows as remapped)."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from reader.core.actions import BY_ID, SCOPES, in_scope
from reader.core.keymap import effective_keys
from reader.ui.keys import bindings
from reader.ui.screens import SCREENS_CSS
from reader.ui.widgets.reading_scroll import ReadingScroll


def _key_label(app: App[object], keys: tuple[str, ...]) -> str:
    return ", ".join(app.get_key_display(Binding(k, "")) for k in keys)


def help_content(app: App[object], keymap: Mapping[str, str]) -> Content:
    lines: list[Content] = []
    for scope, (title, _) in SCOPES.items():
        rows = [(effective_keys(a, keymap), a.text) for a in in_scope(scope)]
        rows = [(keys, text) for keys, text in rows if keys]
        if not rows:
            continue
        lines.append(Content.styled(title, "bold $accent"))
        for keys, text in rows:
            lines.append(Content.assemble((f"  {_key_label(app, keys):<14}", "bold"), text))
        lines.append(Content(""))
    palette = _key_label(app, effective_keys(BY_ID["app.command_palette"], keymap))
    lines.append(Content.styled(f"{palette} opens the command palette: every action is there too.",
                                "$text-muted"))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    CSS_PATH = SCREENS_CSS
    BINDINGS = bindings("help")

    def __init__(self, keymap: Mapping[str, str]) -> None:
        super().__init__()
        self._keymap = keymap

    def compose(self) -> ComposeResult:
        with ReadingScroll(id="help-body") as scroll:
            scroll.border_title = "Keys"
            yield Static(help_content(self.app, self._keymap))
        yield Footer()
