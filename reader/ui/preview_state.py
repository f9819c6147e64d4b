"""What the preview pane shows (``PreviewState``) and the link it is about.

Apart from the pane (``reader.ui.widgets.preview_view``), which is mounted and
imported after the first frame: the preview flow holds a state from the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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


def offered_link(failure: Any) -> tuple[str, str] | None:
    """The document a failure offers to open or copy, as (URL name, url); http(s) only."""
    from reader.core.links import is_web_link

    url = getattr(failure, "url", None)
    if not is_web_link(url):
        return None
    attempts = getattr(failure, "attempts", ()) or ()
    kind = next((str(kind) for kind, tried, _ in attempts if tried == url), "URL")
    return kind, str(url)


def shown_link(state: PreviewState) -> tuple[str, str] | None:
    """The URL the pane is about, as (URL name, url): what ``c`` copies on this tab."""
    if state.status == "ready" and state.preview is not None:
        return (state.preview.source_url_kind, state.preview.url)
    if state.status == "failed" and state.failure is not None:
        return offered_link(state.failure)
    return None
