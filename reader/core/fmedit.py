"""Targeted byte edits of one front-matter field, planned on bytes (no I/O).

An edit changes only the bytes of the field it was asked to change: the value
token of ``published``, one line per topic added or removed (or one token of a
flow sequence). A missing key is added at the end of the front matter in the
file's own line ending and indentation. Comments, quoting, key order, CRLF,
a BOM, the body and ``secured`` stay as they were: nothing is dumped back from
a parsed document. Positions come from the YAML composer's marks, so a
``published:`` inside a block scalar is never mistaken for the key.

Every planned edit is checked with the project's own parser (store,
normalize): exactly the target field has the intended value, every other field
and the body are equal; otherwise ``EditRefused`` and no new bytes.
``reader.core.edit`` applies these plans to files under the item's lock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from reader.core import frontmatter, normalize, store
from reader.core.files import EditError
from reader.core.sanitize import is_clean, sanitize
from reader.core.yamltext import PRINTABLE, plain_ok, quote

try:
    from yaml import CBaseLoader as _Loader
except ImportError:  # pragma: no cover - only without libyaml
    from yaml import BaseLoader as _Loader  # type: ignore[assignment]

PUBLISHED = "published"
TOPICS = "topics"
MAX_TOPIC = 200
Value = bool | None | tuple[str, ...]
_Edit = tuple[int, int, str]  # replace src[a:b] with text
_BOM = b"\xef\xbb\xbf"
_ITEM_PREFIX = re.compile(r" *- +")
_FLOW_OPEN = re.compile(r"(?:[!&]\S*\s+)*\[")
_ODD_TOPICS = "topics is laid out in a way this editor does not change; edit it by hand"


class EditRefused(EditError):
    """The edit would change more than asked, or the file cannot be edited safely."""


@dataclass(frozen=True, slots=True)
class Applied:
    """The outcome of planning an edit on bytes: new bytes (the same when unchanged)."""

    data: bytes
    old: Value
    new: Value
    old_raw: str | None = None  # published: the value's text before (None: key absent)


def _line_start(s: str, i: int) -> int:
    return s.rfind("\n", 0, i) + 1


def _line_end(s: str, i: int) -> int:
    """Index just past the newline ending the line that holds ``i``."""
    j = s.find("\n", i)
    return len(s) if j < 0 else j + 1


def _after(s: str, node: yaml.Node) -> int:
    """Where a new line goes after ``node`` (block scalars end past their newline)."""
    e = node.end_mark.index
    return e if e > node.start_mark.index and s[e - 1] == "\n" else _line_end(s, e)


class Doc:
    """One item file split for editing: its front-matter text, the composed node tree
    (for positions) and the project's own parse (for checking)."""

    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        try:
            parsed = store.read_front_matter(data)
        except frontmatter.FrontMatterError as exc:
            raise EditRefused(path, f"cannot edit: {exc}") from None
        if parsed is None:
            raise EditRefused(path, "cannot edit: no front matter (file does not start with '---')")
        self.raw: dict[Any, Any] = parsed[0]
        self.body: str = parsed[1]
        self.bom = data.startswith(_BOM)
        text = self.text = frontmatter.decode(data)
        first_nl = text.find("\n")  # the same fences as frontmatter.split, with CRLF kept
        self.eol = "\r\n" if text[first_nl - 1 : first_nl] == "\r" else "\n"
        pos = self.start = first_nl + 1
        while True:
            end = text.find("\n", pos)
            if text[pos : len(text) if end < 0 else end].rstrip() in ("---", "..."):
                break
            if end < 0:  # cannot happen after a successful parse; never loop
                raise EditRefused(path, "cannot edit: front matter is not closed")
            pos = end + 1
        self.end = pos
        self.src = text[self.start : self.end]
        try:
            root = yaml.compose(self.src, Loader=_Loader)
        except yaml.YAMLError as exc:  # the project's parser read it, so this is unexpected
            raise EditRefused(path, f"cannot edit: {str(exc).splitlines()[0]}") from None
        if not isinstance(root, yaml.MappingNode) or self.src[root.start_mark.index] == "{":
            raise EditRefused(path, "cannot edit: the front matter is not a block mapping")
        self.root = root
        self.indent = " " * root.start_mark.column

    def find(self, key: str) -> tuple[yaml.Node, yaml.Node] | None:
        pairs = self.root.value
        hits = [i for i, (k, _) in enumerate(pairs) if isinstance(k, yaml.ScalarNode) and k.value == key]
        if not hits:
            return None
        if len(hits) > 1:
            raise EditRefused(self.path, f"{key} appears more than once; edit it by hand")
        i = hits[0]
        k, v = pairs[i]
        limit = pairs[i + 1][0].start_mark.index if i + 1 < len(pairs) else len(self.src)
        if v.start_mark.index < k.end_mark.index or v.end_mark.index > limit:
            raise EditRefused(self.path, f"{key} is an alias of another value; edit it by hand")
        if self.src[_line_start(self.src, k.start_mark.index) : k.start_mark.index].strip():
            raise EditRefused(self.path, f"{key} is not a plain key line; edit it by hand")
        return k, v

    def seq_prefix(self) -> str:
        """The ``  - `` of the file's other block sequences, or two spaces and a dash."""
        for _, v in self.root.value:
            if isinstance(v, yaml.SequenceNode) and v.value and self.flow_open(v) is None:
                first = v.value[0].start_mark.index
                prefix = self.src[_line_start(self.src, first) : first]
                if _ITEM_PREFIX.fullmatch(prefix):
                    return prefix
        return self.indent + "  - "

    def quote_char(self) -> str:
        found = self.find(TOPICS)
        if found and isinstance(found[1], yaml.SequenceNode):
            for item in found[1].value:
                if self.src[item.start_mark.index] in "'\"":
                    return self.src[item.start_mark.index]
        return '"'

    def flow_open(self, node: yaml.Node) -> int | None:
        """Index just past ``[`` when ``node`` is a flow sequence (after any tag/anchor)."""
        m = _FLOW_OPEN.match(self.src, node.start_mark.index)
        return m.end() if m else None

    def rebuild(self, edits: list[_Edit]) -> bytes:
        src = self.src
        for a, b, text in sorted(edits, key=lambda e: e[0], reverse=True):
            src = src[:a] + text + src[b:]
        out = (self.text[: self.start] + src + self.text[self.end :]).encode("utf-8")
        return _BOM + out if self.bom else out


