"""The article preview, full screen and scrollable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from reader.ui.article_render import blocks_content, preview_header
from reader.ui.keys import bindings
from reader.ui.screens import SCREENS_CSS
from reader.ui.widgets.reading_scroll import ReadingScroll


class PreviewScreen(Screen[None]):
    CSS_PATH = SCREENS_CSS
    BINDINGS = bindings("preview_screen")

    def __init__(self, preview, title: str | None, provider: str | None) -> None:
        super().__init__()
        self._content = Content("\n").join([
            preview_header(preview, title, provider), Content(""), blocks_content(preview.article)
        ])

    def compose(self) -> ComposeResult:
        with ReadingScroll(id="preview-full"):
            yield Static(self._content, id="preview-full-body")
        yield Footer()
