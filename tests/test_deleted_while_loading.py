"""A file deleted between the listing and the read is not a problem: it is just not there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.cli import main
from reader.core import loader, parse_rows
from reader.core.index import Index
from reader.core.loader import load_all

OLD = 1_600_000_000_000_000_000  # an mtime well before any scan (not "racy")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for i, name in enumerate(["a.md", "b.md", "sub/c.md"]):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'---\ntitle: "{name}"\n---\n', encoding="utf-8")
        os.utime(path, ns=(OLD + i * 1000, OLD + i * 1000))
    return root


def listing_then_delete(monkeypatch, victim: Path) -> None:
    real_iter_files = loader.iter_files

    def fake(root, *args, **kwargs):
        refs = list(real_iter_files(root, *args, **kwargs))
        victim.unlink()
        yield from refs

    monkeypatch.setattr(loader, "iter_files", fake)


def test_a_file_deleted_while_loading_is_just_not_there(monkeypatch, corpus: Path) -> None:
    listing_then_delete(monkeypatch, corpus / "b.md")
    entries, problems, report = load_all(corpus)
    assert sorted(e.id for e in entries) == ["a.md", "sub/c.md"]
    assert problems == [] and report.skipped == 0


def test_a_file_deleted_while_loading_is_not_stored_in_the_index(monkeypatch, corpus: Path) -> None:
    listing_then_delete(monkeypatch, corpus / "b.md")
    ix = Index(corpus)
    try:
        entries, problems, _ = load_all(corpus, index=ix)
        assert sorted(e.id for e in entries) == ["a.md", "sub/c.md"] and problems == []
        assert sorted(row[0] for row in ix.iter_rows()) == ["a.md", "sub/c.md"]
    finally:
        ix.close()


def test_check_does_not_fail_for_a_file_deleted_while_checking(capsys, monkeypatch,
                                                                corpus: Path) -> None:
    listing_then_delete(monkeypatch, corpus / "b.md")
    code = main(["check", str(corpus), "--no-index"])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("2 items loaded, 0 files could not be read")


def test_parse_file_of_a_deleted_file(tmp_path: Path) -> None:
    row, _ = parse_rows.parse_file("gone.md", str(tmp_path / "gone.md"), 10, OLD)
    assert row[3] == parse_rows.GONE