def current_value(raw: dict[Any, Any], field: str) -> Value:
    if field == PUBLISHED:
        return normalize.boolean(raw.get(PUBLISHED))
    return normalize.topics(raw.get(TOPICS))


def _verify(doc: Doc, data: bytes, field: str, intended: Value) -> None:
    """Parse the new bytes; refuse unless only ``field`` changed, to ``intended``."""
    try:
        parsed = store.read_front_matter(data)
    except frontmatter.FrontMatterError as exc:
        raise EditRefused(doc.path, f"the edit would make the file unreadable ({exc}); not changed") from None
    if parsed is None:
        raise EditRefused(doc.path, "the edit would remove the front matter; not changed")
    raw, body = parsed[0], parsed[1]
    if body != doc.body:
        raise EditRefused(doc.path, "the edit would change the body; not changed")
    keys = [k for k in {**doc.raw, **raw} if k != field]
    others = [str(k) for k in keys if k not in doc.raw or k not in raw or doc.raw[k] != raw[k]]
    if others:
        names = ", ".join(sorted(others))[:200]
        raise EditRefused(doc.path, f"the edit would also change {names}; not changed")
    if current_value(raw, field) != intended:
        raise EditRefused(doc.path, f"the edit would not give {field} the intended value; not changed")


def _plan(doc: Doc, field: str, edits: list[_Edit], old: Value, new: Value, old_raw: str | None) -> Applied:
    data = doc.rebuild(edits)
    _verify(doc, data, field, new)
    return Applied(data, old, new, old_raw)


# -- published ---------------------------------------------------------------


def _bool_token(value: bool, old: str) -> str:
    word = "true" if value else "false"
    if old in ("TRUE", "FALSE"):
        return word.upper()
    if old in ("True", "False"):
        return word.capitalize()
    return word


def plan_published(data: bytes, value: bool, *, path: str = "") -> Applied:
    """``published: <value>`` on bytes (an unquoted YAML boolean, as Jekyll reads it)."""
    doc = Doc(path, data)
    old = current_value(doc.raw, PUBLISHED)
    found = doc.find(PUBLISHED)
    if found is None:
        if old == value:
            return Applied(doc.rebuild([]), old, old, None)
        n = len(doc.src)
        token = _bool_token(value, "")
        return _plan(doc, PUBLISHED, [(n, n, f"{doc.indent}{PUBLISHED}: {token}{doc.eol}")], old, value, None)
    v = found[1]
    if not isinstance(v, yaml.ScalarNode):
        raise EditRefused(doc.path, "published holds a list or mapping; edit it by hand")
    s, e = v.start_mark.index, v.end_mark.index
    old_raw = doc.src[s:e]
    if old == value:
        return Applied(doc.rebuild([]), old, old, old_raw)
    token = _bool_token(value, old_raw)
    return _plan(doc, PUBLISHED, [(s, e, token if s < e else " " + token)], old, value, old_raw)


def plan_restore_published(doc: Doc, old_raw: str | None, intended: Value) -> Applied:
    """Put back the exact text ``published`` had (``None``: remove the key line)."""
    current = current_value(doc.raw, PUBLISHED)
    found = doc.find(PUBLISHED)
    if found is None:
        if old_raw is None:
            return Applied(doc.rebuild([]), current, current, None)
        n = len(doc.src)
        return _plan(doc, PUBLISHED, [(n, n, f"{doc.indent}{PUBLISHED}: {old_raw}{doc.eol}")],
                     current, intended, None)
    k, v = found
    s, e = v.start_mark.index, v.end_mark.index
    current_raw = doc.src[s:e]
    if old_raw is None:
        line = _line_start(doc.src, k.start_mark.index)
        edit = (line, _line_end(doc.src, max(e - 1, k.end_mark.index)), "")
    else:
        if not old_raw and s > k.end_mark.index + 1 and doc.src[s - 1] == " ":
            s -= 1  # the space this session put before the value
        edit = (s, e, " " + old_raw if old_raw and s == e else old_raw)
    return _plan(doc, PUBLISHED, [edit], current, intended, current_raw)


