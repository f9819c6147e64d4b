"""HTML (or plain text) -> a readable ``Article`` made of structural blocks.

The main extractor is trafilatura (precision mode, comments excluded). Its
result is checked against a cheap signal: when it covers much less than the
page's paragraph text, the article may continue in a container trafilatura
did not pick (split article bodies), so readability-lxml is tried as well and
kept only when it finds clearly more text *and* contains what trafilatura
found. When trafilatura finds nothing usable, readability is tried too, and
its result is kept only when it reads like prose. Figures for every variant
are produced by ``bench/extraction.py``.

Every string stored in an ``Article``/``Block`` has gone through
``reader.core.sanitize.sanitize``. ``extract_article`` never raises: any
problem with the input (garbage bytes, absurd nesting, empty documents)
yields ``None``. This module does not import Textual; the heavy extraction
libraries are imported lazily, on first use.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reader.core.sanitize import sanitize

__all__ = ["MIN_WORDS", "Article", "Block", "count_words", "extract_article", "text_to_article", "tree_to_blocks"]

# readability-lxml logs through "readability.readability" without a handler of
# its own; without one, Python's last-resort handler would print warnings to
# stderr, i.e. across the terminal UI. (trafilatura and htmldate add theirs.)
logging.getLogger("readability").addHandler(logging.NullHandler())

MIN_WORDS = 40
"""Below this many words of article text, a page has nothing readable."""

WORDS_PER_MINUTE = 230

BLOCK_KINDS = ("heading", "paragraph", "list_item", "quote", "code")


# --------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------

# CJK scripts are written without spaces: count each ideograph/kana as half a
# word so word counts and reading times stay meaningful for them.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_WORD = re.compile(f"[^\\W{_CJK}]+")


def count_words(text: str) -> int:
    """Words in ``text`` (runs of word characters; two CJK characters count as one)."""
    if not text:
        return 0
    cjk = len(_CJK_CHAR.findall(text))
    return len(_WORD.findall(text)) + (cjk + 1) // 2


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of an article: ``kind`` is one of ``BLOCK_KINDS``.

    ``level`` is the heading level (1-6) for headings, the nesting depth
    (0 = top level) for list items, and 0 otherwise. Code keeps its line
    structure as one ``code`` block per line.
    """

    kind: str
    text: str
    level: int = 0


@dataclass(frozen=True, slots=True)
class Article:
    title: str | None
    text: str  # plain text, paragraphs separated by blank lines
    blocks: tuple[Block, ...]
    author: str | None = None
    date: str | None = None

    @property
    def word_count(self) -> int:
        return count_words(self.text)

    def reading_minutes(self) -> int:
        """Estimated reading time at ~230 words a minute, at least 1."""
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    def to_markdown(self) -> str:
        """The article as Markdown: title as ``#``, then the blocks."""
        out: list[str] = []
        if self.title:
            out.append(f"# {_md_escape(self.title)}")
        previous: str | None = None
        for block in self.blocks:
            if block.kind == "code":
                if previous == "code":
                    out[-1] += "\n" + block.text
                else:
                    out.append(block.text)
                previous = "code"
                continue
            if previous == "code":
                out[-1] = f"```\n{out[-1]}\n```"
            if block.kind == "heading":
                level = min(6, max(1, block.level or 2))
                out.append(f"{'#' * level} {_md_escape(block.text)}")
            elif block.kind == "list_item":
                line = f"{'  ' * max(0, block.level)}- {_md_escape(block.text)}"
                if previous == "list_item":
                    out[-1] += "\n" + line
                else:
                    out.append(line)
            elif block.kind == "quote":
                out.append(f"> {_md_escape(block.text)}")
            else:
                out.append(_md_escape(block.text))
            previous = block.kind
        if previous == "code":
            out[-1] = f"```\n{out[-1]}\n```"
        return "\n\n".join(out) + "\n" if out else ""


_MD_LEADING = re.compile(r"^(\s*)([#>*+\-=|]|\d+[.)])")


