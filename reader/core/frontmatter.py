"""Split a file into its YAML front matter and body, and parse the YAML safely.

The YAML is read with libyaml's *base* loader: every scalar stays the string
that was written (``title: no`` is "no", ``title: 012`` is "012"); the
normaliser types the fields it knows. Tags other than YAML's own are refused
(``!!python/object`` and friends), and the nodes aliases would add are counted
without expanding them (``count_nodes``) so an alias bomb is a clear error, not an
exhausted machine, while an honest item of any size within the file limit loads.
The base constructor builds each distinct node once (an alias becomes the same
Python object), so constructing is bounded by the file too; it is whatever reads
the result as plain data afterwards that would expand the aliases.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

# PyYAML is imported when a file first needs it: ``fastparse`` reads the usual
# front matter without it, so a start (and a pool worker) does not pay ~10 ms
# to import it.
if TYPE_CHECKING:
    import yaml

MAX_FILE_BYTES = 1 << 20
# Aliases may add this many nodes to what the file spells out (honest items use
# none; a few shared blocks stay far below it); past it the file is an alias bomb.
MAX_ALIAS_NODES = 10_000
_SIZE_CAP = 1 << 62  # expanded sizes are capped here: a bomb's true size is astronomic
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


def too_large(size: int | None) -> str:
    """The reason for a file over the limit, with its size when it is known."""
    if size is not None and size > MAX_FILE_BYTES:
        return f"file too large: {size:,} bytes (the limit is {MAX_FILE_BYTES:,})"
    return f"file too large: over the limit of {MAX_FILE_BYTES:,} bytes"


def decode(data: bytes, size: int | None = None) -> str:
    """UTF-8 with or without BOM; anything else is an error naming the reason.

    ``size``: the file's size, when known (a caller reads at most the limit + 1
    bytes, so ``len(data)`` would name the read, not the file)."""
    if len(data) > MAX_FILE_BYTES:
        raise FrontMatterError(too_large(size))
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


@dataclass(frozen=True, slots=True)
class NodeCount:
    """What a composed document holds: ``distinct`` nodes (an anchored node and its
    aliases are one), ``written`` node references as the file spells them (each
    alias once), ``expanded`` nodes once every alias is replaced by a copy of what
    it names, and the ``steps`` it took to find out: at most ``distinct + written``,
    however large ``expanded`` is."""

    distinct: int
    written: int
    expanded: int
    steps: int


def count_nodes(root: yaml.Node) -> NodeCount:
    """Count ``root``'s nodes without expanding any alias; check the tags on the way.

    libyaml's composer makes an alias the very node its anchor names, so a
    document is a graph whose size is bounded by the file's. Each distinct node
    is entered once (depth first, children before parents) and its expanded size
    is 1 + the sum of its children's, so a billion laughs costs a hundred-odd
    steps. A node reached again while it is being entered is a recursive alias.
    Raises FrontMatterError for a foreign tag or a recursive alias.
    """
    sizes: dict[int, int] = {}  # id(node) -> expanded size, capped at _SIZE_CAP
    entered: set[int] = set()  # nodes whose children are still being counted
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    steps = written = 0
    while stack:
        steps += 1
        node, leaving = stack.pop()
        key = id(node)
        if leaving:
            entered.discard(key)
            sizes[key] = min(_SIZE_CAP, 1 + sum(sizes[id(c)] for c in _children(node)))
            continue
        if key in sizes:
            continue  # reached again through an alias: its size is known
        if key in entered:
            raise FrontMatterError("recursive YAML alias (an alias inside its own anchor)")
        tag = node.tag
        if tag and tag not in _STANDARD_TAGS and tag.startswith(("tag:", "!")):
            raise FrontMatterError(f"unsupported YAML tag {tag[:60]!r}")
        entered.add(key)
        stack.append((node, True))
        children = _children(node)
        written += len(children)
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return NodeCount(len(sizes), written + 1, sizes[id(root)], steps)


def _children(node: yaml.Node) -> list[yaml.Node]:
    import yaml  # (imported already: there is a node)

    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return node.value
    return []


def _check_nodes(root: yaml.Node) -> None:
    """Refuse foreign tags, recursive aliases and alias expansion past MAX_ALIAS_NODES.

    Honest nodes are not counted against any limit (the file size bounds them);
    only the nodes aliases would add when the document is read as plain data.
    """
    count = count_nodes(root)
    added = count.expanded - count.distinct
    if added > MAX_ALIAS_NODES:
        raise FrontMatterError(
            f"an alias bomb: aliases would add over {MAX_ALIAS_NODES:,} nodes"
            f" to the {count.distinct:,} written"
        )


def duplicate_keys(root: yaml.Node) -> list[str]:
    """One line per key written twice in the same mapping (YAML keeps the last)."""
    import yaml

    found: list[str] = []
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, int] = {}
            for key, _value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    line = key.start_mark.line + 2 if key.start_mark else 0  # +1: '---', +1: 1-based
                    if key.value in keys:
                        name = key.value if len(key.value) <= 40 else key.value[:39] + "…"
                        found.append(f"duplicate key {name!r} (lines {keys[key.value]} and {line};"
                                     " the last one is used)")
                    keys[key.value] = line
        stack.extend(reversed(_children(node)))
    return found


@cache
def _loader_class() -> type:
    try:  # libyaml is ~10x faster than the pure-Python parser
        from yaml import CBaseLoader
        return CBaseLoader
    except ImportError:  # pragma: no cover - only without libyaml
        from yaml import BaseLoader
        return BaseLoader


def parse_yaml(source: str, warnings: list[str] | None = None) -> object:
    """The YAML document as plain data (every scalar a string). With ``warnings``,
    what is legal but probably a mistake (a key written twice) is added to it."""
    import yaml

    loader = _loader_class()(source)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node)
        if warnings is not None:
            warnings.extend(duplicate_keys(node))
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


def parse(data: bytes, *, size: int | None = None,
          warnings: list[str] | None = None) -> tuple[dict, str]:
    """Bytes of a file → (front matter mapping, body). Raises FrontMatterError.
    ``size`` and ``warnings``: see ``decode`` and ``parse_yaml``."""
    text = decode(data, size)
    source, body = split(text)
    document = parse_yaml(source, warnings)
    if not isinstance(document, dict):
        kind = "empty" if document is None else type(document).__name__
        raise FrontMatterError(f"front matter is not a mapping ({kind})")
    return document, body
