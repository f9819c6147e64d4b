"""The story clusters' cache: what ``StoryIndex`` found per file, kept between runs.

One SQLite file beside the persistent index (``<index dir>/<digest>.stories.sqlite``,
the digest of the resolved root, as the index's own file). Each row is one
file: its id, the (size, mtime_ns) it had when it was read, and
``stories.Cached`` (band keys, URL keys, related keys, confirmed links). A
start keeps the rows whose file still has that size and mtime and compares
only the others, so a warm start does no text comparison and no URL parsing.

It is a separate file rather than a table of the index, whose schema check
accepts exactly its own tables. The cache is a cache: a file that is damaged,
of another version or made with other settings is emptied, never an error;
if it cannot be opened at all, ``StoryCache`` does nothing (``available``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import struct
from collections.abc import Iterable, Mapping
from pathlib import Path

from reader.core import wal_db
from reader.core.index import index_path
from reader.core.minhash import BANDS, ROWS
from reader.core.private_files import private_dir
from reader.core.stories import Cached, StoryConfig

__all__ = ["FORMAT", "Stamp", "StoryCache", "cache_path"]

log = logging.getLogger("reader.stories")

Stamp = tuple[int, int]  # (size, mtime_ns) of a file
FORMAT = 1  # bump when what a row means changes (the text rules, the band keys)
UNKNOWN = -1  # an mtime that may still change within its tick: read the file again next time

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY NOT NULL, size INTEGER NOT NULL, "
    "mtime_ns INTEGER NOT NULL, row BLOB NOT NULL, urls BLOB NOT NULL, related BLOB NOT NULL, "
    "links TEXT NOT NULL)",
)


def cache_path(root: Path | str, directory: Path | str | None = None) -> Path:
    base = index_path(root, directory)
    return base.with_name(base.stem + ".stories.sqlite")


def signature(config: StoryConfig) -> str:
    return f"{FORMAT} {BANDS}x{ROWS} {config.window_days!r} {config.related}"


def _pack(keys: tuple[int, ...]) -> bytes:
    return struct.pack(f"<{len(keys)}Q", *keys)


def _unpack(data: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(data) // 8}Q", data[: len(data) // 8 * 8])


class StoryCache:
    """One root's cached stories. Use it from one thread at a time."""

    def __init__(self, root: Path | str, config: StoryConfig, *, directory: Path | str | None = None) -> None:
        self.path = cache_path(root, directory)
        self.signature = signature(config)
        self._db: sqlite3.Connection | None = None
        self.available = True

    def _open(self) -> sqlite3.Connection | None:
        if self._db is not None or not self.available:
            return self._db
        try:
            private_dir(self.path.parent)
            wal_db.prepare_private(self.path)
            db = wal_db.connect(self.path)
            for statement in _SCHEMA:
                db.execute(statement)
            have = db.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone()
            if have is None or have[0] != self.signature:
                db.execute("DELETE FROM items")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('signature', ?)", (self.signature,))
        except (OSError, sqlite3.Error) as exc:
            log.info("story cache %s unavailable: %s", self.path, exc)
            self._discard()
            return None
        self._db = db
        return db

    def _discard(self) -> None:
        """Give up on the file for this run, and remove it so the next run starts afresh."""
        self.available = False
        self.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def load(self) -> dict[str, tuple[Stamp, Cached]]:
        """Every stored row (none if the file is unusable)."""
        db = self._open()
        if db is None:
            return {}
        out = {}
        try:
            for item_id, size, mtime, row, urls, related, links in db.execute(
                    "SELECT id, size, mtime_ns, row, urls, related, links FROM items"):
                out[item_id] = ((size, mtime), Cached(bytes(row), _unpack(urls), _unpack(related),
                                                      tuple(links.split("\n")) if links else ()))
        except (sqlite3.Error, TypeError, ValueError, struct.error) as exc:
            log.info("story cache %s damaged: %s", self.path, exc)
            self._discard()
            return {}
        return out

    def write(self, rows: Mapping[str, tuple[Stamp, Cached]], removed: Iterable[str] = ()) -> None:
        db = self._open()
        if db is None:
            return
        gone = [(i,) for i in removed if i not in rows]
        values = [(i, size, mtime, c.row, _pack(c.urls), _pack(c.related), "\n".join(c.links))
                  for i, ((size, mtime), c) in rows.items()]
        try:
            with wal_db.immediate(db):
                db.executemany("DELETE FROM items WHERE id = ?", gone)
                db.executemany("INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?, ?, ?)", values)
        except sqlite3.Error as exc:  # locked by another run, or a full disk: next time, then
            log.info("story cache %s not written: %s", self.path, exc)
