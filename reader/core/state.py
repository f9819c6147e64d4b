"""The reader's own state: what was read, what was saved, the last view.

Per user, in SQLite under the user's *state* directory (platformdirs
``user_state_dir``; ``$READER_STATE_DIR`` overrides it): never in the content
folder (shared with others) and never in the cache (which may be deleted at any
time). An item is keyed by its URL (``model.url_key`` of its first URL:
scheme, ``www.``, case and a trailing slash do not count) and, without one,
by its id, so its state survives a rename and is shared by content roots that
hold the same item.

Several reader processes of the same user at once share the file (WAL mode, a
busy timeout, short transactions). The app opens its store with
``background=True``: a mark changes the in-memory sets at once and is written
by one writer thread, in order, so a busy file (another process writing)
never holds up a keypress; ``load=False`` defers reading the marks to that
thread too (``load_marks``), so a large state file costs start-up nothing;
``lazy=True`` defers even opening the file (``open``, or the first use), so
the app's first frame does not wait for it.

With ``write_later`` (the app passes its timer) a mark does not even wake the
writer thread: waking it from a keypress lets it (and, on a busy machine,
another process) take the CPU and the GIL from the UI thread for a few
milliseconds, the tail of a mark's cost. The marks are held, and
``WRITE_AFTER`` seconds after the first of them the timer hands them all to
the writer, which commits them in one transaction. ``flush`` and ``close``
hand them over at once and wait; so what a ``kill -9`` (or a crash) can lose
is the marks of the last ``WRITE_AFTER`` seconds and a transaction being
written; a power cut may also lose the last commits (synchronous=NORMAL). The file is private (0700 folder, 0600
files, never through a planted symlink). A file that is not a usable state
database is moved aside (``state.sqlite.corrupt-<time>``) and a new one made;
``StateStore.note`` says so, once. Nothing here raises for the caller: a
store that cannot be written keeps working in memory and says why.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from reader.core import wal_db
from reader.core.model import Entry, url_key
from reader.core.private_files import open_private, private_dir

log = logging.getLogger("reader.state")

WRITE_AFTER = 0.5  # seconds held marks wait (with the marks after them) for the writer thread
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
    every row it draws) and written through to the database: at once, or by
    the writer thread (``background``), or held for it (``write_later``).
    """

    def __init__(self, path: Path | str | None = None, *, busy_timeout: float = 5.0,
                 background: bool = False, load: bool = True, lazy: bool = False,
                 write_later: Callable[[float, Callable[[], None]], object] | None = None) -> None:
        self.path = Path(path) if path is not None else state_dir() / "state.sqlite"
        self.busy_timeout = busy_timeout
        self.note: str | None = None  # one line for the user: the file was moved aside...
        self.read: set[str] = set()
        self.saved: set[str] = set()
        self.loaded = threading.Event()  # the marks have been read from the file
        self._db: sqlite3.Connection | None = None
        self._background = background
        self._queue: queue.Queue[_Op | None] = queue.Queue()
        self._pending: deque[_Op] = deque()  # queued writes, not yet in the file (under _lock)
        self._lock = threading.Lock()
        self._writer: threading.Thread | None = None
        # (background) Called on the marking thread: run the callback there after a delay.
        self.write_later = write_later
        self._held: list[_Op] = []  # marks not handed to the writer yet (under _lock)
        self._load = load
        self._opened = False
        if not lazy:
            self.open()

    # -- opening --------------------------------------------------------------------
    def open(self) -> None:
        """Open the file (once: a ``lazy`` store opens on the first call that needs it).
        Call it from the thread that uses the store (not the writer thread)."""
        if not self._opened:
            self._opened = True
            self._open(self._load)

    def _open(self, load: bool) -> None:
        try:
            private_dir(self.path.parent)
            for suffix in ("", "-wal", "-shm"):
                os.close(open_private(f"{self.path}{suffix}"))
        except OSError as exc:
            self._degrade(f"reading state is kept for this session only: {exc}")
            self.loaded.set()
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
            self.loaded.set()
            return
        self._db = db
        if load:
            self.refresh()
            self.loaded.set()

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
        return wal_db.connect(self.path, self.busy_timeout)

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
        """Write what is queued, stop the writer thread, close the file."""
        self._release()
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join()
            self._writer = None
        if self._db is not None:
            self._db.close()
            self._db = None

    def flush(self) -> None:
        """Wait until every queued or held write is in the file."""
        self._release()
        if self._writer is not None:
            self._queue.join()

    # -- the writer thread (background=True) -------------------------------------------
    def _hold(self, op: _Op) -> None:
        """Keep a mark for the writer thread; with ``write_later``, wake it later
        (one wake, one transaction for the marks of the next WRITE_AFTER s)."""
        later = self.write_later
        with self._lock:
            self._held.append(op)
            first = len(self._held) == 1
        if later is None:
            self._release()
        elif first:
            try:
                later(WRITE_AFTER, self._release)
            except Exception:  # no timer (the app is closing): write them now
                self._release()

    def _release(self) -> None:
        """Hand the held marks to the writer thread (one op: one transaction)."""
        with self._lock:  # submitted under the lock: two releases cannot swap their order
            held, self._held = self._held, []
            if held:
                self._submit(_Op("marks", lambda: self._write(held), parts=held))

    def _submit(self, op: _Op) -> None:
        """Run ``op`` on the writer thread, after every op submitted before it."""
        if self._writer is None:
            self._writer = threading.Thread(target=self._write_loop, name="reader-state-writer",
                                            daemon=True)
            self._writer.start()
        self._queue.put(op)

    def _write_loop(self) -> None:
        while True:
            op = self._queue.get()
            try:
                if op is None:
                    return
                op.run()
                with self._lock:
                    for done in op.parts or (op,):
                        if self._pending and self._pending[0] is done:
                            self._pending.popleft()
            except Exception:  # a writer that dies would lose every later mark
                log.exception("state writer: %s failed", op)
            finally:
                self._queue.task_done()

    def load_marks(self, done: Callable[[], None] | None = None) -> None:
        """Read the marks from the file (on the writer thread when in the
        background); marks made meanwhile are kept. ``done`` is called after,
        on that thread; ``loaded`` is set."""
        self.open()

        def run() -> None:
            self.refresh()
            self.loaded.set()
            if done is not None:
                done()

        if self._background and self._db is not None:
            self._submit(_Op("load", run))
        else:
            run()

    # -- marks ----------------------------------------------------------------------
    def set_read(self, keys: Iterable[str], read: bool = True) -> None:
        self._set(keys, "read_at", read)

    def set_saved(self, keys: Iterable[str], saved: bool = True) -> None:
        self._set(keys, "saved_at", saved)

    def _set(self, keys: Iterable[str], column: str, on: bool) -> None:
        self.open()
        with self._lock:
            # The set is taken under the lock: a load (``refresh``, writer thread)
            # swaps ``self.read``/``self.saved`` for new sets, and a mark made on the
            # old one after the swap would be lost from memory.
            marks = self.read if column == "read_at" else self.saved
            # Until the marks are read, memory cannot say what is a no-op: write them all.
            keys = [k for k in keys if (k in marks) != on] if self.loaded.is_set() else list(keys)
            if not keys:
                return
            op = _Op(column, keys=keys, on=on, when=time.time() if on else None)
            if on:
                marks.update(keys)
            else:
                marks.difference_update(keys)
            if self._db is None:
                return
            if self._background:
                self._pending.append(op)
        if self._background:
            self._hold(op)
        else:
            self._write([op])

    def _write(self, marks: list[_Op]) -> None:
        """Write ``marks`` (in order) in one transaction."""
        db = self._db
        if db is None:
            return
        try:
            with wal_db.immediate(db):
                for op in marks:
                    column, keys, when = op.column, op.keys, op.when
                    db.executemany(
                        f"INSERT INTO items (key, {column}) VALUES (?, ?) "
                        f"ON CONFLICT(key) DO UPDATE SET {column} = excluded.{column}",
                        [(k, when) for k in keys])
                    if not op.on:  # only the keys just cleared can have become empty
                        db.executemany("DELETE FROM items WHERE key = ? AND read_at IS NULL "
                                       "AND saved_at IS NULL", [(k,) for k in keys])
        except sqlite3.Error as exc:
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
        read = {k for k, r, _s in rows if r is not None}
        saved = {k for k, _r, s in rows if s is not None}
        with self._lock:
            # Writes queued after this read (background) are not in ``rows`` yet:
            # they were made in memory already, and stay made.
            for op in self._pending:
                marks = read if op.column == "read_at" else saved
                if op.on:
                    marks.update(op.keys)
                else:
                    marks.difference_update(op.keys)
            self.read, self.saved = read, saved

    # -- the last view ---------------------------------------------------------------
    def last_view(self, root: Path | str) -> dict[str, Any] | None:
        import json  # (the app's start reads it after its first frame: json is not imported before)

        self.open()
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
        import json

        self.open()
        if self._db is None:
            return
        row = (str(Path(root).resolve()), json.dumps(view, ensure_ascii=False))

        def write() -> None:
            if self._db is None:
                return
            try:
                self._db.execute("INSERT OR REPLACE INTO views VALUES (?, ?)", row)
            except sqlite3.Error as exc:
                self._degrade(f"cannot write {self.path} ({exc}); reading state is kept in memory")

        if self._background:
            self._submit(_Op("view", write))
        else:
            write()


class _Op:
    """One write (or the load) for the writer thread; ``keys``/``on``/``when`` for a
    mark (its ``run`` writes it alone); ``parts``: the marks a batch writes."""

    __slots__ = ("column", "keys", "on", "parts", "run", "when")

    def __init__(self, column: str, run: Callable[[], None] | None = None, *,
                 keys: list[str] | None = None, on: bool = True, when: float | None = None,
                 parts: list[_Op] | None = None) -> None:
        self.column = column
        self.keys = keys or []
        self.on = on
        self.when = when
        self.parts = parts
        self.run: Callable[[], None] = run if run is not None else _nothing


def _nothing() -> None:
    """A mark's own ``run``: marks are written in batches (``StateStore._write``)."""

    def __repr__(self) -> str:
        return f"<state {self.column} op, {len(self.keys)} keys>"
