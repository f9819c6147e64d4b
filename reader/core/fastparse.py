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
keys, odd indentation, unusual characters) gives ``None``.
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
# Content lines: their indentation and text (blank lines and comment lines drop out).
_LINES = re.compile(r"^( *)([^ #\n][^\n]*)", re.M)
_KEY = r"([A-Za-z0-9_](?:[A-Za-z0-9_. -]{0,198}[A-Za-z0-9_.-])?)"
# A scalar on one line, then optional spaces and a comment after a space:
# group 1 double-quoted text, group 2 single-quoted text, group 3 a plain scalar
# (not starting with an indicator, no ': ', no ' #', no ':' at the end).
_SCALAR = r"""(?:
    "([^"\\]*+(?:\\.[^"\\]*+)*+)"
  | '([^']*+(?:''[^']*+)*+)'
  | ((?:[^-?:,\[\]{}\#&*!|>'"%@`\ ]|-(?=[^\ ]))(?:[^\ :]++|:(?=[^\ ])|\ ++(?=[^\ \#]))*+)
)(?:\ *|\ +\#.*)"""
# ``key: scalar`` (groups 1-4) or ``key:`` with nothing or a comment after it.
_KEY_LINE = re.compile(_KEY + r":(?:\ +" + _SCALAR + r"|\ *|\ *\ \#.*)", re.X)
# ``- scalar`` (groups 1-3); ``- key: ...`` is matched with _KEY_LINE first.
_ITEM_LINE = re.compile(r"-\ +" + _SCALAR, re.X)
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SIMPLE_ESCAPES = {
    "0": "\x00", "a": "\x07", "b": "\x08", "t": "\x09", "n": "\x0a", "v": "\x0b",
    "f": "\x0c", "r": "\x0d", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\n"


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
        found = text.find("\n---", pos)
        dots = text.find("\n...", pos, len(text) if found == -1 else found)
        if dots != -1:
            found = dots
        if found == -1:
            return None
        start = found + 1
        end = text.find("\n", start)
        if (text[start:] if end == -1 else text[start:end]).rstrip() in ("---", "..."):
            break
        pos = start
    source = text[first_nl + 1 : start]
    body = "" if end == -1 else text[end + 1 :]
    if _unusual(source):
        return None
    lines = _LINES.findall(source)
    # No line limit: the YAML path refuses a document only for what aliases add,
    # and this path takes no aliases, so any size it reads YAML reads alike.
    if not lines or lines[0][0]:
        return None
    try:
        mapping, consumed = _mapping(lines, 0, 0)
    except (_Unsure, RecursionError):
        return None
    if consumed != len(lines):
        return None
    return mapping, body


def _unusual(source: str) -> bool:
    """True when ``source`` holds a character the fast path leaves to YAML."""
    if source.isascii():
        return bool(source.encode("ascii").translate(None, _PLAIN_ASCII))
    # Drop printable ASCII (never part of a multi-byte sequence), look at the rest.
    rest = source.encode("utf-8").translate(None, _PLAIN_ASCII)
    return _UNUSUAL.search(rest.decode("utf-8")) is not None


def _mapping(lines: list, i: int, indent: int) -> tuple[dict, int]:
    out: dict = {}
    value: Any  # text, a mapping or a list
    n = len(lines)
    while i < n:
        pad, text = lines[i]
        if len(pad) != indent:
            if len(pad) < indent:
                break
            raise _Unsure
        m = _KEY_LINE.fullmatch(text)
        if m is None:
            raise _Unsure
        key, double, single, plain = m.groups()
        if key in out:
            raise _Unsure
        i += 1
        if plain is not None:
            value = plain
        elif double is not None:
            value = _ESCAPE.sub(_unescape, double) if "\\" in double else double
        elif single is not None:
            value = single.replace("''", "'")
        elif i < n and len(lines[i][0]) > indent:
            # Nothing after the colon: a more indented block is the value.
            child_pad, child = lines[i]
            if child[0] == "-" and child[1:2] in (" ", ""):
                value, i = _sequence(lines, i, len(child_pad))
            else:
                value, i = _mapping(lines, i, len(child_pad))
        else:
            value = ""
        out[key] = value
    return out, i


def _sequence(lines: list, i: int, indent: int) -> tuple[list, int]:
    out: list = []
    value: Any  # text, a mapping or a list
    n = len(lines)
    while i < n:
        pad, text = lines[i]
        if len(pad) != indent:
            if len(pad) < indent:
                break
            raise _Unsure
        if text[:2] != "- ":
            raise _Unsure  # '-' alone (an empty item) or not an item at all
        content = text[2:].lstrip(" ")
        if _KEY_LINE.fullmatch(content) is not None:
            # A mapping item: its keys sit at the column of the first one.
            column = indent + len(text) - len(content)
            lines[i] = (" " * column, content)
            value, i = _mapping(lines, i, column)
        else:
            m = _ITEM_LINE.fullmatch(text)
            if m is None:
                raise _Unsure
            double, single, plain = m.groups()
            if plain is not None:
                value = plain
            elif double is not None:
                value = _ESCAPE.sub(_unescape, double) if "\\" in double else double
            else:
                value = single.replace("''", "'")
            i += 1
        out.append(value)
    return out, i


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
