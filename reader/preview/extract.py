"""HTML (or plain text) -> a readable ``Article`` made of structural blocks.

The main extractor is trafilatura (precision mode, comments excluded). Its
result is checked against a cheap signal: when it covers much less than the
page's paragraph text, the article may continue in a container trafilatura
did not pick (split article bodies), so readability-lxml is tried as well and
kept only when it finds clearly more text *and* contains what trafilatura
found. When trafilatura finds nothing usable, readability is tried too, and
its result is kept only when it reads like prose (:mod:`~reader.preview.extract_fallback`).
Figures for every variant are produced by ``bench/extraction.py``.

The article model and its text shaping live in :mod:`~reader.preview.article`,
the tree-to-blocks walk in :mod:`~reader.preview.extract_blocks` and plain text
in :mod:`~reader.preview.extract_plain`; their public names are importable from
here as before.

Every string stored in an ``Article``/``Block`` has gone through
``reader.core.sanitize.sanitize``. ``extract_article`` never raises: any
problem with the input (garbage bytes, absurd nesting, empty documents)
yields ``None``. This module does not import Textual; the heavy extraction
libraries are imported lazily, on first use.
"""

from __future__ import annotations

import re
from typing import Any

from reader.preview.article import MIN_WORDS, Article, Block, count_words, make_article
from reader.preview.extract_blocks import tree_to_blocks
from reader.preview.extract_fallback import second_opinion
from reader.preview.extract_plain import text_to_article

__all__ = ["MIN_WORDS", "Article", "Block", "count_words", "extract_article", "text_to_article", "tree_to_blocks"]

_TRAFILATURA_OPTIONS: dict[str, Any] = dict(
    favor_precision=True,
    include_comments=False,
    include_tables=True,
    include_images=False,
    include_links=False,
    with_metadata=True,
    output_format="python",
)

# Pages with more elements than this (real article pages have a few thousand at
# most) skip trafilatura's internal second opinion, metadata and readability:
# each of them costs seconds on a 40,000-element page.
_LARGE_PAGE_ELEMENTS = 8000


def extract_article(html: str | bytes, url: str | None = None) -> Article | None:
    """The readable article of an HTML page, or ``None`` when there is none
    (empty page, login wall, fewer than ``MIN_WORDS`` words of article text,
    undecodable input). Never raises."""
    try:
        return _extract(html, url)
    except Exception:  # RecursionError, MemoryError from lxml, library bugs ...
        return None


_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*|!doctype)[\s/>]", re.I)
_DOCUMENT_TAG = re.compile(r"<(?:html|body|head)[\s>]", re.I)
_BINARY = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def _decode(html: str | bytes) -> str | None:
    """The page as text ready for parsing, or ``None`` when it is not HTML."""
    if isinstance(html, (bytes, bytearray, memoryview)):
        from trafilatura.utils import decode_file

        html = decode_file(bytes(html))
    if not isinstance(html, str) or not html.strip():
        return None
    sample = html[:65536]
    # Binary data decoded as text is full of controls and replacement characters.
    if len(_BINARY.findall(sample)) > 0.02 * len(sample):
        return None
    if not _TAG.search(sample):
        return None  # not markup at all (text/plain goes to text_to_article)
    # NUL bytes make lxml drop everything after them.
    html = html.replace("\x00", "")
    if not _DOCUMENT_TAG.search(sample):
        html = f"<html><body>{html}</body></html>"  # a fragment
    return html


def _extract(html: str | bytes, url: str | None) -> Article | None:
    import trafilatura
    from trafilatura.utils import load_html

    text = _decode(html)
    if text is None:
        return None
    tree = load_html(text)
    if tree is None:
        return None
    page_words = _paragraph_words(tree)
    large = sum(1 for _ in tree.iter()) > _LARGE_PAGE_ELEMENTS
    options = dict(_TRAFILATURA_OPTIONS, fast=True, with_metadata=False) if large else _TRAFILATURA_OPTIONS

    doc = trafilatura.bare_extraction(tree, url=url, **options)
    body = getattr(doc, "body", None)  # a Document (output_format="python")
    blocks: list[Block] = tree_to_blocks(body, tei=True) if body is not None else []
    title = getattr(doc, "title", None)
    author = getattr(doc, "author", None)
    date = getattr(doc, "date", None)

    if not large:
        blocks = second_opinion(text, blocks, page_words)
    if not title:
        title = _page_title(tree)
    return make_article(blocks, title, author, date)


def _paragraph_words(tree) -> int:
    return len(" ".join(tree.xpath("//p//text()")).split())


def _page_title(tree) -> str | None:
    found = tree.xpath("//meta[@property='og:title']/@content") or tree.xpath("//title/text()")
    return found[0] if found else None

