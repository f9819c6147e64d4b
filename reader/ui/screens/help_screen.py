"""A screen listing every key binding of the app and its panes."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from reader.ui.widgets.reading_scroll import ReadingScroll


def _key_label(app: App[object], key: str) -> str:
    return ", ".join(app.get_key_display(Binding(k.strip(), "")) for k in key.split(","))


def bindings_content(app: App[object], sections: Sequence[tuple[str, Sequence[Binding]]]) -> Content:
    lines: list[Content] = []
    for title, bindings in sections:
        lines.append(Content.styled(title, "bold $accent"))
        for b in bindings:
            if not b.description:
                continue
            keys = _key_label(app, b.key)
            lines.append(Content.assemble((f"  {keys:<14}", "bold"), b.tooltip or b.description))
        lines.append(Content(""))
    lines.append(Content.styled("Ctrl+P opens the command palette: every action is there too.",
                                "$text-muted"))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, sections: Sequence[tuple[str, Sequence[Binding]]]) -> None:
        super().__init__()
        self._sections = sections

    def compose(self) -> ComposeResult:
        with ReadingScroll(id="help-body") as scroll:
            scroll.border_title = "Keys"
            yield Static(bindings_content(self.app, self._sections))
        yield Footer()