def _md_escape(text: str) -> str:
    """Keep a block's first characters from being read as Markdown syntax."""
    return _MD_LEADING.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text, count=1)


def _join_blocks(blocks: Iterable[Block]) -> str:
    """Plain text: blocks separated by blank lines; list items and code lines
    of one run by single newlines."""
    parts: list[str] = []
    previous: str | None = None
    for block in blocks:
        if block.kind == "list_item":
            line = f"{'  ' * max(0, block.level)}• {block.text}"
        else:
            line = block.text
        if previous is not None and block.kind == previous and block.kind in ("list_item", "code"):
            parts[-1] += "\n" + line
        else:
            parts.append(line)
        previous = block.kind
    return "\n\n".join(parts)


def _clean(value: object) -> str:
    """Single-line sanitised text with whitespace runs collapsed."""
    if value is None:
        return ""
    return sanitize(" ".join(str(value).split()), multiline=False).strip()


def _make_article(
    blocks: list[Block],
    title: str | None = None,
    author: str | None = None,
    date: str | None = None,
    min_words: int = MIN_WORDS,
) -> Article | None:
    title = _clean(title) or None
    # A leading heading that repeats the title is shown by the title already.
    if title and blocks and blocks[0].kind == "heading" and _same_text(blocks[0].text, title):
        blocks = blocks[1:]
    blocks = [b for b in blocks if b.text or b.kind == "code"]
    while blocks and blocks[-1].kind == "code" and not blocks[-1].text:
        blocks.pop()
    text = _join_blocks(blocks)
    if count_words(text) < min_words:
        return None
    return Article(
        title=title,
        text=text,
        blocks=tuple(blocks),
        author=_clean(author) or None,
        date=_clean(date) or None,
    )


def _same_text(a: str, b: str) -> bool:
    return _WORD.findall(a.casefold()) == _WORD.findall(b.casefold())


