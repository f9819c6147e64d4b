"""Which URLs may become a link, be copied or be opened: http and https only.

A URL from an item file is untrusted: ``file:``, ``javascript:`` or ``data:``
(or text that is no URL at all) is shown as plain text and never handed to a
terminal hyperlink, the clipboard or a browser. The app and the CLI ask here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789+-.")


def link_problem(url: object) -> str | None:
    """``None`` when ``url`` is an http(s) URL with a host, else why not (one short line)."""
    if not isinstance(url, str) or not url.strip():
        return "it is empty"
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in url):
        return "it contains spaces or control characters"
    scheme, colon, rest = url.partition(":")
    scheme = scheme.lower()
    if not colon or not scheme or not set(scheme) <= _SCHEME_CHARS or not scheme[0].isalpha():
        return "it is not a URL"
    if scheme not in WEB_SCHEMES:
        shown = scheme if len(scheme) <= 20 else scheme[:19] + "…"
        return f"it is a {shown}: link, not http or https"
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return "it is not a valid URL"
    if not rest.startswith("//") or not host:
        return "it has no host"
    return None


def is_web_link(url: object) -> bool:
    """True for an http(s) URL with a host: the only kind that becomes a link."""
    return link_problem(url) is None


@dataclass(frozen=True)
class LinkChoice:
    """The first usable of several (name, url) candidates, and why earlier ones were not."""

    chosen: tuple[str, str] | None = None
    skipped: tuple[tuple[str, str, str], ...] = field(default=())  # (name, url, reason)


def choose_link(candidates: Iterable[tuple[str, str]]) -> LinkChoice:
    """The first http(s) URL in order; the refused ones before it, each with the reason."""
    skipped: list[tuple[str, str, str]] = []
    for name, url in candidates:
        problem = link_problem(url)
        if problem is None:
            return LinkChoice((name, url), tuple(skipped))
        skipped.append((name, url, problem))
    return LinkChoice(None, tuple(skipped))
