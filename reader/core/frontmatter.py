"""Split a file into its YAML front matter and body, and parse the YAML safely.

The YAML is read with libyaml's *base* loader: every scalar stays the string
that was written (``title: no`` is "no", ``title: 012`` is "012"); the
normaliser types the fields it knows. Tags other than YAML's own are refused
(``!!python/object`` and friends), and alias expansion is bounded so an
alias bomb is a clear error, not an exhausted machine.
"""

from __future__ import annotations

import yaml

try:  # libyaml is ~10x faster than the pure-Python parser
    from yaml import CBaseLoader as _Loader
except ImportError:  # pragma: no cover - only without libyaml
    from yaml import BaseLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 1 << 20
MAX_NODES = 20_000
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in (
        "str", "int", "float", "bool", "null", "timestamp", "map", "seq",
        "omap", "pairs", "set", "binary", "merge", "value",
    )
}
_BOM = "\ufeff"


class FrontMatterError(ValueError):
    """The file is not a usable item; the message is one line for the load report."""


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM; anything else is an error naming the reason."""
    if len(data) > MAX_FILE_BYTES:
        raise FrontMatterError(f"file too large ({len(data):,} bytes; limit {MAX_FILE_BYTES:,})")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FrontMatterError("UTF-16 text is not supported; save the file as UTF-8")
    if b"\x00" in data:
        raise FrontMatterError("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FrontMatterError(f"not UTF-8 (bad byte at offset {exc.start})") from None
    if text.startswith(_BOM):
        text = text[1:]
    return text


def split(text: str) -> tuple[str, str]:
    """Return (yaml text, body). The file must open with a ``---`` line."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if not text.startswith("---"):
        raise FrontMatterError("no front matter (file does not start with '---')")
    first_nl = text.find("\n")
    if first_nl == -1 or text[3:first_nl].strip():
        raise FrontMatterError("no front matter (file does not start with a '---' line)")
    pos = first_nl + 1
    while True:
        end = text.find("\n", pos)
        line = text[pos:] if end == -1 else text[pos:end]
        if line.rstrip() in ("---", "..."):
            body = "" if end == -1 else text[end + 1 :]
            return text[first_nl + 1 : pos], body
        if end == -1:
            raise FrontMatterError("front matter is not closed (no second '---' line)")
        pos = end + 1


def _check_nodes(root: yaml.Node) -> None:
    """Refuse foreign tags and bound the expanded size (aliases counted each time used)."""
    stack = [root]
    count = 0
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise FrontMatterError(
                f"front matter too large or an alias bomb (over {MAX_NODES:,} nodes)"
            )
        tag = node.tag
        if tag and tag not in _STANDARD_TAGS and tag.startswith(("tag:", "!")):
            raise FrontMatterError(f"unsupported YAML tag {tag[:60]!r}")
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def parse_yaml(source: str) -> object:
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 2}, column {mark.column + 1}" if mark else ""
        raise FrontMatterError(f"bad YAML{where}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"bad YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    except (TypeError, RecursionError) as exc:  # e.g. a list used as a mapping key
        raise FrontMatterError(f"bad YAML structure: {type(exc).__name__}") from None
    finally:
        loader.dispose()


def parse(data: bytes) -> tuple[dict, str]:
    """Bytes of a file → (front matter mapping, body). Raises FrontMatterError."""
    text = decode(data)
    source, body = split(text)
    document = parse_yaml(source)
    if not isinstance(document, dict):
        kind = "empty" if document is None else type(document).__name__
        raise FrontMatterError(f"front matter is not a mapping ({kind})")
    return document, body
