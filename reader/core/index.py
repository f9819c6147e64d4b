"""The persistent index: what a warm start needs, without parsing any YAML.

One SQLite file per content root, in ``<cache dir>/index/<sha256 of the
resolved root>.sqlite``. Each row is one file, keyed by its id (the path
relative to the root) with the size and mtime it had when it was read, and
either the entry fields the list, sorting and filters need, or the reason the
file is a problem, or a note that it is not an item (no front matter). A warm
start lists the files, keeps the rows whose size and mtime still match, and
re-reads only the rest.

The index is a cache: a corrupt file, a foreign schema version, something that
is not a database at all -- each is deleted and rebuilt, never a crash. WAL
mode, a busy timeout and short write transactions let two processes share it;
if it stays locked, the caller carries on without it (``IndexUnavailable``).
Rows are untrusted (see ``index_rows``): one that does not decode is read
again from its file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from reader.core import wal_db

# The rows and their decoding live in index_rows; importers may use them from here.
from reader.core.index_rows import (  # noqa: F401
    COLUMNS,
    ENTRY,
    PROBLEM,
    SEP,
    SKIPPED,
    UNREADABLE,
    BadRow,
    Row,
    RowDecoder,
    problem_row,
    row_from_entry,
    skipped_row,
    storable,
)
from reader.core.private_files import open_private, private_dir

SCHEMA_VERSION = 5  # 2: urls packed (Entry.url_data), search text instead of the excerpt;
# 3: heat and quality as written (no longer clamped to 100), excerpt line breaks kept;
# 4: the sanitiser drops invisible characters and shows lone surrogates (stored text changed);
# 5: an entry's reason column holds its warnings (a key written twice)
APPLICATION = "reader-index"

# A file whose mtime is this close to (or after) the scan start may be written
# again within the same timestamp tick without its size changing: store it as
# "unknown mtime" so the next start reads it again (git's "racy clean" rule).
RACY_NS = 2_000_000_000
UNKNOWN_MTIME = -1

_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    id TEXT PRIMARY KEY NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    title TEXT, provider TEXT, published_at TEXT, heat INTEGER, quality INTEGER,
    published INTEGER, topics TEXT, urls BLOB, search BLOB, heat_unscored INTEGER,
    reason TEXT
);
PRAGMA user_version = {SCHEMA_VERSION};
"""
_INSERT = f"INSERT OR REPLACE INTO files VALUES ({', '.join('?' * len(COLUMNS))})"

# SQL indexes that let a start show the first screen of a view straight from
# the index (``reader.core.first_screen``): newest first, and the triage queue
# (unpublished, hottest then best). Made once a scan has stored its rows (one
# pass over the table, ~50 ms at 100k) rather than kept up to date row by row
# while a first start fills the table; an index file without them is still ours.
VIEW_INDEXES = {
    "files_by_date": "CREATE INDEX files_by_date ON files(published_at DESC) WHERE kind = 0",
    "files_queue": "CREATE INDEX files_queue ON files(heat DESC, quality DESC) "
                   "WHERE kind = 0 AND published = 0",
}
# The number of rows in ``files``, kept in ``meta`` for the first screen's
# "loading 0/N" (``SELECT count(*)`` walks the whole id index: ~3 ms at 100k).
# Exact or absent: every write deletes it in its own transaction, and a
# finished scan stores it again (``ensure_view_indexes``). Readers treat it as
# untrusted like every row (``row_count``).
ROW_COUNT = "rows"


class IndexUnavailable(Exception):
    """The index cannot be used this time (locked, unwritable directory...)."""


class IndexRebuilt(IndexUnavailable):
    """What was read so far is void: the file was damaged and is now empty again.

    The index stays open and usable (``Index.rebuilt`` says why)."""


def default_directory() -> Path:
    from reader.core.config import cache_dir

    return cache_dir() / "index"


