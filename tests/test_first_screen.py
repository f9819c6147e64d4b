"""The first screen read straight from the index: a view's first rows, in the catalog's order."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from reader.core.catalog import Catalog
from reader.core.first_screen import first_rows, order_by
from reader.core.index import Index, index_path
from reader.core.loader import load_all
from reader.core.loader import scan as scan_index
from reader.core.query import Published, Query, SortKey
from tests.conftest import write_item

OLD_NS = 1_600_000_000_000_000_000  # an mtime well before any scan (not "racy")

VIEWS = [
    Query(),  # newest first: the default view
    Query(descending=False),
    Query(sort=SortKey.HEAT),
    Query(sort=SortKey.HEAT, descending=False),
    Query(sort=SortKey.QUALITY),
    Query(sort=SortKey.QUALITY, descending=False),
    Query(sort=SortKey.HEAT, published=Published.UNPUBLISHED),  # the triage queue
    Query(published=Published.PUBLISHED),
    Query(published=Published.UNPUBLISHED),
]


def _corpus(root: Path) -> Path:
    """Items with ties (same date, same heat) and missing values (no date, heat or quality)."""
    same_day = "2025-03-01T10:00:00Z"
    specs = [
        ("a.md", dict(heat=50, quality=40, publishedDateTime=same_day, published=False)),
        ("b.md", dict(heat=50, quality=90, publishedDateTime=same_day, published=True)),
        ("c.md", dict(heat=50, publishedDateTime="2025-03-02T10:00:00Z", published=False)),
        ("d.md", dict(quality=90, publishedDateTime=same_day)),
        ("e.md", dict(heat=10, quality=10, published=False)),
        ("f.md", dict(heat=90, quality=40, publishedDateTime="2024-12-24T10:00:00.250000Z")),
        ("g.md", dict(heat=90, quality=40, publishedDateTime="2024-12-24T10:00:00Z", published=False)),
        ("sub/h.md", dict(heat=0, quality=0, publishedDateTime="2025-02-15", published=False)),
        ("sub/i.md", dict(publishedDateTime=same_day, published=True)),
        ("j.md", dict(heat=50, quality=40, publishedDateTime=same_day, published=False)),
    ]
    for rel, fields in specs:
        write_item(root, rel, title=f"Item {rel}", **fields)
    (root / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    for path in root.rglob("*.md"):
        os.utime(path, ns=(OLD_NS, OLD_NS))
    return root


def _warm_catalog(root: Path) -> Catalog:
    """The catalog a warm start ends with (entries in the order the load gives them)."""
    with Index(root) as ix:
        entries, _problems, _report = load_all(root, index=ix)
    return Catalog(entries)


@pytest.fixture
def indexed(tmp_path: Path) -> Path:
    root = _corpus(tmp_path / "content")
    with Index(root) as ix:
        load_all(root, index=ix)  # the first start writes the index
    # A tie whose file changed is stored again, at the end of the table: a later
    # start lists it after the others, and ties must follow that order too.
    write_item(root, "a.md", title="Item a.md again", heat=50, quality=40,
               publishedDateTime="2025-03-01T10:00:00Z", published=False)
    os.utime(root / "a.md", ns=(OLD_NS + 1, OLD_NS + 1))
    with Index(root) as ix:
        load_all(root, index=ix)
    return root


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: f"{v.sort.value}-{v.descending}-{v.published.value}")
def test_first_rows_are_the_views_first_rows_in_order(indexed: Path, view: Query) -> None:
    expected = [e.id for e in _warm_catalog(indexed).query(view)]
    for limit in (1, 3, len(expected), len(expected) + 5):
        first = first_rows(indexed, view, limit)
        assert first is not None
        assert [e.id for e in first.entries] == expected[:limit]
        assert first.indexed == 11  # ten items and the broken file


def test_the_entries_are_the_ones_a_load_makes(indexed: Path) -> None:
    catalog = _warm_catalog(indexed)
    first = first_rows(indexed, Query(), 100)
    assert first is not None
    assert first.entries == [catalog.get(e.id) for e in first.entries]


def test_views_sql_cannot_order_give_nothing(indexed: Path) -> None:
    for view in (Query(sort=SortKey.TITLE), Query(sort=SortKey.PROVIDER, descending=False),
                 Query(topic="AI"), Query(search="item")):
        assert order_by(view) is None
        assert first_rows(indexed, view, 10) is None


def test_no_index_or_someone_elses_gives_nothing(tmp_path: Path, indexed: Path) -> None:
    other = _corpus(tmp_path / "other")
    assert first_rows(other, Query(), 10) is None  # never indexed
    index_path(other).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(index_path(indexed), index_path(other))  # another folder's index
    assert first_rows(other, Query(), 10) is None
    assert first_rows(indexed, Query(), 0) is None


def test_damaged_rows_are_left_out(indexed: Path) -> None:
    expected = [e.id for e in _warm_catalog(indexed).query(Query())]
    db = sqlite3.connect(index_path(indexed))
    with db:
        db.execute("UPDATE files SET title = 'Evil ' || char(27) || '[2J' WHERE id = ?", (expected[0],))
        # A date that is not in the form the index writes would sort wrongly as text.
        db.execute("UPDATE files SET published_at = '2099-01-01T00:00:00+05:00' WHERE id = ?",
                   (expected[2],))
        db.execute("UPDATE files SET published_at = '2099-01-01 00:00:00+00:00' WHERE id = ?",
                   (expected[3],))
    db.close()
    first = first_rows(indexed, Query(), 100)
    assert first is not None
    assert [e.id for e in first.entries] == [expected[1], *expected[4:]]


def test_a_file_that_is_not_a_database_gives_nothing(indexed: Path) -> None:
    path = index_path(indexed)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"not a database at all" * 100)
    assert first_rows(indexed, Query(), 10) is None


def test_the_index_gets_its_view_indexes_once_a_scan_has_finished(tmp_path: Path) -> None:
    root = _corpus(tmp_path / "content")
    with Index(root) as ix:
        load_all(root, index=ix)
    db = sqlite3.connect(index_path(root))
    names = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    plan = " ".join(r[3] for r in db.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM files " + (order_by(Query()) or "") + " LIMIT 5"))
    db.close()
    assert {"files_by_date", "files_queue"} <= names
    assert "files_by_date" in plan and "TEMP B-TREE" not in plan  # no sort of the whole table


def test_a_view_index_defined_otherwise_means_a_rebuild(tmp_path: Path) -> None:
    root = _corpus(tmp_path / "content")
    with Index(root) as ix:
        load_all(root, index=ix)
    db = sqlite3.connect(index_path(root))
    with db:
        db.execute("DROP INDEX files_by_date")
        db.execute("CREATE INDEX files_by_date ON files(title)")
    db.close()
    with Index(root) as ix:
        entries, _p, report = load_all(root, index=ix)
    assert report.index_note == "not a reader index"
    assert len(entries) == 10


def _meta_count(root: Path) -> str | None:
    db = sqlite3.connect(index_path(root))
    row = db.execute("SELECT value FROM meta WHERE key = 'rows'").fetchone()
    db.close()
    return None if row is None else row[0]


def test_a_finished_scan_keeps_the_row_count_and_a_write_drops_it(tmp_path: Path) -> None:
    root = _corpus(tmp_path / "content")
    with Index(root) as ix:
        load_all(root, index=ix)
    assert _meta_count(root) == "11"  # ten items and the broken file
    write_item(root, "new.md", title="New")
    (root / "sub" / "h.md").unlink()
    with Index(root) as ix:
        scan = scan_index(root, index=ix)
        next(scan)  # the index's rows: nothing written yet
        for batch in scan:
            if batch.removed or batch.entries:  # a write happened: the count is gone until the end
                assert _meta_count(root) is None
                break
        scan.close()
    with Index(root) as ix:
        load_all(root, index=ix)
    assert _meta_count(root) == "11"  # one more, one less
    assert first_rows(root, Query(), 5).indexed == 11


@pytest.mark.parametrize(("stored", "shown"), [("12345", 12345), ("-3", 11), ("eleven", 11), ("1e3", 11),
                                               ("９", 11), ("9" * 30, 11)])
def test_the_first_screen_reads_the_kept_count_and_counts_when_it_is_no_count(
        indexed: Path, stored: str, shown: int) -> None:
    db = sqlite3.connect(index_path(indexed))
    with db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'rows'", (stored,))
    db.close()
    first = first_rows(indexed, Query(), 5)
    assert first is not None and first.indexed == shown  # 12345: what was kept, not counted
