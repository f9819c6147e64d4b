"""The index is untrusted input: a damaged row is dropped and its file read again,
a damaged file is rebuilt, and the loader and the CLI never crash or hide an item."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from reader.cli import main
from reader.core import index as index_mod
from reader.core.index import BadRow, Index, RowDecoder, default_directory, index_path
from reader.core.loader import load_all
from reader.core.parse_rows import parse_chunk
from reader.core.store import load_directory
from tests.conftest import shared_dir

OLD = 1_600_000_000_000_000_000  # well before any scan: rows keep their real mtime
SHARED = shared_dir()  # ../shared beside the repository; fails (never skips) if missing

# One UPDATE per kind of damage, applied to the row of "a.md" (or to every row).
ROW_DAMAGE = {
    "date not a date": "published_at = 'yesterday-ish'",
    "date without a zone": "published_at = '2025-01-05T10:00:00'",
    "date as a number": "published_at = 20250105",
    "date as a blob": "published_at = x'32303235'",
    "title NULL": "title = NULL",
    "title as a blob": "title = x'41424344'",
    "title with an escape": "title = 'Evil ' || char(27) || '[2J title'",
    "title with a bidi override": "title = 'Evil ' || char(8238) || 'title'",
    "provider NULL": "provider = NULL",
    "provider as a blob": "provider = x'476178'",
    "provider with a control": "provider = 'Ga' || char(7) || 'zette'",
    "topics NULL": "topics = NULL",
    "topics as a blob": "topics = x'4149'",
    "topics with an escape": "topics = 'AI' || char(31) || char(27) || '[31m'",
    "kind unknown": "kind = 9",
    "kind as text": "kind = 'entry'",
    "kind unreadable": f"kind = {index_mod.UNREADABLE}",
    "kind skipped": f"kind = {index_mod.SKIPPED}",
    "kind problem": f"kind = {index_mod.PROBLEM}",
    "heat as text": "heat = 'very hot'",
    "heat out of range": "heat = 10000000000",
    "negative quality": "quality = -5",
    "heat as a real": "heat = 12.5",
    "quality negative": "quality = -4",
    "published not a flag": "published = 7",
    "heat_unscored NULL": "heat_unscored = NULL",
    "urls as text": "urls = 'https://gazette.example.com/alpha'",
    "urls truncated": "urls = x'05'",
    "urls NULL": "urls = NULL",
    "search as text": "search = 'alpha'",
    "search NULL": "search = NULL",
    "size as text": "size = 'big'",
    "mtime as a real": "mtime_ns = 0.5",
    "id as a blob": "id = CAST(id AS BLOB)",
}
EVERY_ROW = {
    "every title NULL": "title = NULL",
    "every kind unknown": "kind = 42",
    "every date bad": "published_at = 'x'",
}


@pytest.fixture
def corpus(small_corpus: Path) -> Path:
    for i, path in enumerate(sorted(p for p in small_corpus.rglob("*") if p.is_file())):
        os.utime(path, ns=(OLD + i * 1000, OLD + i * 1000))
    return small_corpus


def reference(root: Path):
    result = load_directory(root)
    return (sorted(result.entries, key=lambda e: e.id),
            sorted(result.problems, key=lambda p: p.id))


def load(root: Path, directory: Path | None = None):
    index = Index(root, directory=directory)
    try:
        entries, problems, report = load_all(root, index=index)
    finally:
        index.close()
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))  # nothing twice
    return sorted(entries, key=lambda e: e.id), sorted(problems, key=lambda p: p.id), report


def damage(path: Path, assignment: str, where: str = "WHERE id = 'a.md'") -> None:
    db = sqlite3.connect(path)
    try:
        changed = db.execute(f"UPDATE files SET {assignment} {where}").rowcount
        db.commit()
    finally:
        db.close()
    assert changed >= 1


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- the loader ------------------------------------------------------------------------------

@pytest.mark.parametrize("assignment", list(ROW_DAMAGE.values()), ids=list(ROW_DAMAGE))
def test_damaged_row_is_read_again_from_its_file(corpus: Path, tmp_path: Path, assignment: str) -> None:
    directory = tmp_path / "index"
    expected = reference(corpus)
    load(corpus, directory)
    damage(index_path(corpus, directory), assignment)

    entries, problems, report = load(corpus, directory)
    assert (entries, problems) == expected
    assert report.index_used and report.parsed == 1  # only the damaged row's file

    # The read repaired the index: the next start reads nothing.
    entries, problems, report = load(corpus, directory)
    assert (entries, problems) == expected and report.parsed == 0


@pytest.mark.parametrize("assignment", list(EVERY_ROW.values()), ids=list(EVERY_ROW))
def test_every_row_damaged_still_lists_everything(corpus: Path, tmp_path: Path, assignment: str) -> None:
    directory = tmp_path / "index"
    expected = reference(corpus)
    load(corpus, directory)
    damage(index_path(corpus, directory), assignment, where="WHERE kind = 0")
    assert load(corpus, directory)[:2] == expected


def test_damaged_row_of_a_deleted_file_is_forgotten(corpus: Path, tmp_path: Path) -> None:
    directory = tmp_path / "index"
    load(corpus, directory)
    damage(index_path(corpus, directory), "title = NULL")
    (corpus / "a.md").unlink()
    assert load(corpus, directory)[:2] == reference(corpus)
    db = sqlite3.connect(index_path(corpus, directory))
    try:
        assert db.execute("SELECT count(*) FROM files WHERE id = 'a.md'").fetchone()[0] == 0
    finally:
        db.close()


def test_text_that_is_not_utf8_rebuilds_the_index(corpus: Path, tmp_path: Path) -> None:
    directory = tmp_path / "index"
    load(corpus, directory)
    damage(index_path(corpus, directory), "title = CAST(x'ff41' AS TEXT)")
    entries, problems, report = load(corpus, directory)
    assert (entries, problems) == reference(corpus)
    assert report.index_used and "unreadable index" in (report.index_note or "")
    assert load(corpus, directory)[2].parsed == 0  # rebuilt and stored again


@pytest.mark.parametrize("statement", [
    "CREATE TRIGGER t AFTER INSERT ON files BEGIN SELECT 1; END",
    "CREATE VIEW v AS SELECT 1",
    "CREATE TABLE extra (x)",
    "DELETE FROM meta WHERE key = 'application'",
])
def test_wrong_schema_is_rebuilt(corpus: Path, tmp_path: Path, statement: str) -> None:
    directory = tmp_path / "index"
    load(corpus, directory)
    db = sqlite3.connect(index_path(corpus, directory))
    db.execute(statement)
    db.commit()
    db.close()
    entries, problems, report = load(corpus, directory)
    assert (entries, problems) == reference(corpus)
    assert report.index_used and "not a reader index" in (report.index_note or "")


def test_files_as_a_view_is_rebuilt(corpus: Path, tmp_path: Path) -> None:
    directory = tmp_path / "index"
    load(corpus, directory)
    db = sqlite3.connect(index_path(corpus, directory))
    db.executescript("ALTER TABLE files RENAME TO real_files;"
                     "CREATE VIEW files AS SELECT * FROM real_files;")
    db.close()
    entries, problems, report = load(corpus, directory)
    assert (entries, problems) == reference(corpus)
    assert "not a reader index" in (report.index_note or "")


# -- the CLI ---------------------------------------------------------------------------------

@pytest.mark.parametrize("assignment", [
    ROW_DAMAGE["date not a date"], ROW_DAMAGE["topics NULL"], ROW_DAMAGE["kind unknown"],
    ROW_DAMAGE["heat as text"], ROW_DAMAGE["urls as text"], ROW_DAMAGE["title with an escape"],
    EVERY_ROW["every title NULL"],
], ids=["date", "topics", "kind", "heat", "urls", "escape", "every title"])
def test_cli_list_and_check_with_a_damaged_index(capsys, corpus: Path, assignment: str) -> None:
    truth = cli(capsys, "list", "--no-index", str(corpus))
    truth_check = cli(capsys, "check", "--no-index", str(corpus))
    assert cli(capsys, "list", str(corpus)) == truth  # writes the index
    damage(index_path(corpus, default_directory()), assignment,
           where="WHERE kind = 0" if assignment == EVERY_ROW["every title NULL"] else "WHERE id = 'a.md'")

    code, out, err = cli(capsys, "list", str(corpus))
    assert (code, out, err) == truth
    assert "Alpha robots learn to walk" in out and "\x1b" not in out
    assert cli(capsys, "check", str(corpus)) == truth_check


def test_cli_with_an_index_that_is_not_a_database(capsys, corpus: Path) -> None:
    truth = cli(capsys, "list", "--no-index", str(corpus))
    path = index_path(corpus, default_directory())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not SQLite" * 100)
    assert cli(capsys, "list", str(corpus)) == truth
    assert cli(capsys, "list", str(corpus)) == truth


# -- the decoder -----------------------------------------------------------------------------

def test_decoder_accepts_every_row_the_loader_writes(tmp_path: Path) -> None:
    """Validation must never refuse a good row (it would be read again at every start)."""
    roots = [SHARED / "seed", SHARED / "real-items"]
    decoder = RowDecoder()
    refs = [
        (str(path.relative_to(root)), str(path), 0, 0)
        for root in roots for path in sorted(root.rglob("*")) if path.is_file()
    ]
    rows, _fast, _yaml = parse_chunk(refs)
    entries = 0
    for row in rows:
        if row[3] != index_mod.UNREADABLE:
            decoded = decoder.decode(row)
            entries += row[3] == index_mod.ENTRY and decoded is not None
    assert entries > 0


@pytest.mark.parametrize("row", [
    (),
    None,
    ("a.md", 1, 2),
    ("a.md", 1, 2, 0, "t", "p", None, None, None, None, "", b"", b"", 0),  # one column short
    (b"a.md", 1, 2, index_mod.SKIPPED) + (None,) * 11,
    ("a.md", 1, 2, index_mod.SKIPPED, "title") + (None,) * 10,
    ("a.md", 1, 2, index_mod.PROBLEM) + (None,) * 11,
    ("a.md", 1, 2, index_mod.PROBLEM) + (None,) * 10 + (b"reason",),
])
def test_decoder_refuses_malformed_rows(row) -> None:
    with pytest.raises(BadRow):
        RowDecoder().decode(row)


def test_scores_over_100_are_valid_rows(tmp_path) -> None:
    """Heat and quality have no upper bound: a row holding 241 is not damage."""
    from reader.core.index import Index
    from reader.core.loader import load_all
    from tests.conftest import write_item

    root = tmp_path / "c"
    path = write_item(root, "a.md", title="Hot", heat=241, quality=191)
    os.utime(path, ns=(10**18, 10**18))  # long ago: the index trusts its row next time
    with Index(root) as index:
        load_all(root, index=index)
    with Index(root) as index:
        entries, _, report = load_all(root, index=index)
    assert report.parsed == 0  # every row was accepted, nothing read again
    assert (entries[0].heat, entries[0].quality) == (241, 191)
