"""Terminal cells taken by text, for the CLI's table (the app has Textual's own).

Sanitised text only (no control characters). Wide East Asian characters and
emoji take two cells, combining marks and format characters none, a character
joined by a zero-width joiner none (the sequence is drawn as one emoji); the
rest one. ``unicodedata`` only: the CLI does not import Textual or Rich.
"""

from __future__ import annotations

import re
import unicodedata

from reader.core.sanitize import ELLIPSIS

_ZWJ = "\u200d"
# Outside these (Latin, Greek, Cyrillic, general punctuation, currency; no
# combining marks, no soft hyphen) a character may take 0 or 2 cells: text
# without any is measured by its length, at C speed, like ASCII.
_NOT_ONE_CELL = re.compile(
    "[^\u0020-\u00ac\u00ae-\u02ff\u0370-\u0482\u048a-\u052f\u2010-\u2027"
    "\u2030-\u205f\u20a0-\u20c0]"
)
_char_cells: dict[str, int] = {}


def _cells_of(ch: str) -> int:
    width = _char_cells.get(ch)
    if width is None:
        if unicodedata.category(ch) in ("Mn", "Me", "Cf") or "\u1160" <= ch <= "\u11ff":
            width = 0  # combining marks, format characters, Hangul medial vowels
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            width = 2
        else:
            width = 1
        _char_cells[ch] = width
    return width


def cell_width(text: str) -> int:
    """Terminal cells taken by sanitised ``text`` (a character after a zero-width
    joiner is drawn as part of the one before it)."""
    if text.isascii() or not _NOT_ONE_CELL.search(text):  # (sanitised: no controls)
        return len(text)
    total, joined = 0, False
    for ch in text:
        if not joined:
            total += _cells_of(ch)
        joined = ch == _ZWJ
    return total


def fit(text: str, cells: int) -> str:
    """``text`` cut (with an ellipsis) or padded with spaces to exactly ``cells`` cells."""
    if text.isascii() or not _NOT_ONE_CELL.search(text):  # most titles: a cell a character
        return text.ljust(cells) if len(text) <= cells else text[: cells - 1] + ELLIPSIS
    used = cell_width(text)
    if used <= cells:
        return text + " " * (cells - used)
    out: list[str] = []
    used, joined = 0, False
    for ch in text:
        width = 0 if joined else _cells_of(ch)
        if used + width > cells - 1:
            break
        out.append(ch)
        used += width
        joined = ch == _ZWJ
    while out and out[-1] == _ZWJ:
        out.pop()
    return "".join(out) + ELLIPSIS + " " * (cells - 1 - used)
