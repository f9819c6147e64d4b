"""Writing a string as a YAML scalar that reads back as exactly that string.

Plain when that is safe for YAML 1.1 readers (PyYAML, and Ruby's Psych that
builds the Jekyll site): not a boolean, null, number or date, no indicator
first, no ``: `` or `` #``; otherwise quoted, escaping what must be escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

# Printable in YAML and safe unescaped: no C0/C1 controls, no line or paragraph
# separators (YAML line breaks), no BOM.
PRINTABLE = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")
# YAML 1.1's implicit types, as PyYAML resolves them (the stubs leave it untyped).
_resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = yaml.resolver.Resolver().resolve
_STR_TAG = "tag:yaml.org,2002:str"
# Numbers to YAML 1.2 readers that the YAML 1.1 resolver lets through (1e3, 0o17).
_NUMBER = re.compile(r"[-+]?(?:\.\d+|\d[\d_]*(?:\.[\d_]*)?)(?:[eE][-+]?\d+)?|[-+]?0[oOxX][0-9a-fA-F_]+")


def plain_ok(s: str, flow: bool) -> bool:
    """May ``s`` be written unquoted and still read back as exactly this string?"""
    if not s or s != s.strip(" ") or not PRINTABLE.fullmatch(s):
        return False
    if s[0] in "-?:,[]{}#&*!|>'\"%@`" or ": " in s or " #" in s or s.endswith(":"):
        return False
    if flow and any(c in s for c in ",?[]{}:#"):
        return False
    if s.lower() in ("y", "n") or _NUMBER.fullmatch(s):  # booleans/numbers to some readers
        return False
    return _resolve(yaml.ScalarNode, s, (True, False)) == _STR_TAG


def quote(s: str, *, flow: bool = False, prefer: str = '"') -> str:
    """``s`` as a YAML scalar: plain when that is safe, else quoted."""
    if plain_ok(s, flow):
        return s
    if prefer == "'" and PRINTABLE.fullmatch(s):
        return "'" + s.replace("'", "''") + "'"
    out = []
    for ch in s:
        if ch in '\\"':
            out.append("\\" + ch)
        elif PRINTABLE.fullmatch(ch):
            out.append(ch)
        else:
            code = ord(ch)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            else:
                out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'