# --------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def text_to_article(text: str | bytes, url: str | None = None) -> Article | None:
    """A ``text/plain`` body as an Article: paragraphs split on blank lines,
    hard-wrapped lines joined, bullet lines as list items, ``#`` lines as
    headings, ``>`` lines as quotes. ``None`` when there is no text at all."""
    try:
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8", errors="replace")
        if not isinstance(text, str):
            return None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        blocks: list[Block] = []
        for chunk in re.split(r"\n\s*\n", text):
            lines = [ln for ln in chunk.split("\n") if ln.strip()]
            if not lines:
                continue
            if all(_BULLET.match(ln) for ln in lines):
                for ln in lines:
                    indent = len(ln) - len(ln.lstrip())
                    item = _clean(_BULLET.sub("", ln, count=1))
                    if item:
                        blocks.append(Block("list_item", item, min(indent // 2, 6)))
                continue
            heading = _HEADING.match(lines[0]) if len(lines) == 1 else None
            if heading:
                blocks.append(Block("heading", _clean(heading.group(2)), len(heading.group(1))))
            elif all(ln.lstrip().startswith(">") for ln in lines):
                quote = _clean(" ".join(ln.lstrip()[1:] for ln in lines))
                if quote:
                    blocks.append(Block("quote", quote))
            else:
                para = _clean(" ".join(lines))
                if para:
                    blocks.append(Block("paragraph", para))
        return _make_article(blocks, min_words=1)
    except Exception:
        return None


# --------------------------------------------------------------------------
# Tree -> blocks (trafilatura's XML body and readability's HTML alike)
# --------------------------------------------------------------------------

_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_LISTS = {"ul", "ol", "list", "dl", "menu"}
_ITEMS = {"li", "item", "dt", "dd"}
_QUOTES = {"blockquote", "quote"}
_TABLES = {"table"}
_ROWS = {"tr", "row"}
_CELLS = {"td", "th", "cell"}
_BREAKS = {"br", "lb"}
_SKIP = {
    "script", "style", "noscript", "template", "head", "title", "meta", "link",
    "graphic", "img", "figure", "figcaption", "picture", "svg", "video", "audio",
    "iframe", "object", "embed", "button", "input", "select", "textarea",
    "nav", "footer", "aside", "caption",
}
# Elements whose content starts a new block of its own.
_PARAGRAPHS = {
    "p", "div", "section", "article", "main", "header", "body", "html", "center",
    "address", "details", "summary", "hr", "fieldset", "tbody", "thead", "tfoot",
}
_MAX_DEPTH = 200


class _Builder:
    """Walks an element tree and emits ``Block``s.

    Text accumulates in a buffer that belongs to the innermost open block
    context (paragraph, list item, quote or heading); block-level elements
    flush it. Inline elements (links, emphasis, spans ...) only contribute
    their text.
    """

    def __init__(self, tei: bool = False) -> None:
        # trafilatura's XML calls headings <head rend="h2">; in HTML <head> is metadata
        self.skip = _SKIP - {"head"} if tei else _SKIP
        self.tei = tei
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.kind = "paragraph"
        self.level = 0
        self.list_depth = -1
        self.in_inline_block = False  # inside p/li/heading: <br> is a space

    def flush(self) -> None:
        if self.buffer:
            text = _clean("".join(self.buffer))
            self.buffer.clear()
            if text:
                self.blocks.append(Block(self.kind, text, self.level))

    def run(self, root) -> list[Block]:
        self.walk_children(root, 0)
        self.flush()
        return self.blocks

    def walk_children(self, el, depth: int) -> None:
        if el.text:
            self.buffer.append(el.text)
        for child in el:
            self.walk(child, depth + 1)
            if child.tail:
                self.buffer.append(child.tail)

    def _context(self, kind: str, level: int, el, depth: int, inline: bool) -> None:
        """Walk ``el``'s content as a block of ``kind``, then restore."""
        self.flush()
        saved = (self.kind, self.level, self.in_inline_block)
        self.kind, self.level, self.in_inline_block = kind, level, inline
        self.walk_children(el, depth)
        self.flush()
        self.kind, self.level, self.in_inline_block = saved

    def walk(self, el, depth: int) -> None:
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions
            return
        tag = tag.rsplit("}", 1)[-1].lower()
        if tag in self.skip:
            return
        if depth > _MAX_DEPTH:
            self.buffer.append(" " + " ".join(el.itertext()) + " ")
            return
        if tag in _BREAKS:
            if self.in_inline_block:
                self.buffer.append(" ")
            else:
                self.flush()
            return
        if tag in _HEADINGS or (self.tei and tag == "head"):
            level = _HEADINGS.get(tag) or _HEADINGS.get((el.get("rend") or "").lower(), 2)
            self.flush()
            text = _clean(" ".join(el.itertext()))
            if text:
                self.blocks.append(Block("heading", text, level))
            return
        if tag == "pre" or (tag == "code" and not self.in_inline_block):
            code = "".join(el.itertext())
            # trafilatura marks code blocks; in HTML a lone <code> may be inline
            if tag == "pre" or self.tei or "\n" in code.strip("\n"):
                self.flush()
                for line in code.strip("\n").split("\n"):
                    line = line.rstrip().expandtabs(4)
                    self.blocks.append(Block("code", sanitize(line, multiline=False)))
                return
        if tag in _LISTS:
            self.flush()
            self.list_depth += 1
            try:
                self.walk_children(el, depth)
                self.flush()
            finally:
                self.list_depth -= 1
            return
        if tag in _ITEMS:
            if self.kind == "quote":
                self._context("quote", 0, el, depth, True)
            else:
                self._context("list_item", max(self.list_depth, 0), el, depth, True)
            return
        if tag in _QUOTES:
            self._context("quote", 0, el, depth, False)
            return
        if tag in _TABLES:
            self.flush()
            self.table(el)
            return
        if tag in _PARAGRAPHS:
            if self.kind in ("paragraph", "quote"):
                self._context(self.kind, self.level, el, depth, tag == "p")
            else:  # a <p> inside a list item stays part of that item
                self.buffer.append(" ")
                self.walk_children(el, depth)
                self.buffer.append(" ")
            return
        self.walk_children(el, depth)

    def table(self, table) -> None:
        kind = "quote" if self.kind == "quote" else "paragraph"
        for row in table.iter():
            tag = row.tag if isinstance(row.tag, str) else ""
            if tag.rsplit("}", 1)[-1].lower() not in _ROWS:
                continue
            cells = []
            for cell in row:
                ctag = cell.tag if isinstance(cell.tag, str) else ""
                if ctag.rsplit("}", 1)[-1].lower() in _CELLS:
                    text = _clean(" ".join(cell.itertext()))
                    if text:
                        cells.append(text)
            if cells:
                self.blocks.append(Block(kind, " | ".join(cells)))


def tree_to_blocks(root, tei: bool = False) -> list[Block]:
    """Blocks of an lxml element tree: HTML, or trafilatura's XML with ``tei``."""
    return _Builder(tei).run(root)


# --------------------------------------------------------------------------
# HTML extraction
# --------------------------------------------------------------------------

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

# Readability is consulted when trafilatura's text covers less than this share
# of all the page's <p> text (and that text is substantial) ...
_COVERAGE_TRIGGER = 0.5
_COVERAGE_MIN_PAGE_WORDS = 200
# ... and adopted when it finds this much more text and contains most of it.
_FALLBACK_GAIN = 1.3
_FALLBACK_CONTAINMENT = 0.8


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
    words = sum(count_words(b.text) for b in blocks)

    if not large and words < MIN_WORDS:
        # trafilatura found (next to) nothing: readability, if it finds prose
        alt = _readability_blocks(text)
        if alt and _looks_like_prose(alt):
            blocks = alt
    elif not large and page_words >= _COVERAGE_MIN_PAGE_WORDS and words < _COVERAGE_TRIGGER * page_words:
        # much of the page's paragraph text left out: a split article body?
        alt = _readability_blocks(text)
        if alt:
            alt_words = sum(count_words(b.text) for b in alt)
            if alt_words >= _FALLBACK_GAIN * words and _containment(blocks, alt) >= _FALLBACK_CONTAINMENT:
                blocks = alt
    if not title:
        title = _page_title(tree)
    return _make_article(blocks, title, author, date)


def _paragraph_words(tree) -> int:
    return len(" ".join(tree.xpath("//p//text()")).split())


def _page_title(tree) -> str | None:
    found = tree.xpath("//meta[@property='og:title']/@content") or tree.xpath("//title/text()")
    return found[0] if found else None


def _readability_blocks(text: str) -> list[Block] | None:
    """readability-lxml's article as blocks (no URL: absolutising links costs
    time and the links are not kept)."""
    try:
        import lxml.html
        from readability import Document

        summary = Document(text).summary(html_partial=True)
        if not summary.strip():
            return None
        return tree_to_blocks(lxml.html.fromstring(summary))
    except Exception:
        return None


def _looks_like_prose(blocks: list[Block]) -> bool:
    """At least two real paragraphs and MIN_WORDS words in paragraphs overall."""
    paras = [count_words(b.text) for b in blocks if b.kind in ("paragraph", "quote")]
    return sum(1 for n in paras if n >= 15) >= 2 and sum(paras) >= MIN_WORDS


def _shingles(blocks: Iterable[Block], n: int = 4) -> set[tuple[str, ...]]:
    words = _WORD.findall(" ".join(b.text for b in blocks).casefold())
    return {tuple(words[i:i + n]) for i in range(max(0, len(words) - n + 1))}


def _containment(inner: list[Block], outer: list[Block]) -> float:
    """Share of ``inner``'s word 4-grams also found in ``outer``."""
    a = _shingles(inner)
    if not a:
        return 1.0
    return len(a & _shingles(outer)) / len(a)

