"""A fast path for the front matter real items have, equal to the YAML path or nothing.

``parse_fast(data)`` returns exactly what ``frontmatter.parse(data)`` returns (the
base-loader mapping: every scalar a string, plus the body) for the shapes news
items are written in, and ``None`` ("not sure: use YAML") for everything else.
It never raises for bad input; the YAML path then reports the problem.

Understood, line by line (two-space or any consistent indentation, spaces only):

* block mappings ``key: value`` whose keys are plain words (letters, digits,
  ``_ - .`` and inner spaces), each key once;
* a key with nothing after it (or only a comment) that opens a more indented
  block mapping or block sequence (``- item``), or else is the empty string;
* block sequences of scalars and of mappings (``- key: value`` then the item's
  other keys aligned under the first);
* single-line scalars: plain (``title: no`` is ``"no"``, ``012`` is ``"012"``,
  ``~`` is ``"~"``), ``'single'`` with ``''``, ``"double"`` with YAML's escapes;
* ``# comments`` after whitespace, blank lines, comment lines, CRLF, a BOM.

Anything else (flow collections, anchors, aliases, tags, block scalars ``|``
``>``, multi-line scalars, tabs, directives, quoted or complex keys, duplicate
keys, odd indentation, unusual characters, nesting deeper than libyaml takes)
gives ``None``.
"""

from __future__ import annotations

import re
from typing import Any

from reader.core import frontmatter

__all__ = ["parse_fast"]

