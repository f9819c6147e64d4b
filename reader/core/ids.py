"""Item ids as people type them: the exact id, the id as shown, or a unique prefix.

An item's id is its path relative to the content root, with ``/`` between
folders (what ``reader list --json`` prints). What is shown of an id is
sanitised (``reader.core.sanitize``), so a file name that is not UTF-8 or holds
control characters is shown differently from the raw name that opens it.
``IdIndex.resolve`` accepts either, in this order:

1. the exact raw id;
2. the exact id as shown (a copied or piped id of an oddly named file);
3. a prefix of one id, raw or as shown (``2024/05/ai-`` for
   ``2024/05/ai-lung.md``). A prefix that matches several ids is refused with a
   few of them named; an exact id always wins over being a prefix of others.

``file_id`` answers without a catalog: the id of an item file named by an id
or by a path (as a shell completes it) that lies inside the content root.
Both are used by the command line and can be used by the app.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Iterable, Sequence

from reader.core.sanitize import clip, is_clean, sanitize
from reader.core.store import is_item_name

__all__ = ["AmbiguousId", "IdError", "IdIndex", "UnknownId", "file_id"]

NAMED = 3  # ids named in the message about an ambiguous prefix


class IdError(LookupError):
    """An id that names no single item; ``str()`` is one line: the id (clipped), the reason."""

    def __init__(self, given: str, reason: str) -> None:
        self.given = given
        self.reason = reason
        super().__init__(f"{clip(given)}: {reason}")


class UnknownId(IdError):
    def __init__(self, given: str) -> None:
        super().__init__(given, "no such item" if given else "an empty id names no item")


class AmbiguousId(IdError):
    def __init__(self, given: str, matches: Sequence[str]) -> None:
        self.matches = tuple(matches)
        named = ", ".join(clip(m, 80) for m in self.matches[:NAMED])
        more = ", …" if len(self.matches) > NAMED else ""
        super().__init__(given, f"ambiguous, matches {len(self.matches)} items: {named}{more}")


def _normal(given: str) -> str:
    while given.startswith("./"):
        given = given[2:]
    return given


def _prefixed(sorted_keys: Sequence[str], prefix: str) -> Iterable[int]:
    i = bisect_left(sorted_keys, prefix)
    while i < len(sorted_keys) and sorted_keys[i].startswith(prefix):
        yield i
        i += 1


class IdIndex:
    """The ids of a catalog, sorted once, for resolving what someone typed.

    Building it sorts the ids (and sanitises only those that are not clean);
    each ``resolve`` is a bisection, so resolving many ids against 100k is cheap.
    """

    def __init__(self, ids: Iterable[str]) -> None:
        self._raw = sorted(set(ids))
        self._raw_set = frozenset(self._raw)
        # Clean ids are shown as they are; only the others need a second key.
        shown = sorted((sanitize(i), i) for i in self._raw if not is_clean(i))
        self._shown = [s for s, _ in shown]
        self._shown_raw = [r for _, r in shown]

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._raw_set

    def matches(self, prefix: str) -> list[str]:
        """Every raw id that starts with ``prefix``, raw or as shown, sorted."""
        found = {self._raw[i] for i in _prefixed(self._raw, prefix)}
        found.update(self._shown_raw[i] for i in _prefixed(self._shown, prefix))
        return sorted(found)

    def resolve(self, given: str) -> str:
        """The raw id ``given`` stands for; ``UnknownId`` or ``AmbiguousId`` otherwise."""
        wanted = _normal(given)
        if not wanted:
            raise UnknownId(given)
        if wanted in self._raw_set:
            return wanted
        shown = [self._shown_raw[i] for i in _prefixed(self._shown, wanted)
                 if self._shown[i] == wanted]
        if len(shown) == 1:
            return shown[0]
        if len(shown) > 1:  # two raw names that look the same once sanitised
            raise AmbiguousId(given, shown)
        found = self.matches(wanted)
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousId(given, found)
        raise UnknownId(given)


def file_id(root: str | os.PathLike[str], given: str) -> str | None:
    """The id of the item file ``given`` names, or None.

    ``given`` is an id (a path relative to ``root``) or a path to the file
    (absolute, or relative to the working directory). It must name an existing
    regular file with an item's name (``.md``, ``.txt``, ``.yaml``, ``.yml``),
    in no hidden folder, that stays inside ``root`` once symlinks are followed.
    The id returned is normalised (``a/./b.md`` is ``a/b.md``). Never raises.
    """
    root = os.fspath(root)
    try:
        real_root = os.path.realpath(root)
        base = os.path.abspath(root)
        for candidate in dict.fromkeys((os.path.join(root, given), given)):
            rel = os.path.relpath(os.path.abspath(candidate), base)
            if rel == os.pardir or rel.startswith(os.pardir + os.sep):
                continue
            parts = rel.split(os.sep)
            if any(p.startswith(".") for p in parts) or not is_item_name(parts[-1]):
                continue
            real = os.path.realpath(candidate)
            if not real.startswith(real_root.rstrip(os.sep) + os.sep) or not os.path.isfile(real):
                continue
            return "/".join(parts)
    except (OSError, ValueError):  # a NUL, a name too long
        return None
    return None
