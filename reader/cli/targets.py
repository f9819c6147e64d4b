"""The items a command works on: ids from the command line and stdin, resolved.

``-`` among the ids reads more ids from stdin, one per line (blank lines
skipped), as ``reader list --ids`` prints them. Each id is resolved in the
order of ``reader.core.ids``: an item file named exactly (or by a path inside
the root) needs no catalog; anything else -- an id as shown, a prefix -- is
looked up in the loaded catalog, which is loaded at most once per command.

With several content roots an id is what ``reader list`` prints: the root's
label, ``/``, the path in that root (``reader.core.roots``). An id given
without its label is looked for in every root: found in one, it is that
item; found in two or more, it is refused with one line naming those roots
and the ids to give instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from reader.core.ids import AmbiguousId, IdError, IdIndex, UnknownId, file_id
from reader.core.roots import SEP, Roots
from reader.core.sanitize import clip, sanitize

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


class InSeveralRoots(IdError):
    """An id without a root's label that names an item in two roots or more."""

    def __init__(self, given: str, roots: Roots, matches: list[str]) -> None:
        self.matches = tuple(matches)
        where = ", ".join(f"{label} ({clip(str(roots.path_of_label(label)))})"
                          for label in (m.partition(SEP)[0] for m in matches))
        named = " or ".join(clip(m, 80) for m in matches)
        super().__init__(given, f"in {len(matches)} content roots, {where}: give it with its root's label: {named}")


def _normal(given: str) -> str:
    while given.startswith("./"):
        given = given[2:]
    return given


class Resolver:
    """Resolves ids against the content roots; loads the catalog only when needed."""

    def __init__(self, roots: Roots | Path) -> None:
        self.roots = roots if isinstance(roots, Roots) else Roots.of(roots)
        self._index: IdIndex | None = None

    def ids(self) -> IdIndex:
        if self._index is None:
            from reader.cli.common import load_roots

            entries, problems, *_ = load_roots(self.roots, use_index=True)
            # Files that could not be read are resolvable too: editing one then
            # says why it cannot be edited. Unreadable folders (ending in /) are not.
            ids = [e.id for e in entries]
            ids.extend(p.id for p in problems if not p.id.endswith("/"))
            self._index = IdIndex(ids)
        return self._index

    def find(self, given: str) -> str:
        """The id (among the roots) ``given`` stands for; ``IdError`` (``UnknownId``,
        ``AmbiguousId``, ``InSeveralRoots``) otherwise."""
        roots = self.roots
        if roots.single:
            exact = file_id(roots.primary, given)
            return exact if exact is not None else self.ids().resolve(given)
        label, sep, rel = _normal(given).partition(SEP)
        path = roots.path_of_label(label)
        if sep and path is not None:  # the id as `reader list` prints it
            exact = file_id(path, rel)
            if exact is not None:
                return roots.full_id(label, exact)
        # an id without its label, or a path to the file: in which roots?
        found = [roots.full_id(lab, x) for lab, root in roots if (x := file_id(root, given)) is not None]
        if not found:
            index = self.ids()
            try:  # an id as shown, or a prefix of one, with its label
                return index.resolve(given)
            except UnknownId:
                pass
            for lab in roots.labels:  # ... or without it
                try:
                    found.append(index.resolve(f"{lab}{SEP}{_normal(given)}"))
                except UnknownId:
                    continue
                except AmbiguousId as exc:
                    raise AmbiguousId(given, exc.matches) from None
        if len(found) > 1:
            raise InSeveralRoots(given, roots, found)
        if found:
            return found[0]
        raise UnknownId(given)

    def resolve(self, given: str) -> Target:
        try:
            return Target(given, self.find(given))
        except IdError as exc:
            return Target(given, error=exc.reason)


def resolve_all(roots: Roots | Path, given: Iterable[str]) -> list[Target]:
    """One target per item: an id given twice (or two prefixes of one id) counts once."""
    resolver = Resolver(roots)
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


def resolve_or_keep(roots: Roots | Path, given: str) -> str:
    """For reading commands: the id ``given`` stands for. With one root, ``given``
    itself when it names no item (reading it then says why it cannot be read);
    with several, the same when it starts with a root's label. ``CLIError``
    (one line) for an ambiguous prefix, an id in several roots, or an id
    without a label that no root has."""
    from reader.cli.common import CLIError

    resolver = Resolver(roots)
    try:
        return resolver.find(given)
    except UnknownId as exc:
        if resolver.roots.single or resolver.roots.label_of(_normal(given)) is not None:
            return _normal(given) if not resolver.roots.single else given
        raise CLIError(str(exc)) from None
    except IdError as exc:
        raise CLIError(str(exc)) from None
