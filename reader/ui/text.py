"""Building display text from untrusted strings: always ``Content``, never markup.

Everything from a file or the network is already sanitised by the core; these
helpers make sure it reaches Textual as literal ``Content`` so ``[...]`` in a
title is shown as written and can never become a ``@click`` action.
"""

from __future__ import annotations

from textual.content import Content
from textual.style import Style

from reader.core.sanitize import sanitize


def plain(value: object, *, multiline: bool = False) -> Content:
    """Literal content from an untrusted value."""
    return Content(sanitize(value, multiline=multiline))


def styled(value: object, style: str) -> Content:
    return Content.styled(sanitize(value), style)


def link(url: str, label: str | None = None) -> Content:
    """An OSC 8 hyperlink showing the URL text (the URL was checked free of controls)."""
    safe = sanitize(url)
    return Content.styled(sanitize(label) if label else safe, Style(link=safe, underline=True))
