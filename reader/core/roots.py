"""Several content roots at once: each root's label, and which root an id is in.

With one root nothing changes: an item's id is its path relative to the root.
With several, an id starts with its root's label and a ``/``
(``site-a/2024/05/x.md``), so ids stay unique across the roots and a typed
prefix still resolves. A label is the root folder's name; roots that share a
name take their parent folders' names too (``a-news``, ``b-news``), and
what is left alike is numbered (``news~2``). Labels hold no ``/``, no blank,
no colon or quote (a label is written in queries: ``root:LABEL``) and never
start with a dot (ids in hidden folders are not items).

``Roots`` keeps the map label -> root path; every file operation asks it
where an id's file is (``locate``). No Textual here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from reader.core.model import Entry, Item
from reader.core.store import LoadProblem, Skipped, load_item

__all__ = ["SEP", "Roots", "root_labels"]

SEP = "/"
_UNSAFE = re.compile(r"[^\w.\-+@]")  # a blank, a colon, a quote, a control character...


def _clean(name: str) -> str:
    name = _UNSAFE.sub("_", name)
    return "_" + name[1:] if name.startswith(".") else name


def _names(path: Path) -> list[str]:
    """The path's folder names, innermost first (none for ``/``)."""
    return [_clean(p) for p in reversed(path.parts[1:] if path.is_absolute() else path.parts)]


def root_labels(paths: Sequence[Path]) -> list[str]:
    """A short label per root, unique among them: its folder's name, with as many
    parent folders' names before it (joined by ``-``) as it takes to tell it from
    the others; whatever is still alike gets ``~2``, ``~3``..."""
    names = [_names(Path(os.path.abspath(p))) or ["root"] for p in paths]
    depth = [1] * len(paths)

    def label(i: int) -> str:
        return "-".join(reversed(names[i][: depth[i]]))

    while True:
        labels = [label(i) for i in range(len(paths))]
        clashing = [i for i, lab in enumerate(labels) if labels.count(lab) > 1 and depth[i] < len(names[i])]
        if not clashing:
            break
        for i in clashing:
            depth[i] += 1
    seen: dict[str, int] = {}
    out = []
    for lab in labels:
        seen[lab] = seen.get(lab, 0) + 1
        out.append(lab if seen[lab] == 1 else f"{lab}~{seen[lab]}")
    return out


@dataclass(frozen=True, slots=True)
class Roots:
    """The content roots in the order given (the first is the primary one: the
    reader's last view is kept under it), each with its label."""

    paths: tuple[Path, ...]
    labels: tuple[str, ...]

    @classmethod
    def of(cls, paths: Path | str | Iterable[Path | str]) -> Roots:
        """One root, or several (a root given twice counts once)."""
        given = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
        if not given:
            raise ValueError("no content root given")
        unique: dict[str, Path] = {}
        for p in given:
            unique.setdefault(os.path.realpath(p), Path(p))
        kept = tuple(unique.values())
        return cls(kept, tuple(root_labels(kept)))

    @property
    def single(self) -> bool:
        return len(self.paths) == 1

    @property
    def primary(self) -> Path:
        return self.paths[0]

    def __len__(self) -> int:
        return len(self.paths)

    def __iter__(self) -> Iterator[tuple[str, Path]]:
        """(label, path) of each root."""
        return iter(zip(self.labels, self.paths, strict=True))

    def path_of_label(self, label: str) -> Path | None:
        return dict(self).get(label)

    # -- ids ----------------------------------------------------------------------
    def full_id(self, label: str, rel: str) -> str:
        """The id of ``rel`` (relative to the root labelled ``label``) among all roots."""
        return rel if self.single else f"{label}{SEP}{rel}"

    def label_of(self, item_id: str) -> str | None:
        """The label of the root ``item_id`` is in (None with one root, or no such root)."""
        if self.single:
            return None
        label = item_id.partition(SEP)[0]
        return label if label in self.labels else None

    def locate(self, item_id: str) -> tuple[Path, str] | None:
        """(root path, id relative to it); None when no root has that label."""
        if self.single:
            return self.primary, item_id
        label, sep, rel = item_id.partition(SEP)
        path = self.path_of_label(label)
        return (path, rel) if sep and path is not None else None

    def split(self, item_ids: Iterable[str]) -> tuple[dict[str, list[str]], list[str]]:
        """The ids per root label (relative ids, in the order given), and the ids
        that are in no root."""
        groups: dict[str, list[str]] = {}
        lost: list[str] = []
        for item_id in item_ids:
            if self.single:
                groups.setdefault(self.labels[0], []).append(item_id)
                continue
            label, sep, rel = item_id.partition(SEP)
            if sep and label in self.labels:
                groups.setdefault(label, []).append(rel)
            else:
                lost.append(item_id)
        return groups, lost

    def counts(self, entries: Iterable[Entry]) -> list[tuple[str, int]]:
        """(label, how many of ``entries`` are in that root), in the roots' order."""
        tally = dict.fromkeys(self.labels, 0)
        for entry in entries:
            label = entry.id.partition(SEP)[0]
            if label in tally:
                tally[label] += 1
        return list(tally.items())

    def describe(self) -> str:
        """The roots for a message: their paths, joined."""
        return ", ".join(str(p) for p in self.paths)

    # -- files ----------------------------------------------------------------------
    def load_item(self, item_id: str,
                  read: Callable[[Path, str], Item | LoadProblem] = load_item) -> Item | LoadProblem:
        """The item ``item_id`` names, read (by ``read``: ``store.load_item``) from
        its own root, under that id."""
        where = self.locate(item_id)
        if where is None:
            return LoadProblem(item_id, "no content root has this label")
        item = read(*where)
        if self.single:
            return item
        if isinstance(item, LoadProblem):  # its id sanitised, as problems' are
            return LoadProblem(f"{item_id.partition(SEP)[0]}{SEP}{item.id}", item.reason)
        return replace(item, id=item_id)

    def file_of(self, item_id: str) -> Path | None:
        """The path of the item's file (not checked), or None."""
        where = self.locate(item_id)
        return None if where is None else where[0] / where[1]


# -- ids of one root made ids among several -------------------------------------------

def label_entries(label: str, entries: list[Entry]) -> list[Entry]:
    """Entries of the root ``label`` with their ids among all roots (in place:
    entries fresh from a load or a re-read belong to no one else yet)."""
    for entry in entries:
        entry.id = f"{label}{SEP}{entry.id}"
    return entries


def label_problems(label: str, problems: Iterable[LoadProblem]) -> list[LoadProblem]:
    return [LoadProblem(f"{label}{SEP}{p.id}", p.reason) for p in problems]


def label_skipped(label: str, skipped: Iterable[Skipped]) -> list[Skipped]:
    return [replace(s, id=f"{label}{SEP}{s.id}") for s in skipped]


def label_ids(label: str, ids: Iterable[str]) -> list[str]:
    return [f"{label}{SEP}{i}" for i in ids]
