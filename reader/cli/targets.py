"""The items an editing command works on: ids from the command line and stdin, resolved.

``-`` among the ids reads more ids from stdin, one per line (blank lines
skipped), as ``reader list --ids`` prints them. Each id is resolved in the
order of ``reader.core.ids``: an item file named exactly (or by a path inside
the root) needs no catalog; anything else -- an id as shown, a prefix -- is
looked up in the loaded catalog, which is loaded at most once per command.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from reader.core.ids import AmbiguousId, IdError, IdIndex, file_id
from reader.core.sanitize import sanitize

STDIN = "-"


@dataclass(frozen=True, slots=True)
class Target:
    """One id as given: the raw id it resolved to, or why it did not."""

    given: str
    id: str | None = None
    error: str | None = None  # the reason, without the id

    @property
    def shown(self) -> str:
        return sanitize(self.id if self.id is not None else self.given)


def read_ids(given: Iterable[str], stdin: TextIO | None = None) -> list[str]:
    """The ids in ``given``, each ``-`` replaced by the lines of stdin (read once).

    Lines are read as bytes where possible and decoded as file names are, so a
    name that is not UTF-8 reaches the file system unchanged.
    """
    stream = sys.stdin if stdin is None else stdin
    out: list[str] = []
    read = False
    for arg in given:
        if arg != STDIN:
            out.append(arg)
            continue
        if read:
            continue
        read = True
        raw: BinaryIO | None = getattr(stream, "buffer", None)
        lines = ([os.fsdecode(line) for line in raw.read().splitlines()] if raw is not None
                 else stream.read().splitlines())
        out.extend(line.strip() for line in lines if line.strip())
    return out


class Resolver:
    """Resolves ids against one content root; loads the catalog only when needed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._index: IdIndex | None = None

    def ids(self) -> IdIndex:
        if self._index is None:
            from reader.cli.common import load_entries

            entries, problems, *_ = load_entries(self.root, use_index=True)
            # Files that could not be read are resolvable too: editing one then
            # says why it cannot be edited. Unreadable folders (ending in /) are not.
            ids = [e.id for e in entries]
            ids.extend(p.id for p in problems if not p.id.endswith("/"))
            self._index = IdIndex(ids)
        return self._index

    def resolve(self, given: str) -> Target:
        exact = file_id(self.root, given)
        if exact is not None:
            return Target(given, exact)
        try:
            return Target(given, self.ids().resolve(given))
        except IdError as exc:
            return Target(given, error=exc.reason)


def resolve_all(root: Path, given: Iterable[str]) -> list[Target]:
    """One target per item: an id given twice (or two prefixes of one id) counts once."""
    resolver = Resolver(root)
    seen: set[str] = set()
    out: list[Target] = []
    for arg in given:
        target = resolver.resolve(arg)
        if target.id is not None:
            if target.id in seen:
                continue
            seen.add(target.id)
        out.append(target)
    return out


def resolve_or_keep(root: Path, given: str) -> str:
    """For reading commands: the id ``given`` stands for; ``given`` itself when it
    names no item (the command's own error then says why it cannot be read);
    ``CLIError`` naming a few matches when it is an ambiguous prefix."""
    from reader.cli.common import CLIError

    resolver = Resolver(root)
    exact = file_id(root, given)
    if exact is not None:
        return exact
    try:
        return resolver.ids().resolve(given)
    except AmbiguousId as exc:
        raise CLIError(str(exc)) from None
    except IdError:
        return given
