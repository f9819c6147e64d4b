"""The one sanitiser for every string that comes from a file or the network.

Terminal-control characters are never passed through: C0 controls (ESC among
them), DEL, C1 controls (U+0080-U+009F) and the bidi embedding/override/isolate
characters are replaced by a visible placeholder, so a hostile title can neither
drive the terminal nor reorder what is shown around it. Lone surrogates (how
Python spells the bytes of a file name that is not valid UTF-8) become U+FFFD
too: they cannot be encoded, so printed raw they would put stray bytes on the
terminal and make JSON output invalid.

Invisible format characters are dropped from display text: the zero-width
space (U+200B), the LRM/RLM/ALM marks (U+200E, U+200F, U+061C), the word
joiner and invisible operators (U+2060-U+2064), the deprecated format controls
(U+206A-U+206F), the BOM/zero-width no-break space (U+FEFF) and the tag
characters (U+E0000-U+E007F). They have no glyph, so dropping them shows what a
browser shows; they arrive in real items as junk from web pages (``&#8203;``, a
BOM glued into a concatenated feed, marks around a name in Arabic), where a
placeholder would make good titles look broken. Hidden text (tag "ASCII
smuggling") and look-alike topics ("A\\u200bI" vs "AI") are gone with them,
since what is shown is then the very string that is searched and grouped.
Kept, because real text needs them: the zero-width non-joiner and joiner
(U+200C, U+200D: Persian and Indic spelling, emoji ZWJ sequences such as
👩‍💻) and tag characters that spell a subdivision flag after U+1F3F4 (🏴 for
England, Scotland, Wales).

Markup is a separate concern: callers render the result as ``Text``/``Content``,
never as markup. Item files are never changed; only the text shown is.
"""

from __future__ import annotations

import re
from functools import cache

PLACEHOLDER = "\N{REPLACEMENT CHARACTER}"
ELLIPSIS = "\N{HORIZONTAL ELLIPSIS}"
CLIP_LIMIT = 200  # characters of an argument quoted in a one-line message

# C0 controls and DEL become their Unicode "control picture" (ESC -> U+241B),
# which shows the reader what was there; C1 and bidi controls become U+FFFD.
_BIDI = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
_INVISIBLE = [0x061C, 0x200B, 0x200E, 0x200F, *range(0x2060, 0x2065), *range(0x206A, 0x2070),
              0xFEFF]


@cache  # made by the first text that needs it (most text never does)
def _table(multiline: bool) -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x20):
        table[code] = chr(0x2400 + code)
    table[0x7F] = "\u2421"
    for code in range(0x80, 0xA0):
        table[code] = PLACEHOLDER
    for code in _BIDI:
        table[code] = PLACEHOLDER
    for code in range(0xD800, 0xE000):
        table[code] = PLACEHOLDER
    for code in _INVISIBLE:
        table[code] = None  # dropped
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


# Everything above, in one character class. Written without the tag characters
# for ASCII text (``str.isascii`` is O(1)): a class of BMP code points only
# compiles to one table lookup per character, the non-BMP tag range adds a
# second test per character that ASCII text cannot need.
_BMP_CLASS = (
    "\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ud800-\udfff"
)
_UNSAFE_ASCII = re.compile(f"[{_BMP_CLASS}]")
_UNSAFE = re.compile(f"[{_BMP_CLASS}\U000e0000-\U000e007f]")
_TAGS = (  # (compiled by re when first used: text with tag characters is rare)
    # a subdivision flag (black flag, 3-7 tag letters/digits, cancel tag) or any other tags
    "(\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{3,7}\U000e007f)"
    "|[\U000e0000-\U000e007f]+"
)


def _keep_flag(match: re.Match[str]) -> str:
    return match.group(1) or ""


def sanitize(value: object, *, multiline: bool = False) -> str:
    """Return ``value`` as a string that is safe to write to a terminal.

    ``None`` becomes ``""``; other non-strings are converted with ``str``.
    With ``multiline`` newlines are kept (CRLF and lone CR become LF);
    otherwise every line break becomes a space.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not (_UNSAFE_ASCII if text.isascii() else _UNSAFE).search(text):
        return text
    if max(text) >= "\U000e0000":  # only then can there be tag characters
        text = re.sub(_TAGS, _keep_flag, text)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text.translate(_table(multiline=True))
    return text.replace("\r\n", " ").translate(_table(multiline=False))


def clip(value: object, limit: int = CLIP_LIMIT) -> str:
    """``value`` sanitised and cut to at most ``limit`` characters, an ellipsis
    marking the cut: for quoting an argument (a path, an id) in a one-line message."""
    text = sanitize(value)
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def is_clean(text: str) -> bool:
    """True when ``text`` holds no character the sanitiser would replace or drop."""
    if not _UNSAFE.search(text):
        return True
    return sanitize(text) == text  # a subdivision flag's tag characters are kept
