"""Live reload: watch a content folder, and read again what changed in it.

``watch_changes`` blocks (run it in a thread) and hands each burst of changes
to a callback as a ``Changes``: the ids of item files that were added, changed
or removed, and the folders that appeared or went (a ``git pull``, a folder
moved in or out). It uses ``watchfiles`` (inotify on Linux, the native
watcher elsewhere) and falls back to polling when the native watcher cannot
start (no inotify, the watch limit reached, a network file system).

``read_changes`` turns a ``Changes`` into what the catalog needs: the new
entries, the new problems, and the ids to drop. It reads each changed file
once, through the same parser as the loader, and updates the persistent index.

Hidden files and folders (``.git``, ``.reader/`` with the audit log, our lock
and temp files) are never reported.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.index import (
    ENTRY,
    RACY_NS,
    SKIPPED,
    UNKNOWN_MTIME,
    UNREADABLE,
    Index,
    IndexUnavailable,
    RowDecoder,
)
from reader.core.model import Entry
from reader.core.parse_rows import GONE, parse_file
from reader.core.store import ITEM_SUFFIXES, TEMP_SUFFIX, LoadProblem, iter_files

log = logging.getLogger("reader.watch")

DEBOUNCE_MS = 200  # changes are gathered this long after the first one: one update per burst
READY_MS = 500  # the watcher wakes up this often when nothing changes


@dataclass(frozen=True, slots=True)
class Changes:
    ids: frozenset[str] = frozenset()  # item files to read again (or drop, if gone)
    dirs: frozenset[str] = frozenset()  # folders to list again ("" is the root)

    def __bool__(self) -> bool:
        return bool(self.ids or self.dirs)


@dataclass(slots=True)
class Reread:
    """What a ``Changes`` means for the catalog: apply ``removed``, then ``entries``."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # ids gone, or no longer items
    stamps: dict[str, tuple[int, int]] = field(default_factory=dict)  # id -> (size, mtime_ns) read

    @property
    def ids(self) -> set[str]:
        """Every id this touches."""
        return {*self.removed, *(e.id for e in self.entries), *(p.id for p in self.problems)}


def classify(root: str, paths: Iterable[str]) -> Changes:
    """Absolute paths reported by the watcher -> item ids and folders, relative to ``root``."""
    ids: set[str] = set()
    dirs: set[str] = set()
    for path in paths:
        rel = os.path.relpath(path, root)
        if rel == ".":
            continue  # the root's own metadata: its items are reported one by one
        parts = rel.split(os.sep)
        if parts[0] == ".." or any(p.startswith(".") for p in parts):
            continue
        rel = "/".join(parts)
        name = parts[-1]
        if name.endswith(TEMP_SUFFIX):
            continue
        if os.path.isdir(path):
            dirs.add(rel)
        elif name.lower().endswith(ITEM_SUFFIXES):
            ids.add(rel)
        elif not os.path.lexists(path):
            dirs.add(rel)  # gone: it may have been a folder of items
    return Changes(frozenset(ids), frozenset(dirs))


def watch_changes(root: Path | str, deliver: Callable[[Changes], None], stop: threading.Event, *,
                  debounce_ms: int = DEBOUNCE_MS, force_polling: bool | None = None,
                  on_note: Callable[[str], None] | None = None,
                  on_ready: Callable[[], None] | None = None) -> None:
    """Call ``deliver`` with each burst of changes under ``root`` until ``stop`` is set.

    ``on_ready`` is called once the watcher is in place (changes from then on
    are reported): a caller can then look for what changed before that.
    ``on_note`` hears, once, when the native watcher could not start and
    polling is used instead, or when watching stops for good (root gone).
    """
    import watchfiles  # only the app's watcher thread pays for the import

    real = str(Path(root).resolve())
    polling = force_polling
    while not stop.is_set():
        try:
            # yield_on_timeout: an empty batch after READY_MS of quiet tells that the
            # watches are in place (watchfiles has no other signal for it).
            for batch in watchfiles.watch(
                real, watch_filter=None, debounce=debounce_ms, step=50, stop_event=stop,
                rust_timeout=READY_MS, yield_on_timeout=True, raise_interrupt=False,
                force_polling=polling, poll_delay_ms=500, ignore_permission_denied=True,
            ):
                if on_ready is not None:
                    on_ready()
                    on_ready = None
                if not batch:
                    continue
                changes = classify(real, (path for _change, path in batch))
                if changes:
                    deliver(changes)
            return  # stopped
        except Exception as exc:  # the native watcher failed: poll instead, once
            if polling:
                if on_note is not None:
                    on_note(f"watching {real} stopped: {exc}")
                log.warning("watching %s stopped: %s", real, exc)
                return
            log.warning("native file watching failed (%s); polling instead", exc)
            if on_note is not None:
                on_note(f"file watching falls back to polling ({exc})")
            polling = True


