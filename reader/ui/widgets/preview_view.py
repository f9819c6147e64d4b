"""The preview tab: loading (spinner), the article, or the reason it failed."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import LoadingIndicator, Static

from reader.core.sanitize import sanitize
from reader.ui.article_render import blocks_content, preview_header
from reader.ui.keys import bindings
from reader.ui.preview_state import PreviewState, offered_link, shown_link
from reader.ui.text import link, plain
from reader.ui.widgets.reading_scroll import ReadingScroll

__all__ = ["PreviewState", "PreviewView", "failure_content", "offered_link", "shown_link"]


def failure_content(failure: Any) -> Content:
    """Why the preview failed: each URL tried on its own line with its own reason,
    then the document it found (if any) to open or copy."""
    muted = "$text-muted"
    lines = [Content.styled("Preview unavailable", "bold $error")]
    attempts = getattr(failure, "attempts", ()) or ()
    if not attempts:
        lines.append(plain(getattr(failure, "reason", str(failure))))
    for kind, url, reason in attempts:
        lines.append(Content.assemble((sanitize(kind), "bold"), "  ", link(url)))
        lines.append(Content.assemble("  ", plain(reason)))
    offer = offered_link(failure)
    if offer is not None:
        name, url = offer
        content_type = getattr(failure, "content_type", None)
        size = getattr(failure, "size", None)
        what = ", ".join(x for x in (
            sanitize(content_type) if content_type else "",
            f"{size:,} bytes" if isinstance(size, int) else "",
        ) if x)
        lines += [
            Content(""),
            Content.assemble(("Open or copy the document at ", muted), (sanitize(name), "bold"),
                             (f" ({what}):" if what else ":", muted)),
            Content.assemble("  ", link(url)),
            Content.styled("press o to open this URL, y to copy it, r to retry", muted),
        ]
    else:
        lines += [Content(""), Content.styled("press r to retry", muted)]
    return Content("\n").join(lines)


class PreviewView(ReadingScroll):
    """Shows ``state``; the app sets it (attributes down)."""

    BINDINGS = bindings("preview")

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
