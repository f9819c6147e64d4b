"""What a page fetch is asked for and what it answers: the settings, the two results
(:class:`FetchOK`, :class:`FetchFailed`), the internal :class:`Failure` that carries a
reason up to ``fetch_page``, and the helpers that keep a reason short and terminal-safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reader import __version__
from reader.core.sanitize import sanitize

FAILURE_KINDS = (
    "timeout", "http_status", "blocked_address", "too_large", "not_html",
    "bad_url", "redirects", "network", "encoding",
)


def _default_user_agent() -> str:
    return f"reader/{__version__} (terminal news reader; article preview)"


@dataclass(frozen=True)
class FetchSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    deadline: float = 20.0  # the whole fetch, redirects included
    max_bytes: int = 5 * 1024 * 1024  # decoded (and raw) body size cap
    max_redirects: int = 5
    allow_private_hosts: bool = False
    proxy: str | None = None
    user_agent: str = field(default_factory=_default_user_agent)


@dataclass(frozen=True)
class FetchOK:
    url: str  # as requested
    final_url: str  # after redirects (host name form, never the pinned IP)
    status: int
    content_type: str  # lower-case mime type without parameters
    charset: str | None
    text: str | None  # decoded body for html/xhtml/plain
    size: int  # decoded body bytes
    is_parsable: bool  # True for HTML/XHTML (markup to extract from); False for text/plain


@dataclass(frozen=True)
class FetchFailed:
    url: str
    reason: str  # one line, human readable, terminal-safe
    kind: str  # one of FAILURE_KINDS
    status: int | None = None
    content_type: str | None = None
    size: int | None = None


class Failure(Exception):
    """Internal: carries a FetchFailed's fields up to fetch_page."""

    def __init__(self, kind: str, reason: str, *, status: int | None = None,
                 content_type: str | None = None, size: int | None = None) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.status = status
        self.content_type = content_type
        self.size = size


def short(value: object, limit: int = 120) -> str:
    text = sanitize(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def human_size(n: int | None) -> str:
    if n is None:
        return "unknown size"
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            break
    return f"{value:.1f} {unit}"
