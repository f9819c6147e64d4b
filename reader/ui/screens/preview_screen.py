"""The article preview, full screen and scrollable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from reader.ui.article_render import blocks_content, preview_header


class PreviewScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q,p", "dismiss", "Back", id="preview.close"),
        Binding("j", "scroll_down", "Down", show=False, id="preview.down"),
        Binding("k", "scroll_up", "Up", show=False, id="preview.up"),
        Binding("space", "page_down", "Page down", show=False, id="preview.page_down"),
    ]

    def __init__(self, preview, title: str | None, provider: str | None) -> None:
        super().__init__()
        self._content = Content("\n").join([
            preview_header(preview, title, provider), Content(""), blocks_content(preview.article)
        ])

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="preview-full"):
            yield Static(self._content, id="preview-full-body")
        yield Footer()

    def _scroller(self) -> VerticalScroll:
        return self.query_one("#preview-full", VerticalScroll)

    def action_scroll_down(self) -> None:
        self._scroller().scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self._scroller().scroll_up(animate=False)

    def action_page_down(self) -> None:
        self._scroller().scroll_page_down(animate=False)