def read_changes(root: Path | str, changes: Changes, known: Callable[[str], Iterable[str]],
                 index: Index | None = None) -> Reread:
    """Read again the files ``changes`` names.

    ``known(prefix)``: the ids the caller holds under a folder (``""``: all),
    so a folder that went takes its items with it. ``index``: updated with
    what was read (``None``: not used).
    """
    root_path = Path(root)
    out = Reread()
    todo: dict[str, tuple[str, int, int] | None] = {}  # id -> (path, size, mtime) or None: gone
    for item_id in changes.ids:
        todo[item_id] = _stat(root_path, item_id)
    for folder in changes.dirs:
        prefix = f"{folder}/" if folder else ""
        listed: set[str] = set()
        base = root_path / folder if folder else root_path
        if base.is_dir():
            try:
                for ref in iter_files(base):
                    item_id = prefix + ref.id
                    listed.add(item_id)
                    todo.setdefault(item_id, (ref.path, ref.size, ref.mtime_ns))
            except ValueError:  # NotADirectory: gone meanwhile
                pass
        for item_id in known(prefix):
            if item_id not in listed and item_id.startswith(prefix):
                todo.setdefault(item_id, _stat(root_path, item_id))
    decoder = RowDecoder()
    rows = []
    deleted = []
    started_ns = time.time_ns()
    for item_id, found in sorted(todo.items()):
        if found is None:
            out.removed.append(item_id)
            deleted.append(item_id)
            continue
        row, _how = parse_file(item_id, *found)
        kind = row[3]
        if kind == GONE:  # deleted between the stat and the read
            out.removed.append(item_id)
            deleted.append(item_id)
            continue
        out.stamps[item_id] = (row[1], row[2])  # the file as it was read
        if kind == ENTRY:
            out.entries.append(decoder.entry(row))
        else:
            out.removed.append(item_id)
            if kind != SKIPPED:
                out.problems.append(decoder.problem(row))
        if kind != UNREADABLE:
            if row[2] >= started_ns - RACY_NS:
                row = (row[0], row[1], UNKNOWN_MTIME) + row[3:]
            rows.append(row)
    if index is not None and (rows or deleted):
        try:
            index.write(rows, deleted)
        except IndexUnavailable as exc:
            log.info("index not updated after a change: %s", exc)
    return out


def changed_since(root: Path | str, since_ns: int, known: Iterable[str]) -> Changes:
    """What a watcher started late missed: files modified at or after ``since_ns``
    (with the index's two-second slack for coarse clocks), files not in ``known``,
    and ``known`` ids no longer on disk. One listing of the folder."""
    # (No set of the listed ids: at 100k files it held 15 MB of new strings for a moment.)
    unseen = set(known)
    ids: set[str] = set()
    cutoff = since_ns - RACY_NS
    for ref in iter_files(root):
        if ref.id in unseen:
            unseen.discard(ref.id)
            if ref.mtime_ns >= cutoff:
                ids.add(ref.id)
        else:
            ids.add(ref.id)
    ids |= unseen
    return Changes(frozenset(ids))


def _stat(root: Path, item_id: str) -> tuple[str, int, int] | None:
    path = root / item_id
    try:
        st = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    return str(path), st.st_size, st.st_mtime_ns