# Characters YAML accepts as printable, minus tab (tabs are refused here), the
# YAML 1.1 line breaks NEL/LS/PS, a lone CR and an inner BOM (libyaml skips a
# BOM at the start of a line) -- any of these means "let YAML decide".
_UNUSUAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# A key's last character is not a space: the run is taken whole (possessive, so
# no step back one character at a time when no colon follows) and looked behind.
_KEY = r"([A-Za-z0-9_][A-Za-z0-9_. -]{0,199}+)(?<!\ )"
# A scalar on one line, its quotes kept: double-quoted, single-quoted, or plain
# (not starting with an indicator, no ': ', no ' #', no ':' at the end; its
# words are taken a run at a time, each after a ':' or spaces that may go on).
# A double-quoted one runs to the last quote that ends the line (or comes before
# a comment): the one-character class scans in half the time of one that stops
# at quotes and backslashes, and the walk checks what is between (``_double``).
_SCALAR = r"""(?:
    "[^\n]*"
  | '[^'\n]*+(?:''[^'\n]*+)*+'
  | (?:[^-?:,\[\]{}\#&*!|>'"%@`\ \n]|-(?=[^\ \n]))[^\ :\n]*+(?:(?::(?=[^\ \n])|\ ++(?=[^\ \#\n]))[^\ :\n]*+)*+
)"""
# Every content line of the front matter in one pass (blank and comment lines
# do not match) as 4 strings, "" for what the line does not have: its
# indentation, a sequence item's "- " (with the spaces after it), a key, and
# the scalar after it (or after the "- "), quotes kept. Then spaces, or a
# comment after a space. A line of any other shape gives neither a key nor a
# value, and is refused by the parser wherever it is. Each optional part is
# written "(?:X|)", not "(?:X)?": the same match, but re runs an alternation
# without the repeat bookkeeping (a context allocated, the marks saved) that
# "?" on a group costs on every line.
_TOKENS = re.compile(
    r"^(\ *)(?=[^\ \#\n])(?:"
    r"(-\ +|)(?:" + _KEY + r":(?:\ +|$|(?=\ \#))|)(" + _SCALAR + r"|)(?:\ *|\ +\#.*)"
    r"|.+)$",
    re.X | re.M,
)
# Where a closing line may start: the earliest "---" or "..." after a line break.
_CLOSING = re.compile(r"\n(?:---|\.\.\.)")
# What may stand between the quotes of a double-quoted scalar: no bare quote,
# a backslash only before a character.
_DOUBLE = re.compile(r'[^"\\\n]*+(?:\\.[^"\\\n]*+)*+')
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SIMPLE_ESCAPES = {
    "0": "\x00", "a": "\x07", "b": "\x08", "t": "\x09", "n": "\x0a", "v": "\x0b",
    "f": "\x0c", "r": "\x0d", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\n"
# The most blocks open at once that libyaml takes (the top mapping counts; a
# 1000th is "exceeded maximum nesting depth"): past it the fast path refuses,
# and YAML gives that error. Real items open 5 (related > item > images > image).
_MAX_DEPTH = 999


class _Unsure(Exception):
    """Raised inside the parser; means "hand this file to YAML"."""


def parse_fast(data: bytes) -> tuple[dict, str] | None:
    """``frontmatter.parse(data)`` for common shapes, or ``None`` when unsure."""
    try:
        text = frontmatter.decode(data)
    except frontmatter.FrontMatterError:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    # frontmatter.split: a first line '---' (only whitespace after it), then
    # the first later line that is '---' or '...' once rstrip()ped.
    first_nl = text.find("\n")
    if first_nl < 3 or not text.startswith("---") or text[3:first_nl].strip():
        return None
    pos = first_nl
    while True:
        found = _CLOSING.search(text, pos)  # one scan for both (two finds took 2.5x as long)
        if found is None:
            return None
        start = found.start() + 1
        end = text.find("\n", start)
        if (text[start:] if end == -1 else text[start:end]).rstrip() in ("---", "..."):
            break
        pos = start
    source = text[first_nl + 1 : start]
    body = "" if end == -1 else text[end + 1 :]
    if _unusual(source):
        return None
    tokens = _TOKENS.findall(source)
    # No line limit: the YAML path refuses a document only for what aliases add,
    # and this path takes no aliases, so any size it reads YAML reads alike.
    if not tokens or tokens[0][0]:
        return None
    try:
        return _walk(tokens), body
    except _Unsure:
        return None


def _unusual(source: str) -> bool:
    """True when ``source`` holds a character the fast path leaves to YAML."""
    if source.isascii():
        return bool(source.encode("ascii").translate(None, _PLAIN_ASCII))
    # Drop printable ASCII (never part of a multi-byte sequence), look at the rest.
    rest = source.encode("utf-8").translate(None, _PLAIN_ASCII)
    return _UNUSUAL.search(rest.decode("utf-8")) is not None


def _walk(tokens: list) -> dict:
    """The mapping the tokens spell, or ``_Unsure``.

    One pass with a stack of the enclosing blocks, not a call per block: a
    token at the open block's column is one of its keys (or items), a less
    indented one closes blocks back to the column it sits at, and the first
    token after a key with nothing after it opens that key's block if it is
    more indented (a sequence if it is an item), else the key is "".
    """
    root: dict = {}
    cur: Any = root  # the open block: a dict (mapping) or a list (sequence)
    indent = 0  # the column of its keys or dashes
    stack: list[tuple[int, Any]] = []  # (column, block) of the blocks around it
    pending = None  # a key of ``cur`` that had nothing after its colon
    value: Any
    for pad, dash, key, value in tokens:
        column = len(pad)
        if pending is not None:
            if column > indent:
                child: Any = [] if dash else {}
                cur[pending] = child
                if len(stack) == _MAX_DEPTH - 1:  # the stack holds the top one, not cur
                    raise _Unsure
                stack.append((indent, cur))
                cur, indent = child, column
            else:
                cur[pending] = ""
            pending = None
        if column != indent:
            if column > indent:
                raise _Unsure
            while column < indent:
                indent, cur = stack.pop()
            if column != indent:  # between two open blocks' columns
                raise _Unsure
        scalar = bool(value)  # the line has one (maybe "" once its quotes are off)
        if scalar:  # an item's or a key's: its quotes taken off
            if value[0] == '"':
                value = value[1:-1]
                if '"' in value or "\\" in value:
                    value = _double(value)
            elif value[0] == "'":
                value = value[1:-1].replace("''", "'")
        if dash:
            if cur.__class__ is not list:
                raise _Unsure
            if key:  # a mapping item: its keys sit at the column of the first one
                item: dict = {}
                cur.append(item)
                if len(stack) == _MAX_DEPTH - 1:  # the stack holds the top one, not cur
                    raise _Unsure
                stack.append((indent, cur))
                cur, indent = item, column + len(dash)
            elif scalar:
                cur.append(value)
                continue
            else:
                raise _Unsure  # '-' alone
        elif not key or cur.__class__ is list:  # another shape, or a key among items
            raise _Unsure
        if key in cur:  # a key again
            raise _Unsure
        if scalar:
            cur[key] = value
        else:
            pending = key
    if pending is not None:
        cur[pending] = ""
    return root


def _double(text: str) -> str:
    """What the double-quoted scalar with ``text`` between its quotes reads as, for
    a ``text`` with a quote or a backslash in it: a quote must be escaped (else the
    token ran past the scalar's end, e.g. into a comment holding a quote, and YAML
    decides), and every escape must be one YAML knows."""
    if not _DOUBLE.fullmatch(text):
        raise _Unsure
    return _ESCAPE.sub(_unescape, text) if "\\" in text else text


def _unescape(m: re.Match) -> str:
    code = m.group(1)
    simple = _SIMPLE_ESCAPES.get(code)
    if simple is not None:
        return simple
    if len(code) > 1:
        n = int(code[1:], 16)
        if 0xD800 <= n <= 0xDFFF or n > 0x10FFFF:
            raise _Unsure
        return chr(n)
    raise _Unsure
