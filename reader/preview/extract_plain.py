"""A ``text/plain`` page as an :class:`~reader.preview.article.Article`."""

from __future__ import annotations

import re

from reader.preview.article import Article, Block, clean_line, make_article

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
                    item = clean_line(_BULLET.sub("", ln, count=1))
                    if item:
                        blocks.append(Block("list_item", item, min(indent // 2, 6)))
                continue
            heading = _HEADING.match(lines[0]) if len(lines) == 1 else None
            if heading:
                blocks.append(Block("heading", clean_line(heading.group(2)), len(heading.group(1))))
            elif all(ln.lstrip().startswith(">") for ln in lines):
                quote = clean_line(" ".join(ln.lstrip()[1:] for ln in lines))
                if quote:
                    blocks.append(Block("quote", quote))
            else:
                para = clean_line(" ".join(lines))
                if para:
                    blocks.append(Block("paragraph", para))
        return make_article(blocks, min_words=1)
    except Exception:
        return None
