"""The extracted article: :class:`Article` made of :class:`Block` s, and the text
shaping every extractor shares (word counts, plain text and Markdown renderings,
single-line cleaning, the minimum-length check).

Every string stored in an ``Article``/``Block`` has gone through
``reader.core.sanitize.sanitize``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from reader.core.sanitize import sanitize

MIN_WORDS = 40
"""Below this many words of article text, a page has nothing readable."""

WORDS_PER_MINUTE = 230

BLOCK_KINDS = ("heading", "paragraph", "list_item", "quote", "code")


# CJK scripts are written without spaces: count each ideograph/kana as half a
# word so word counts and reading times stay meaningful for them.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
WORD = re.compile(f"[^\\W{_CJK}]+")


def count_words(text: str) -> int:
    """Words in ``text`` (runs of word characters; two CJK characters count as one)."""
    if not text:
        return 0
    cjk = len(_CJK_CHAR.findall(text))
    return len(WORD.findall(text)) + (cjk + 1) // 2


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


def clean_line(value: object) -> str:
    """Single-line sanitised text with whitespace runs collapsed."""
    if value is None:
        return ""
    return sanitize(" ".join(str(value).split()), multiline=False).strip()


def make_article(
    blocks: list[Block],
    title: str | None = None,
    author: str | None = None,
    date: str | None = None,
    min_words: int = MIN_WORDS,
) -> Article | None:
    title = clean_line(title) or None
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
        author=clean_line(author) or None,
        date=clean_line(date) or None,
    )


def _same_text(a: str, b: str) -> bool:
    return WORD.findall(a.casefold()) == WORD.findall(b.casefold())
