"""The article preview, full screen and scrollable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from reader.ui.article_render import blocks_content, preview_header
from reader.ui.widgets.reading_scroll import ReadingScroll


class PreviewScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q,p", "dismiss", "Back", id="preview.close"),
    ]

    def __init__(self, preview, title: str | None, provider: str | None) -> None:
        super().__init__()
        self._content = Content("\n").join([
            preview_header(preview, title, provider), Content(""), blocks_content(preview.article)
        ])

    def compose(self) -> ComposeResult:
        with ReadingScroll(id="preview-full"):
            yield Static(self._content, id="preview-full-body")
        yield Footer()
