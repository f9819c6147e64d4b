"""Decoding a page's bytes to text the way browsers do, never raising."""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+\-]{1,40})""", re.IGNORECASE)
_WHATWG_ALIASES = {"latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1", "ascii",
                   "us-ascii", "iso_8859-1", "cp819", "ibm819", "windows-1252"}


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    if label in _WHATWG_ALIASES:
        return "cp1252"  # as browsers do: latin-1 labels mean windows-1252
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def _meta_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    if not match:
        return None
    name = _codec(match.group(1).decode("ascii", "replace"))
    if name and name.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
        return "utf-8"  # a meta tag read as ASCII cannot be UTF-16; the spec says utf-8
    return name


def decode_body(body: bytes, header_charset: str | None, *, html: bool) -> tuple[str, str]:
    """Decode with BOM, then the header charset, then <meta> (HTML, first 4 KB), then
    UTF-8 if it decodes cleanly, else windows-1252. Never raises."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(name, "replace"), name
    candidates: list[str | None] = [_codec(header_charset)]
    if html:
        candidates.append(_meta_charset(body[:4096]))
    for candidate in candidates:
        if candidate:
            try:
                return body.decode(candidate, "replace"), candidate
            except (LookupError, UnicodeError):
                continue
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return body.decode("cp1252", "replace"), "cp1252"
