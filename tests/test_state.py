"""The reader's own state store: read and saved marks, the last view."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.core.model import Entry
from reader.core.state import StateStore, item_key
from tests.conftest import run_in_processes


def entry(item_id: str, *urls: str) -> Entry:
    return Entry(item_id, "t", "", None, None, None, None, (), urls)


def test_marks_persist_and_are_shared_by_processes_reading_the_file(tmp_path: Path) -> None:
    path = tmp_path / "state" / "state.sqlite"
    store = StateStore(path)
    store.set_read(["url:a.example/1", "url:a.example/2"])
    store.set_saved(["url:a.example/2"])
    store.set_read(["url:a.example/1"], False)
    store.close()
    again = StateStore(path)
    assert again.read == {"url:a.example/2"} and again.saved == {"url:a.example/2"}
    assert again.note is None
    again.set_saved(["url:a.example/2"], False)
    again.set_read(["url:a.example/2"], False)
    again.close()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM items").fetchone()[0] == 0


def test_an_item_is_known_by_its_url_whatever_its_file_is_called() -> None:
    a = entry("2024/05/a.md", "https://www.News.example.com/story/")
    b = entry("renamed/b.md", "http://news.example.com/story")
    assert item_key(a) == item_key(b)
    assert item_key(entry("no-url.md")) == "id:no-url.md"


def _mark_many(path: str, prefix: str, n: int) -> None:
    store = StateStore(path)
    for i in range(n):
        store.set_read([f"{prefix}{i}"])
        if i % 3 == 0:
            store.set_saved([f"{prefix}{i}"])
    store.close()


def test_two_processes_marking_at_once_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "state.sqlite")
    StateStore(path).close()
    run_in_processes(_mark_many, (path, "a", 150), (path, "b", 150))
    store = StateStore(path)
    assert store.read == {f"{p}{i}" for p in "ab" for i in range(150)}
    assert store.saved == {f"{p}{i}" for p in "ab" for i in range(0, 150, 3)}


@pytest.mark.parametrize("junk", [b"not a database at all" * 50, b""], ids=["junk", "empty"])
def test_a_corrupt_file_is_moved_aside_with_a_note(tmp_path: Path, junk: bytes) -> None:
    path = tmp_path / "state.sqlite"
    path.write_bytes(junk)
    store = StateStore(path)
    if junk:
        assert store.note is not None and "moved to" in store.note
        assert [p.name for p in tmp_path.glob("state.sqlite.corrupt-*")]
    store.set_read(["k"])
    store.close()
    assert StateStore(path).read == {"k"}


def test_a_foreign_database_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE something (x)")
    db.commit()
    db.close()
    store = StateStore(path)
    assert store.note is not None and "not a" in store.note
    store.set_saved(["k"])
    assert StateStore(path).saved == {"k"}


def test_a_store_that_cannot_be_opened_keeps_working_in_memory(tmp_path: Path, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(sqlite3, "connect", refuse)
    store = StateStore(tmp_path / "state.sqlite")
    assert store.note is not None and "this session only" in store.note
    store.set_read(["k"])
    assert store.read == {"k"}
    assert store.last_view(tmp_path) is None


def test_the_last_view_is_kept_per_content_root(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    store = StateStore(path)
    store.save_view(tmp_path / "one", {"sort": "heat", "search": "robots ☃"})
    store.save_view(tmp_path / "two", {"sort": "date"})
    store.close()
    again = StateStore(path)
    assert again.last_view(tmp_path / "one") == {"sort": "heat", "search": "robots ☃"}
    assert again.last_view(tmp_path / "three") is None


def test_the_state_folder_and_file_are_private(tmp_path: Path) -> None:
    import os
    import stat

    path = tmp_path / "state" / "state.sqlite"
    StateStore(path).close()
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
