"""The one sanitiser for every string that comes from a file or the network.

Terminal-control characters are never passed through: C0 controls (ESC among
them), DEL, C1 controls (U+0080-U+009F) and the bidi embedding/override/isolate
characters are replaced by a visible placeholder, so a hostile title can neither
drive the terminal nor reorder what is shown around it. Markup is a separate
concern: callers render the result as ``Text``/``Content``, never as markup.
"""

from __future__ import annotations

import re

PLACEHOLDER = "\N{REPLACEMENT CHARACTER}"

# C0 controls and DEL become their Unicode "control picture" (ESC -> U+241B),
# which shows the reader what was there; C1 and bidi controls become U+FFFD.
_BIDI = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]


def _table(multiline: bool) -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):
        table[code] = chr(0x2400 + code)
    table[0x7F] = "\u2421"
    for code in range(0x80, 0xA0):
        table[code] = PLACEHOLDER
    for code in _BIDI:
        table[code] = PLACEHOLDER
    table[0x09] = "    " if multiline else " "
    # Unicode line/paragraph separators break layouts the same way a newline does.
    table[0x2028] = "\n" if multiline else " "
    table[0x2029] = "\n" if multiline else " "
    if multiline:
        table[0x0A] = "\n"
    else:
        table[0x0A] = " "
        table[0x0D] = " "  # a lone CR is a line break too
    return table


_SINGLE = _table(multiline=False)
_MULTI = _table(multiline=True)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def sanitize(value: object, *, multiline: bool = False) -> str:
    """Return ``value`` as a string that is safe to write to a terminal.

    ``None`` becomes ``""``; other non-strings are converted with ``str``.
    With ``multiline`` newlines are kept (CRLF and lone CR become LF);
    otherwise every line break becomes a space.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not _UNSAFE.search(text):
        return text
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text.translate(_MULTI)
    return text.replace("\r\n", " ").translate(_SINGLE)


def is_clean(text: str) -> bool:
    """True when ``text`` holds no character the sanitiser would replace."""
    return _UNSAFE.search(text) is None
