"""The reader's own state: what was read, what was saved, the last view.

Per user, in SQLite under the user's *state* directory (platformdirs
``user_state_dir``; ``$READER_STATE_DIR`` overrides it): never in the content
folder (shared with others) and never in the cache (which may be deleted at any
time). An item is keyed by its URL (``model.url_key`` of its first URL:
scheme, ``www.``, case and a trailing slash do not count) and, without one,
by its id, so its state survives a rename and is shared by content roots that
hold the same item.

Several reader processes of the same user at once share the file (WAL mode, a
busy timeout, short transactions). The file is private (0700 folder, 0600
files, never through a planted symlink). A file that is not a usable state
database is moved aside (``state.sqlite.corrupt-<time>``) and a new one made;
``StateStore.note`` says so, once. Nothing here raises for the caller: a
store that cannot be written keeps working in memory and says why.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reader.core.model import Entry, url_key
from reader.core.private_files import open_private, private_dir

log = logging.getLogger("reader.state")

SCHEMA_VERSION = 1
APPLICATION = "reader-state"
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE items (key TEXT PRIMARY KEY, read_at REAL, saved_at REAL);
CREATE TABLE views (root TEXT PRIMARY KEY, view TEXT NOT NULL);
"""


def _locked(problem: str) -> bool:
    """A busy or unopenable file is not corrupt: never move it aside for that."""
    text = problem.lower()
    return "locked" in text or "busy" in text or "unable to open" in text


def state_dir() -> Path:
    env = os.environ.get("READER_STATE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_state_dir

    return Path(user_state_dir("reader"))


def item_key(entry: Entry) -> str:
    """What an item's state is kept under: its first URL's key, else its id."""
    urls = entry.urls
    return "url:" + url_key(urls[0]) if urls else "id:" + entry.id


class StateStore:
    """Read and saved marks (by item key) and the last view per content root.

    The marks are held in memory as two sets (the app asks "is this read?" for
    every row it draws) and written through to the database at once.
    """

    def __init__(self, path: Path | str | None = None, *, busy_timeout: float = 5.0) -> None:
        self.path = Path(path) if path is not None else state_dir() / "state.sqlite"
        self.busy_timeout = busy_timeout
        self.note: str | None = None  # one line for the user: the file was moved aside...
        self.read: set[str] = set()
        self.saved: set[str] = set()
        self._db: sqlite3.Connection | None = None
        self._open()

    # -- opening --------------------------------------------------------------------
    def _open(self) -> None:
        try:
            private_dir(self.path.parent)
            for suffix in ("", "-wal", "-shm"):
                os.close(open_private(f"{self.path}{suffix}"))
        except OSError as exc:
            self._degrade(f"reading state is kept for this session only: {exc}")
            return
        db, problem = self._usable()
        if problem is not None and not _locked(problem):
            moved = self._move_aside()
            db, problem = self._usable()
            if problem is None:
                self.note = f"{self.path} was not a usable state file ({moved}); started a new one"
                log.warning("%s", self.note)
        if db is None or problem is not None:
            self._degrade(f"reading state is kept for this session only: {problem}")
            return
        self._db = db
        self.refresh()

    def _usable(self) -> tuple[sqlite3.Connection | None, str | None]:
        """A connection to our state file (made if empty), or why there is none."""
        try:
            db = self._connect()
        except sqlite3.Error as exc:
            return None, str(exc)
        problem = self._check(db)
        if problem is not None:
            db.close()
            return None, problem
        return db, None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None,
                             check_same_thread=False)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            db.close()
            raise
        return db

    def _check(self, db: sqlite3.Connection) -> str | None:
        """None when ``db`` is our state file (made now if empty), else why not."""
        try:
            if not db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                db.execute("BEGIN IMMEDIATE")
                if not db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute("INSERT INTO meta VALUES ('application', ?), ('version', ?)",
                               (APPLICATION, str(SCHEMA_VERSION)))
                db.execute("COMMIT")
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            db.execute("SELECT key, read_at, saved_at FROM items LIMIT 1").fetchall()
            db.execute("SELECT root, view FROM views LIMIT 1").fetchall()
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            return f"not a state database: {exc}"
        if meta.get("application") != APPLICATION:
            return "not a reader state file"
        if meta.get("version") != str(SCHEMA_VERSION):
            return f"state file version {meta.get('version')}, expected {SCHEMA_VERSION}"
        return None

    def _move_aside(self) -> str:
        target = f"{self.path}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}"
        try:
            os.replace(self.path, target)
        except OSError as exc:
            return f"could not move it aside: {exc}"
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")
        return f"moved to {target}"

    def _degrade(self, why: str) -> None:
        self.note = why
        self._db = None
        log.warning("%s", why)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- marks ----------------------------------------------------------------------
    def set_read(self, keys: Iterable[str], read: bool = True) -> None:
        self._set(keys, "read_at", self.read, read)

    def set_saved(self, keys: Iterable[str], saved: bool = True) -> None:
        self._set(keys, "saved_at", self.saved, saved)

    def _set(self, keys: Iterable[str], column: str, marks: set[str], on: bool) -> None:
        keys = [k for k in keys if (k in marks) != on]
        if not keys:
            return
        if on:
            marks.update(keys)
        else:
            marks.difference_update(keys)
        if self._db is None:
            return
        when = time.time() if on else None
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                f"INSERT INTO items (key, {column}) VALUES (?, ?) "
                f"ON CONFLICT(key) DO UPDATE SET {column} = excluded.{column}",
                [(k, when) for k in keys])
            self._db.execute("DELETE FROM items WHERE read_at IS NULL AND saved_at IS NULL")
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            self._degrade(f"cannot write {self.path} ({exc}); reading state is kept in memory")

    def refresh(self) -> None:
        """Read the marks again (another reader process of the same user wrote)."""
        if self._db is None:
            return
        try:
            rows = self._db.execute("SELECT key, read_at, saved_at FROM items").fetchall()
        except sqlite3.Error as exc:
            self._degrade(f"cannot read {self.path}: {exc}")
            return
        self.read = {k for k, r, _s in rows if r is not None}
        self.saved = {k for k, _r, s in rows if s is not None}

    # -- the last view ---------------------------------------------------------------
    def last_view(self, root: Path | str) -> dict[str, Any] | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT view FROM views WHERE root = ?",
                                   (str(Path(root).resolve()),)).fetchone()
            view = json.loads(row[0]) if row else None
        except (sqlite3.Error, ValueError):
            return None
        return view if isinstance(view, dict) else None

    def save_view(self, root: Path | str, view: dict[str, Any]) -> None:
        if self._db is None:
            return
        try:
            self._db.execute("INSERT OR REPLACE INTO views VALUES (?, ?)",
                             (str(Path(root).resolve()), json.dumps(view, ensure_ascii=False)))
        except sqlite3.Error as exc:
            self._degrade(f"cannot write {self.path} ({exc}); reading state is kept in memory")
