"""Which ids own a key (a URL key, a cited key): one id, or several, without a set per key.

Most keys have one owner, so a key maps to that id itself and only shared
keys get a set: 100k URL keys cost a dict of strings, not of sets.
"""

from __future__ import annotations

from collections.abc import Iterable

Owners = dict[int, "str | set[str]"]


def put(table: Owners, key: int, item: str) -> None:
    have = table.get(key)
    if have is None:
        table[key] = item
    elif isinstance(have, str):
        if have != item:
            table[key] = {have, item}
    else:
        have.add(item)


def take(table: Owners, key: int, item: str) -> None:
    have = table.get(key)
    if isinstance(have, str):
        if have == item:
            del table[key]
    elif have is not None:
        have.discard(item)
        if len(have) == 1:
            table[key] = next(iter(have))


def get(table: Owners, key: int) -> Iterable[str]:
    have = table.get(key)
    if have is None:
        return ()
    return (have,) if isinstance(have, str) else have
