"""A view's first rows straight from the persistent index: what a start shows first.

``first_rows(root, view, limit)`` reads the first ``limit`` entries of ``view``
(newest first, or the triage queue) with one ordered ``LIMIT`` query on the
index's SQL indexes, before the rest of the index is read. The order is the
catalog's (``reader.core.query.sort_values``): missing values last in both
directions, heat ties broken by quality (and quality ties by heat), remaining
ties in entry order -- which, for entries loaded from the index, is the
index's row order (``Index.iter_rows`` reads ``ORDER BY rowid``).

It is a quick look, never the truth: the file is opened read-only with no
waiting, anything unexpected gives ``None`` (the caller shows nothing early and
loads as usual), and rows are untrusted like every other index row -- decoded
by ``RowDecoder``, a row that does not decode is left out, and so is one whose
date is not in the form the index writes (it would sort differently in SQL).
The full load replaces these entries moments later.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from reader.core.index import (
    COLUMNS,
    ENTRY,
    SCHEMA_VERSION,
    BadRow,
    RowDecoder,
    index_path,
    row_count,
)
from reader.core.model import Entry
from reader.core.query import Published, Query, SortKey

__all__ = ["FirstScreen", "first_rows", "order_by"]


class FirstScreen:
    """The first entries of a view and how many rows the index holds."""

    __slots__ = ("entries", "indexed")

    def __init__(self, entries: list[Entry], indexed: int) -> None:
        self.entries = entries
        self.indexed = indexed  # rows in the index (entries, problems, skipped files)


def order_by(view: Query) -> str | None:
    """``WHERE ... ORDER BY ...`` giving ``view``'s order, or None when SQL cannot
    give it exactly (title and provider sort by casefolded text; topic and search
    filters are the catalog's)."""
    if view.topic is not None or view.words:
        return None
    where = f"kind = {ENTRY}"
    if view.published is Published.UNPUBLISHED:
        where += " AND published = 0"
    elif view.published is Published.PUBLISHED:
        where += " AND (published IS NULL OR published = 1)"
    # NULL sorts lowest in SQLite: last when descending, first when ascending,
    # where the catalog puts missing values last too ("x IS NULL" first).
    if view.sort is SortKey.DATE:
        keys = ["published_at"]
    elif view.sort is SortKey.HEAT:
        keys = ["heat", "quality"]
    elif view.sort is SortKey.QUALITY:
        keys = ["quality", "heat"]
    else:
        return None
    if view.descending:
        terms = [f"{k} DESC" for k in keys]
    else:
        terms = [t for k in keys for t in (f"{k} IS NULL", f"{k} ASC")]
    return f"WHERE {where} ORDER BY {', '.join(terms)}, rowid"


def first_rows(root: Path | str, view: Query, limit: int, *,
               directory: Path | str | None = None) -> FirstScreen | None:
    """``view``'s first ``limit`` entries from ``root``'s index, or None (no index,
    an index that is not ours or not ready, a view SQL cannot order, any error)."""
    clause = order_by(view)
    if clause is None or limit <= 0:
        return None
    try:
        path = index_path(root, directory)
        if not path.is_file():
            return None
        uri = "file:" + os.fspath(path).replace("?", "%3f").replace("#", "%23") + "?mode=ro"
        db = sqlite3.connect(uri, uri=True, timeout=0, check_same_thread=False)
    except (OSError, ValueError, sqlite3.Error):
        return None
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            return None
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("root") != str(Path(root).resolve()):
            return None
        rows = db.execute(f"SELECT {', '.join(COLUMNS)} FROM files {clause} LIMIT ?", (limit,)).fetchall()
        indexed = row_count(meta)  # kept by the index; counted only when it is not there
        if indexed is None:
            indexed = db.execute("SELECT count(*) FROM files").fetchone()[0]
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        db.close()
    decoder = RowDecoder()
    entries = []
    for row in rows:
        try:
            entry = decoder.entry(row)
        except BadRow:
            continue
        when = row[6]
        if when is not None and not _canonical(when):
            continue
        entries.append(entry)
    return FirstScreen(entries, indexed) if isinstance(indexed, int) else None


def _canonical(text: str) -> bool:
    """Is this the form the index writes (UTC ``isoformat``), which sorts as text
    the way the dates sort?"""
    try:
        return datetime.fromisoformat(text).isoformat() == text and text.endswith("+00:00")
    except (TypeError, ValueError):
        return False
