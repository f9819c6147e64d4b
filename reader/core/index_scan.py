"""What the persistent index holds, read in one pass at the start of a scan.

``read_index`` decodes every row: the entries and problems to show at once, and
for each id what the index knows of its file (size, mtime and row kind packed
in one int, ``Known``) for the listing to compare with. The index is untrusted:
a row that does not decode is not shown and its file is read again (it gets a
stamp no file has); a damaged file is emptied by the index itself
(``IndexRebuilt``), and then every file is read.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field

from reader.core.index import UNREADABLE, BadRow, Index, IndexRebuilt, IndexUnavailable, RowDecoder
from reader.core.model import Entry
from reader.core.store import LoadProblem

# (mtime_ns, size) packed in one int, then the row kind in the low two bits:
# a dict of 100k (size, mtime_ns, kind) tuples held about 13 MB for the second
# it took to list the folder.
_SIZE_BITS = 42  # sizes below 4 TB (an item file is at most 1 MB)
NEVER = -1 << 128  # the stamp of a row whose size or mtime is not what the index writes
REREAD = NEVER << 2 | UNREADABLE  # a damaged index row: matches no file, read it again


def stamp(size: object, mtime_ns: object) -> int:
    """``size`` and ``mtime_ns`` as one int; equal stamps, equal pairs."""
    if type(size) is int and type(mtime_ns) is int and 0 <= size < 1 << _SIZE_BITS:
        return mtime_ns << _SIZE_BITS | size
    return NEVER


@dataclass(slots=True)
class FromIndex:
    entries: list[Entry] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    warnings: list[LoadProblem] = field(default_factory=list)
    known: dict[str, int] = field(default_factory=dict)  # id -> stamp(size, mtime_ns) << 2 | kind
    used: bool = False  # the index could be read (or was rebuilt empty)
    note: str | None = None  # why it was rebuilt, or rows dropped, or why it is not used
    unavailable: bool = False  # the scan carries on without it


def read_index(index: Index, decoder: RowDecoder) -> FromIndex:
    """Every row of ``index`` decoded (see the module's docstring)."""
    out = FromIndex()
    bad = 0
    try:
        index.open()
        decode = decoder.decode
        known = out.known
        with _gc_paused():
            for row in index.iter_rows():
                try:
                    decoded = decode(row)
                except BadRow:
                    known[row[0]] = REREAD
                    bad += 1
                    continue
                known[row[0]] = stamp(row[1], row[2]) << 2 | row[3]
                if isinstance(decoded, Entry):
                    out.entries.append(decoded)
                    if row[14]:
                        warned = decoder.warning(row)
                        if warned is not None:
                            out.warnings.append(warned)
                elif decoded is not None:
                    out.problems.append(decoded)
        out.used = True
        out.note = index.rebuilt or (
            f"{bad} damaged index rows dropped; their files were read again" if bad else None)
        return out
    except IndexRebuilt:
        return FromIndex(used=True, note=index.rebuilt)
    except IndexUnavailable as exc:
        return FromIndex(note=str(exc), unavailable=True)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Building 100k objects triggers full collections for nothing: pause the
    collector, and then keep what was built out of its generations (``gc.freeze``):
    the entries live as long as the app, and the first collections after the load
    would otherwise walk them all (three collections, ~200 ms at 100k)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if was_enabled:
            gc.enable()