# -- topics ------------------------------------------------------------------


def check_topic(topic: object, path: str = "") -> str:
    """A topic must read back as itself: trimmed, one line, no control characters."""
    if (
        not isinstance(topic, str)
        or len(topic) > MAX_TOPIC
        or not is_clean(topic)
        or not PRINTABLE.fullmatch(topic)
        or normalize.topics([topic]) != (topic,)
    ):
        raise EditRefused(path, f"not a usable topic: {sanitize(str(topic))[:60]!r}")
    return topic


def plan_topic(data: bytes, topic: str, *, add: bool, path: str = "") -> Applied:
    """Add ``topic`` (a no-op when present) or remove every entry equal to it."""
    check_topic(topic, path)
    doc = Doc(path, data)
    old = current_value(doc.raw, TOPICS)
    assert isinstance(old, tuple)
    if (topic in old) == add:
        return Applied(doc.rebuild([]), old, old)
    new = (*old, topic) if add else tuple(t for t in old if t != topic)
    edits = _add_edits(doc, topic) if add else _remove_edits(doc, topic)
    return _plan(doc, TOPICS, edits, old, new, None)


def _add_edits(doc: Doc, topic: str) -> list[_Edit]:
    src, eol = doc.src, doc.eol
    found = doc.find(TOPICS)
    block = quote(topic, prefer=doc.quote_char())
    if found is None:
        n = len(src)
        return [(n, n, f"{doc.indent}{TOPICS}:{eol}{doc.seq_prefix()}{block}{eol}")]
    k, v = found
    s, e = v.start_mark.index, v.end_mark.index
    if isinstance(v, yaml.ScalarNode):
        if normalize.topics(v.value):  # a bare string becomes a one-line flow sequence
            token = src[s:e]
            if "\n" in token or not (token[:1] in "'\"" or plain_ok(token, flow=True)):
                token = quote(v.value, flow=True)
            return [(s, e, f"[{token}, {quote(topic, flow=True)}]")]
        # empty or null: drop the null token, then a block sequence under the key
        edits: list[_Edit] = []
        if s < e:
            while s > k.end_mark.index + 1 and src[s - 1] == " ":
                s -= 1
            edits.append((s, e, ""))
        at = _line_end(src, max(e, k.end_mark.index))
        return [*edits, (at, at, f"{doc.seq_prefix()}{block}{eol}")]
    if not isinstance(v, yaml.SequenceNode):
        raise EditRefused(doc.path, "topics holds a mapping; edit it by hand")
    opened = doc.flow_open(v)
    items = v.value
    if opened is not None:
        flow = quote(topic, flow=True, prefer=doc.quote_char())
        if not items:
            return [(opened, opened, flow)]
        sep = ", "
        if len(items) > 1:
            between = src[items[0].end_mark.index : items[1].start_mark.index]
            if "\n" not in between and between.strip() == ",":
                sep = between
        last = items[-1].end_mark.index
        return [(last, last, sep + flow)]
    first = items[0].start_mark.index
    prefix = src[_line_start(src, first) : first]
    if not _ITEM_PREFIX.fullmatch(prefix):
        raise EditRefused(doc.path, _ODD_TOPICS)
    at = _after(src, items[-1])
    return [(at, at, f"{prefix}{block}{eol}")]


def _remove_edits(doc: Doc, topic: str) -> list[_Edit]:
    src = doc.src
    found = doc.find(TOPICS)
    assert found is not None  # the topic is present
    v = found[1]
    if isinstance(v, yaml.ScalarNode):
        return [(v.start_mark.index, v.end_mark.index, "[]")]
    items = v.value
    hits = [
        i for i, n in enumerate(items) if isinstance(n, yaml.ScalarNode) and normalize.text(n.value) == topic
    ]
    if not hits:
        raise EditRefused(doc.path, _ODD_TOPICS)
    opened = doc.flow_open(v)
    if opened is None:
        edits = []
        for i in hits:
            start = items[i].start_mark.index
            line = _line_start(src, start)
            if not _ITEM_PREFIX.fullmatch(src[line:start]):
                raise EditRefused(doc.path, _ODD_TOPICS)
            edits.append((line, _after(src, items[i]), ""))
        return edits
    if len(hits) == len(items):
        return [(opened, v.end_mark.index - 1, "")]  # keep the brackets
    spans = []
    keep = [i for i in range(len(items)) if i not in hits]
    for i in hits:
        if i + 1 < len(items):
            spans.append((items[i].start_mark.index, items[i + 1].start_mark.index))
        else:  # the last one: take the separator before it
            prev = max(j for j in keep if j < i)
            spans.append((items[prev].end_mark.index, items[i].end_mark.index))
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b, "") for a, b in merged]
