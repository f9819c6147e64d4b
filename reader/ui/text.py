"""Building display text from untrusted strings: always ``Content``, never markup.

Everything from a file or the network is already sanitised by the core; these
helpers make sure it reaches Textual as literal ``Content`` so ``[...]`` in a
title is shown as written and can never become a ``@click`` action.
"""

from __future__ import annotations

from textual.content import Content
from textual.style import Style

from reader.core.links import is_web_link
from reader.core.sanitize import sanitize


def plain(value: object, *, multiline: bool = False) -> Content:
    """Literal content from an untrusted value."""
    return Content(sanitize(value, multiline=multiline))


def styled(value: object, style: str) -> Content:
    return Content.styled(sanitize(value), style)


def link(url: str, label: str | None = None) -> Content:
    """An OSC 8 hyperlink showing the URL text, for http(s) URLs only.

    Anything else (``file:``, ``javascript:``, ``data:``, text that is no URL)
    is shown as plain text: no link, nothing a click could open.
    """
    safe = sanitize(url)
    text = sanitize(label) if label else safe
    if not is_web_link(url):
        return Content(text)
    return Content.styled(text, Style(link=safe, underline=True))