def index_path(root: Path | str, directory: Path | str | None = None) -> Path:
    resolved = str(Path(root).resolve())
    digest = hashlib.sha256(os.fsencode(resolved)).hexdigest()
    return Path(directory if directory is not None else default_directory()) / f"{digest}.sqlite"


# -- the database --------------------------------------------------------------

class Index:
    """One root's index file. Not thread-safe: use it from one thread."""

    def __init__(self, root: Path | str, *, directory: Path | str | None = None,
                 busy_timeout: float = 5.0) -> None:
        self.root = str(Path(root).resolve())
        self.path = index_path(root, directory)
        self.busy_timeout = busy_timeout
        self.rebuilt: str | None = None  # why the file was rebuilt on open, if it was
        self._db: sqlite3.Connection | None = None

    # opening, checking, rebuilding
    def open(self) -> None:
        """Connect and check the file; rebuild it when it is not ours. Raises IndexUnavailable."""
        if self._db is not None:
            return
        try:
            private_dir(self.path.parent)
        except OSError as exc:
            raise IndexUnavailable(f"cannot create {self.path.parent}: {exc.strerror or exc}") from None
        deadline = time.monotonic() + self.busy_timeout
        with self._file_lock(deadline):
            for _attempt in range(3):
                try:
                    self._prepare_files()
                except OSError as exc:
                    raise IndexUnavailable(f"cannot open {self.path}: {exc.strerror or exc}") from None
                try:
                    db = self._connect()
                except sqlite3.DatabaseError as exc:
                    if _is_locked(exc):
                        raise IndexUnavailable(f"index is locked: {exc}") from None
                    self._discard(f"unusable index file ({exc})")
                    continue
                try:
                    problem = self._check_or_create(db)
                except sqlite3.DatabaseError as exc:
                    db.close()
                    if _is_locked(exc):
                        raise IndexUnavailable(f"index is locked: {exc}") from None
                    self._discard(f"unusable index file ({exc})")
                    continue
                if problem is None:
                    self._db = db
                    return
                db.close()
                self._discard(problem)
        raise IndexUnavailable("index file could not be rebuilt")

    def _prepare_files(self) -> None:
        wal_db.prepare_private(self.path)

    def _connect(self) -> sqlite3.Connection:
        return wal_db.connect(self.path, self.busy_timeout)

    def _check_or_create(self, db: sqlite3.Connection) -> str | None:
        """None when the file is a good index of our root (created if empty), else why not."""
        version = db.execute("PRAGMA user_version").fetchone()[0]
        objects = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if not objects and version == 0:
            with wal_db.immediate(db):
                if not db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.executemany("INSERT INTO meta VALUES (?, ?)",
                                   [("application", APPLICATION), ("root", self.root)])
        return _verify(db, self.root)

    def _discard(self, why: str) -> None:
        self.rebuilt = why
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):  # a failure shows on the next attempt
                os.unlink(f"{self.path}{suffix}")

    @contextlib.contextmanager
    def _file_lock(self, deadline: float) -> Iterator[None]:
        """Serialises open/check/rebuild between processes (where flock exists)."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: SQLite's own locking only
            yield
            return
        try:
            fd = open_private(f"{self.path}.lock")
        except OSError as exc:
            raise IndexUnavailable(f"cannot open the index lock: {exc.strerror or exc}") from None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise IndexUnavailable("index is locked by another process") from None
                    time.sleep(0.02)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def __enter__(self) -> Index:
        return self  # opened on first use (scan() opens it and copes if it cannot)

    def __exit__(self, *exc: object) -> None:
        self.close()

    # reading and writing
    def iter_rows(self, chunk: int = 4096) -> Iterator[Row]:
        """Every stored row, streamed from one SELECT.

        Raises IndexUnavailable (locked); ``IndexRebuilt`` when the file turned out
        to be damaged midway (a corrupt page, text that is not UTF-8): it is then
        emptied, the rows already yielded are void, and the index can be used on.
        """
        db = self._require()
        try:
            # (rowid order: the order the first screen breaks ties in, see first_screen)
            cursor = db.execute(f"SELECT {', '.join(COLUMNS)} FROM files ORDER BY rowid")
            while True:
                rows = cursor.fetchmany(chunk)
                if not rows:
                    return
                yield from rows
        except sqlite3.DatabaseError as exc:
            if _is_locked(exc):
                raise IndexUnavailable(f"cannot read the index: {exc}") from None
            why = f"unreadable index file ({exc})"
        self.close()
        self._discard(why)
        self.open()  # an empty file now (or IndexUnavailable)
        raise IndexRebuilt(why)

    def ensure_view_indexes(self) -> None:
        """Create what the first screen reads if it is missing: the first-screen
        indexes (``VIEW_INDEXES``) and the row count (``ROW_COUNT``).
        Raises IndexUnavailable."""
        db = self._require()
        try:
            have = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
            missing = [sql for name, sql in VIEW_INDEXES.items() if name not in have]
            counted = db.execute("SELECT 1 FROM meta WHERE key = ?", (ROW_COUNT,)).fetchone() is not None
            if not missing and counted:
                return
            with wal_db.immediate(db):
                for sql in missing:
                    db.execute(sql.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
                (count,) = db.execute("SELECT count(*) FROM files").fetchone()
                db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (ROW_COUNT, str(count)))
        except sqlite3.DatabaseError as exc:
            raise IndexUnavailable(f"cannot write the index: {exc}") from None

    def rows(self) -> dict[str, Row]:
        """Every stored row by id. Raises IndexUnavailable."""
        return {row[0]: row for row in self.iter_rows()}

    def write(self, rows: Iterable[Row] = (), deleted: Iterable[str] = ()) -> None:
        """Store rows and forget deleted ids, in one transaction. Raises IndexUnavailable."""
        db = self._require()
        rows = [r for r in rows if storable(r)]
        gone = [(d,) for d in deleted if storable((d, 0, 0, PROBLEM))]
        if not rows and not gone:
            return
        try:
            with wal_db.immediate(db):
                db.execute("DELETE FROM meta WHERE key = ?", (ROW_COUNT,))  # stored again after the scan
                if gone:
                    db.executemany("DELETE FROM files WHERE id = ?", gone)
                if rows:
                    db.executemany(_INSERT, rows)
        except sqlite3.DatabaseError as exc:
            raise IndexUnavailable(f"cannot write the index: {exc}") from None

    def _require(self) -> sqlite3.Connection:
        if self._db is None:
            self.open()
        assert self._db is not None
        return self._db


_OBJECTS = {("table", "meta"), ("table", "files"), ("index", "sqlite_autoindex_meta_1"),
            ("index", "sqlite_autoindex_files_1")}


def _verify(db: sqlite3.Connection, root: str) -> str | None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        return f"index schema version {version}, expected {SCHEMA_VERSION}"
    try:
        objects = set()
        for kind, name, sql in db.execute("SELECT type, name, sql FROM sqlite_master"):
            if kind == "index" and name in VIEW_INDEXES:
                if sql != VIEW_INDEXES[name]:
                    return "not a reader index"  # an index of ours defined otherwise
                continue  # optional (made after a scan)
            objects.add((kind, name))
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        columns = [r[1] for r in db.execute("PRAGMA table_info(files)")]
    except sqlite3.OperationalError as exc:
        if _is_locked(exc):
            raise
        return f"not a reader index ({exc})"
    except (TypeError, ValueError):  # e.g. meta rows that are not pairs
        return "not a reader index"
    # Exactly our tables (no views or triggers in their place) with our columns.
    if objects != _OBJECTS or meta.get("application") != APPLICATION or tuple(columns) != COLUMNS:
        return "not a reader index"
    if meta.get("root") != root:
        return "index of another folder"
    return None


def row_count(meta: dict[object, object]) -> int | None:
    """The row count kept in ``meta`` (``ROW_COUNT``), or None: absent, or not
    a count (the file is untrusted)."""
    value = meta.get(ROW_COUNT)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


def _is_locked(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text
