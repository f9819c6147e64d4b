"""Help with the query language: the syntax summary and Tab completion.

Both for any front end: the search bar shows ``SYNTAX`` and completes with
``complete``; ``reader list --help`` prints ``SYNTAX`` too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reader.core.querylang import FIELDS, HAS_KINDS, IS_KINDS, RELATIVE_DAYS

__all__ = ["SYNTAX", "Completion", "complete", "syntax_text"]

# (example, what it matches)
SYNTAX: tuple[tuple[str, str], ...] = (
    ('robot "exact phrase"', "words and phrases in the title, excerpt, provider or topics (any case)"),
    ("-topic:Policy  -robot", "a - right before a term: items that do not match it"),
    ('topic:AI  topic:"Big Tech"', "has that topic (the whole name, any case)"),
    ('provider:"vector post"', "the provider's name contains it (any case)"),
    ("heat:>50  quality:<=70", "also >=, <, = or just heat:50; ranges: heat:50..100 (both ends in)"),
    ("heat:unscored", "heat -1 in the file: not scored yet"),
    ("date:2024-03  date:2024..2025-06", "a year, month or day (UTC), with the same operators"),
    ("after:2024-01-31  before:2024", "after the day, before the year: the date itself not included"),
    ("date:today  after:yesterday", "today, yesterday: days of your local clock (dates: also with after, before)"),
    ("is:unpublished  is:unread  is:saved", "also is:published and is:read"),
    ("has:url", "also has:date, has:heat, has:quality, has:topics"),
    ("root:site-a", "in that content root (with several: its label, as the sidebar shows)"),
)
SYNTAX_NOTE = "Every term must match. Tab completes a field name; Esc clears."


def syntax_text(indent: str = "  ", note: str = SYNTAX_NOTE) -> str:
    """The syntax summary as plain text lines, ``note`` last."""
    width = max(len(example) for example, _ in SYNTAX)
    lines = [f"{indent}{example:<{width}}  {meaning}" for example, meaning in SYNTAX]
    return "\n".join([*lines, indent + note])


@dataclass(frozen=True, slots=True)
class Completion:
    """The text after completing at the cursor, the new cursor, and -- when the
    completion is not unique -- the candidates."""

    text: str
    cursor: int
    choices: tuple[str, ...] = ()


def complete(text: str, cursor: int, topics: Iterable[str] = ()) -> Completion | None:
    """Complete the field name (``he`` → ``heat:``) or the value of ``is:``,
    ``has:``, ``heat:``, a date field (``today``) or ``topic:`` (from
    ``topics``) that ends at ``cursor``. None: nothing to complete there."""
    cursor = max(0, min(cursor, len(text)))
    start = cursor
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    if _open_quote(text[:start]):
        return None  # inside a phrase
    if text[start:cursor].startswith("-"):
        start += 1
    field, colon, typed = text[start:cursor].partition(":")
    if colon:
        at = start + len(field) + 1
        names = _values(field.lower(), topics)
    elif field.startswith('"'):
        return None
    else:
        at, typed, names = start, field, [f + ":" for f in FIELDS]
    key = typed.removeprefix('"').casefold()
    if '"' in typed[1:]:
        return None
    found = sorted({n for n in names if n.casefold().startswith(key)}, key=str.casefold)
    if not found:
        return None
    rest = text[cursor:]
    if len(found) == 1:
        whole = found[0]
        if whole.casefold() == typed.casefold():
            return None  # complete already
        value = _written(whole) + ("" if whole.endswith(":") or rest[:1].isspace() else " ")
        return Completion(text[:at] + value + rest, at + len(value))
    common = found[0]
    for other in found[1:]:
        common = _common_prefix(common, other)
    if len(common) <= len(key) or _written(common) != common:
        return Completion(text, cursor, tuple(map(_written, found)))
    return Completion(text[:at] + common + rest, at + len(common), tuple(map(_written, found)))


def _open_quote(text: str) -> bool:
    """Whether ``text`` ends inside a quoted phrase."""
    inside = False
    i = 0
    while i < len(text):
        if inside and text[i] == "\\":
            i += 1
        elif text[i] == '"':
            inside = not inside
        i += 1
    return inside


def _values(field: str, topics: Iterable[str]) -> list[str]:
    if field == "is":
        return list(IS_KINDS)
    if field == "has":
        return list(HAS_KINDS)
    if field == "heat":
        return ["unscored"]
    if field in ("date", "after", "before"):
        return list(RELATIVE_DAYS)
    if field == "topic":
        return [t for t in topics if t]
    return []


def _written(value: str) -> str:
    """A value as a query spells it: quoted if it holds a blank or a quote."""
    if '"' not in value and not any(c.isspace() for c in value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _common_prefix(a: str, b: str) -> str:
    i = 0
    while i < min(len(a), len(b)) and a[i].casefold() == b[i].casefold():
        i += 1
    return a[:i]
