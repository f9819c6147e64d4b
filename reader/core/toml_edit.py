"""Style-preserving edits of one table of a TOML file, with ``tomlkit``.

The config file is the user's: an edit changes one entry and keeps every
comment, blank line, key order and the entries' own form (``Name = "text"``,
an inline table, a ``[table."name"]`` of its own). tomlkit keeps all that on
a round trip, but has no rename and appends new keys after whatever ends the
table's body -- often the comment that introduces the next sub-table -- so
those two are done here by rebuilding the table's body in order.

tomlkit is imported when an edit is made, never at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["add_table", "dumps", "parse", "put", "rename"]


def parse(text: str) -> Any:
    """The document ``text`` holds; ``ValueError`` (its message says where) if it is not TOML."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        return tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ValueError(str(exc)) from None


def dumps(doc: Any) -> str:
    import tomlkit

    return tomlkit.dumps(doc)


def add_table(doc: Any, name: str) -> None:
    """An empty ``[name]`` table at the end of ``doc``."""
    import tomlkit

    doc[name] = tomlkit.table()


def put(doc: Any, table_name: str, key: str, value: str | dict[str, Any], fields: Iterable[str]) -> None:
    """Set ``key`` in ``doc[table_name]`` to ``value`` (a string, or a table of
    ``fields``). An entry already there keeps its place and, where it can, its
    form: a table of either kind has its ``fields`` changed in place (those
    not in ``value`` removed). A new entry goes after the table's last
    ``key = ...`` line (before any comment that introduces a sub-table), an
    inline table when ``value`` is a dict."""
    import tomlkit
    from tomlkit.items import Table

    table = doc[table_name]
    old = table.get(key)
    if isinstance(old, dict) and isinstance(value, dict):
        for field in fields:
            if field in value:
                old[field] = value[field]
            elif field in old:
                del old[field]
        return
    item: Any = value
    if isinstance(value, dict):
        item = tomlkit.inline_table()
        item.update(value)
    if old is not None or not isinstance(table, Table):  # not a Table: split around other tables
        table[key] = item  # replaced where it stands; or, new, where tomlkit puts it
        return
    body = list(table.value.body)
    at = _insert_at(body)
    doc[table_name] = _rebuilt(table, [*body[:at], (key, item), *body[at:]])


def rename(doc: Any, table_name: str, old: str, new: str) -> None:
    """Call the entry ``old`` of ``doc[table_name]`` ``new``, where it stands."""
    import tomlkit
    from tomlkit.items import Table

    table = doc[table_name]
    if not isinstance(table, Table):  # split around other tables: moved to the end
        table[new] = table[old]
        del table[old]
        return
    body: list[tuple[Any, Any]] = []
    for key, item in table.value.body:
        if key is None or key.key != old:
            body.append((key, item))
        elif isinstance(item, Table):  # [table."old"]: its header is made from the new key
            body.append((new, _rebuilt(item, list(item.value.body), tomlkit.table())))
        else:
            body.append((new, item))
    doc[table_name] = _rebuilt(table, body)


def _insert_at(body: list[tuple[Any, Any]]) -> int:
    """Where a new ``key = ...`` line goes in a table's body."""
    from tomlkit.items import AoT, Table

    plain = [i for i, (key, item) in enumerate(body) if key is not None and not isinstance(item, (Table, AoT))]
    if plain:
        return plain[-1] + 1
    tables = [i for i, (key, _) in enumerate(body) if key is not None]
    at = tables[0] if tables else len(body)
    while at > 0 and body[at - 1][0] is None:  # the comments and blank lines above the first sub-table
        at -= 1
    return at


def _rebuilt(table: Any, body: list[tuple[Any, Any]], into: Any = None) -> Any:
    """A table like ``table`` holding ``body``: (key, item) pairs, key None for
    a comment or blank line."""
    import tomlkit

    out = into if into is not None else tomlkit.table(is_super_table=table.is_super_table())
    out.value.parsing(True)  # as written: no blank line added before a sub-table
    for key, item in body:
        if key is None:
            out.add(item)
        else:
            out.add(key, item)
    out.value.parsing(False)
    return out
