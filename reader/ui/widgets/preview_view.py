"""The preview tab: loading (spinner), the article, or the reason it failed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import LoadingIndicator, Static

from reader.core.sanitize import sanitize
from reader.ui.article_render import blocks_content, preview_header
from reader.ui.text import link


@dataclass(frozen=True)
class PreviewState:
    """What the preview pane shows. ``status``: idle, waiting, loading, ready, failed."""

    status: str = "idle"
    item_id: str | None = None
    title: str | None = None
    provider: str | None = None
    preview: Any = None  # reader.preview.service.Preview
    failure: Any = None  # reader.preview.service.PreviewFailed
    message: str = ""


def failure_content(failure: Any) -> Content:
    lines = [Content.styled("Preview unavailable", "bold $error"),
             Content(sanitize(getattr(failure, "reason", str(failure))))]
    content_type = getattr(failure, "content_type", None)
    if content_type:
        size = getattr(failure, "size", None)
        lines.append(Content.assemble(
            ("Type: ", "$text-muted"), sanitize(content_type),
            f", {size:,} bytes" if isinstance(size, int) else "",
        ))
        url = getattr(failure, "url", None)
        if url:
            lines.append(Content.assemble(("Open or copy: ", "$text-muted"), link(url)))
            lines.append(Content.styled("press c to copy the URL", "$text-muted"))
    for kind, url, reason in getattr(failure, "attempts", ()) or ():
        lines.append(Content.assemble(
            ("  tried ", "$text-muted"), (sanitize(kind), "$text-muted"), " ",
            link(url), ("  " + sanitize(reason), "$text-muted"),
        ))
    lines.append(Content(""))
    lines.append(Content.styled("press r to retry", "$text-muted"))
    return Content("\n").join(lines)


class PreviewView(VerticalScroll, can_focus=True):
    """Shows ``state``; the app sets it (attributes down)."""

    BINDINGS = [
        Binding("enter", "app.preview", "Full screen", id="preview.full",
                tooltip="Open the preview full screen"),
    ]

    state: reactive[PreviewState] = reactive(PreviewState, always_update=True)

    def compose(self) -> ComposeResult:
        yield LoadingIndicator(id="preview-spinner")
        yield Static(id="preview-body")

    def watch_state(self, state: PreviewState) -> None:
        if not self.is_mounted:
            return
        spinner = self.query_one("#preview-spinner", LoadingIndicator)
        body = self.query_one("#preview-body", Static)
        spinner.display = state.status == "loading"
        if state.status == "ready" and state.preview is not None:
            body.update(Content("\n").join([
                preview_header(state.preview, state.title, state.provider),
                Content(""),
                blocks_content(state.preview.article),
            ]))
        elif state.status == "failed":
            body.update(failure_content(state.failure) if state.failure is not None
                        else Content(sanitize(state.message)))
        elif state.status == "loading":
            body.update(Content.styled("Fetching the original page…", "$text-muted"))
        else:
            body.update(Content.styled(sanitize(state.message) or "No preview yet.", "$text-muted"))
        self.scroll_home(animate=False)

    def on_mount(self) -> None:
        self.watch_state(self.state)
