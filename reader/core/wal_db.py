"""One way to open our SQLite files (the index, the story cache, the reader's
state): several processes at once, so WAL, a busy timeout SQLite itself waits
out, and NORMAL sync (WAL keeps the file consistent; a power cut may lose the
last commits of a cache or a mark, never corrupt it)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from reader.core.private_files import narrow_existing, open_private


def prepare_private(path: str | os.PathLike[str]) -> None:
    """The file and SQLite's siblings: private regular files, never a planted symlink.

    SQLite opens paths as given and would follow a symlink to write (or turn
    to WAL mode) whatever it points at; ``open_private`` replaces such a link
    with a new 0600 file before SQLite sees the path, and SQLite gives the
    -wal and -shm files it creates the database file's mode.
    """
    os.close(open_private(os.fspath(path)))
    for suffix in ("-wal", "-shm", "-journal"):
        narrow_existing(f"{os.fspath(path)}{suffix}")


def connect(path: str | os.PathLike[str], busy_timeout: float = 5.0) -> sqlite3.Connection:
    """A connection in WAL mode, autocommit (transactions are explicit), usable
    from the thread that asks (the callers serialise access themselves)."""
    db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    try:
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        db.close()
        raise
    return db


@contextmanager
def immediate(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (``BEGIN IMMEDIATE``: the write lock at once, so two
    writers never deadlock upgrading), committed at the end or rolled back on
    any exception, which goes on up."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
