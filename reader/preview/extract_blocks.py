"""An element tree as article blocks: trafilatura's XML body and readability's HTML
alike. Non-content elements (scripts, media, navigation, forms) are dropped; block
elements start new blocks and inline ones only contribute their text.
"""

from __future__ import annotations

from reader.core.sanitize import sanitize
from reader.preview.article import Block, clean_line

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
            text = clean_line("".join(self.buffer))
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
            text = clean_line(" ".join(el.itertext()))
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
                    text = clean_line(" ".join(cell.itertext()))
                    if text:
                        cells.append(text)
            if cells:
                self.blocks.append(Block(kind, " | ".join(cells)))


def tree_to_blocks(root, tei: bool = False) -> list[Block]:
    """Blocks of an lxml element tree: HTML, or trafilatura's XML with ``tei``."""
    return _Builder(tei).run(root)
